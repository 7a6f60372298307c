/*
 * fuzz_trace_v1 - the execution-trace reader and analysis on v1 traces only: the input is
 * a body after a header of that format (its first byte picks the Go version), so no input is
 * spent on a wrong header. The invariants are fuzz_trace.c's.
 */
#define FUZZ_TRACE_CHECK_ONLY
#include "fuzz_trace.c"

static const char *const headers[] = {"go 1.5 trace\0\0\0\0\0",  "go 1.7 trace\0\0\0\0\0",
                                      "go 1.8 trace\0\0\0\0\0",  "go 1.9 trace\0\0\0\0\0",
                                      "go 1.10 trace\0\0\0\0\0", "go 1.11 trace\0\0\0\0\0",
                                      "go 1.19 trace\0\0\0\0\0", "go 1.21 trace\0\0\0\0\0"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_trace_with_header(headers, sizeof(headers) / sizeof(headers[0]), data, size);
}
