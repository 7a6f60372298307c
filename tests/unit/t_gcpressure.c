/* Unit tests of gm/gcpressure.h: statistics and GC findings on synthetic and real logs. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "gm/gcpressure.h"

/* scratch for gm_changepoint / gm_heap_classify on the synthetic series (up to 1000 points) */
static double cp_scratch[GM_CHANGEPOINT_SCRATCH(1000)];

#define EPS 1e-9

/* ------------------------------------------------------------ log builder */

struct buf {
    char *p;
    size_t len, cap;
    uint64_t lines;
};

static void buf_init(struct buf *b)
{
    b->cap = 1 << 16;
    b->len = 0;
    b->lines = 0;
    b->p = malloc(b->cap);
    cr_assert_not_null(b->p);
}

__attribute__((format(printf, 2, 3))) static uint64_t app(struct buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        cr_assert_geq(n, 0);
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            break;
        }
        b->cap *= 2;
        b->p = realloc(b->p, b->cap);
        cr_assert_not_null(b->p);
    }
    return ++b->lines; /* every call appends exactly one line */
}

/* One Go 1.18+ gctrace line; returns its line number. */
static uint64_t gc_line(struct buf *b, uint32_t num, double at, uint32_t pct, double c0, double c1,
                        double c2, double cpu_assist, double live, double goal, uint32_t procs)
{
    return app(b,
               "gc %u @%.3fs %u%%: %.3f+%.3f+%.3f ms clock, %.3f+%.3f/%.3f/%.3f+%.3f ms cpu, "
               "%.0f->%.0f->%.0f MB, %.0f MB goal, 0 MB stacks, 0 MB globals, %u P\n",
               num, at, pct, c0, c1, c2, c0, cpu_assist, c1 / 2, 0.0, c2, goal, goal + 1, live,
               goal, procs);
}

static const struct gm_gc_finding *find(const struct gm_gc_report *r, const char *id)
{
    for (uint32_t i = 0; i < r->findings_nr; i++) {
        cr_assert_not_null(r->findings[i].kind, "finding %u has a catalogue kind", i);
        if (strcmp(r->findings[i].kind->id, id) == 0) {
            return &r->findings[i];
        }
    }
    return NULL;
}

static const char *ids(const struct gm_gc_report *r, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < r->findings_nr && n < cap; i++) {
        int k = snprintf(out + n, cap - n, "%s%s", i ? "," : "",
                         r->findings[i].kind ? r->findings[i].kind->id : "?");
        if (k < 0) {
            break;
        }
        n += (size_t)k;
    }
    return out;
}

static void analyze(const struct buf *b, struct gm_gc_report *r)
{
    cr_assert_eq(gm_gc_analyze(b->p, b->len, 0, r), 0);
}

static int has_line(const struct gm_gc_finding *f, uint64_t l)
{
    for (uint32_t i = 0; i < f->lines_nr; i++) {
        if (f->lines[i] == l) {
            return 1;
        }
    }
    return 0;
}

/* Deterministic noise in [-a, a]. */
static uint64_t lcg = 12345;
static double noise(double a)
{
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return ((double)(lcg >> 11) / 9007199254740992.0 * 2 - 1) * a;
}

/* ------------------------------------------------------------ linfit / changepoint */

Test(gcpressure, linfit_exact_lines)
{
    double x[20], y[20], r2;
    for (int i = 0; i < 20; i++) {
        x[i] = 100 + i * 0.5;
        y[i] = 3 - 2 * x[i];
    }
    cr_assert_float_eq(gm_linfit(x, y, 20, &r2), -2.0, 1e-9);
    cr_assert_float_eq(r2, 1.0, 1e-9);
    for (int i = 0; i < 20; i++) {
        y[i] = 7 + 0.25 * x[i];
    }
    cr_assert_float_eq(gm_linfit(x, y, 20, &r2), 0.25, 1e-9);
    cr_assert_float_eq(r2, 1.0, 1e-9);
    /* two points define a line */
    cr_assert_float_eq(gm_linfit(x, y, 2, &r2), 0.25, 1e-9);
    /* flat: slope 0, nothing to explain */
    for (int i = 0; i < 20; i++) {
        y[i] = 5;
    }
    cr_assert_float_eq(gm_linfit(x, y, 20, &r2), 0.0, 1e-12);
    cr_assert_float_eq(r2, 0.0, 1e-12);
}

