/*
 * Bucketing: one pass over the dump's goroutine records with an open-addressing table keyed on
 * integer ids, then one sort of the (few) buckets. Distinct wait objects per bucket are
 * counted with a second small pass over a sorted (bucket, object) array.
 */
#include "gm/bucket.h"
#include "gm/arena.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define OBJECTS_CAP 1000000u

static uint64_t key_hash(const struct gm_bucket *b)
{
    uint64_t h = b->stack_id * 0x9E3779B97F4A7C15ull;
    h ^= (b->state_id + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
    h ^= b->args_hash;
    h ^= (uint64_t)b->labels_id << 32;
    h ^= (uint64_t)b->key_flags << 17;
    return h ^ (h >> 29);
}

static int key_eq(const struct gm_bucket *a, const struct gm_bucket *b)
{
    return a->stack_id == b->stack_id && a->state_id == b->state_id &&
           a->args_hash == b->args_hash && a->labels_id == b->labels_id &&
           a->key_flags == b->key_flags;
}

static int cmp_bucket(const void *x, const void *y)
{
    const struct gm_bucket *a = x, *b = y;
    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    return a->first_g < b->first_g ? -1 : a->first_g > b->first_g;
}

struct objpair {
    uint32_t bucket;
    uint64_t obj;
};

int gm_bucket_dump(const struct gm_gdump_set *set, uint32_t dump, unsigned flags,
                   struct gm_buckets *out)
{
    const struct gm_dump *d = &set->dumps[dump];
    int rc = 0;
    uint32_t mask = 255;
    while (mask < d->nr * 2u && mask < (1u << 30)) {
        mask = mask * 2 + 1;
    }
    uint32_t *slots = calloc((size_t)mask + 1, sizeof(uint32_t));
    uint32_t *g_bucket = malloc(((size_t)d->nr + 1) * sizeof(uint32_t));
    struct gm_bucket *v = NULL;
    struct objpair *objs = NULL;
    uint32_t nr = 0, alloc = 0, objs_nr = 0;
    memset(out, 0, sizeof(*out));
    if (!slots || !g_bucket || gm_fail_alloc_now()) {
        rc = GM_ENOMEM;
        goto out;
    }
    for (uint32_t k = 0; k < d->nr; k++) {
        uint32_t gi = d->first + k;
        const struct gm_goroutine *g = gm_gdump_g(set, gi);
        struct gm_bucket key;
        key.stack_id = g->stack_id;
        key.state_id = g->state_id;
        key.args_hash = (flags & GM_BUCKET_IGNORE_ARGS) ? 0 : g->args_hash;
        key.labels_id = (flags & GM_BUCKET_IGNORE_ARGS) ? 0 : g->labels_id;
        key.key_flags = g->flags & ((flags & GM_BUCKET_IGNORE_ARGS) ? GM_G_LEAKED
                                                                    : (GM_G_LEAKED | GM_G_LOCKED));
        uint32_t i = (uint32_t)key_hash(&key) & mask;
        uint32_t b;
        for (;;) {
            if (!slots[i]) {
                if (nr == alloc) {
                    uint32_t na = alloc ? alloc * 2 : 64;
                    struct gm_bucket *nv = gm_xrealloc(v, na * sizeof(*nv));
                    if (!nv) {
                        rc = GM_ENOMEM;
                        goto out;
                    }
                    v = nv;
                    alloc = na;
                }
                struct gm_bucket *nb = &v[nr];
                memset(nb, 0, sizeof(*nb));
                nb->stack_id = key.stack_id;
                nb->state_id = key.state_id;
                nb->args_hash = key.args_hash;
                nb->labels_id = key.labels_id;
                nb->key_flags = key.key_flags;
                nb->first_g = gi;
                nb->min_minutes = UINT32_MAX;
                slots[i] = ++nr;
                b = nr - 1;
                break;
            }
            if (key_eq(&v[slots[i] - 1], &key)) {
                b = slots[i] - 1;
                break;
            }
            i = (i + 1) & mask;
        }
        assert(v != NULL);
        struct gm_bucket *bk = &v[b];
        bk->count += g->weight;
        bk->records++;
        bk->flags |= g->flags;
        bk->min_minutes = GM_MIN(bk->min_minutes, g->minutes);
        bk->max_minutes = GM_MAX(bk->max_minutes, g->minutes);
        if (bk->ids_nr < GM_BUCKET_IDS && d->kind == GM_DUMP_FULL) {
            bk->ids[bk->ids_nr++] = g->id;
        }
        g_bucket[k] = b;
        if (g->wait_obj && (flags & GM_BUCKET_IGNORE_ARGS)) {
            objs_nr++;
        }
    }
    /* distinct wait objects per bucket: a set of (bucket, object) keys */
    if (objs_nr) {
        uint32_t omask = 255;
        while (omask < objs_nr * 2u && omask < (1u << 30)) {
            omask = omask * 2 + 1;
        }
        objs = calloc((size_t)omask + 1, sizeof(*objs));
        if (!objs) {
            rc = GM_ENOMEM;
            goto out;
        }
        for (uint32_t k = 0; k < d->nr; k++) {
            const struct gm_goroutine *g = gm_gdump_g(set, d->first + k);
            if (!g->wait_obj) {
                continue;
            }
            uint64_t h = (g->wait_obj ^ ((uint64_t)g_bucket[k] << 40)) * 0x9E3779B97F4A7C15ull;
            uint32_t i2 = (uint32_t)(h >> 32) & omask;
            while (objs[i2].obj &&
                   !(objs[i2].obj == g->wait_obj && objs[i2].bucket == g_bucket[k])) {
                i2 = (i2 + 1) & omask;
            }
            if (!objs[i2].obj) {
                objs[i2].obj = g->wait_obj;
                objs[i2].bucket = g_bucket[k];
                struct gm_bucket *bk = &v[g_bucket[k]];
                bk->objects++;
                bk->object = bk->objects == 1 ? g->wait_obj : 0;
            }
        }
    }
    for (uint32_t k = 0; k < nr; k++) {
        if (v[k].min_minutes == UINT32_MAX) {
            v[k].min_minutes = 0;
        }
    }
    if (nr) {
        qsort(v, nr, sizeof(*v), cmp_bucket);
    }
    out->v = v;
    out->nr = nr;
    v = NULL;
out:
    free(slots);
    free(g_bucket);
    free(objs);
    free(v);
    return rc;
}

void gm_buckets_release(struct gm_buckets *b)
{
    free(b->v);
    b->v = NULL;
    b->nr = 0;
}
