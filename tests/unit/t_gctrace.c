/* Unit tests of gm/gctrace.h: gctrace / scavenger / schedtrace line parsing (FORMATS.md §3). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "gm/gctrace.h"

#define EPS 1e-9

/* ------------------------------------------------------------ helpers */

static int cycle(const char *s, struct gm_gc_cycle *c)
{
    return gm_gctrace_cycle_parse(s, strlen(s), c);
}

/* What the visitor saw, in order. */
struct seen {
    struct gm_gc_cycle cy[64];
    uint32_t cy_nr;
    struct gm_sched_line sc[16];
    uint32_t sc_nr;
    struct gm_scav_line sv[16];
    uint32_t sv_nr;
    int stop_at_cycle; /* return -42 at this cycle number (0: never) */
};

static int on_cycle(void *ctx, const struct gm_gc_cycle *c)
{
    struct seen *s = ctx;
    if (s->cy_nr < GM_ARRAY_NR(s->cy)) {
        s->cy[s->cy_nr++] = *c;
    }
    return s->stop_at_cycle && c->num == (uint32_t)s->stop_at_cycle ? -42 : 0;
}

static int on_sched(void *ctx, const struct gm_sched_line *l)
{
    struct seen *s = ctx;
    if (s->sc_nr < GM_ARRAY_NR(s->sc)) {
        s->sc[s->sc_nr++] = *l;
    }
    return 0;
}

static int on_scav(void *ctx, const struct gm_scav_line *l)
{
    struct seen *s = ctx;
    if (s->sv_nr < GM_ARRAY_NR(s->sv)) {
        s->sv[s->sv_nr++] = *l;
    }
    return 0;
}

static int parse(const char *p, size_t len, struct seen *s, struct gm_gctrace_stats *st)
{
    memset(s, 0, sizeof(*s));
    struct gm_gctrace_visitor v = {s, on_cycle, on_sched, on_scav};
    return gm_gctrace_parse(p, len, &v, st);
}

static int parse_str(const char *p, struct seen *s, struct gm_gctrace_stats *st)
{
    return parse(p, strlen(p), s, st);
}

static uint64_t naive_newlines(const char *p, size_t len)
{
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++) {
        n += p[i] == '\n';
    }
    return n;
}

/* Deterministic xorshift generator. */
static uint64_t rnd_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

#define GO118                                                                                      \
    "gc 1 @0.007s 1%: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 4 MB "    \
    "goal, 0 MB stacks, 0 MB globals, 12 P"
#define GO112                                                                                      \
    "gc 7 @12.345s 3%: 0.018+2.1+0.055 ms clock, 0.14+0.30/1.9/3.5+0.44 ms cpu, 8->9->4 MB, 9 MB " \
    "goal, 8 P"
#define GO15                                                                                       \
    "gc 1 @0.166s 0%: 0.22+2.3+0.074+0.76+0.56 ms clock, 0.45+2.3+0+0.55/0.59/0+1.1 ms cpu, "      \
    "5->5->1 MB, 4 MB goal, 4 P"

/* ------------------------------------------------------------ one cycle */

Test(gctrace, cycle_go118)
{
    struct gm_gc_cycle c;
    cr_assert_eq(cycle(GO118, &c), 0);
    cr_assert_eq(c.num, 1u);
    cr_assert_float_eq(c.at_s, 0.007, EPS);
    cr_assert_eq(c.pct, 1u);
    cr_assert_eq(c.nclock, 3u);
    cr_assert_float_eq(c.clock_ms[0], 0.010, EPS);
    cr_assert_float_eq(c.clock_ms[1], 1.6, EPS);
    cr_assert_float_eq(c.clock_ms[2], 0.089, EPS);
    cr_assert_float_eq(c.stw_ms, 0.010 + 0.089, EPS);
    cr_assert_float_eq(c.mark_ms, 1.6, EPS);
    cr_assert_float_eq(c.assist_ms, 0.12, EPS);
    cr_assert_float_eq(c.bg_ms, 0.76, EPS);
    cr_assert_float_eq(c.idle_ms, 0.0, EPS);
    cr_assert_float_eq(c.cpu_ms, 0.12 + 0.12 + 0.76 + 0 + 1.0, EPS);
    cr_assert_float_eq(c.heap_start, 4.0, EPS);
    cr_assert_float_eq(c.heap_end, 4.0, EPS);
    cr_assert_float_eq(c.heap_live, 0.0, EPS);
    cr_assert_float_eq(c.goal, 4.0, EPS);
    cr_assert_float_eq(c.stacks, 0.0, EPS);
    cr_assert_float_eq(c.globals, 0.0, EPS);
    cr_assert_eq(c.procs, 12u);
    cr_assert_eq(c.forced, 0);
    cr_assert_eq(c.line, 0u, "line is set by gm_gctrace_parse only");
}

Test(gctrace, cycle_go118_values)
{
    struct gm_gc_cycle c;
    cr_assert_eq(cycle("gc 1234 @7.250s 37%: 1.5+35+0.25 ms clock, 3.0+12/20/5.5+0.50 ms cpu, "
                       "120->130->61 MB, 125 MB goal, 2 MB stacks, 1 MB globals, 4 P",
                       &c),
                 0);
    cr_assert_eq(c.num, 1234u);
    cr_assert_float_eq(c.at_s, 7.25, EPS);
    cr_assert_eq(c.pct, 37u);
    cr_assert_float_eq(c.stw_ms, 1.75, EPS);
    cr_assert_float_eq(c.mark_ms, 35.0, EPS);
    cr_assert_float_eq(c.assist_ms, 12.0, EPS);
    cr_assert_float_eq(c.bg_ms, 20.0, EPS);
    cr_assert_float_eq(c.idle_ms, 5.5, EPS);
    cr_assert_float_eq(c.cpu_ms, 3.0 + 12 + 20 + 5.5 + 0.5, EPS);
    cr_assert_float_eq(c.heap_start, 120.0, EPS);
    cr_assert_float_eq(c.heap_end, 130.0, EPS);
    cr_assert_float_eq(c.heap_live, 61.0, EPS);
    cr_assert_float_eq(c.goal, 125.0, EPS);
    cr_assert_float_eq(c.stacks, 2.0, EPS);
    cr_assert_float_eq(c.globals, 1.0, EPS);
    cr_assert_eq(c.procs, 4u);
}

