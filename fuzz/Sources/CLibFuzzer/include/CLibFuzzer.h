#ifndef UNIONCARD_CLIBFUZZER_H
#define UNIONCARD_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/*
 * libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer). The fuzzer calls it from its
 * own main: SwiftPM gives every executable target a Swift main, so libFuzzer's main is not used.
 */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
