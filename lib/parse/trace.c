/*
 * Runtime execution traces, v1 (Go 1.5-1.21) and v2 (Go 1.22+): see gm/trace.h.
 *
 * Both readers end in the same place: a heap of batch cursors over the mapped bytes, each
 * cursor holding its next event decoded (type, arguments, time in ticks), popped in time
 * order and handed to emit_v1/emit_v2, which resolve "the goroutine running on this M/P"
 * and translate the event into a struct gm_tev. Wire facts are from Go's own readers
 * (internal/trace/parser.go in Go 1.19 for v1, internal/trace/tracev2 in Go 1.26 for v2).
 */
#include "gm/trace.h"
#include "gm/alloc.h"
#include "gm/hashtab.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* ---- wire types ---------------------------------------------------------------------- */

enum { /* v2 */
       V2_BATCH = 1,
       V2_STACKS = 2,
       V2_STACK = 3,
       V2_STRINGS = 4,
       V2_STRING = 5,
       V2_CPUSAMPLES = 6,
       V2_CPUSAMPLE = 7,
       V2_FREQUENCY = 8,
       V2_PROCSCHANGE = 9,
       V2_PROCSTART,
       V2_PROCSTOP,
       V2_PROCSTEAL,
       V2_PROCSTATUS,
       V2_GOCREATE,
       V2_GOCREATESYSCALL,
       V2_GOSTART,
       V2_GODESTROY,
       V2_GODESTROYSYSCALL,
       V2_GOSTOP,
       V2_GOBLOCK,
       V2_GOUNBLOCK,
       V2_GOSYSCALLBEGIN,
       V2_GOSYSCALLEND,
       V2_GOSYSCALLENDBLOCKED,
       V2_GOSTATUS,
       V2_STWBEGIN,
       V2_STWEND,
       V2_GCACTIVE,
       V2_GCBEGIN,
       V2_GCEND,
       V2_GCSWEEPACTIVE,
       V2_GCSWEEPBEGIN,
       V2_GCSWEEPEND,
       V2_GCMARKASSISTACTIVE,
       V2_GCMARKASSISTBEGIN,
       V2_GCMARKASSISTEND,
       V2_HEAPALLOC,
       V2_HEAPGOAL,
       V2_GOLABEL,
       V2_USERTASKBEGIN,
       V2_USERTASKEND,
       V2_USERREGIONBEGIN,
       V2_USERREGIONEND,
       V2_USERLOG,
       V2_GOSWITCH = 45,
       V2_GOSWITCHDESTROY,
       V2_GOCREATEBLOCKED,
       V2_GOSTATUSSTACK,
       V2_EXPBATCH = 49,
       V2_SYNC = 50,
       V2_CLOCKSNAPSHOT = 51,
       V2_ENDOFGEN = 52,
       V2_NTYPES = 53,
       V2_MAX_BATCH = 64 << 10,
       V2_MAX_STRING = 1 << 10,
};

static const char *const v2_names[V2_NTYPES] = {
    NULL,
    "EventBatch",
    "Stacks",
    "Stack",
    "Strings",
    "String",
    "CPUSamples",
    "CPUSample",
    "Frequency",
    "ProcsChange",
    "ProcStart",
    "ProcStop",
    "ProcSteal",
    "ProcStatus",
    "GoCreate",
    "GoCreateSyscall",
    "GoStart",
    "GoDestroy",
    "GoDestroySyscall",
    "GoStop",
    "GoBlock",
    "GoUnblock",
    "GoSyscallBegin",
    "GoSyscallEnd",
    "GoSyscallEndBlocked",
    "GoStatus",
    "STWBegin",
    "STWEnd",
    "GCActive",
    "GCBegin",
    "GCEnd",
    "GCSweepActive",
    "GCSweepBegin",
    "GCSweepEnd",
    "GCMarkAssistActive",
    "GCMarkAssistBegin",
    "GCMarkAssistEnd",
    "HeapAlloc",
    "HeapGoal",
    "GoLabel",
    "UserTaskBegin",
    "UserTaskEnd",
    "UserRegionBegin",
    "UserRegionEnd",
    "UserLog",
    "GoSwitch",
    "GoSwitchDestroy",
    "GoCreateBlocked",
    "GoStatusStack",
    "ExperimentalBatch",
    "Sync",
    "ClockSnapshot",
    "EndOfGeneration",
};

/* Arguments of a timed v2 event, the time delta included (0: not an event of a batch). */
static const uint8_t v2_nargs[V2_NTYPES] = {
    [V2_PROCSCHANGE] = 3,
    [V2_PROCSTART] = 3,
    [V2_PROCSTOP] = 1,
    [V2_PROCSTEAL] = 4,
    [V2_PROCSTATUS] = 3,
    [V2_GOCREATE] = 4,
    [V2_GOCREATESYSCALL] = 2,
    [V2_GOSTART] = 3,
    [V2_GODESTROY] = 1,
    [V2_GODESTROYSYSCALL] = 1,
    [V2_GOSTOP] = 3,
    [V2_GOBLOCK] = 3,
    [V2_GOUNBLOCK] = 4,
    [V2_GOSYSCALLBEGIN] = 3,
    [V2_GOSYSCALLEND] = 1,
    [V2_GOSYSCALLENDBLOCKED] = 1,
    [V2_GOSTATUS] = 4,
    [V2_STWBEGIN] = 3,
    [V2_STWEND] = 1,
    [V2_GCACTIVE] = 2,
    [V2_GCBEGIN] = 3,
    [V2_GCEND] = 2,
    [V2_GCSWEEPACTIVE] = 2,
    [V2_GCSWEEPBEGIN] = 2,
    [V2_GCSWEEPEND] = 3,
    [V2_GCMARKASSISTACTIVE] = 2,
    [V2_GCMARKASSISTBEGIN] = 2,
    [V2_GCMARKASSISTEND] = 1,
    [V2_HEAPALLOC] = 2,
    [V2_HEAPGOAL] = 2,
    [V2_GOLABEL] = 2,
    [V2_USERTASKBEGIN] = 5,
    [V2_USERTASKEND] = 3,
    [V2_USERREGIONBEGIN] = 4,
    [V2_USERREGIONEND] = 4,
    [V2_USERLOG] = 5,
    [V2_GOSWITCH] = 3,
    [V2_GOSWITCHDESTROY] = 3,
    [V2_GOCREATEBLOCKED] = 4,
    [V2_GOSTATUSSTACK] = 5,
    [V2_CLOCKSNAPSHOT] = 4,
};

/* The last event type of each v2 version (internal/trace/version). */
static unsigned v2_max_type(unsigned minor)
{
    return minor >= 26   ? V2_ENDOFGEN
           : minor >= 25 ? V2_CLOCKSNAPSHOT
           : minor >= 23 ? V2_EXPBATCH
                         : V2_USERLOG;
}

enum { /* v1 */
       V1_NONE = 0,
       V1_BATCH,
       V1_FREQUENCY,
       V1_STACK,
       V1_GOMAXPROCS,
       V1_PROCSTART,
       V1_PROCSTOP,
       V1_GCSTART,
       V1_GCDONE,
       V1_GCSTWSTART,
       V1_GCSTWDONE,
       V1_GCSWEEPSTART,
       V1_GCSWEEPDONE,
       V1_GOCREATE,
       V1_GOSTART,
       V1_GOEND,
       V1_GOSTOP,
       V1_GOSCHED,
       V1_GOPREEMPT,
       V1_GOSLEEP,
       V1_GOBLOCK,
       V1_GOUNBLOCK,
       V1_GOBLOCKSEND,
       V1_GOBLOCKRECV,
       V1_GOBLOCKSELECT,
       V1_GOBLOCKSYNC,
       V1_GOBLOCKCOND,
       V1_GOBLOCKNET,
       V1_GOSYSCALL,
       V1_GOSYSEXIT,
       V1_GOSYSBLOCK,
       V1_GOWAITING,
       V1_GOINSYSCALL,
       V1_HEAPALLOC,
       V1_HEAPGOAL,
       V1_TIMERGOROUTINE,
       V1_FUTILEWAKEUP,
       V1_STRING,
       V1_GOSTARTLOCAL,
       V1_GOUNBLOCKLOCAL,
       V1_GOSYSEXITLOCAL,
       V1_GOSTARTLABEL,
       V1_GOBLOCKGC,
       V1_GCMARKASSISTSTART,
       V1_GCMARKASSISTDONE,
       V1_USERTASKCREATE,
       V1_USERTASKEND,
       V1_USERREGION,
       V1_USERLOG,
       V1_CPUSAMPLE,
       V1_NTYPES,
};

