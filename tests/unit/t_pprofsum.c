/* gm_pprof_sum (the watch's per-interval heap total) equals the full model's total on real
 * profiles, and says so when the sample type is missing or the bytes are not a profile. */
#include <criterion/criterion.h>
#include <string.h>

#include "gm/artifact.h"
#include "gm/input.h"
#include "gm/pprof.h"
#include "gm/pview.h"

static void same_total(const char *path, const char *type)
{
    struct gm_profile prof;
    struct gm_diag d = {0};
    cr_assert_eq(gm_load_profile(&prof, path, NULL, &d), 0, "%s: %s", path, d.msg);
    int idx = gm_profile_type_index(&prof, type);
    cr_assert_geq(idx, 0);
    int64_t want = gm_profile_total(&prof, (uint32_t)idx), got = -1;
    gm_profile_release(&prof);
    struct gm_input in;
    struct gm_limits lim;
    gm_limits_default(&lim);
    cr_assert_eq(gm_input_open(&in, path, &lim, &d), 0);
    cr_assert_eq(gm_pprof_sum(in.p, in.len, type, &got, &d), 0, "%s", d.msg);
    gm_input_close(&in);
    cr_assert_eq(got, want, "%s %s: sum %lld, model %lld", path, type, (long long)got,
                 (long long)want);
}

Test(pprofsum, equals_the_model_total)
{
    same_total("testdata/pprof/y_heap.pb.gz", "inuse_space");
    same_total("testdata/pprof/y_heap.pb.gz", "alloc_objects");
    same_total("testdata/pprof/y_heap_raw.pb", "inuse_space");
    same_total("testdata/pprof/y_goroutine.pb.gz", "goroutine");
    same_total("testdata/pprof/y_cpu.pb.gz", "cpu");
    same_total("testdata/pprof/heap_series/step/05.pb.gz", "inuse_space");
}

Test(pprofsum, missing_type_and_garbage)
{
    struct gm_input in;
    struct gm_limits lim;
    struct gm_diag d = {0};
    int64_t t = 0;
    gm_limits_default(&lim);
    cr_assert_eq(gm_input_open(&in, "testdata/pprof/y_cpu.pb.gz", &lim, &d), 0);
    cr_assert_eq(gm_pprof_sum(in.p, in.len, "inuse_space", &t, &d), GM_EFORMAT);
    cr_assert(strstr(d.msg, "inuse_space"), "%s", d.msg);
    gm_input_close(&in);
    const char junk[] = "<html>not a profile</html>";
    memset(&d, 0, sizeof(d));
    cr_assert_lt(gm_pprof_sum(junk, sizeof(junk) - 1, "inuse_space", &t, &d), 0);
}
