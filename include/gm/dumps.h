/*
 * gm/dumps.h - the goroutine-dump model: a set of dumps (one per snapshot or per dump found in
 * a file), their goroutines in fixed-size blocks that never move, and the interned frames and
 * stacks they share (gm/stack.h). Filled by the dump parser (gm/gdump.h) and the goroutine
 * profile converter, or in code through the builder below; read by buckets, findings, the
 * snapshot diff and the renderers.
 */
#ifndef GM_DUMPS_H
#define GM_DUMPS_H

#include "gm/base.h"
#include "gm/stack.h"

enum gm_goroutine_flags {
    GM_G_LOCKED = 1u << 0,     /* ", locked to thread" */
    GM_G_LEAKED = 1u << 1,     /* the runtime's goroutineleak profile marked it "(leaked)" */
    GM_G_SCAN = 1u << 2,       /* " (scan)": being scanned by the GC */
    GM_G_ELIDED = 1u << 3,     /* frames were elided by the runtime */
    GM_G_CUT = 1u << 4,        /* frames beyond limits.max_frames were dropped by us */
    GM_G_NO_STACK = 1u << 5,   /* "goroutine running on other thread; stack unavailable" */
    GM_G_ANCESTORS = 1u << 6,  /* [originating from goroutine N] blocks followed */
    GM_G_TRUNCATED = 1u << 7,  /* the input ended inside this goroutine */
    GM_G_DURABLE = 1u << 8,    /* synctest "(durable)" wait */
    GM_G_FIRST = 1u << 9,      /* first goroutine of its dump (the panicking/calling one) */
    GM_G_OBJ_ARGS = 1u << 10,  /* wait_obj is a fingerprint of the innermost user frame's
                                  arguments, not an address (runtime frames were hidden) */
    GM_G_RECORD = 1u << 11,    /* a debug=1 (or profile) record: u.rec, not u.id */
    GM_G_BUBBLE = 1u << 12,    /* ", synctest bubble N" (Go 1.25+) */
    GM_G_PROVEN = 1u << 13,    /* the runtime proved it can never run again: "(leaked)", a
                                  record of a goroutineleak profile, or blocked in a dump the
                                  runtime printed for a deadlock (struct gm_dump.proof) */
    GM_G_OBJ_DOUBT = 1u << 14, /* GM_G_OBJ_ARGS from arguments with values Go marks '?' ("may
                                  be inaccurate"): not evidence of distinct objects */
};

/* One goroutine, or one debug=1 record standing for several. 40 bytes: a million goroutines
 * cost 40 MB, so the id of a goroutine and the weight and labels of a record (which has no id)
 * share their 8 bytes; read them with gm_g_id(), gm_g_weight(), gm_g_labels(). */
struct gm_goroutine {
    union {
        uint64_t id; /* goid (not GM_G_RECORD) */
        struct {
            uint32_t weight;    /* goroutines the record stands for */
            uint32_t labels_id; /* interned "# labels: {...}" text, or 0 */
        } rec;                  /* GM_G_RECORD */
    } u;
    uint64_t args_hash; /* hash of the argument values (by the parse's similarity), or 0 */
    uint64_t wait_obj;  /* address of the channel/mutex it waits on, from the args; else a
                           fingerprint of the innermost user frame's arguments; or 0 */
    uint32_t stack_id;  /* interned stack (frames + creator) */
    uint32_t state_id;  /* interned wait state without "(leaked)"/"(scan)", e.g. "chan send" */
    uint32_t minutes;   /* ", N minutes" or 0 */
    uint32_t flags;     /* enum gm_goroutine_flags */
};

/* The goid, or 0 for a debug=1 record. */
static inline uint64_t gm_g_id(const struct gm_goroutine *g)
{
    return (g->flags & GM_G_RECORD) ? 0 : g->u.id;
}

/* Goroutines it stands for: 1, or a debug=1 record's count. */
static inline uint32_t gm_g_weight(const struct gm_goroutine *g)
{
    return (g->flags & GM_G_RECORD) ? g->u.rec.weight : 1;
}

/* Interned "# labels: {...}" text of a debug=1 record, or 0. */
static inline uint32_t gm_g_labels(const struct gm_goroutine *g)
{
    return (g->flags & GM_G_RECORD) ? g->u.rec.labels_id : 0;
}

