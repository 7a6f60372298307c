/*
 * Execution-trace analysis: one visitor over gm_trace_read()'s events keeps a state machine
 * per goroutine (the time in each state goes to that goroutine's accumulators), then folds
 * the goroutines into groups by start function and derives the findings. See gm/tracesum.h.
 */
#include "gm/tracesum.h"
#include "gm/alloc.h"
#include "gm/hashtab.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define ST_DEAD    5
#define NO_TIME    UINT64_MAX
#define NO_GROUP   UINT32_MAX
#define MAX_GROUPS 4096

static const char *const twait_names[GM_TW_NR] = {
    "chan send", "chan receive", "select",  "sync.Mutex", "sync.RWMutex", "sync.WaitGroup",
    "sync.Cond", "sync",         "network", "sleep",      "GC",           "forever",
    "runtime",   "other",
};
static const char *const twait_keys[GM_TW_NR] = {
    "chan_send", "chan_recv", "select", "mutex", "rwmutex", "waitgroup", "cond",
    "sync",      "network",   "sleep",  "gc",    "forever", "runtime",   "other",
};

const char *gm_twait_name(enum gm_twait w)
{
    return (unsigned)w < GM_TW_NR ? twait_names[w] : "other";
}
const char *gm_twait_key(enum gm_twait w)
{
    return (unsigned)w < GM_TW_NR ? twait_keys[w] : "other";
}

/* ---- latency histogram ---------------------------------------------------------------- */

static uint32_t lat_bucket(uint64_t v)
{
    if (v < 16) {
        return (uint32_t)v;
    }
    unsigned e = 63u - (unsigned)__builtin_clzll(v); /* >= 4 */
    unsigned sub = (unsigned)(v >> (e - 3)) & 7u;
    return 16u + (e - 4u) * 8u + sub;
}

static uint64_t lat_mid(uint32_t idx)
{
    if (idx < 16) {
        return idx;
    }
    unsigned e = (idx - 16) / 8 + 4, sub = (idx - 16) % 8;
    uint64_t lo = (uint64_t)(8 + sub) << (e - 3), hi = (uint64_t)(9 + sub) << (e - 3);
    return lo + (hi - lo) / 2;
}

static void lat_add(struct gm_tlat *l, uint64_t v)
{
    l->b[lat_bucket(v)]++;
    l->n++;
    l->sum += v;
    if (v > l->max) {
        l->max = v;
    }
}

uint64_t gm_tlat_quantile(const struct gm_tlat *l, double q)
{
    if (l->n == 0) {
        return 0;
    }
    uint64_t rank = (uint64_t)(q * (double)(l->n - 1)) + 1, seen = 0;
    for (uint32_t i = 0; i < GM_TLAT_BUCKETS; i++) {
        seen += l->b[i];
        if (seen >= rank) {
            uint64_t v = lat_mid(i);
            return v > l->max ? l->max : v;
        }
    }
    return l->max;
}

/* ---- the visitor ---------------------------------------------------------------------- */

struct gacc { /* per goroutine, folded into its group at the end */
    uint64_t run, runnable, sys, block[GM_TW_NR];
    uint64_t lat_n, lat_sum, lat_max; /* samples taken before its group was known */
    uint64_t syscalls;
    uint64_t assist_since;
    uint8_t assisting;
};

struct an {
    struct gm_trace_result *r;
    struct gacc *acc;
    uint32_t acc_alloc;
    uint8_t *wcache; /* per stack id: enum gm_twait + 1 of a sync wait's stack, 0 unknown */
    uint32_t wcache_alloc;
    struct gm_u64map groupmap; /* start function string id -> group */
    uint32_t *free;            /* slots of ended goroutines, to reuse */
    uint32_t free_nr, free_alloc;
    uint32_t *ccache; /* per creation stack: creator_frame(), UINT32_MAX - 1 unknown */
    uint32_t ccache_alloc;
    uint64_t last_id; /* the goroutine of the last lookup, and its slot */
    uint32_t last_slot;
    uint32_t last_start_stack, last_start_group; /* the last start stack grouped, its group */
    uint32_t pdirect[256];                       /* P id (< 256) -> index in psince + 1 */
    uint64_t gc_id[256]; /* recent goroutines: id -> slot, direct-mapped on the id's low bits */
    uint32_t gc_slot[256];
    struct gm_u64map pmap; /* P -> index in psince */
    uint64_t *psince;
    uint32_t psince_nr, psince_alloc;
    int gc_on, stw_on;
    uint64_t gc_since, stw_since;
    uint32_t stw_kind;
    uint64_t end;
    /* the second pass of gm_trace_timeline */
    struct gm_ttimeline *tl;
    const struct gm_trace_result *prior;
    int32_t *tlrow; /* this pass's group -> timeline row (-1 none, -2 not looked up) */
    uint32_t tlrow_alloc;
    const uint64_t *keep; /* sorted ids whose records stay when they end */
    size_t keep_nr;
};

static int kept(const struct an *a, uint64_t id)
{
    size_t lo = 0, hi = a->keep_nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->keep[mid] == id) {
            return 1;
        }
        if (a->keep[mid] < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return 0;
}

/* Adds [t0, t1) with weight to a row of columns. */
static void bin(const struct gm_ttimeline *tl, float *row, uint64_t t0, uint64_t t1)
{
    if (t1 <= t0 || !tl->col_ns) {
        return;
    }
    uint64_t w = tl->col_ns, c0 = t0 / w, c1 = (t1 - 1) / w;
    if (c0 >= tl->cols) {
        return;
    }
    if (c1 >= tl->cols) {
        c1 = tl->cols - 1;
    }
    for (uint64_t c = c0; c <= c1; c++) {
        uint64_t lo = t0 > c * w ? t0 : c * w, hi = t1 < (c + 1) * w ? t1 : (c + 1) * w;
        if (hi > lo) {
            row[c] += (float)((double)(hi - lo) / (double)w);
        }
    }
}

static struct gm_str fname(const struct gm_stacks *s, uint32_t frame)
{
    return gm_strtab_get(&s->strs, s->frames[frame].func_id);
}

static int has_prefix(struct gm_str s, const char *lit)
{
    return gm_str_has_prefix(s, lit);
}

/* What a stack waits on, from its frames (status events carry no reason). */
static enum gm_twait wait_of_stack(const struct gm_stacks *s, uint32_t stack, enum gm_tblock b)
{
    if (stack == GM_TRACE_NO_STACK) {
        return GM_TW_OTHER;
    }
    const struct gm_stack *st = gm_stacks_get(s, stack);
    const uint32_t *fr = gm_stack_frames(s, st);
    for (uint32_t i = 0; i < st->nr; i++) {
        struct gm_str f = fname(s, fr[i]);
        if (has_prefix(f, "sync.(*WaitGroup).Wait")) {
            return GM_TW_WAITGROUP;
        }
        if (has_prefix(f, "sync.(*RWMutex)")) {
            return GM_TW_RWMUTEX;
        }
        if (has_prefix(f, "sync.(*Mutex)") || has_prefix(f, "internal/sync.(*Mutex)")) {
            return GM_TW_MUTEX;
        }
        if (has_prefix(f, "sync.(*Cond).Wait")) {
            return GM_TW_COND;
        }
        if (b != GM_TB_OTHER) {
            continue; /* only sync waits are refined */
        }
        if (gm_str_eq(f, "runtime.chansend") || gm_str_eq(f, "runtime.chansend1")) {
            return GM_TW_CHAN_SEND;
        }
        if (gm_str_eq(f, "runtime.chanrecv") || gm_str_eq(f, "runtime.chanrecv1") ||
            gm_str_eq(f, "runtime.chanrecv2")) {
            return GM_TW_CHAN_RECV;
        }
        if (gm_str_eq(f, "runtime.selectgo")) {
            return GM_TW_SELECT;
        }
        if (gm_str_eq(f, "runtime.block")) {
            return GM_TW_FOREVER;
        }
        if (gm_str_eq(f, "time.Sleep")) {
            return GM_TW_SLEEP;
        }
        if (has_prefix(f, "internal/poll.")) {
            return GM_TW_NETWORK;
        }
    }
    return b == GM_TB_SYNC ? GM_TW_SYNC : GM_TW_OTHER;
}

