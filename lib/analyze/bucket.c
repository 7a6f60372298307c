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
#include "gm/hashtab.h"

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
    int all = !ign || (flags & GM_BUCKET_KEEP_LABELS); /* labels and locked stay in the key */
    k->stack_id = g->stack_id;
    k->state_id = g->state_id;
    k->args_hash = ign ? 0 : g->args_hash;
    k->labels_id = all ? gm_g_labels(g) : 0;
    k->key_flags =
        g->flags & (all ? (GM_G_LEAKED | GM_G_PROVEN | GM_G_LOCKED) : (GM_G_LEAKED | GM_G_PROVEN));
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

/* A bucket of pass 1. n counts goroutines (saturating below EXCLUDED); EXCLUDED marks a bucket
 * the filter rejected. */
struct slot {
    uint32_t g1; /* set index + 1 of the bucket's first goroutine */
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

/* The bucket of key among tab (whose first goroutines are compared), or GM_HTAB_END. */
static uint32_t find_slot(const struct gm_gdump_set *set, const struct gm_htab *idx,
                          const struct slot *tab, const struct key *key, uint32_t h, unsigned flags)
{
    uint32_t pos = gm_htab_probe(idx, h), e;
    if (!tab) {
        return GM_HTAB_END; /* nothing added yet */
    }
    while ((e = gm_htab_next(idx, h, &pos)) != GM_HTAB_END &&
           !key_eq_g(key, gm_gdump_g(set, tab[e].g1 - 1), flags)) {
    }
    return e;
}

/* Pass 1: counts every bucket, then picks the ones to keep into *keep (sorted best first). The
 * index is sized for one bucket per goroutine; calloc'ed, only its touched pages count. */
static int count_and_pick(const struct gm_gdump_set *set, const struct gm_dump *d,
                          const struct gm_bucket_opts *o, struct cand **keep, uint32_t *keep_nr,
                          struct gm_buckets *out, uint64_t *goroutines)
{
    struct gm_htab idx;
    struct slot *tab = NULL;
    uint32_t tab_nr = 0, tab_alloc = 0;
    GM_TRY(gm_htab_init(&idx, d->nr));
    uint64_t total_g = 0;
    int rc = 0;
    for (uint32_t k = 0; k < d->nr; k++) {
        uint32_t gi = d->first + k;
        const struct gm_goroutine *g = gm_gdump_g(set, gi);
        struct key key;
        key_of(g, o->flags, &key);
        uint32_t h = (uint32_t)key_hash(&key), e = find_slot(set, &idx, tab, &key, h, o->flags);
        if (e == GM_HTAB_END) {
            if ((tab_nr == tab_alloc && (rc = GM_GROW(tab, tab_alloc, 256)) < 0) ||
                (rc = gm_htab_add(&idx, h, tab_nr)) < 0) {
                goto out;
            }
            e = tab_nr++;
            tab[e].g1 = gi + 1;
            tab[e].n = 0;
            if (o->keep && !o->keep(o->keep_ctx, key.stack_id, key.state_id)) {
                tab[e].n = EXCLUDED;
            } else {
                out->total++;
            }
        }
        struct slot *sl = &tab[e];
        if (!(sl->n & EXCLUDED)) {
            uint64_t n = (uint64_t)sl->n + gm_g_weight(g);
            sl->n = n >= EXCLUDED ? EXCLUDED - 1 : (uint32_t)n;
            total_g += gm_g_weight(g);
        }
    }
    uint32_t cap = o->max && o->max < out->total ? o->max : out->total;
    struct cand *hp = gm_xrealloc(NULL, ((size_t)cap + 1) * sizeof(*hp));
    if (!hp) {
        rc = GM_ENOMEM;
        goto out;
    }
    uint32_t nr = 0;
    for (uint32_t e = 0; e < tab_nr; e++) {
        if (!(tab[e].n & EXCLUDED)) {
            struct cand c = {tab[e].n, tab[e].g1};
            if (cap == out->total) {
                hp[nr++] = c;
            } else {
                heap_offer(hp, &nr, cap, c);
            }
        }
    }
    if (nr) {
        qsort(hp, nr, sizeof(*hp), cmp_cand);
    }
    *keep = hp;
    *keep_nr = nr;
    *goroutines = total_g;
out:
    gm_htab_release(&idx);
    free(tab);
    return rc;
}

/* Counts each kept bucket's distinct wait objects: a set of goroutine indices keyed on
 * (bucket, object), sized for every goroutine. */
static int count_object(const struct gm_gdump_set *set, struct gm_htab *objs, const struct key *key,
                        unsigned flags, uint32_t gi, uint32_t r, struct gm_bucket *bk)
{
    const struct gm_goroutine *g = gm_gdump_g(set, gi);
    uint32_t h = gm_hash_u64(g->wait_obj ^ ((uint64_t)r << 40)), pos = gm_htab_probe(objs, h), o;
    while ((o = gm_htab_next(objs, h, &pos)) != GM_HTAB_END) {
        const struct gm_goroutine *og = gm_gdump_g(set, o);
        if (og->wait_obj == g->wait_obj && key_eq_g(key, og, flags)) {
            return 0;
        }
    }
    GM_TRY(gm_htab_add(objs, h, gi));
    bk->objects++;
    bk->object = bk->objects == 1 ? g->wait_obj : 0;
    return 0;
}

/* Pass 2 starts: the kept buckets with their keys, and an index of them by key hash. */
static int kept_buckets(const struct gm_gdump_set *set, const struct cand *keep, uint32_t keep_nr,
                        unsigned flags, struct gm_bucket *v, struct gm_htab *kidx)
{
    GM_TRY(gm_htab_init(kidx, keep_nr));
    for (uint32_t r = 0; r < keep_nr; r++) {
        struct gm_bucket *b = &v[r];
        struct key key;
        key_of(gm_gdump_g(set, keep[r].g1 - 1), flags, &key);
        memset(b, 0, sizeof(*b));
        b->stack_id = key.stack_id;
        b->state_id = key.state_id;
        b->args_hash = key.args_hash;
        b->labels_id = key.labels_id;
        b->key_flags = key.key_flags;
        b->first_g = keep[r].g1 - 1;
        b->min_minutes = UINT32_MAX;
        GM_TRY(gm_htab_add(kidx, (uint32_t)key_hash(&key), r));
    }
    return 0;
}

int gm_bucket_select(const struct gm_gdump_set *set, uint32_t dump, const struct gm_bucket_opts *o,
                     struct gm_buckets *out)
{
    const struct gm_dump *d = &set->dumps[dump];
    struct cand *keep = NULL;
    uint32_t keep_nr = 0;
    struct gm_htab kidx = {0}, objs = {0};
    uint64_t goroutines = 0;
    memset(out, 0, sizeof(*out));
    int rc = count_and_pick(set, d, o, &keep, &keep_nr, out, &goroutines);
    if (rc < 0) {
        return rc;
    }
    struct gm_bucket *v = gm_xrealloc(NULL, ((size_t)keep_nr + 1) * sizeof(*v));
    rc = v ? kept_buckets(set, keep, keep_nr, o->flags, v, &kidx) : GM_ENOMEM;
    if (rc < 0) {
        goto out;
    }
    int want_objs = (o->flags & GM_BUCKET_IGNORE_ARGS) != 0 && keep_nr;
    if (want_objs && (rc = gm_htab_init(&objs, d->nr)) < 0) {
        goto out;
    }
    uint64_t kept_g = 0;
    for (uint32_t k = 0; k < d->nr; k++) {
        uint32_t gi = d->first + k;
        const struct gm_goroutine *g = gm_gdump_g(set, gi);
        struct key key;
        key_of(g, o->flags, &key);
        uint32_t h = (uint32_t)key_hash(&key), pos = gm_htab_probe(&kidx, h), r;
        while ((r = gm_htab_next(&kidx, h, &pos)) != GM_HTAB_END && !key_eq_bucket(&key, &v[r])) {
        }
        if (r == GM_HTAB_END) {
            continue; /* not kept (or filtered out) */
        }
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
        if (want_objs && g->wait_obj &&
            (rc = count_object(set, &objs, &key, o->flags, gi, r, bk)) < 0) {
            goto out;
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
    gm_htab_release(&kidx);
    gm_htab_release(&objs);
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