Test(gctrace, cycle_globals_without_space)
{
    /* the runtime prints "#MB globals" (no space) in some versions (FORMATS.md §3.1) */
    struct gm_gc_cycle c;
    cr_assert_eq(cycle("gc 2 @0.100s 1%: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, "
                       "4->4->0 MB, 4 MB goal, 3 MB stacks, 5MB globals, 2 P",
                       &c),
                 0);
    cr_assert_float_eq(c.stacks, 3.0, EPS);
    cr_assert_float_eq(c.globals, 5.0, EPS);
    cr_assert_eq(c.procs, 2u);
}

Test(gctrace, cycle_forced)
{
    struct gm_gc_cycle c;
    cr_assert_eq(cycle(GO118 " (forced)", &c), 0);
    cr_assert_eq(c.forced, 1);
    cr_assert_eq(c.procs, 12u);
    cr_assert_eq(cycle(GO112 " (forced)", &c), 0);
    cr_assert_eq(c.forced, 1);
    cr_assert_eq(c.procs, 8u);
}

Test(gctrace, cycle_go126_leak_check)
{
    /* Go 1.26 (GOEXPERIMENT=goroutineleakprofile): a cycle that looks for leaked goroutines
     * notes it between "N%" and ":"; in a log it is found like any other gc line */
    static const char *const line =
        "gc 5 @0.113s 0% (checking for goroutine leaks): 0.080+0.34+0.068 ms clock, "
        "0.16+0/0.087/0.15+0.13 ms cpu, 1->1->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P "
        "(forced)";
    struct gm_gc_cycle c;
    cr_assert_eq(cycle(line, &c), 0);
    cr_assert_eq(c.num, 5u);
    cr_assert_eq(c.leak_check, 1);
    cr_assert_eq(c.forced, 1);
    cr_assert_eq(c.procs, 2u);
    cr_assert_eq(cycle(GO118, &c), 0);
    cr_assert_eq(c.leak_check, 0);
    cr_assert_eq(cycle("gc 5 @0.113s 0% (no end: 0.080+0.34+0.068 ms clock", &c), GM_EFORMAT);
    char log[1024];
    snprintf(log, sizeof(log), "app: start\n%s\n%s\n", GO118, line);
    struct seen s;
    struct gm_gctrace_stats st;
    cr_assert_eq(parse_str(log, &s, &st), 0);
    cr_assert_eq(s.cy_nr, 2u);
    cr_assert_eq(s.cy[1].leak_check, 1);
    cr_assert_eq(st.malformed, 0u);
}

Test(gctrace, cycle_go18_to_117)
{
    struct gm_gc_cycle c;
    cr_assert_eq(cycle(GO112, &c), 0);
    cr_assert_eq(c.num, 7u);
    cr_assert_float_eq(c.at_s, 12.345, EPS);
    cr_assert_eq(c.pct, 3u);
    cr_assert_eq(c.nclock, 3u);
    cr_assert_float_eq(c.stw_ms, 0.018 + 0.055, EPS);
    cr_assert_float_eq(c.mark_ms, 2.1, EPS);
    cr_assert_float_eq(c.assist_ms, 0.30, EPS);
    cr_assert_float_eq(c.bg_ms, 1.9, EPS);
    cr_assert_float_eq(c.idle_ms, 3.5, EPS);
    cr_assert_float_eq(c.heap_start, 8.0, EPS);
    cr_assert_float_eq(c.heap_end, 9.0, EPS);
    cr_assert_float_eq(c.heap_live, 4.0, EPS);
    cr_assert_float_eq(c.goal, 9.0, EPS);
    cr_assert_float_eq(c.stacks, -1.0, EPS);
    cr_assert_float_eq(c.globals, -1.0, EPS);
    cr_assert_eq(c.procs, 8u);
    cr_assert_eq(c.forced, 0);
}

Test(gctrace, cycle_go15)
{
    struct gm_gc_cycle c;
    cr_assert_eq(cycle(GO15, &c), 0);
    cr_assert_eq(c.nclock, 5u);
    cr_assert_float_eq(c.clock_ms[0], 0.22, EPS);
    cr_assert_float_eq(c.clock_ms[4], 0.56, EPS);
    /* only sweep termination and mark termination stop the world */
    cr_assert_float_eq(c.stw_ms, 0.22 + 0.56, EPS);
    cr_assert_float_eq(c.mark_ms, 2.3 + 0.074 + 0.76, EPS);
    cr_assert_float_eq(c.assist_ms, 0.55, EPS);
    cr_assert_float_eq(c.bg_ms, 0.59, EPS);
    cr_assert_float_eq(c.idle_ms, 0.0, EPS);
    cr_assert_float_eq(c.cpu_ms, 0.45 + 2.3 + 0 + 0.55 + 0.59 + 0 + 1.1, EPS);
    cr_assert_float_eq(c.heap_start, 5.0, EPS);
    cr_assert_float_eq(c.heap_live, 1.0, EPS);
    cr_assert_float_eq(c.goal, 4.0, EPS);
    cr_assert_float_eq(c.stacks, -1.0, EPS);
    cr_assert_eq(c.procs, 4u);
}

Test(gctrace, cycle_length_is_respected)
{
    /* the text is not NUL-terminated: a prefix that stops before " P" must not parse */
    struct gm_gc_cycle c;
    const char *s = GO118;
    size_t n = strlen(s);
    cr_assert_eq(gm_gctrace_cycle_parse(s, n, &c), 0);
    for (size_t cut = 0; cut < n; cut++) {
        char *copy = malloc(cut ? cut : 1); /* exact size: ASan sees any over-read */
        cr_assert_not_null(copy);
        memcpy(copy, s, cut);
        cr_assert_eq(gm_gctrace_cycle_parse(copy, cut, &c), GM_EFORMAT, "prefix of %zu bytes", cut);
        free(copy);
    }
}

