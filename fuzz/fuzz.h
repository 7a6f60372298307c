/*
 * fuzz/fuzz.h - the one symbol the fuzz targets (fuzz_*.c) and the replay driver (replay.c)
 * share: the libFuzzer entry point. Helpers for the targets are in fuzz/harness.h.
 */
#ifndef GM_FUZZ_H
#define GM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
