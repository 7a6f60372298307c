/* Unit tests of gm/strtab.h: string interning. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "gm/strtab.h"

static uint32_t intern_c(struct gm_strtab *st, const char *s)
{
    uint32_t id = UINT32_MAX;
    int rc = gm_strtab_intern(st, s, strlen(s), &id);
    cr_assert_eq(rc, 0, "intern(%s) rc=%d", s, rc);
    return id;
}

Test(strtab, empty_string_is_id_zero)
{
    struct gm_strtab st;
    cr_assert_eq(gm_strtab_init(&st, 0), 0);
    cr_assert_eq(intern_c(&st, ""), 0u);
    struct gm_str s = gm_strtab_get(&st, 0);
    cr_assert_eq(s.len, 0u);
    cr_assert_str_eq(gm_strtab_cstr(&st, 0), "");
    /* a NULL pointer with length 0 is also the empty string */
    uint32_t id = 7;
    cr_assert_eq(gm_strtab_intern(&st, NULL, 0, &id), 0);
    cr_assert_eq(id, 0u);
    gm_strtab_release(&st);
}

Test(strtab, equal_strings_same_id_different_strings_different_id)
{
    struct gm_strtab st;
    cr_assert_eq(gm_strtab_init(&st, 0), 0);
    uint32_t a = intern_c(&st, "main.main");
    uint32_t b = intern_c(&st, "main.worker");
    uint32_t c = intern_c(&st, "main.main");
    cr_assert_neq(a, 0u);
    cr_assert_neq(b, 0u);
    cr_assert_eq(a, c);
    cr_assert_neq(a, b);
    /* a prefix and an extension are different strings */
    uint32_t d = intern_c(&st, "main.mai");
    uint32_t e = intern_c(&st, "main.main2");
    cr_assert_neq(d, a);
    cr_assert_neq(e, a);
    cr_assert_neq(d, e);
    /* interning from a non-NUL-terminated slice of a bigger buffer */
    const char buf[] = "main.mainXYZ";
    uint32_t f = UINT32_MAX;
    cr_assert_eq(gm_strtab_intern(&st, buf, 9, &f), 0);
    cr_assert_eq(f, a);
    cr_assert_eq(st.index.nr, 4u, "4 distinct non-empty strings, got %u", st.index.nr);
    gm_strtab_release(&st);
}

Test(strtab, get_returns_length_and_bytes)
{
    struct gm_strtab st;
    cr_assert_eq(gm_strtab_init(&st, 0), 0);
    const char bin[] = {'a', '\0', 'b', '\n', (char)0xff};
    uint32_t id = 0;
    cr_assert_eq(gm_strtab_intern(&st, bin, sizeof(bin), &id), 0);
    struct gm_str s = gm_strtab_get(&st, id);
    cr_assert_eq(s.len, sizeof(bin));
    cr_assert_eq(memcmp(s.p, bin, sizeof(bin)), 0);
    /* the C string view is NUL-terminated right after the bytes */
    cr_assert_eq(gm_strtab_cstr(&st, id)[sizeof(bin)], '\0');
    uint32_t h = intern_c(&st, "hello");
    s = gm_strtab_get(&st, h);
    cr_assert_eq(s.len, 5u);
    cr_assert_eq(memcmp(s.p, "hello", 5), 0);
    cr_assert_str_eq(gm_strtab_cstr(&st, h), "hello");
    gm_strtab_release(&st);
}

Test(strtab, intern_h_with_gm_hash_matches_intern)
{
    struct gm_strtab st;
    cr_assert_eq(gm_strtab_init(&st, 0), 0);
    uint32_t a = intern_c(&st, "net/http.(*conn).serve");
    uint32_t b = UINT32_MAX;
    const char *s = "net/http.(*conn).serve";
    cr_assert_eq(gm_strtab_intern_h(&st, s, strlen(s), gm_hash(s, strlen(s)), &b), 0);
    cr_assert_eq(a, b);
    gm_strtab_release(&st);
}

Test(strtab, hash_is_deterministic_and_seeded)
{
    cr_assert_eq(gm_hash("abc", 3), gm_hash("abc", 3));
    cr_assert_neq(gm_hash("abc", 3), gm_hash("abd", 3));
    cr_assert_neq(gm_hash_seed("abc", 3, 1), gm_hash_seed("abc", 3, 2));
}

Test(strtab, growth_past_100k_entries)
{
    enum { N = 100000 };
    struct gm_strtab st;
    cr_assert_eq(gm_strtab_init(&st, 0), 0);
    static uint32_t ids[N];
    char buf[32];
    for (int i = 0; i < N; i++) {
        int n = snprintf(buf, sizeof(buf), "str-%d", i);
        cr_assert_eq(gm_strtab_intern(&st, buf, (size_t)n, &ids[i]), 0);
    }
    cr_assert_eq(st.index.nr, (uint32_t)N);
    /* the table stays at most half full */
    cr_assert_leq((uint64_t)st.index.nr * 2, (uint64_t)st.index.mask + 1);
    for (int i = 0; i < N; i++) {
        int n = snprintf(buf, sizeof(buf), "str-%d", i);
        uint32_t id = UINT32_MAX;
        cr_assert_eq(gm_strtab_intern(&st, buf, (size_t)n, &id), 0);
        cr_assert_eq(id, ids[i], "string %d re-interned to a new id", i);
        struct gm_str s = gm_strtab_get(&st, ids[i]);
        cr_assert_eq(s.len, (size_t)n);
        cr_assert_eq(memcmp(s.p, buf, (size_t)n), 0);
    }
    cr_assert_eq(st.index.nr, (uint32_t)N, "re-interning must not add entries");
    /* ids are distinct */
    for (int i = 1; i < N; i++) {
        cr_assert_neq(ids[i], ids[i - 1]);
    }
    gm_strtab_release(&st);
}

Test(strtab, cap_gives_etoobig)
{
    struct gm_strtab st;
    cr_assert_eq(gm_strtab_init(&st, 64), 0);
    uint32_t first = intern_c(&st, "0123456789");
    int rc = 0;
    uint32_t id = 0;
    int i;
    char buf[32];
    for (i = 0; i < 100; i++) {
        int n = snprintf(buf, sizeof(buf), "entry-%02d", i);
        rc = gm_strtab_intern(&st, buf, (size_t)n, &id);
        if (rc < 0) {
            break;
        }
    }
    cr_assert_eq(rc, GM_ETOOBIG, "rc=%d after %d strings", rc, i);
    cr_assert_leq(st.len, 64u);
    /* earlier entries remain valid and findable once full */
    cr_assert_str_eq(gm_strtab_cstr(&st, first), "0123456789");
    cr_assert_eq(intern_c(&st, "0123456789"), first);
    /* a single string bigger than the cap */
    char big[100];
    memset(big, 'x', sizeof(big));
    cr_assert_eq(gm_strtab_intern(&st, big, sizeof(big), &id), GM_ETOOBIG);
    gm_strtab_release(&st);
}

Test(strtab, release_then_reinit)
{
    struct gm_strtab st;
    cr_assert_eq(gm_strtab_init(&st, 0), 0);
    intern_c(&st, "a");
    gm_strtab_release(&st);
    cr_assert_null(st.blob);
    cr_assert_eq(gm_strtab_init(&st, 0), 0);
    cr_assert_eq(st.index.nr, 0u);
    uint32_t a = intern_c(&st, "a");
    cr_assert_str_eq(gm_strtab_cstr(&st, a), "a");
    gm_strtab_release(&st);
}
