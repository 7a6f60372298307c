/*
 * gm/gctrace.h - GODEBUG=gctrace=1 / schedtrace=N logs, streamed to a visitor.
 *
 * Reads the lines the Go runtime prints to stderr (FORMATS.md §3), wherever they sit in a log:
 *  - gctrace lines of every version: Go 1.5/1.6 (five clock phases), 1.8-1.17, 1.18+ (with
 *    "MB stacks, MB globals"), " (forced)"; also behind a prefix (timestamps, container log
 *    prefixes, a JSON "msg" value) since the parser finds the text, not the line start;
 *  - scavenger lines: "scvgN: ..." (<= 1.12), "scvg: ..." (1.13-1.18), "scav ..." (1.19+);
 *  - "SCHED Nms: gomaxprocs=..." lines (with or without scheddetail's P/M/G lines).
 * Everything else is skipped and counted. The input is never copied: the parser jumps between
 * occurrences of the markers (" ms clock, ", "SCHED ", "scav", "scvg") with memmem, so
 * application lines cost a SIMD scan, and counts newlines word-at-a-time for line numbers.
 * Memory is constant: each record lives on the stack for one callback.
 */
#ifndef GM_GCTRACE_H
#define GM_GCTRACE_H

#include "gm/base.h"
#include "gm/gclog.h"

/* Callbacks; any may be NULL. A negative return stops the parse with that code. */
struct gm_gctrace_visitor {
    void *ctx;
    int (*cycle)(void *ctx, const struct gm_gc_cycle *c);
    int (*sched)(void *ctx, const struct gm_sched_line *s);
    int (*scav)(void *ctx, const struct gm_scav_line *s);
};

struct gm_gctrace_stats {
    uint64_t lines;         /* lines in the input */
    uint64_t gc_lines;      /* gctrace cycle lines parsed */
    uint64_t sched_lines;   /* SCHED lines parsed */
    uint64_t scav_lines;    /* scavenger lines */
    uint64_t malformed;     /* lines that carried a marker but did not parse (counted as skipped) */
    uint64_t skipped_lines; /* lines - gc - sched - scav - scheddetail */
    uint64_t detail_lines;  /* scheddetail "  P0: ..." / "  M1: ..." / "  G1: ..." lines */
    int truncated;          /* the input ends without a newline inside a runtime line */
    int go14;               /* the cycles are Go 1.4's "gcN(P): a+b+c+d us, A -> B MB" lines: no
                               start time, no CPU share */
};

/* Parses (p, len), calling the visitor in input order. Returns 0 or the visitor's negative
 * code. Never fails on content: lines that do not parse are counted in stats. */
int gm_gctrace_parse(const char *p, size_t len, const struct gm_gctrace_visitor *v,
                     struct gm_gctrace_stats *stats);

/* Parses one gctrace text starting at "gc N @..." (no newline). 0 or GM_EFORMAT. */
int gm_gctrace_cycle_parse(const char *p, size_t len, struct gm_gc_cycle *out);

/* Counts '\n' bytes in (p, len), eight at a time. */
uint64_t gm_count_newlines(const char *p, size_t len);

#endif
