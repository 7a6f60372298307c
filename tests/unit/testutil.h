/*
 * tests/unit/testutil.h - helpers shared by the unit tests.
 */
#ifndef GM_TESTUTIL_H
#define GM_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

/* Reads a whole file into a malloc'ed, NUL-terminated buffer (its length in *len, the NUL not
 * counted); NULL if it cannot be opened. */
static inline char *test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    cr_assert_not_null(p);
    for (;;) {
        n += fread(p + n, 1, cap - n - 1, f);
        if (n < cap - 1) {
            break;
        }
        cap *= 2;
        p = realloc(p, cap);
        cr_assert_not_null(p);
    }
    fclose(f);
    p[n] = '\0';
    *len = n;
    return p;
}

#endif
