/*
 * gm/gcpressure.h - GC pressure analysis of a gctrace/schedtrace log (gomedic gc).
 *
 * Collects the cycles of the log's longest process (gc numbering restarts at 1 when a process
 * restarts; the others are counted) and its SCHED lines, then computes: cycle rate over
 * time, stop-the-world pauses (sweep + mark termination wall time) p50/p99/max, concurrent
 * mark time, GC CPU share (the runtime's cumulative N% and one recomputed from the cpu
 * figures), assist share, the live heap after each mark with its least-squares trend and the
 * cycle where growth began (two-segment fit: flat, then linear; the split minimises the total
 * squared error), forced cycles, GOMAXPROCS changes, and run-queue statistics.
 * Findings (SPEC §3 GC): gc-cpu-high, live-heap-rising, gomemlimit-death-spiral, stw-long,
 * gc-too-frequent, runqueue-backlog; each with the log lines that show it.
 * Memory: one 160-byte record per cycle and 48 per SCHED line, capped by max_cycles.
 */
#ifndef GM_GCPRESSURE_H
#define GM_GCPRESSURE_H

#include "gm/findings.h"
#include "gm/stats.h"
#include "gm/gctrace.h"

#define GM_GC_LINES   6
#define GM_GC_WINDOWS 10

struct gm_gc_finding {
    const struct gm_finding_kind *kind;
    enum gm_severity severity;
    uint64_t lines[GM_GC_LINES]; /* evidence: line numbers in the log */
    uint32_t lines_nr;
    char why[240];
};

struct gm_gc_report {
    struct gm_gctrace_stats stats;
    uint32_t processes;   /* processes seen (gc numbering restarts) */
    uint32_t process;     /* the one analysed (1-based): the longest, the last among equals */
    struct gm_gc_log log; /* the cycles and SCHED lines of the last process (gm/gclog.h) */
    uint32_t scav_nr;
    double scav_released_kib;

    double duration_s;          /* first to last cycle */
    double cycles_per_s;        /* overall */
    double rate[GM_GC_WINDOWS]; /* cycles per second in ten equal time windows */
    double stw_p50, stw_p99, stw_max;
    uint64_t stw_max_line;
    double mark_p50, mark_max;
    uint32_t pct_last, pct_max; /* the runtime's cumulative N% */
    double cpu_share;           /* recomputed GC CPU share over the run, % */
    double cpu_share_recent;    /* over the last half of the cycles, % */
    double assist_share;        /* assist cpu / all GC cpu, % */
    double live_first, live_last, live_max;
    double live_slope; /* MB per second (least squares over the whole run) */
    double live_r2;
    uint32_t change_idx;        /* cycle index where the live heap began to rise */
    double rise_slope, rise_r2; /* fit of the rising segment */
    uint32_t forced;
    uint32_t procs_changes;
    uint32_t procs_last;
    int32_t runq_max; /* max runnable per SCHED line (global + local) */
    double runq_mean;
    int32_t threads_max;

    struct gm_gc_finding findings[8];
    uint32_t findings_nr;
};

/* Parses (p, len) and analyses it. max_cycles caps the kept cycles (0 = 16M).
 * Errors: GM_ENOMEM. The report owns its arrays: gm_gc_report_release. */
int gm_gc_analyze(const char *p, size_t len, uint32_t max_cycles, struct gm_gc_report *out);
void gm_gc_report_release(struct gm_gc_report *r);

/* gm_linfit and gm_changepoint, once here, are in gm/stats.h. */

#endif
