/*
 * gm/gclog.h - the GC and scheduler records of one process (model layer): what a
 * GODEBUG=gctrace=1 cycle line, a schedtrace SCHED line and a scavenger line say, and a log of
 * them with a builder, so the GC analysis reads a model that a parser (gm/gctrace.h) or a test
 * fills. A new process (gc numbering restarting) starts the log over.
 */
#ifndef GM_GCLOG_H
#define GM_GCLOG_H

#include <stdint.h>

#define GM_GC_PHASES 5

struct gm_gc_cycle {
    uint64_t line;                 /* 1-based line in the log */
    uint32_t num;                  /* "gc N" */
    uint32_t pct;                  /* "N%": cumulative share of CPU spent in GC since the start */
    double at_s;                   /* "@N.NNNs": seconds since the process started */
    double clock_ms[GM_GC_PHASES]; /* wall-clock phases as printed */
    uint32_t nclock;               /* 3 (Go >= 1.8) or 5 (Go 1.5/1.6) */
    double stw_ms;     /* stop-the-world wall time: first + last phase (+ 1.5's sync phase) */
    double mark_ms;    /* concurrent phases' wall time */
    double cpu_ms;     /* sum of every cpu figure */
    double assist_ms;  /* mutator assist cpu */
    double bg_ms;      /* dedicated + fractional background mark cpu */
    double idle_ms;    /* idle mark cpu */
    double heap_start; /* MB at GC start */
    double heap_end;   /* MB at mark end */
    double heap_live;  /* MB marked live */
    double goal;       /* MB heap goal */
    double stacks;     /* MB scanned stacks (1.18+), or -1 */
    double globals;    /* MB scanned globals (1.18+), or -1 */
    uint32_t procs;    /* "N P" */
    int forced;        /* " (forced)" */
    int leak_check;    /* Go 1.26 "N% (checking for goroutine leaks): ": a goroutineleak GC */
};

struct gm_sched_line {
    uint64_t line;
    double ms;                                                               /* "SCHED Nms" */
    int32_t gomaxprocs, idleprocs, threads, spinning, idlethreads, runqueue; /* -1 = absent */
    uint32_t local_nr;  /* per-P local run queues listed in [...] */
    uint64_t local_sum; /* their sum */
    uint32_t local_max; /* their maximum */
};

struct gm_scav_line {
    uint64_t line;
    double released_kib; /* KiB returned to the OS (work/released), or 0 when not printed */
    int forced;
};

/* The cycles and SCHED lines of one process, in log order. */
struct gm_gc_log {
    struct gm_gc_cycle *cycles;
    uint32_t cycles_nr, cycles_alloc;
    struct gm_sched_line *sched;
    uint32_t sched_nr, sched_alloc;
    uint32_t max; /* records kept of each kind (0: 16M); past it they are counted in cut */
    int cut;      /* some were not kept */
};

/* Appends a cycle / a SCHED line: 0 or GM_ENOMEM (the log unchanged). Past max: dropped, cut. */
int gm_gc_log_add_cycle(struct gm_gc_log *log, const struct gm_gc_cycle *c);
int gm_gc_log_add_sched(struct gm_gc_log *log, const struct gm_sched_line *s);
/* Empties the log, keeping its memory (a new process began). */
void gm_gc_log_restart(struct gm_gc_log *log);
void gm_gc_log_release(struct gm_gc_log *log);

#endif