/* Locks a goroutine that waits on a sync.Mutex/RWMutex may hold: pointer arguments (not marked
 * '?') of the user frames below the Lock call. Used to infer lock-order deadlocks. */
#define GM_LOCK_HELD_MAX 6
struct gm_lockwait {
    uint32_t g;                      /* goroutine index in the set */
    uint32_t nr;                     /* candidates in held */
    uint64_t held[GM_LOCK_HELD_MAX]; /* candidate addresses (a struct that contains a lock) */
};

/* A request replaced on its way down an HTTP handler chain: in one goroutine's stack, the frame
 * `changer` received one *http.Request (the last argument after a ResponseWriter interface)
 * and the handler frame `callee` above it another: changer called it with r.WithContext(...)
 * or a copy (middleware). The evidence for "the middleware replaced the request context". */
#define GM_REQ_SWAPS_MAX 64
#define GM_HANDLERS_MAX  256
struct gm_req_swap {
    uint32_t changer; /* frame id of the user function that passed a new request */
    uint32_t callee;  /* frame id of the handler that received it */
    uint64_t live;    /* goroutines whose stack showed the pair: requests in flight */
};

/* A user function seen serving an HTTP request, and in how many goroutines it was (requests
 * in flight, over all dumps). */
struct gm_handler {
    uint32_t func_id; /* interned name */
    uint64_t live;    /* goroutines whose stack has it */
};

/* What the runtime itself proved about the blocked goroutines of a dump. */
enum gm_dump_proof {
    GM_PROOF_NONE = 0,
    GM_PROOF_LEAKED = 1,   /* goroutines tagged "(leaked)" by a goroutineleak GC (Go 1.26+) */
    GM_PROOF_LEAKPROF = 2, /* a goroutineleak profile (debug=0/1): every record leaked */
    GM_PROOF_DEADLOCK = 3, /* "fatal error: all goroutines are asleep - deadlock!" */
    GM_PROOF_BUBBLE = 4,   /* synctest "panic: deadlock: ..." : the bubble's goroutines */
};

enum gm_dump_kind {
    GM_DUMP_FULL = 1,       /* goroutine N [state]: blocks */
    GM_DUMP_AGGREGATED = 2, /* debug=1 "goroutine profile: total N" */
};

struct gm_dump {
    enum gm_dump_kind kind;
    uint32_t first;           /* index of its first goroutine in the set */
    uint32_t nr;              /* number of goroutine records */
    uint64_t goroutines;      /* goroutines (sum of weights) */
    uint64_t total_declared;  /* "total N" of a debug=1 header, else 0 */
    uint64_t line_first;      /* line of the first header */
    uint64_t line_last;       /* last line that belonged to it */
    uint32_t preamble_id;     /* interned "panic: ..."/"fatal error: ..."/"SIGQUIT: quit", or 0 */
    uint32_t detail_id;       /* interned line that tells more about a crash: "[signal SIGSEGV:
                                 ... addr=0x8 pc=...]", "unexpected fault address 0x...",
                                 "runtime: goroutine stack exceeds ...", "signal arrived during
                                 cgo execution"; or 0 */
    const char *dress;        /* how its lines were dressed and undressed (gm_paste_name():
                                 "CRI log prefixes", ...), static text, or NULL */
    int recovered;            /* the panic line ends in " [recovered]" (" [recovered,
                                 repanicked]", Go 1.25+): recovered, then panicked again */
    int64_t time;             /* unix seconds from a log timestamp before it, or -1 */
    int truncated;            /* the input ended inside the dump */
    int from_profile;         /* converted from a debug=0 goroutine profile (states inferred) */
    enum gm_dump_proof proof; /* GM_G_PROVEN goroutines are proven by this */
    uint64_t trunc_off;       /* byte offset where it ended */
};

enum gm_similarity {
    GM_SIM_EXACT = 0,      /* argument values must be equal */
    GM_SIM_POINTER = 1,    /* pointer-looking values (>= 1 MiB) may differ */
    GM_SIM_AGGRESSIVE = 2, /* argument values are ignored */
};

