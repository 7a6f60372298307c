/* Unit tests of gm/race.h: race report parsing and grouping (FORMATS.md §4). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "gm/racegroup.h"
#include "gm/source.h"

/* ------------------------------------------------------------ helpers */

static void analyze_file(const char *name, struct gm_race_result *r)
{
    char path[256];
    size_t len;
    snprintf(path, sizeof(path), "testdata/race/%s", name);
    char *p = test_slurp(path, &len);
    cr_assert_not_null(p, "cannot read %s", path);
    cr_assert_eq(gm_race_analyze(p, len, NULL, r), 0, "%s", path);
    free(p);
}

static void analyze_str(const char *s, struct gm_race_result *r)
{
    cr_assert_eq(gm_race_analyze(s, strlen(s), NULL, r), 0);
}

static const char *fn(const struct gm_race_result *r, uint32_t frame)
{
    return frame == GM_NO_FRAME ? "" : gm_stacks_func(&r->stacks, frame);
}

/* Does the function name end with `suffix` (the package path differs between programs)? */
static int ends(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The group whose user frames are (u0, u1) in either order (suffix match). */
static const struct gm_race_group *group_of(const struct gm_race_result *r, const char *u0,
                                            const char *u1)
{
    const struct gm_race_group *found = NULL;
    for (uint32_t i = 0; i < r->groups_nr; i++) {
        const struct gm_race_group *g = &r->groups[i];
        const char *a = fn(r, g->user[0]), *b = fn(r, g->user[1]);
        if ((ends(a, u0) && ends(b, u1)) || (ends(a, u1) && ends(b, u0))) {
            cr_assert_null(found, "two groups for %s / %s", u0, u1);
            found = g;
        }
    }
    return found;
}

static const char *test_name(const struct gm_race_result *r, uint32_t id)
{
    return gm_strtab_cstr(&r->stacks.strs, id);
}

static const struct gm_race_group *by_id(const struct gm_race_result *r, const char *id)
{
    for (uint32_t i = 0; i < r->groups_nr; i++) {
        if (strcmp(r->groups[i].id, id) == 0) {
            return &r->groups[i];
        }
    }
    return NULL;
}

/* Parser only: the reports as the visitor saw them. */
struct seen {
    struct gm_race_report r[16];
    uint32_t nr;
    uint32_t failed[8];
    uint64_t failed_line[8];
    uint32_t failed_nr;
    int stop_after;
};

static int on_report(void *ctx, const struct gm_race_report *rep)
{
    struct seen *s = ctx;
    if (s->nr < GM_ARRAY_NR(s->r)) {
        s->r[s->nr++] = *rep;
    }
    return s->stop_after && s->nr == (uint32_t)s->stop_after ? -77 : 0;
}

static int on_failed(void *ctx, uint32_t test_id, uint64_t line)
{
    struct seen *s = ctx;
    if (s->failed_nr < GM_ARRAY_NR(s->failed)) {
        s->failed_line[s->failed_nr] = line;
        s->failed[s->failed_nr++] = test_id;
    }
    return 0;
}

static struct gm_stacks ST;

static void st_setup(void)
{
    cr_assert_eq(gm_stacks_init(&ST, 1u << 24), 0);
}

static void st_teardown(void)
{
    gm_stacks_release(&ST);
}

static void parse_str(const char *s, struct seen *out, struct gm_race_stats *st)
{
    memset(out, 0, sizeof(*out));
    struct gm_race_visitor v = {out, on_report, on_failed};
    cr_assert_eq(gm_race_parse(s, strlen(s), &ST, &v, st), 0);
}

/* Innermost function of a stack, "" if none. */
static const char *top_func(uint32_t stack_id)
{
    if (stack_id == UINT32_MAX) {
        return "";
    }
    const struct gm_stack *s = gm_stacks_get(&ST, stack_id);
    return s->nr ? gm_stacks_func(&ST, gm_stack_frames(&ST, s)[0]) : "";
}

static uint32_t stack_nr(uint32_t stack_id)
{
    return stack_id == UINT32_MAX ? 0 : gm_stacks_get(&ST, stack_id)->nr;
}

/* ------------------------------------------------------------ hand-written reports */

/* One report: current access of kind cur at f0:l0, previous of kind prev at f1:l1. */
static int report(char *out, size_t cap, const char *dir, const char *cur, const char *f0,
                  unsigned l0, const char *prev, const char *f1, unsigned l1)
{
    return snprintf(out, cap,
                    "==================\n"
                    "WARNING: DATA RACE\n"
                    "%s at 0x00c0000a2018 by goroutine 8:\n"
                    "  %s()\n"
                    "      %s/app.go:%u +0x96\n"
                    "  main.main()\n"
                    "      %s/main.go:10 +0x1\n"
                    "\n"
                    "Previous %s at 0x00c0000a2018 by goroutine 7:\n"
                    "  %s()\n"
                    "      %s/app.go:%u +0xc7\n"
                    "\n"
                    "Goroutine 8 (running) created at:\n"
                    "  main.main()\n"
                    "      %s/main.go:20 +0x1be\n"
                    "\n"
                    "Goroutine 7 (finished) created at:\n"
                    "  main.main()\n"
                    "      %s/main.go:21 +0x1be\n"
                    "==================\n",
                    cur, f0, dir, l0, dir, prev, f1, dir, l1, dir, dir);
}

Test(race_parse, one_report_fields, .init = st_setup, .fini = st_teardown)
{
    char log[2048];
    int n = report(log, sizeof(log), "/src/app", "Read", "main.(*S).get", 45, "write",
                   "main.(*S).set", 40);
    cr_assert_gt(n, 0);
    struct seen s;
    struct gm_race_stats st;
    parse_str(log, &s, &st);
    cr_assert_eq(st.reports, 1u);
    cr_assert_eq(st.truncated, 0);
    cr_assert_eq(st.lines, 20u);
    cr_assert_eq(s.nr, 1u);
    const struct gm_race_report *r = &s.r[0];
    cr_assert_eq(r->line, 2u, "line of WARNING: DATA RACE");
    cr_assert_eq(r->complete, 1);
    cr_assert_eq(r->test_id, 0u);
    cr_assert_eq(r->acc[0].kind, GM_RACE_READ);
    cr_assert_eq(r->acc[1].kind, GM_RACE_WRITE);
    cr_assert_eq(r->acc[0].atomic, 0);
    cr_assert_eq(r->acc[0].addr, 0xc0000a2018ull);
    cr_assert_eq(r->acc[1].addr, 0xc0000a2018ull);
    cr_assert_eq(r->acc[0].goroutine, 8u);
    cr_assert_eq(r->acc[1].goroutine, 7u);
    cr_assert_eq(r->acc[0].main, 0);
    cr_assert_eq(r->acc[0].finished, 0);
    cr_assert_eq(r->acc[1].finished, 1);
    cr_assert_eq(stack_nr(r->acc[0].stack_id), 2u);
    cr_assert_eq(stack_nr(r->acc[1].stack_id), 1u);
    cr_assert_str_eq(top_func(r->acc[0].stack_id), "main.(*S).get");
    cr_assert_str_eq(top_func(r->acc[1].stack_id), "main.(*S).set");
    cr_assert_str_eq(top_func(r->acc[0].creator), "main.main");
    cr_assert_str_eq(top_func(r->acc[1].creator), "main.main");
    const struct gm_stack *cs = gm_stacks_get(&ST, r->acc[0].creator);
    cr_assert_eq(gm_stacks_get_frame(&ST, gm_stack_frames(&ST, cs)[0])->line, 20u);
    cs = gm_stacks_get(&ST, r->acc[1].creator);
    cr_assert_eq(gm_stacks_get_frame(&ST, gm_stack_frames(&ST, cs)[0])->line, 21u);
    const struct gm_stack *as = gm_stacks_get(&ST, r->acc[0].stack_id);
    uint32_t f0 = gm_stack_frames(&ST, as)[0];
    cr_assert_eq(gm_stacks_get_frame(&ST, f0)->line, 45u);
    cr_assert_str_eq(gm_stacks_file(&ST, f0), "/src/app/app.go");
}

Test(race_parse, main_goroutine, .init = st_setup, .fini = st_teardown)
{
    const char *log = "WARNING: DATA RACE\n"
                      "Write at 0x000001234560 by main goroutine:\n"
                      "  main.(*Poller).Stop()\n"
                      "      /x/main.go:170 +0x44\n"
                      "  main.main()\n"
                      "      /x/main.go:200 +0x55\n"
                      "\n"
                      "Previous read at 0x000001234560 by goroutine 9:\n"
                      "  main.(*Poller).loop()\n"
                      "      /x/main.go:163 +0x66\n"
                      "\n"
                      "Goroutine 9 (running) created at:\n"
                      "  main.NewPoller()\n"
                      "      /x/main.go:150 +0x77\n"
                      "==================\n";
    struct seen s;
    struct gm_race_stats st;
    parse_str(log, &s, &st);
    cr_assert_eq(s.nr, 1u);
    const struct gm_race_report *r = &s.r[0];
    cr_assert_eq(r->line, 1u);
    cr_assert_eq(r->acc[0].kind, GM_RACE_WRITE);
    cr_assert_eq(r->acc[0].main, 1);
    cr_assert_eq(r->acc[0].goroutine, 0u);
    cr_assert_eq(r->acc[0].creator, UINT32_MAX, "the main goroutine has no creator");
    cr_assert_eq(r->acc[1].kind, GM_RACE_READ);
    cr_assert_eq(r->acc[1].main, 0);
    cr_assert_eq(r->acc[1].goroutine, 9u);
    cr_assert_str_eq(top_func(r->acc[1].creator), "main.NewPoller");
    cr_assert_eq(r->acc[1].finished, 0);
    cr_assert_eq(r->acc[0].addr, 0x1234560ull);
}

Test(race_parse, atomic_accesses, .init = st_setup, .fini = st_teardown)
{
    const char *log = "==================\n"
                      "WARNING: DATA RACE\n"
                      "Atomic write at 0x00c000014088 by goroutine 7:\n"
                      "  sync/atomic.StoreInt64()\n"
                      "      /go/src/runtime/race_amd64.s:234 +0xb\n"
                      "  main.set()\n"
                      "      /x/main.go:12 +0x4\n"
                      "\n"
                      "Previous read at 0x00c000014088 by goroutine 6:\n"
                      "  main.get()\n"
                      "      /x/main.go:18 +0x4\n"
                      "==================\n"
                      "==================\n"
                      "WARNING: DATA RACE\n"
                      "Read at 0x00c000014090 by goroutine 6:\n"
                      "  main.get2()\n"
                      "      /x/main.go:28 +0x4\n"
                      "\n"
                      "Previous atomic write at 0x00c000014090 by goroutine 7:\n"
                      "  sync/atomic.AddInt64()\n"
                      "      /go/src/runtime/race_amd64.s:289 +0xb\n"
                      "  main.add()\n"
                      "      /x/main.go:22 +0x4\n"
                      "==================\n";
    struct seen s;
    struct gm_race_stats st;
    parse_str(log, &s, &st);
    cr_assert_eq(s.nr, 2u);
    cr_assert_eq(s.r[0].acc[0].atomic, 1);
    cr_assert_eq(s.r[0].acc[0].kind, GM_RACE_WRITE);
    cr_assert_eq(s.r[0].acc[1].atomic, 0);
    cr_assert_eq(s.r[0].acc[1].kind, GM_RACE_READ);
    cr_assert_eq(stack_nr(s.r[0].acc[0].stack_id), 2u);
    cr_assert_eq(s.r[1].acc[0].atomic, 0);
    cr_assert_eq(s.r[1].acc[1].atomic, 1);
    cr_assert_eq(s.r[1].acc[1].kind, GM_RACE_WRITE);
    cr_assert_eq(s.r[1].line, 14u);

    /* grouping: the atomic side's first user frame is the caller of sync/atomic */
    struct gm_race_result r;
    analyze_str(log, &r);
    cr_assert_eq(r.groups_nr, 2u);
    const struct gm_race_group *g = group_of(&r, "main.set", "main.get");
    cr_assert_not_null(g, "grouped by the user frames of both sides");
    gm_race_result_release(&r);
}

Test(race_parse, failed_to_restore_stack, .init = st_setup, .fini = st_teardown)
{
    const char *log = "==================\n"
                      "WARNING: DATA RACE\n"
                      "Read at 0x00c0000b4010 by goroutine 8:\n"
                      "  main.reader()\n"
                      "      /x/main.go:45 +0x3d\n"
                      "\n"
                      "Previous write at 0x00c0000b4010 by goroutine 7:\n"
                      "  [failed to restore the stack]\n"
                      "\n"
                      "Goroutine 8 (running) created at:\n"
                      "  main.main()\n"
                      "      /x/main.go:30 +0x3d\n"
                      "\n"
                      "Goroutine 7 (running) created at:\n"
                      "  main.main()\n"
                      "      /x/main.go:29 +0x3d\n"
                      "==================\n";
    struct seen s;
    struct gm_race_stats st;
    parse_str(log, &s, &st);
    cr_assert_eq(s.nr, 1u);
    cr_assert_eq(s.r[0].acc[0].no_stack, 0);
    cr_assert_eq(s.r[0].acc[1].no_stack, 1);
    cr_assert_eq(stack_nr(s.r[0].acc[1].stack_id), 0u);
    cr_assert_str_eq(top_func(s.r[0].acc[1].creator), "main.main");

    struct gm_race_result r;
    analyze_str(log, &r);
    cr_assert_eq(r.groups_nr, 1u);
    const struct gm_race_group *g = &r.groups[0];
    cr_assert_eq(g->count, 1u);
    cr_assert(g->loc[0] == GM_NO_FRAME || g->loc[1] == GM_NO_FRAME, "one side is unknown");
    cr_assert_eq(strlen(g->id), 16u);
    gm_race_result_release(&r);
}

Test(race_parse, visitor_stops, .init = st_setup, .fini = st_teardown)
{
    char log[4096];
    int n = report(log, sizeof(log), "/a", "Read", "main.f", 1, "write", "main.g", 2);
    cr_assert_gt(n, 0);
    int m =
        report(log + n, sizeof(log) - (size_t)n, "/a", "Read", "main.h", 3, "write", "main.i", 4);
    cr_assert_gt(m, 0);
    struct seen s;
    memset(&s, 0, sizeof(s));
    s.stop_after = 1;
    struct gm_race_visitor v = {&s, on_report, on_failed};
    struct gm_race_stats st;
    cr_assert_eq(gm_race_parse(log, strlen(log), &ST, &v, &st), -77);
    cr_assert_eq(s.nr, 1u);
}

Test(race_parse, test_context, .init = st_setup, .fini = st_teardown)
{
    char r1[2048], r2[2048], log[8192];
    cr_assert_gt(report(r1, sizeof(r1), "/a", "Read", "main.f", 1, "write", "main.g", 2), 0);
    cr_assert_gt(report(r2, sizeof(r2), "/a", "Write", "main.h", 3, "read", "main.i", 4), 0);
    /* -v: the report belongs to the test announced by === RUN / === CONT */
    snprintf(log, sizeof(log),
             "=== RUN   TestOne\n%s--- FAIL: TestOne (0.00s)\n=== RUN   TestTwo\n=== CONT  "
             "TestOne\n%s    testing.go:1319: race detected during execution of test\n",
             r1, r2);
    struct seen s;
    struct gm_race_stats st;
    parse_str(log, &s, &st);
    cr_assert_eq(s.nr, 2u);
    cr_assert_neq(s.r[0].test_id, 0u);
    cr_assert_str_eq(gm_strtab_cstr(&ST.strs, s.r[0].test_id), "TestOne");
    cr_assert_eq(s.r[1].test_id, s.r[0].test_id, "=== CONT switches back");
    cr_assert_eq(s.failed_nr, 1u);
    cr_assert_str_eq(gm_strtab_cstr(&ST.strs, s.failed[0]), "TestOne");
    cr_assert_eq(s.failed_line[0], 22u);
    cr_assert_eq(st.found_total, 0u);
    cr_assert_eq(st.skipped_lines, 5u);
}

Test(race_parse, found_total_and_noise, .init = st_setup, .fini = st_teardown)
{
    const char *log = "Found 3 data race(s)\n"
                      "Found 1 data race(s)\n"
                      "Found many data races\n"
                      "Found 7 bugs\n"
                      "exit status 66\n"
                      "=====\n"
                      "=== RUN\n"
                      "=== CONT  \n"
                      "--- FAIL: \n";
    struct seen s;
    struct gm_race_stats st;
    parse_str(log, &s, &st);
    cr_assert_eq(st.found_total, 4u);
    cr_assert_eq(st.reports, 0u);
    cr_assert_eq(st.lines, 9u);
    cr_assert_eq(st.skipped_lines, 9u);
    cr_assert_eq(s.failed_nr, 0u, "no test name");
}

Test(race_parse, truncated_and_unclosed, .init = st_setup, .fini = st_teardown)
{
    char log[4096];
    int n = report(log, sizeof(log), "/a", "Read", "main.f", 1, "write", "main.g", 2);
    cr_assert_gt(n, 0);
    /* drop the closing separator: the report ends at the input end */
    size_t cut = (size_t)n - strlen("==================\n");
    log[cut] = '\0';
    struct seen s;
    struct gm_race_stats st;
    parse_str(log, &s, &st);
    cr_assert_eq(s.nr, 1u);
    cr_assert_eq(st.truncated, 1);
    cr_assert_eq(s.r[0].complete, 0);
    /* two reports without a separator between them: the first is closed by the second */
    char two[4096];
    snprintf(two, sizeof(two),
             "WARNING: DATA RACE\nRead at 0x1 by goroutine 1:\n  main.a()\n      /a.go:1 +0x1\n"
             "WARNING: DATA RACE\nRead at 0x2 by goroutine 2:\n  main.b()\n      /a.go:2 +0x1\n"
             "==================\n");
    parse_str(two, &s, &st);
    cr_assert_eq(s.nr, 2u);
    cr_assert_eq(s.r[0].complete, 0);
    cr_assert_eq(s.r[1].complete, 1);
    cr_assert_eq(st.truncated, 0);
    cr_assert_str_eq(top_func(s.r[0].acc[0].stack_id), "main.a");
    cr_assert_str_eq(top_func(s.r[1].acc[0].stack_id), "main.b");
}

Test(race_parse, every_prefix_is_safe, .init = st_setup, .fini = st_teardown)
{
    size_t len;
    char *p = test_slurp("testdata/race/y_gotest.log", &len);
    cr_assert_not_null(p);
    /* cut the first 3 KB at every byte: no crash, reports never exceed the full count */
    size_t lim = len < 3000 ? len : 3000;
    for (size_t cut = 0; cut <= lim; cut += 7) {
        char *q = malloc(cut ? cut : 1);
        cr_assert_not_null(q);
        memcpy(q, p, cut);
        struct gm_race_result r;
        cr_assert_eq(gm_race_analyze(q, cut, NULL, &r), 0);
        cr_assert_leq(r.stats.reports, 5u);
        gm_race_result_release(&r);
        free(q);
    }
    free(p);
}

/* ------------------------------------------------------------ ids */

Test(race_group, id_ignores_side_and_path)
{
    char a[2048], b[2048], c[2048], d[2048];
    cr_assert_gt(report(a, sizeof(a), "/home/ci/src/app", "Read", "main.(*S).get", 45, "write",
                        "main.(*S).set", 40),
                 0);
    /* the same pair, the other side first */
    cr_assert_gt(report(b, sizeof(b), "/home/ci/src/app", "Write", "main.(*S).set", 40, "read",
                        "main.(*S).get", 45),
                 0);
    /* the same functions and lines under another checkout */
    cr_assert_gt(report(c, sizeof(c), "C:/Users/dev/go/src/github.com/x/app", "Read",
                        "main.(*S).get", 45, "write", "main.(*S).set", 40),
                 0);
    /* another line: another race */
    cr_assert_gt(report(d, sizeof(d), "/home/ci/src/app", "Read", "main.(*S).get", 46, "write",
                        "main.(*S).set", 40),
                 0);
    struct gm_race_result ra, rb, rc, rd;
    analyze_str(a, &ra);
    analyze_str(b, &rb);
    analyze_str(c, &rc);
    analyze_str(d, &rd);
    cr_assert_eq(ra.groups_nr, 1u);
    cr_assert_str_eq(ra.groups[0].id, rb.groups[0].id, "swapped sides");
    cr_assert_eq(ra.groups[0].hash, rb.groups[0].hash);
    cr_assert_str_eq(ra.groups[0].id, rc.groups[0].id, "other path prefix");
    cr_assert_str_neq(ra.groups[0].id, rd.groups[0].id, "other line");
    /* the id is the hex of the hash */
    char hex[17];
    snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)ra.groups[0].hash);
    cr_assert_str_eq(ra.groups[0].id, hex);
    /* locations are sorted: the same order whichever side came first */
    cr_assert_str_eq(fn(&ra, ra.groups[0].loc[0]), fn(&rb, rb.groups[0].loc[0]));
    cr_assert_str_eq(fn(&ra, ra.groups[0].loc[1]), fn(&rb, rb.groups[0].loc[1]));
    gm_race_result_release(&ra);
    gm_race_result_release(&rb);
    gm_race_result_release(&rc);
    gm_race_result_release(&rd);

    /* all four in one log: three groups, the swapped and moved ones merged */
    char all[8192];
    snprintf(all, sizeof(all), "%s%s%s%s", a, b, c, d);
    struct gm_race_result r;
    analyze_str(all, &r);
    cr_assert_eq(r.stats.reports, 4u);
    cr_assert_eq(r.groups_nr, 2u);
    cr_assert_eq(r.groups[0].count, 3u, "sorted by count");
    cr_assert_eq(r.groups[1].count, 1u);
    gm_race_result_release(&r);
}