static const char *const v1_names[V1_NTYPES] = {
    "None",
    "Batch",
    "Frequency",
    "Stack",
    "Gomaxprocs",
    "ProcStart",
    "ProcStop",
    "GCStart",
    "GCDone",
    "GCSTWStart",
    "GCSTWDone",
    "GCSweepStart",
    "GCSweepDone",
    "GoCreate",
    "GoStart",
    "GoEnd",
    "GoStop",
    "GoSched",
    "GoPreempt",
    "GoSleep",
    "GoBlock",
    "GoUnblock",
    "GoBlockSend",
    "GoBlockRecv",
    "GoBlockSelect",
    "GoBlockSync",
    "GoBlockCond",
    "GoBlockNet",
    "GoSysCall",
    "GoSysExit",
    "GoSysBlock",
    "GoWaiting",
    "GoInSyscall",
    "HeapAlloc",
    "HeapGoal",
    "TimerGoroutine",
    "FutileWakeup",
    "String",
    "GoStartLocal",
    "GoUnblockLocal",
    "GoSysExitLocal",
    "GoStartLabel",
    "GoBlockGC",
    "GCMarkAssistStart",
    "GCMarkAssistDone",
    "UserTaskCreate",
    "UserTaskEnd",
    "UserRegion",
    "UserLog",
    "CPUSample",
};

/* The Go version that introduced a v1 event type (parser.go minVersion). */
static unsigned v1_min_minor(unsigned t)
{
    switch (t) {
    case V1_STRING:
    case V1_GOSTARTLOCAL:
    case V1_GOUNBLOCKLOCAL:
    case V1_GOSYSEXITLOCAL:
        return 7;
    case V1_GOSTARTLABEL:
    case V1_GOBLOCKGC:
        return 8;
    case V1_GCMARKASSISTSTART:
    case V1_GCMARKASSISTDONE:
        return 9;
    case V1_USERTASKCREATE:
    case V1_USERTASKEND:
    case V1_USERREGION:
    case V1_USERLOG:
        return 11;
    case V1_CPUSAMPLE:
        return 19;
    default:
        return 5;
    }
}

/* v1 events whose last argument is a stack id. */
static int v1_has_stack(unsigned t)
{
    switch (t) {
    case V1_GOMAXPROCS:
    case V1_GCSTART:
    case V1_GCSWEEPSTART:
    case V1_GOCREATE:
    case V1_GOSTOP:
    case V1_GOSCHED:
    case V1_GOPREEMPT:
    case V1_GOSLEEP:
    case V1_GOBLOCK:
    case V1_GOUNBLOCK:
    case V1_GOBLOCKSEND:
    case V1_GOBLOCKRECV:
    case V1_GOBLOCKSELECT:
    case V1_GOBLOCKSYNC:
    case V1_GOBLOCKCOND:
    case V1_GOBLOCKNET:
    case V1_GOSYSCALL:
    case V1_GOUNBLOCKLOCAL:
    case V1_GOBLOCKGC:
    case V1_GCMARKASSISTSTART:
    case V1_USERTASKCREATE:
    case V1_USERTASKEND:
    case V1_USERREGION:
    case V1_USERLOG:
    case V1_CPUSAMPLE:
        return 1;
    default:
        return 0;
    }
}

const char *gm_trace_type_name(enum gm_trace_format f, unsigned type)
{
    if (f == GM_TRACE_V1) {
        return type > 0 && type < V1_NTYPES ? v1_names[type] : NULL;
    }
    return type < V2_NTYPES ? v2_names[type] : NULL;
}

static const char *const tblock_names[GM_TB_NR] = {
    [GM_TB_OTHER] = "other",
    [GM_TB_CHAN_SEND] = "chan send",
    [GM_TB_CHAN_RECV] = "chan receive",
    [GM_TB_SELECT] = "select",
    [GM_TB_SYNC] = "sync",
    [GM_TB_COND] = "sync.(*Cond).Wait",
    [GM_TB_NETWORK] = "network",
    [GM_TB_SLEEP] = "sleep",
    [GM_TB_GC] = "GC",
    [GM_TB_FOREVER] = "forever",
    [GM_TB_SYSTEM] = "runtime",
};

const char *gm_tblock_name(enum gm_tblock b)
{
    return (unsigned)b < GM_TB_NR ? tblock_names[b] : "other";
}

/* The class of a v2 block reason string (runtime traceBlockReasonStrings). */
static enum gm_tblock block_class(struct gm_str s)
{
    static const struct {
        const char *s;
        enum gm_tblock b;
    } m[] = {
        {"chan send", GM_TB_CHAN_SEND},
        {"chan receive", GM_TB_CHAN_RECV},
        {"select", GM_TB_SELECT},
        {"sync", GM_TB_SYNC},
        {"sync.(*Cond).Wait", GM_TB_COND},
        {"network", GM_TB_NETWORK},
        {"sleep", GM_TB_SLEEP},
        {"forever", GM_TB_FOREVER},
        {"GC mark assist wait for work", GM_TB_GC},
        {"wait until GC ends", GM_TB_GC},
        {"GC weak to strong wait", GM_TB_GC},
        {"GC background sweeper wait", GM_TB_SYSTEM},
        {"system goroutine wait", GM_TB_SYSTEM},
        {"wait for debug call", GM_TB_SYSTEM},
        {"synctest", GM_TB_SYSTEM},
    };
    for (size_t i = 0; i < GM_ARRAY_NR(m); i++) {
        if (gm_str_eq(s, m[i].s)) {
            return m[i].b;
        }
    }
    return GM_TB_OTHER;
}

/* ---- reader state ------------------------------------------------------------------- */

#define MAX_ARGS 8
#define NO_P     UINT64_MAX

struct cursor {
    const uint8_t *p, *end;
    uint64_t ticks; /* time of the last decoded event */
    uint64_t key;   /* v2: M id; v1: P id */
    uint32_t idx;   /* file order, the tie-break */
    uint8_t cpu;    /* v2 CPU samples: times are absolute */
    uint8_t primed; /* its next event is decoded (else ticks is the batch's start) */
    uint32_t ctx;   /* index of its M's (v2) or P's (v1) state, UINT32_MAX until known */
    /* the next event */
    uint8_t typ;
    uint8_t nargs;
    uint64_t args[MAX_ARGS];
    uint64_t off;
    const uint8_t *data; /* v1 UserLog trailer */
};

struct hent { /* a heap entry: a cursor and its next event's time (its batch start if not
                primed); the cursor's idx breaks ties, so the order is that of the file */
    uint64_t ticks;
    uint32_t idx;
};

struct ctxst { /* the M (v2) or P (v1) a batch belongs to */
    uint64_t g, p;
};

struct rd {
    const uint8_t *base, *end;
    const struct gm_input *in; /* NULL: a plain buffer, nothing to release */
    uint64_t merged;           /* events merged since the last release */
    const struct gm_limits *lim;
    struct gm_stacks *stk;
    gm_trace_visit visit;
    void *vctx;
    struct gm_trace_info *info;
    struct gm_diag *diag;
    unsigned minor;
    /* time */
    double ns_per_tick;
    double base_ns;
    int have_base;
    /* string and stack tables (per generation in v2) */
    struct gm_u64map strmap; /* trace string id -> index in strs */
    struct gm_str *strs;
    uint32_t *strs_sid; /* per strs entry: its interned id, UINT32_MAX until asked */
    uint8_t *strs_cls;  /* per strs entry: its enum gm_tblock, 0xff until asked */
    uint32_t strs_nr, strs_alloc, strs_sid_alloc, strs_cls_alloc;
    uint32_t *str_direct; /* string id (< 64 K) -> strs index, GM_HTAB_END: none */
    uint32_t str_direct_n, str_direct_alloc;
    struct gm_u64map stkmap; /* trace stack id -> gm_stacks id */
    uint32_t *frames;        /* scratch: frame ids of one stack */
    /* cursors and the heap over them */
    struct cursor *cur;
    uint32_t cur_nr, cur_alloc;
    struct hent *heap; /* (time, cursor) */
    uint32_t heap_nr, heap_alloc;
    uint32_t *pend; /* cursors by start time, not yet in the heap */
    uint32_t pend_alloc;
    /* per M (v2) / P (v1) */
    struct gm_u64map ctxmap;
    struct ctxst *ctx;
    uint32_t ctx_nr, ctx_alloc;
    uint32_t empty_str;    /* interned "" */
    const char *v1s_p[32]; /* v1 reason strings interned so far */
    int quiet;             /* no event since the last GM_TEV_BARRIER (or the start) */
    uint32_t v1s_id[32], v1s_nr;
};

static uint64_t off_of(const struct rd *r, const uint8_t *p)
{
    return (uint64_t)(p - r->base);
}

/* An unsigned LEB128 varint of at most 10 bytes; non-minimal encodings are accepted (the
 * runtime pads batch sizes to 10 bytes). 0, GM_ETRUNC or GM_EFORMAT. */
static inline int uvar(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
    const uint8_t *p = *pp;
    if (p < end && *p < 0x80) { /* most arguments fit in a byte */
        *v = *p;
        *pp = p + 1;
        return 0;
    }
    uint64_t x = 0;
    for (unsigned i = 0; i < 10; i++) {
        if (p >= end) {
            return GM_ETRUNC;
        }
        uint8_t b = *p++;
        if (i == 9 && b > 1) {
            return GM_EFORMAT;
        }
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *pp = p;
            *v = x;
            return 0;
        }
    }
    return GM_EFORMAT;
}

