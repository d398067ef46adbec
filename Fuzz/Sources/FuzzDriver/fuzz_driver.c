// The fuzz binary's main. SwiftPM links an executable target with `--defsym main=<module>_main` (here
// ckpt_fuzz_main), so libFuzzer's own main is never pulled in; this one hands the command line to libFuzzer's
// driver, which calls LLVMFuzzerInitialize and then LLVMFuzzerTestOneInput (FuzzEntry.swift) for every input.
#include <stddef.h>
#include <stdint.h>

#include "fuzz_driver.h"

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int ckpt_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
