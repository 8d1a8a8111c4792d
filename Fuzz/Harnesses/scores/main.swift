// libFuzzer driver for the scores harness (CVRFuzzEntry.FuzzHarness.scores). Built only
// with -sanitize=fuzzer (make fuzz-scores); the arguments are libFuzzer's.
import CFuzzDriver
import CVRFuzzEntry
import Foundation

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
  FuzzHarness.scores.run(UnsafeRawBufferPointer(start: data, count: size))
  return 0
})
