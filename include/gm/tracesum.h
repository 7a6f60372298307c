/*
 * gm/tracesum.h - what an execution trace says: goroutines grouped by start function, with
 * their time running, runnable (scheduler latency), in system calls and blocked by reason;
 * GC cycles, stop-the-world pauses and mark assists; P utilisation; CPU samples; and the
 * findings the trace proves, with catalogue ids (gm/catalogue.h):
 *
 *   chan-send-blocked, chan-recv-blocked, range-never-closed, select-blocked, mutex-wait,
 *   rwmutex-wait, waitgroup-wait, cond-wait, select-forever, nil-chan
 *       goroutines blocked from some time to the end of the trace (leak candidates: created
 *       during the trace and never woken is the leak signature; present at the start and
 *       blocked for half of it, a candidate of low severity)
 *   mutex-wait, rwmutex-wait
 *       a lock convoy: a group spends a quarter of its time or more waiting for one lock
 *   runnable-backlog   scheduler latency p99 of 10 ms or more
 *   gc-cpu-high        GC workers and mark assists take a quarter of the running time
 *   stw-long           a stop-the-world pause of 10 ms or more
 *
 * One pass: gm_trace_analyze() runs gm_trace_read() with its own visitor; memory is one
 * record per goroutine the trace shows and one per group. On a large trace the reading and
 * the analysis run on two threads (struct gm_trace_opts). Layer: analyze.
 */
#ifndef GM_TRACESUM_H
#define GM_TRACESUM_H

#include "gm/catalogue.h"
#include "gm/input.h"
#include "gm/stack.h"
#include "gm/trace.h"

/* What a goroutine waits on, refined from the block reason and its stack. */
enum gm_twait {
    GM_TW_CHAN_SEND,
    GM_TW_CHAN_RECV,
    GM_TW_SELECT,
    GM_TW_MUTEX,
    GM_TW_RWMUTEX,
    GM_TW_WAITGROUP,
    GM_TW_COND,
    GM_TW_SYNC, /* another sync primitive */
    GM_TW_NETWORK,
    GM_TW_SLEEP,
    GM_TW_GC,
    GM_TW_FOREVER,
    GM_TW_RUNTIME,
    GM_TW_OTHER,
    GM_TW_NR
};
const char *gm_twait_name(enum gm_twait w); /* "chan send", "sync.Mutex" ... */
const char *gm_twait_key(enum gm_twait w);  /* JSON keys: "chan_send", "mutex" ... */

/* Latency histogram: 8 buckets per power of two (values within 6% of the truth), exact max. */
#define GM_TLAT_BUCKETS 504
struct gm_tlat {
    uint32_t b[GM_TLAT_BUCKETS];
    uint64_t n, max, sum;
};
/* The q-quantile (0..1) in ns, or 0 when there are no samples. */
uint64_t gm_tlat_quantile(const struct gm_tlat *l, double q);

struct gm_tgroup {
    uint32_t start_frame;   /* frame id of the start function, or GM_NO_FRAME (unknown) */
    uint32_t creator_frame; /* user frame of the (last) creation site, or GM_NO_FRAME */
    int runtime;            /* the runtime's own goroutines (GC workers, sweeper ...) */
    uint64_t count;         /* goroutines */
    uint64_t created;       /* ... created during the trace */
    uint64_t ended;         /* ... ended during it */
    uint64_t run_ns, runnable_ns, syscall_ns;
    uint64_t block_ns[GM_TW_NR], blocks[GM_TW_NR], max_block_ns[GM_TW_NR];
    uint32_t max_block_stack[GM_TW_NR]; /* the stack of the longest wait */
    uint64_t syscalls;
    struct gm_tlat lat;
    /* at the end of the trace */
    uint64_t alive, running, runnable, in_syscall;
    uint64_t waiting[GM_TW_NR];
    uint64_t waiting_since[GM_TW_NR]; /* the earliest */
    uint32_t waiting_stack[GM_TW_NR]; /* of the earliest */
    uint64_t first_created, last_created;
};

/* Goroutines blocked at the end, one per (group, wait) that makes a finding. */
#define GM_TFINDING_IDS 16
struct gm_tfinding {
    const struct gm_finding_kind *kind;
    enum gm_severity severity;
    int32_t group;      /* index in groups, -1 for trace-wide findings */
    enum gm_twait wait; /* GM_TW_NR when not about a wait */
    uint64_t count;     /* goroutines (waits), or samples */
    uint32_t frame;     /* the user frame where they wait, or GM_NO_FRAME */
    uint64_t since_ns;  /* blocked since (leaks) */
    uint64_t ids[GM_TFINDING_IDS];
    uint32_t ids_nr;
    char why[320];
};

/* One goroutine, for --dump: what the trace knows of it. Records are kept for the goroutines
 * alive at the end and for those the caller asked to keep; the others are folded into their
 * group when they end. */
struct gm_tgor {
    uint64_t id;
    uint64_t creator;     /* goroutine that created it, 0: none seen */
    uint64_t created_ns;  /* UINT64_MAX: it existed when the trace started */
    uint64_t ended_ns;    /* UINT64_MAX: alive at the end */
    uint64_t last_run_ns; /* UINT64_MAX: never ran during the trace */
    uint64_t since_ns;    /* in its last state since */
    uint64_t blocks, wakes;
    uint32_t create_stack; /* the creator's stack, GM_TRACE_NO_STACK */
    uint32_t start_stack;  /* its start function, GM_TRACE_NO_STACK */
    uint32_t block_stack;  /* where it waits now (or last waited) */
    uint32_t group;
    uint16_t woke_from; /* bit (1 << enum gm_twait) for every kind of wait it woke from
                           during the trace */
    uint8_t state;      /* 0 unknown, enum gm_tstate, GM_TS_ENDED */
    uint8_t wait;       /* enum gm_twait of the last wait */
};
#define GM_TS_ENDED 5

