/* Unit tests of gm/leak.h: leak detection across snapshots, on fixtures and on models. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm/artifact.h"
#include "gm/leak.h"

static struct gm_gdump_set S;
static uint32_t dumps[8];
static uint32_t ndumps;

static void setup(void)
{
    cr_assert_eq(gm_gdump_set_init(&S, NULL, GM_SIM_EXACT), 0);
    ndumps = 0;
}

static void teardown(void)
{
    gm_gdump_set_release(&S);
}

TestSuite(leak, .init = setup, .fini = teardown);

static void load(const char *path)
{
    struct gm_diag d = {0};
    int rc = gm_load_dumps(&S, path, &d);
    cr_assert_eq(rc, 1, "%s: rc=%d %s", path, rc, d.msg);
    dumps[ndumps++] = S.dumps_nr - 1;
}

static void add(const char *text)
{
    struct gm_diag d = {0};
    int rc = gm_gdump_parse(&S, text, strlen(text), &d);
    cr_assert_eq(rc, 1, "rc=%d line %llu %s", rc, (unsigned long long)d.line, d.msg);
    dumps[ndumps++] = S.dumps_nr - 1;
}

static const char *user_func(const struct gm_leak_row *r)
{
    return r->user_frame == GM_NO_FRAME ? "" : gm_stacks_func(&S.stacks, r->user_frame);
}

static void load_diff_fixtures(void)
{
    load("testdata/goroutine/y_diff_1.txt");
    load("testdata/goroutine/y_diff_2.txt");
    load("testdata/goroutine/y_diff_3.txt");
}

Test(leak, diff_fixtures_one_leak)
{
    load_diff_fixtures();
    cr_assert_eq(S.dumps_nr, 3u);
    struct gm_leak_opts o = {0};
    struct gm_leak_result r;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    cr_assert_eq(r.snaps_nr, 3u);
    cr_assert_eq(r.leaks_nr, 1u, "leaks: %u", r.leaks_nr);
    const struct gm_leak_row *row = &r.rows[0];
    cr_assert(row->leak, "leaks sort first");
    cr_assert_str_eq(user_func(row), "main.(*Poller).watch");
    cr_assert_eq(row->counts[0], 10u);
    cr_assert_eq(row->counts[1], 20u);
    cr_assert_eq(row->counts[2], 30u);
    cr_assert(r.timed, "the snapshots carry log timestamps");
    cr_assert_eq(r.times[0], 1795446245 + 9 * 60 + 18);
    cr_assert_eq(r.times[1], r.times[0] + 2);
    cr_assert_eq(r.times[2], r.times[0] + 3);
    cr_assert_geq(row->persistent, 10u, "persistent %llu", (unsigned long long)row->persistent);
    cr_assert_leq(row->persistent, 10u, "only the first 10 exist in every snapshot");
    cr_assert_gt(row->persistent_ids_nr, 0u);
    cr_assert_gt(row->growth, 0.0);
    cr_assert_gt(row->score, 0.5);
    cr_assert_leq(row->score, 1.0);
    cr_assert_geq(row->severity, GM_SEV_LOW);
    cr_assert_eq(row->ignored, 0);
    cr_assert_eq(row->is_new, 0);
    cr_assert_not_null(row->kind);
    cr_assert_str_eq(gm_strtab_cstr(&S.stacks.strs, row->state_id), "chan receive");
    for (uint32_t i = 1; i < r.rows_nr; i++) {
        cr_assert_not(r.rows[i].leak);
        cr_assert_eq(r.rows[i].severity, GM_SEV_INFO);
        cr_assert_geq(r.rows[i].score, 0.0);
        cr_assert_leq(r.rows[i].score, 1.0);
    }
    /* every goroutine of each snapshot is in exactly one row */
    for (uint32_t s = 0; s < 3; s++) {
        uint64_t sum = 0;
        for (uint32_t i = 0; i < r.rows_nr; i++) {
            sum += r.rows[i].counts[s];
        }
        cr_assert_eq(sum, S.dumps[dumps[s]].goroutines, "snapshot %u", s);
    }
    gm_leak_release(&r);
    cr_assert_null(r.rows);
}

