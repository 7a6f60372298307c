/* Unit tests of gm/out.h: sticky writer, JSON string escaping, colour, path shortening. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm/out.h"

/* Runs gm_out_json_str on (s, n) and returns the malloc'ed output (NUL-terminated). */
static char *json(const char *s, size_t n, size_t *out_len)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    struct gm_out o;
    gm_out_init(&o, f, 0);
    gm_out_json_str(&o, s, n);
    cr_assert_eq(gm_out_error(&o), 0);
    fclose(f);
    if (out_len) {
        *out_len = len;
    }
    return buf;
}

struct json_case {
    char in[24];
    size_t in_len;
    char want[64];
};

#define JC(in, want)                                                                               \
    {                                                                                              \
        in, sizeof(in) - 1, want                                                                   \
    }

ParameterizedTestParameters(out, json_escape)
{
    static struct json_case cases[] = {
        JC("", "\"\""),
        JC("plain text", "\"plain text\""),
        JC("a\"b", "\"a\\\"b\""),
        JC("back\\slash", "\"back\\\\slash\""),
        JC("\n\t\r", "\"\\n\\t\\r\""),
        JC("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""),
        JC("\b\f", "\"\\u0008\\u000c\""),
        JC("a\0b", "\"a\\u0000b\""),
        JC("\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\""), /* é: 2 bytes */
        JC("\xe2\x82\xac", "\"\xe2\x82\xac\""),           /* €: 3 bytes */
        JC("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""),   /* U+1F600: 4 bytes */
        JC("\xff", "\"\xef\xbf\xbd\""),                   /* never valid */
        JC("a\xc3", "\"a\xef\xbf\xbd\""),                 /* cut sequence */
        JC("\xc3(", "\"\xef\xbf\xbd(\""),                 /* bad continuation */
        JC("\x80x", "\"\xef\xbf\xbdx\""),                 /* lone continuation */
        JC("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""),   /* overlong 2-byte */
        JC("\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\""),   /* cut 3-byte */
        JC("ok\xfe\"", "\"ok\xef\xbf\xbd\\\"\""),
    };
    return cr_make_param_array(struct json_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct json_case *c, out, json_escape)
{
    size_t len;
    char *got = json(c->in, c->in_len, &len);
    cr_assert_eq(len, strlen(c->want), "len %zu want %zu: got [%s] want [%s]", len, strlen(c->want),
                 got, c->want);
    cr_assert_eq(memcmp(got, c->want, len), 0, "got [%s] want [%s]", got, c->want);
    free(got);
}

/* Strict UTF-8 (RFC 3629): overlong 3/4-byte forms, UTF-16 surrogates and code points above
 * U+10FFFF are invalid and must become U+FFFD, or the JSON output is not valid UTF-8. */
ParameterizedTestParameters(out, json_escape_strict_utf8)
{
    static struct json_case cases[] = {
        JC("\xe0\x80\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""), /* overlong '/' */
        JC("\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""), /* U+D800 */
        JC("\xf4\x90\x80\x80",
           "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""), /* >10FFFF */
        JC("\xf0\x80\x80\xaf",
           "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""), /* overlong 4-byte */
        JC("\xf5\x80\x80\x80",
           "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""), /* F5 lead */
    };
    return cr_make_param_array(struct json_case, cases, sizeof(cases) / sizeof(cases[0]));
}

/* Regression test (a bug found by this suite, fixed): utf8_len() in lib/render/out.c only checks
 * the lead byte and continuation bytes, so overlong 3- and 4-byte forms (E0 80 AF), surrogates (ED
 * A0 80), code points above U+10FFFF (F4 90 80 80) and F5..F7 lead bytes are copied through as
 * "valid": the JSON document is then not valid UTF-8 (strict decoders, e.g. Python's json.loads on
 * bytes / Go's utf8.Valid, reject it), contrary to out.h "invalid UTF-8 bytes become U+FFFD". */
ParameterizedTest(struct json_case *c, out, json_escape_strict_utf8,
                  .description = "regression: overlong/surrogate/>U+10FFFF UTF-8 passes through")
{
    size_t len;
    char *got = json(c->in, c->in_len, &len);
    /* the exact replacement count may differ (one U+FFFD per bad byte or per sequence); the
     * output must not contain the invalid input bytes */
    cr_assert_null(memmem(got, len, c->in, c->in_len), "invalid sequence copied through");
    cr_assert_not_null(memmem(got, len, "\xef\xbf\xbd", 3), "no U+FFFD in [%s]", got);
    free(got);
}

Test(out, json_cstr_and_long_runs)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct gm_out o;
    gm_out_init(&o, f, 0);
    gm_out_json_cstr(&o, "x\"y");
    /* a long run of plain bytes with one escape in the middle */
    char big[5000];
    memset(big, 'a', sizeof(big));
    big[2500] = '\n';
    gm_out_json_str(&o, big, sizeof(big));
    cr_assert_eq(gm_out_error(&o), 0);
    fclose(f);
    cr_assert_eq(len, 6 + 2 + sizeof(big) + 1);
    cr_assert_eq(memcmp(buf, "\"x\\\"y\"\"", 7), 0);
    cr_assert_eq(buf[7 + 2500], '\\');
    cr_assert_eq(buf[7 + 2501], 'n');
    cr_assert_eq(buf[len - 1], '"');
    cr_assert_eq(buf[len - 2], 'a');
    free(buf);
}

Test(out, printf_puts_write_and_color)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct gm_out o;
    gm_out_init(&o, f, 0);
    gm_out_printf(&o, "%d-%s|", 42, "x");
    gm_out_puts(&o, "puts|");
    gm_out_write(&o, "write|xx", 6);
    gm_out_color(&o, GM_C_RED);
    gm_out_puts(&o, "end");
    cr_assert_eq(gm_out_error(&o), 0);
    fclose(f);
    cr_assert_str_eq(buf, "42-x|puts|write|end", "colour off writes nothing");
    free(buf);

    f = open_memstream(&buf, &len);
    gm_out_init(&o, f, 1);
    gm_out_color(&o, GM_C_RED);
    gm_out_puts(&o, "r");
    gm_out_color(&o, GM_C_RESET);
    cr_assert_eq(gm_out_error(&o), 0);
    fclose(f);
    cr_assert_str_eq(buf, "\033[31mr\033[0m");
    free(buf);
}

Test(out, write_error_is_sticky)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f) {
        cr_skip_test("no /dev/full");
    }
    setvbuf(f, NULL, _IONBF, 0);
    struct gm_out o;
    gm_out_init(&o, f, 0);
    gm_out_puts(&o, "hello");
    gm_out_puts(&o, "again");
    cr_assert_eq(gm_out_error(&o), GM_EIO);
    cr_assert_neq(o.err, 0);
    cr_assert_eq(gm_out_error(&o), GM_EIO, "still failed");
    fclose(f);
}

Test(out, buffered_write_error_found_by_final_flush)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f) {
        cr_skip_test("no /dev/full");
    }
    struct gm_out o;
    gm_out_init(&o, f, 0);
    gm_out_puts(&o, "small"); /* stays in the stdio buffer */
    cr_assert_eq(gm_out_error(&o), GM_EIO);
    fclose(f);
}

/* ------------------------------------------------------------ paths */

Test(out, paths_full_mode_returns_path)
{
    struct gm_paths p;
    memset(&p, 0, sizeof(p));
    p.mode = GM_PATH_FULL;
    strcpy(p.user_root, "/work/app/");
    const char *path = "/usr/lib/go-1.19/src/net/http/server.go";
    cr_assert_eq(gm_paths_show(&p, path, GM_FRAME_STDLIB), path);
    const char *u = "/work/app/main.go";
    cr_assert_eq(gm_paths_show(&p, u, GM_FRAME_USER), u);
}

Test(out, paths_short_mode)
{
    struct gm_paths p;
    memset(&p, 0, sizeof(p));
    p.mode = GM_PATH_SHORT;
    strcpy(p.user_root, "/work/app/");
    cr_assert_str_eq(gm_paths_show(&p, "/usr/lib/go-1.19/src/net/http/server.go", GM_FRAME_STDLIB),
                     "net/http/server.go");
    cr_assert_str_eq(
        gm_paths_show(&p, "/usr/local/go/src/runtime/proc.go", GM_FRAME_RUNTIME | GM_FRAME_STDLIB),
        "runtime/proc.go");
    cr_assert_str_eq(gm_paths_show(&p, "/home/u/src/go/src/sync/mutex.go", GM_FRAME_STDLIB),
                     "sync/mutex.go", "the last /src/ is GOROOT's");
    cr_assert_str_eq(
        gm_paths_show(&p, "/home/u/go/pkg/mod/github.com/x/y@v1.2.3/z.go", GM_FRAME_USER),
        "github.com/x/y@v1.2.3/z.go");
    /* a vendored package by its import path (the last vendor/: vendored vendors) */
    cr_assert_str_eq(gm_paths_show(&p, "/work/app/vendor/github.com/x/y/f.go", GM_FRAME_USER),
                     "github.com/x/y/f.go");
    cr_assert_str_eq(
        gm_paths_show(&p, "/w/vendor/github.com/a/b/vendor/golang.org/x/net/c.go", GM_FRAME_USER),
        "golang.org/x/net/c.go");
    /* GOPATH: by import path after the last src/ */
    cr_assert_str_eq(
        gm_paths_show(&p, "/home/u/go/src/github.com/acme/svc/internal/db/db.go", GM_FRAME_USER),
        "github.com/acme/svc/internal/db/db.go");
    cr_assert_str_eq(gm_paths_show(&p, "/work/app/main.go", GM_FRAME_USER), "main.go");
    cr_assert_str_eq(gm_paths_show(&p, "/work/app/sub/x.go", GM_FRAME_USER), "sub/x.go");
    cr_assert_str_eq(gm_paths_show(&p, "/elsewhere/main.go", GM_FRAME_USER), "/elsewhere/main.go");
    /* a user file under a src/ directory is not cut like GOROOT */
    cr_assert_str_eq(gm_paths_show(&p, "/home/u/src/proj/main.go", GM_FRAME_USER),
                     "/home/u/src/proj/main.go");
    /* stdlib without a /src/ component is left alone */
    cr_assert_str_eq(gm_paths_show(&p, "net/http/server.go", GM_FRAME_STDLIB),
                     "net/http/server.go");
}

Test(out, paths_trims_first)
{
    struct gm_paths p;
    memset(&p, 0, sizeof(p));
    p.mode = GM_PATH_SHORT;
    p.trims[0] = "/build/ci";
    p.trims_nr = 1;
    strcpy(p.user_root, "/build/");
    cr_assert_str_eq(gm_paths_show(&p, "/build/ci/app/x.go", GM_FRAME_USER), "app/x.go");
    cr_assert_str_eq(gm_paths_show(&p, "/build/ci/go/src/fmt/print.go", GM_FRAME_STDLIB),
                     "go/src/fmt/print.go", "an explicit trim wins");
    cr_assert_str_eq(gm_paths_show(&p, "/build/other/x.go", GM_FRAME_USER), "other/x.go");
}

static uint32_t add_frame(struct gm_stacks *s, const char *func, const char *file)
{
    struct gm_str fn = {func, strlen(func)}, fl = {file, strlen(file)};
    uint32_t id;
    cr_assert_eq(gm_stacks_frame(s, fn, fl, 1, gm_stacks_frame_hash(fn, fl, 1), &id), 0);
    return id;
}

Test(out, paths_learn_user_root)
{
    struct gm_stacks s;
    cr_assert_eq(gm_stacks_init(&s, 0), 0);
    add_frame(&s, "runtime.gopark", "/usr/local/go/src/runtime/proc.go");
    add_frame(&s, "main.main", "/work/main/testdata/gen/app/main.go");
    add_frame(&s, "main.(*S).run", "/work/main/testdata/gen/app/sub/s.go");
    add_frame(&s, "github.com/x/y.F", "/home/u/go/pkg/mod/github.com/x/y@v1.0.0/y.go");
    struct gm_paths p;
    memset(&p, 0, sizeof(p));
    gm_paths_learn(&p, &s);
    /* shared directory /work/main/testdata/gen/app/, keeping "app/" visible */
    cr_assert_str_eq(p.user_root, "/work/main/testdata/gen/");
    cr_assert_str_eq(gm_paths_show(&p, "/work/main/testdata/gen/app/main.go", GM_FRAME_USER),
                     "app/main.go");
    cr_assert_str_eq(gm_paths_show(&p, "/work/main/testdata/gen/app/sub/s.go", GM_FRAME_USER),
                     "app/sub/s.go");
    gm_stacks_release(&s);
}

Test(out, paths_learn_no_user_frames)
{
    struct gm_stacks s;
    cr_assert_eq(gm_stacks_init(&s, 0), 0);
    add_frame(&s, "runtime.gopark", "/usr/local/go/src/runtime/proc.go");
    struct gm_paths p;
    memset(&p, 0, sizeof(p));
    strcpy(p.user_root, "stale");
    gm_paths_learn(&p, &s);
    cr_assert_str_eq(p.user_root, "");
    gm_stacks_release(&s);
}

Test(out, paths_learn_disjoint_roots)
{
    struct gm_stacks s;
    cr_assert_eq(gm_stacks_init(&s, 0), 0);
    add_frame(&s, "main.a", "/a/x.go");
    add_frame(&s, "main.b", "/b/y.go");
    struct gm_paths p;
    memset(&p, 0, sizeof(p));
    gm_paths_learn(&p, &s);
    cr_assert_str_eq(p.user_root, "", "only / is shared: nothing to strip");
    cr_assert_str_eq(gm_paths_show(&p, "/a/x.go", GM_FRAME_USER), "/a/x.go");
    gm_stacks_release(&s);
}

Test(out, utf8_len_follows_rfc3629)
{
    static const struct {
        const char *s;
        size_t n, want;
    } cases[] = {
        {"a", 1, 1},
        {"\xc3\xa9", 2, 2},         /* é */
        {"\xe2\x82\xac", 3, 3},     /* € */
        {"\xf0\x9f\x98\x80", 4, 4}, /* U+1F600 */
        {"\xc0\xaf", 2, 0},         /* overlong '/' */
        {"\xe0\x80\xaf", 3, 0},     /* overlong, 3 bytes */
        {"\xed\xa0\x80", 3, 0},     /* surrogate U+D800 */
        {"\xf4\x90\x80\x80", 4, 0}, /* above U+10FFFF */
        {"\xe2\x82", 2, 0},         /* truncated */
        {"\x80", 1, 0},             /* lone continuation byte */
        {"\xe2\x28\xa1", 3, 0},     /* bad continuation */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(gm_utf8_len((const unsigned char *)cases[i].s, cases[i].n), cases[i].want,
                     "case %zu", i);
    }
}