Test(gcpressure, linfit_degenerate)
{
    double x[4] = {1, 1, 1, 1}, y[4] = {1, 2, 3, 4}, r2 = 42;
    cr_assert_float_eq(gm_linfit(x, y, 4, &r2), 0.0, 1e-12, "vertical: no slope");
    cr_assert_float_eq(r2, 0.0, 1e-12);
    r2 = 42;
    cr_assert_float_eq(gm_linfit(x, y, 1, &r2), 0.0, 1e-12);
    cr_assert_float_eq(r2, 0.0, 1e-12);
    r2 = 42;
    cr_assert_float_eq(gm_linfit(x, y, 0, &r2), 0.0, 1e-12);
    cr_assert_float_eq(r2, 0.0, 1e-12);
}

Test(gcpressure, linfit_noisy_r2)
{
    double x[100], y[100], r2;
    for (int i = 0; i < 100; i++) {
        x[i] = i;
        y[i] = 2 * i + noise(5);
    }
    double b = gm_linfit(x, y, 100, &r2);
    cr_assert_float_eq(b, 2.0, 0.1);
    cr_assert_gt(r2, 0.95);
    cr_assert_lt(r2, 1.0);
}

static void flat_then_rise(double *x, double *y, uint32_t n, uint32_t k, double amp)
{
    for (uint32_t i = 0; i < n; i++) {
        x[i] = 1000 + i * 2.0; /* timestamps, not indices */
        y[i] = 10 + (i > k ? (i - k) * 1.5 : 0) + (amp > 0 ? noise(amp) : 0);
    }
}

Test(gcpressure, changepoint_flat_then_rise)
{
    double x[100], y[100];
    uint32_t ns[] = {60, 80, 100};
    for (uint32_t t = 0; t < GM_ARRAY_NR(ns); t++) {
        flat_then_rise(x, y, ns[t], 40, 0);
        uint32_t k = gm_changepoint(x, y, ns[t], cp_scratch);
        cr_assert_geq(k, 38u, "n=%u k=%u", ns[t], k);
        cr_assert_leq(k, 42u, "n=%u k=%u", ns[t], k);
    }
}

Test(gcpressure, changepoint_flat_then_rise_noisy)
{
    double x[100], y[100];
    double amps[] = {0.1, 0.3, 0.5};
    for (uint32_t a = 0; a < GM_ARRAY_NR(amps); a++) {
        for (int rep = 0; rep < 5; rep++) {
            flat_then_rise(x, y, 90, 40, amps[a]);
            uint32_t k = gm_changepoint(x, y, 90, cp_scratch);
            cr_assert_geq(k, 38u, "amp %.1f k=%u", amps[a], k);
            cr_assert_leq(k, 42u, "amp %.1f k=%u", amps[a], k);
        }
    }
}

Test(gcpressure, changepoint_none)
{
    double x[60], y[60];
    /* a straight line from the start */
    for (int i = 0; i < 60; i++) {
        x[i] = i * 0.7;
        y[i] = 5 + 3 * x[i];
    }
    cr_assert_eq(gm_changepoint(x, y, 60, cp_scratch), 0u);
    /* flat (see changepoint_flat_rounding for x steps that are not integers) */
    for (int i = 0; i < 60; i++) {
        x[i] = i;
        y[i] = 12;
    }
    cr_assert_eq(gm_changepoint(x, y, 60, cp_scratch), 0u);
    /* flat with noise: a split may win by chance now and then, but rarely */
    int splits = 0;
    for (int rep = 0; rep < 200; rep++) {
        for (int i = 0; i < 60; i++) {
            y[i] = 12 + noise(0.5);
        }
        splits += gm_changepoint(x, y, 60, cp_scratch) != 0;
    }
    cr_assert_leq(splits, 10, "%d of 200 noise series split", splits);
    /* too short to split */
    cr_assert_eq(gm_changepoint(x, y, 6, cp_scratch), 0u);
    cr_assert_eq(gm_changepoint(x, y, 1, cp_scratch), 0u);
    cr_assert_eq(gm_changepoint(x, y, 0, cp_scratch), 0u);
}

/* ------------------------------------------------------------ synthetic logs */

Test(gcpressure, empty_log)
{
    struct gm_gc_report r;
    cr_assert_eq(gm_gc_analyze("", 0, 0, &r), 0);
    cr_assert_eq(r.log.cycles_nr, 0u);
    cr_assert_eq(r.processes, 0u);
    cr_assert_eq(r.findings_nr, 0u);
    gm_gc_report_release(&r);
    const char *app_only = "hello\nworld\n";
    cr_assert_eq(gm_gc_analyze(app_only, strlen(app_only), 0, &r), 0);
    cr_assert_eq(r.stats.lines, 2u);
    cr_assert_eq(r.findings_nr, 0u);
    gm_gc_report_release(&r);
    gm_gc_report_release(&r); /* idempotent */
}

