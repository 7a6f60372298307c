/* The open-addressing hash table (gm/hashtab.h). */
#include "gm/hashtab.h"
#include "gm/alloc.h"
#include "gm/base.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define SLOTS_MIN 64u
#define SLOTS_MAX (1u << 31)

/* Entries n slots hold before growing: half, or 3/4 when dense. */
static uint32_t limit_of(uint64_t n, int dense)
{
    return (uint32_t)(dense ? n / 4 * 3 : n / 2);
}

static int init(struct gm_htab *t, uint64_t expect, int dense)
{
    uint64_t n = SLOTS_MIN;
    while (limit_of(n, dense) < expect + 1 && n < SLOTS_MAX) {
        n *= 2;
    }
    memset(t, 0, sizeof(*t));
    t->slots = gm_xcalloc((size_t)n, sizeof(*t->slots));
    if (!t->slots) {
        return GM_ENOMEM;
    }
    t->mask = (uint32_t)(n - 1);
    t->dense = (uint32_t)dense;
    t->limit = limit_of(n, dense);
    return 0;
}

int gm_htab_init(struct gm_htab *t, uint64_t expect)
{
    return init(t, expect, 0);
}

int gm_htab_init_dense(struct gm_htab *t, uint64_t expect)
{
    return init(t, expect, 1);
}

void gm_htab_release(struct gm_htab *t)
{
    free(t->slots);
    memset(t, 0, sizeof(*t));
}

void gm_htab_clear(struct gm_htab *t)
{
    if (t->nr) {
        memset(t->slots, 0, ((size_t)t->mask + 1) * sizeof(*t->slots));
        t->nr = 0;
    }
}

static void place(uint64_t *slots, uint32_t mask, uint64_t s)
{
    uint32_t i = (uint32_t)(s >> 32) & mask;
    while (slots[i]) {
        i = (i + 1) & mask;
    }
    slots[i] = s;
}

static int grow(struct gm_htab *t)
{
    uint64_t n = ((uint64_t)t->mask + 1) * 2;
    if (n > SLOTS_MAX) {
        return GM_ETOOBIG;
    }
    uint64_t *slots = gm_xcalloc((size_t)n, sizeof(*slots));
    if (!slots) {
        return GM_ENOMEM;
    }
    for (uint64_t i = 0; i <= t->mask; i++) {
        if (t->slots[i]) {
            place(slots, (uint32_t)(n - 1), t->slots[i]);
        }
    }
    free(t->slots);
    t->slots = slots;
    t->mask = (uint32_t)(n - 1);
    t->limit = limit_of(n, (int)t->dense);
    return 0;
}

int gm_htab_add_grow(struct gm_htab *t, uint32_t hash, uint32_t value)
{
    GM_ASSERT(t->slots && value != UINT32_MAX);
    if (t->nr >= t->limit) {
        GM_TRY(grow(t));
    }
    place(t->slots, t->mask, (uint64_t)hash << 32 | ((uint64_t)value + 1));
    t->nr++;
    return 0;
}

void gm_u64map_release(struct gm_u64map *m)
{
    gm_htab_release(&m->idx);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

uint32_t gm_u64map_get(const struct gm_u64map *m, uint64_t key)
{
    if (!m->nr) {
        return GM_HTAB_END;
    }
    uint32_t h = gm_hash_u64(key), pos = gm_htab_probe(&m->idx, h), e;
    while ((e = gm_htab_next(&m->idx, h, &pos)) != GM_HTAB_END) {
        if (m->keys[e] == key) {
            return m->vals[e];
        }
    }
    return GM_HTAB_END;
}

int gm_u64map_put(struct gm_u64map *m, uint64_t key, uint32_t val)
{
    if (gm_u64map_get(m, key) != GM_HTAB_END) {
        return 1;
    }
    if (!m->idx.slots) {
        GM_TRY(gm_htab_init(&m->idx, 64));
    }
    if (m->nr == m->alloc) {
        uint32_t cap = m->alloc;
        GM_TRY(GM_GROW(m->keys, cap, 64));
        cap = m->alloc;
        GM_TRY(GM_GROW(m->vals, cap, 64));
        m->alloc = cap;
    }
    GM_TRY(gm_htab_add(&m->idx, gm_hash_u64(key), m->nr));
    m->keys[m->nr] = key;
    m->vals[m->nr++] = val;
    return 0;
}
