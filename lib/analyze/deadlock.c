/* Lock-order deadlocks across the goroutines of one dump (gm/findings.h, gm_deadlocks_add). */
#include "gm/findings.h"
#include "gm/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* Lock-order deadlocks: goroutine A waits for lock La and its user frames hold a pointer to
 * (a struct at most 64 bytes before) Lb, while B waits for Lb and holds La. Only mutex waiters
 * whose lock address is printed without '?' take part, so the inference needs real values. */
static int covers(uint64_t h, uint64_t lock)
{
    return lock >= h && lock - h < 64;
}

static int holds(const struct gm_lockwait *lw, uint64_t lock, uint64_t own_wait)
{
    for (uint32_t i = 0; i < lw->nr; i++) {
        if (lw->held[i] != own_wait && covers(lw->held[i], lock)) {
            return 1;
        }
    }
    return 0;
}

struct lockref {
    uint64_t obj; /* the lock the goroutine waits for */
    uint32_t lw;  /* index in set->locks */
};

static int cmp_lockref(const void *x, const void *y)
{
    const struct lockref *a = x, *b = y;
    if (a->obj != b->obj) {
        return a->obj < b->obj ? -1 : 1;
    }
    return a->lw < b->lw ? -1 : a->lw > b->lw;
}

/* Fills refs with the lock waiters of dump d, sorted by the lock they wait for; returns how
 * many. */
static size_t lock_refs(const struct gm_gdump_set *set, const struct gm_dump *d,
                        struct lockref *refs)
{
    size_t nr = 0;
    for (uint32_t i = 0; i < set->locks_nr; i++) {
        uint32_t g = set->locks[i].g;
        if (g >= d->first && g < d->first + d->nr) {
            refs[nr].obj = gm_gdump_g(set, g)->wait_obj;
            refs[nr].lw = i;
            nr++;
        }
    }
    qsort(refs, nr, sizeof(*refs), cmp_lockref);
    return nr;
}

/* The index of the first waiter in refs whose lock is >= obj (nr when none). */
static size_t first_waiter(const struct lockref *refs, size_t nr, uint64_t obj)
{
    size_t lo = 0, hi = nr;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (refs[mid].obj < obj) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Appends the lock-order-deadlock finding for the cycle of ga and gb; NULL when out of memory. */
static struct gm_finding *new_deadlock(const struct gm_gdump_set *set, struct gm_findings *out,
                                       uint32_t *alloc, const struct gm_goroutine *ga,
                                       const struct gm_goroutine *gb)
{
    if (out->nr == *alloc && GM_GROW(out->v, *alloc, 16) < 0) {
        return NULL;
    }
    struct gm_finding *f = &out->v[out->nr++];
    memset(f, 0, sizeof(*f));
    f->kind = gm_finding_kind("lock-order-deadlock");
    f->culprit = f->culprit_of = GM_NO_FRAME;
    f->stack_id = ga->stack_id;
    f->state_id = ga->state_id;
    f->user_frame = gm_stack_user_frame(&set->stacks, ga->stack_id);
    f->min_minutes = GM_MIN(ga->minutes, gb->minutes);
    f->max_minutes = GM_MAX(ga->minutes, gb->minutes);
    snprintf(f->why, sizeof(f->why),
             "goroutine %llu waits for 0x%llx held by goroutine %llu, which waits "
             "for 0x%llx held by goroutine %llu",
             (unsigned long long)gm_g_id(ga), (unsigned long long)ga->wait_obj,
             (unsigned long long)gm_g_id(gb), (unsigned long long)gb->wait_obj,
             (unsigned long long)gm_g_id(ga));
    return f;
}

/* Counts ga and gb in f (each goroutine once) and lists their ids while there is room. */
static void add_pair(struct gm_finding *f, const struct gm_goroutine *ga,
                     const struct gm_goroutine *gb)
{
    for (int k = 0; k < 2; k++) {
        const struct gm_goroutine *g = k ? gb : ga;
        int seen = 0;
        for (uint32_t m = 0; m < f->ids_nr; m++) {
            seen |= f->ids[m] == gm_g_id(g);
        }
        if (!seen) {
            if (f->ids_nr < GM_BUCKET_IDS) {
                f->ids[f->ids_nr++] = gm_g_id(g);
            }
            f->count++;
        }
    }
}

/* The goroutines of the cycle (f) are explained: takes each out of the mutex-wait finding of its
 * own user function, and drops the findings left empty. */
static void explain_waiters(const struct gm_gdump_set *set, const struct gm_dump *d,
                            struct gm_findings *out, struct gm_finding *f)
{
    for (uint32_t k = 0; k < f->ids_nr; k++) {
        const struct gm_goroutine *g = NULL;
        for (uint32_t gi = d->first; gi < d->first + d->nr; gi++) {
            if (gm_g_id(gm_gdump_g(set, gi)) == f->ids[k]) {
                g = gm_gdump_g(set, gi);
                break;
            }
        }
        if (!g) {
            continue;
        }
        uint32_t uf = gm_stack_user_frame(&set->stacks, g->stack_id);
        for (uint32_t i = 0; i < out->nr; i++) {
            struct gm_finding *m = &out->v[i];
            if (m != f && strcmp(m->kind->id, "mutex-wait") == 0 && m->count &&
                m->user_frame != GM_NO_FRAME && uf != GM_NO_FRAME &&
                gm_stacks_get_frame(&set->stacks, m->user_frame)->func_id ==
                    gm_stacks_get_frame(&set->stacks, uf)->func_id) {
                m->count--;
                break;
            }
        }
    }
    uint32_t w = 0;
    for (uint32_t i = 0; i < out->nr; i++) {
        if (out->v[i].count) {
            out->v[w++] = out->v[i];
        }
    }
    out->nr = w;
}

int gm_deadlocks_add(const struct gm_gdump_set *set, uint32_t dump, struct gm_findings *out,
                     uint32_t *alloc)
{
    const struct gm_dump *d = &set->dumps[dump];
    struct gm_finding *f = NULL;
    /* waiters of this dump sorted by the lock they wait for: candidates are found by binary
     * search, so the pass is O(n log n) even with 10^5 waiters */
    struct lockref *refs = gm_xmalloc(((size_t)set->locks_nr + 1) * sizeof(*refs));
    if (!refs) {
        return GM_ENOMEM;
    }
    size_t nr = lock_refs(set, d, refs);
    for (size_t ia = 0; ia < nr; ia++) {
        const struct gm_lockwait *a = &set->locks[refs[ia].lw];
        const struct gm_goroutine *ga = gm_gdump_g(set, a->g);
        for (uint32_t h = 0; h < a->nr; h++) {
            if (a->held[h] == ga->wait_obj) {
                continue;
            }
            for (size_t ib = first_waiter(refs, nr, a->held[h]);
                 ib < nr && covers(a->held[h], refs[ib].obj); ib++) {
                const struct gm_lockwait *b = &set->locks[refs[ib].lw];
                const struct gm_goroutine *gb = gm_gdump_g(set, b->g);
                if (refs[ib].lw <= refs[ia].lw || ga->wait_obj == gb->wait_obj ||
                    !holds(b, ga->wait_obj, gb->wait_obj)) {
                    continue;
                }
                if (!f && !(f = new_deadlock(set, out, alloc, ga, gb))) {
                    free(refs);
                    return GM_ENOMEM;
                }
                add_pair(f, ga, gb);
            }
        }
    }
    free(refs);
    if (f) {
        f->severity = GM_SEV_CRITICAL;
        f->buckets = 1;
        explain_waiters(set, d, out, f);
    }
    return 0;
}
