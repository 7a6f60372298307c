/* Unit tests of gm/input.h: gzip inflation, in-memory inputs, mapped files. */
#include <criterion/criterion.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gm/input.h"

/* gzip-compresses (p, n) into a new malloc'ed buffer. */
static unsigned char *gz(const void *p, size_t n, size_t *out_n)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
    cr_assert_not_null(c);
    size_t bound = libdeflate_gzip_compress_bound(c, n);
    unsigned char *out = malloc(bound);
    cr_assert_not_null(out);
    *out_n = libdeflate_gzip_compress(c, p, n, out, bound);
    cr_assert_gt(*out_n, 0u);
    libdeflate_free_compressor(c);
    return out;
}

static const char text1[] = "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1d\n";
static const char text2[] = "\ngoroutine 2 [chan receive]:\nmain.f()\n\t/x/main.go:9 +0x2\n";

Test(input, gunzip_single_member)
{
    size_t zn;
    unsigned char *z = gz(text1, strlen(text1), &zn);
    char *out = NULL;
    size_t out_len = 0;
    struct gm_diag diag = {0};
    cr_assert_eq(gm_gunzip(z, zn, 1 << 20, &out, &out_len, &diag), 0, "%s", diag.msg);
    cr_assert_eq(out_len, strlen(text1));
    cr_assert_eq(memcmp(out, text1, out_len), 0);
    free(out);
    free(z);
}

Test(input, gunzip_empty_content)
{
    size_t zn;
    unsigned char *z = gz("", 0, &zn);
    char *out = NULL;
    size_t out_len = 7;
    cr_assert_eq(gm_gunzip(z, zn, 1 << 20, &out, &out_len, NULL), 0);
    cr_assert_eq(out_len, 0u);
    free(out);
    free(z);
}

Test(input, gunzip_two_concatenated_members)
{
    size_t n1, n2;
    unsigned char *z1 = gz(text1, strlen(text1), &n1);
    unsigned char *z2 = gz(text2, strlen(text2), &n2);
    unsigned char *both = malloc(n1 + n2);
    memcpy(both, z1, n1);
    memcpy(both + n1, z2, n2);
    char *out = NULL;
    size_t out_len = 0;
    struct gm_diag diag = {0};
    cr_assert_eq(gm_gunzip(both, n1 + n2, 1 << 20, &out, &out_len, &diag), 0, "%s", diag.msg);
    cr_assert_eq(out_len, strlen(text1) + strlen(text2));
    cr_assert_eq(memcmp(out, text1, strlen(text1)), 0);
    cr_assert_eq(memcmp(out + strlen(text1), text2, strlen(text2)), 0);
    free(out);
    free(both);
    free(z1);
    free(z2);
}

Test(input, gunzip_members_larger_than_initial_guess)
{
    /* highly compressible members: output far bigger than 4x input, the buffer must grow */
    size_t n = 3u << 20;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++) {
        big[i] = (char)('a' + (i / 4096) % 26);
    }
    size_t n1, n2;
    unsigned char *z1 = gz(big, n, &n1);
    unsigned char *z2 = gz(big, n / 2, &n2);
    unsigned char *both = malloc(n1 + n2);
    memcpy(both, z1, n1);
    memcpy(both + n1, z2, n2);
    char *out = NULL;
    size_t out_len = 0;
    cr_assert_eq(gm_gunzip(both, n1 + n2, (uint64_t)64 << 20, &out, &out_len, NULL), 0);
    cr_assert_eq(out_len, n + n / 2);
    cr_assert_eq(memcmp(out, big, n), 0);
    cr_assert_eq(memcmp(out + n, big, n / 2), 0);
    free(out);
    free(both);
    free(z1);
    free(z2);
    free(big);
}

Test(input, gunzip_output_exactly_at_max_is_accepted)
{
    char buf[1000];
    memset(buf, 'q', sizeof(buf));
    size_t zn;
    unsigned char *z = gz(buf, sizeof(buf), &zn);
    char *out = NULL;
    size_t out_len = 0;
    cr_assert_eq(gm_gunzip(z, zn, sizeof(buf), &out, &out_len, NULL), 0);
    cr_assert_eq(out_len, sizeof(buf));
    free(out);
    cr_assert_eq(gm_gunzip(z, zn, sizeof(buf) - 1, &out, &out_len, NULL), GM_ETOOBIG);
    free(z);
}