Test(leak, diff_fixtures_persistent_ids_are_in_every_snapshot)
{
    load_diff_fixtures();
    struct gm_leak_opts o = {0};
    struct gm_leak_result r;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    const struct gm_leak_row *row = &r.rows[0];
    for (uint32_t k = 0; k < row->persistent_ids_nr; k++) {
        for (uint32_t s = 0; s < 3; s++) {
            const struct gm_dump *d = &S.dumps[dumps[s]];
            int found = 0;
            for (uint32_t i = 0; i < d->nr; i++) {
                const struct gm_goroutine *g = gm_gdump_g(&S, d->first + i);
                found |= gm_g_id(g) == row->persistent_ids[k] && g->stack_id == row->stack_id;
            }
            cr_assert(found, "goroutine %llu not in snapshot %u",
                      (unsigned long long)row->persistent_ids[k], s);
        }
    }
    gm_leak_release(&r);
}

Test(leak, healthy_pair_no_leak)
{
    load("testdata/goroutine/y_diff_healthy_1.txt");
    load("testdata/goroutine/y_diff_healthy_2.txt");
    struct gm_leak_opts o = {0};
    struct gm_leak_result r;
    cr_assert_eq(gm_leak_diff(&S, dumps, 2, &o, &r), 0);
    cr_assert_eq(r.leaks_nr, 0u);
    for (uint32_t i = 0; i < r.rows_nr; i++) {
        cr_assert_not(r.rows[i].leak, "row %u (%s) is a leak", i, user_func(&r.rows[i]));
    }
    gm_leak_release(&r);
}

Test(leak, ignore_top_function)
{
    load_diff_fixtures();
    static const char *const top[] = {"main.(*Poller).watch"};
    struct gm_leak_opts o = {0};
    o.ignore_top = top;
    o.ignore_top_nr = 1;
    struct gm_leak_result r;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    cr_assert_eq(r.leaks_nr, 0u);
    int seen = 0;
    for (uint32_t i = 0; i < r.rows_nr; i++) {
        cr_assert_not(r.rows[i].leak);
        if (strcmp(user_func(&r.rows[i]), "main.(*Poller).watch") == 0) {
            cr_assert(r.rows[i].ignored);
            seen = 1;
        }
    }
    cr_assert(seen, "the ignored row is still reported, marked ignored");
    gm_leak_release(&r);
}

Test(leak, ignore_any_and_created_by)
{
    load_diff_fixtures();
    static const char *const any[] = {"main.(*Poller).watch"};
    static const char *const cb[] = {"main.(*Poller).tick"};
    struct gm_leak_result r;
    struct gm_leak_opts o = {0};
    o.ignore_any = any;
    o.ignore_any_nr = 1;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    cr_assert_eq(r.leaks_nr, 0u);
    gm_leak_release(&r);
    memset(&o, 0, sizeof(o));
    o.ignore_created_by = cb;
    o.ignore_created_by_nr = 1;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    cr_assert_eq(r.leaks_nr, 0u);
    gm_leak_release(&r);
    /* a rule that matches nothing changes nothing */
    static const char *const other[] = {"main.nothing"};
    memset(&o, 0, sizeof(o));
    o.ignore_top = other;
    o.ignore_top_nr = 1;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    cr_assert_eq(r.leaks_nr, 1u);
    gm_leak_release(&r);
}

Test(leak, min_growth)
{
    load_diff_fixtures();
    struct gm_leak_opts o = {0};
    struct gm_leak_result r;
    o.min_growth = 20;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    cr_assert_eq(r.leaks_nr, 1u, "grew by exactly 20");
    gm_leak_release(&r);
    o.min_growth = 21;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    cr_assert_eq(r.leaks_nr, 0u);
    gm_leak_release(&r);
}

Test(leak, fewer_than_two_snapshots_is_einval)
{
    load("testdata/goroutine/y_diff_1.txt");
    struct gm_leak_opts o = {0};
    struct gm_leak_result r;
    cr_assert_eq(gm_leak_diff(&S, dumps, 1, &o, &r), GM_EINVAL);
    cr_assert_eq(gm_leak_diff(&S, dumps, 0, &o, &r), GM_EINVAL);
}

/* ------------------------------------------------------------ models built in code */

/* A snapshot: `leaky` goroutines with ids 100.. on main.leak, `pool` goroutines on main.pool
 * (ids 10..), `busy` runnable goroutines (ids 500..). */
