/*
 * Bucketing in two passes over the dump's goroutine records.
 *
 * Pass 1 counts: an open-addressing table of 8-byte slots (first goroutine of the bucket,
 * goroutines in it), sized for one bucket per goroutine but calloc'ed, so only the pages that
 * buckets land on are touched (49 stacks touch 49 pages). The buckets to keep are then chosen
 * from the table: a bounded heap for the largest `max`, a sort when all are wanted; the table is
 * freed. Pass 2 looks every goroutine up in a small table of the kept buckets and fills in
 * their details (ids, ages, flags, distinct wait objects). Buckets that are not kept never get
 * a struct gm_bucket.
 */
#include "gm/bucket.h"
#include "gm/alloc.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct key {
    uint32_t stack_id, state_id, labels_id, key_flags;
    uint64_t args_hash;
};

static void key_of(const struct gm_goroutine *g, unsigned flags, struct key *k)
{
    int ign = (flags & GM_BUCKET_IGNORE_ARGS) != 0;
    k->stack_id = g->stack_id;
    k->state_id = g->state_id;
    k->args_hash = ign ? 0 : g->args_hash;
    k->labels_id = ign ? 0 : gm_g_labels(g);
    k->key_flags =
        g->flags & (ign ? (GM_G_LEAKED | GM_G_PROVEN) : (GM_G_LEAKED | GM_G_PROVEN | GM_G_LOCKED));
}