struct bad_case {
    char text[200];
};

ParameterizedTestParameters(gctrace, cycle_malformed)
{
    static struct bad_case cases[] = {
        {""},
        {"gc"},
        {"gc 1"},
        {"garbage"},
        {"\x01\xff\xfe gc 1 @"},
        {"xgc 1 @0.007s 1%: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 4 "
         "MB goal, 12 P"},
        /* missing " ms clock" */
        {"gc 1 @0.007s 1%: 0.010+1.6+0.089, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 4 MB goal, "
         "12 P"},
        /* four clock phases */
        {"gc 1 @0.007s 1%: 0.010+1.6+0.089+0.1 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, "
         "4 MB goal, 12 P"},
        /* two, six phases */
        {"gc 1 @0.007s 1%: 0.010+1.6 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 4 MB "
         "goal, 12 P"},
        {"gc 1 @0.007s 1%: 1+2+3+4+5+6 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 4 MB "
         "goal, 12 P"},
        /* no cpu group */
        {"gc 1 @0.007s 1%: 0.010+1.6+0.089 ms clock, 4->4->0 MB, 4 MB goal, 12 P"},
        /* heap figures missing one arrow */
        {"gc 1 @0.007s 1%: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->0 MB, 4 MB "
         "goal, 12 P"},
        /* no goal */
        {"gc 1 @0.007s 1%: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 12 "
         "P"},
        /* no "P" */
        {"gc 1 @0.007s 1%: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 4 "
         "MB goal, 0 MB stacks, 0 MB globals, 12"},
        /* stacks without globals */
        {"gc 1 @0.007s 1%: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 4 "
         "MB goal, 0 MB stacks, 12 P"},
        /* no '%' */
        {"gc 1 @0.007s 1: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 4 MB "
         "goal, 12 P"},
        /* empty phase */
        {"gc 1 @0.007s 1%: 0.010++0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 4 MB "
         "goal, 12 P"},
        /* negative number */
        {"gc -1 @0.007s 1%: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, 4->4->0 MB, 4 "
         "MB goal, 12 P"},
    };
    return cr_make_param_array(struct bad_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, gctrace, cycle_malformed)
{
    struct gm_gc_cycle cy;
    cr_assert_eq(gm_gctrace_cycle_parse(c->text, strlen(c->text), &cy), GM_EFORMAT, "%s", c->text);
}

Test(gctrace, cycle_huge_numbers_saturate)
{
    struct gm_gc_cycle c;
    cr_assert_eq(cycle("gc 99999999999999999999 @0.1s 99999999999%: 1+2+3 ms clock, 1+1/1/1+1 ms "
                       "cpu, 1->1->1 MB, 1 MB goal, 99999999999 P",
                       &c),
                 0);
    cr_assert_eq(c.num, UINT32_MAX);
    cr_assert_eq(c.pct, UINT32_MAX);
    cr_assert_eq(c.procs, 1000000u);
}

/* ------------------------------------------------------------ whole logs */

static const char MIXED[] =
    "starting server on :8080\n"                                               /* 1 */
    "{\"level\":\"info\",\"msg\":\"hello\"}\n"                                 /* 2 */
    "gc 1 @0.007s 1%: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, " /* 3 */
    "4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 12 P\n"                 /* 3 */
    "2026-11-23T15:04:05Z gc 2 @0.050s 2%: 0.02+2.0+0.1 ms clock, 0.1+0.2/0.3/0.4+0.5 ms cpu, "
    "5->6->3 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 12 P\r\n" /* 4 */
    "SCHED 1004ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=0 needspinning=0 "
    "idlethreads=1 runqueue=3 [1 0]\n"                                   /* 5 */
    "scvg0: 0 MB released\n"                                             /* 6 */
    "scvg: 16 KB released\n"                                             /* 7 */
    "scav 123 KiB work, 456 KiB total, 10% util\n"                       /* 8 */
    "scav 0 KiB work (bg), 0 KiB work (eager), 1024 KiB now, 99% util\n" /* 9 */
    "unscavenged memory: 12 pages\n"                                     /* 10 */
    "xgc 9 @0.1s 1%: 0.1+0.1+0.1 ms clock, 0.1+0.1/0.1/0.1+0.1 ms cpu, 1->1->1 MB, 1 MB goal, "
    "1 P\n" /* 11 */
    "{\"level\":\"debug\",\"msg\":\"gc 3 @0.100s 2%: 0.03+3.0+0.2 ms clock, "
    "0.1+0.2/0.3/0.4+0.5 ms cpu, 6->7->3 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 12 P\"}\n" /* 12
                                                                                               */
    "done\n"; /* 13 */

Test(gctrace, mixed_log)
{
    struct seen s;
    struct gm_gctrace_stats st;
    cr_assert_eq(parse(MIXED, sizeof(MIXED) - 1, &s, &st), 0);
    cr_assert_eq(st.lines, 13u);
    cr_assert_eq(st.gc_lines, 3u);
    cr_assert_eq(st.sched_lines, 1u);
    cr_assert_eq(st.scav_lines, 4u);
    cr_assert_eq(st.detail_lines, 0u);
    cr_assert_eq(st.skipped_lines, 13u - 3 - 1 - 4);
    /* the xgc line has the marker but not the keyword at a word start: an application line,
     * neither parsed nor counted as malformed */
    cr_assert_eq(st.malformed, 0u, "the xgc line is not taken and not malformed");
    cr_assert_eq(st.truncated, 0);

    cr_assert_eq(s.cy_nr, 3u);
    cr_assert_eq(s.cy[0].num, 1u);
    cr_assert_eq(s.cy[0].line, 3u);
    cr_assert_eq(s.cy[1].num, 2u, "behind a timestamp prefix");
    cr_assert_eq(s.cy[1].line, 4u);
    cr_assert_eq(s.cy[1].procs, 12u, "CRLF: the \\r is not part of the line");
    cr_assert_float_eq(s.cy[1].heap_live, 3.0, EPS);
    cr_assert_eq(s.cy[2].num, 3u, "inside a JSON msg");
    cr_assert_eq(s.cy[2].line, 12u);
    cr_assert_float_eq(s.cy[2].mark_ms, 3.0, EPS);

    cr_assert_eq(s.sc_nr, 1u);
    cr_assert_eq(s.sc[0].line, 5u);
    cr_assert_float_eq(s.sc[0].ms, 1004.0, EPS);
    cr_assert_eq(s.sc[0].gomaxprocs, 2);
    cr_assert_eq(s.sc[0].idleprocs, 0);
    cr_assert_eq(s.sc[0].threads, 5);
    cr_assert_eq(s.sc[0].spinning, 0);
    cr_assert_eq(s.sc[0].idlethreads, 1);
    cr_assert_eq(s.sc[0].runqueue, 3);
    cr_assert_eq(s.sc[0].local_nr, 2u);
    cr_assert_eq(s.sc[0].local_sum, 1u);
    cr_assert_eq(s.sc[0].local_max, 1u);

    cr_assert_eq(s.sv_nr, 4u);
    uint64_t want_lines[] = {6, 7, 8, 9};
    double want_kib[] = {0, 16, 123, 0};
    for (uint32_t i = 0; i < 4; i++) {
        cr_assert_eq(s.sv[i].line, want_lines[i], "scav %u line %llu", i,
                     (unsigned long long)s.sv[i].line);
        cr_assert_float_eq(s.sv[i].released_kib, want_kib[i], EPS, "scav %u", i);
        cr_assert_eq(s.sv[i].forced, 0);
    }
}

Test(gctrace, null_callbacks)
{
    struct gm_gctrace_visitor v = {NULL, NULL, NULL, NULL};
    struct gm_gctrace_stats st;
    cr_assert_eq(gm_gctrace_parse(MIXED, sizeof(MIXED) - 1, &v, &st), 0);
    cr_assert_eq(st.gc_lines, 3u);
    cr_assert_eq(st.sched_lines, 1u);
    cr_assert_eq(st.scav_lines, 4u);
}

Test(gctrace, visitor_stops_the_parse)
{
    struct seen s;
    memset(&s, 0, sizeof(s));
    s.stop_at_cycle = 2;
    struct gm_gctrace_visitor v = {&s, on_cycle, on_sched, on_scav};
    struct gm_gctrace_stats st;
    cr_assert_eq(gm_gctrace_parse(MIXED, sizeof(MIXED) - 1, &v, &st), -42);
    cr_assert_eq(s.cy_nr, 2u);
    cr_assert_eq(s.sc_nr, 0u, "nothing after the stop");
}

Test(gctrace, empty_and_no_markers)
{
    struct seen s;
    struct gm_gctrace_stats st;
    cr_assert_eq(parse("", 0, &s, &st), 0);
    cr_assert_eq(st.lines, 0u);
    cr_assert_eq(st.skipped_lines, 0u);
    cr_assert_eq(st.truncated, 0);
    cr_assert_eq(parse_str("a\nb\nc", &s, &st), 0);
    cr_assert_eq(st.lines, 3u, "a last line without newline counts");
    cr_assert_eq(st.skipped_lines, 3u);
    cr_assert_eq(st.truncated, 0, "an application line is not a runtime line");
    cr_assert_eq(parse_str("\n\n\n", &s, &st), 0);
    cr_assert_eq(st.lines, 3u);
}

Test(gctrace, keyword_boundaries)
{
    struct seen s;
    struct gm_gctrace_stats st;
    const char *log =
        "xgc 1 @0.007s 1%: 0.010+1.6+0.089 ms clock, 0.12+0.12/0.76/0+1.0 ms cpu, "
        "4->4->0 MB, 4 MB goal, 12 P\n"
        "unscavenged: 5\n"
        "the unscav 12 KiB work thing\n"
        "myscvg: 3 MB released\n"
        "NOSCHED 5ms: gomaxprocs=2\n"
        "foo_gc 2 @0.1s 1%: 0.1+0.1+0.1 ms clock, 0.1+0.1/0.1/0.1+0.1 ms cpu, 1->1->1 "
        "MB, 1 MB goal, 1 P\n"
        "[gc 3 @0.2s 1%: 0.1+0.1+0.1 ms clock, 0.1+0.1/0.1/0.1+0.1 ms cpu, 1->1->1 MB, "
        "1 MB goal, 1 P]\n";
    cr_assert_eq(parse_str(log, &s, &st), 0);
    cr_assert_eq(st.lines, 7u);
    cr_assert_eq(st.gc_lines, 1u, "only the bracketed gc 3");
    cr_assert_eq(s.cy[0].num, 3u);
    cr_assert_eq(s.cy[0].line, 7u);
    cr_assert_eq(st.scav_lines, 0u);
    cr_assert_eq(st.sched_lines, 0u);
    cr_assert_eq(st.skipped_lines, 6u);
}

Test(gctrace, scheddetail)
{
    struct seen s;
    struct gm_gctrace_stats st;
    const char *log =
        "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 idlethreads=1 "
        "runqueue=0 gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0\n"                  /* 1 */
        "  P0: status=1 schedtick=0 syscalltick=0 m=0 runqsize=0 gfreecnt=0 timerslen=0\n" /* 2 */
        "  P1: status=0 schedtick=2 syscalltick=0 m=-1 runqsize=0 gfreecnt=0\n"            /* 3 */
        "  M1: p=0 curg=-1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0\n"           /* 4 */
        "  M0: p=-1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0\n"          /* 5 */
        "  G1: status=4(chan receive) m=-1 lockedm=0\n"                                    /* 6 */
        "  G2: status=4(force gc (idle)) m=-1 lockedm=-1\n"                                /* 7 */
        "app line\n"                                                                       /* 8 */
        "  P0: not after a SCHED line\n"                                                   /* 9 */
        "SCHED 1000ms: gomaxprocs=2 idleprocs=2 threads=4 spinningthreads=0 idlethreads=2 "
        "runqueue=0 gcwaiting=0\n"                /* 10 */
        "  P0: status=0\r\n"                      /* 11 */
        "  G1: status=4(sleep) m=-1 lockedm=-1\n" /* 12 */
        "gc 1 @1.5s 0%: 0.1+0.1+0.1 ms clock, 0.1+0.1/0.1/0.1+0.1 ms cpu, 1->1->1 MB, 4 MB "
        "goal, 0 MB stacks, 0 MB globals, 2 P\n"; /* 13 */
    cr_assert_eq(parse_str(log, &s, &st), 0);
    cr_assert_eq(st.lines, 13u);
    cr_assert_eq(st.sched_lines, 2u);
    cr_assert_eq(st.detail_lines, 8u);
    cr_assert_eq(st.gc_lines, 1u);
    cr_assert_eq(st.skipped_lines, 2u);
    cr_assert_eq(s.sc[0].line, 1u);
    cr_assert_eq(s.sc[0].local_nr, 0u, "no [...] with scheddetail");
    cr_assert_eq(s.sc[0].runqueue, 0);
    cr_assert_eq(s.sc[1].line, 10u);
    cr_assert_eq(s.sc[1].idleprocs, 2);
    cr_assert_eq(s.cy[0].line, 13u, "line numbers count the detail lines");
}

Test(gctrace, sched_fields)
{
    struct seen s;
    struct gm_gctrace_stats st;
    const char *log =
        /* Go 1.12: no needspinning */
        "SCHED 2003ms: gomaxprocs=8 idleprocs=5 threads=12 spinningthreads=1 idlethreads=4 "
        "runqueue=7 [0 3 0 9 1 0 0 2]\n"
        /* only gomaxprocs: the rest stays absent */
        "SCHED 5ms: gomaxprocs=4\n"
        /* no gomaxprocs: malformed */
        "SCHED 5ms: idleprocs=4\n"
        /* inside a JSON value */
        "{\"msg\":\"SCHED 7ms: gomaxprocs=1 idleprocs=0 threads=3 runqueue=11 [5]\"}\n";
    cr_assert_eq(parse_str(log, &s, &st), 0);
    cr_assert_eq(st.sched_lines, 3u);
    cr_assert_eq(st.malformed, 1u);
    cr_assert_eq(s.sc[0].gomaxprocs, 8);
    cr_assert_eq(s.sc[0].idleprocs, 5);
    cr_assert_eq(s.sc[0].threads, 12);
    cr_assert_eq(s.sc[0].spinning, 1);
    cr_assert_eq(s.sc[0].idlethreads, 4);
    cr_assert_eq(s.sc[0].runqueue, 7);
    cr_assert_eq(s.sc[0].local_nr, 8u);
    cr_assert_eq(s.sc[0].local_sum, 15u);
    cr_assert_eq(s.sc[0].local_max, 9u);
    cr_assert_eq(s.sc[1].gomaxprocs, 4);
    cr_assert_eq(s.sc[1].idleprocs, -1);
    cr_assert_eq(s.sc[1].threads, -1);
    cr_assert_eq(s.sc[1].runqueue, -1);
    cr_assert_eq(s.sc[1].line, 2u);
    cr_assert_eq(s.sc[2].line, 4u);
    cr_assert_eq(s.sc[2].runqueue, 11);
    cr_assert_eq(s.sc[2].local_nr, 1u);
    cr_assert_eq(s.sc[2].local_sum, 5u);
}

Test(gctrace, scavenger_lines)
{
    struct seen s;
    struct gm_gctrace_stats st;
    const char *log =
        "scvg0: 2 MB released\n"
        "scvg0: inuse: 3, idle: 1, sys: 5, released: 1, consumed: 4 (MB)\n"
        "scvg-1: 8 MB released\n"
        "scvg: 512 KB released\n"
        "scvg: inuse: 3, idle: 1, sys: 5, released: 1, consumed: 4 (MB)\n"
        "scav 64 KiB work, 128 KiB total, 5% util (forced)\n"
        "scav 0 KiB work (bg), 0 KiB work (eager), 2048 KiB now, 100% util [controller "
        "reset]\n";
    cr_assert_eq(parse_str(log, &s, &st), 0);
    cr_assert_eq(st.scav_lines, 7u);
    cr_assert_eq(st.skipped_lines, 0u);
    cr_assert_eq(st.malformed, 0u);
    double kib[] = {2048, 0, 8192, 512, 0, 64, 0};
    int forced[] = {0, 0, 1, 0, 0, 1, 0};
    for (uint32_t i = 0; i < 7; i++) {
        cr_assert_eq(s.sv[i].line, (uint64_t)i + 1);
        cr_assert_float_eq(s.sv[i].released_kib, kib[i], EPS, "line %u: %f", i + 1,
                           s.sv[i].released_kib);
        cr_assert_eq(s.sv[i].forced, forced[i], "line %u", i + 1);
    }
}

/* Regression test (a bug found by this suite, fixed): Go 1.21+ prints "scav <bg> KiB work (bg),
 * <eager> KiB work (eager), ..." - both are memory returned to the OS, but released_kib only takes
 * the first (bg) figure, so eager scavenging (the one that matters near GOMEMLIMIT) is reported as
 * 0. */
Test(gctrace, scavenger_go121_eager_counted)
{
    struct seen s;
    struct gm_gctrace_stats st;
    cr_assert_eq(
        parse_str("scav 10 KiB work (bg), 20 KiB work (eager), 2048 KiB now, 99% util\n", &s, &st),
        0);
    cr_assert_eq(s.sv_nr, 1u);
    cr_assert_float_eq(s.sv[0].released_kib, 30.0, EPS, "released %f", s.sv[0].released_kib);
}

Test(gctrace, crlf_log)
{
    struct seen s;
    struct gm_gctrace_stats st;
    const char *log =
        "app\r\n" GO118 "\r\n" GO112 " (forced)\r\n"
        "SCHED 10ms: gomaxprocs=2 idleprocs=0 threads=5 idlethreads=1 runqueue=3 [4 5]\r\n"
        "scvg: 16 KB released\r\n";
    cr_assert_eq(parse_str(log, &s, &st), 0);
    cr_assert_eq(st.lines, 5u);
    cr_assert_eq(st.gc_lines, 2u);
    cr_assert_eq(s.cy[0].line, 2u);
    cr_assert_eq(s.cy[1].line, 3u);
    cr_assert_eq(s.cy[1].forced, 1, "(forced) before the \\r");
    cr_assert_eq(s.sc[0].local_sum, 9u);
    cr_assert_eq(s.sc[0].local_nr, 2u);
    cr_assert_eq(st.scav_lines, 1u);
    cr_assert_eq(st.skipped_lines, 1u);
}

Test(gctrace, truncated_gc_line)
{
    struct seen s;
    struct gm_gctrace_stats st;
    /* a complete log is not truncated, with or without the final newline */
    cr_assert_eq(parse_str("app\n" GO118 "\n", &s, &st), 0);
    cr_assert_eq(st.truncated, 0);
    cr_assert_eq(parse_str("app\n" GO118, &s, &st), 0);
    cr_assert_eq(st.truncated, 0);
    cr_assert_eq(st.gc_lines, 1u);
    /* cut anywhere after "N%: ": truncated, and not counted as malformed */
    char log[512];
    const char *line = GO118;
    size_t from = (size_t)(strstr(line, "%: ") - line) + strlen("%: ");
    size_t to = (size_t)(strstr(line, "12 P") - line);
    for (size_t cut = from; cut < to; cut++) {
        int n = snprintf(log, sizeof(log), "app\n%s\n%.*s", GO112, (int)cut, line);
        cr_assert_gt(n, 0);
        cr_assert_eq(parse(log, (size_t)n, &s, &st), 0);
        cr_assert_eq(st.truncated, 1, "cut at %zu", cut);
        cr_assert_eq(st.malformed, 0u, "cut at %zu", cut);
        cr_assert_eq(st.gc_lines, 1u, "cut at %zu", cut);
        cr_assert_eq(st.lines, 3u);
    }
    /* the same cut line followed by a newline is malformed, not truncated */
    cr_assert_eq(parse_str(GO112 "\ngc 2 @0.1s 1%: 0.1+0.2+0.3 ms clock, 0.1+0.2/\n", &s, &st), 0);
    cr_assert_eq(st.truncated, 0);
    cr_assert_eq(st.malformed, 1u);
}

Test(gctrace, truncated_sched_line)
{
    struct seen s;
    struct gm_gctrace_stats st;
    cr_assert_eq(parse_str("SCHED 10ms: gomax", &s, &st), 0);
    cr_assert_eq(st.truncated, 1);
    cr_assert_eq(st.sched_lines, 0u);
}

/* BUG (minor): a log cut inside a gc line before its "N%: " (e.g. "gc 20 @1.83" with no final
 * newline) is not flagged truncated: the line is only recognised from that marker on.
 * gctrace.h promises truncated for "the input ends without a newline inside a runtime line". */
Test(gctrace, truncated_before_pct_marker)
{
    struct seen s;
    struct gm_gctrace_stats st;
    cr_assert_eq(parse_str(GO112 "\ngc 20 @1.83", &s, &st), 0);
    cr_assert_eq(st.truncated, 1);
}

/* Regression test (a bug found by this suite, fixed): since the gctrace marker became "%: " (commit
 * b285a84), an application line holding
 * "%: " is counted as a malformed gctrace line, and when it is the last line without a newline
 * the whole log is flagged truncated ("note: the log ends inside a runtime line"). The same
 * for a word ending in "SCHED ". docs/gomedic-gc.1.md says only lines carrying " ms clock, "
 * or "SCHED " count as malformed. Reproducer: gm_gctrace_parse("app\nloading 50%: ok", ...)
 * -> truncated = 1; with a final newline -> malformed = 1. */
Test(gctrace, app_line_with_percent_colon)
{
    struct seen s;
    struct gm_gctrace_stats st;
    cr_assert_eq(parse_str("app\nloading 50%: ok", &s, &st), 0);
    cr_assert_eq(st.truncated, 0);
    cr_assert_eq(parse_str("app\nloading 50%: ok\ncpu 99%: busy\n", &s, &st), 0);
    cr_assert_eq(st.malformed, 0u);
    cr_assert_eq(parse_str("app\nNOSCHED 5ms", &s, &st), 0);
    cr_assert_eq(st.truncated, 0);
}

Test(gctrace, app_line_with_percent_colon_is_skipped)
{
    /* whatever it counts, such a line is never a cycle and never fails the parse */
    struct seen s;
    struct gm_gctrace_stats st;
    cr_assert_eq(parse_str("loading 50%: ok\n" GO118 "\nprogress 100%: done\n", &s, &st), 0);
    cr_assert_eq(st.gc_lines, 1u);
    cr_assert_eq(s.cy[0].line, 2u);
    cr_assert_eq(st.lines, 3u);
    cr_assert_eq(st.skipped_lines, 2u);
}

Test(gctrace, line_numbers_many_lines)
{
    /* 3000 lines: every 7th a gc line, every 11th a SCHED line, others application lines */
    size_t cap = 3000 * 200, len = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    uint32_t want_gc = 0, want_sched = 0;
    for (uint32_t l = 1; l <= 3000; l++) {
        int n;
        if (l % 7 == 0) {
            want_gc++;
            n = snprintf(buf + len, cap - len,
                         "gc %u @%u.000s 1%%: 0.1+1+0.1 ms clock, 0.1+0.1/0.1/0.1+0.1 ms cpu, "
                         "4->4->%u MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
                         want_gc, l, l);
        } else if (l % 11 == 0) {
            want_sched++;
            n = snprintf(buf + len, cap - len, "SCHED %ums: gomaxprocs=2 runqueue=%u [0 0]\n", l,
                         l);
        } else {
            n = snprintf(buf + len, cap - len, "line %u of the application %.*s\n", l,
                         (int)(l % 40), "........................................");
        }
        cr_assert_gt(n, 0);
        len += (size_t)n;
    }
    struct gm_gctrace_stats st;
    struct seen *s = calloc(1, sizeof(*s));
    cr_assert_not_null(s);
    /* count via the visitor without keeping (seen keeps 64 cycles, 16 sched lines) */
    cr_assert_eq(parse(buf, len, s, &st), 0);
    cr_assert_eq(st.lines, 3000u);
    cr_assert_eq(st.gc_lines, want_gc);
    cr_assert_eq(st.sched_lines, want_sched);
    cr_assert_eq(st.skipped_lines, 3000u - want_gc - want_sched);
    for (uint32_t i = 0; i < s->cy_nr; i++) {
        cr_assert_eq(s->cy[i].line, (uint64_t)(i + 1) * 7, "gc %u at line %llu", s->cy[i].num,
                     (unsigned long long)s->cy[i].line);
        cr_assert_float_eq(s->cy[i].heap_live, (double)(i + 1) * 7, EPS);
    }
    for (uint32_t i = 0; i < s->sc_nr; i++) {
        uint64_t l = s->sc[i].line;
        cr_assert_eq(l % 11, 0u);
        cr_assert_neq(l % 7, 0u);
        cr_assert_eq(s->sc[i].runqueue, (int32_t)l);
    }
    free(s);
    free(buf);
}

/* ------------------------------------------------------------ newline counting */

Test(gctrace, count_newlines_small)
{
    cr_assert_eq(gm_count_newlines("", 0), 0u);
    cr_assert_eq(gm_count_newlines("\n", 1), 1u);
    cr_assert_eq(gm_count_newlines("a\nb\n", 4), 2u);
    cr_assert_eq(gm_count_newlines("\n\n\n\n\n\n\n\n\n", 9), 9u);
    /* bytes next to '\n' (0x0a) in value must not be miscounted */
    const char tricky[] = "\x0b\x09\x8a\x0a\x4a\x1a\x0a\x00\x80\xff\x0a\x0a\x7f\x0a\x8a\x0b";
    cr_assert_eq(gm_count_newlines(tricky, sizeof(tricky) - 1),
                 naive_newlines(tricky, sizeof(tricky) - 1));
}

Test(gctrace, count_newlines_random)
{
    char buf[128];
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof(buf); i++) {
            uint64_t r = rnd();
            /* dense newlines in some rounds, all byte values in others */
            buf[i] = round % 3 == 0   ? (char)(r & 1 ? '\n' : (char)(r >> 8))
                     : round % 3 == 1 ? (char)(r % 4 == 0 ? '\n' : 'a' + (char)(r % 26))
                                      : (char)(r >> 16);
        }
        for (size_t off = 0; off < 8; off++) {
            for (size_t len = 0; len + off <= 108 && len <= 100; len++) {
                cr_assert_eq(gm_count_newlines(buf + off, len), naive_newlines(buf + off, len),
                             "round %d off %zu len %zu", round, off, len);
            }
        }
    }
}

