/* Unit tests of gm/trace.h and gm/tracesum.h: execution traces, both formats (FORMATS.md §5),
 * on the fixtures of real programs and on hostile bytes built here. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "gm/artifact.h"
#include "gm/render_trace.h"
#include "gm/tracejoin.h"
#include "gm/tracesum.h"

/* ------------------------------------------------------------ helpers */

static char *slurp(const char *path, size_t *len)
{
    char *p = test_slurp(path, len);
    cr_assert_not_null(p, "cannot read %s", path);
    return p;
}

/* A v2 trace: the header, then bytes. */
static size_t v2(char *buf, const char *body, size_t n)
{
    memcpy(buf, "go 1.26 trace\0\0\0", 16);
    memcpy(buf + 16, body, n);
    return 16 + n;
}

static int read_diag(const char *p, size_t len, struct gm_diag *d, struct gm_trace_info *info)
{
    struct gm_stacks st;
    cr_assert_eq(gm_stacks_init(&st, 1u << 20), 0);
    memset(d, 0, sizeof(*d));
    int rc = gm_trace_read(p, len, NULL, &st, NULL, NULL, info, d);
    gm_stacks_release(&st);
    return rc;
}

/* ------------------------------------------------------------ fixtures */

Test(trace, leak_fixture_both_formats)
{
    const char *files[] = {"testdata/trace/y_goroutine-leak.trace",
                           "testdata/trace/go1.26/y_goroutine-leak.trace"};
    for (int f = 0; f < 2; f++) {
        size_t len;
        char *p = slurp(files[f], &len);
        struct gm_trace_result r;
        cr_assert_eq(gm_trace_analyze(p, len, NULL, &r), 0);
        cr_assert_eq(r.rc, 0, "%s: %s", files[f], r.diag.msg);
        cr_expect_eq(r.info.format, f == 0 ? GM_TRACE_V1 : GM_TRACE_V2);
        cr_expect_eq(r.info.bytes, len);
        /* the two leaks, as tracecheck.awk checked them with Go's own reader */
        uint64_t send = 0, range = 0;
        for (uint32_t i = 0; i < r.findings_nr; i++) {
            const struct gm_tfinding *x = &r.findings[i];
            if (!strcmp(x->kind->id, "chan-send-blocked")) {
                send = x->count;
            } else if (!strcmp(x->kind->id, "range-never-closed")) {
                range = x->count;
            }
            cr_expect_eq(x->severity, GM_SEV_MEDIUM, "%s", x->kind->id);
        }
        cr_expect_eq(send, 9, "%s", files[f]);
        cr_expect_eq(range, 8, "%s", files[f]);
        gm_trace_result_release(&r);
        free(p);
    }
}

Test(trace, healthy_fixture_is_quiet)
{
    const char *files[] = {"testdata/trace/y_healthy-pool.trace",
                           "testdata/trace/go1.26/y_healthy-pool.trace"};
    for (int f = 0; f < 2; f++) {
        size_t len;
        char *p = slurp(files[f], &len);
        struct gm_trace_result r;
        cr_assert_eq(gm_trace_analyze(p, len, NULL, &r), 0);
        cr_expect_eq(r.findings_nr, 0, "%s: %u findings", files[f], r.findings_nr);
        gm_trace_result_release(&r);
        free(p);
    }
}

Test(trace, ended_goroutines_are_not_kept_unless_asked)
{
    size_t len;
    char *p = slurp("testdata/trace/go1.26/y_mutex-contention.trace", &len);
    struct gm_trace_result r;
    cr_assert_eq(gm_trace_analyze(p, len, NULL, &r), 0);
    uint64_t live = 0, grouped = 0;
    for (uint32_t i = 0; i < r.gs_nr; i++) {
        live += r.gs[i].id != 0;
    }
    for (uint32_t i = 0; i < r.groups_nr; i++) {
        grouped += r.groups[i].count;
    }
    cr_expect_eq(grouped, r.goroutines);
    cr_expect_eq(live, r.alive, "records %llu, alive %llu", (unsigned long long)live,
                 (unsigned long long)r.alive);
    /* a worker (they all end) is forgotten ... */
    uint64_t worker = 0;
    for (uint32_t k = 0; k < r.groups_nr; k++) {
        if (!strcmp(gm_tgroup_name(&r, &r.groups[k]), "main.worker")) {
            cr_expect_eq(r.groups[k].ended, 8);
        }
    }
    gm_trace_result_release(&r);
    /* ... unless kept: the first 64 ids, a worker among them */
    uint64_t keep[64];
    for (uint64_t i = 0; i < 64; i++) {
        keep[i] = i + 1;
    }
    struct gm_input in;
    struct gm_diag d = {0};
    cr_assert_eq(gm_input_from_mem(&in, "t", p, len, NULL, &d), 0);
    cr_assert_eq(
        gm_trace_analyze_input(
            &in, NULL, &(struct gm_trace_opts){.keep = keep, .keep_nr = 64, .threads = 1}, &r),
        0);
    for (uint32_t i = 0; i < r.gs_nr; i++) {
        if (r.gs[i].id && r.gs[i].state == GM_TS_ENDED) {
            worker = r.gs[i].id;
        }
    }
    cr_expect_neq(worker, 0, "no ended goroutine kept");
    const struct gm_tgor *g = gm_trace_goroutine(&r, worker);
    cr_expect_not_null(g);
    gm_trace_result_release(&r);
    gm_input_close(&in);
    free(p);
}