static int bad(struct rd *r, int code, const uint8_t *at, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int bad(struct rd *r, int code, const uint8_t *at, const char *what, const char *fmt, ...)
{
    char m[160];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(m, sizeof(m), fmt, ap);
    va_end(ap);
    return gm_diag_set(r->diag, code, off_of(r, at), 0, "%s%s%s", what ? what : "",
                       what ? ": " : "", m);
}

/* Reads a varint, failing with a message that names what was being read. */
#define UVAR(r, pp, end, v, what)                                                                  \
    do {                                                                                           \
        const uint8_t *uvar_at_ = *(pp);                                                           \
        int uvar_rc_ = uvar((pp), (end), (v));                                                     \
        if (uvar_rc_ == GM_ETRUNC) {                                                               \
            return bad((r), GM_ETRUNC, uvar_at_, (what), "the trace ends inside a varint%.0llu",   \
                       0ull);                                                                      \
        }                                                                                          \
        if (uvar_rc_ < 0) {                                                                        \
            return bad((r), GM_EFORMAT, uvar_at_, (what),                                          \
                       "varint longer than 10 bytes or over 64 bits");                             \
        }                                                                                          \
    } while (0)

/* ns since the first event; clamped to 2^62 (hostile clocks cannot overflow a sum of two) */
static uint64_t tick_ns(struct rd *r, uint64_t ticks)
{
    double ns = (double)ticks * r->ns_per_tick;
    if (!r->have_base) {
        r->base_ns = ns;
        r->have_base = 1;
    }
    double d = ns < r->base_ns ? 0 : ns - r->base_ns;
    return d >= 4611686018427387904.0 ? 4611686018427387904ull : (uint64_t)d;
}

/* The index of the state of M (v2) or P (v1) key, made on first use; UINT32_MAX: out of
 * memory. An index, not a pointer: making one may move the array. */
static uint32_t ctx_idx(struct rd *r, uint64_t key)
{
    uint32_t i = gm_u64map_get(&r->ctxmap, key);
    if (i != GM_HTAB_END) {
        return i;
    }
    if (GM_RESERVE(r->ctx, r->ctx_alloc, r->ctx_nr + 1) < 0 ||
        gm_u64map_put(&r->ctxmap, key, r->ctx_nr) < 0) {
        return UINT32_MAX;
    }
    r->ctx[r->ctx_nr] = (struct ctxst){0, NO_P};
    return r->ctx_nr++;
}

/* The cursor's own M or P, looked up once per batch. */
static uint32_t cur_ctx(struct rd *r, struct cursor *c)
{
    if (c->ctx == UINT32_MAX) {
        c->ctx = ctx_idx(r, c->key);
    }
    return c->ctx;
}

/* ---- tables --------------------------------------------------------------------------- */

static void tables_reset(struct rd *r)
{
    gm_u64map_release(&r->strmap);
    memset(&r->strmap, 0, sizeof(r->strmap));
    for (uint32_t k = 0; k < r->str_direct_n; k++) {
        r->str_direct[k] = GM_HTAB_END;
    }
    r->str_direct_n = 0;
    gm_u64map_release(&r->stkmap);
    memset(&r->stkmap, 0, sizeof(r->stkmap));
    r->strs_nr = 0;
}

static int add_string(struct rd *r, uint64_t id, const uint8_t *p, size_t len)
{
    if (GM_RESERVE(r->strs, r->strs_alloc, r->strs_nr + 1) < 0 ||
        GM_RESERVE(r->strs_sid, r->strs_sid_alloc, r->strs_nr + 1) < 0 ||
        GM_RESERVE(r->strs_cls, r->strs_cls_alloc, r->strs_nr + 1) < 0) {
        return GM_ENOMEM;
    }
    int rc = gm_u64map_put(&r->strmap, id, r->strs_nr);
    if (rc < 0) {
        return rc;
    }
    if (rc == 1) {
        return 1; /* duplicate id: the first one stays */
    }
    r->strs_sid[r->strs_nr] = UINT32_MAX;
    r->strs_cls[r->strs_nr] = 0xff;
    if (id < 65536) { /* the direct array follows the ids, up to 64 K */
        if (id >= r->str_direct_alloc) {
            uint32_t had = r->str_direct_alloc;
            if (GM_RESERVE(r->str_direct, r->str_direct_alloc, id + 1) < 0) {
                return GM_ENOMEM;
            }
            for (uint32_t k = had; k < r->str_direct_alloc; k++) {
                r->str_direct[k] = GM_HTAB_END;
            }
        }
        r->str_direct[id] = r->strs_nr;
        if (id >= r->str_direct_n) {
            r->str_direct_n = (uint32_t)id + 1;
        }
    }
    r->strs[r->strs_nr++] = (struct gm_str){(const char *)p, len};
    return 0;
}

/* The index in strs of string id: small ids (the runtime numbers them from 1) through a
 * direct array, the rest through the map. */
static uint32_t str_index(const struct rd *r, uint64_t id)
{
    if (id < r->str_direct_n) {
        return r->str_direct[id];
    }
    return gm_u64map_get(&r->strmap, id);
}

static struct gm_str get_string(const struct rd *r, uint64_t id)
{
    uint32_t i = str_index(r, id);
    return i == GM_HTAB_END || !r->strs ? (struct gm_str){"", 0} : r->strs[i];
}

static int barrier(struct rd *r);

static uint32_t intern_str(struct rd *r, uint64_t id, int *err)
{
    uint32_t i = str_index(r, id);
    if (i != GM_HTAB_END && r->strs_sid && r->strs_sid[i] != UINT32_MAX) {
        return r->strs_sid[i]; /* interned already in this generation */
    }
    struct gm_str s = get_string(r, id);
    uint32_t sid = UINT32_MAX;
    int rc = barrier(r);
    if (rc == 0) {
        rc = gm_strtab_intern(&r->stk->strs, s.p, s.len, &sid);
    }
    if (rc < 0) {
        *err = rc;
        return UINT32_MAX;
    }
    if (i != GM_HTAB_END && r->strs_sid) {
        r->strs_sid[i] = sid;
    }
    return sid;
}

/* The block class of reason string id, computed once per string of the generation. */
static enum gm_tblock reason_class(struct rd *r, uint64_t id)
{
    uint32_t i = str_index(r, id);
    if (i == GM_HTAB_END || !r->strs_cls) {
        return block_class(get_string(r, id));
    }
    if (r->strs_cls[i] == 0xff) {
        r->strs_cls[i] = (uint8_t)block_class(r->strs[i]);
    }
    return (enum gm_tblock)r->strs_cls[i];
}

static uint32_t map_stack(const struct rd *r, uint64_t id)
{
    if (id == 0) {
        return GM_TRACE_NO_STACK;
    }
    uint32_t s = gm_u64map_get(&r->stkmap, id);
    return s == GM_HTAB_END ? GM_TRACE_NO_STACK : s;
}

/* One stack: nframes frames of (pc, func, file, line) string ids, or of a pc alone (v1 Go
 * 1.5). Interned into the caller's gm_stacks under the trace's id. */
static int read_stack(struct rd *r, const uint8_t **pp, const uint8_t *end, uint64_t id,
                      uint64_t nframes, int pc_only, const uint8_t *at)
{
    uint32_t maxf = r->lim->max_frames ? r->lim->max_frames : 1024;
    if (nframes > maxf) {
        return bad(r, GM_ETOOBIG, at, "Stack", "%llu frames, over the limit",
                   (unsigned long long)nframes);
    }
    uint32_t nr = 0;
    for (uint64_t i = 0; i < nframes; i++) {
        uint64_t pc, fn = 0, file = 0, line = 0;
        UVAR(r, pp, end, &pc, "Stack frame");
        if (!pc_only) {
            UVAR(r, pp, end, &fn, "Stack frame");
            UVAR(r, pp, end, &file, "Stack frame");
            UVAR(r, pp, end, &line, "Stack frame");
        }
        struct gm_str f = get_string(r, fn), fl = get_string(r, file);
        char pcbuf[24];
        if (f.len == 0) {
            int n = snprintf(pcbuf, sizeof(pcbuf), "0x%llx", (unsigned long long)pc);
            f = (struct gm_str){pcbuf, (size_t)n};
        }
        uint32_t ln = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
        uint32_t fid;
        GM_TRY(gm_stacks_frame(r->stk, f, fl, ln, gm_stacks_frame_hash(f, fl, ln), &fid));
        r->frames[nr++] = fid;
    }
    if (id == 0) {
        return 0;
    }
    uint32_t sid;
    GM_TRY(gm_stacks_stack(r->stk, r->frames, nr, GM_NO_FRAME, &sid));
    int rc = gm_u64map_put(&r->stkmap, id, sid);
    return rc < 0 ? rc : 0;
}

/* ---- the heap of cursors -------------------------------------------------------------- */

static int cur_less(const struct rd *r, uint32_t a, uint32_t b)
{
    const struct cursor *x = &r->cur[a], *y = &r->cur[b];
    return x->ticks != y->ticks ? x->ticks < y->ticks : x->idx < y->idx;
}

/* Heap entries carry their key, so sifting never touches the cursors. */
static int key_less(const struct hent *x, const struct hent *y)
{
    return x->ticks != y->ticks ? x->ticks < y->ticks : x->idx < y->idx;
}

static void heap_down(struct rd *r, uint32_t i)
{
    struct hent *h = r->heap;
    uint32_t n = r->heap_nr;
    struct hent x = h[i];
    for (;;) {
        uint32_t l = 2 * i + 1, m = l;
        if (l >= n) {
            break;
        }
        if (l + 1 < n && key_less(&h[l + 1], &h[l])) {
            m = l + 1;
        }
        if (!key_less(&h[m], &x)) {
            break;
        }
        h[i] = h[m];
        i = m;
    }
    h[i] = x;
}

static void heap_push(struct rd *r, uint32_t c)
{
    struct hent *h = r->heap;
    struct hent x = {r->cur[c].ticks, c};
    uint32_t i = r->heap_nr++;
    while (i > 0) {
        uint32_t up = (i - 1) / 2;
        if (!key_less(&x, &h[up])) {
            break;
        }
        h[i] = h[up];
        i = up;
    }
    h[i] = x;
}

/* ---- v2 ------------------------------------------------------------------------------- */

/* Decodes the next event of a v2 cursor: 1, 0 at its end, or an error. */
static int v2_next(struct rd *r, struct cursor *c)
{
    if (c->p >= c->end) {
        return 0;
    }
    const uint8_t *at = c->p;
    unsigned t = *c->p++;
    if (c->cpu) {
        if (t != V2_CPUSAMPLE) {
            return bad(r, GM_EFORMAT, at, "CPUSamples batch", "expected a CPUSample (7), got %llu",
                       (unsigned long long)t);
        }
        c->nargs = 5;
    } else {
        if (t >= V2_NTYPES || t > v2_max_type(r->minor) || !v2_nargs[t] || t == V2_CLOCKSNAPSHOT) {
            return bad(r, GM_EFORMAT, at, "event batch",
                       "expected an event type of this trace version, got %llu",
                       (unsigned long long)t);
        }
        c->nargs = v2_nargs[t];
    }
    for (unsigned i = 0; i < c->nargs; i++) {
        UVAR(r, &c->p, c->end, &c->args[i], v2_names[t]);
    }
    r->info->counts[t]++;
    r->info->events++;
    c->typ = (uint8_t)t;
    c->off = off_of(r, at);
    c->ticks = c->cpu ? c->args[0] : c->ticks + c->args[0];
    return 1;
}

static int put(struct rd *r, struct gm_tev *e)
{
    r->quiet = 0;
    return r->visit ? r->visit(r->vctx, e) : 0;
}

/* Before the stacks or the strings change: see GM_TEV_BARRIER. */
static int barrier(struct rd *r)
{
    if (r->quiet) {
        return 0;
    }
    r->quiet = 1;
    struct gm_tev e = {.kind = GM_TEV_BARRIER,
                       .g = GM_TRACE_NO_G,
                       .p = NO_P,
                       .stack = GM_TRACE_NO_STACK,
                       .stack2 = GM_TRACE_NO_STACK,
                       .str = UINT32_MAX};
    return r->visit ? r->visit(r->vctx, &e) : 0;
}

static int emit_v2(struct rd *r, struct cursor *c)
{
    const uint64_t *a = c->args;
    struct gm_tev e = {.ts = tick_ns(r, c->ticks),
                       .off = c->off,
                       .stack = GM_TRACE_NO_STACK,
                       .stack2 = GM_TRACE_NO_STACK,
                       .str = UINT32_MAX,
                       .p = NO_P};
    if (c->cpu) {
        e.kind = GM_TEV_CPU_SAMPLE;
        e.g = a[3];
        e.p = a[2];
        return put(r, &e);
    }
    uint32_t mi = cur_ctx(r, c);
    if (mi == UINT32_MAX) {
        return GM_ENOMEM;
    }
    struct ctxst *m = &r->ctx[mi];
    e.p = m->p;
    e.g = m->g;
    int err = 0;
    switch (c->typ) {
    case V2_PROCSCHANGE:
        e.kind = GM_TEV_PROCS;
        e.a = a[1];
        break;
    case V2_PROCSTART:
        m->p = e.p = a[1];
        e.kind = GM_TEV_PROC_START;
        break;
    case V2_PROCSTOP:
        e.kind = GM_TEV_PROC_STOP;
        m->p = NO_P;
        break;
    case V2_PROCSTEAL: {
        uint32_t vi = ctx_idx(r, a[3]);
        if (vi == UINT32_MAX) {
            return GM_ENOMEM;
        }
        struct ctxst *victim = &r->ctx[vi]; /* m is not used after this: the array may move */
        if (victim->p == a[1]) {
            victim->p = NO_P;
        }
        e.kind = GM_TEV_PROC_STOP;
        e.p = a[1];
        break;
    }
    case V2_PROCSTATUS:
        if (a[2] != 1 && a[2] != 3) { /* idle or abandoned in a syscall */
            return 0;
        }
        m->p = e.p = a[1];
        e.kind = GM_TEV_PROC_START;
        break;
    case V2_GOCREATE:
    case V2_GOCREATEBLOCKED:
        e.kind = GM_TEV_GO_CREATE;
        e.a = m->g;
        e.g = a[1];
        e.b = c->typ == V2_GOCREATEBLOCKED;
        e.stack2 = map_stack(r, a[2]);
        e.stack = map_stack(r, a[3]);
        break;
    case V2_GOCREATESYSCALL:
        e.kind = GM_TEV_GO_CREATE;
        e.a = 0;
        e.b = 2;
        m->g = e.g = a[1];
        break;
    case V2_GOSTART:
        e.kind = GM_TEV_GO_START;
        m->g = e.g = a[1];
        break;
    case V2_GODESTROY:
    case V2_GODESTROYSYSCALL:
        e.kind = GM_TEV_GO_END;
        m->g = 0;
        break;
    case V2_GOSTOP:
    case V2_GOBLOCK: {
        e.kind = c->typ == V2_GOSTOP ? GM_TEV_GO_STOP : GM_TEV_GO_BLOCK;
        e.str = intern_str(r, a[1], &err);
        e.a = reason_class(r, a[1]);
        e.stack = map_stack(r, a[2]);
        m->g = 0;
        break;
    }
    case V2_GOUNBLOCK:
        e.kind = GM_TEV_GO_UNBLOCK;
        e.a = m->g;
        e.g = a[1];
        break;
    case V2_GOSYSCALLBEGIN:
        e.kind = GM_TEV_GO_SYSCALL;
        break;
    case V2_GOSYSCALLEND:
        e.kind = GM_TEV_GO_SYSCALL_END;
        break;
    case V2_GOSYSCALLENDBLOCKED:
        e.kind = GM_TEV_GO_SYSCALL_LOST;
        m->g = 0;
        break;
    case V2_GOSTATUS:
    case V2_GOSTATUSSTACK: {
        e.kind = GM_TEV_GO_STATUS;
        e.g = a[1];
        e.a = a[3];
        if (a[3] < GM_TS_RUNNABLE || a[3] > GM_TS_WAITING) {
            return 0; /* a status this reader does not know: the next event says */
        }
        if (a[3] == GM_TS_RUNNING || a[3] == GM_TS_SYSCALL) {
            uint32_t oi = ctx_idx(r, a[2]);
            if (oi == UINT32_MAX) {
                return GM_ENOMEM;
            }
            struct ctxst *on = &r->ctx[oi]; /* m is not used after this: the array may move */
            on->g = a[1];
            e.p = on->p;
        }
        if (c->typ == V2_GOSTATUSSTACK) {
            e.stack = map_stack(r, a[4]);
        }
        break;
    }
    case V2_STWBEGIN:
        e.kind = GM_TEV_STW_BEGIN;
        e.str = intern_str(r, a[1], &err);
        break;
    case V2_STWEND:
        e.kind = GM_TEV_STW_END;
        break;
    case V2_GCACTIVE:
        e.kind = GM_TEV_GC_ACTIVE;
        break;
    case V2_GCBEGIN:
        e.kind = GM_TEV_GC_BEGIN;
        break;
    case V2_GCEND:
        e.kind = GM_TEV_GC_END;
        break;
    case V2_GCMARKASSISTACTIVE:
        e.kind = GM_TEV_ASSIST;
        e.g = a[1];
        break;
    case V2_GCMARKASSISTBEGIN:
        e.kind = GM_TEV_ASSIST;
        break;
    case V2_GCMARKASSISTEND:
        e.kind = GM_TEV_ASSIST_END;
        break;
    case V2_HEAPALLOC:
        e.kind = GM_TEV_HEAP_ALLOC;
        e.a = a[1];
        break;
    case V2_HEAPGOAL:
        e.kind = GM_TEV_HEAP_GOAL;
        e.a = a[1];
        break;
    case V2_GOSWITCH:
    case V2_GOSWITCHDESTROY: {
        /* the running goroutine hands its M to a[1] (iter.Pull coroutines): it waits, or
         * ends, and a[1] wakes and runs */
        if (m->g) {
            struct gm_tev out = e;
            out.kind = c->typ == V2_GOSWITCH ? GM_TEV_GO_BLOCK : GM_TEV_GO_END;
            out.a = GM_TB_OTHER;
            GM_TRY(put(r, &out));
        }
        struct gm_tev wake = e;
        wake.kind = GM_TEV_GO_UNBLOCK;
        wake.a = m->g;
        wake.g = a[1];
        GM_TRY(put(r, &wake));
        e.kind = GM_TEV_GO_START;
        m->g = e.g = a[1];
        break;
    }
    default: /* sweeps, labels, user annotations: counted only */
        return 0;
    }
    if (err < 0) {
        return err;
    }
    return put(r, &e);
}

/* Merges the cursors of one generation (or a whole v1 trace) in time order. A cursor enters
 * the heap at its batch's start time and decodes its first event only when it reaches the
 * top: a batch's bytes are touched when the merge gets to its time, not all at the start (the
 * kernel maps the neighbours of a faulted page too: priming every batch of a v1 trace would
 * map the whole file). */
static inline __attribute__((always_inline)) int merge(struct rd *r,
                                                       int (*next)(struct rd *, struct cursor *),
                                                       int (*emit)(struct rd *, struct cursor *))
{
    /* the batches by start time wait outside the heap until the merge reaches that time, so
     * the heap holds only the batches in progress (about one per M or P) */
    r->heap_nr = 0;
    if (GM_RESERVE(r->heap, r->heap_alloc, r->cur_nr) < 0 ||
        GM_RESERVE(r->pend, r->pend_alloc, r->cur_nr) < 0) {
        return GM_ENOMEM;
    }
    for (uint32_t i = 0; i < r->cur_nr; i++) {
        r->cur[i].primed = 0;
        r->pend[i] = i;
    }
    /* insertion sort: batches come in file order, which is nearly their time order */
    for (uint32_t i = 1; i < r->cur_nr; i++) {
        uint32_t x = r->pend[i], j = i;
        for (; j > 0 && cur_less(r, x, r->pend[j - 1]); j--) {
            r->pend[j] = r->pend[j - 1];
        }
        r->pend[j] = x;
    }
    uint32_t np = 0;
    for (;;) {
        while (np < r->cur_nr &&
               (r->heap_nr == 0 ||
                !key_less(&r->heap[0],
                          &(struct hent){r->cur[r->pend[np]].ticks, r->cur[r->pend[np]].idx}))) {
            heap_push(r, r->pend[np++]);
        }
        if (!r->heap_nr) {
            break;
        }
        struct cursor *c = &r->cur[r->heap[0].idx];
        if (c->primed) {
            uint64_t ns = tick_ns(r, c->ticks);
            if (ns > r->info->duration_ns) {
                r->info->duration_ns = ns;
            }
            GM_TRY(emit(r, c));
            if (r->in && ++r->merged >= (1u << 20)) { /* the pages behind the slowest batch */
                r->merged = 0;
                const uint8_t *lo = np < r->cur_nr ? r->cur[r->pend[np]].p : r->end;
                for (uint32_t k = 0; k < r->heap_nr; k++) {
                    const uint8_t *q = r->cur[r->heap[k].idx].p;
                    lo = q < lo ? q : lo;
                }
                gm_input_release(r->in, (size_t)(lo - r->base));
            }
        }
        c->primed = 1;
        int rc = next(r, c);
        if (rc < 0) {
            return rc;
        }
        if (rc == 0) {
            r->heap[0] = r->heap[--r->heap_nr];
        } else {
            r->heap[0].ticks = c->ticks;
        }
        if (r->heap_nr) {
            heap_down(r, 0);
        }
    }
    return 0;
}

struct v2batch {
    const uint8_t *p, *end; /* payload */
    uint64_t m, time;
    int exp;
};

static int v2_strings(struct rd *r, const uint8_t *p, const uint8_t *end)
{
    r->info->counts[V2_STRINGS]++;
    r->info->events++;
    p++;
    while (p < end) {
        const uint8_t *at = p;
        if (*p++ != V2_STRING) {
            return bad(r, GM_EFORMAT, at, "Strings batch", "expected a String (5), got %llu",
                       (unsigned long long)at[0]);
        }
        uint64_t id, len;
        UVAR(r, &p, end, &id, "String");
        UVAR(r, &p, end, &len, "String");
        if (len > V2_MAX_STRING) {
            return bad(r, GM_EFORMAT, at, "String", "length %llu, over the 1024 bytes Go writes",
                       (unsigned long long)len);
        }
        if (len > (uint64_t)(end - p)) {
            return bad(r, GM_EFORMAT, at, "String", "length %llu runs past its batch",
                       (unsigned long long)len);
        }
        GM_TRY(add_string(r, id, p, (size_t)len));
        p += len;
        r->info->counts[V2_STRING]++;
        r->info->events++;
    }
    return 0;
}

static int v2_stacks(struct rd *r, const uint8_t *p, const uint8_t *end)
{
    r->info->counts[V2_STACKS]++;
    r->info->events++;
    p++;
    while (p < end) {
        const uint8_t *at = p;
        if (*p++ != V2_STACK) {
            return bad(r, GM_EFORMAT, at, "Stacks batch", "expected a Stack (3), got %llu",
                       (unsigned long long)at[0]);
        }
        uint64_t id, n;
        UVAR(r, &p, end, &id, "Stack");
        UVAR(r, &p, end, &n, "Stack");
        GM_TRY(read_stack(r, &p, end, id, n, 0, at));
        r->info->counts[V2_STACK]++;
        r->info->events++;
    }
    return 0;
}

static int v2_sync(struct rd *r, const uint8_t *p, const uint8_t *end)
{
    if (*p == V2_SYNC) {
        r->info->counts[V2_SYNC]++;
        r->info->events++;
        p++;
    }
    while (p < end) {
        const uint8_t *at = p;
        unsigned t = *p++;
        if (t == V2_FREQUENCY) {
            uint64_t f;
            UVAR(r, &p, end, &f, "Frequency");
            if (f == 0) {
                return bad(r, GM_EFORMAT, at, "Frequency", "zero ticks per second");
            }
            r->info->ticks_per_sec = (double)f;
            r->ns_per_tick = 1e9 / (double)f;
        } else if (t == V2_CLOCKSNAPSHOT && r->minor >= 25) {
            for (int i = 0; i < 4; i++) {
                uint64_t v;
                UVAR(r, &p, end, &v, "ClockSnapshot");
            }
        } else {
            return bad(r, GM_EFORMAT, at, "sync batch",
                       "expected Frequency (8) or ClockSnapshot (51), got %llu",
                       (unsigned long long)t);
        }
        r->info->counts[t]++;
        r->info->events++;
    }
    return 0;
}

/* One generation: its batches, from *pp to its end; *pp moves past them. */
static int v2_generation(struct rd *r, const uint8_t **pp, struct v2batch **bv, uint32_t *balloc)
{
    const uint8_t *p = *pp, *end = r->end;
    uint32_t nb = 0;
    uint64_t gen = 0;
    int err = 0;
    while (p < end) {
        const uint8_t *at = p;
        unsigned t = *p;
        if (t == V2_ENDOFGEN && r->minor >= 26) {
            p++;
            r->info->counts[V2_ENDOFGEN]++;
            r->info->events++;
            break;
        }
        if (t != V2_BATCH && !(t == V2_EXPBATCH && r->minor >= 23)) {
            err = bad(r, GM_EFORMAT, at, NULL,
                      "expected a batch (EventBatch, byte 0x01), got byte 0x%02llx",
                      (unsigned long long)t);
            break;
        }
        const uint8_t *q = p + 1;
        int exp = 0;
        if (t == V2_EXPBATCH) {
            if (q >= end) {
                err = bad(r, GM_ETRUNC, at, "ExperimentalBatch",
                          "the trace ends in its header%.0llu", 0ull);
                break;
            }
            exp = *q++;
        }
        uint64_t g, m, time, size;
        int rc;
        if ((rc = uvar(&q, end, &g)) < 0 || (rc = uvar(&q, end, &m)) < 0 ||
            (rc = uvar(&q, end, &time)) < 0 || (rc = uvar(&q, end, &size)) < 0) {
            err = bad(r, rc, at, v2_names[t],
                      rc == GM_ETRUNC ? "the trace ends inside the batch header%.0llu"
                                      : "a header varint is longer than 10 bytes%.0llu",
                      0ull);
            break;
        }
        if (size > V2_MAX_BATCH) {
            err = bad(r, GM_EFORMAT, at, v2_names[t], "size %llu, over the 64 kB Go writes",
                      (unsigned long long)size);
            break;
        }
        if (size > (uint64_t)(end - q)) {
            err = bad(r, GM_ETRUNC, at, v2_names[t],
                      "the trace ends %llu bytes into this batch's payload",
                      (unsigned long long)(end - q));
            break;
        }
        if (nb && g != gen) {
            break; /* the next generation (Go 1.22-1.25 mark no end) */
        }
        gen = g;
        if (GM_RESERVE(*bv, *balloc, nb + 1) < 0) {
            return GM_ENOMEM;
        }
        (*bv)[nb++] = (struct v2batch){q, q + size, m, time, t == V2_EXPBATCH ? exp + 1 : 0};
        r->info->counts[t]++;
        r->info->events++;
        r->info->batches++;
        p = q + size;
    }
    *pp = p;
    if (nb == 0) {
        return err;
    }
    r->info->generations++;
    /* strings, then stacks (their frames name strings), then the clock, then events */
    tables_reset(r);
    for (uint32_t i = 0; i < nb; i++) {
        struct v2batch *b = &(*bv)[i];
        if (!b->exp && b->p < b->end && *b->p == V2_STRINGS) {
            GM_TRY(v2_strings(r, b->p, b->end));
        }
    }
    r->empty_str = 0;
    /* the generation's strings and stacks join the tables at once, behind one barrier (a
     * string first met in an event would need one of its own) */
    GM_TRY(barrier(r));
    for (uint32_t i = 0; i < r->strs_nr; i++) {
        if (r->strs_sid[i] == UINT32_MAX) {
            GM_TRY(gm_strtab_intern(&r->stk->strs, r->strs[i].p, r->strs[i].len, &r->strs_sid[i]));
        }
    }
    for (uint32_t i = 0; i < nb; i++) {
        struct v2batch *b = &(*bv)[i];
        if (!b->exp && b->p < b->end && *b->p == V2_STACKS) {
            GM_TRY(v2_stacks(r, b->p, b->end));
        }
    }
    r->cur_nr = 0;
    for (uint32_t i = 0; i < nb; i++) {
        struct v2batch *b = &(*bv)[i];
        if (b->exp || b->p >= b->end || *b->p == V2_STRINGS || *b->p == V2_STACKS) {
            continue; /* experiments (allocation events) are not read */
        }
        unsigned t0 = *b->p;
        if ((t0 == V2_FREQUENCY && r->minor < 25) || (t0 == V2_SYNC && r->minor >= 25)) {
            GM_TRY(v2_sync(r, b->p, b->end));
            continue;
        }
        if (GM_RESERVE(r->cur, r->cur_alloc, r->cur_nr + 1) < 0) {
            return GM_ENOMEM;
        }
        struct cursor *c = &r->cur[r->cur_nr];
        memset(c, 0, sizeof(*c));
        c->ctx = UINT32_MAX;
        c->p = b->p;
        c->end = b->end;
        c->ticks = b->time;
        c->key = b->m;
        c->idx = r->cur_nr++;
        if (t0 == V2_CPUSAMPLES) {
            c->cpu = 1;
            c->p++;
            r->info->counts[V2_CPUSAMPLES]++;
            r->info->events++;
        }
    }
    if (r->ns_per_tick <= 0) {
        return bad(r, GM_EFORMAT, *pp, NULL,
                   "generation %llu has no Frequency event: its times cannot be read",
                   (unsigned long long)gen);
    }
    GM_TRY(merge(r, v2_next, emit_v2));
    return err;
}

static int read_v2(struct rd *r)
{
    const uint8_t *p = r->base + 16;
    struct v2batch *bv = NULL;
    uint32_t balloc = 0;
    int rc = 0;
    while (p < r->end) {
        const uint8_t *before = p;
        rc = v2_generation(r, &p, &bv, &balloc);
        if (r->in) {
            gm_input_release(r->in, (size_t)(p - r->base));
        }
        if (rc < 0 || p == before) {
            break;
        }
    }
    r->info->bytes = off_of(r, p);
    free(bv);
    return rc;
}

/* ---- v1 ------------------------------------------------------------------------------- */

/* One raw v1 event at *pp: type, arguments (the first MAX_ARGS kept, nargs all of them),
 * the UserLog trailer. Strings are returned whole (args: id, len; data: the bytes). */
static int v1_raw(struct rd *r, const uint8_t **pp, const uint8_t *end, unsigned *typ,
                  uint64_t *args, unsigned *nargs, const uint8_t **data, uint64_t *dlen)
{
    const uint8_t *at = *pp;
    if (at >= end) {
        return 0;
    }
    unsigned b = *(*pp)++;
    unsigned t = b & 0x3f, narg = (b >> 6) + 1, inl = 4;
    if (r->minor < 7) {
        narg++;
        inl++;
    }
    if (t == V1_NONE || t >= V1_NTYPES || v1_min_minor(t) > r->minor) {
        return bad(r, GM_EFORMAT, at, NULL, "unknown event type %llu for this trace version",
                   (unsigned long long)t);
    }
    *typ = t;
    *data = NULL;
    *dlen = 0;
    if (t == V1_STRING) {
        UVAR(r, pp, end, &args[0], "String");
        UVAR(r, pp, end, &args[1], "String");
        if (args[1] > 1000000) {
            return bad(r, GM_EFORMAT, at, "String", "length %llu, over 1 MB",
                       (unsigned long long)args[1]);
        }
        if (args[1] > (uint64_t)(end - *pp)) {
            return bad(r, GM_ETRUNC, at, "String", "the trace ends inside its %llu bytes",
                       (unsigned long long)args[1]);
        }
        *data = *pp;
        *dlen = args[1];
        *pp += args[1];
        *nargs = 2;
        return 1;
    }
    unsigned n = 0;
    if (narg < inl) {
        for (unsigned i = 0; i < narg; i++) {
            uint64_t v;
            UVAR(r, pp, end, &v, v1_names[t]);
            if (n < MAX_ARGS) {
                args[n] = v;
            }
            n++;
        }
    } else {
        uint64_t len;
        UVAR(r, pp, end, &len, v1_names[t]);
        if (len > (uint64_t)(end - *pp)) {
            return bad(r, GM_ETRUNC, at, v1_names[t], "the trace ends inside its %llu bytes",
                       (unsigned long long)len);
        }
        const uint8_t *stop = *pp + len;
        if (t == V1_STACK) {
            /* id, nframes, then frames: read by the caller from data */
            uint64_t id, nf;
            UVAR(r, pp, stop, &id, "Stack");
            UVAR(r, pp, stop, &nf, "Stack");
            args[0] = id;
            args[1] = nf;
            *data = *pp;
            *dlen = (uint64_t)(stop - *pp);
            *pp = stop;
            *nargs = 2;
            return 1;
        }
        while (*pp < stop) {
            uint64_t v;
            UVAR(r, pp, stop, &v, v1_names[t]);
            if (n < MAX_ARGS) {
                args[n] = v;
            }
            n++;
        }
    }
    *nargs = n;
    if (t == V1_STACK) { /* inline: [id, nframes] with no frames, or too short */
        if (n < 2 || args[1] != 0) {
            return bad(r, GM_EFORMAT, at, "Stack", "%u inline arguments, expected id and 0 frames",
                       n);
        }
        *data = *pp;
        *dlen = 0;
        return 1;
    }
    if (t == V1_USERLOG) {
        uint64_t len;
        UVAR(r, pp, end, &len, "UserLog");
        if (len > 1000000 || len > (uint64_t)(end - *pp)) {
            return bad(r, GM_ETRUNC, at, "UserLog", "its message of %llu bytes runs past the end",
                       (unsigned long long)len);
        }
        *data = *pp;
        *dlen = len;
        *pp += len;
    }
    return 1;
}

static int v1_next(struct rd *r, struct cursor *c)
{
    for (;;) {
        const uint8_t *at = c->p;
        unsigned t = 0, n = 0;
        /* the common case: an ordinary event with inline arguments, each a varint (pass 1
         * checked their form already: v1_raw below reports anything else) */
        if (at < c->end && r->minor >= 7) {
            unsigned b = *at, nt = b & 0x3f, narg = (b >> 6) + 1;
            if (nt > V1_BATCH && nt < V1_NTYPES && nt != V1_STRING && nt != V1_STACK &&
                nt != V1_FREQUENCY && nt != V1_TIMERGOROUTINE && nt != V1_USERLOG) {
                const uint8_t *q = at + 1;
                unsigned k = 0;
                uint64_t len = 0;
                if (narg == 4) { /* length-prefixed: decode until the length is used */
                    if (uvar(&q, c->end, &len) < 0 || len > (uint64_t)(c->end - q)) {
                        goto slow;
                    }
                    const uint8_t *stop = q + len;
                    while (q < stop && k < MAX_ARGS) {
                        if (uvar(&q, stop, &c->args[k]) < 0) {
                            goto slow;
                        }
                        k++;
                    }
                    if (q != stop) {
                        goto slow; /* more than MAX_ARGS arguments: the slow path counts them */
                    }
                    narg = k;
                }
                for (; k < narg; k++) {
                    if (uvar(&q, c->end, &c->args[k]) < 0) {
                        break;
                    }
                }
                if (k == narg && narg > 0) {
                    c->p = q;
                    c->ticks += c->args[0];
                    c->typ = (uint8_t)nt;
                    c->nargs = (uint8_t)narg;
                    c->off = off_of(r, at);
                    c->data = NULL;
                    return 1;
                }
            }
        }
    slow:; /* a label before a declaration needs a statement */
        const uint8_t *data = NULL;
        uint64_t dlen = 0;
        int rc = v1_raw(r, &c->p, c->end, &t, c->args, &n, &data, &dlen);
        if (rc <= 0) {
            return rc;
        }
        if (t == V1_STRING || t == V1_STACK || t == V1_FREQUENCY || t == V1_TIMERGOROUTINE ||
            t == V1_BATCH) {
            continue; /* read in the first pass */
        }
        unsigned toff = r->minor < 7 ? 1 : 0;
        if (n <= toff) {
            return bad(r, GM_EFORMAT, at, v1_names[t], "%llu arguments, no timestamp",
                       (unsigned long long)n);
        }
        c->ticks += c->args[toff];
        c->typ = (uint8_t)t;
        c->nargs = (uint8_t)(n > MAX_ARGS ? MAX_ARGS : n);
        c->off = off_of(r, at);
        c->data = data;
        return 1;
    }
}

static uint32_t v1_str(struct rd *r, const char *s, int *err)
{
    /* the reasons are static strings: remember the last few by address */
    for (uint32_t k = 0; k < r->v1s_nr; k++) {
        if (r->v1s_p[k] == s) {
            return r->v1s_id[k];
        }
    }
    uint32_t id = UINT32_MAX;
    int rc = barrier(r);
    if (rc == 0) {
        rc = gm_strtab_intern(&r->stk->strs, s, strlen(s), &id);
    }
    if (rc < 0) {
        *err = rc;
        return UINT32_MAX;
    }
    if (r->v1s_nr < GM_ARRAY_NR(r->v1s_p)) {
        r->v1s_p[r->v1s_nr] = s;
        r->v1s_id[r->v1s_nr++] = id;
    }
    return id;
}

static const char *v1_stw_kind(unsigned minor, uint64_t k)
{
    static const char *const go121[] = {"",
                                        "GC mark termination",
                                        "GC sweep termination",
                                        "write heap dump",
                                        "goroutine profile",
                                        "goroutine profile cleanup",
                                        "all goroutine stack trace",
                                        "read mem stats",
                                        "AllThreadsSyscall",
                                        "GOMAXPROCS",
                                        "start trace",
                                        "stop trace",
                                        "CountPagesInUse (test)",
                                        "ReadMetricsSlow (test)",
                                        "ReadMemStatsSlow (test)",
                                        "PageCachePagesLeaked (test)",
                                        "ResetDebugLog (test)"};
    if (minor >= 21) {
        return k < GM_ARRAY_NR(go121) ? go121[k] : "";
    }
    return k == 0 ? "GC mark termination" : k == 1 ? "GC sweep termination" : "";
}

static int emit_v1(struct rd *r, struct cursor *c)
{
    unsigned t = c->typ, o = r->minor < 7 ? 2 : 1; /* first argument after the times */
    const uint64_t *a = c->args + o;
    unsigned na = c->nargs > o ? c->nargs - o : 0;
    struct gm_tev e = {.ts = tick_ns(r, c->ticks),
                       .off = c->off,
                       .stack = GM_TRACE_NO_STACK,
                       .stack2 = GM_TRACE_NO_STACK,
                       .str = UINT32_MAX,
                       .p = c->key};
    uint32_t pi = cur_ctx(r, c);
    if (pi == UINT32_MAX) {
        return GM_ENOMEM;
    }
    struct ctxst *pc = &r->ctx[pi];
    e.g = pc->g;
    if (na > 0 && v1_has_stack(t) &&
        (t == V1_GOCREATE || t == V1_GOSTOP || t == V1_GOSLEEP || t == V1_GOBLOCK ||
         (t >= V1_GOBLOCKSEND && t <= V1_GOBLOCKNET) || t == V1_GOBLOCKGC)) {
        e.stack = map_stack(r, a[na - 1]); /* the stacks the analysis reads, only */
    }
    uint64_t a0 = na > 0 ? a[0] : 0;
    int err = 0;
    enum gm_tblock blk = GM_TB_OTHER;
    const char *reason = "";
    switch (t) {
    case V1_GOMAXPROCS:
        e.kind = GM_TEV_PROCS;
        e.a = a0;
        break;
    case V1_PROCSTART:
        e.kind = GM_TEV_PROC_START;
        break;
    case V1_PROCSTOP:
        e.kind = GM_TEV_PROC_STOP;
        break;
    case V1_GCSTART:
        e.kind = GM_TEV_GC_BEGIN;
        break;
    case V1_GCDONE:
        e.kind = GM_TEV_GC_END;
        break;
    case V1_GCSTWSTART:
        e.kind = GM_TEV_STW_BEGIN;
        e.str = v1_str(r, v1_stw_kind(r->minor, r->minor >= 10 ? a0 : 0), &err);
        break;
    case V1_GCSTWDONE:
        e.kind = GM_TEV_STW_END;
        break;
    case V1_GOCREATE:
        e.kind = GM_TEV_GO_CREATE;
        e.a = pc->g;
        e.g = a0;
        e.stack2 = na > 2 ? map_stack(r, a[1]) : GM_TRACE_NO_STACK;
        break;
    case V1_GOSTART:
    case V1_GOSTARTLOCAL:
    case V1_GOSTARTLABEL:
        e.kind = GM_TEV_GO_START;
        pc->g = e.g = a0;
        break;
    case V1_GOEND:
        e.kind = GM_TEV_GO_END;
        pc->g = 0;
        break;
    case V1_GOSCHED:
    case V1_GOPREEMPT:
        e.kind = GM_TEV_GO_STOP;
        e.str = v1_str(r, t == V1_GOSCHED ? "runtime.Gosched" : "preempted", &err);
        pc->g = 0;
        break;
    case V1_GOSTOP:
        blk = GM_TB_FOREVER, reason = "forever";
        goto block;
    case V1_GOSLEEP:
        blk = GM_TB_SLEEP, reason = "sleep";
        goto block;
    case V1_GOBLOCK:
        goto block;
    case V1_GOBLOCKSEND:
        blk = GM_TB_CHAN_SEND, reason = "chan send";
        goto block;
    case V1_GOBLOCKRECV:
        blk = GM_TB_CHAN_RECV, reason = "chan receive";
        goto block;
    case V1_GOBLOCKSELECT:
        blk = GM_TB_SELECT, reason = "select";
        goto block;
    case V1_GOBLOCKSYNC:
        blk = GM_TB_SYNC, reason = "sync";
        goto block;
    case V1_GOBLOCKCOND:
        blk = GM_TB_COND, reason = "sync.(*Cond).Wait";
        goto block;
    case V1_GOBLOCKNET:
        blk = GM_TB_NETWORK, reason = "network";
        goto block;
    case V1_GOBLOCKGC:
        blk = GM_TB_GC, reason = "GC mark assist wait for work";
    block:
        e.kind = GM_TEV_GO_BLOCK;
        e.a = blk;
        e.str = v1_str(r, reason, &err);
        pc->g = 0;
        break;
    case V1_GOUNBLOCK:
    case V1_GOUNBLOCKLOCAL:
        e.kind = GM_TEV_GO_UNBLOCK;
        e.a = pc->g;
        e.g = a0;
        break;
    case V1_GOSYSCALL:
        return 0; /* a call that did not block has no end event: only GoSysBlock counts */
    case V1_GOSYSBLOCK:
        e.kind = GM_TEV_GO_SYSCALL;
        pc->g = 0;
        break;
    case V1_GOSYSEXIT:
    case V1_GOSYSEXITLOCAL:
        e.kind = GM_TEV_GO_SYSCALL_LOST;
        e.g = a0;
        break;
    case V1_GOWAITING:
    case V1_GOINSYSCALL:
        e.kind = GM_TEV_GO_STATUS;
        e.g = a0;
        e.a = t == V1_GOWAITING ? GM_TS_WAITING : GM_TS_SYSCALL;
        break;
    case V1_HEAPALLOC:
        e.kind = GM_TEV_HEAP_ALLOC;
        e.a = a0;
        break;
    case V1_HEAPGOAL:
        e.kind = GM_TEV_HEAP_GOAL;
        e.a = a0;
        break;
    case V1_GCMARKASSISTSTART:
        e.kind = GM_TEV_ASSIST;
        break;
    case V1_GCMARKASSISTDONE:
        e.kind = GM_TEV_ASSIST_END;
        break;
    case V1_CPUSAMPLE:
        e.kind = GM_TEV_CPU_SAMPLE;
        e.g = na > 2 ? a[2] : 0;
        e.p = na > 1 ? a[1] : NO_P;
        break;
    default: /* sweeps, futile wakeups, user annotations: counted only */
        return 0;
    }
    if (err < 0) {
        return err;
    }
    return put(r, &e);
}

/* Pass 1 of a v1 trace looks into strings, stacks, the frequency and batch headers only: an
 * ordinary event with inline arguments is counted and stepped over (its varints are not
 * decoded). Returns the byte after it, or NULL to let v1_raw read it (and report an error). */
static const uint8_t *v1_skip(const struct rd *r, const uint8_t *p, const uint8_t *end,
                              unsigned *typ)
{
    unsigned b = *p;
    unsigned t = b & 0x3f, narg = (b >> 6) + 1, inl = 4;
    if (r->minor < 7) {
        narg++;
        inl++;
    }
    if (t == V1_NONE || t >= V1_NTYPES || t == V1_BATCH || t == V1_STRING || t == V1_STACK ||
        t == V1_FREQUENCY || t == V1_USERLOG || v1_min_minor(t) > r->minor) {
        return NULL;
    }
    const uint8_t *q = p + 1;
    if (narg >= inl) { /* a length, then that many bytes of arguments */
        uint64_t len;
        if (uvar(&q, end, &len) < 0 || len > (uint64_t)(end - q) || len == 0 ||
            (q[len - 1] & 0x80)) {
            return NULL;
        }
        *typ = t;
        return q + len;
    }
    for (unsigned k = 0; k < narg; k++) {
        const uint8_t *start = q;
        while (q < end && (*q & 0x80)) {
            q++;
        }
        if (q >= end || q - start >= 10) {
            return NULL;
        }
        q++;
    }
    *typ = t;
    return q;
}

static int read_v1(struct rd *r)
{
    const uint8_t *p = r->base + 16, *end = r->end;
    int err = 0;
    r->info->generations = 1;
    /* pass 1: strings, stacks, frequency, batch boundaries */
    const uint8_t *next_release = p + (4u << 20);
    struct cursor *open = NULL;
    while (p < end) {
        const uint8_t *at = p;
        unsigned t = 0, n = 0;
        if (r->in && p >= next_release) { /* read again in the merge */
            gm_input_release(r->in, (size_t)(p - r->base));
            next_release = p + (4u << 20);
        }
        const uint8_t *skip = v1_skip(r, p, end, &t);
        if (skip) {
            r->info->counts[t]++;
            r->info->events++;
            p = skip;
            continue;
        }
        uint64_t args[MAX_ARGS] = {0};
        const uint8_t *data = NULL;
        uint64_t dlen = 0;
        int rc = v1_raw(r, &p, end, &t, args, &n, &data, &dlen);
        if (rc < 0) {
            err = rc;
            p = at;
            break;
        }
        if (rc == 0) {
            break;
        }
        r->info->counts[t]++;
        r->info->events++;

        switch (t) {
        case V1_BATCH: {
            if (open) {
                open->end = at;
            }
            unsigned need = r->minor < 7 ? 3 : 2;
            if (n < need) {
                err = bad(r, GM_EFORMAT, at, "Batch", "%llu arguments, expected p and ticks",
                          (unsigned long long)n);
                p = at;
                goto done;
            }
            if (GM_RESERVE(r->cur, r->cur_alloc, r->cur_nr + 1) < 0) {
                return GM_ENOMEM;
            }
            open = &r->cur[r->cur_nr];
            memset(open, 0, sizeof(*open));
            open->ctx = UINT32_MAX;
            open->p = p;
            open->end = end;
            open->key = args[0];
            open->ticks = args[need - 1];
            open->idx = r->cur_nr++;
            r->info->batches++;
            break;
        }
        case V1_STRING:
            if (args[0] == 0) {
                err = bad(r, GM_EFORMAT, at, "String", "invalid id %llu", 0ull);
                p = at;
                goto done;
            }
            if ((err = add_string(r, args[0], data, (size_t)dlen)) < 0) {
                return err;
            }
            err = 0;
            break;
        case V1_STACK: {
            const uint8_t *q = data;
            if ((err = read_stack(r, &q, data + dlen, args[0], args[1], r->minor < 7, at)) < 0) {
                p = at;
                goto done;
            }
            break;
        }
        case V1_FREQUENCY:
            if (n < 1 || args[0] == 0) {
                err = bad(r, GM_EFORMAT, at, "Frequency", "zero ticks per second");
                p = at;
                goto done;
            }
            r->info->ticks_per_sec = (double)args[0];
            r->ns_per_tick = 1e9 / (double)args[0];
            break;
        default:
            break;
        }
    }
done:
    if (open && open->end > p) {
        open->end = p;
    }
    /* cursors that ran into the error stop there; the pass must not count them again */
    r->info->bytes = off_of(r, p);
    if (r->ns_per_tick <= 0) {
        if (err < 0) {
            return err;
        }
        return bad(r, GM_EFORMAT, p, NULL,
                   "no Frequency event: the trace's times cannot be read%.0llu", 0ull);
    }
    for (uint32_t i = 0; i < r->cur_nr; i++) {
        if (r->cur[i].end > p) {
            r->cur[i].end = p;
        }
    }
    if (r->in) { /* the merge reads the file again, front to back */
        gm_input_release(r->in, (size_t)(p - r->base));
    }
    GM_TRY(merge(r, v1_next, emit_v1));
    return err;
}

/* ---- entry ---------------------------------------------------------------------------- */

static int read_trace(const char *p, size_t len, const struct gm_input *in,
                      const struct gm_limits *lim, struct gm_stacks *stacks, gm_trace_visit visit,
                      void *ctx, struct gm_trace_info *info, struct gm_diag *diag);

int gm_trace_read(const char *p, size_t len, const struct gm_limits *lim, struct gm_stacks *stacks,
                  gm_trace_visit visit, void *ctx, struct gm_trace_info *info, struct gm_diag *diag)
{
    return read_trace(p, len, NULL, lim, stacks, visit, ctx, info, diag);
}

int gm_trace_read_input(const struct gm_input *in, const struct gm_limits *lim,
                        struct gm_stacks *stacks, gm_trace_visit visit, void *ctx,
                        struct gm_trace_info *info, struct gm_diag *diag)
{
    return read_trace(in->p, in->len, in, lim, stacks, visit, ctx, info, diag);
}

static int read_trace(const char *p, size_t len, const struct gm_input *in,
                      const struct gm_limits *lim, struct gm_stacks *stacks, gm_trace_visit visit,
                      void *ctx, struct gm_trace_info *info, struct gm_diag *diag)
{
    memset(info, 0, sizeof(*info));
    struct gm_limits dl;
    if (!lim) {
        gm_limits_default(&dl);
        lim = &dl;
    }
    if (len < 16 || memcmp(p, "go 1.", 5) != 0) {
        return gm_diag_set(diag, len < 16 ? GM_ETRUNC : GM_EFORMAT, 0, 0,
                           "expected an execution trace header ('go 1.N trace'), got %s",
                           len < 16 ? "fewer than 16 bytes" : "other bytes");
    }
    unsigned minor = 0, i = 5;
    while (i < 8 && p[i] >= '0' && p[i] <= '9') {
        minor = minor * 10 + (unsigned)(p[i] - '0');
        i++;
    }
    if (i == 5 || memcmp(p + i, " trace", 6) != 0) {
        return gm_diag_set(diag, GM_EFORMAT, 0, 0,
                           "expected an execution trace header ('go 1.N trace'), got '%.16s'", p);
    }
    info->minor = minor;
    switch (minor) {
    case 5:
    case 7:
    case 8:
    case 9:
    case 10:
    case 11:
    case 19:
    case 21:
        info->format = GM_TRACE_V1;
        break;
    case 22:
    case 23:
    case 25:
    case 26:
        info->format = GM_TRACE_V2;
        break;
    default:
        return gm_diag_set(diag, GM_EUNSUPP, 0, 0,
                           minor > 26
                               ? "trace format 'go 1.%u trace' is newer than this gomedic "
                                 "reads (Go 1.5 to 1.26)"
                               : "no Go release writes 'go 1.%u trace' (known: 1.5, 1.7-1.11, "
                                 "1.19, 1.21, 1.22, 1.23, 1.25, 1.26)",
                           minor);
    }
    struct rd r;
    memset(&r, 0, sizeof(r));
    r.base = (const uint8_t *)p;
    r.end = r.base + len;
    r.in = in;
    r.lim = lim;
    r.stk = stacks;
    r.visit = visit;
    r.vctx = ctx;
    r.info = info;
    r.diag = diag;
    r.minor = minor;
    r.quiet = 1;
    uint32_t maxf = lim->max_frames ? lim->max_frames : 1024;
    r.frames = gm_xmalloc(sizeof(uint32_t) * maxf);
    int rc;
    if (!r.frames) {
        rc = GM_ENOMEM;
    } else if (info->format == GM_TRACE_V2) {
        rc = read_v2(&r);
    } else {
        rc = read_v1(&r);
    }
    if (info->bytes == 0) {
        info->bytes = 16;
    }
    tables_reset(&r);
    gm_u64map_release(&r.ctxmap);
    free(r.strs);
    free(r.strs_sid);
    free(r.strs_cls);
    free(r.str_direct);
    free(r.frames);
    free(r.cur);
    free(r.heap);
    free(r.pend);
    free(r.ctx);
    return rc;
}
