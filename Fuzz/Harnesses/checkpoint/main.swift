// libFuzzer driver for the checkpoint harness (CVRFuzzEntry.FuzzHarness.checkpoint). Built only
// with -sanitize=fuzzer (make fuzz-checkpoint); the arguments are libFuzzer's.
import CFuzzDriver
import CVRFuzzEntry
import Foundation

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
  FuzzHarness.checkpoint.run(UnsafeRawBufferPointer(start: data, count: size))
  return 0
})