Test(gctrace, count_newlines_1mb)
{
    size_t n = 1u << 20;
    char *buf = malloc(n + 7);
    cr_assert_not_null(buf);
    for (size_t i = 0; i < n + 7; i++) {
        uint64_t r = rnd();
        buf[i] = (char)(r % 61 == 0 ? '\n' : (char)(r >> 24));
    }
    for (size_t off = 0; off < 8; off++) {
        cr_assert_eq(gm_count_newlines(buf + off, n - off), naive_newlines(buf + off, n - off),
                     "off %zu", off);
    }
    memset(buf, '\n', n);
    cr_assert_eq(gm_count_newlines(buf, n), (uint64_t)n);
    memset(buf, 0, n);
    cr_assert_eq(gm_count_newlines(buf, n), 0u);
    free(buf);
}

/* ------------------------------------------------------------ fixtures (testdata/gctrace) */

static char *fixture(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof(path), "testdata/gctrace/%s", name);
    char *p = test_slurp(path, len);
    if (!p) {
        cr_skip("%s does not exist (yet)", path);
    }
    return p;
}

Test(gctrace, fixture_scheddetail)
{
    size_t len;
    char *p = fixture("y_scheddetail.log", &len);
    struct gm_gctrace_visitor v = {NULL, NULL, NULL, NULL};
    struct gm_gctrace_stats st;
    cr_assert_eq(gm_gctrace_parse(p, len, &v, &st), 0);
    cr_assert_gt(st.sched_lines, 0u);
    cr_assert_gt(st.detail_lines, st.sched_lines, "P, M and G lines after each SCHED line");
    cr_assert_eq(st.malformed, 0u);
    cr_assert_eq(st.lines, gm_count_newlines(p, len) + (len && p[len - 1] != '\n'));
    cr_assert_eq(st.skipped_lines,
                 st.lines - st.gc_lines - st.sched_lines - st.scav_lines - st.detail_lines);
    free(p);
}

