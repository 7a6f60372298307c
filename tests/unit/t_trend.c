/* Time series (gm/series.h) and the rising-floor leak test (gm/trend.h), on series built in
 * code the way the watch daemon fills them: one point a second. */
#include <criterion/criterion.h>

#include "gm/series.h"
#include "gm/trend.h"

static const struct gm_floor_opts GOROUTINES = {.window_ms = 40000, .parts = 4, .min_rise = 10};

Test(series, ring_keeps_the_newest)
{
    struct gm_series s;
    cr_assert_eq(gm_series_init(&s, 3), 0);
    for (int i = 1; i <= 5; i++) {
        gm_series_push(&s, i * 1000, i);
    }
    cr_assert_eq(s.nr, 3u);
    cr_assert_eq(gm_series_t(&s, 0), 3000);
    cr_assert_eq(gm_series_v(&s, 2), 5.0);
    gm_series_push(&s, 100, 6); /* a clock that went back is held at the last time */
    cr_assert_eq(gm_series_t(&s, 2), 5000);
    gm_series_clear(&s);
    cr_assert_eq(s.nr, 0u);
    gm_series_release(&s);
}

/* 60 s at 1 s: base + slope per second, with a burst of `burst` short-lived goroutines every
 * 7th second. */
static void fill(struct gm_series *s, double base, double slope, double burst)
{
    cr_assert_eq(gm_series_init(s, 600), 0);
    for (int i = 0; i < 60; i++) {
        double v = base + slope * i + (i % 7 == 3 ? burst : 0);
        gm_series_push(s, 1000 * (int64_t)i, v);
    }
}

Test(trend, leak_under_bursts_is_rising)
{
    struct gm_series s;
    struct gm_floor f;
    fill(&s, 40, 2, 500); /* 2 leaked a second, bursts of 500 */
    gm_floor_rise(&s, 59000, &GOROUTINES, &f);
    cr_assert(f.full);
    cr_assert(f.rising, "floors %g %g %g %g", f.floors[0], f.floors[1], f.floors[2], f.floors[3]);
    cr_assert_gt(f.per_min, 100);
    gm_series_release(&s);
}

Test(trend, bursts_without_leak_stay_quiet)
{
    struct gm_series s;
    struct gm_floor f;
    fill(&s, 40, 0, 800);
    gm_floor_rise(&s, 59000, &GOROUTINES, &f);
    cr_assert(f.full);
    cr_assert_not(f.rising);
    gm_series_release(&s);
}

Test(trend, sawtooth_heap_stays_quiet)
{
    struct gm_series s;
    cr_assert_eq(gm_series_init(&s, 600), 0);
    for (int i = 0; i < 60; i++) { /* grows 1 MB/s, collected back to 8 MB every 5 s */
        gm_series_push(&s, 1000 * (int64_t)i, (8 + (i % 5)) * 1048576.0);
    }
    struct gm_floor_opts heap = {
        .window_ms = 40000, .parts = 4, .min_rise = 1048576, .min_frac = 0.1};
    struct gm_floor f;
    gm_floor_rise(&s, 59000, &heap, &f);
    cr_assert(f.full);
    cr_assert_not(f.rising);
    gm_series_release(&s);
}

Test(trend, small_rise_and_falling_floor_stay_quiet)
{
    struct gm_series s;
    struct gm_floor f;
    fill(&s, 40, 0.1, 0); /* 4 more over 40 s: under min_rise */
    gm_floor_rise(&s, 59000, &GOROUTINES, &f);
    cr_assert_not(f.rising);
    gm_series_release(&s);
    fill(&s, 40, 2, 0);
    gm_series_push(&s, 59500, 10); /* the service let them go */
    gm_floor_rise(&s, 59500, &GOROUTINES, &f);
    cr_assert_not(f.rising);
    gm_series_release(&s);
}

Test(trend, needs_a_full_window)
{
    struct gm_series s;
    struct gm_floor f;
    cr_assert_eq(gm_series_init(&s, 600), 0);
    for (int i = 0; i < 20; i++) {
        gm_series_push(&s, 1000 * (int64_t)i, 10.0 * i);
    }
    gm_floor_rise(&s, 19000, &GOROUTINES, &f);
    cr_assert_not(f.full);
    cr_assert_not(f.rising);
    gm_series_release(&s);
}

Test(trend, a_part_without_points_holds_the_last_value)
{
    /* a stack first seen late: one 0 when watching began, then its counts */
    struct gm_series s;
    struct gm_floor f;
    cr_assert_eq(gm_series_init(&s, 600), 0);
    gm_series_push(&s, 0, 0);
    for (int i = 25; i < 60; i++) {
        gm_series_push(&s, 1000 * (int64_t)i, 5.0 * (i - 24));
    }
    gm_floor_rise(&s, 59000, &GOROUTINES, &f);
    cr_assert(f.full);
    cr_assert_eq(f.floors[0], 0.0);
    cr_assert(f.rising, "floors %g %g %g %g", f.floors[0], f.floors[1], f.floors[2], f.floors[3]);
    gm_series_release(&s);
}