static uint64_t key_hash(const struct key *k)
{
    uint64_t h = k->stack_id * 0x9E3779B97F4A7C15ull;
    h ^= (k->state_id + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
    h ^= k->args_hash;
    h ^= (uint64_t)k->labels_id << 32;
    h ^= (uint64_t)k->key_flags << 17;
    h ^= h >> 29;
    return h * 0xBF58476D1CE4E5B9ull ^ (h >> 32);
}

static int key_eq(const struct key *a, const struct key *b)
{
    return a->stack_id == b->stack_id && a->state_id == b->state_id &&
           a->args_hash == b->args_hash && a->labels_id == b->labels_id &&
           a->key_flags == b->key_flags;
}

static int key_eq_g(const struct key *a, const struct gm_goroutine *g, unsigned flags)
{
    struct key b;
    key_of(g, flags, &b);
    return key_eq(a, &b);
}

static int key_eq_bucket(const struct key *a, const struct gm_bucket *b)
{
    return a->stack_id == b->stack_id && a->state_id == b->state_id &&
           a->args_hash == b->args_hash && a->labels_id == b->labels_id &&
           a->key_flags == b->key_flags;
}

/* Pass-1 slot. n counts goroutines (saturating below EXCLUDED); EXCLUDED marks a bucket the
 * filter rejected. */
struct slot {
    uint32_t g1; /* set index + 1 of the bucket's first goroutine; 0 = empty */
    uint32_t n;
};
#define EXCLUDED 0x80000000u

/* A candidate for keeping: better = more goroutines, then earlier first goroutine. */
struct cand {
    uint32_t n, g1;
};

static int better(const struct cand *a, const struct cand *b)
{
    return a->n != b->n ? a->n > b->n : a->g1 < b->g1;
}

static int cmp_cand(const void *x, const void *y)
{
    const struct cand *a = x, *b = y;
    return better(a, b) ? -1 : better(b, a);
}

/* Bounded heap of the best `cap` candidates; the worst kept one at the root. */
static void heap_offer(struct cand *h, uint32_t *nr, uint32_t cap, struct cand c)
{
    uint32_t i;
    if (*nr < cap) {
        i = (*nr)++;
        while (i && better(&h[(i - 1) / 2], &c)) {
            h[i] = h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h[i] = c;
        return;
    }
    if (!better(&c, &h[0])) {
        return;
    }
    i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, w = i;
        const struct cand *worst = &c;
        if (l < *nr && better(worst, &h[l])) {
            w = l;
            worst = &h[l];
        }
        if (l + 1 < *nr && better(worst, &h[l + 1])) {
            w = l + 1;
        }
        if (w == i) {
            break;
        }
        h[i] = h[w];
        i = w;
    }
    h[i] = c;
}

static uint32_t table_mask(uint64_t entries)
{
    uint64_t mask = 63;
    while (mask < entries * 2 && mask < (1u << 31) - 1) {
        mask = mask * 2 + 1;
    }
    return (uint32_t)mask;
}

/* Pass 1: counts every bucket, then picks the ones to keep into *keep (sorted best first). */
static int count_and_pick(const struct gm_gdump_set *set, const struct gm_dump *d,
                          const struct gm_bucket_opts *o, struct cand **keep, uint32_t *keep_nr,
                          struct gm_buckets *out, uint64_t *goroutines)
{
    uint32_t mask = table_mask(d->nr);
    struct slot *tab = gm_xcalloc((size_t)mask + 1, sizeof(*tab));
    if (!tab) {
        return GM_ENOMEM;
    }
    uint64_t total_g = 0;
    for (uint32_t k = 0; k < d->nr; k++) {
        uint32_t gi = d->first + k;
        const struct gm_goroutine *g = gm_gdump_g(set, gi);
        struct key key;
        key_of(g, o->flags, &key);
        uint32_t i = (uint32_t)key_hash(&key) & mask;
        struct slot *s;
        for (;;) {
            s = &tab[i];
            if (!s->g1) {
                s->g1 = gi + 1;
                s->n = 0;
                if (o->keep && !o->keep(o->keep_ctx, key.stack_id, key.state_id)) {
                    s->n = EXCLUDED;
                } else {
                    out->total++;
                }
                break;
            }
            if (key_eq_g(&key, gm_gdump_g(set, s->g1 - 1), o->flags)) {
                break;
            }
            i = (i + 1) & mask;
        }
        if (!(s->n & EXCLUDED)) {
            uint64_t n = (uint64_t)s->n + gm_g_weight(g);
            s->n = n >= EXCLUDED ? EXCLUDED - 1 : (uint32_t)n;
            total_g += gm_g_weight(g);
        }
    }
    uint32_t cap = o->max && o->max < out->total ? o->max : out->total;
    struct cand *h = gm_xrealloc(NULL, ((size_t)cap + 1) * sizeof(*h));
    if (!h) {
        free(tab);
        return GM_ENOMEM;
    }
    uint32_t nr = 0;
    for (uint32_t i = 0; i <= mask; i++) {
        if (tab[i].g1 && !(tab[i].n & EXCLUDED)) {
            struct cand c = {tab[i].n, tab[i].g1};
            if (cap == out->total) {
                h[nr++] = c;
            } else {
                heap_offer(h, &nr, cap, c);
            }
        }
    }
    free(tab);
    if (nr) {
        qsort(h, nr, sizeof(*h), cmp_cand);
    }
    *keep = h;
    *keep_nr = nr;
    *goroutines = total_g;
    return 0;
}

int gm_bucket_select(const struct gm_gdump_set *set, uint32_t dump, const struct gm_bucket_opts *o,
                     struct gm_buckets *out)
{
    const struct gm_dump *d = &set->dumps[dump];
    struct cand *keep = NULL;
    uint32_t keep_nr = 0, *ktab = NULL, *objs = NULL;
    uint64_t goroutines = 0;
    memset(out, 0, sizeof(*out));
    int rc = count_and_pick(set, d, o, &keep, &keep_nr, out, &goroutines);
    if (rc < 0) {
        return rc;
    }
    struct gm_bucket *v = gm_xrealloc(NULL, ((size_t)keep_nr + 1) * sizeof(*v));
    uint32_t kmask = table_mask(keep_nr);
    ktab = gm_xcalloc((size_t)kmask + 1, sizeof(*ktab));
    if (!v || !ktab) {
        rc = GM_ENOMEM;
        goto out;
    }
    for (uint32_t r = 0; r < keep_nr; r++) {
        struct gm_bucket *b = &v[r];
        struct key key;
        key_of(gm_gdump_g(set, keep[r].g1 - 1), o->flags, &key);
        memset(b, 0, sizeof(*b));
        b->stack_id = key.stack_id;
        b->state_id = key.state_id;
        b->args_hash = key.args_hash;
        b->labels_id = key.labels_id;
        b->key_flags = key.key_flags;
        b->first_g = keep[r].g1 - 1;
        b->min_minutes = UINT32_MAX;
        uint32_t i = (uint32_t)key_hash(&key) & kmask;
        while (ktab[i]) {
            i = (i + 1) & kmask;
        }
        ktab[i] = r + 1;
    }
    /* distinct wait objects per bucket: a set of goroutine indices keyed on (bucket, object),
     * sized for every goroutine but calloc'ed like the pass-1 table (only used slots count) */
    int want_objs = (o->flags & GM_BUCKET_IGNORE_ARGS) != 0 && keep_nr;
    uint32_t omask = table_mask(d->nr);
    if (want_objs) {
        objs = gm_xcalloc((size_t)omask + 1, sizeof(*objs));
        if (!objs) {
            rc = GM_ENOMEM;
            goto out;
        }
    }
    uint64_t kept_g = 0;
    for (uint32_t k = 0; k < d->nr; k++) {
        uint32_t gi = d->first + k;
        const struct gm_goroutine *g = gm_gdump_g(set, gi);
        struct key key;
        key_of(g, o->flags, &key);
        uint32_t i = (uint32_t)key_hash(&key) & kmask;
        while (ktab[i] && !key_eq_bucket(&key, &v[ktab[i] - 1])) {
            i = (i + 1) & kmask;
        }
        if (!ktab[i]) {
            continue; /* not kept (or filtered out) */
        }
        uint32_t r = ktab[i] - 1;
        struct gm_bucket *bk = &v[r];
        bk->count += gm_g_weight(g);
        kept_g += gm_g_weight(g);
        bk->records++;
        bk->flags |= g->flags;
        bk->min_minutes = GM_MIN(bk->min_minutes, g->minutes);
        bk->max_minutes = GM_MAX(bk->max_minutes, g->minutes);
        if (bk->ids_nr < GM_BUCKET_IDS && d->kind == GM_DUMP_FULL) {
            bk->ids[bk->ids_nr++] = gm_g_id(g);
        }
        if (want_objs && g->wait_obj) {
            uint64_t h = (g->wait_obj ^ ((uint64_t)r << 40)) * 0x9E3779B97F4A7C15ull;
            uint32_t j = (uint32_t)(h >> 32) & omask;
            for (;;) {
                if (!objs[j]) {
                    objs[j] = gi + 1;
                    bk->objects++;
                    bk->object = bk->objects == 1 ? g->wait_obj : 0;
                    break;
                }
                const struct gm_goroutine *og = gm_gdump_g(set, objs[j] - 1);
                if (og->wait_obj == g->wait_obj && key_eq_g(&key, og, o->flags)) {
                    break;
                }
                j = (j + 1) & omask;
            }
        }
    }
    for (uint32_t r = 0; r < keep_nr; r++) {
        if (v[r].min_minutes == UINT32_MAX) {
            v[r].min_minutes = 0;
        }
    }
    out->v = v;
    out->nr = keep_nr;
    out->rest = goroutines - kept_g;
    v = NULL;
out:
    free(keep);
    free(ktab);
    free(objs);
    free(v);
    if (rc < 0) {
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

int gm_bucket_dump(const struct gm_gdump_set *set, uint32_t dump, unsigned flags,
                   struct gm_buckets *out)
{
    struct gm_bucket_opts o;
    memset(&o, 0, sizeof(o));
    o.flags = flags;
    return gm_bucket_select(set, dump, &o, out);
}

void gm_buckets_release(struct gm_buckets *b)
{
    free(b->v);
    memset(b, 0, sizeof(*b));
}