Test(race_group, many_groups_grow_the_table)
{
    /* 300 distinct pairs, each twice: the open-addressing table grows */
    size_t cap = 300 * 2 * 700, len = 0;
    char *log = malloc(cap);
    cr_assert_not_null(log);
    for (int rep = 0; rep < 2; rep++) {
        for (unsigned i = 0; i < 300; i++) {
            int n = report(log + len, cap - len, "/a", "Read", "main.f", i + 1, "write", "main.g",
                           1000 + i);
            cr_assert_gt(n, 0);
            len += (size_t)n;
        }
    }
    struct gm_race_result r;
    cr_assert_eq(gm_race_analyze(log, len, NULL, &r), 0);
    cr_assert_eq(r.stats.reports, 600u);
    cr_assert_eq(r.groups_nr, 300u);
    for (uint32_t i = 0; i < r.groups_nr; i++) {
        cr_assert_eq(r.groups[i].count, 2u);
        if (i) {
            cr_assert_lt(strcmp(r.groups[i - 1].id, r.groups[i].id), 0, "sorted by id");
        }
    }
    gm_race_result_release(&r);
    free(log);
}

/* ------------------------------------------------------------ fixtures */

/* Ids and counts of y_races.log, the reference for its variants. */
static void same_groups(const struct gm_race_result *a, const struct gm_race_result *b)
{
    cr_assert_eq(a->groups_nr, b->groups_nr);
    cr_assert_eq(a->stats.reports, b->stats.reports);
    for (uint32_t i = 0; i < a->groups_nr; i++) {
        cr_assert_not_null(by_id(b, a->groups[i].id), "group %s", a->groups[i].id);
        cr_assert_str_eq(a->groups[i].id, b->groups[i].id);
        cr_assert_eq(a->groups[i].count, b->groups[i].count);
        cr_assert_eq(a->groups[i].hint, b->groups[i].hint);
        cr_assert_eq(a->groups[i].global, b->groups[i].global);
    }
}