static char *snapshot(unsigned leaky, unsigned pool, unsigned busy, unsigned first_leak_id)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1\n\n");
    for (unsigned i = 0; i < pool; i++) {
        fprintf(f,
                "goroutine %u [chan receive]:\nmain.pool()\n\t/x/main.go:30 +0x1\n"
                "created by main.main in goroutine 1\n\t/x/main.go:6 +0x1\n\n",
                10 + i);
    }
    for (unsigned i = 0; i < leaky; i++) {
        fprintf(f,
                "goroutine %u [chan send]:\nmain.leak(0xc%09x)\n\t/x/main.go:40 +0x1\n"
                "created by main.handle in goroutine 1\n\t/x/main.go:7 +0x1\n\n",
                first_leak_id + i, 0x100000 + i * 0x100);
    }
    for (unsigned i = 0; i < busy; i++) {
        fprintf(f,
                "goroutine %u [runnable]:\nmain.spin()\n\t/x/main.go:50 +0x1\n"
                "created by main.main in goroutine 1\n\t/x/main.go:8 +0x1\n\n",
                500 + i);
    }
    fclose(f);
    return buf;
}

static const struct gm_leak_row *row_of(const struct gm_leak_result *r, const char *func)
{
    for (uint32_t i = 0; i < r->rows_nr; i++) {
        if (strcmp(user_func(&r->rows[i]), func) == 0) {
            return &r->rows[i];
        }
    }
    return NULL;
}

Test(leak, model_untimed_growth_per_snapshot)
{
    char *t;
    t = snapshot(2, 4, 1, 100);
    add(t);
    free(t);
    t = snapshot(4, 3, 5, 100);
    add(t);
    free(t);
    t = snapshot(6, 4, 2, 100);
    add(t);
    free(t);
    struct gm_leak_opts o = {0};
    struct gm_leak_result r;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    cr_assert_eq(r.timed, 0);
    cr_assert_eq(r.leaks_nr, 1u);
    const struct gm_leak_row *leak = row_of(&r, "main.leak");
    cr_assert_not_null(leak);
    cr_assert(leak->leak);
    cr_assert_float_eq(leak->growth, 2.0, 1e-9, "growth %f per snapshot", leak->growth);
    cr_assert_eq(leak->persistent, 2u, "ids 100 and 101 are in every snapshot");
    cr_assert_float_eq(leak->score,
                       0.3 + 0.2 * 4.0 / 6.0 + 0.3 * 2.0 / 6.0 + 0.2 * log10(1 + 4.0) / 3, 1e-9);
    /* the pool shrank once: not a leak */
    const struct gm_leak_row *pool = row_of(&r, "main.pool");
    cr_assert_not_null(pool);
    cr_assert_not(pool->leak);
    /* runnable goroutines grew but are not a blocking pattern */
    const struct gm_leak_row *busy = row_of(&r, "main.spin");
    cr_assert_not_null(busy);
    cr_assert_not(busy->leak);
    cr_assert_eq(busy->persistent, 0u, "running goroutines are never persistent");
    gm_leak_release(&r);
}

Test(leak, model_interval_gives_growth_per_minute)
{
    char *t;
    for (unsigned s = 0; s < 3; s++) {
        t = snapshot(1 + s, 0, 0, 100);
        add(t);
        free(t);
    }
    struct gm_leak_opts o = {0};
    o.interval_s = 30;
    struct gm_leak_result r;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    cr_assert_eq(r.timed, 1);
    cr_assert_eq(r.times[0], 0);
    cr_assert_eq(r.times[1], 30);
    cr_assert_eq(r.times[2], 60);
    const struct gm_leak_row *leak = row_of(&r, "main.leak");
    cr_assert_not_null(leak);
    cr_assert_float_eq(leak->growth, 2.0, 1e-9, "1 per 30 s = 2 per minute, got %f", leak->growth);
    gm_leak_release(&r);
}