Test(gcpressure, healthy)
{
    struct buf b;
    buf_init(&b);
    app(&b, "server started\n");
    for (uint32_t i = 0; i < 50; i++) {
        gc_line(&b, i + 1, 1.0 + i, 2, 0.05, 1.2, 0.04, 0.1, 10, 20, 4);
        if (i % 10 == 0) {
            app(&b, "GET /health 200\n");
        }
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    cr_assert_eq(r.findings_nr, 0u, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_eq(r.processes, 1u);
    cr_assert_eq(r.log.cycles_nr, 50u);
    cr_assert_eq(r.stats.gc_lines, 50u);
    cr_assert_eq(r.stats.lines, 56u);
    cr_assert_float_eq(r.duration_s, 49.0, 1e-9);
    cr_assert_float_eq(r.cycles_per_s, 1.0, 1e-9);
    cr_assert_float_eq(r.live_first, 10.0, EPS);
    cr_assert_float_eq(r.live_last, 10.0, EPS);
    cr_assert_float_eq(r.live_max, 10.0, EPS);
    cr_assert_float_eq(r.live_slope, 0.0, 1e-12);
    cr_assert_eq(r.change_idx, 0u);
    cr_assert_eq(r.pct_last, 2u);
    cr_assert_eq(r.pct_max, 2u);
    cr_assert_float_eq(r.stw_max, 0.09, 1e-9);
    cr_assert_float_eq(r.stw_p50, 0.09, 1e-9);
    cr_assert_float_eq(r.mark_max, 1.2, 1e-9);
    cr_assert_eq(r.procs_last, 4u);
    cr_assert_eq(r.procs_changes, 0u);
    cr_assert_eq(r.forced, 0u);
    cr_assert_lt(r.cpu_share, 1.0);
    for (int w = 0; w < GM_GC_WINDOWS; w++) {
        cr_assert_lt(r.rate[w], 2.0, "window %d: %f", w, r.rate[w]);
        cr_assert_gt(r.rate[w], 0.5, "window %d: %f", w, r.rate[w]);
    }
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, live_heap_rising)
{
    struct buf b;
    buf_init(&b);
    uint64_t first = 0, last = 0;
    for (uint32_t i = 0; i < 50; i++) {
        double live = 10 + (double)i * 50.0 / 49.0;
        live = (double)(long)(live + 0.5);
        last = gc_line(&b, i + 1, 1.0 + i, 2, 0.05, 1.2, 0.04, 0.1, live, 2 * live, 4);
        if (!first) {
            first = last;
        }
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    const struct gm_gc_finding *f = find(&r, "live-heap-rising");
    cr_assert_not_null(f, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_eq(r.findings_nr, 1u, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_eq(f->severity, GM_SEV_HIGH, "10 -> 60 MB: more than doubled");
    cr_assert_float_eq(r.live_first, 10.0, EPS);
    cr_assert_float_eq(r.live_last, 60.0, EPS);
    cr_assert_float_eq(r.live_slope, 50.0 / 49.0, 0.02);
    cr_assert_gt(r.live_r2, 0.99);
    cr_assert_leq(r.change_idx, 2u);
    cr_assert(has_line(f, last), "evidence: the last cycle");
    cr_assert(has_line(f, r.log.cycles[r.change_idx].line), "evidence: where growth began");
    cr_assert_neq(f->why[0], '\0');
    cr_assert_not_null(strstr(f->why, "60"), "why: %s", f->why);
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, live_heap_rising_after_flat)
{
    struct buf b;
    buf_init(&b);
    uint64_t lines[90];
    for (uint32_t i = 0; i < 90; i++) {
        double live = i < 40 ? 20 : 20 + (i - 40);
        lines[i] = gc_line(&b, i + 1, 0.5 * i, 1, 0.05, 1.2, 0.04, 0.1, live, 2 * live, 8);
        if (i % 3 == 0) {
            app(&b, "tick %u\n", i);
        }
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    cr_assert_geq(r.change_idx, 38u);
    cr_assert_leq(r.change_idx, 42u);
    cr_assert_float_eq(r.rise_slope, 2.0, 0.1, "1 MB per cycle, 2 cycles per second");
    cr_assert_gt(r.rise_r2, 0.95);
    const struct gm_gc_finding *f = find(&r, "live-heap-rising");
    cr_assert_not_null(f, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_eq(f->lines[0], lines[r.change_idx]);
    cr_assert(has_line(f, lines[89]));
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, sawtooth_is_not_rising)
{
    /* a cache filled and flushed every 7 cycles: up, up, ..., drop */
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < 50; i++) {
        double live = 10 + (i % 7) * 4;
        gc_line(&b, i + 1, 1.0 + i, 2, 0.05, 1.2, 0.04, 0.1, live, 2 * live + 10, 4);
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    cr_assert_null(find(&r, "live-heap-rising"), "findings: %s (change %u)",
                   ids(&r, why, sizeof(why)), r.change_idx);
    gm_gc_report_release(&r);
    free(b.p);
}

/* Regression test (a bug found by this suite, fixed): a sawtooth whose log ends at the top of a
 * tooth is reported as live-heap-rising: gm_changepoint puts the split at the start of the last
 * tooth (the "flat" segment absorbs the earlier teeth), the last tooth is a perfect line of >= 10
 * cycles, and the finding fires. Minimal reproducer: 40 cycles, one per second, live = 10 + (i %
 * 10) * 2 MB (four teeth 10..28 MB) -> live-heap-rising severity high, "grew 10 -> 28 MB over 10
 * cycles from gc 31". Same for period 11..20 with 3-4 complete teeth. */
Test(gcpressure, sawtooth_ending_at_peak_is_not_rising)
{
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < 40; i++) {
        double live = 10 + (i % 10) * 2;
        gc_line(&b, i + 1, 1.0 + i, 2, 0.05, 1.2, 0.04, 0.1, live, 2 * live + 10, 4);
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    cr_assert_null(find(&r, "live-heap-rising"), "findings: %s (change %u)",
                   ids(&r, why, sizeof(why)), r.change_idx);
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, gc_cpu_high)
{
    struct buf b;
    buf_init(&b);
    uint64_t first_over = 0, last = 0;
    for (uint32_t i = 0; i < 50; i++) {
        uint32_t pct = 2 + i; /* 2% .. 51% */
        last = gc_line(&b, i + 1, 1.0 + i, pct, 0.05, 1.2, 0.04, 0.1, 10, 20, 4);
        if (pct > 25 && !first_over) {
            first_over = last;
        }
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    const struct gm_gc_finding *f = find(&r, "gc-cpu-high");
    cr_assert_not_null(f, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_eq(r.pct_last, 51u);
    cr_assert_eq(r.pct_max, 51u);
    cr_assert_eq(f->severity, GM_SEV_HIGH, "severity %d", f->severity);
    cr_assert_eq(f->lines_nr, 2u);
    cr_assert_eq(f->lines[0], first_over, "the first cycle over 25%%");
    cr_assert_eq(f->lines[1], last);
    cr_assert_not_null(strstr(f->why, "51%"), "why: %s", f->why);
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, gc_cpu_severity_grades)
{
    uint32_t pcts[] = {20, 30, 45, 70};
    int sev[] = {-1, GM_SEV_MEDIUM, GM_SEV_HIGH, GM_SEV_CRITICAL};
    for (uint32_t t = 0; t < GM_ARRAY_NR(pcts); t++) {
        struct buf b;
        buf_init(&b);
        for (uint32_t i = 0; i < 30; i++) {
            gc_line(&b, i + 1, 1.0 + i, pcts[t], 0.05, 1.2, 0.04, 0.1, 10, 20, 4);
        }
        struct gm_gc_report r;
        analyze(&b, &r);
        const struct gm_gc_finding *f = find(&r, "gc-cpu-high");
        if (sev[t] < 0) {
            cr_assert_null(f, "pct %u", pcts[t]);
        } else {
            cr_assert_not_null(f, "pct %u", pcts[t]);
            cr_assert_eq((int)f->severity, sev[t], "pct %u: severity %d", pcts[t], f->severity);
        }
        gm_gc_report_release(&r);
        free(b.p);
    }
}

Test(gcpressure, gc_cpu_recomputed)
{
    /* the runtime's cumulative % is still low, but the recent cycles burn the CPU: 1 P,
     * one cycle every 100 ms, 60 ms of GC cpu each in the second half */
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < 40; i++) {
        double assist = i < 20 ? 0.1 : 60;
        gc_line(&b, i + 1, 0.1 * (i + 1), 3, 0.05, 1.0, 0.04, assist, 10, 20, 1);
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    cr_assert_gt(r.cpu_share_recent, 50.0, "recent %f", r.cpu_share_recent);
    cr_assert_gt(r.assist_share, 90.0, "assist %f", r.assist_share);
    const struct gm_gc_finding *f = find(&r, "gc-cpu-high");
    cr_assert_not_null(f, "findings: %s", ids(&r, why, sizeof(why)));
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, stw_long)
{
    struct buf b;
    buf_init(&b);
    app(&b, "boot\n");
    app(&b, "boot 2\n");
    uint64_t long_line = 0;
    for (uint32_t i = 0; i < 50; i++) {
        uint64_t l;
        if (i == 23) {
            l = gc_line(&b, i + 1, 1.0 + i, 2, 0.5, 1, 60, 0.1, 10, 20, 4);
            long_line = l;
        } else {
            l = gc_line(&b, i + 1, 1.0 + i, 2, 0.05, 1.2, 0.04, 0.1, 10, 20, 4);
        }
        (void)l;
        app(&b, "request served\n");
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    cr_assert_eq(long_line, 3u + 23 * 2);
    const struct gm_gc_finding *f = find(&r, "stw-long");
    cr_assert_not_null(f, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_eq(r.findings_nr, 1u, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_float_eq(r.stw_max, 60.5, 1e-9);
    cr_assert_eq(r.stw_max_line, long_line);
    cr_assert_eq(f->severity, GM_SEV_HIGH, "60.5 ms");
    cr_assert_eq(f->lines_nr, 1u);
    cr_assert_eq(f->lines[0], long_line);
    cr_assert_float_eq(r.stw_p50, 0.09, 1e-9);
    cr_assert_float_eq(r.stw_p99, 60.5, 1e-9, "p99 of 50 values is the largest");
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, gc_too_frequent)
{
    struct buf b;
    buf_init(&b);
    uint64_t first = 0, last = 0;
    for (uint32_t i = 0; i < 200; i++) {
        last = gc_line(&b, i + 1, 0.010 * (i + 1), 2, 0.01, 0.1, 0.01, 0.01, 4, 8, 4);
        if (!first) {
            first = last;
        }
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    const struct gm_gc_finding *f = find(&r, "gc-too-frequent");
    cr_assert_not_null(f, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_eq(r.findings_nr, 1u, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_float_eq(r.cycles_per_s, 100.0, 0.01);
    cr_assert_float_eq(r.duration_s, 1.99, 1e-9);
    cr_assert_eq(f->severity, GM_SEV_MEDIUM);
    cr_assert(has_line(f, first));
    cr_assert(has_line(f, last));
    for (int w = 0; w < GM_GC_WINDOWS; w++) {
        cr_assert_float_eq(r.rate[w], 100.0, 12.0, "window %d: %f", w, r.rate[w]);
    }
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, gomemlimit_death_spiral)
{
    struct buf b;
    buf_init(&b);
    uint64_t last = 0;
    /* warm-up at a normal pace, then the spiral */
    for (uint32_t i = 0; i < 10; i++) {
        gc_line(&b, i + 1, 1.0 + i, 5, 0.05, 1.2, 0.04, 0.1, 30, 60, 2);
    }
    for (uint32_t i = 10; i < 40; i++) {
        last = gc_line(&b, i + 1, 11.0 + 0.005 * (i - 10), 50, 0.1, 3.8, 0.1, 3, 60, 64, 2);
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    const struct gm_gc_finding *f = find(&r, "gomemlimit-death-spiral");
    cr_assert_not_null(f, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_eq(f->severity, GM_SEV_CRITICAL);
    cr_assert(has_line(f, last));
    cr_assert_not_null(strstr(f->why, "64 MB"), "why: %s", f->why);
    cr_assert_not_null(find(&r, "gc-cpu-high"), "50%% GC CPU");
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, death_spiral_before_a_shutdown_cycle)
{
    /* a log that runs to the process's end: the spiral, then a last cycle after the heap was
       dropped (goal 56 MB, a real go1.19 run of testdata/gen/gc/gc-memlimit); the spiral is
       still found and its lines end at the last pinned cycle */
    struct buf b;
    buf_init(&b);
    uint64_t pinned = 0, shutdown;
    for (uint32_t i = 0; i < 10; i++) {
        gc_line(&b, i + 1, 1.0 + i, 5, 0.05, 1.2, 0.04, 0.1, 30, 60, 2);
    }
    for (uint32_t i = 10; i < 40; i++) {
        pinned = gc_line(&b, i + 1, 11.0 + 0.005 * (i - 10), 50, 0.1, 3.8, 0.1, 3, 60, 64, 2);
    }
    shutdown = gc_line(&b, 41, 11.2, 50, 0.1, 3.8, 0.1, 3, 40, 56, 2);
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    const struct gm_gc_finding *f = find(&r, "gomemlimit-death-spiral");
    cr_assert_not_null(f, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert(has_line(f, pinned));
    cr_assert_not(has_line(f, shutdown));
    cr_assert_not_null(strstr(f->why, "64 MB"), "why: %s", f->why);
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, death_spiral_with_a_goal_that_moves)
{
    /* Go 1.26 moves the goal under GOMEMLIMIT a few MB from cycle to cycle (58..62 MB in
       testdata/gctrace/go1.26/y_gomemlimit-death-spiral.log), the live heap following it:
       still pinned; the last cycle (58 MB) is 3% off the window's median (60 MB) */
    static const double goals[] = {62, 61, 60, 59, 62, 60, 60, 60, 59, 61, 59, 58};
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < 10; i++) {
        gc_line(&b, i + 1, 1.0 + i, 5, 0.05, 1.2, 0.04, 0.1, 30, 60, 2);
    }
    for (uint32_t i = 0; i < 24; i++) {
        double g = goals[i % 12];
        gc_line(&b, i + 11, 11.0 + 0.005 * i, 50, 0.1, 3.8, 0.1, 3, g, g, 2);
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    const struct gm_gc_finding *f = find(&r, "gomemlimit-death-spiral");
    cr_assert_not_null(f, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_not_null(strstr(f->why, "last 24 cycles"), "why: %s", f->why);
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, goal_far_from_live_is_no_spiral)
{
    /* the same rhythm but live is half of the goal: frequent, not a spiral */
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < 40; i++) {
        gc_line(&b, i + 1, 1.0 + 0.005 * i, 50, 0.1, 3.8, 0.1, 3, 30, 64, 2);
    }
    struct gm_gc_report r;
    analyze(&b, &r);
    cr_assert_null(find(&r, "gomemlimit-death-spiral"));
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, runqueue_backlog)
{
    struct buf b;
    buf_init(&b);
    uint64_t l[9];
    for (uint32_t i = 0; i < 9; i++) {
        int busy = i >= 2 && i < 7;
        l[i] = app(&b,
                   "SCHED %ums: gomaxprocs=2 idleprocs=0 threads=6 spinningthreads=0 "
                   "needspinning=0 idlethreads=1 runqueue=%d [%d %d]\n",
                   1000 * i, busy ? 100 : 0, busy ? 3 : 0, busy ? 1 : 0);
        app(&b, "working\n");
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    cr_assert_eq(r.log.sched_nr, 9u);
    cr_assert_eq(r.runq_max, 104);
    cr_assert_eq(r.threads_max, 6);
    const struct gm_gc_finding *f = find(&r, "runqueue-backlog");
    cr_assert_not_null(f, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_eq(r.findings_nr, 1u, "findings: %s", ids(&r, why, sizeof(why)));
    cr_assert_eq(f->severity, GM_SEV_HIGH, "52 per P");
    cr_assert_eq(f->lines_nr, 2u);
    cr_assert_eq(f->lines[0], l[2]);
    cr_assert_eq(f->lines[1], l[6]);
    cr_assert_not_null(strstr(f->why, "5 consecutive"), "why: %s", f->why);
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, runqueue_short_burst_is_fine)
{
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < 10; i++) {
        /* two busy lines, one calm, repeatedly: never 3 in a row */
        app(&b, "SCHED %ums: gomaxprocs=2 idleprocs=0 threads=6 runqueue=%d [0 0]\n", 1000 * i,
            i % 3 == 2 ? 0 : 100);
    }
    struct gm_gc_report r;
    analyze(&b, &r);
    cr_assert_null(find(&r, "runqueue-backlog"));
    gm_gc_report_release(&r);
    free(b.p);
}

/* A service that leaked, died and restarted: the leaking process (the longest) is the one
 * analysed, not the calm restart. */
Test(gcpressure, restart_analyses_the_longest_process)
{
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < 30; i++) {
        /* the first process: a leak */
        gc_line(&b, i + 1, 1.0 + i, 40, 0.05, 1.2, 0.04, 0.1, 10 + 3 * i, 20 + 6 * i, 4);
    }
    app(&b, "panic: out of memory\n");
    app(&b, "restarting\n");
    uint64_t first2 = 0;
    for (uint32_t i = 0; i < 20; i++) {
        uint64_t l = gc_line(&b, i + 1, 0.5 + i, 1, 0.05, 1.2, 0.04, 0.1, 10, 20, 8);
        if (!first2) {
            first2 = l;
        }
    }
    struct gm_gc_report r;
    char why[256];
    analyze(&b, &r);
    cr_assert_eq(r.processes, 2u);
    cr_assert_eq(r.process, 1u);
    cr_assert_eq(r.log.cycles_nr, 30u);
    cr_assert_eq(r.stats.gc_lines, 50u, "stats cover the whole log");
    cr_assert_eq(r.log.cycles[0].num, 1u);
    cr_assert_neq(r.log.cycles[0].line, first2);
    cr_assert_eq(r.procs_last, 4u);
    cr_assert_eq(r.pct_max, 40u, "the leaking process is analysed");
    cr_assert_not_null(find(&r, "gc-cpu-high"), "findings: %s", ids(&r, why, sizeof(why)));
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, restart_at_lower_number)
{
    /* a restart also shows as numbering going backwards without reaching gc 1 (log cut) */
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < 10; i++) {
        gc_line(&b, 100 + i, 1.0 + i, 1, 0.05, 1.2, 0.04, 0.1, 10, 20, 4);
    }
    for (uint32_t i = 0; i < 5; i++) {
        gc_line(&b, 3 + i, 1.0 + i, 1, 0.05, 1.2, 0.04, 0.1, 10, 20, 4);
    }
    struct gm_gc_report r;
    analyze(&b, &r);
    cr_assert_eq(r.processes, 2u);
    cr_assert_eq(r.log.cycles_nr, 10u, "the longer of the two");
    cr_assert_eq(r.process, 1u);
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, max_cycles_cut)
{
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < 100; i++) {
        gc_line(&b, i + 1, 1.0 + i, 1, 0.05, 1.2, 0.04, 0.1, 10, 20, 4);
    }
    struct gm_gc_report r;
    cr_assert_eq(gm_gc_analyze(b.p, b.len, 30, &r), 0);
    cr_assert_eq(r.log.cycles_nr, 30u);
    cr_assert_eq(r.log.cut, 1);
    cr_assert_eq(r.stats.gc_lines, 100u);
    cr_assert_eq(r.log.cycles[29].num, 30u, "the first cycles are kept");
    gm_gc_report_release(&r);
    cr_assert_eq(gm_gc_analyze(b.p, b.len, 0, &r), 0);
    cr_assert_eq(r.log.cycles_nr, 100u);
    cr_assert_eq(r.log.cut, 0);
    gm_gc_report_release(&r);
    free(b.p);
}

Test(gcpressure, forced_procs_scav)
{
    struct buf b;
    buf_init(&b);
    app(&b, "gc 1 @0.100s 0%%: 0.1+1+0.1 ms clock, 0.1+0.1/0.1/0.1+0.1 ms cpu, 4->4->2 MB, 4 MB "
            "goal, 0 MB stacks, 0 MB globals, 4 P (forced)\n");
    app(&b, "gc 2 @0.200s 0%%: 0.1+1+0.1 ms clock, 0.1+0.1/0.1/0.1+0.1 ms cpu, 4->4->2 MB, 4 MB "
            "goal, 0 MB stacks, 0 MB globals, 8 P\n");
    app(&b, "scav 100 KiB work, 200 KiB total, 1%% util\n");
    app(&b, "gc 3 @0.300s 0%%: 0.1+1+0.1 ms clock, 0.1+0.1/0.1/0.1+0.1 ms cpu, 4->4->2 MB, 4 MB "
            "goal, 0 MB stacks, 0 MB globals, 8 P (forced)\n");
    app(&b, "scvg: 28 KB released\n");
    struct gm_gc_report r;
    analyze(&b, &r);
    cr_assert_eq(r.forced, 2u);
    cr_assert_eq(r.procs_changes, 1u);
    cr_assert_eq(r.procs_last, 8u);
    cr_assert_eq(r.scav_nr, 2u);
    cr_assert_float_eq(r.scav_released_kib, 128.0, EPS);
    gm_gc_report_release(&r);
    free(b.p);
}

/* ------------------------------------------------------------ real fixtures */

static void analyse_fixture(const char *name, struct gm_gc_report *r)
{
    char path[256];
    size_t len;
    snprintf(path, sizeof(path), "testdata/gctrace/%s", name);
    char *p = test_slurp(path, &len);
    if (!p) {
        cr_skip("%s does not exist (yet)", path);
    }
    cr_assert_eq(gm_gc_analyze(p, len, 0, r), 0, "%s", path);
    free(p);
}

struct fixture {
    char id[48];
};

ParameterizedTestParameters(gcpressure, fixture_finding)
{
    static struct fixture cases[] = {
        {"gc-cpu-high"}, {"live-heap-rising"}, {"gomemlimit-death-spiral"},
        {"stw-long"},    {"gc-too-frequent"},  {"runqueue-backlog"},
    };
    return cr_make_param_array(struct fixture, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct fixture *c, gcpressure, fixture_finding)
{
    char name[96], why[256];
    snprintf(name, sizeof(name), "y_%s.log", c->id);
    struct gm_gc_report r;
    analyse_fixture(name, &r);
    cr_assert_gt(r.stats.gc_lines + r.stats.sched_lines, 0u, "%s", name);
    const struct gm_gc_finding *f = find(&r, c->id);
    cr_assert_not_null(f, "%s: findings %s", name, ids(&r, why, sizeof(why)));
    cr_assert_gt(f->lines_nr, 0u);
    for (uint32_t i = 0; i < f->lines_nr; i++) {
        cr_assert_gt(f->lines[i], 0u);
        cr_assert_leq(f->lines[i], r.stats.lines);
    }
    cr_assert_neq(f->why[0], '\0');
    cr_assert_eq(f->kind, gm_finding_kind(c->id));
    gm_gc_report_release(&r);
}

Test(gcpressure, fixture_healthy_no_findings)
{
    struct gm_gc_report r;
    char why[256];
    analyse_fixture("y_healthy.log", &r);
    cr_assert_gt(r.log.cycles_nr, 0u);
    cr_assert_eq(r.processes, 1u);
    cr_assert_eq(r.findings_nr, 0u, "findings: %s", ids(&r, why, sizeof(why)));
    gm_gc_report_release(&r);
}

/* Regression test (a bug found by this suite, fixed): gm_changepoint returns a split on a perfectly
 * flat series when floating-point rounding leaves the single-line error a hair above zero ("best <
 * single * 0.8" with both ~1e-13). Visible to users: `gomedic gc testdata/gctrace/y_healthy.log`
 * (live heap 3 MB throughout) prints "live heap 3 -> 3 MB ...; rising from gc 28 (line 38) at +0.00
 * MB/s", and the JSON "rising_from_line" is 38 instead of null. Reproducer: x[i] = 0.7 * i, y[i] =
 * 12 for i < 60 -> gm_changepoint returns 56 (y = 3 -> 56, y = 0.1 -> 30). */
Test(gcpressure, changepoint_flat_rounding)
{
    double x[60], y[60];
    double levels[] = {12, 3, 0.1};
    for (uint32_t l = 0; l < GM_ARRAY_NR(levels); l++) {
        for (int i = 0; i < 60; i++) {
            x[i] = i * 0.7;
            y[i] = levels[l];
        }
        cr_assert_eq(gm_changepoint(x, y, 60, cp_scratch), 0u, "flat at %g", levels[l]);
    }
    struct gm_gc_report r;
    analyse_fixture("y_healthy.log", &r);
    cr_assert_eq(r.change_idx, 0u, "flat live heap, change at cycle %u", r.change_idx);
    gm_gc_report_release(&r);
}

Test(gcpressure, fixture_mixed_json_like_healthy)
{
    struct gm_gc_report r;
    analyse_fixture("y_mixed_json.log", &r);
    cr_assert_gt(r.log.cycles_nr, 10u);
    cr_assert_eq(r.stats.malformed, 0u);
    cr_assert_null(find(&r, "live-heap-rising"));
    cr_assert_null(find(&r, "stw-long"));
    gm_gc_report_release(&r);
}

Test(gcpressure, fixture_forced)
{
    struct gm_gc_report r;
    analyse_fixture("y_forced.log", &r);
    cr_assert_gt(r.forced, 0u);
    cr_assert_gt(r.scav_nr, 0u);
    gm_gc_report_release(&r);
}

Test(gcpressure, fixture_truncated)
{
    struct gm_gc_report r;
    analyse_fixture("n_truncated.log", &r);
    cr_assert_eq(r.stats.truncated, 1);
    cr_assert_gt(r.log.cycles_nr, 0u);
    gm_gc_report_release(&r);
}

/* Two ordinary lines of a busy program's start (the runtime's 43% is cumulative since a start
 * 5 ms ago) are no rate: no gc-cpu-high until 10 cycles over a second; the same share held
 * over 30 cycles and 3 s is one. */
Test(gcpressure, gc_cpu_needs_cycles_and_time)
{
    struct buf b;
    struct gm_gc_report r;
    buf_init(&b);
    gc_line(&b, 1, 0.002, 8, 0.08, 0.41, 0.003, 0.37, 0, 1, 2);
    gc_line(&b, 2, 0.005, 43, 1.5, 13, 0.004, 1.6, 1, 1, 2);
    analyze(&b, &r);
    cr_assert_null(find(&r, "gc-cpu-high"));
    gm_gc_report_release(&r);
    free(b.p);
    buf_init(&b);
    for (uint32_t i = 0; i < 30; i++) {
        gc_line(&b, i + 1, 0.1 * (i + 1), 43, 1.5, 13, 0.004, 1.6, 10, 12, 2);
    }
    analyze(&b, &r);
    cr_assert_not_null(find(&r, "gc-cpu-high"));
    gm_gc_report_release(&r);
    free(b.p);
}

/* A log of a process and the first cycle of its restart: the longest process is analysed,
 * not the one-cycle tail. */
Test(gcpressure, the_longest_process_is_analysed)
{
    struct buf b;
    struct gm_gc_report r;
    buf_init(&b);
    for (uint32_t i = 0; i < 30; i++) {
        gc_line(&b, i + 1, 0.1 * (i + 1), 2, 0.05, 1.2, 0.04, 0.1, 10, 20, 4);
    }
    gc_line(&b, 1, 0.002, 43, 1.5, 13, 0.004, 1.6, 1, 1, 2);
    analyze(&b, &r);
    cr_assert_eq(r.processes, 2u);
    cr_assert_eq(r.process, 1u);
    cr_assert_eq(r.log.cycles_nr, 30u);
    cr_assert_null(find(&r, "gc-cpu-high"), "the restart's 43%% is not the log's");
    gm_gc_report_release(&r);
    free(b.p);
}
