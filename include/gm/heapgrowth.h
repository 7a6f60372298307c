/*
 * gm/heapgrowth.h - heap growth over a time series of heap profiles (gomedic heap).
 *
 * Profiles are ordered by time_nanos (argument order when absent). An allocation site is a
 * stack (function names and lines, leaf first); each site gets its inuse_space and
 * inuse_objects series, a least-squares slope with R^2, the changepoint where growth began
 * (gm_changepoint: two-segment fit, flat then linear, the split minimising the squared
 * error), and a verdict:
 *   unbounded - the rising segment fits a line (R^2 >= 0.8), rises in at least 70% of its
 *               steps (50% when R^2 >= 0.9), still rises in its last third, and grew by
 *               >= 20% of its peak;
 *   step      - grew early, then stayed flat (warm-up: caches filling, pools sizing), or
 *               jumped in the last third (too late to judge, not flat);
 *   sawtooth  - dropped by 30% or more at least twice (batches released, GC of buffers);
 *   flat      - anything else (including sites too small to matter: peak < 64 KiB).
 * Sites are rolled up per function (first frame outside runtime and standard library) and per
 * allocating library function (the leaf: bytes.growSlice, runtime.mapassign, ...). Findings
 * (gm_heap_finding), each with the growth per hour extrapolated from the slope and a hint:
 *   function  - a function with an unbounded site, or whose sites only grow together: its
 *               unbounded sites are one finding (the rows of one structure: a cache's entries,
 *               keys and values);
 *   allocator - an allocating library function whose sum over its callers is unbounded while
 *               the function findings explain less than half its growth: the growth moves
 *               between call sites (pooled buffers regrown by whichever caller has them);
 *   total     - the total is unbounded and the findings above explain less than half its
 *               growth: the rise is spread over sites none of which grows alone.
 * Hints come from the frames (slices, maps, buffers, builders, bufio, sync.Pool, goroutine
 * stacks) or the size of the objects kept (large objects: sub-slices pin whole arrays).
 */
#ifndef GM_HEAPGROWTH_H
#define GM_HEAPGROWTH_H

#include "gm/findings.h"
#include "gm/pprof.h"

enum gm_heap_verdict {
    GM_HEAP_FLAT = 0,
    GM_HEAP_SAWTOOTH = 1,
    GM_HEAP_STEP = 2,
    GM_HEAP_UNBOUNDED = 3,
};

const char *gm_heap_verdict_name(enum gm_heap_verdict v);

#define GM_HEAP_FRAMES 12

struct gm_heap_site {
    uint32_t key_off, key_len;       /* the site key: (name id, line) pairs in a private pool */
    size_t series_off;               /* its series in the result pool */
    uint32_t frames[GM_HEAP_FRAMES]; /* interned function names, leaf first */
    uint32_t frames_nr, depth;
    uint32_t func_id;        /* first user frame's function (or the leaf) */
    uint32_t alloc_id;       /* leaf frame's function */
    uint32_t line;           /* leaf frame's line (0: unknown) */
    double *space, *objects; /* per profile */
    double slope;            /* bytes per second over the rising segment (or all) */
    double r2;
    double growth;   /* last - first, bytes */
    double per_hour; /* slope * 3600 */
    uint32_t change; /* profile index where growth began (0 = from the start) */
    enum gm_heap_verdict verdict;
    const char *hint;  /* static text or NULL */
    uint32_t func_ix;  /* its function's index in funcs */
    uint32_t alloc_ix; /* its allocator's index in allocs, or UINT32_MAX (allocates in user code) */
};

/* The heap-growth finding a site makes: its severity by growth per hour (>= 1 GB critical,
 * >= 100 MB high, >= 10 MB medium, else low), or -1 when its verdict is not unbounded (no
 * finding). */
int gm_heap_site_severity(const struct gm_heap_site *s);
/* The severity of a growth rate (bytes per hour, either sign), by the thresholds above. */
enum gm_severity gm_heap_severity(double per_hour);

struct gm_heap_func {
    uint32_t func_id;
    double *space; /* per profile, summed over its sites */
    double slope, r2;
    uint32_t change;
    enum gm_heap_verdict verdict;
};

enum gm_heap_scope {
    GM_HEAP_SCOPE_FUNC = 0,  /* the sites of one function */
    GM_HEAP_SCOPE_ALLOC = 1, /* one allocating library function across its callers */
    GM_HEAP_SCOPE_TOTAL = 2, /* the total, which nothing above explains */
};

const char *gm_heap_scope_name(enum gm_heap_scope s); /* "function", "allocator", "total" */

struct gm_heap_finding {
    enum gm_heap_scope scope;
    enum gm_severity severity;
    uint32_t func_id;    /* the function (FUNC), the allocator (ALLOC), UINT32_MAX (TOTAL) */
    uint32_t alloc_id;   /* FUNC: its top site's allocating function, else as func_id */
    uint32_t sites_nr;   /* FUNC: its unbounded sites (0: only their sum grows); ALLOC: calling
                            functions; TOTAL: sites that grew */
    const double *space; /* the series judged: the top site's, the function's, ... the total */
    double slope, r2, per_hour, growth; /* growth: last - first of space */
    uint32_t change;
    char hint[240];
};

struct gm_heap_result {
    struct gm_strtab names;
    uint32_t profiles;
    uint32_t *order; /* profile index (as given) per position in time */
    double *t;       /* seconds since the first profile */
    double *total;   /* inuse_space total per profile */
    int timed;
    struct gm_heap_site *sites; /* sorted: unbounded first, then by last inuse */
    uint32_t sites_nr;
    struct gm_heap_func *funcs;
    uint32_t funcs_nr;
    struct gm_heap_func *allocs; /* per allocating library function (func_id = the allocator) */
    uint32_t allocs_nr;
    struct gm_heap_finding *findings; /* by growth per second, steepest first */
    uint32_t findings_nr;
    double *pool; /* backing store of the series */
    double total_slope, total_r2;
    uint32_t total_change;
    enum gm_heap_verdict total_verdict;
};

/* Streaming analysis, so a long series never needs all its profiles in memory at once:
 *   b = gm_heap_begin(n); gm_heap_add(b, p) for each of the n profiles (any order; p may be
 *   released right after); gm_heap_finish(b, &res).
 * gm_heap_begin returns NULL when out of memory or n == 0. gm_heap_add errors: GM_EINVAL (not
 * a heap profile: no inuse_space; or more than n profiles), GM_ENOMEM, GM_ETOOBIG. After an
 * error, call gm_heap_abort(b). gm_heap_finish always consumes b (GM_EINVAL if fewer than n
 * profiles were added). */
struct gm_heap_builder;
struct gm_heap_builder *gm_heap_begin(uint32_t n);
int gm_heap_add(struct gm_heap_builder *b, const struct gm_profile *p);
int gm_heap_finish(struct gm_heap_builder *b, struct gm_heap_result *out);
void gm_heap_abort(struct gm_heap_builder *b);

/* The same in one call for n loaded profiles (any order). Errors: as above. */
int gm_heap_analyze(const struct gm_profile *profs, uint32_t n, struct gm_heap_result *out);
void gm_heap_release(struct gm_heap_result *r);

/* The verdict of one series (times in seconds); also returns the fit. scratch holds
 * GM_CHANGEPOINT_SCRATCH(n) doubles (gm/gcpressure.h). Exposed for tests. */
enum gm_heap_verdict gm_heap_classify(const double *t, const double *y, uint32_t n, double *slope,
                                      double *r2, uint32_t *change, double *scratch);

#endif
