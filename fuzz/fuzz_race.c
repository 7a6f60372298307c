/*
 * fuzz_race - gm_race_analyze() (race report parsing and grouping), the baseline matcher and
 * both race renderers.
 *
 * Invariants: the parse never fails on content; group counts add up to the reports; every
 * group id is 16 hex digits; the JSON rendering is well formed and, used as a baseline,
 * marks every group as known.
 */
#include "gm/render_race.h"
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = fuzz_guard_copy(data, size);
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_strtab = 16u << 20;
    struct gm_race_result r;
    int rc = gm_race_analyze(p, size, &lim, &r);
    FUZZ_CHECK(rc == 0 || rc == GM_ENOMEM || rc == GM_ETOOBIG, "gm_race_analyze returned %d", rc);
    if (rc < 0) {
        return 0;
    }
    uint64_t sum = 0;
    for (uint32_t i = 0; i < r.groups_nr; i++) {
        sum += r.groups[i].count;
        FUZZ_CHECK(strlen(r.groups[i].id) == 16, "id '%s'", r.groups[i].id);
    }
    FUZZ_CHECK(sum == r.stats.reports, "groups count %llu of %llu reports", (unsigned long long)sum,
               (unsigned long long)r.stats.reports);
    struct gm_paths paths;
    memset(&paths, 0, sizeof(paths));
    gm_paths_learn(&paths, &r.stacks);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    FUZZ_CHECK(f != NULL, "open_memstream");
    struct gm_out o;
    gm_out_init(&o, f, 0);
    gm_render_race_json(&o, "fuzz", &r, &paths);
    FUZZ_CHECK(gm_out_error(&o) == 0, "write error");
    fclose(f);
    fuzz_json_require("rendered", buf, len);
    FUZZ_CHECK(gm_race_baseline(&r, buf, len) == 0, "own report is not a full baseline");
    free(buf);
    f = fopen("/dev/null", "w");
    FUZZ_CHECK(f != NULL, "/dev/null");
    gm_out_init(&o, f, 1);
    gm_render_race_table(&o, "fuzz", &r, &paths, 4, 1);
    fclose(f);
    gm_race_result_release(&r);
    return 0;
}