Test(race_fixture, races)
{
    struct gm_race_result r;
    analyze_file("y_races.log", &r);
    cr_assert_eq(r.stats.reports, 9u);
    cr_assert_eq(r.stats.found_total, 9u);
    cr_assert_eq(r.stats.truncated, 0);
    cr_assert_eq(r.groups_nr, 7u);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < r.groups_nr; i++) {
        const struct gm_race_group *g = &r.groups[i];
        sum += g->count;
        cr_assert_eq(g->is_new, 1);
        cr_assert_eq(strlen(g->id), 16u);
        cr_assert_eq(g->tests_nr, 0u, "no test context");
        cr_assert_neq(g->loc[0], GM_NO_FRAME);
        cr_assert_neq(g->loc[1], GM_NO_FRAME);
        cr_assert_eq(g->first.complete, 1);
        if (i) {
            const struct gm_race_group *p = &r.groups[i - 1];
            cr_assert(p->count > g->count || (p->count == g->count && strcmp(p->id, g->id) < 0),
                      "sorted by count, then id");
        }
    }
    cr_assert_eq(sum, 9u);

    /* (b) map: two reports, hint about the map */
    const struct gm_race_group *g =
        group_of(&r, "main.(*Inventory).Available", "main.(*Inventory).Restock");
    cr_assert_not_null(g);
    cr_assert_eq(g->count, 2u);
    cr_assert_not_null(g->hint);
    cr_assert_not_null(strstr(g->hint, "map"), "hint: %s", g->hint);
    cr_assert_eq(g->global, 0);
    /* racing locations skip the runtime's map functions */
    cr_assert_eq(strncmp(fn(&r, g->loc[0]), "runtime.", 8) != 0, 1);
    cr_assert_eq(strncmp(fn(&r, g->loc[1]), "runtime.", 8) != 0, 1);

    /* (a) loop variable captured by the closure */
    g = group_of(&r, "main.(*Dispatcher).DispatchAll.func1", "main.(*Dispatcher).DispatchAll");
    cr_assert_not_null(g);
    cr_assert_eq(g->count, 1u);
    cr_assert_not_null(g->hint);
    cr_assert_not_null(strstr(g->hint, "captured"), "hint: %s", g->hint);
    cr_assert(g->first.acc[0].main || g->first.acc[1].main, "one side is the main goroutine");

    /* (c) lazy init of a package variable */
    g = group_of(&r, "main.getConfig", "main.getConfig");
    cr_assert_not_null(g);
    cr_assert_eq(g->global, 1);
    cr_assert_not_null(g->hint);
    cr_assert_not_null(strstr(g->hint, "sync.Once"), "hint: %s", g->hint);
    cr_assert_neq(gm_stacks_get_frame(&r.stacks, g->loc[0])->line,
                  gm_stacks_get_frame(&r.stacks, g->loc[1])->line, "92 vs 93");

    /* (c') publication race 102 vs 88 */
    g = group_of(&r, "main.(*Client).Do", "main.loadConfig");
    cr_assert_not_null(g);
    /* (d) struct field from many goroutines: reported once */
    g = group_of(&r, "main.(*Stats).recordRequest", "main.(*Stats).recordRequest");
    cr_assert_not_null(g);
    cr_assert_eq(g->count, 1u);
    /* (e) append: 146 vs 146 and growslice vs 146 are one location pair */
    g = group_of(&r, "main.(*Collector).Add", "main.(*Collector).Add");
    cr_assert_not_null(g);
    cr_assert_eq(g->count, 2u);
    /* (f) stop flag written by main */
    g = group_of(&r, "main.(*Poller).Stop", "main.(*Poller).loop");
    cr_assert_not_null(g);
    cr_assert_eq(g->first.acc[0].main, 1);
    cr_assert_eq(g->first.acc[0].kind, GM_RACE_WRITE);
    cr_assert_eq(g->first.acc[1].kind, GM_RACE_READ);
    gm_race_result_release(&r);
}

