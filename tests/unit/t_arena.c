/* Unit tests of gm/arena.h: bump allocator. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gm/arena.h"

static int aligned16(const void *p)
{
    return ((uintptr_t)p & 15u) == 0;
}

Test(arena, alignment_is_16_for_every_size)
{
    struct gm_arena a;
    gm_arena_init(&a);
    for (size_t n = 0; n < 200; n++) {
        void *p = gm_arena_alloc(&a, n);
        cr_assert_not_null(p);
        cr_assert(aligned16(p), "alloc(%zu) = %p not 16-aligned", n, p);
    }
    void *z = gm_arena_zalloc(&a, 3);
    cr_assert(aligned16(z));
    char *s = gm_arena_strndup(&a, "abc", 3);
    cr_assert(aligned16(s));
    gm_arena_release(&a);
}

Test(arena, allocations_do_not_overlap)
{
    struct gm_arena a;
    gm_arena_init(&a);
    enum { N = 20000 };
    static unsigned char *ptrs[N];
    static size_t sizes[N];
    for (int i = 0; i < N; i++) {
        sizes[i] = (size_t)(1 + (i * 37) % 300);
        ptrs[i] = gm_arena_alloc(&a, sizes[i]);
        cr_assert_not_null(ptrs[i]);
        memset(ptrs[i], (unsigned char)i, sizes[i]);
    }
    for (int i = 0; i < N; i++) {
        for (size_t k = 0; k < sizes[i]; k++) {
            cr_assert_eq(ptrs[i][k], (unsigned char)i, "allocation %d byte %zu clobbered", i, k);
        }
    }
    cr_assert_geq(a.used, (size_t)N);
    cr_assert_geq(a.reserved, a.used);
    gm_arena_release(&a);
}

Test(arena, large_allocations)
{
    struct gm_arena a;
    gm_arena_init(&a);
    char *small = gm_arena_alloc(&a, 10);
    memcpy(small, "before", 7);
    /* bigger than any chunk the arena grows to on its own */
    size_t big = (size_t)40 << 20;
    char *b = gm_arena_alloc(&a, big);
    cr_assert_not_null(b);
    cr_assert(aligned16(b));
    b[0] = 'x';
    b[big - 1] = 'y';
    /* small allocations keep working after a big one-off */
    char *after = gm_arena_alloc(&a, 10);
    cr_assert_not_null(after);
    memcpy(after, "after", 6);
    cr_assert_str_eq(small, "before");
    cr_assert_str_eq(after, "after");
    cr_assert_eq(b[0], 'x');
    cr_assert_eq(b[big - 1], 'y');
    cr_assert_geq(a.used, big + 20);
    cr_assert_geq(a.reserved, big);
    gm_arena_release(&a);
}

Test(arena, zalloc_zeroes)
{
    struct gm_arena a;
    gm_arena_init(&a);
    /* dirty the arena first, then release and reuse */
    unsigned char *p = gm_arena_alloc(&a, 4096);
    memset(p, 0xab, 4096);
    for (int i = 0; i < 100; i++) {
        unsigned char *z = gm_arena_zalloc(&a, 100);
        cr_assert_not_null(z);
        for (int k = 0; k < 100; k++) {
            cr_assert_eq(z[k], 0);
        }
        memset(z, 0xcd, 100);
    }
    gm_arena_release(&a);
}

Test(arena, strndup_copies_and_terminates)
{
    struct gm_arena a;
    gm_arena_init(&a);
    const char src[] = "hello, world";
    char *s = gm_arena_strndup(&a, src, 5);
    cr_assert_str_eq(s, "hello");
    cr_assert_neq((const void *)s, (const void *)src);
    char *e = gm_arena_strndup(&a, src, 0);
    cr_assert_str_eq(e, "");
    /* embedded NUL is copied as bytes */
    char *n = gm_arena_strndup(&a, "a\0b", 3);
    cr_assert_eq(n[0], 'a');
    cr_assert_eq(n[1], '\0');
    cr_assert_eq(n[2], 'b');
    cr_assert_eq(n[3], '\0');
    gm_arena_release(&a);
}

Test(arena, release_resets_and_arena_is_reusable)
{
    struct gm_arena a;
    gm_arena_init(&a);
    for (int i = 0; i < 1000; i++) {
        cr_assert_not_null(gm_arena_alloc(&a, 1000));
    }
    cr_assert_gt(a.reserved, 0u);
    gm_arena_release(&a);
    cr_assert_null(a.head);
    cr_assert_eq(a.used, 0u);
    cr_assert_eq(a.reserved, 0u);
    char *s = gm_arena_strndup(&a, "again", 5);
    cr_assert_str_eq(s, "again");
    gm_arena_release(&a);
    /* releasing an empty arena is fine */
    gm_arena_release(&a);
}

Test(arena, xrealloc_behaves_like_realloc)
{
    char *p = gm_xrealloc(NULL, 16);
    cr_assert_not_null(p);
    memcpy(p, "0123456789abcde", 16);
    p = gm_xrealloc(p, 1 << 20);
    cr_assert_not_null(p);
    cr_assert_str_eq(p, "0123456789abcde");
    free(p);
}
