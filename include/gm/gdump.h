/*
 * gm/gdump.h - goroutine dumps: the model and the parsers of both text forms.
 *
 * Reads every text form Go prints goroutines in (FORMATS.md §1):
 *  - full dumps: panic / fatal error / SIGQUIT / GOTRACEBACK=all|system|crash, runtime.Stack,
 *    /debug/pprof/goroutine?debug=2; Go 1.12 .. 1.26 grammar (gp= m= headers, "created by X in
 *    goroutine N", both frame-elision markers, [originating from goroutine N] ancestors,
 *    "(leaked)", "(scan)", "N minutes", "locked to thread", fp= sp= pc= suffixes);
 *  - aggregated dumps: /debug/pprof/goroutine?debug=1 ("N @ 0x..", "# labels:", "#\t0x.." frames).
 * Dumps may be embedded in logs (other lines are skipped and counted), use CRLF, be truncated
 * (the last goroutine is kept and the dump is marked), or follow each other in one file (a new
 * dump starts at a preamble line - panic:, fatal error:, SIGQUIT:, goroutine profile: - or
 * when a goroutine id repeats).
 *
 * The input bytes are only borrowed while parsing: everything kept is interned into the set's
 * gm_stacks, so the input can be unmapped afterwards. Per goroutine the model keeps one
 * fixed-size record (struct gm_goroutine), never a copy of its frames.
 */
#ifndef GM_GDUMP_H
#define GM_GDUMP_H

#include "gm/base.h"
#include "gm/dumps.h"
#include "gm/input.h"
#include "gm/waitclass.h"

/* The model (struct gm_gdump_set and what it holds) is in gm/dumps.h. */

/*
 * Parses every dump in (p, len) and appends them to set (dumps, goroutines). The input is
 * borrowed for the call only. Returns the number of dumps found (>= 1), or:
 *  GM_EFORMAT  no goroutine dump in the input (diag: line 1 and what was seen), or a
 *              malformed header/frame in the middle of a dump (diag: line, offset, expectation);
 *  GM_ENOMEM / GM_ETOOBIG.
 * A dump cut at the end of the input is not an error: the dump is marked truncated.
 */
int gm_gdump_parse(struct gm_gdump_set *set, const char *p, size_t len, struct gm_diag *diag);
/* The same on an opened input, whose pages are handed back behind the parser
 * (gm_input_release): the way gm/artifact.h parses a dump. */
int gm_gdump_parse_input(struct gm_gdump_set *set, const struct gm_input *in, struct gm_diag *diag);

/* Adds a goroutine profile (pprof, debug=0) as one aggregated dump: a record per sample with
 * its count, frames and labels; the wait state is inferred from the innermost frames
 * (runtime.chanrecv -> "chan receive", ...) since the profile carries none. Returns 1, or
 * GM_EFORMAT when the profile is not a goroutine profile, GM_ENOMEM. */
struct gm_profile;
int gm_gdump_add_profile(struct gm_gdump_set *set, const struct gm_profile *p,
                         struct gm_diag *diag);

/* One stack of a debug=1 goroutine profile, as gm_gdump_peek reads it. */
struct gm_gpeek {
    uint64_t key;            /* gm_stack_key's key (gm/stack.h): the same stack in debug=0 */
    uint64_t count;          /* goroutines with this stack (a stack may come again, with labels) */
    struct gm_str func;      /* the first user function, else the first printed one (into p) */
    enum gm_wait_class wait; /* what the printed frames tell (gm/waitclass.h): not the channel
                                classes, whose runtime frames debug=1 hides */
};
typedef void (*gm_gpeek_fn)(void *ctx, const struct gm_gpeek *s);

/* Reads a debug=1 goroutine profile ("goroutine profile: total N", then "count @ pcs" records
 * with "#" frame lines) without building the model: *total, and fn for every record. What a
 * live watch reads every interval; the model is built from the kept debug=0 bodies when it
 * captures. 0, or GM_EFORMAT when p is not that text (diag says what was expected). */
int gm_gdump_peek(const char *p, size_t len, uint64_t *total, gm_gpeek_fn fn, void *ctx,
                  struct gm_diag *diag);

/* Unix seconds of a log-line timestamp at the start of s ("2006/01/02 15:04:05", RFC 3339,
 * "time=..." or a JSON "time"/"ts" member first), or -1. */
int64_t gm_gdump_log_time(struct gm_str s);

#endif