struct gm_trace_result {
    struct gm_trace_info info;
    int rc; /* 0, or the reader's error (the rest is what was read before it) */
    struct gm_diag diag;
    struct gm_stacks stacks;
    /* The goroutines alive at the end (records of ended ones are folded into their group
     * when they end and reused: memory follows the live goroutines, not the trace). */
    struct gm_tgor *gs;
    uint32_t gs_nr, gs_alloc; /* slots; a free slot has id 0 */
    struct gm_gidmap {        /* goroutine id -> slot, open addressing with deletion */
        uint64_t *keys;       /* 0: empty */
        uint32_t *vals;
        uint32_t cap, nr;
    } gmap;
    struct gm_tgroup *groups;
    uint32_t groups_nr, groups_alloc;
    uint32_t *order; /* groups in report order: user groups first, the most goroutines left
                        waiting, then the most time */
    /* totals */
    uint64_t goroutines, created, ended, alive;
    uint64_t gomaxprocs, gomaxprocs_max;
    uint64_t run_ns;    /* all goroutines' running time */
    uint64_t p_busy_ns; /* Ps' running time */
    double utilisation; /* run_ns / (duration * GOMAXPROCS) */
    struct gm_tlat lat; /* every runnable -> running */
    uint64_t gc_cycles, gc_ns, gc_worker_ns;
    uint64_t stw_nr, stw_ns, stw_max_ns;
    uint32_t stw_max_kind; /* string id */
    uint64_t assist_nr, assist_ns;
    uint64_t heap_last, heap_max, goal_last;
    uint64_t cpu_samples;
    struct gm_tfinding *findings;
    uint32_t findings_nr, findings_alloc;
};

/* Reads and analyses a trace. 0 with a result even when the trace is cut or corrupt (then
 * res->rc and res->diag say where); a negative error only when nothing could be read (res
 * then holds no goroutines, diag says why) or memory ran out. */
int gm_trace_analyze(const char *p, size_t len, const struct gm_limits *lim,
                     struct gm_trace_result *res);
/* How gm_trace_analyze_input() and gm_trace_timeline() run. */
struct gm_trace_opts {
    const uint64_t *keep; /* sorted goroutine ids whose records stay when they end (a dump's,
                             for gm_trace_join); NULL: none */
    size_t keep_nr;
    /* 1: read and analyse on the caller's thread. 2: a reader thread decodes and merges the
     * events while the caller's thread analyses them, handed over in blocks (the reader
     * waits for the analysis to catch up before it adds to the stacks or strings:
     * GM_TEV_BARRIER). 0: 2 when the trace is 1 MB or more and two CPUs are online, else 1.
     * The result is the same either way. */
    int threads;
};

/* The same, from an input (whose mapped pages are released as the reading passes them, so the
 * resident memory stays below the trace's size). o may be NULL (defaults). */
int gm_trace_analyze_input(const struct gm_input *in, const struct gm_limits *lim,
                           const struct gm_trace_opts *o, struct gm_trace_result *res);
void gm_trace_result_release(struct gm_trace_result *res);

/* The goroutine with this id, or NULL. */
const struct gm_tgor *gm_trace_goroutine(const struct gm_trace_result *res, uint64_t id);

/* The timeline of the HTML page: per column of time, the average number of goroutines of each
 * of the largest groups in each state, how busy each P was, and how much of the column had a
 * GC cycle or a stop-the-world pause running. Made by a second pass over the trace that
 * knows every goroutine's group from the first (memory: rows x 4 x cols floats). */
#define GM_TL_MAX_ROWS 16
#define GM_TL_MAX_PS   64
enum { GM_TL_RUNNING, GM_TL_RUNNABLE, GM_TL_SYSCALL, GM_TL_WAITING, GM_TL_STATES };
struct gm_ttimeline {
    uint32_t cols;
    uint64_t col_ns;
    uint32_t rows;
    uint32_t group[GM_TL_MAX_ROWS]; /* index in the first pass's groups */
    float *occ;                     /* [rows][GM_TL_STATES][cols] average goroutines */
    uint32_t ps;                    /* P rows: the highest P id seen + 1, at most GM_TL_MAX_PS */
    float *pbusy;                   /* [GM_TL_MAX_PS][cols] fraction of the column */
    float *gc, *stw;                /* [cols] fraction of the column */
};
int gm_trace_timeline(const char *p, size_t len, const struct gm_limits *lim,
                      const struct gm_trace_result *first, uint32_t cols, uint32_t rows,
                      int threads, struct gm_ttimeline *tl);
void gm_ttimeline_release(struct gm_ttimeline *tl);

/* A duration for sentences: "840 ns", "12.5 µs", "3.1 ms", "1.23 s". */
void gm_trace_fmt_ns(char *buf, size_t n, uint64_t ns);

/* The function name of a group ("(unknown)" when no stack named it). */
const char *gm_tgroup_name(const struct gm_trace_result *res, const struct gm_tgroup *g);

#endif
