/* The goroutine id set (gm/idset.h): small ids in the bitmap, large ones hashed, clear. */
#include <criterion/criterion.h>

#include "gm/idset.h"

Test(idset, small_and_large_ids)
{
    struct gm_idset s;
    gm_idset_init(&s);
    uint64_t ids[] = {1, 63, 64, 100000, GM_IDSET_BITS - 1, GM_IDSET_BITS, UINT64_MAX - 1};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        cr_assert_not(gm_idset_has(&s, ids[i]));
        cr_assert_eq(gm_idset_add(&s, ids[i]), 0);
        cr_assert(gm_idset_has(&s, ids[i]), "id %llu", (unsigned long long)ids[i]);
    }
    cr_assert_eq(gm_idset_add(&s, GM_IDSET_BITS), 0, "adding twice is harmless");
    cr_assert_eq(s.big_nr, 2u);
    cr_assert_not(gm_idset_has(&s, 2));
    cr_assert_not(gm_idset_has(&s, GM_IDSET_BITS + 1));
    gm_idset_clear(&s);
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        cr_assert_not(gm_idset_has(&s, ids[i]), "cleared: %llu", (unsigned long long)ids[i]);
    }
    cr_assert_eq(gm_idset_add(&s, GM_IDSET_BITS + 5), 0);
    cr_assert(gm_idset_has(&s, GM_IDSET_BITS + 5));
    gm_idset_release(&s);
}
