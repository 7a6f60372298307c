/* Unit tests of gm/artifact.h: the one loader (kinds, wanted kinds and their messages, dumps
 * from text and from profiles, memory buffers) and the read-ahead profile series. */
#include <criterion/criterion.h>
#include <string.h>

#include "gm/artifact.h"

static void open_ok(struct gm_artifact *a, const char *path, unsigned want)
{
    struct gm_diag d;
    memset(&d, 0, sizeof(d));
    struct gm_artifact_opts o = {.want = want};
    cr_assert_eq(gm_artifact_open(a, path, &o, &d), 0, "%s: %s", path, d.msg);
}

Test(artifact, kinds_of_the_fixtures)
{
    static const struct {
        const char *path;
        enum gm_kind kind;
        int profile, goroutines;
    } c[] = {
        {"testdata/goroutine/y_panic.txt", GM_KIND_GDUMP, 0, 1},
        {"testdata/goroutine/y_gzip.txt.gz", GM_KIND_GDUMP, 0, 1},
        {"testdata/goroutine/y_debug1.txt", GM_KIND_GDUMP_AGG, 0, 1},
        {"testdata/pprof/y_goroutine.pb.gz", GM_KIND_PPROF, 1, 1},
        {"testdata/goroutine/go1.26/y_goroutineleak.pb.gz", GM_KIND_PPROF, 1, 1},
        {"testdata/pprof/y_cpu.pb.gz", GM_KIND_PPROF, 1, 0},
        {"testdata/pprof/y_heap_legacy.txt", GM_KIND_HEAPTEXT, 1, 0},
        {"testdata/gctrace/y_healthy.log", GM_KIND_GCTRACE, 0, 0},
        {"testdata/race/y_races.log", GM_KIND_RACE, 0, 0},
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        struct gm_artifact a;
        open_ok(&a, c[i].path, 0);
        cr_assert_eq(a.kind, c[i].kind, "%s: kind %s", c[i].path, gm_kind_name(a.kind));
        cr_assert_eq(a.has_profile, c[i].profile, "%s", c[i].path);
        cr_assert_eq(gm_artifact_is_goroutines(&a), c[i].goroutines, "%s", c[i].path);
        cr_assert_gt(a.in.len, 0u);
        gm_artifact_close(&a);
    }
}

Test(artifact, unwanted_kind_says_what_was_expected)
{
    struct gm_artifact a;
    struct gm_diag d;
    memset(&d, 0, sizeof(d));
    struct gm_artifact_opts o = {.want = GM_WANT_PROFILE, .want_text = "a pprof profile"};
    cr_assert_eq(gm_artifact_open(&a, "testdata/race/y_races.log", &o, &d), GM_EFORMAT);
    cr_assert_str_eq(d.msg, "expected a pprof profile, found a race detector log", "%s", d.msg);
    /* unknown bytes go to the decoder of the one family wanted, which says where they fail */
    memset(&d, 0, sizeof(d));
    cr_assert_lt(gm_artifact_open(&a, "testdata/race/n_garbage.bin", &o, &d), 0);
    cr_assert_neq(strstr(d.msg, "expected a pprof profile"), d.msg, "a decoder message: %s", d.msg);
}

Test(artifact, dumps_from_text_and_from_a_profile_and_memory)
{
    struct gm_gdump_set set;
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_EXACT), 0);
    struct gm_artifact a;
    struct gm_diag d;
    memset(&d, 0, sizeof(d));
    open_ok(&a, "testdata/goroutine/y_two_dumps.txt", GM_WANT_DUMPS);
    cr_assert_eq(gm_artifact_dumps(&a, &set, &d), 2);
    gm_artifact_close(&a);
    open_ok(&a, "testdata/pprof/y_goroutine.pb.gz", 0);
    cr_assert_eq(gm_artifact_dumps(&a, &set, &d), 1);
    cr_assert(set.dumps[2].from_profile);
    gm_artifact_close(&a);
    static const char text[] = "goroutine 7 [chan receive]:\nmain.f()\n\t/x/m.go:3 +0x1\n";
    cr_assert_eq(gm_artifact_open_mem(&a, "body", text, sizeof(text) - 1, NULL, &d), 0);
    cr_assert_eq(a.kind, GM_KIND_GDUMP);
    cr_assert_eq(gm_artifact_dumps(&a, &set, &d), 1);
    cr_assert_eq(set.dumps_nr, 4u);
    gm_artifact_close(&a);
    /* a GC log is no dump */
    open_ok(&a, "testdata/gctrace/y_healthy.log", 0);
    cr_assert_eq(gm_artifact_dumps(&a, &set, &d), GM_EFORMAT);
    cr_assert_neq(strstr(d.msg, "found a GC trace"), NULL, "%s", d.msg);
    gm_artifact_close(&a);
    gm_gdump_set_release(&set);
}

