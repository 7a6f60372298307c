/*
 * gm/trace.h - runtime execution traces (runtime/trace.Start, go test -trace, /debug/pprof/trace),
 * both wire formats, read in one pass into one stream of normalised events.
 *
 *   v1  "go 1.5|1.7|1.8|1.9|1.10|1.11|1.19|1.21 trace": per-P batches (Go 1.5-1.21)
 *   v2  "go 1.22|1.23|1.25|1.26 trace": generations of per-M batches (Go 1.22+)
 *
 * gm_trace_read() walks the bytes once and calls the visitor with every event that matters to
 * an analysis, in time order, each with the goroutine it is about already resolved (an event
 * of a batch concerns the goroutine running on that batch's M, v2, or P, v1), its time in
 * nanoseconds from the first event, its stacks interned into the caller's gm_stacks (equal
 * stacks of different generations get one id) and its reason string interned there too.
 * Batches are merged by time with a heap of cursors into the mapped bytes: memory is the
 * generation's string and stack tables and one cursor per batch (v2), or the whole file's
 * (v1, whose stack table comes at the end), never a copy of the events.
 *
 * Order: events of one M (v2) or P (v1) keep their order; across them, the timestamps decide.
 * Go's own reader also uses the g_seq/p_seq numbers to repair cross-CPU clock skew; this one
 * does not, so the analysis above it must accept an impossible transition (it does: a
 * goroutine started while waiting was woken first).
 *
 * Errors: a truncated or corrupt trace delivers what was read (v2: every complete batch up to
 * the bad byte), then returns GM_ETRUNC / GM_EFORMAT with diag.off at the bad byte and a
 * message naming the event and what was expected. Hostile input is bounded: varints of more
 * than 10 bytes, batches over 64 kB (v2), strings over 1 MB, stacks over lim->max_frames
 * frames and tables over lim->max_strtab bytes are errors, not allocations.
 * Layer: parse. Reads: base (gm/input.h), model (gm/stack.h).
 */
#ifndef GM_TRACE_H
#define GM_TRACE_H

#include "gm/base.h"
#include "gm/input.h"
#include "gm/stack.h"

#define GM_TRACE_NO_STACK UINT32_MAX
#define GM_TRACE_NO_G     0 /* goroutine ids start at 1 */

enum gm_trace_format { GM_TRACE_V1 = 1, GM_TRACE_V2 = 2 };

/* What a goroutine blocks on; v2 names it by a string (the runtime's waitReason), v1 by the
 * event type. Refined from the stack by the analysis (sync -> Mutex, RWMutex, WaitGroup). */
enum gm_tblock {
    GM_TB_OTHER = 0, /* "" / unspecified */
    GM_TB_CHAN_SEND,
    GM_TB_CHAN_RECV,
    GM_TB_SELECT,
    GM_TB_SYNC, /* Mutex, RWMutex, WaitGroup (v2 "sync", v1 GoBlockSync) */
    GM_TB_COND,
    GM_TB_NETWORK,
    GM_TB_SLEEP,
    GM_TB_GC,      /* GC mark assist wait for work, wait until GC ends, GC weak to strong */
    GM_TB_FOREVER, /* select {}, nil channel (v2 "forever", v1 GoStop) */
    GM_TB_SYSTEM,  /* runtime-internal waits: sweeper, system goroutine wait, debug call */
    GM_TB_NR
};

/* A goroutine's state as a status event gives it. */
enum gm_tstate { GM_TS_RUNNABLE = 1, GM_TS_RUNNING, GM_TS_SYSCALL, GM_TS_WAITING };

