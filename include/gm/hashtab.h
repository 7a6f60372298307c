/*
 * gm/hashtab.h - the library's one open-addressing hash table.
 *
 * An index from a 32-bit hash to 32-bit values; the value is usually the position of an
 * element in the owner's array, and the element holds the key. Each slot is 8 bytes,
 * (hash << 32 | value + 1), 0 when empty; linear probing; the table is kept at most half full
 * (3/4 for a dense one: big tables that are probed less often than they are big, like the
 * children of a call tree) and grows by rehashing its own slots (it never calls back into the
 * owner). A lookup compares the stored hash before the owner compares keys, so a probe costs one
 * cache miss in the common case. Allocations go through the counted allocator.
 *
 *     uint32_t pos = gm_htab_probe(&t, h), v;
 *     while ((v = gm_htab_next(&t, h, &pos)) != GM_HTAB_END) {
 *         if (key_equals(&items[v], key)) return v;
 *     }
 *     GM_TRY(gm_htab_add(&t, h, new_index));
 *
 * Hashes of small integer keys go through gm_hash_u64() first: the slot is taken from the
 * low bits of the hash.
 */
#ifndef GM_HASHTAB_H
#define GM_HASHTAB_H

#include <stdint.h>

#define GM_HTAB_END UINT32_MAX

struct gm_htab {
    uint64_t *slots; /* (hash << 32) | (value + 1); 0 = empty */
    uint32_t mask;   /* slots - 1 */
    uint32_t nr;     /* entries */
    uint32_t limit;  /* entries before the table grows */
    uint32_t dense;  /* 1: kept 3/4 full, 0: half full */
};

/* An empty table with room for expect entries before it first grows. 0 or GM_ENOMEM. */
int gm_htab_init(struct gm_htab *t, uint64_t expect);
/* The same, kept at most 3/4 full: less memory, longer probes. */
int gm_htab_init_dense(struct gm_htab *t, uint64_t expect);
void gm_htab_release(struct gm_htab *t);
/* Empties the table, keeping its slots. */
void gm_htab_clear(struct gm_htab *t);
/* Adds value (< UINT32_MAX) under hash; does not look for an equal entry first. Grows the
 * table before it is fuller than it may be. 0; GM_ENOMEM or GM_ETOOBIG (2^31 slots) with the
 * table unchanged. */
static inline int gm_htab_add(struct gm_htab *t, uint32_t hash, uint32_t value);
int gm_htab_add_grow(struct gm_htab *t, uint32_t hash, uint32_t value);

/* Where the probe for hash starts. */
static inline uint32_t gm_htab_probe(const struct gm_htab *t, uint32_t hash)
{
    return hash & t->mask;
}

/* The next value stored under hash from *pos on (advancing *pos past it), or GM_HTAB_END when
 * the probe reaches an empty slot. */
static inline uint32_t gm_htab_next(const struct gm_htab *t, uint32_t hash, uint32_t *pos)
{
    for (;;) {
        uint64_t s = t->slots[*pos];
        if (!s) {
            return GM_HTAB_END;
        }
        *pos = (*pos + 1) & t->mask;
        if ((uint32_t)(s >> 32) == hash) {
            return (uint32_t)s - 1;
        }
    }
}

static inline int gm_htab_add(struct gm_htab *t, uint32_t hash, uint32_t value)
{
    if (t->nr >= t->limit || value == UINT32_MAX) {
        return gm_htab_add_grow(t, hash, value); /* grows first (and checks value) */
    }
    uint32_t i = hash & t->mask;
    while (t->slots[i]) {
        i = (i + 1) & t->mask;
    }
    t->slots[i] = (uint64_t)hash << 32 | ((uint64_t)value + 1);
    t->nr++;
    return 0;
}

/* A 32-bit hash of an integer key (ids, addresses, pairs packed into 64 bits). */
static inline uint32_t gm_hash_u64(uint64_t key)
{
    return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32);
}

/* A map from 64-bit keys (ids, addresses) to 32-bit values on the table above, for owners that
 * have no array of their own holding the keys. Zeroed memory is an empty map; the first put
 * allocates. */
struct gm_u64map {
    struct gm_htab idx; /* gm_hash_u64(key) -> entry */
    uint64_t *keys;     /* per entry, in insertion order */
    uint32_t *vals;
    uint32_t nr, alloc;
};

void gm_u64map_release(struct gm_u64map *m);
/* The value under key, or GM_HTAB_END. */
uint32_t gm_u64map_get(const struct gm_u64map *m, uint64_t key);
/* Stores val (< UINT32_MAX) under key: 0; 1 when key is present already (its value kept);
 * GM_ENOMEM or GM_ETOOBIG with the map unchanged. */
int gm_u64map_put(struct gm_u64map *m, uint64_t key, uint32_t val);

#endif
