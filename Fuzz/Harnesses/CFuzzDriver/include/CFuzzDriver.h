// libFuzzer's driver entry (compiler-rt's FuzzerInterface.h): the harness
// executables call it from their own main, because SwiftPM links an executable
// target's main itself and would clash with libFuzzer's.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