Test(race_fixture, noindent_and_crlf_match)
{
    struct gm_race_result ref, r;
    analyze_file("y_races.log", &ref);
    const char *variants[] = {"y_noindent.log", "y_crlf.log"};
    for (size_t i = 0; i < GM_ARRAY_NR(variants); i++) {
        analyze_file(variants[i], &r);
        cr_assert_eq(r.stats.found_total, 9u, "%s", variants[i]);
        same_groups(&ref, &r);
        for (uint32_t k = 0; k < r.groups_nr; k++) {
            cr_assert_str_eq(fn(&ref, ref.groups[k].user[0]), fn(&r, r.groups[k].user[0]), "%s",
                             variants[i]);
            cr_assert_str_eq(fn(&ref, ref.groups[k].user[1]), fn(&r, r.groups[k].user[1]), "%s",
                             variants[i]);
        }
        gm_race_result_release(&r);
    }
    gm_race_result_release(&ref);
}

static void check_gotest(const char *name)
{
    struct gm_race_result r;
    analyze_file(name, &r);
    cr_assert_eq(r.stats.reports, 5u, "%s", name);
    cr_assert_eq(r.groups_nr, 4u, "%s", name);
    cr_assert_eq(r.stats.found_total, 0u, "go test prints no Found line");
    cr_assert_eq(r.pending_nr, 0u, "%s: every group has its test", name);
    static const struct {
        const char *u0, *u1, *test;
        uint64_t count;
    } want[] = {
        {"racetest.(*Counter).Incr", "racetest.(*Counter).Incr", "TestB", 1},
        {"racetest.(*Cache).Get", "racetest.(*Cache).Get", "TestC/unsafe", 2},
        {"racetest.(*Session).rotate", "racetest.(*Session).Token", "TestD", 1},
        {"racetest.Record", "racetest.StartFlusher.func1", "TestG", 1},
    };
    for (size_t i = 0; i < GM_ARRAY_NR(want); i++) {
        const struct gm_race_group *g = group_of(&r, want[i].u0, want[i].u1);
        cr_assert_not_null(g, "%s: no group %s / %s", name, want[i].u0, want[i].u1);
        cr_assert_eq(g->count, want[i].count, "%s: %s", name, want[i].u0);
        cr_assert_eq(g->tests_nr, 1u, "%s: %s has %u tests", name, want[i].u0, g->tests_nr);
        cr_assert_str_eq(test_name(&r, g->tests[0]), want[i].test, "%s: %s", name, want[i].u0);
    }
    const struct gm_race_group *g = group_of(&r, "racetest.(*Cache).Get", "racetest.(*Cache).Get");
    cr_assert_not_null(strstr(g->hint, "map"));
    gm_race_result_release(&r);
}

