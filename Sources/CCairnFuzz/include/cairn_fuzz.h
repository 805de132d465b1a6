// libFuzzer's driver entry point (LLVM 11+). Only referenced by the fuzzing build of cairn-fuzz
// (-D CAIRN_LIBFUZZER with -sanitize=fuzzer), which links libFuzzer; see scripts/fuzz.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