Test(gctrace, fixture_crlf_like_lf)
{
    size_t len;
    char *p = fixture("y_crlf.log", &len);
    /* strip the \r and compare the parse of both */
    char *lf = malloc(len ? len : 1);
    cr_assert_not_null(lf);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (!(p[i] == '\r' && i + 1 < len && p[i + 1] == '\n')) {
            lf[n++] = p[i];
        }
    }
    cr_assert_lt(n, len, "the fixture has CRLF line ends");
    struct seen *a = calloc(2, sizeof(*a));
    cr_assert_not_null(a);
    struct gm_gctrace_stats sa, sb;
    cr_assert_eq(parse(p, len, &a[0], &sa), 0);
    cr_assert_eq(parse(lf, n, &a[1], &sb), 0);
    cr_assert_gt(sa.gc_lines, 0u);
    cr_assert_eq(sa.gc_lines, sb.gc_lines);
    cr_assert_eq(sa.sched_lines, sb.sched_lines);
    cr_assert_eq(sa.lines, sb.lines);
    cr_assert_eq(sa.malformed, sb.malformed);
    for (uint32_t i = 0; i < a[0].cy_nr; i++) {
        cr_assert_eq(a[0].cy[i].line, a[1].cy[i].line);
        cr_assert_eq(a[0].cy[i].procs, a[1].cy[i].procs);
        cr_assert_eq(a[0].cy[i].forced, a[1].cy[i].forced);
    }
    free(a);
    free(lf);
    free(p);
}