enum gm_tev_kind {
    GM_TEV_GO_CREATE,       /* g new; a creator (0: none); b: 0 runnable, 1 blocked, 2 in a
                               syscall; stack the creator's; stack2 the new goroutine's start */
    GM_TEV_GO_START,        /* g runs */
    GM_TEV_GO_STOP,         /* g running -> runnable (preempted, Gosched); str reason */
    GM_TEV_GO_BLOCK,        /* g running -> waiting; a enum gm_tblock; str reason; stack */
    GM_TEV_GO_UNBLOCK,      /* g waiting -> runnable; a the waker (0: none); stack the waker's */
    GM_TEV_GO_END,          /* g ends */
    GM_TEV_GO_SYSCALL,      /* g enters a system call (v2: keeps its P; v1: the call blocked
                               and the P left); stack (v2) */
    GM_TEV_GO_SYSCALL_END,  /* g back from the call, running */
    GM_TEV_GO_SYSCALL_LOST, /* g back from the call but its P was taken: runnable */
    GM_TEV_GO_STATUS,       /* g exists in state a (enum gm_tstate) when the trace or a
                               generation starts; stack when the trace has one */
    GM_TEV_PROC_START,      /* p starts running (or is running at a generation start) */
    GM_TEV_PROC_STOP,       /* p stops */
    GM_TEV_PROCS,           /* GOMAXPROCS is a */
    GM_TEV_GC_BEGIN,        /* a GC cycle starts (GC_ACTIVE: one is running at a generation
                               start) */
    GM_TEV_GC_ACTIVE,
    GM_TEV_GC_END,
    GM_TEV_STW_BEGIN,  /* str the kind ("GC mark termination", "GOMAXPROCS" ...) */
    GM_TEV_STW_END,    /* */
    GM_TEV_ASSIST,     /* g starts a GC mark assist (or is in one at a generation start) */
    GM_TEV_ASSIST_END, /* g ends it */
    GM_TEV_HEAP_ALLOC, /* a bytes */
    GM_TEV_HEAP_GOAL,  /* a bytes */
    GM_TEV_CPU_SAMPLE, /* g (0: none), stack */
    GM_TEV_BARRIER,    /* not an event: the reader is about to add to the stacks and strings
                          (gm_stacks may move). A visitor that reads them on another thread
                          must finish every event before it first (gm/tracesum.h's pipeline);
                          others ignore it. Sent only when events came since the last one. */
    GM_TEV_NR
};

struct gm_tev {
    uint64_t ts; /* ns since the first event */
    uint64_t g;  /* the goroutine it is about, or GM_TRACE_NO_G */
    uint64_t p;  /* the P of the M (v2) or the batch's P (v1); UINT64_MAX: none */
    uint64_t a, b;
    uint64_t off;    /* byte offset of the event in the file */
    uint32_t stack;  /* gm_stacks id or GM_TRACE_NO_STACK; resolved for GO_CREATE, GO_STOP,
                    GO_BLOCK and GO_STATUS only (the others are not looked up) */
    uint32_t stack2; /* GO_CREATE: the new goroutine's start */
    uint32_t str;    /* interned string id in stacks->strs, or UINT32_MAX */
    uint8_t kind;    /* enum gm_tev_kind */
};

#define GM_TRACE_TYPES 256

struct gm_trace_info {
    enum gm_trace_format format;
    unsigned minor;                  /* N of the "go 1.N trace" header */
    uint64_t bytes;                  /* bytes read to the end or to the error */
    uint64_t generations;            /* v2: generations seen; v1: 1 */
    uint64_t batches;                /* batches (v2: including sync, strings and stacks batches) */
    uint64_t events;                 /* wire events, every type */
    uint64_t duration_ns;            /* first to last timed event */
    double ticks_per_sec;            /* the Frequency event's value */
    uint64_t counts[GM_TRACE_TYPES]; /* wire events per type byte (gm_trace_type_name) */
};

/* Called per event in time order. A negative return stops the walk and is returned. */
typedef int (*gm_trace_visit)(void *ctx, const struct gm_tev *ev);

/* Reads a whole trace. stacks: initialised by the caller, receives frames, stacks and
 * strings. info is filled even on error. Returns 0, GM_EFORMAT, GM_ETRUNC, GM_EUNSUPP (a
 * version Go never wrote), GM_ETOOBIG, GM_ENOMEM, or the visitor's error. */
int gm_trace_read(const char *p, size_t len, const struct gm_limits *lim, struct gm_stacks *stacks,
                  gm_trace_visit visit, void *ctx, struct gm_trace_info *info,
                  struct gm_diag *diag);
/* The same from an input, whose mapped pages leave the resident set as the reading passes
 * them (gm_input_release): after each v2 generation; in a v1 trace after the first pass and
 * behind the slowest batch of the merge. */
int gm_trace_read_input(const struct gm_input *in, const struct gm_limits *lim,
                        struct gm_stacks *stacks, gm_trace_visit visit, void *ctx,
                        struct gm_trace_info *info, struct gm_diag *diag);

/* Go's name of a wire event type in a format ("GoCreate", "EventBatch" ...), as Go's reader
 * for that format names it; NULL for a type the format does not have. */
const char *gm_trace_type_name(enum gm_trace_format f, unsigned type);

/* The block reason Go's v2 reader prints for a class (for v1 traces, the same words). */
const char *gm_tblock_name(enum gm_tblock b);

#endif