Test(race_fixture, gotest_verbose)
{
    check_gotest("y_gotest.log");
}

Test(race_fixture, gotest_nonverbose)
{
    check_gotest("y_gotest_nonverbose.log");
}

Test(race_fixture, gotest_same_ids_both_modes)
{
    struct gm_race_result a, b;
    analyze_file("y_gotest.log", &a);
    analyze_file("y_gotest_nonverbose.log", &b);
    same_groups(&a, &b);
    gm_race_result_release(&a);
    gm_race_result_release(&b);
}

Test(race_fixture, repeat)
{
    struct gm_race_result r;
    analyze_file("y_repeat.log", &r);
    cr_assert_eq(r.stats.reports, 9u);
    cr_assert_eq(r.stats.found_total, 9u);
    cr_assert_eq(r.groups_nr, 1u, "roles swap between processes: still one pair");
    cr_assert_eq(r.groups[0].count, 9u);
    cr_assert_not_null(group_of(&r, "main.(*Gauge).Get", "main.(*Gauge).Set"));
    gm_race_result_release(&r);
}

Test(race_fixture, repeat_nosuppress)
{
    struct gm_race_result r;
    analyze_file("y_repeat_nosuppress.log", &r);
    cr_assert_eq(r.stats.reports, 45u);
    cr_assert_eq(r.stats.found_total, 45u);
    cr_assert_eq(r.groups_nr, 1u);
    cr_assert_eq(r.groups[0].count, 45u);
    struct gm_race_result r9;
    analyze_file("y_repeat.log", &r9);
    cr_assert_str_eq(r.groups[0].id, r9.groups[0].id, "the same pair in another run");
    gm_race_result_release(&r9);
    gm_race_result_release(&r);
}

Test(race_fixture, halt)
{
    struct gm_race_result r;
    analyze_file("y_halt.log", &r);
    cr_assert_eq(r.stats.reports, 1u);
    cr_assert_eq(r.stats.found_total, 0u);
    cr_assert_eq(r.stats.truncated, 0);
    cr_assert_eq(r.groups_nr, 1u);
    cr_assert_not_null(
        group_of(&r, "main.(*Dispatcher).DispatchAll.func1", "main.(*Dispatcher).DispatchAll"));
    gm_race_result_release(&r);
    analyze_file("y_gotest_halt.log", &r);
    cr_assert_eq(r.stats.reports, 1u);
    cr_assert_eq(r.groups_nr, 1u);
    cr_assert_eq(r.groups[0].tests_nr, 1u);
    cr_assert_str_eq(test_name(&r, r.groups[0].tests[0]), "TestB");
    gm_race_result_release(&r);
}