/* The goroutine records of all parsed dumps live in fixed-size blocks (never moved). */
#define GM_G_BLOCK_SHIFT 16
#define GM_G_BLOCK       (1u << GM_G_BLOCK_SHIFT)

struct gm_gdump_set {
    struct gm_stacks stacks; /* interned frames, stacks, states, labels */
    struct gm_goroutine **blocks;
    uint32_t blocks_nr, blocks_alloc;
    uint32_t g_nr; /* goroutine records in all dumps */
    struct gm_dump *dumps;
    uint32_t dumps_nr, dumps_alloc;
    struct gm_lockwait *locks; /* mutex waiters with held-lock candidates, in goroutine order */
    uint32_t locks_nr, locks_alloc;
    struct gm_handler *handlers; /* user functions seen serving an HTTP request: in a stack
                                    under net/http.(*conn).serve, or with a (ResponseWriter,
                                    *Request) argument shape; distinct, at most
                                    GM_HANDLERS_MAX */
    uint32_t handlers_nr, handlers_alloc;
    struct gm_req_swap *req_swaps; /* distinct (changer, callee) pairs, at most
                                      GM_REQ_SWAPS_MAX, over all dumps */
    uint32_t req_swaps_nr, req_swaps_alloc;
    struct gm_limits limits;
    enum gm_similarity similarity;
    uint64_t input_bytes;   /* bytes parsed over all inputs (after decompression) */
    uint64_t lines;         /* lines read over all inputs */
    uint64_t skipped_lines; /* non-dump lines (logs, registers, ...) */
    uint64_t ancestors;     /* [originating from goroutine N] blocks skipped */
    uint64_t no_file;       /* frames whose '\tFILE:LINE' line was missing (kept, no location) */
    uint64_t no_file_line;  /* in the last input that had one: the line after the first */
};

static inline struct gm_goroutine *gm_gdump_g(const struct gm_gdump_set *set, uint32_t i)
{
    return &set->blocks[i >> GM_G_BLOCK_SHIFT][i & (GM_G_BLOCK - 1)];
}

/* lim may be NULL for defaults. */
int gm_gdump_set_init(struct gm_gdump_set *set, const struct gm_limits *lim,
                      enum gm_similarity sim);
void gm_gdump_set_release(struct gm_gdump_set *set);

/* The wait-state string of a goroutine ("" for debug=1 records). */
static inline const char *gm_gdump_state(const struct gm_gdump_set *set,
                                         const struct gm_goroutine *g)
{
    return gm_strtab_cstr(&set->stacks.strs, g->state_id);
}

/* ---- building: what the parser does, for tests and producers that are not text ---- */

/* Appends a dump of kind to the set (its goroutines follow); returns its index or an error. */
int gm_dumps_begin(struct gm_gdump_set *set, enum gm_dump_kind kind);
/* Appends a goroutine record to the last dump (gm_dumps_begin first); g->stack_id and
 * g->state_id must be interned in set->stacks. */
int gm_dumps_push_slow(struct gm_gdump_set *set, const struct gm_goroutine *g);
static inline int gm_dumps_push(struct gm_gdump_set *set, const struct gm_goroutine *g)
{
    uint32_t i = set->g_nr; /* inline while the last block has room: once per goroutine */
    if ((i & (GM_G_BLOCK - 1)) == 0 || i == UINT32_MAX) {
        return gm_dumps_push_slow(set, g);
    }
    *gm_gdump_g(set, i) = *g;
    set->g_nr = i + 1;
    return 0;
}

/* One goroutine described in plain strings: frames innermost first. */
struct gm_build_g {
    uint64_t id;
    const char *state; /* "chan receive" */
    uint32_t minutes;
    uint32_t flags; /* enum gm_goroutine_flags */
    uint64_t wait_obj;
    uint32_t frames_nr;
    const char *const *funcs; /* "main.(*Pool).worker" */
    const char *const *files; /* "/src/app/pool.go" */
    const uint32_t *lines;
    const char *created_by; /* "main.main", or NULL */
};
/* Interns its frames, stack and state and appends it to the last dump. */
int gm_dumps_add(struct gm_gdump_set *set, const struct gm_build_g *b);

#endif