/* ------------------------------------------------------------ hostile bytes */

Test(trace, varint_longer_than_ten_bytes)
{
    /* a batch header whose generation is an 11-byte varint */
    char body[] = "\x01\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00";
    char buf[64];
    size_t n = v2(buf, body, sizeof(body) - 1);
    struct gm_diag d;
    struct gm_trace_info info;
    int rc = read_diag(buf, n, &d, &info);
    cr_expect_eq(rc, GM_EFORMAT);
    cr_expect_eq(d.off, 16, "offset %llu", (unsigned long long)d.off);
    cr_expect(strstr(d.msg, "10 bytes") != NULL, "%s", d.msg);
}

Test(trace, batch_size_that_lies)
{
    /* EventBatch gen 1, M 1, time 1, size 1 GB: over the 64 kB the runtime writes */
    char body[] = "\x01\x01\x01\x01\x80\x80\x80\x80\x04";
    char buf[64];
    size_t n = v2(buf, body, sizeof(body) - 1);
    struct gm_diag d;
    struct gm_trace_info info;
    cr_expect_eq(read_diag(buf, n, &d, &info), GM_EFORMAT);
    cr_expect(strstr(d.msg, "64 kB") != NULL, "%s", d.msg);
    /* a size that fits the rule but runs past the end: cut */
    char body2[] = "\x01\x01\x01\x01\x40";
    n = v2(buf, body2, sizeof(body2) - 1);
    cr_expect_eq(read_diag(buf, n, &d, &info), GM_ETRUNC);
    cr_expect(strstr(d.msg, "payload") != NULL, "%s", d.msg);
}

Test(trace, string_of_gigabytes)
{
    /* a Strings batch whose one String claims 2 GB */
    char body[] = "\x01\x01\x01\x01\x09"
                  "\x04\x05\x01\x80\x80\x80\x80\x08\x00";
    char buf[64];
    size_t n = v2(buf, body, sizeof(body) - 1);
    struct gm_diag d;
    struct gm_trace_info info;
    cr_expect_eq(read_diag(buf, n, &d, &info), GM_EFORMAT);
    cr_expect(strstr(d.msg, "String") != NULL, "%s", d.msg);
}

Test(trace, header_go_never_wrote)
{
    struct gm_diag d;
    struct gm_trace_info info;
    cr_expect_eq(read_diag("go 1.12 trace\0\0\0", 16, &d, &info), GM_EUNSUPP);
    cr_expect(strstr(d.msg, "1.12") != NULL, "%s", d.msg);
    cr_expect_eq(read_diag("go 1.99 trace\0\0\0", 16, &d, &info), GM_EUNSUPP);
    cr_expect(strstr(d.msg, "newer") != NULL, "%s", d.msg);
    cr_expect_eq(read_diag("not a trace at all", 18, &d, &info), GM_EFORMAT);
}

Test(trace, cut_trace_reports_what_was_read)
{
    size_t len;
    char *p = slurp("testdata/trace/go1.26/y_goroutine-leak.trace", &len);
    struct gm_trace_result whole, cut;
    cr_assert_eq(gm_trace_analyze(p, len, NULL, &whole), 0);
    cr_assert_eq(gm_trace_analyze(p, 6000, NULL, &cut), 0);
    cr_expect_eq(cut.rc, GM_ETRUNC);
    cr_expect_lt(cut.info.bytes, 6000);
    cr_expect_gt(cut.info.events, 0);
    cr_expect_eq(cut.goroutines, whole.goroutines); /* the first generation holds them all */
    gm_trace_result_release(&whole);
    gm_trace_result_release(&cut);
    free(p);
}

Test(trace, v1_event_length_that_lies)
{
    size_t len;
    char *p = slurp("testdata/trace/y_goroutine-leak.trace", &len);
    /* the first event is EvBatch with inline args; make it a length-prefixed event whose
     * length runs past the end of the file */
    char *q = malloc(len);
    memcpy(q, p, len);
    q[16] = (char)(1 | (3 << 6)); /* Batch, "4 or more args": a length follows */
    q[17] = (char)0xff;
    q[18] = (char)0x7f; /* 16383 bytes */
    struct gm_diag d;
    struct gm_trace_info info;
    int rc = read_diag(q, 200, &d, &info);
    cr_expect(rc == GM_ETRUNC || rc == GM_EFORMAT, "rc %d", rc);
    cr_expect_eq(d.off, 16, "offset %llu", (unsigned long long)d.off);
    free(q);
    free(p);
}

/* ------------------------------------------------------------ the evidence chain */