Test(gctrace, fixture_truncated)
{
    size_t len;
    char *p = fixture("n_truncated.log", &len);
    struct gm_gctrace_visitor v = {NULL, NULL, NULL, NULL};
    struct gm_gctrace_stats st;
    cr_assert_eq(gm_gctrace_parse(p, len, &v, &st), 0);
    cr_assert_eq(st.truncated, 1);
    cr_assert_gt(st.gc_lines, 0u);
    free(p);
}

Test(gctrace, fixture_go_versions)
{
    size_t len;
    struct seen s;
    struct gm_gctrace_stats st;
    char *p = fixture("i_go15_format.log", &len);
    cr_assert_eq(parse(p, len, &s, &st), 0);
    cr_assert_gt(s.cy_nr, 0u);
    for (uint32_t i = 0; i < s.cy_nr; i++) {
        cr_assert_eq(s.cy[i].nclock, 5u, "Go 1.5: five clock phases (line %llu)",
                     (unsigned long long)s.cy[i].line);
        cr_assert_float_eq(s.cy[i].stacks, -1.0, EPS);
    }
    free(p);
    p = fixture("i_go112_format.log", &len);
    cr_assert_eq(parse(p, len, &s, &st), 0);
    cr_assert_gt(s.cy_nr, 0u);
    for (uint32_t i = 0; i < s.cy_nr; i++) {
        cr_assert_eq(s.cy[i].nclock, 3u);
        cr_assert_float_eq(s.cy[i].stacks, -1.0, EPS);
        cr_assert_float_eq(s.cy[i].globals, -1.0, EPS);
    }
    free(p);
    p = fixture("i_go123_format.log", &len);
    cr_assert_eq(parse(p, len, &s, &st), 0);
    cr_assert_gt(s.cy_nr, 0u);
    for (uint32_t i = 0; i < s.cy_nr; i++) {
        cr_assert_eq(s.cy[i].nclock, 3u);
        cr_assert_geq(s.cy[i].stacks, 0.0);
        cr_assert_geq(s.cy[i].globals, 0.0);
    }
    free(p);
}