Test(input, gunzip_truncated_member_is_an_error)
{
    size_t n = 200000;
    char *data = malloc(n);
    unsigned x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (char)('a' + (x >> 16) % 26); /* not very compressible */
    }
    size_t zn;
    unsigned char *z = gz(data, n, &zn);
    size_t cuts[] = {zn / 2, zn - 4, zn - 1, 12};
    for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
        char *out = NULL;
        size_t out_len = 0;
        struct gm_diag diag = {0};
        int rc = gm_gunzip(z, cuts[k], (uint64_t)16 << 20, &out, &out_len, &diag);
        cr_assert(rc == GM_ETRUNC || rc == GM_EFORMAT, "cut at %zu of %zu: rc=%d", cuts[k], zn, rc);
        cr_assert_eq(diag.code, rc);
        cr_assert_null(out, "no buffer on error");
    }
    free(z);
    free(data);
}

Test(input, gunzip_second_member_truncated)
{
    size_t n1, n2;
    unsigned char *z1 = gz(text1, strlen(text1), &n1);
    unsigned char *z2 = gz(text2, strlen(text2), &n2);
    unsigned char *both = malloc(n1 + n2);
    memcpy(both, z1, n1);
    memcpy(both + n1, z2, n2);
    char *out = NULL;
    size_t out_len = 0;
    int rc = gm_gunzip(both, n1 + n2 - 3, 1 << 20, &out, &out_len, NULL);
    cr_assert(rc == GM_ETRUNC || rc == GM_EFORMAT, "rc=%d", rc);
    free(both);
    free(z1);
    free(z2);
}

Test(input, gunzip_garbage_after_member_is_an_error)
{
    size_t zn;
    unsigned char *z = gz(text1, strlen(text1), &zn);
    unsigned char *g = malloc(zn + 5);
    memcpy(g, z, zn);
    memcpy(g + zn, "hello", 5);
    char *out = NULL;
    size_t out_len = 0;
    struct gm_diag diag = {0};
    cr_assert_eq(gm_gunzip(g, zn + 5, 1 << 20, &out, &out_len, &diag), GM_EFORMAT);
    cr_assert_eq(diag.off, zn, "diag points at the garbage: %llu", (unsigned long long)diag.off);
    /* trailing zero padding is tolerated */
    memset(g + zn, 0, 5);
    cr_assert_eq(gm_gunzip(g, zn + 5, 1 << 20, &out, &out_len, &diag), 0);
    cr_assert_eq(out_len, strlen(text1));
    free(out);
    free(g);
    free(z);
}

Test(input, gunzip_bomb_is_etoobig)
{
    size_t n = (size_t)64 << 20;
    char *zeros = calloc(n, 1);
    cr_assert_not_null(zeros);
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
    size_t bound = libdeflate_gzip_compress_bound(c, n);
    unsigned char *z = malloc(bound);
    size_t zn = libdeflate_gzip_compress(c, zeros, n, z, bound);
    libdeflate_free_compressor(c);
    free(zeros);
    cr_assert_gt(zn, 0u);
    cr_assert_lt(zn, (size_t)1 << 20, "a bomb: compressed size %zu", zn);
    char *out = NULL;
    size_t out_len = 0;
    struct gm_diag diag = {0};
    int rc = gm_gunzip(z, zn, 1 << 20, &out, &out_len, &diag);
    cr_assert_eq(rc, GM_ETOOBIG, "rc=%d", rc);
    cr_assert_eq(diag.code, GM_ETOOBIG);
    cr_assert_null(out);
    free(z);
}

Test(input, from_mem_plain_is_borrowed)
{
    struct gm_limits lim;
    gm_limits_default(&lim);
    struct gm_input in;
    const char *p = text1;
    cr_assert_eq(gm_input_from_mem(&in, "mem", p, strlen(p), &lim, NULL), 0);
    cr_assert_eq(in.p, p, "plain input is not copied");
    cr_assert_eq(in.len, strlen(p));
    cr_assert_eq(in.was_gzip, 0);
    cr_assert_null(in.owned);
    cr_assert_str_eq(in.name, "mem");
    gm_input_close(&in);
    /* a lone 0x1f is not gzip */
    cr_assert_eq(gm_input_from_mem(&in, "mem", "\x1f", 1, &lim, NULL), 0);
    cr_assert_eq(in.len, 1u);
    cr_assert_eq(in.was_gzip, 0);
    gm_input_close(&in);
    cr_assert_eq(gm_input_from_mem(&in, "mem", "", 0, &lim, NULL), 0);
    cr_assert_eq(in.len, 0u);
    gm_input_close(&in);
}