static enum gm_twait refine(struct an *a, enum gm_tblock b, uint32_t stack)
{
    switch (b) {
    case GM_TB_CHAN_SEND:
        return GM_TW_CHAN_SEND;
    case GM_TB_CHAN_RECV:
        return GM_TW_CHAN_RECV;
    case GM_TB_SELECT:
        return GM_TW_SELECT;
    case GM_TB_COND:
        return GM_TW_COND;
    case GM_TB_NETWORK:
        return GM_TW_NETWORK;
    case GM_TB_SLEEP:
        return GM_TW_SLEEP;
    case GM_TB_GC:
        return GM_TW_GC;
    case GM_TB_FOREVER:
        return GM_TW_FOREVER;
    case GM_TB_SYSTEM:
        return GM_TW_RUNTIME;
    case GM_TB_SYNC:
    case GM_TB_OTHER:
    default:
        break;
    }
    if (stack == GM_TRACE_NO_STACK) {
        return b == GM_TB_SYNC ? GM_TW_SYNC : GM_TW_OTHER;
    }
    if (stack < a->wcache_alloc && a->wcache[stack] && b == GM_TB_SYNC) {
        return (enum gm_twait)(a->wcache[stack] - 1);
    }
    enum gm_twait w = wait_of_stack(&a->r->stacks, stack, b);
    if (b == GM_TB_SYNC) {
        uint32_t had = a->wcache_alloc;
        if (GM_RESERVE(a->wcache, a->wcache_alloc, (uint64_t)stack + 1) == 0) {
            memset(a->wcache + had, 0, a->wcache_alloc - had);
            a->wcache[stack] = (uint8_t)(w + 1);
        }
    }
    return w;
}

/* The start function's frame of a stack: its outermost frame that is not runtime.goexit. */
static uint32_t outer_frame(const struct gm_stacks *s, uint32_t stack, int first)
{
    if (stack == GM_TRACE_NO_STACK) {
        return GM_NO_FRAME;
    }
    const struct gm_stack *st = gm_stacks_get(s, stack);
    const uint32_t *fr = gm_stack_frames(s, st);
    if (st->nr == 0) {
        return GM_NO_FRAME;
    }
    if (first) {
        return fr[0];
    }
    for (uint32_t i = st->nr; i-- > 0;) {
        if (!gm_str_eq(fname(s, fr[i]), "runtime.goexit")) {
            return fr[i];
        }
    }
    return GM_NO_FRAME;
}

static int is_runtime_start(struct gm_str f)
{
    return (has_prefix(f, "runtime.") && !gm_str_eq(f, "runtime.main")) ||
           has_prefix(f, "runtime/trace.");
}

/* The group of a goroutine, made when its start function is first known. */
static uint32_t group_of(struct an *a, struct gm_tgor *g, int force)
{
    if (g->group != NO_GROUP) {
        return g->group;
    }
    struct gm_trace_result *r = a->r;
    if (g->start_stack != GM_TRACE_NO_STACK && g->start_stack == a->last_start_stack) {
        g->group = a->last_start_group; /* goroutines are made in runs of one kind */
        return g->group;
    }
    uint32_t fr = outer_frame(&r->stacks, g->start_stack, 1);
    if (fr == GM_NO_FRAME) {
        fr = outer_frame(&r->stacks, g->block_stack, 0);
    }
    if (fr == GM_NO_FRAME && !force) {
        return NO_GROUP;
    }
    uint64_t key = fr == GM_NO_FRAME ? UINT64_MAX : r->stacks.frames[fr].func_id;
    uint32_t gi = gm_u64map_get(&a->groupmap, key);
    if (gi == GM_HTAB_END) {
        if (r->groups_nr >= MAX_GROUPS) {
            key = UINT64_MAX; /* the rest share the unknown group */
            gi = gm_u64map_get(&a->groupmap, key);
            fr = GM_NO_FRAME;
        }
    }
    if (gi == GM_HTAB_END) {
        if (GM_RESERVE(r->groups, r->groups_alloc, r->groups_nr + 1) < 0 ||
            gm_u64map_put(&a->groupmap, key, r->groups_nr) < 0) {
            return NO_GROUP;
        }
        gi = r->groups_nr++;
        struct gm_tgroup *gr = &r->groups[gi];
        memset(gr, 0, sizeof(*gr));
        gr->start_frame = fr;
        gr->creator_frame = GM_NO_FRAME;
        gr->runtime = fr != GM_NO_FRAME && is_runtime_start(fname(&r->stacks, fr));
        gr->first_created = NO_TIME;
        for (int w = 0; w < GM_TW_NR; w++) {
            gr->max_block_stack[w] = GM_TRACE_NO_STACK;
            gr->waiting_stack[w] = GM_TRACE_NO_STACK;
            gr->waiting_since[w] = NO_TIME;
        }
    }
    g->group = gi;
    if (g->start_stack != GM_TRACE_NO_STACK && fr != GM_NO_FRAME &&
        fr == outer_frame(&r->stacks, g->start_stack, 1)) {
        a->last_start_stack = g->start_stack;
        a->last_start_group = gi;
    }
    return gi;
}

/* ---- goroutine id -> slot: linear probing, backward-shift deletion ---------------------- */

static uint32_t gid_hash(uint64_t id, uint32_t mask)
{
    id ^= id >> 33;
    id *= 0xff51afd7ed558ccdull;
    id ^= id >> 33;
    return (uint32_t)id & mask;
}

static uint32_t gid_get(const struct gm_gidmap *m, uint64_t id)
{
    if (!m->cap) {
        return GM_HTAB_END;
    }
    uint32_t mask = m->cap - 1;
    for (uint32_t i = gid_hash(id, mask);; i = (i + 1) & mask) {
        if (m->keys[i] == id) {
            return m->vals[i];
        }
        if (m->keys[i] == 0) {
            return GM_HTAB_END;
        }
    }
}

static int gid_put(struct gm_gidmap *m, uint64_t id, uint32_t val)
{
    if ((m->nr + 1) * 2 > m->cap) {
        uint32_t ncap = m->cap ? m->cap * 2 : 64;
        if (ncap < m->cap) {
            return GM_ETOOBIG;
        }
        uint64_t *k = gm_xcalloc(ncap, sizeof(uint64_t));
        uint32_t *v = gm_xmalloc(sizeof(uint32_t) * ncap);
        if (!k || !v) {
            free(k);
            free(v);
            return GM_ENOMEM;
        }
        for (uint32_t i = 0; i < m->cap; i++) {
            if (m->keys[i]) {
                uint32_t j = gid_hash(m->keys[i], ncap - 1);
                while (k[j]) {
                    j = (j + 1) & (ncap - 1);
                }
                k[j] = m->keys[i];
                v[j] = m->vals[i];
            }
        }
        free(m->keys);
        free(m->vals);
        m->keys = k;
        m->vals = v;
        m->cap = ncap;
    }
    uint32_t mask = m->cap - 1, i = gid_hash(id, mask);
    while (m->keys[i] && m->keys[i] != id) {
        i = (i + 1) & mask;
    }
    m->nr += m->keys[i] == 0;
    m->keys[i] = id;
    m->vals[i] = val;
    return 0;
}

