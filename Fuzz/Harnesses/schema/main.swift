// libFuzzer driver for the schema harness (CVRFuzzEntry.FuzzHarness.schema). Built only
// with -sanitize=fuzzer (make fuzz-schema); the arguments are libFuzzer's.
import CFuzzDriver
import CVRFuzzEntry
import Foundation

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
  FuzzHarness.schema.run(UnsafeRawBufferPointer(start: data, count: size))
  return 0
})
