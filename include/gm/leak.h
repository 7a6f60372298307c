/*
 * gm/leak.h - goroutine leak detection across snapshots (gomedic diff).
 *
 * Input: two or more dumps of one process, oldest first, parsed into one gm_gdump_set so
 * stacks are comparable by id. For every analysis bucket (stack + state) it computes the
 * count in each snapshot, the growth (least-squares slope per minute when every snapshot has
 * a timestamp, else per snapshot), the goroutines that are alive in every snapshot with an
 * unchanged stack and a blocked state ("persistent", matched by goroutine id), and a
 * leak-suspect score in [0, 1]. A row is a leak when it grew from the first to the last
 * snapshot by at least min_growth goroutines without ever shrinking, is a blocking pattern
 * (not running code, not the runtime's own goroutines) and is not ignored.
 *
 * Score = 0.4 * (fraction of steps that grew) + 0.3 * (growth / last count)
 *       + 0.3 * (persistent / last count).
 */
#ifndef GM_LEAK_H
#define GM_LEAK_H

#include "gm/findings.h"
#include "gm/gdump.h"
#include "gm/source.h"

struct gm_leak_opts {
    const char *const *ignore_top; /* goleak IgnoreTopFunction: first non-runtime frame */
    size_t ignore_top_nr;
    const char *const *ignore_any; /* any frame */
    size_t ignore_any_nr;
    const char *const *ignore_created_by; /* creator function */
    size_t ignore_created_by_nr;
    double interval_s;     /* seconds between snapshots when they carry no timestamp (0 = none) */
    uint64_t min_growth;   /* goroutines a bucket must grow by to be a leak (default 1) */
    struct gm_source *src; /* source lookup for range/ticker hints, or NULL */
};

struct gm_leak_row {
    uint32_t stack_id, state_id;
    const uint64_t *counts;             /* one per snapshot */
    const struct gm_finding_kind *kind; /* pattern, NULL for unclassified */
    uint32_t user_frame;                /* frame id or GM_NO_FRAME */
    int possible;               /* grew like a leak, without the evidence of one (below the gate) */
    uint64_t persistent;        /* goroutines alive and blocked here in every snapshot */
    uint64_t persistent_ids[4]; /* a few of them */
    uint32_t persistent_ids_nr;
    double growth; /* per minute (timed) or per snapshot */
    double score;  /* leak-suspect score, 0..1 */
    enum gm_severity severity;
    int leak;    /* verdict: grew, and goroutines alive in every snapshot or growth over 3+ */
    int is_new;  /* absent from the first snapshot */
    int ignored; /* matched an ignore rule */
    const struct gm_srcnote *note; /* what the source says (gm_lint_confirm_leak), or NULL */
};

struct gm_leak_result {
    uint32_t snaps_nr;
    uint32_t *dumps;          /* dump index in the set per snapshot */
    int64_t *times;           /* unix seconds per snapshot, -1 unknown */
    int timed;                /* growth is per minute (1) or per snapshot (0) */
    int times_from_interval;  /* times are offsets made from --interval, not timestamps */
    struct gm_leak_row *rows; /* leaks first (by score), then the rest by last count */
    uint32_t rows_nr;
    uint32_t leaks_nr;
    uint64_t *pool;           /* backing store of counts */
    struct gm_srcnote *notes; /* one per leak row when the source was read, or NULL */
};

/* Compares set->dumps[dumps[0..n-1]]. Errors: GM_ENOMEM, GM_EINVAL (n < 2). */
int gm_leak_diff(const struct gm_gdump_set *set, const uint32_t *dumps, uint32_t n,
                 const struct gm_leak_opts *opts, struct gm_leak_result *out);
void gm_leak_release(struct gm_leak_result *r);

/* 1 if a stack matches the ignore rules of opts. */
int gm_leak_ignored(const struct gm_gdump_set *set, uint32_t stack_id,
                    const struct gm_leak_opts *opts);

#endif