Test(race_fixture, truncated)
{
    struct gm_race_result r;
    analyze_file("n_truncated.log", &r);
    cr_assert_eq(r.stats.truncated, 1);
    cr_assert_eq(r.stats.reports, 3u);
    cr_assert_eq(r.stats.found_total, 0u);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < r.groups_nr; i++) {
        sum += r.groups[i].count;
    }
    cr_assert_eq(sum, 3u);
    gm_race_result_release(&r);
}

Test(race_fixture, garbage)
{
    struct gm_race_result r;
    analyze_file("n_garbage.bin", &r);
    cr_assert_eq(r.stats.reports, 0u);
    cr_assert_eq(r.groups_nr, 0u);
    gm_race_result_release(&r);
}

Test(race_fixture, no_races)
{
    struct gm_race_result r;
    analyze_file("y_no_races.log", &r);
    cr_assert_eq(r.stats.reports, 0u);
    cr_assert_eq(r.groups_nr, 0u);
    cr_assert_eq(r.stats.truncated, 0);
    cr_assert_eq(r.stats.skipped_lines, r.stats.lines);
    cr_assert_eq(gm_race_baseline(&r, "{}", 2), 0u);
    gm_race_result_release(&r);
    analyze_file("y_history_lost.log", &r);
    cr_assert_eq(r.groups_nr, 0u);
    gm_race_result_release(&r);
}

Test(race_fixture, history_kept)
{
    struct gm_race_result r;
    analyze_file("y_history_kept.log", &r);
    cr_assert_eq(r.stats.reports, 1u);
    cr_assert_eq(r.groups_nr, 1u);
    const struct gm_race_report *f = &r.groups[0].first;
    cr_assert(f->acc[0].main || f->acc[1].main);
    gm_race_result_release(&r);
}

/* ------------------------------------------------------------ baseline */

Test(race_group, baseline)
{
    struct gm_race_result r;
    analyze_file("y_races.log", &r);
    cr_assert_eq(r.groups_nr, 7u);
    const struct gm_race_group *g =
        group_of(&r, "main.(*Dispatcher).DispatchAll.func1", "main.(*Dispatcher).DispatchAll");
    cr_assert_not_null(g);
    char json[256];
    int n = snprintf(json, sizeof(json),
                     "{\"schema\":\"gomedic.race/1\",\"findings\":[{\"id\":\"%s\",\"count\":1}]}",
                     g->id);
    cr_assert_gt(n, 0);
    cr_assert_eq(gm_race_baseline(&r, json, (size_t)n), 6u);
    for (uint32_t i = 0; i < r.groups_nr; i++) {
        cr_assert_eq(r.groups[i].is_new, &r.groups[i] != g, "group %s", r.groups[i].id);
    }
    /* an empty baseline: everything is new again */
    cr_assert_eq(gm_race_baseline(&r, "", 0), 7u);
    /* the id must be a quoted string, not a substring of something else */
    n = snprintf(json, sizeof(json), "{\"note\":\"x%sx\",\"raw\":%s}", g->id, g->id);
    cr_assert_eq(gm_race_baseline(&r, json, (size_t)n), 7u);
    /* a baseline cut right inside the last quote does not count */
    n = snprintf(json, sizeof(json), "[\"%s", g->id);
    cr_assert_eq(gm_race_baseline(&r, json, (size_t)n), 7u);
    /* every id: nothing new */
    size_t len = 0;
    char all[1024];
    for (uint32_t i = 0; i < r.groups_nr; i++) {
        len += (size_t)snprintf(all + len, sizeof(all) - len, "\"%s\",", r.groups[i].id);
    }
    cr_assert_eq(gm_race_baseline(&r, all, len), 0u);
    gm_race_result_release(&r);
}

Test(race_group, baseline_fixture_file)
{
    size_t len;
    char *p = test_slurp("testdata/race/baseline.json", &len);
    if (!p) {
        cr_skip("testdata/race/baseline.json does not exist");
    }
    struct gm_race_result r;
    analyze_file("y_gotest.log", &r);
    uint32_t fresh = gm_race_baseline(&r, p, len);
    cr_assert_leq(fresh, r.groups_nr);
    gm_race_result_release(&r);
    free(p);
}

/* ------------------------------------------------------------ more */

/* Replaces every occurrence of `from` by `to` in (p, len); returns a new buffer. */
static char *replace_all(const char *p, size_t len, const char *from, const char *to,
                         size_t *out_len)
{
    size_t fl = strlen(from), tl = strlen(to);
    char *q = malloc(len * 2 + 1);
    cr_assert_not_null(q);
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        if (i + fl <= len && memcmp(p + i, from, fl) == 0) {
            cr_assert_leq(n + tl, len * 2);
            memcpy(q + n, to, tl);
            n += tl;
            i += fl;
        } else {
            q[n++] = p[i++];
        }
    }
    *out_len = n;
    return q;
}

Test(race_fixture, other_checkout_same_ids)
{
    size_t len, n2;
    char *p = test_slurp("testdata/race/y_races.log", &len);
    cr_assert_not_null(p);
    char *q = replace_all(p, len, "/work/main/testdata/gen/race/", "/home/someone/go/src/x/", &n2);
    cr_assert_neq(n2, len, "the fixture has the generator's paths");
    struct gm_race_result a, b;
    cr_assert_eq(gm_race_analyze(p, len, NULL, &a), 0);
    cr_assert_eq(gm_race_analyze(q, n2, NULL, &b), 0);
    same_groups(&a, &b);
    /* and with GORACE=strip_path_prefix: relative paths */
    free(q);
    q = replace_all(p, len, "/work/main/testdata/gen/race/", "", &n2);
    struct gm_race_result c;
    cr_assert_eq(gm_race_analyze(q, n2, NULL, &c), 0);
    same_groups(&a, &c);
    gm_race_result_release(&a);
    gm_race_result_release(&b);
    gm_race_result_release(&c);
    free(q);
    free(p);
}

Test(race_fixture, string_table_limit)
{
    size_t len;
    char *p = test_slurp("testdata/race/y_races.log", &len);
    cr_assert_not_null(p);
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_strtab = 64;
    struct gm_race_result r;
    cr_assert_eq(gm_race_analyze(p, len, &lim, &r), GM_ETOOBIG);
    cr_assert_eq(r.groups_nr, 0u, "released on error");
    cr_assert_null(r.groups);
    lim.max_strtab = 1u << 20;
    cr_assert_eq(gm_race_analyze(p, len, &lim, &r), 0);
    cr_assert_eq(r.groups_nr, 7u);
    gm_race_result_release(&r);
    free(p);
}