static const char *const series[] = {
    "testdata/pprof/heap_series/step/00.pb.gz", "testdata/pprof/heap_series/step/01.pb.gz",
    "testdata/pprof/heap_series/step/02.pb.gz", "testdata/pprof/heap_series/step/03.pb.gz"};

Test(artifact, series_reads_in_order_threaded_or_not)
{
    for (int threaded = 0; threaded < 2; threaded++) {
        struct gm_profile_series s;
        gm_series_open(&s, series, 4, NULL, threaded, NULL);
        struct gm_profile p;
        struct gm_diag d;
        const char *file;
        int rc, i = 0;
        while ((rc = gm_series_next(&s, &p, &file, &d)) == 1) {
            cr_assert_str_eq(file, series[i]);
            cr_assert_geq(gm_profile_type_index(&p, "inuse_space"), 0);
            gm_profile_release(&p);
            i++;
        }
        cr_assert_eq(rc, 0);
        cr_assert_eq(i, 4);
        gm_series_close(&s);
        /* stopping early releases the profile read ahead */
        gm_series_open(&s, series, 4, NULL, threaded, NULL);
        cr_assert_eq(gm_series_next(&s, &p, &file, &d), 1);
        gm_profile_release(&p);
        gm_series_close(&s);
    }
}

Test(artifact, series_stops_at_the_file_that_fails)
{
    const char *const files[] = {series[0], "testdata/race/y_races.log", series[1]};
    struct gm_profile_series s;
    gm_series_open(&s, files, 3, NULL, 1, NULL);
    struct gm_profile p;
    struct gm_diag d;
    const char *file;
    cr_assert_eq(gm_series_next(&s, &p, &file, &d), 1);
    gm_profile_release(&p);
    cr_assert_eq(gm_series_next(&s, &p, &file, &d), GM_EFORMAT);
    cr_assert_str_eq(file, files[1]);
    cr_assert_neq(strstr(d.msg, "race detector log"), NULL, "%s", d.msg);
    cr_assert_eq(gm_series_next(&s, &p, &file, &d), 0, "nothing after an error");
    gm_series_close(&s);
}

/* UTF-16 text (a Windows editor, PowerShell's >) is named, with what to do. */
Test(artifact, utf16_text_is_named)
{
    static const char text[] = "\xff\xfeg\0o\0r\0o\0u\0t\0i\0n\0e\0 \0001\0";
    struct gm_artifact a;
    struct gm_diag d = {0};
    cr_assert_eq(gm_artifact_open_mem(&a, "body", text, sizeof(text) - 1, NULL, &d), GM_EFORMAT);
    cr_assert_not_null(strstr(d.msg, "UTF-16"), "%s", d.msg);
    cr_assert_not_null(strstr(d.msg, "iconv"), "%s", d.msg);
}

/* Legacy profile formats are named, with the conversion that makes them readable. */
Test(artifact, legacy_profiles_are_named)
{
    static const char cpu[40] = {0, 0, 0, 0, 0,    0,    0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                 0, 0, 0, 0, 0x10, 0x27, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const char *const text[] = {"--- contention:\ncycles/second=2400000000\n",
                                       "--- mutex:\ncycles/second=2400000000\n",
                                       "threadcreate profile: total 7\n"};
    struct gm_artifact a;
    struct gm_diag d = {0};
    cr_assert_eq(gm_artifact_open_mem(&a, "cpu", cpu, sizeof(cpu), NULL, &d), GM_EFORMAT);
    cr_assert_not_null(strstr(d.msg, "legacy binary CPU profile"), "%s", d.msg);
    cr_assert_not_null(strstr(d.msg, "go tool pprof -proto"), "%s", d.msg);
    for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
        memset(&d, 0, sizeof(d));
        cr_assert_eq(gm_artifact_open_mem(&a, "t", text[i], strlen(text[i]), NULL, &d), GM_EFORMAT);
        cr_assert_not_null(strstr(d.msg, "does not read"), "%s", d.msg);
    }
}
