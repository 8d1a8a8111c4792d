// libFuzzer driver for the csv harness (CVRFuzzEntry.FuzzHarness.csv). Built only
// with -sanitize=fuzzer (make fuzz-csv); the arguments are libFuzzer's.
import CFuzzDriver
import CVRFuzzEntry
import Foundation

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
  FuzzHarness.csv.run(UnsafeRawBufferPointer(start: data, count: size))
  return 0
})