Test(gctrace, fixture_garbage)
{
    size_t len;
    char *p = fixture("n_garbage.bin", &len);
    struct gm_gctrace_visitor v = {NULL, NULL, NULL, NULL};
    struct gm_gctrace_stats st;
    cr_assert_eq(gm_gctrace_parse(p, len, &v, &st), 0);
    cr_assert_eq(st.gc_lines, 0u);
    cr_assert_eq(st.sched_lines, 0u);
    free(p);
}

/* Go 1.4 and older: "gcN(P): a+b+c+d us, A -> B MB, ..." (no start time, no CPU share). */
Test(gctrace, go14_lines)
{
    static const char *const log =
        "app started\n"
        "gc3(4): 3+1+1024+2 us, 3 -> 6 MB, 21567 (84093-62526) objects, 14 goroutines, "
        "1094/0/0 sweeps, 51(1352) handoff, 34(298) steal, 163/58/15 yields\n";
    struct seen g;
    struct gm_gctrace_stats st;
    cr_assert_eq(parse(log, strlen(log), &g, &st), 0);
    cr_assert_eq(st.gc_lines, 1u);
    cr_assert(st.go14);
    cr_assert_eq(g.cy_nr, 1u);
    const struct gm_gc_cycle *c = &g.cy[0];
    cr_assert_eq(c->num, 3u);
    cr_assert_eq(c->procs, 4u);
    cr_assert_eq(c->line, 2u);
    cr_assert_float_eq(c->stw_ms, 1.030, 1e-9);
    cr_assert_float_eq(c->mark_ms, 1.024, 1e-9);
    cr_assert_float_eq(c->heap_live, 6.0, 1e-9);
}

/* gctrace lines inside a log collector's lines are found as they are (no undressing needed):
 * a Docker json-file line and a journald prefix. */
Test(gctrace, lines_inside_log_collector_lines)
{
    static const char *const log =
        "{\"log\":\"gc 1 @0.002s 8%: 0.081+0.41+0.003 ms clock, 0.16+0.37/0/0+0.006 ms cpu, "
        "0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\\n\",\"stream\":\"stderr\"}\n"
        "Nov 23 15:13:23 web-1 app[7]: gc 2 @0.005s 43%: 1.5+13+0.004 ms clock, "
        "3.1+1.6/12/0+0.009 ms cpu, 1->1->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n";
    struct seen g;
    struct gm_gctrace_stats st;
    cr_assert_eq(parse(log, strlen(log), &g, &st), 0);
    cr_assert_eq(st.gc_lines, 2u);
    cr_assert_eq(g.cy[0].num, 1u);
    cr_assert_eq(g.cy[0].procs, 2u);
    cr_assert_eq(g.cy[1].pct, 43u);
}