Test(trace, dual_dump_confirmed_and_false_alarm)
{
    size_t len;
    char *p = slurp("testdata/trace/go1.26/y_dual.trace", &len);
    struct gm_gdump_set set;
    struct gm_diag d = {0};
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_POINTER), 0);
    cr_assert_gt(gm_load_dumps(&set, "testdata/trace/go1.26/y_dual.txt", &d), 0, "%s", d.msg);
    struct gm_findings fd;
    cr_assert_eq(gm_findings_goroutines(&set, 0, NULL, &fd), 0);
    struct gm_trace_result r;
    cr_assert_eq(gm_trace_analyze(p, len, NULL, &r), 0);
    struct gm_tjoin j;
    cr_assert_eq(gm_trace_join(&r, &set, 0, &fd, &j), 0);
    int confirmed = 0, false_alarm = 0;
    for (uint32_t i = 0; i < j.nr; i++) {
        const char *fn = j.v[i].f->user_frame == GM_NO_FRAME
                             ? ""
                             : gm_stacks_func(&set.stacks, j.v[i].f->user_frame);
        if (!strcmp(fn, "main.(*Fanout).Ask.func1")) {
            confirmed = j.v[i].verdict == GM_TJV_CONFIRMED;
        }
        if (!strcmp(fn, "main.(*Pool).worker")) {
            false_alarm = j.v[i].verdict == GM_TJV_FALSE_ALARM;
        }
    }
    cr_expect(confirmed, "the leak is not confirmed");
    cr_expect(false_alarm, "the busy workers are not a false alarm");
    cr_expect_eq(j.common_ids, j.dump_ids);
    gm_tjoin_release(&j);
    gm_trace_result_release(&r);
    gm_findings_release(&fd);
    gm_gdump_set_release(&set);
    free(p);
}

/* ------------------------------------------------------------ the reader thread */

/* The JSON of one analysis of p[0..len) (threads 1 or 2), and the timeline's cells. */
static char *analysed(const char *p, size_t len, int threads, float **cells, size_t *ncells)
{
    struct gm_input in;
    struct gm_diag d = {0};
    cr_assert_eq(gm_input_from_mem(&in, "t", p, len, NULL, &d), 0);
    struct gm_trace_opts o = {.threads = threads};
    struct gm_trace_result r;
    char *buf = NULL;
    size_t n = 0;
    if (gm_trace_analyze_input(&in, NULL, &o, &r) < 0) {
        buf = strdup(r.diag.msg);
        gm_input_close(&in);
        *cells = NULL;
        *ncells = 0;
        return buf;
    }
    FILE *f = open_memstream(&buf, &n);
    struct gm_out out;
    gm_out_init(&out, f, 0);
    gm_render_trace_json(&out, "t", &r, NULL, NULL, NULL);
    fprintf(f, "\nrc %d at %llu: %s\n", r.rc, (unsigned long long)r.diag.off, r.diag.msg);
    fclose(f);
    struct gm_ttimeline tl;
    *cells = NULL;
    *ncells = 0;
    if (gm_trace_timeline(p, len, NULL, &r, 50, 8, threads, &tl) == 0) {
        *ncells = (size_t)(tl.rows ? tl.rows : 1) * GM_TL_STATES * tl.cols;
        *cells = malloc(sizeof(float) * *ncells);
        memcpy(*cells, tl.occ, sizeof(float) * *ncells);
        gm_ttimeline_release(&tl);
    }
    gm_trace_result_release(&r);
    gm_input_close(&in);
    return buf;
}

Test(trace, reader_thread_gives_the_same_result)
{
    const char *files[] = {"testdata/trace/y_dual.trace",
                           "testdata/trace/y_gc-heavy.trace",
                           "testdata/trace/y_goroutine-leak.trace",
                           "testdata/trace/y_mutex-contention.trace",
                           "testdata/trace/y_sched-backlog.trace",
                           "testdata/trace/y_syscall-io.trace",
                           "testdata/trace/y_user-annotations.trace",
                           "testdata/trace/go1.26/y_dual.trace",
                           "testdata/trace/go1.26/y_gc-heavy.trace",
                           "testdata/trace/go1.26/y_goroutine-leak.trace",
                           "testdata/trace/go1.26/y_mutex-contention.trace",
                           "testdata/trace/go1.26/y_sched-backlog.trace",
                           "testdata/trace/go1.26/y_syscall-io.trace",
                           "testdata/trace/go1.26/y_user-annotations.trace"};
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        size_t len;
        char *p = slurp(files[f], &len);
        /* whole, and cut at a few places (the reader stops with an error mid-stream) */
        size_t cuts[] = {len, len * 3 / 4, len / 2, len / 5};
        for (size_t c = 0; c < 4; c++) {
            float *c1, *c2;
            size_t n1, n2;
            char *one = analysed(p, cuts[c], 1, &c1, &n1);
            char *two = analysed(p, cuts[c], 2, &c2, &n2);
            cr_expect_str_eq(two, one, "%s cut at %zu", files[f], cuts[c]);
            cr_expect_eq(n1, n2, "%s: timeline sizes", files[f]);
            if (n1 == n2 && n1) {
                cr_expect_eq(memcmp(c1, c2, sizeof(float) * n1), 0, "%s: timelines differ",
                             files[f]);
            }
            free(one);
            free(two);
            free(c1);
            free(c2);
        }
        free(p);
    }
}