Test(input, from_mem_gzip_is_inflated)
{
    struct gm_limits lim;
    gm_limits_default(&lim);
    size_t zn;
    unsigned char *z = gz(text2, strlen(text2), &zn);
    struct gm_input in;
    cr_assert_eq(gm_input_from_mem(&in, "mem", (const char *)z, zn, &lim, NULL), 0);
    cr_assert_eq(in.was_gzip, 1);
    cr_assert_eq(in.len, strlen(text2));
    cr_assert_eq(memcmp(in.p, text2, in.len), 0);
    gm_input_close(&in);
    cr_assert_null(in.p);
    /* the cap applies */
    lim.max_input = 10;
    struct gm_diag diag = {0};
    cr_assert_eq(gm_input_from_mem(&in, "mem", (const char *)z, zn, &lim, &diag), GM_ETOOBIG);
    free(z);
}

Test(input, open_gzip_fixture)
{
    struct gm_limits lim;
    gm_limits_default(&lim);
    struct gm_input in;
    struct gm_diag diag = {0};
    cr_assert_eq(gm_input_open(&in, "testdata/goroutine/y_gzip.txt.gz", &lim, &diag), 0, "%s",
                 diag.msg);
    cr_assert_eq(in.was_gzip, 1);
    /* it is y_chan-send-blocked.txt compressed */
    struct gm_input plain;
    cr_assert_eq(gm_input_open(&plain, "testdata/goroutine/y_chan-send-blocked.txt", &lim, &diag),
                 0);
    cr_assert_eq(in.len, plain.len);
    cr_assert_eq(memcmp(in.p, plain.p, in.len), 0);
    gm_input_close(&plain);
    gm_input_close(&in);
}

Test(input, open_plain_fixture_and_errors)
{
    struct gm_limits lim;
    gm_limits_default(&lim);
    struct gm_input in;
    struct gm_diag diag = {0};
    cr_assert_eq(gm_input_open(&in, "testdata/goroutine/y_panic.txt", &lim, &diag), 0);
    cr_assert_eq(in.was_gzip, 0);
    cr_assert_gt(in.len, 100u);
    gm_input_close(&in);

    memset(&diag, 0, sizeof(diag));
    cr_assert_eq(gm_input_open(&in, "testdata/goroutine/no-such-file", &lim, &diag), GM_EIO);
    cr_assert_eq(diag.code, GM_EIO);
    cr_assert_str_eq(diag.file, "testdata/goroutine/no-such-file");

    cr_assert_eq(gm_input_open(&in, "testdata/goroutine", &lim, &diag), GM_EIO);

    lim.max_input = 10;
    cr_assert_eq(gm_input_open(&in, "testdata/goroutine/y_panic.txt", &lim, &diag), GM_ETOOBIG);
}

Test(input, release_keeps_a_mapped_file_readable)
{
    /* a file of several pages, mapped; releasing what was read drops the pages, and a later
     * read of them (the parser's error message quotes line 1) still sees the file */
    char path[] = "/tmp/gomedic-t-input-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < 4000; i++) {
        fprintf(f, "line %06d of the released file\n", i);
    }
    fclose(f);
    struct gm_limits lim;
    gm_limits_default(&lim);
    struct gm_input in;
    struct gm_diag diag = {0};
    cr_assert_eq(gm_input_open(&in, path, &lim, &diag), 0);
    cr_assert_not_null(in.map, "a regular file is mapped");
    cr_assert_eq(in.len, 4000u * 33u);
    unsigned sum = 0;
    for (size_t i = 0; i < in.len; i++) {
        sum += (unsigned char)in.p[i];
    }
    gm_input_release(&in, in.len / 2);
    gm_input_release(&in, in.len * 2); /* past the end: clamped */
    cr_assert_eq(memcmp(in.p, "line 000000 of", 14), 0);
    cr_assert_eq(memcmp(in.p + 3999 * 33, "line 003999 of", 14), 0);
    unsigned again = 0;
    for (size_t i = 0; i < in.len; i++) {
        again += (unsigned char)in.p[i];
    }
    cr_assert_eq(again, sum);
    gm_input_close(&in);
    unlink(path);

    /* heap buffers are left alone */
    cr_assert_eq(gm_input_from_mem(&in, "mem", text1, sizeof(text1) - 1, &lim, &diag), 0);
    gm_input_release(&in, in.len);
    cr_assert_eq(memcmp(in.p, text1, sizeof(text1) - 1), 0);
    gm_input_close(&in);
}