Test(race_group, hints_from_frames)
{
    /* growslice on one side: the slice hint; no runtime frame, same function and a global
     * address with read vs write: sync.Once */
    const char *log = "==================\n"
                      "WARNING: DATA RACE\n"
                      "Read at 0x00c000120000 by goroutine 7:\n"
                      "  runtime.growslice()\n"
                      "      /go/src/runtime/slice.go:178 +0x0\n"
                      "  main.(*C).Add()\n"
                      "      /x/main.go:146 +0x1\n"
                      "\n"
                      "Previous write at 0x00c000120000 by goroutine 8:\n"
                      "  main.(*C).Add()\n"
                      "      /x/main.go:146 +0x2\n"
                      "==================\n"
                      "==================\n"
                      "WARNING: DATA RACE\n"
                      "Read at 0x0000011b2c40 by goroutine 9:\n"
                      "  main.getConfig()\n"
                      "      /x/main.go:92 +0x1\n"
                      "\n"
                      "Previous write at 0x0000011b2c40 by goroutine 10:\n"
                      "  main.getConfig()\n"
                      "      /x/main.go:93 +0x2\n"
                      "==================\n"
                      "==================\n"
                      "WARNING: DATA RACE\n"
                      "Write at 0x00c000130000 by goroutine 9:\n"
                      "  main.worker()\n"
                      "      /x/main.go:10 +0x1\n"
                      "\n"
                      "Previous write at 0x00c000130000 by goroutine 10:\n"
                      "  main.other()\n"
                      "      /x/main.go:20 +0x2\n"
                      "==================\n";
    struct gm_race_result r;
    analyze_str(log, &r);
    cr_assert_eq(r.groups_nr, 3u);
    const struct gm_race_group *g = group_of(&r, "main.(*C).Add", "main.(*C).Add");
    cr_assert_not_null(g);
    cr_assert_not_null(g->hint);
    cr_assert_not_null(strstr(g->hint, "slice"), "hint: %s", g->hint);
    g = group_of(&r, "main.getConfig", "main.getConfig");
    cr_assert_not_null(g);
    cr_assert_eq(g->global, 1);
    cr_assert_not_null(strstr(g->hint, "sync.Once"), "hint: %s", g->hint);
    g = group_of(&r, "main.worker", "main.other");
    cr_assert_not_null(g);
    cr_assert_eq(g->global, 0);
    cr_assert_null(g->hint, "nothing to say: %s", g->hint ? g->hint : "");
    gm_race_result_release(&r);
}

Test(race_group, nonverbose_tests_follow_fail_lines)
{
    char r1[2048], r2[2048], log[8192];
    cr_assert_gt(report(r1, sizeof(r1), "/a", "Read", "main.f", 1, "write", "main.g", 2), 0);
    cr_assert_gt(report(r2, sizeof(r2), "/a", "Read", "main.h", 3, "write", "main.i", 4), 0);
    /* go test without -v: reports first, then the test's FAIL line */
    snprintf(log, sizeof(log),
             "%s--- FAIL: TestOne (0.00s)\n    testing.go:1319: race detected during execution "
             "of test\n%s%s--- FAIL: TestTwo (0.01s)\n    testing.go:1319: race detected\nFAIL\n",
             r1, r2, r1);
    struct gm_race_result r;
    analyze_str(log, &r);
    cr_assert_eq(r.groups_nr, 2u);
    cr_assert_eq(r.pending_nr, 0u);
    const struct gm_race_group *g = group_of(&r, "main.f", "main.g");
    cr_assert_not_null(g);
    cr_assert_eq(g->count, 2u);
    cr_assert_eq(g->tests_nr, 2u);
    cr_assert_str_eq(test_name(&r, g->tests[0]), "TestOne");
    cr_assert_str_eq(test_name(&r, g->tests[1]), "TestTwo");
    g = group_of(&r, "main.h", "main.i");
    cr_assert_not_null(g);
    cr_assert_eq(g->tests_nr, 1u);
    cr_assert_str_eq(test_name(&r, g->tests[0]), "TestTwo");
    gm_race_result_release(&r);
}

/* BUG (hint quality): the hint of a group is computed from its first report only. In
 * y_races.log the append race (main.(*Collector).Add 146 vs 146) is first reported without
 * runtime.growslice on the stack and then with it; the group says "a field of a shared struct
 * is written without synchronisation" instead of the shared-slice hint, although its second
 * report shows runtime.growslice. */
Test(race_fixture, append_group_gets_slice_hint)
{
    struct gm_race_result r;
    analyze_file("y_races.log", &r);
    const struct gm_race_group *g = group_of(&r, "main.(*Collector).Add", "main.(*Collector).Add");
    cr_assert_not_null(g);
    cr_assert_not_null(g->hint);
    cr_assert_not_null(strstr(g->hint, "slice"), "hint: %s", g->hint);
    gm_race_result_release(&r);
}

/* Hints the source settles (gm_race_source_hints): the files of testdata/gen/race/racehints
 * are read through the paths the log prints (found by suffix from the repository root). */
static void source_hints(const char *name, struct gm_race_result *r, int disabled)
{
    struct gm_source src;
    analyze_file(name, r);
    gm_source_init(&src);
    src.disabled = disabled;
    cr_assert_eq(gm_race_source_hints(r, &src), 0);
    gm_source_release(&src);
}

Test(race_fixture, value_receiver_locking_a_copy_is_copylocks)
{
    struct gm_race_result r;
    source_hints("y_race_hints.log", &r, 0);
    const struct gm_race_group *g = group_of(&r, "main.Counter.Inc", "main.Counter.Inc");
    cr_assert_not_null(g);
    cr_assert_not_null(g->hint);
    cr_assert_not_null(strstr(g->hint, "(c.mu) is a copy"), "hint: %s", g->hint);
    cr_assert_not_null(strstr(g->hint, "copylocks"), "hint: %s", g->hint);
    gm_race_result_release(&r);
    /* without the source, the frames do not show the copied lock */
    source_hints("y_race_hints.log", &r, 1);
    g = group_of(&r, "main.Counter.Inc", "main.Counter.Inc");
    cr_assert(!g->hint || !strstr(g->hint, "copylocks"), "hint: %s", g->hint);
    gm_race_result_release(&r);
}