Test(leak, model_new_bucket)
{
    char *t;
    t = snapshot(0, 2, 0, 100);
    add(t);
    free(t);
    t = snapshot(3, 2, 0, 100);
    add(t);
    free(t);
    struct gm_leak_opts o = {0};
    struct gm_leak_result r;
    cr_assert_eq(gm_leak_diff(&S, dumps, 2, &o, &r), 0);
    const struct gm_leak_row *leak = row_of(&r, "main.leak");
    cr_assert_not_null(leak);
    cr_assert(leak->is_new);
    /* it appeared between two snapshots, none of its goroutines seen twice: no evidence of a
     * leak yet, listed below the gate */
    cr_assert_not(leak->leak);
    cr_assert(leak->possible);
    cr_assert_eq(r.leaks_nr, 0u);
    cr_assert_eq(leak->counts[0], 0u);
    cr_assert_eq(leak->counts[1], 3u);
    cr_assert_eq(leak->persistent, 0u);
    const struct gm_leak_row *pool = row_of(&r, "main.pool");
    cr_assert_not(pool->is_new);
    cr_assert_not(pool->leak, "a stable pool is no leak");
    cr_assert_not(pool->possible);
    cr_assert_eq(pool->persistent, 2u);
    gm_leak_release(&r);
}

Test(leak, model_new_bucket_growing_in_two_steps_is_a_leak)
{
    char *t;
    for (unsigned n = 0; n <= 6; n += 3) { /* 0 -> 3 -> 6, new goroutines each time */
        t = snapshot(n, 2, 0, 100 + 10 * n);
        add(t);
        free(t);
    }
    struct gm_leak_opts o = {0};
    struct gm_leak_result r;
    cr_assert_eq(gm_leak_diff(&S, dumps, 3, &o, &r), 0);
    const struct gm_leak_row *leak = row_of(&r, "main.leak");
    cr_assert_not_null(leak);
    cr_assert(leak->leak, "growth sustained over three snapshots is evidence");
    cr_assert_not(leak->possible);
    gm_leak_release(&r);
}

Test(leak, model_goroutine_that_moved_is_not_persistent)
{
    /* goroutine 100 is blocked in main.leak in snapshot 1 and somewhere else in snapshot 2 */
    add("goroutine 100 [chan send]:\nmain.leak(0x1)\n\t/x/main.go:40 +0x1\n");
    add("goroutine 100 [chan send]:\nmain.other(0x1)\n\t/x/main.go:41 +0x1\n\n"
        "goroutine 101 [chan send]:\nmain.leak(0x1)\n\t/x/main.go:40 +0x1\n\n"
        "goroutine 102 [chan send]:\nmain.leak(0x1)\n\t/x/main.go:40 +0x1\n");
    struct gm_leak_opts o = {0};
    struct gm_leak_result r;
    cr_assert_eq(gm_leak_diff(&S, dumps, 2, &o, &r), 0);
    const struct gm_leak_row *leak = row_of(&r, "main.leak");
    cr_assert_not_null(leak);
    cr_assert_eq(leak->persistent, 0u);
    cr_assert_eq(leak->counts[0], 1u);
    cr_assert_eq(leak->counts[1], 2u);
    gm_leak_release(&r);
}

Test(leak, ignored_helper)
{
    add("goroutine 5 [chan receive]:\n"
        "runtime.gopark(0x0?)\n\t/go/src/runtime/proc.go:363 +0xd6\n"
        "runtime.chanrecv1(0xc000010000, 0x0)\n\t/go/src/runtime/chan.go:442 +0x18\n"
        "main.inner()\n\t/x/main.go:10 +0x1\n"
        "main.outer()\n\t/x/main.go:20 +0x1\n"
        "created by main.start in goroutine 1\n\t/x/main.go:30 +0x1\n");
    uint32_t st = gm_gdump_g(&S, 0)->stack_id;
    struct gm_leak_opts o = {0};
    cr_assert_not(gm_leak_ignored(&S, st, &o));
    static const char *const inner[] = {"main.inner"};
    static const char *const outer[] = {"main.outer"};
    static const char *const start[] = {"main.start"};
    o.ignore_top = inner;
    o.ignore_top_nr = 1;
    cr_assert(gm_leak_ignored(&S, st, &o), "top = first non-runtime frame");
    o.ignore_top = outer;
    cr_assert_not(gm_leak_ignored(&S, st, &o), "outer is not the top function");
    memset(&o, 0, sizeof(o));
    o.ignore_any = outer;
    o.ignore_any_nr = 1;
    cr_assert(gm_leak_ignored(&S, st, &o));
    memset(&o, 0, sizeof(o));
    o.ignore_created_by = start;
    o.ignore_created_by_nr = 1;
    cr_assert(gm_leak_ignored(&S, st, &o));
    o.ignore_created_by = inner;
    cr_assert_not(gm_leak_ignored(&S, st, &o));
}
