/*
 * gm/tracejoin.h - the evidence chain: a goroutine dump's findings read against an execution
 * trace of the same process taken around the same time, joined by goroutine id.
 *
 * A dump says where goroutines wait; the trace says since when, who created them, when they
 * last ran and whether waits of that kind ever end for them. Per goroutine of a finding:
 *
 *   stuck      waiting when the trace ends and never woke from that kind of wait during it
 *              (blocked before the trace began, or since soon after its creation)
 *   progress   running, runnable or in a system call at the end; or waiting but it woke
 *              from waits of that kind during the trace (a worker between jobs), or began its
 *              wait in the last tenth of the trace
 *   ended      ended during the trace
 *   not seen   the trace never shows it (taken at another time, or another process), or
 *              its id is another goroutine's there (the dump's start function is in none
 *              of the trace's stacks of it)
 *
 * A finding is "confirmed" when every goroutine the trace shows is stuck, a "false alarm"
 * when every one made progress or ended, "mixed" otherwise, "unknown" when the trace shows
 * none; "not-a-wait" for a finding about goroutines that run (runnable-backlog, syscall).
 * The goroutines of a finding are those of the dump whose first user frame and wait
 * state are the finding's (with its sample ids first). Layer: analyze.
 */
#ifndef GM_TRACEJOIN_H
#define GM_TRACEJOIN_H

#include "gm/findings.h"
#include "gm/tracesum.h"

enum gm_tj_state { GM_TJ_NOT_SEEN, GM_TJ_STUCK, GM_TJ_PROGRESS, GM_TJ_ENDED };
enum gm_tj_verdict {
    GM_TJV_UNKNOWN,
    GM_TJV_CONFIRMED,
    GM_TJV_FALSE_ALARM,
    GM_TJV_MIXED,
    GM_TJV_NOT_A_WAIT /* a finding about running goroutines (runnable-backlog): shown, not judged */
};

#define GM_TJ_SHOWN 8

struct gm_tj_g {
    uint64_t id;
    enum gm_tj_state state;
    const struct gm_tgor *t; /* the trace's record, or NULL */
};

struct gm_tj_finding {
    const struct gm_finding *f;
    uint64_t goroutines; /* of the dump, in this finding */
    uint64_t n[4];       /* by enum gm_tj_state */
    enum gm_tj_verdict verdict;
    struct gm_tj_g g[GM_TJ_SHOWN]; /* the first goroutines, sample ids first */
    uint32_t g_nr;
    char why[320];
};

struct gm_tjoin {
    struct gm_tj_finding *v;
    uint32_t nr;
    uint64_t dump_ids;   /* goroutines of the dump (with an id) */
    uint64_t common_ids; /* ... that the trace shows (same id, same start function) */
    uint64_t other_ids;  /* ... whose id the trace gives another goroutine (not the same) */
};

/* Joins the findings fd of dump `dump` in set with the trace. */
int gm_trace_join(const struct gm_trace_result *tr, const struct gm_gdump_set *set, uint32_t dump,
                  const struct gm_findings *fd, struct gm_tjoin *out);
void gm_tjoin_release(struct gm_tjoin *j);

const char *gm_tj_state_name(enum gm_tj_state s);     /* "stuck", "progress" ... */
const char *gm_tj_verdict_name(enum gm_tj_verdict v); /* "confirmed", "false-alarm" ... */

/* One line about a goroutine: "created at 2.4ms by goroutine 1, last ran at 2.5ms, waiting
 * on chan send since 2.5ms, never woke from it". */
void gm_tj_describe(const struct gm_trace_result *tr, const struct gm_tj_g *g, char *buf, size_t n);

#endif