Test(race_fixture, if_nil_then_assign_is_lazy_initialisation)
{
    struct gm_race_result r;
    source_hints("y_race_hints.log", &r, 0);
    uint32_t lazy = 0;
    for (uint32_t i = 0; i < r.groups_nr; i++) {
        const struct gm_race_group *g = &r.groups[i];
        if (ends(fn(&r, g->user[0]), "main.(*Service).lookup")) {
            cr_assert_not_null(g->hint);
            cr_assert_not_null(strstr(g->hint, "if s.cache == nil"), "hint: %s", g->hint);
            cr_assert_not_null(strstr(g->hint, "sync.Once"), "hint: %s", g->hint);
            cr_assert_null(strstr(g->hint, "sync.Map"), "hint: %s", g->hint);
            lazy++;
        }
    }
    cr_assert_geq(lazy, 1u);
    gm_race_result_release(&r);
}

/* The negatives: races whose source shows neither keep the hints of their frames (the map
 * race in a pointer-receiver method that does lock a mutex of its own, the sibling closures). */
Test(race_fixture, source_hints_leave_other_races_alone)
{
    struct gm_race_result r;
    source_hints("y_races.log", &r, 0);
    const struct gm_race_group *g =
        group_of(&r, "main.(*Inventory).Available", "main.(*Inventory).Restock");
    cr_assert_not_null(g);
    cr_assert_not_null(strstr(g->hint, "map"), "hint: %s", g->hint);
    g = group_of(&r, "main.(*Stats).recordRequest", "main.(*Stats).recordRequest");
    cr_assert_not_null(g);
    cr_assert_null(strstr(g->hint, "copylocks"), "hint: %s", g->hint);
    cr_assert_null(strstr(g->hint, "lazy"), "hint: %s", g->hint);
    gm_race_result_release(&r);
    source_hints("y_race_hints.log", &r, 0);
    g = group_of(&r, "main.fetchBoth.func1", "main.fetchBoth.func2");
    cr_assert_not_null(g);
    cr_assert_not_null(strstr(g->hint, "errgroup"), "hint: %s", g->hint);
    gm_race_result_release(&r);
}

/* A log behind a line prefix (gm/paste.h) gives the races of the plain log; a prefix nothing
 * undresses is counted as unread reports, never read as "no data races". */
Test(race_fixture, prefixed_logs_are_read)
{
    struct gm_race_result plain, r;
    analyze_file("y_races.log", &plain);
    static const char *const names[] = {"y_races_cri.log", "y_races_syslog.log"};
    for (size_t k = 0; k < 2; k++) {
        analyze_file(names[k], &r);
        cr_assert_eq(r.groups_nr, plain.groups_nr, "%s", names[k]);
        cr_assert_eq(r.stats.reports, plain.stats.reports, "%s", names[k]);
        cr_assert_eq(r.stats.unread, 0u);
        for (uint32_t i = 0; i < r.groups_nr; i++) {
            cr_assert_str_eq(r.groups[i].id, plain.groups[i].id, "%s", names[k]);
        }
        gm_race_result_release(&r);
    }
    gm_race_result_release(&plain);
    const char *odd = "<7> WARNING: DATA RACE\n<7> Write at 0x00c000012345 by goroutine 7:\n"
                      "<7>   main.f()\n<7>       /x/main.go:3 +0x1d\n<7> ==================\n";
    analyze_str(odd, &r);
    cr_assert_eq(r.stats.reports, 0u);
    cr_assert_eq(r.stats.unread, 1u);
    cr_assert_eq(r.stats.unread_line, 1u);
    gm_race_result_release(&r);
}

/* Reports as Go 1.1-1.5 wrote them (no address, "Read by goroutine N:"), with a Windows path,
 * an offset wrapped to its own line and a closure name whose middle dot went through Latin-1,
 * give the real racing pair; a report without any readable stack is its own race. */
Test(race_format, old_reports_and_unreadable_ones)
{
    static const char *const text =
        "==================\nWARNING: DATA RACE\nRead by goroutine 13:\n  main.func\xc2\xb7"
        "001()\n      /tmp/x.go:10 +0x4a\n\nPrevious write by main goroutine:\n"
        "  main.main()\n      /tmp/x.go:12 +0x123\n\nGoroutine 13 (running) created at:\n"
        "  main.main()\n      /tmp/x.go:9 +0x9a\n==================\n"
        "==================\nWARNING: DATA RACE\nWrite by goroutine 5:\n  main.func\xc3\x82\xc2"
        "\xb7"
        "002()\n      C:/Users/dev/app/y.go:20 +0x4a\n\nPrevious read by goroutine 6:\n"
        "  main.func\xc2\xb7"
        "003()\n      C:/Users/dev/app/y.go:30\n      +0x51\n"
        "==================\n"
        "==================\nWARNING: DATA RACE\nRead at 0x1 by goroutine 7:\n  ???\n"
        "==================\n"
        "==================\nWARNING: DATA RACE\nRead at 0x2 by goroutine 9:\n  ???\n"
        "==================\n";
    struct gm_race_result r;
    analyze_str(text, &r);
    cr_assert_eq(r.stats.reports, 4u);
    cr_assert_eq(r.groups_nr, 4u, "two real pairs, two unreadable reports apart");
    cr_assert_eq(r.stats.unreadable, 2u);
    const struct gm_race_group *g = group_of(&r,
                                             "main.func\xc2\xb7"
                                             "001",
                                             "main.main");
    cr_assert_not_null(g);
    cr_assert_eq(g->first.acc[0].kind, GM_RACE_READ);
    cr_assert(g->first.acc[1].main);
    g = group_of(&r,
                 "main.func\xc2\xb7"
                 "002",
                 "main.func\xc2\xb7"
                 "003");
    cr_assert_not_null(g, "the Latin-1 middle dot repaired");
    cr_assert_str_eq(gm_stacks_file(&r.stacks, g->loc[0]), "C:/Users/dev/app/y.go");
    cr_assert_eq(gm_stacks_get_frame(&r.stacks, g->loc[1])->line, 30u, "+0x on its own line");
    gm_race_result_release(&r);
}

Test(race_format, plain_read_racing_an_atomic_write)
{
    static const char *const text =
        "==================\nWARNING: DATA RACE\nRead at 0x00c000012345 by goroutine 7:\n"
        "  main.(*Stats).Get()\n      /x/main.go:20 +0x3a\n\n"
        "Previous atomic write at 0x00c000012345 by goroutine 8:\n"
        "  sync/atomic.AddInt64()\n      /go/src/runtime/race_amd64.s:289 +0xb\n"
        "  main.(*Stats).Inc()\n      /x/main.go:14 +0x44\n==================\n";
    struct gm_race_result r;
    analyze_str(text, &r);
    cr_assert_eq(r.groups_nr, 1u);
    cr_assert_not_null(r.groups[0].hint);
    cr_assert_not_null(strstr(r.groups[0].hint, "plain read races an atomic"), "%s",
                       r.groups[0].hint);
    gm_race_result_release(&r);
}
