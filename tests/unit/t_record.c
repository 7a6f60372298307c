/* Unit tests of gm/record.h: every analysis turned into the same records, the --fail-on words
 * and the exit status, and the catalogue against docs/findings.md. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm/artifact.h"
#include "gm/record.h"

static const struct gm_record *find(const struct gm_records *r, const char *id)
{
    for (uint32_t i = 0; i < r->nr; i++) {
        if (r->v[i].kind && strcmp(r->v[i].kind->id, id) == 0) {
            return &r->v[i];
        }
    }
    return NULL;
}

Test(record, goroutines)
{
    struct gm_gdump_set set;
    struct gm_diag d;
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_EXACT), 0);
    cr_assert_eq(gm_load_dumps(&set, "testdata/goroutine/y_lock-order-deadlock.txt", &d), 1);
    struct gm_source src;
    gm_source_init(&src);
    src.disabled = 1;
    struct gm_findings f;
    cr_assert_eq(gm_findings_goroutines(&set, 0, &src, &f), 0);
    struct gm_records r;
    gm_records_init(&r);
    cr_assert_eq(gm_records_from_goroutines(&set, &f, &r), 0);
    cr_assert_eq(r.nr, f.nr);
    const struct gm_record *x = find(&r, "lock-order-deadlock");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, GM_SEV_CRITICAL);
    cr_assert_eq(x->count, 2u);
    cr_assert_str_eq(x->function, "main.(*Bank).Transfer");
    cr_assert_eq(x->line, 28u);
    cr_assert_neq(strstr(x->file, "lock-order-deadlock/main.go"), NULL, "%s", x->file);
    cr_assert_neq(strstr(x->evidence, "waits for"), NULL, "%s", x->evidence);
    cr_assert_eq(gm_records_worst(&r), GM_SEV_CRITICAL);
    cr_assert_eq(gm_records_below(&r, GM_SEV_LOW), 1u, "the info runnable-backlog");
    gm_records_release(&r);
    gm_findings_release(&f);
    gm_source_release(&src);
    gm_gdump_set_release(&set);
}

Test(record, gc_and_race)
{
    struct gm_artifact a;
    struct gm_diag d;
    struct gm_records r;
    gm_records_init(&r);
    cr_assert_eq(gm_artifact_open(&a, "testdata/gctrace/y_live-heap-rising.log", NULL, &d), 0);
    struct gm_gc_report g;
    cr_assert_eq(gm_gc_analyze(a.in.p, a.in.len, 0, &g), 0);
    cr_assert_eq(gm_records_from_gc(&g, &r), 0);
    cr_assert_eq(r.nr, g.findings_nr);
    const struct gm_record *x = find(&r, "live-heap-rising");
    cr_assert_not_null(x);
    cr_assert_geq(x->severity, GM_SEV_HIGH);
    cr_assert_gt(x->line, 0u, "the first line of the evidence");
    gm_gc_report_release(&g);
    gm_artifact_close(&a);

    gm_records_release(&r);
    cr_assert_eq(gm_artifact_open(&a, "testdata/race/y_races.log", NULL, &d), 0);
    struct gm_race_result rr;
    cr_assert_eq(gm_race_analyze(a.in.p, a.in.len, &a.lim, &rr), 0);
    cr_assert_eq(gm_records_from_race(&rr, &r), 0);
    cr_assert_eq(r.nr, rr.groups_nr);
    cr_assert_eq(r.nr, 7u, "7 distinct races in y_races.log");
    for (uint32_t i = 0; i < r.nr; i++) {
        cr_assert_str_eq(r.v[i].kind->id, "data-race");
        cr_assert_eq(r.v[i].severity, GM_SEV_HIGH);
        cr_assert_gt(r.v[i].count, 0u);
    }
    gm_race_result_release(&rr);
    gm_artifact_close(&a);
    gm_records_release(&r);
}

Test(record, diff_and_heap)
{
    struct gm_gdump_set set;
    struct gm_diag d;
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_AGGRESSIVE), 0);
    uint32_t dumps[3];
    for (int i = 0; i < 3; i++) {
        char path[64];
        snprintf(path, sizeof(path), "testdata/goroutine/y_diff_%d.txt", i + 1);
        cr_assert_eq(gm_load_dumps(&set, path, &d), 1);
        dumps[i] = (uint32_t)i;
    }
    struct gm_leak_opts lo;
    memset(&lo, 0, sizeof(lo));
    struct gm_leak_result lr;
    cr_assert_eq(gm_leak_diff(&set, dumps, 3, &lo, &lr), 0);
    struct gm_records r;
    gm_records_init(&r);
    cr_assert_eq(gm_records_from_leak(&set, &lr, &r), 0);
    cr_assert_eq(r.nr, lr.leaks_nr);
    cr_assert_geq(r.nr, 1u);
    cr_assert_str_eq(r.v[0].function, "main.(*Poller).watch");
    cr_assert_eq(r.v[0].count, 30u, "the last snapshot's count");
    gm_leak_release(&lr);
    gm_gdump_set_release(&set);
    gm_records_release(&r);

    static const char *const files[] = {"testdata/pprof/heap_series/unbounded-cache/00.pb.gz",
                                        "testdata/pprof/heap_series/unbounded-cache/05.pb.gz",
                                        "testdata/pprof/heap_series/unbounded-cache/10.pb.gz",
                                        "testdata/pprof/heap_series/unbounded-cache/15.pb.gz"};
    struct gm_profile p[4];
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(gm_load_profile(&p[i], files[i], NULL, &d), 0, "%s", d.msg);
    }
    struct gm_heap_result h;
    cr_assert_eq(gm_heap_analyze(p, 4, &h), 0);
    cr_assert_eq(gm_records_from_heap(&h, &r), 0);
    cr_assert_geq(r.nr, 1u);
    cr_assert_str_eq(r.v[0].kind->id, "heap-growth");
    cr_assert_geq(r.v[0].severity, GM_SEV_LOW);
    gm_heap_release(&h);
    for (int i = 0; i < 4; i++) {
        gm_profile_release(&p[i]);
    }
    gm_records_release(&r);
}

Test(record, fail_policy)
{
    struct gm_fail_policy p;
    cr_assert_eq(gm_fail_parse(NULL, GM_FAIL_SEVERITY, &p), 0);
    cr_assert_eq(p.min_severity, -1);
    cr_assert_eq(gm_fail_parse("high", GM_FAIL_SEVERITY, &p), 0);
    cr_assert_eq(p.min_severity, GM_SEV_HIGH);
    cr_assert_eq(gm_fail_parse("leak", GM_FAIL_SEVERITY, &p), -1, "not a word gc takes");
    cr_assert_eq(gm_fail_parse("high", GM_FAIL_LEAK, &p), -1, "not a word diff takes");
    cr_assert_eq(gm_fail_parse("leak", GM_FAIL_LEAK, &p), 0);
    cr_assert_eq(p.min_severity, GM_SEV_INFO);
    cr_assert_eq(gm_fail_parse("new", GM_FAIL_ANY | GM_FAIL_NEW, &p), 0);
    cr_assert(p.only_new);

    struct gm_records r;
    gm_records_init(&r);
    cr_assert_eq(gm_fail_exit(&p, &r), 0, "no records: pass");
    struct gm_record *x = gm_records_add(&r, gm_finding_kind("data-race"), GM_SEV_HIGH);
    cr_assert_not_null(x);
    cr_assert_eq(gm_fail_exit(&p, &r), 0, "a known race does not fail --fail-on new");
    x->is_new = 1;
    cr_assert_eq(gm_fail_exit(&p, &r), 1);
    cr_assert_eq(gm_fail_parse("critical", GM_FAIL_SEVERITY, &p), 0);
    cr_assert_eq(gm_fail_exit(&p, &r), 0, "high is below critical");
    cr_assert_eq(gm_fail_parse("medium", GM_FAIL_SEVERITY, &p), 0);
    cr_assert_eq(gm_fail_exit(&p, &r), 1);
    gm_records_release(&r);
}

/* docs/findings.md has a "### id" section for every catalogue id, and no other. */
Test(record, catalogue_matches_docs)
{
    FILE *f = fopen("docs/findings.md", "r");
    cr_assert_not_null(f);
    char line[512];
    size_t nr, seen = 0;
    const struct gm_finding_kind *k = gm_finding_kinds(&nr);
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "### ", 4) != 0) {
            continue;
        }
        line[strcspn(line, "\n")] = '\0';
        const char *id = line + 4;
        if (strchr(id, ' ')) {
            continue; /* a heading that is not an id ("### Healthy GC logs") */
        }
        cr_assert_not_null(gm_finding_kind(id), "docs/findings.md documents '%s', no such id", id);
        seen++;
    }
    fclose(f);
    cr_assert_eq(seen, nr, "%zu ids documented, %zu in the catalogue (first: %s)", seen, nr,
                 k[0].id);
}