static void gid_del(struct gm_gidmap *m, uint64_t id)
{
    if (!m->cap) {
        return;
    }
    uint32_t mask = m->cap - 1, i = gid_hash(id, mask);
    while (m->keys[i] != id) {
        if (m->keys[i] == 0) {
            return;
        }
        i = (i + 1) & mask;
    }
    /* backward shift: move later members of the run into the hole when they may live there */
    for (uint32_t j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
        uint32_t home = gid_hash(m->keys[j], mask);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->keys[i] = 0;
    m->nr--;
}

static void gid_release(struct gm_gidmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

static struct gm_tgor *gor(struct an *a, uint64_t id, uint64_t ts, uint32_t *idx)
{
    struct gm_trace_result *r = a->r;
    uint32_t h = (uint32_t)id & 255;
    if (a->gc_id[h] == id) {
        *idx = a->gc_slot[h];
        return &r->gs[*idx];
    }
    uint32_t i = gid_get(&r->gmap, id);
    if (i == GM_HTAB_END) {
        if (a->free_nr) {
            i = a->free[--a->free_nr];
        } else {
            if (GM_RESERVE(r->gs, r->gs_alloc, r->gs_nr + 1) < 0 ||
                GM_RESERVE(a->acc, a->acc_alloc, r->gs_nr + 1) < 0) {
                return NULL;
            }
            i = r->gs_nr++;
        }
        if (gid_put(&r->gmap, id, i) < 0) {
            r->gs[i].id = 0;
            if (a->free_nr < a->free_alloc ||
                GM_RESERVE(a->free, a->free_alloc, a->free_nr + 1) == 0) {
                a->free[a->free_nr++] = i;
            }
            return NULL;
        }
        struct gm_tgor *g = &r->gs[i];
        memset(g, 0, sizeof(*g));
        memset(&a->acc[i], 0, sizeof(a->acc[i]));
        g->id = id;
        g->created_ns = g->ended_ns = g->last_run_ns = NO_TIME;
        g->since_ns = ts;
        g->create_stack = g->start_stack = g->block_stack = GM_TRACE_NO_STACK;
        g->group = NO_GROUP;
        g->wait = GM_TW_OTHER;
        r->goroutines++;
    }
    *idx = i;
    a->gc_id[h] = id;
    a->gc_slot[h] = i;
    return &r->gs[i];
}

/* ts - t0, or 0 when the clocks of two CPUs disagree (or the input lies) */
static uint64_t span(uint64_t ts, uint64_t t0)
{
    return ts > t0 ? ts - t0 : 0;
}

/* Time from since to ts goes to the state the goroutine leaves. */
/* The timeline row of this pass's group gi: the first pass's group of the same start
 * function, if it has a row (-1: none); found once per group. */
static int32_t tl_row(struct an *a, uint32_t gi)
{
    if (gi >= a->tlrow_alloc) {
        uint32_t had = a->tlrow_alloc;
        if (GM_RESERVE(a->tlrow, a->tlrow_alloc, (uint64_t)gi + 1) < 0) {
            return -1;
        }
        for (uint32_t k = had; k < a->tlrow_alloc; k++) {
            a->tlrow[k] = -2; /* not looked up yet */
        }
    }
    if (a->tlrow[gi] == -2) {
        const char *name = gm_tgroup_name(a->r, &a->r->groups[gi]);
        a->tlrow[gi] = -1;
        for (uint32_t k = 0; k < a->tl->rows; k++) {
            if (!strcmp(name, gm_tgroup_name(a->prior, &a->prior->groups[a->tl->group[k]]))) {
                a->tlrow[gi] = (int32_t)k;
                break;
            }
        }
    }
    return a->tlrow[gi];
}

static void tl_account(struct an *a, const struct gm_tgor *g, uint64_t ts)
{
    if (g->group == NO_GROUP) {
        return; /* its start function is not known yet */
    }
    int32_t row = tl_row(a, g->group);
    if (row < 0) {
        return;
    }
    int st = g->state == GM_TS_RUNNING    ? GM_TL_RUNNING
             : g->state == GM_TS_RUNNABLE ? GM_TL_RUNNABLE
             : g->state == GM_TS_SYSCALL  ? GM_TL_SYSCALL
             : g->state == GM_TS_WAITING  ? GM_TL_WAITING
                                          : -1;
    if (st < 0) {
        return;
    }
    float *dst = a->tl->occ + ((size_t)row * GM_TL_STATES + (size_t)st) * a->tl->cols;
    bin(a->tl, dst, g->since_ns, ts);
}

static void account(struct an *a, uint32_t i, uint64_t ts)
{
    struct gm_tgor *g = &a->r->gs[i];
    struct gacc *c = &a->acc[i];
    uint64_t d = ts > g->since_ns ? ts - g->since_ns : 0;
    if (a->tl) {
        tl_account(a, g, ts);
    }
    switch (g->state) {
    case GM_TS_RUNNING:
        c->run += d;
        if (c->assisting) { /* an assist's time is the time it runs (it may wait for credit) */
            a->r->assist_ns +=
                span(ts, c->assist_since > g->since_ns ? c->assist_since : g->since_ns);
        }
        break;
    case GM_TS_RUNNABLE:
        c->runnable += d;
        break;
    case GM_TS_SYSCALL:
        c->sys += d;
        break;
    case GM_TS_WAITING:
        c->block[g->wait] += d;
        break;
    default:
        break;
    }
}

static void go_to(struct an *a, uint32_t i, unsigned state, uint64_t ts)
{
    struct gm_tgor *g = &a->r->gs[i];
    if (g->state != 0) {
        account(a, i, ts);
    }
    g->state = (uint8_t)state;
    g->since_ns = ts;
}

static int retire(struct an *a, uint32_t i);

/* The index in psince of a P, GM_HTAB_END when new. */
static uint32_t p_index(const struct an *a, uint64_t p)
{
    if (p < GM_ARRAY_NR(a->pdirect)) {
        return a->pdirect[p] ? a->pdirect[p] - 1 : GM_HTAB_END;
    }
    return gm_u64map_get(&a->pmap, p);
}

static int visit(void *ctx, const struct gm_tev *e)
{
    struct an *a = ctx;
    struct gm_trace_result *r = a->r;
    uint32_t i = 0;
    struct gm_tgor *g = NULL;
    switch (e->kind) {
    case GM_TEV_GO_CREATE:
    case GM_TEV_GO_START:
    case GM_TEV_GO_STOP:
    case GM_TEV_GO_BLOCK:
    case GM_TEV_GO_UNBLOCK:
    case GM_TEV_GO_END:
    case GM_TEV_GO_SYSCALL:
    case GM_TEV_GO_SYSCALL_END:
    case GM_TEV_GO_SYSCALL_LOST:
    case GM_TEV_GO_STATUS:
    case GM_TEV_ASSIST:
    case GM_TEV_ASSIST_END:
        if (e->g == GM_TRACE_NO_G) {
            return 0; /* an event of no goroutine the reader could resolve */
        }
        if (!(g = gor(a, e->g, e->ts, &i))) {
            return GM_ENOMEM;
        }
        break;
    default:
        break;
    }
    switch (e->kind) {
    case GM_TEV_GO_CREATE:
        g->created_ns = e->ts;
        g->creator = e->a;
        g->create_stack = e->stack;
        g->start_stack = e->stack2;
        g->state = 0;
        go_to(a, i, e->b == 1 ? GM_TS_WAITING : e->b == 2 ? GM_TS_SYSCALL : GM_TS_RUNNABLE, e->ts);
        r->created++;
        (void)group_of(a, g, 0);
        break;
    case GM_TEV_GO_START: {
        if (g->state == GM_TS_RUNNABLE) {
            uint64_t d = span(e->ts, g->since_ns);
            lat_add(&r->lat, d);
            if (g->group != NO_GROUP) {
                lat_add(&r->groups[g->group].lat, d);
            } else {
                struct gacc *c = &a->acc[i];
                c->lat_n++;
                c->lat_sum += d;
                c->lat_max = d > c->lat_max ? d : c->lat_max;
            }
        } else if (g->state == GM_TS_WAITING) {
            g->wakes++; /* woken on another CPU whose clock ran behind */
            g->woke_from |= (uint16_t)(1u << g->wait);
        }
        go_to(a, i, GM_TS_RUNNING, e->ts);
        g->last_run_ns = e->ts;
        break;
    }
    case GM_TEV_GO_STOP:
        go_to(a, i, GM_TS_RUNNABLE, e->ts);
        break;
    case GM_TEV_GO_BLOCK: {
        enum gm_twait w = refine(a, (enum gm_tblock)e->a, e->stack);
        go_to(a, i, GM_TS_WAITING, e->ts);
        g->wait = (uint8_t)w;
        g->block_stack = e->stack;
        g->blocks++;
        uint32_t gi = group_of(a, g, 0);
        if (gi != NO_GROUP) {
            r->groups[gi].blocks[w]++;
        }
        break;
    }
    case GM_TEV_GO_UNBLOCK:
        if (g->state == GM_TS_WAITING) {
            uint64_t d = span(e->ts, g->since_ns);
            uint32_t gi = group_of(a, g, 0);
            if (gi != NO_GROUP && d > r->groups[gi].max_block_ns[g->wait]) {
                r->groups[gi].max_block_ns[g->wait] = d;
                r->groups[gi].max_block_stack[g->wait] = g->block_stack;
            }
            g->wakes++;
            g->woke_from |= (uint16_t)(1u << g->wait);
            go_to(a, i, GM_TS_RUNNABLE, e->ts);
        }
        break;
    case GM_TEV_GO_END:
        go_to(a, i, ST_DEAD, e->ts);
        g->ended_ns = e->ts;
        r->ended++;
        GM_TRY(retire(a, i));
        break;
    case GM_TEV_GO_SYSCALL:
        go_to(a, i, GM_TS_SYSCALL, e->ts);
        a->acc[i].syscalls++;
        break;
    case GM_TEV_GO_SYSCALL_END:
        go_to(a, i, GM_TS_RUNNING, e->ts);
        break;
    case GM_TEV_GO_SYSCALL_LOST:
        go_to(a, i, GM_TS_RUNNABLE, e->ts);
        break;
    case GM_TEV_GO_STATUS:
        if (e->stack != GM_TRACE_NO_STACK && g->block_stack == GM_TRACE_NO_STACK) {
            g->block_stack = e->stack;
        }
        if (g->state != e->a) {
            go_to(a, i, (unsigned)e->a, e->ts);
            if (e->a == GM_TS_WAITING) {
                g->wait = (uint8_t)wait_of_stack(&r->stacks, e->stack, GM_TB_OTHER);
                g->block_stack = e->stack;
            }
        }
        (void)group_of(a, g, 0);
        break;
    case GM_TEV_PROC_START: {
        uint32_t pi = p_index(a, e->p);
        if (pi == GM_HTAB_END) {
            if (GM_RESERVE(a->psince, a->psince_alloc, a->psince_nr + 1) < 0 ||
                gm_u64map_put(&a->pmap, e->p, a->psince_nr) < 0) {
                return GM_ENOMEM;
            }
            pi = a->psince_nr++;
            a->psince[pi] = NO_TIME;
            if (e->p < GM_ARRAY_NR(a->pdirect)) {
                a->pdirect[e->p] = pi + 1;
            }
        }
        if (a->psince[pi] == NO_TIME) {
            a->psince[pi] = e->ts;
        }
        if (a->tl && e->p < GM_TL_MAX_PS && e->p + 1 > a->tl->ps) {
            a->tl->ps = (uint32_t)e->p + 1;
        }
        break;
    }
    case GM_TEV_PROC_STOP: {
        uint32_t pi = p_index(a, e->p);
        if (pi != GM_HTAB_END && a->psince[pi] != NO_TIME) {
            if (a->tl && e->p < GM_TL_MAX_PS) {
                bin(a->tl, a->tl->pbusy + e->p * a->tl->cols, a->psince[pi], e->ts);
            }
            r->p_busy_ns += span(e->ts, a->psince[pi]);
            a->psince[pi] = NO_TIME;
        }
        break;
    }
    case GM_TEV_PROCS:
        r->gomaxprocs = e->a;
        r->gomaxprocs_max = e->a > r->gomaxprocs_max ? e->a : r->gomaxprocs_max;
        break;
    case GM_TEV_GC_BEGIN:
    case GM_TEV_GC_ACTIVE:
        if (!a->gc_on) {
            a->gc_on = 1;
            a->gc_since = e->ts;
            r->gc_cycles += e->kind == GM_TEV_GC_BEGIN;
        }
        break;
    case GM_TEV_GC_END:
        if (a->gc_on) {
            if (a->tl) {
                bin(a->tl, a->tl->gc, a->gc_since, e->ts);
            }
            r->gc_ns += span(e->ts, a->gc_since);
            a->gc_on = 0;
        }
        break;
    case GM_TEV_STW_BEGIN:
        a->stw_on = 1;
        a->stw_since = e->ts;
        a->stw_kind = e->str;
        break;
    case GM_TEV_STW_END:
        if (a->stw_on) {
            uint64_t d = span(e->ts, a->stw_since);
            if (a->tl) {
                bin(a->tl, a->tl->stw, a->stw_since, e->ts);
            }
            r->stw_nr++;
            r->stw_ns += d;
            if (d >= r->stw_max_ns) {
                r->stw_max_ns = d;
                r->stw_max_kind = a->stw_kind;
            }
            a->stw_on = 0;
        }
        break;
    case GM_TEV_ASSIST:
        if (!a->acc[i].assisting) {
            a->acc[i].assisting = 1;
            a->acc[i].assist_since = e->ts;
        }
        break;
    case GM_TEV_ASSIST_END:
        if (a->acc[i].assisting) {
            if (g->state == GM_TS_RUNNING) {
                uint64_t from =
                    a->acc[i].assist_since > g->since_ns ? a->acc[i].assist_since : g->since_ns;
                r->assist_ns += span(e->ts, from);
            }
            r->assist_nr++;
            a->acc[i].assisting = 0;
        }
        break;
    case GM_TEV_HEAP_ALLOC:
        r->heap_last = e->a;
        r->heap_max = e->a > r->heap_max ? e->a : r->heap_max;
        break;
    case GM_TEV_HEAP_GOAL:
        r->goal_last = e->a;
        break;
    case GM_TEV_CPU_SAMPLE:
        r->cpu_samples++;
        break;
    default:
        break;
    }
    return 0;
}

/* ---- folding and findings ------------------------------------------------------------- */

/* A goroutine started by a timer (time.AfterFunc) is created on the stack of whichever
 * goroutine ran the timer: that stack names no creator. */
static int timer_stack(const struct gm_stacks *s, uint32_t stack)
{
    const struct gm_stack *st = gm_stacks_get(s, stack);
    const uint32_t *fr = gm_stack_frames(s, st);
    for (uint32_t i = 0; i < st->nr; i++) {
        struct gm_str f = fname(s, fr[i]);
        if (gm_str_eq(f, "time.goFunc") || gm_str_eq(f, "runtime.runtimer") ||
            gm_str_eq(f, "runtime.runTimer") || gm_str_eq(f, "runtime.checkTimers") ||
            has_prefix(f, "runtime.(*timer)") || has_prefix(f, "runtime.(*timers)")) {
            return 1;
        }
    }
    return 0;
}

/* The user frame that created goroutines with this creation stack (GM_NO_FRAME: none, or a
 * timer's): computed once per stack, millions of goroutines share a few. */
static uint32_t creator_frame(struct an *a, uint32_t stack)
{
    if (stack == GM_TRACE_NO_STACK) {
        return GM_NO_FRAME;
    }
    if (stack < a->ccache_alloc && a->ccache[stack] != UINT32_MAX - 1) {
        return a->ccache[stack];
    }
    const struct gm_stacks *s = &a->r->stacks;
    uint32_t f = timer_stack(s, stack) ? GM_NO_FRAME : gm_stack_user_frame(s, stack);
    uint32_t had = a->ccache_alloc;
    if (GM_RESERVE(a->ccache, a->ccache_alloc, (uint64_t)stack + 1) == 0) {
        for (uint32_t k = had; k < a->ccache_alloc; k++) {
            a->ccache[k] = UINT32_MAX - 1; /* not computed */
        }
        a->ccache[stack] = f;
    }
    return f;
}

/* Adds a goroutine's accumulators to its group; its state at the end too when it is alive. */
static void fold_one(struct an *a, uint32_t i)
{
    struct gm_trace_result *r = a->r;
    struct gm_tgor *g = &r->gs[i];
    struct gacc *c = &a->acc[i];
    if (c->assisting) {
        r->assist_nr++;
        c->assisting = 0;
    }
    uint32_t gi = group_of(a, g, 1);
    if (gi == NO_GROUP) {
        return; /* out of memory for a group: the goroutine is counted, not grouped */
    }
    {
        struct gm_tgroup *gr = &r->groups[gi];
        gr->count++;
        gr->run_ns += c->run;
        gr->runnable_ns += c->runnable;
        gr->syscall_ns += c->sys;
        gr->syscalls += c->syscalls;
        r->run_ns += c->run;
        for (int w = 0; w < GM_TW_NR; w++) {
            gr->block_ns[w] += c->block[w];
        }
        if (c->lat_n) {
            gr->lat.n += c->lat_n;
            gr->lat.sum += c->lat_sum;
            gr->lat.max = c->lat_max > gr->lat.max ? c->lat_max : gr->lat.max;
            gr->lat.b[lat_bucket(c->lat_sum / c->lat_n)] += (uint32_t)c->lat_n;
        }
        if (g->created_ns != NO_TIME) {
            gr->created++;
            gr->first_created =
                g->created_ns < gr->first_created ? g->created_ns : gr->first_created;
            gr->last_created = g->created_ns > gr->last_created ? g->created_ns : gr->last_created;
            uint32_t cf = creator_frame(a, g->create_stack);
            if (cf != GM_NO_FRAME) {
                gr->creator_frame = cf;
            }
        }
        if (g->state == ST_DEAD) {
            gr->ended++;
            return;
        }
        gr->alive++;
        r->alive++;
        switch (g->state) {
        case GM_TS_RUNNING:
            gr->running++;
            break;
        case GM_TS_RUNNABLE:
            gr->runnable++;
            break;
        case GM_TS_SYSCALL:
            gr->in_syscall++;
            break;
        case GM_TS_WAITING:
            gr->waiting[g->wait]++;
            if (g->since_ns < gr->waiting_since[g->wait]) {
                gr->waiting_since[g->wait] = g->since_ns;
                gr->waiting_stack[g->wait] = g->block_stack;
            }
            break;
        default:
            break;
        }
    }
}

/* An ended goroutine: folded into its group, its slot freed for the next one. */
static int retire(struct an *a, uint32_t i)
{
    struct gm_trace_result *r = a->r;
    fold_one(a, i);
    if (a->keep_nr && kept(a, r->gs[i].id)) {
        return 0; /* folded (fold() skips ended records), kept for the join */
    }
    if (a->gc_id[r->gs[i].id & 255] == r->gs[i].id) {
        a->gc_id[r->gs[i].id & 255] = 0;
    }
    gid_del(&r->gmap, r->gs[i].id);
    r->gs[i].id = 0;
    if (GM_RESERVE(a->free, a->free_alloc, a->free_nr + 1) < 0) {
        return GM_ENOMEM;
    }
    a->free[a->free_nr++] = i;
    return 0;
}

static void fold(struct an *a)
{
    struct gm_trace_result *r = a->r;
    uint64_t end = a->end;
    for (uint32_t i = 0; i < r->gs_nr; i++) {
        struct gm_tgor *g = &r->gs[i];
        if (g->id == 0 || g->state == ST_DEAD) {
            continue; /* a free slot, or a kept record folded when it ended */
        }
        if (g->state != 0 && g->state != ST_DEAD) {
            account(a, i, end); /* the time to the end; the state stays */
        }
        fold_one(a, i);
    }
    /* GC: the mark workers' running time */
    for (uint32_t k = 0; k < r->groups_nr; k++) {
        struct gm_tgroup *gr = &r->groups[k];
        if (gr->start_frame != GM_NO_FRAME &&
            gm_str_eq(fname(&r->stacks, gr->start_frame), "runtime.gcBgMarkWorker")) {
            r->gc_worker_ns += gr->run_ns;
        }
    }
    if (a->gc_on) {
        if (a->tl) {
            bin(a->tl, a->tl->gc, a->gc_since, end);
        }
        r->gc_ns += span(end, a->gc_since);
    }
    for (uint32_t k = 0; k < a->psince_nr; k++) {
        if (a->psince[k] != NO_TIME) {
            uint64_t pid = a->pmap.keys[k];
            if (a->tl && pid < GM_TL_MAX_PS) {
                bin(a->tl, a->tl->pbusy + pid * a->tl->cols, a->psince[k], end);
            }
            r->p_busy_ns += span(end, a->psince[k]);
        }
    }
    uint64_t procs = r->gomaxprocs ? r->gomaxprocs : 1;
    if (end > 0) {
        r->utilisation = (double)r->run_ns / ((double)end * (double)procs);
    }
}

void gm_trace_fmt_ns(char *buf, size_t n, uint64_t ns)
{
    if (ns >= 10000000000ull) {
        (void)snprintf(buf, n, "%.1f s", (double)ns / 1e9);
    } else if (ns >= 1000000000ull) {
        (void)snprintf(buf, n, "%.2f s", (double)ns / 1e9);
    } else if (ns >= 1000000ull) {
        (void)snprintf(buf, n, "%.1f ms", (double)ns / 1e6);
    } else if (ns >= 1000ull) {
        (void)snprintf(buf, n, "%.1f µs", (double)ns / 1e3);
    } else {
        (void)snprintf(buf, n, "%llu ns", (unsigned long long)ns);
    }
}

static struct gm_tfinding *add_finding(struct gm_trace_result *r, const char *id,
                                       enum gm_severity sev)
{
    const struct gm_finding_kind *k = gm_finding_kind(id);
    if (!k || GM_RESERVE(r->findings, r->findings_alloc, r->findings_nr + 1) < 0) {
        return NULL;
    }
    struct gm_tfinding *f = &r->findings[r->findings_nr++];
    memset(f, 0, sizeof(*f));
    f->kind = k;
    f->severity = sev;
    f->group = -1;
    f->wait = GM_TW_NR;
    f->frame = GM_NO_FRAME;
    return f;
}

/* Whether a frame of the stack is the function fn. */
static int stack_has(const struct gm_stacks *s, uint32_t stack, const char *fn)
{
    if (stack == GM_TRACE_NO_STACK) {
        return 0;
    }
    const struct gm_stack *st = gm_stacks_get(s, stack);
    const uint32_t *fr = gm_stack_frames(s, st);
    for (uint32_t i = 0; i < st->nr; i++) {
        if (gm_str_eq(fname(s, fr[i]), fn)) {
            return 1;
        }
    }
    return 0;
}

/* The catalogue id of goroutines left waiting on w with this stack. */
static const char *leak_id(const struct gm_stacks *s, enum gm_twait w, uint32_t stack)
{
    switch (w) {
    case GM_TW_CHAN_SEND:
        return "chan-send-blocked";
    case GM_TW_CHAN_RECV: /* chanrecv2: a range or a comma-ok receive */
        return stack_has(s, stack, "runtime.chanrecv2") ? "range-never-closed"
                                                        : "chan-recv-blocked";
    case GM_TW_SELECT:
        return "select-blocked";
    case GM_TW_MUTEX:
        return "mutex-wait";
    case GM_TW_RWMUTEX:
        return "rwmutex-wait";
    case GM_TW_WAITGROUP:
        return "waitgroup-wait";
    case GM_TW_COND:
        return "cond-wait";
    case GM_TW_FOREVER: /* runtime.block: select {} */
        return stack_has(s, stack, "runtime.block") ? "select-forever" : "nil-chan";
    default:
        return NULL;
    }
}

static const char *func_cstr(const struct gm_stacks *s, uint32_t frame)
{
    return frame == GM_NO_FRAME ? "(start unknown)" : gm_stacks_func(s, frame);
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* A wait of the tracing itself: the net/http/pprof handler that serves /debug/pprof/trace
 * sleeps in a select for the whole trace. */
static int tracer_wait(const struct gm_stacks *s, uint32_t stack)
{
    if (stack == GM_TRACE_NO_STACK) {
        return 0;
    }
    const struct gm_stack *st = gm_stacks_get(s, stack);
    const uint32_t *fr = gm_stack_frames(s, st);
    for (uint32_t i = 0; i < st->nr; i++) {
        struct gm_str f = fname(s, fr[i]);
        if (gm_str_eq(f, "net/http/pprof.Trace") || gm_str_eq(f, "net/http/pprof.sleep") ||
            has_prefix(f, "runtime/trace.")) {
            return 1;
        }
    }
    return 0;
}

static int leaks(struct gm_trace_result *r, uint64_t end)
{
    for (uint32_t k = 0; k < r->groups_nr; k++) {
        struct gm_tgroup *gr = &r->groups[k];
        if (gr->runtime || gr->start_frame == GM_NO_FRAME) {
            continue;
        }
        struct gm_str sf = fname(&r->stacks, gr->start_frame);
        if (gm_str_eq(sf, "runtime.main") || gm_str_eq(sf, "main.main")) {
            continue; /* the main goroutine waits for its program */
        }
        for (int w = 0; w < GM_TW_NR; w++) {
            if (!gr->waiting[w]) {
                continue;
            }
            const char *id = leak_id(&r->stacks, (enum gm_twait)w, gr->waiting_stack[w]);
            if (!id || tracer_wait(&r->stacks, gr->waiting_stack[w])) {
                continue;
            }
            /* who: created in the trace and never woken, or there from the start */
            uint64_t fresh = 0, old = 0, since = NO_TIME, ids[GM_TFINDING_IDS];
            uint32_t ids_nr = 0;
            /* a wait of a quarter of the trace at least: a goroutine that blocked near the end
             * (a healthy burst waiting for its workers) is no evidence */
            uint64_t min_wait = end / 4 > 1000000 ? end / 4 : 1000000;
            for (uint32_t i = 0; i < r->gs_nr; i++) {
                const struct gm_tgor *g = &r->gs[i];
                if (g->id == 0 || g->group != k || g->state != GM_TS_WAITING || g->wait != w ||
                    span(end, g->since_ns) < min_wait) {
                    continue;
                }
                if (g->created_ns != NO_TIME) {
                    fresh++;
                } else if (span(end, g->since_ns) >= end / 2) {
                    old++;
                } else {
                    continue;
                }
                since = g->since_ns < since ? g->since_ns : since;
                if (ids_nr < GM_TFINDING_IDS) {
                    ids[ids_nr++] = g->id;
                }
            }
            uint64_t n = fresh + old;
            if (n == 0) {
                continue;
            }
            enum gm_severity sev = fresh >= 100 ? GM_SEV_HIGH
                                   : fresh >= 2 ? GM_SEV_MEDIUM
                                                : GM_SEV_LOW;
            struct gm_tfinding *f = add_finding(r, id, sev);
            if (!f) {
                return GM_ENOMEM;
            }
            f->group = (int32_t)k;
            f->wait = (enum gm_twait)w;
            f->count = n;
            f->since_ns = since;
            f->frame = gr->waiting_stack[w] != GM_TRACE_NO_STACK
                           ? gm_stack_user_frame(&r->stacks, gr->waiting_stack[w])
                           : GM_NO_FRAME;
            /* the first goroutines by id (the trace's order depends on the CPUs) */
            for (uint32_t x = 1; x < ids_nr; x++) {
                for (uint32_t y = x; y > 0 && ids[y - 1] > ids[y]; y--) {
                    uint64_t t = ids[y];
                    ids[y] = ids[y - 1];
                    ids[y - 1] = t;
                }
            }
            memcpy(f->ids, ids, sizeof(uint64_t) * ids_nr);
            f->ids_nr = ids_nr;
            char t0[32], dur[32];
            gm_trace_fmt_ns(t0, sizeof(t0), since);
            gm_trace_fmt_ns(dur, sizeof(dur), span(end, since));
            const char *at = func_cstr(&r->stacks, f->frame);
            char where[300] = "";
            if (f->frame != GM_NO_FRAME) {
                (void)snprintf(where, sizeof(where), " in %s (%s:%u)", at,
                               base_name(gm_stacks_file(&r->stacks, f->frame)),
                               r->stacks.frames[f->frame].line);
            }
            if (fresh) {
                (void)snprintf(f->why, sizeof(f->why),
                               "%llu of %llu %s goroutines, created during the trace%s%s, "
                               "blocked on %s%s from %s on and were still waiting at the end, "
                               "%s later%s",
                               (unsigned long long)fresh, (unsigned long long)gr->count,
                               func_cstr(&r->stacks, gr->start_frame),
                               gr->creator_frame != GM_NO_FRAME ? " by " : "",
                               gr->creator_frame != GM_NO_FRAME
                                   ? func_cstr(&r->stacks, gr->creator_frame)
                                   : "",
                               gm_twait_name((enum gm_twait)w), where, t0, dur,
                               old ? "; more were blocked before the trace began" : "");
            } else {
                (void)snprintf(f->why, sizeof(f->why),
                               "%llu %s goroutines blocked on %s%s for at least the last %s of "
                               "the trace (%s); the trace cannot tell whether they would ever "
                               "wake",
                               (unsigned long long)old, func_cstr(&r->stacks, gr->start_frame),
                               gm_twait_name((enum gm_twait)w), where, dur,
                               "they were there before it");
            }
        }
    }
    return 0;
}

static int convoys(struct gm_trace_result *r)
{
    for (uint32_t k = 0; k < r->groups_nr; k++) {
        struct gm_tgroup *gr = &r->groups[k];
        if (gr->runtime) {
            continue;
        }
        uint64_t life = gr->run_ns + gr->runnable_ns + gr->syscall_ns;
        for (int w = 0; w < GM_TW_NR; w++) {
            life += gr->block_ns[w];
        }
        for (int w = GM_TW_MUTEX; w <= GM_TW_RWMUTEX; w++) {
            uint64_t b = gr->block_ns[w];
            if (life == 0 || b < 1000000 || gr->blocks[w] < 10 || b * 4 < life) {
                continue;
            }
            double share = (double)b / (double)life;
            struct gm_tfinding *f =
                add_finding(r, w == GM_TW_MUTEX ? "mutex-wait" : "rwmutex-wait",
                            share >= 0.5 && gr->count >= 4 ? GM_SEV_HIGH : GM_SEV_MEDIUM);
            if (!f) {
                return GM_ENOMEM;
            }
            f->group = (int32_t)k;
            f->wait = (enum gm_twait)w;
            f->count = gr->blocks[w];
            uint32_t st = gr->max_block_stack[w];
            f->frame = st != GM_TRACE_NO_STACK ? gm_stack_user_frame(&r->stacks, st) : GM_NO_FRAME;
            char tot[32], mx[32];
            gm_trace_fmt_ns(tot, sizeof(tot), b);
            gm_trace_fmt_ns(mx, sizeof(mx), gr->max_block_ns[w]);
            char where[300] = "";
            if (f->frame != GM_NO_FRAME) {
                (void)snprintf(where, sizeof(where), "; the longest at %s (%s:%u)",
                               func_cstr(&r->stacks, f->frame),
                               base_name(gm_stacks_file(&r->stacks, f->frame)),
                               r->stacks.frames[f->frame].line);
            }
            (void)snprintf(f->why, sizeof(f->why),
                           "lock convoy: %llu %s goroutines spent %s (%.0f%% of their time) "
                           "waiting for a %s in %llu waits, longest %s%s",
                           (unsigned long long)gr->count, func_cstr(&r->stacks, gr->start_frame),
                           tot, share * 100, gm_twait_name((enum gm_twait)w),
                           (unsigned long long)gr->blocks[w], mx, where);
        }
    }
    return 0;
}

static int trace_wide(struct gm_trace_result *r)
{
    uint64_t p99 = gm_tlat_quantile(&r->lat, 0.99);
    if (r->lat.n >= 100 && p99 >= 10000000) {
        struct gm_tfinding *f =
            add_finding(r, "runnable-backlog", p99 >= 100000000 ? GM_SEV_HIGH : GM_SEV_MEDIUM);
        if (!f) {
            return GM_ENOMEM;
        }
        f->count = r->lat.n;
        char a[32], b[32], c[32];
        gm_trace_fmt_ns(a, sizeof(a), gm_tlat_quantile(&r->lat, 0.5));
        gm_trace_fmt_ns(b, sizeof(b), p99);
        gm_trace_fmt_ns(c, sizeof(c), r->lat.max);
        (void)snprintf(f->why, sizeof(f->why),
                       "scheduler latency (runnable to running) p50 %s, p99 %s, max %s over %llu "
                       "wake-ups, with GOMAXPROCS %llu busy %.0f%% of the time",
                       a, b, c, (unsigned long long)r->lat.n, (unsigned long long)r->gomaxprocs,
                       r->utilisation * 100);
    }
    if (r->run_ns > 0) {
        double share = (double)(r->gc_worker_ns + r->assist_ns) / (double)r->run_ns;
        if (share >= 0.25 && r->gc_cycles >= 2) {
            struct gm_tfinding *f =
                add_finding(r, "gc-cpu-high", share >= 0.5 ? GM_SEV_HIGH : GM_SEV_MEDIUM);
            if (!f) {
                return GM_ENOMEM;
            }
            f->count = r->gc_cycles;
            char w[32], as[32];
            gm_trace_fmt_ns(w, sizeof(w), r->gc_worker_ns);
            gm_trace_fmt_ns(as, sizeof(as), r->assist_ns);
            (void)snprintf(f->why, sizeof(f->why),
                           "GC workers (%s) and %llu mark assists (%s) took %.0f%% of the "
                           "goroutines' running time over %llu GC cycles",
                           w, (unsigned long long)r->assist_nr, as, share * 100,
                           (unsigned long long)r->gc_cycles);
        }
    }
    if (r->stw_max_ns >= 10000000) {
        struct gm_tfinding *f =
            add_finding(r, "stw-long", r->stw_max_ns >= 100000000 ? GM_SEV_HIGH : GM_SEV_MEDIUM);
        if (!f) {
            return GM_ENOMEM;
        }
        f->count = r->stw_nr;
        char m[32];
        gm_trace_fmt_ns(m, sizeof(m), r->stw_max_ns);
        (void)snprintf(
            f->why, sizeof(f->why), "a stop-the-world pause of %s (%s); %llu pauses in all", m,
            r->stw_max_kind == UINT32_MAX ? "" : gm_strtab_cstr(&r->stacks.strs, r->stw_max_kind),
            (unsigned long long)r->stw_nr);
    }
    return 0;
}

struct okey {
    int rt;
    uint64_t stuck, t;
    uint32_t i;
};

static int okey_cmp(const void *x, const void *y)
{
    const struct okey *a = x, *b = y;
    if (a->rt != b->rt) {
        return a->rt ? 1 : -1;
    }
    if (a->stuck != b->stuck) {
        return a->stuck > b->stuck ? -1 : 1;
    }
    if (a->t != b->t) {
        return a->t > b->t ? -1 : 1;
    }
    return a->i < b->i ? -1 : 1;
}

static int order_groups(struct gm_trace_result *r)
{
    uint32_t n = r->groups_nr ? r->groups_nr : 1;
    r->order = gm_xmalloc(sizeof(uint32_t) * n);
    struct okey *k = gm_xmalloc(sizeof(struct okey) * n);
    if (!r->order || !k) {
        free(k);
        return GM_ENOMEM;
    }
    for (uint32_t i = 0; i < r->groups_nr; i++) {
        const struct gm_tgroup *g = &r->groups[i];
        uint64_t t = g->run_ns + g->syscall_ns, st = 0;
        for (int w = 0; w < GM_TW_NR; w++) {
            t += g->block_ns[w];
            st += g->waiting[w];
        }
        k[i] = (struct okey){g->runtime, st, t, i};
    }
    qsort(k, r->groups_nr, sizeof(*k), okey_cmp);
    for (uint32_t i = 0; i < r->groups_nr; i++) {
        r->order[i] = k[i].i;
    }
    free(k);
    return 0;
}

static int sev_cmp(const void *x, const void *y)
{
    const struct gm_tfinding *a = x, *b = y;
    if (a->severity != b->severity) {
        return a->severity > b->severity ? -1 : 1;
    }
    return a->count > b->count ? -1 : a->count < b->count ? 1 : 0;
}

static int analyze(const char *p, size_t len, const struct gm_input *in,
                   const struct gm_limits *lim, int threads, struct gm_trace_result *res,
                   struct an *opts);

int gm_trace_analyze(const char *p, size_t len, const struct gm_limits *lim,
                     struct gm_trace_result *res)
{
    return analyze(p, len, NULL, lim, 1, res, NULL);
}

int gm_trace_analyze_input(const struct gm_input *in, const struct gm_limits *lim,
                           const struct gm_trace_opts *o, struct gm_trace_result *res)
{
    struct an a;
    memset(&a, 0, sizeof(a));
    if (o) {
        a.keep = o->keep;
        a.keep_nr = o->keep_nr;
    }
    return analyze(in->p, in->len, in, lim, o ? o->threads : 0, res, &a);
}

int gm_trace_timeline(const char *p, size_t len, const struct gm_limits *lim,
                      const struct gm_trace_result *first, uint32_t cols, uint32_t rows,
                      int threads, struct gm_ttimeline *tl)
{
    memset(tl, 0, sizeof(*tl));
    if (cols == 0) {
        cols = 1;
    }
    tl->cols = cols;
    tl->col_ns = first->info.duration_ns / cols + 1;
    struct an a;
    memset(&a, 0, sizeof(a));
    a.tl = tl;
    a.prior = first;
    for (uint32_t k = 0; k < first->groups_nr && tl->rows < rows && tl->rows < GM_TL_MAX_ROWS;
         k++) {
        uint32_t gi = first->order[k];
        if (first->groups[gi].runtime) {
            continue;
        }
        tl->group[tl->rows++] = gi;
    }
    tl->occ = gm_xcalloc((size_t)(tl->rows ? tl->rows : 1) * GM_TL_STATES * cols, sizeof(float));
    tl->pbusy = gm_xcalloc((size_t)GM_TL_MAX_PS * cols, sizeof(float));
    tl->gc = gm_xcalloc(cols, sizeof(float));
    tl->stw = gm_xcalloc(cols, sizeof(float));
    int rc = GM_ENOMEM;
    if (tl->occ && tl->pbusy && tl->gc && tl->stw) {
        struct gm_trace_result second;
        rc = analyze(p, len, NULL, lim, threads, &second, &a);
        gm_trace_result_release(&second);
    }
    if (rc < 0) {
        gm_ttimeline_release(tl);
    }
    return rc;
}

void gm_ttimeline_release(struct gm_ttimeline *tl)
{
    free(tl->occ);
    free(tl->pbusy);
    free(tl->gc);
    free(tl->stw);
    memset(tl, 0, sizeof(*tl));
}

static void an_release(struct an *a)
{
    free(a->acc);
    free(a->wcache);
    free(a->psince);
    free(a->free);
    free(a->tlrow);
    free(a->ccache);
    gm_u64map_release(&a->groupmap);
    gm_u64map_release(&a->pmap);
}

/* ---- the pipeline: a reader thread hands the events over in blocks ------------------- */

#define PIPE_BLOCK  2048 /* events per block */
#define PIPE_BLOCKS 8    /* blocks in flight */

struct pipe {
    /* the reader's: the block being filled and the call it makes, on a cache line of their
     * own (the analysis writes the fields below: sharing a line cost a miss per event) */
    _Alignas(64) struct gm_tev *w;
    uint32_t fill; /* events in w */
    const char *p;
    size_t len;
    const struct gm_input *in;
    const struct gm_limits *lim;
    struct gm_trace_result *res;
    _Alignas(64) pthread_mutex_t mu;
    pthread_cond_t cv;       /* either side waits for the other: broadcast */
    struct gm_tev *ev;       /* PIPE_BLOCKS x PIPE_BLOCK */
    uint32_t n[PIPE_BLOCKS]; /* events in each published block */
    uint64_t prod, cons;     /* blocks published by the reader, handled by the analysis */
    int done;                /* the reader returned: read_rc */
    int stop;                /* the analysis failed with this error: the reader stops */
    int read_rc;
};

/* The reader publishes its block (if any), then waits for a free block, or with all set
 * until the analysis has handled every block (a barrier). Returns the analysis's error. */
static int pipe_publish(struct pipe *q, int all)
{
    pthread_mutex_lock(&q->mu);
    if (q->fill) {
        q->n[q->prod % PIPE_BLOCKS] = q->fill;
        q->prod++;
        q->fill = 0;
        pthread_cond_broadcast(&q->cv);
    }
    while (!q->stop && (all ? q->cons != q->prod : q->prod - q->cons == PIPE_BLOCKS)) {
        pthread_cond_wait(&q->cv, &q->mu);
    }
    q->w = q->ev + (size_t)(q->prod % PIPE_BLOCKS) * PIPE_BLOCK;
    int rc = q->stop;
    pthread_mutex_unlock(&q->mu);
    return rc;
}

static int pipe_put(void *ctx, const struct gm_tev *e)
{
    struct pipe *q = ctx;
    if (e->kind != GM_TEV_BARRIER) {
        q->w[q->fill++] = *e;
        if (q->fill < PIPE_BLOCK) {
            return 0;
        }
    }
    return pipe_publish(q, e->kind == GM_TEV_BARRIER);
}

static void *pipe_reader(void *arg)
{
    struct pipe *q = arg;
    struct gm_trace_result *res = q->res;
    int rc = q->in ? gm_trace_read_input(q->in, q->lim, &res->stacks, pipe_put, q, &res->info,
                                         &res->diag)
                   : gm_trace_read(q->p, q->len, q->lim, &res->stacks, pipe_put, q, &res->info,
                                   &res->diag);
    (void)pipe_publish(q, 0); /* the last block */
    pthread_mutex_lock(&q->mu);
    q->read_rc = rc;
    q->done = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* Reads on a new thread and analyses here: 1 and the reader's return in *rc, or 0 when no
 * thread could be made (nothing was read: the caller reads on its own). */
static int pipe_run(struct pipe *q, struct an *a, int *rc)
{
    q->ev = gm_xmalloc(sizeof(struct gm_tev) * PIPE_BLOCK * PIPE_BLOCKS);
    if (!q->ev) {
        return 0;
    }
    q->w = q->ev;
    pthread_t th;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    int ran = pthread_create(&th, NULL, pipe_reader, q) == 0;
    if (ran) {
        int err = 0;
        for (;;) {
            pthread_mutex_lock(&q->mu);
            while (q->cons == q->prod && !q->done) {
                pthread_cond_wait(&q->cv, &q->mu);
            }
            if (q->cons == q->prod) {
                *rc = q->read_rc;
                pthread_mutex_unlock(&q->mu);
                break;
            }
            uint32_t slot = (uint32_t)(q->cons % PIPE_BLOCKS), n = q->n[slot];
            pthread_mutex_unlock(&q->mu);
            const struct gm_tev *e = q->ev + (size_t)slot * PIPE_BLOCK;
            for (uint32_t k = 0; k < n && err == 0; k++) {
                err = visit(a, &e[k]);
                err = err > 0 ? 0 : err;
            }
            pthread_mutex_lock(&q->mu);
            q->cons++;
            if (err < 0 && !q->stop) {
                q->stop = err; /* the reader returns it at its next block */
            }
            pthread_cond_broadcast(&q->cv);
            pthread_mutex_unlock(&q->mu);
        }
        pthread_join(th, NULL);
    }
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free(q->ev);
    return ran;
}

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static int analyze(const char *p, size_t len, const struct gm_input *in,
                   const struct gm_limits *lim, int threads, struct gm_trace_result *res,
                   struct an *opts)
{
    memset(res, 0, sizeof(*res));
    res->stw_max_kind = UINT32_MAX;
    GM_TRY(gm_stacks_init(&res->stacks, lim ? lim->max_strtab : 1ull << 30));
    struct an a;
    memset(&a, 0, sizeof(a));
    if (opts) {
        a.tl = opts->tl;
        a.prior = opts->prior;
        a.keep = opts->keep;
        a.keep_nr = opts->keep_nr;
    }
    a.r = res;
    a.last_start_stack = GM_TRACE_NO_STACK;
    if (threads == 0) {
        threads = len >= (1u << 20) && online_cpus() > 1 ? 2 : 1;
    }
    int rc = 0, ran = 0;
    if (threads > 1) {
        struct pipe q;
        memset(&q, 0, sizeof(q));
        q.p = p;
        q.len = len;
        q.in = in;
        q.lim = lim;
        q.res = res;
        ran = pipe_run(&q, &a, &rc);
    }
    if (!ran) {
        rc = in ? gm_trace_read_input(in, lim, &res->stacks, visit, &a, &res->info, &res->diag)
                : gm_trace_read(p, len, lim, &res->stacks, visit, &a, &res->info, &res->diag);
    }
    if (rc == GM_ENOMEM || (rc < 0 && res->info.events == 0)) {
        an_release(&a);
        return rc;
    }
    res->rc = rc;
    a.end = res->info.duration_ns;
    fold(&a);
    int frc = leaks(res, a.end);
    if (frc == 0) {
        frc = convoys(res);
    }
    if (frc == 0) {
        frc = trace_wide(res);
    }
    if (frc == 0) {
        frc = order_groups(res);
    }
    if (res->findings_nr > 1) {
        qsort(res->findings, res->findings_nr, sizeof(*res->findings), sev_cmp);
    }
    an_release(&a);
    return frc;
}

void gm_trace_result_release(struct gm_trace_result *res)
{
    gm_stacks_release(&res->stacks);
    gid_release(&res->gmap);
    free(res->gs);
    free(res->groups);
    free(res->order);
    free(res->findings);
    memset(res, 0, sizeof(*res));
}

const struct gm_tgor *gm_trace_goroutine(const struct gm_trace_result *res, uint64_t id)
{
    uint32_t i = gid_get(&res->gmap, id);
    return i == GM_HTAB_END ? NULL : &res->gs[i];
}

const char *gm_tgroup_name(const struct gm_trace_result *res, const struct gm_tgroup *g)
{
    return func_cstr(&res->stacks, g->start_frame);
}
