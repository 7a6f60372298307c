/* The open-addressing hash table (gm/hashtab.h): lookups through probes, growth, collisions. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "gm/base.h"
#include "gm/hashtab.h"

/* Looks key up in keys[] through the table: its index, or GM_HTAB_END. */
static uint32_t find(const struct gm_htab *t, const uint64_t *keys, uint64_t key, uint32_t h)
{
    uint32_t pos = gm_htab_probe(t, h), v;
    while ((v = gm_htab_next(t, h, &pos)) != GM_HTAB_END) {
        if (keys[v] == key) {
            return v;
        }
    }
    return GM_HTAB_END;
}

Test(hashtab, grows_and_keeps_every_entry)
{
    enum { N = 100000 };
    uint64_t *keys = calloc(N, sizeof(*keys));
    struct gm_htab t;
    cr_assert_eq(gm_htab_init(&t, 0), 0);
    uint32_t first_mask = t.mask;
    for (uint32_t i = 0; i < N; i++) {
        keys[i] = (uint64_t)i * 7919 + 3;
        cr_assert_eq(find(&t, keys, keys[i], gm_hash_u64(keys[i])), GM_HTAB_END);
        cr_assert_eq(gm_htab_add(&t, gm_hash_u64(keys[i]), i), 0);
    }
    cr_assert_eq(t.nr, (uint32_t)N);
    cr_assert_gt(t.mask, first_mask, "the table grew");
    cr_assert_leq((uint64_t)t.nr * 2, (uint64_t)t.mask + 1, "at most half full");
    for (uint32_t i = 0; i < N; i++) {
        cr_assert_eq(find(&t, keys, keys[i], gm_hash_u64(keys[i])), i);
    }
    cr_assert_eq(find(&t, keys, 5, gm_hash_u64(5)), GM_HTAB_END);
    gm_htab_release(&t);
    free(keys);
}

Test(hashtab, equal_hashes_are_told_apart_by_the_owner)
{
    /* every entry under one hash: the probe visits them all, in insertion order */
    uint64_t keys[] = {10, 20, 30, 40};
    struct gm_htab t;
    cr_assert_eq(gm_htab_init(&t, 4), 0);
    for (uint32_t i = 0; i < 4; i++) {
        cr_assert_eq(gm_htab_add(&t, 42, i), 0);
    }
    for (uint32_t i = 0; i < 4; i++) {
        cr_assert_eq(find(&t, keys, keys[i], 42), i);
    }
    cr_assert_eq(find(&t, keys, 50, 42), GM_HTAB_END);
    cr_assert_eq(find(&t, keys, 10, 43), GM_HTAB_END, "another hash never matches");
    gm_htab_release(&t);
}

Test(hashtab, init_reserves_room)
{
    struct gm_htab t;
    cr_assert_eq(gm_htab_init(&t, 1000), 0);
    uint32_t mask = t.mask;
    cr_assert_geq((uint64_t)mask + 1, 2000u);
    for (uint32_t i = 0; i < 1000; i++) {
        cr_assert_eq(gm_htab_add(&t, gm_hash_u64(i), i), 0);
    }
    cr_assert_eq(t.mask, mask, "no growth within the reserved room");
    gm_htab_release(&t);
    cr_assert_null(t.slots);
}

Test(hashtab, clear_empties_and_keeps_the_slots)
{
    uint64_t keys[] = {1, 2, 3};
    struct gm_htab t;
    cr_assert_eq(gm_htab_init(&t, 0), 0);
    for (uint32_t i = 0; i < 3; i++) {
        cr_assert_eq(gm_htab_add(&t, gm_hash_u64(keys[i]), i), 0);
    }
    uint64_t *slots = t.slots;
    gm_htab_clear(&t);
    cr_assert_eq(t.nr, 0u);
    cr_assert_eq(t.slots, slots);
    cr_assert_eq(find(&t, keys, 2, gm_hash_u64(2)), GM_HTAB_END);
    gm_htab_release(&t);
}

Test(u64map, put_get_and_duplicates)
{
    struct gm_u64map m = {0};
    cr_assert_eq(gm_u64map_get(&m, 7), GM_HTAB_END, "an empty map allocates nothing");
    for (uint32_t i = 0; i < 5000; i++) {
        cr_assert_eq(gm_u64map_put(&m, (uint64_t)i << 40 | 0xabc, i * 3), 0);
    }
    cr_assert_eq(gm_u64map_put(&m, (uint64_t)7 << 40 | 0xabc, 1), 1, "present: kept");
    for (uint32_t i = 0; i < 5000; i++) {
        cr_assert_eq(gm_u64map_get(&m, (uint64_t)i << 40 | 0xabc), i * 3);
    }
    cr_assert_eq(gm_u64map_get(&m, 0xabc + 1), GM_HTAB_END);
    gm_u64map_release(&m);
}

Test(hashtab, dense_tables_fill_to_three_quarters)
{
    struct gm_htab t;
    cr_assert_eq(gm_htab_init_dense(&t, 0), 0);
    for (uint32_t i = 0; i < 10000; i++) {
        cr_assert_eq(gm_htab_add(&t, gm_hash_u64(i), i), 0);
    }
    cr_assert_leq((uint64_t)t.nr * 4, ((uint64_t)t.mask + 1) * 3, "at most 3/4 full");
    cr_assert_gt((uint64_t)t.nr * 2, ((uint64_t)t.mask + 1) / 2,
                 "fuller than a plain table may be");
    gm_htab_release(&t);
}
