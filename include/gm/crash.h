/*
 * gm/crash.h - the crash a goroutine dump was printed for (analysis layer,
 * lib/analyze/crash.c; gomedic goroutines, diff, watch).
 *
 * The runtime prints the goroutines when a program dies: after "panic: ..." (an unrecovered
 * panic; " [recovered]" when a deferred function recovered and panicked again), "fatal
 * error: ..." (concurrent map writes, stack overflow, out of memory, unlock of an unlocked
 * mutex, ...), a fault ("unexpected fault address", "[signal SIGSEGV: ...]") or a signal it
 * did not expect ("SIGSEGV: segmentation violation", in cgo code), and "fatal error: all
 * goroutines are asleep - deadlock!". Each is a catalogue id (panic, fatal-error,
 * fatal-signal, all-goroutines-asleep), critical and ranked first. A dump someone asked for
 * (SIGQUIT, SIGABRT from a watchdog, debug=2) is not a crash.
 *
 * The crashing goroutine is the first the runtime printed; the function named is the one
 * that panicked or threw, not the runtime: the first user frame, or for a re-panic the first
 * user frame below the outermost panic frame (where the first panic happened), with the
 * deferred function that recovered it. A goroutine of `go test` (testing.tRunner) names its
 * test.
 */
#ifndef GM_CRASH_H
#define GM_CRASH_H

#include "gm/dumps.h"

enum gm_crash_kind {
    GM_CRASH_NONE = 0,
    GM_CRASH_PANIC,
    GM_CRASH_FATAL,
    GM_CRASH_SIGNAL,
    GM_CRASH_DEADLOCK,
};

struct gm_crash {
    enum gm_crash_kind kind;
    const char *id;        /* catalogue id, NULL for GM_CRASH_NONE */
    char message[304];     /* the runtime's line ("panic: ...", "fatal error: ...", ...)
                              without its " [recovered]" mark */
    const char *detail;    /* the signal, fault or stack-limit line, or NULL */
    uint32_t g;            /* index in the set of the crashing goroutine, or UINT32_MAX */
    uint64_t goroutine;    /* its id (0: unknown) */
    uint32_t frame;        /* frame id of the function that panicked or threw, or GM_NO_FRAME */
    uint32_t recovered_in; /* re-panic: frame id of the deferred function, or GM_NO_FRAME */
    char test[128];        /* the test it ran in ("TestCheckout"), or "" */
    uint64_t blocked;      /* all-goroutines-asleep: the goroutines the runtime proved stuck */
    int recovered;         /* the runtime printed "[recovered]": a panic was recovered and
                              raised again (by user code: recovered_in; or by testing) */
};

/* The crash of set->dumps[dump]: 1 with *c filled, 0 when the dump was not printed for a
 * crash (*c has kind GM_CRASH_NONE). */
int gm_crash_of(const struct gm_gdump_set *set, uint32_t dump, struct gm_crash *c);

/* The fix for this crash when its message tells more than its kind (concurrent map writes,
 * stack overflow, out of memory, unlock of an unlocked mutex, a nil dereference), or NULL. */
const char *gm_crash_fix(const struct gm_crash *c);

/* The crash in one sentence, e.g. "panic: runtime error: index out of range [0] with length 0
 * in test TestTotal", into buf. */
void gm_crash_why(const struct gm_gdump_set *set, const struct gm_crash *c, char *buf, size_t cap);

#endif
