/*
 * fuzz_diff - gm_leak_diff() and gm_render_diff_json() over snapshots parsed into one set.
 *
 * The input is snapshots joined by the separator line "=====" ("\n=====\n"): it is split at
 * the first separator into two dumps (no separator: the whole input is used as both). Each
 * part is copied before a PROT_NONE page and parsed into the same set (the buffer is reused,
 * so anything the set kept pointing into the first input would read the second). When both
 * parse, the last dump of each part is a snapshot; the leak result is checked, and rendered
 * as JSON (must be well-formed) and as a table.
 */
#include "gm/leak.h"
#include "gm/render_diff.h"
#include "harness.h"

#define SEP     "\n=====\n"
#define SEP_LEN 7

static const uint8_t *find_sep(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + SEP_LEN <= n; i++) {
        if (p[i] == '\n' && memcmp(p + i, SEP, SEP_LEN) == 0) {
            return p + i;
        }
    }
    return NULL;
}

static void check_result(const struct gm_gdump_set *set, const uint32_t *dumps, uint32_t n,
                         const struct gm_leak_result *r)
{
    FUZZ_CHECK(r->snaps_nr == n, "snaps_nr %u != %u", r->snaps_nr, n);
    FUZZ_CHECK(r->leaks_nr <= r->rows_nr, "leaks %u > rows %u", r->leaks_nr, r->rows_nr);
    for (uint32_t s = 0; s < n; s++) {
        FUZZ_CHECK(r->dumps[s] == dumps[s], "dumps[%u] %u != %u", s, r->dumps[s], dumps[s]);
        uint64_t sum = 0;
        for (uint32_t i = 0; i < r->rows_nr; i++) {
            sum += r->rows[i].counts[s];
        }
        FUZZ_CHECK(sum == set->dumps[dumps[s]].goroutines,
                   "snapshot %u: row counts %llu != goroutines %llu", s, (unsigned long long)sum,
                   (unsigned long long)set->dumps[dumps[s]].goroutines);
    }
    for (uint32_t i = 0; i < r->rows_nr; i++) {
        const struct gm_leak_row *row = &r->rows[i];
        FUZZ_CHECK(row->leak == (i < r->leaks_nr), "row %u: leak %d but leaks_nr %u", i, row->leak,
                   r->leaks_nr);
        FUZZ_CHECK(row->stack_id < set->stacks.stacks_nr, "row %u: stack_id %u", i, row->stack_id);
        FUZZ_CHECK(row->score >= 0.0 && row->score <= 1.0, "row %u: score %g outside [0, 1]", i,
                   row->score);
        FUZZ_CHECK(row->growth == row->growth && row->growth - row->growth == 0.0,
                   "row %u: growth %g is not finite", i, row->growth);
        FUZZ_CHECK(row->persistent_ids_nr <= GM_ARRAY_NR(row->persistent_ids),
                   "row %u: persistent_ids_nr %u", i, row->persistent_ids_nr);
        FUZZ_CHECK((unsigned)row->severity <= GM_SEV_CRITICAL, "row %u: severity %d", i,
                   (int)row->severity);
        for (uint32_t s = 0; s < n; s++) {
            FUZZ_CHECK(row->persistent <= row->counts[s],
                       "row %u: %llu persistent > %llu goroutines in snapshot %u", i,
                       (unsigned long long)row->persistent, (unsigned long long)row->counts[s], s);
        }
        if (row->leak) {
            FUZZ_CHECK(!row->ignored && row->kind != NULL, "row %u: ignored/unclassified leak", i);
            FUZZ_CHECK(row->counts[n - 1] > row->counts[0], "row %u: leak that did not grow", i);
        }
    }
}

static int parse_part(struct gm_gdump_set *set, const uint8_t *data, size_t size)
{
    const char *p = fuzz_guard_copy(data, size);
    struct gm_diag diag;
    memset(&diag, 0, sizeof(diag));
    int n = gm_gdump_parse(set, p, size, &diag);
    if (n < 0) {
        FUZZ_CHECK(diag.code == n, "diag.code %d != returned %d", diag.code, n);
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = find_sep(data, size);
    const uint8_t *a = data, *b = data;
    size_t alen = size, blen = size;
    if (sep) {
        alen = (size_t)(sep - data) + 1; /* keep the newline that ends the last line */
        b = sep + SEP_LEN;
        blen = size - alen - (SEP_LEN - 1);
    }

    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = 1u << 20;
    lim.max_frames = 64;
    lim.max_strtab = 16u << 20;
    lim.max_line = 4096;
    struct gm_gdump_set set;
    FUZZ_CHECK(gm_gdump_set_init(&set, &lim, size & 1 ? GM_SIM_AGGRESSIVE : GM_SIM_POINTER) == 0,
               "set_init failed");
    uint32_t dumps[2];
    int na = parse_part(&set, a, alen);
    if (na < 0) {
        gm_gdump_set_release(&set);
        return 0;
    }
    dumps[0] = set.dumps_nr - 1;
    int nb = parse_part(&set, b, blen);
    if (nb < 0) {
        gm_gdump_set_release(&set);
        return 0;
    }
    FUZZ_CHECK(set.dumps_nr == (uint32_t)na + (uint32_t)nb, "dumps_nr %u != %d + %d", set.dumps_nr,
               na, nb);
    dumps[1] = set.dumps_nr - 1;

    /* Options derived from the input size so both timed and untimed growth are reached. */
    static const char *const ignore_top[] = {"main.main", "main.worker"};
    static const char *const ignore_any[] = {"net/http.(*conn).serve"};
    static const char *const ignore_created[] = {"main.main"};
    struct gm_leak_opts lo;
    memset(&lo, 0, sizeof(lo));
    if (size & 2) {
        lo.interval_s = 30;
    }
    if (size & 4) {
        lo.ignore_top = ignore_top;
        lo.ignore_top_nr = GM_ARRAY_NR(ignore_top);
        lo.ignore_any = ignore_any;
        lo.ignore_any_nr = GM_ARRAY_NR(ignore_any);
        lo.ignore_created_by = ignore_created;
        lo.ignore_created_by_nr = GM_ARRAY_NR(ignore_created);
    }
    lo.min_growth = (size & 8) ? 2 : 0;

    struct gm_leak_result res;
    FUZZ_CHECK(gm_leak_diff(&set, dumps, 2, &lo, &res) == 0, "leak_diff failed");
    check_result(&set, dumps, 2, &res);

    struct gm_paths paths;
    memset(&paths, 0, sizeof(paths));
    paths.mode = (size & 16) ? GM_PATH_FULL : GM_PATH_SHORT;
    gm_paths_learn(&paths, &set.stacks);
    static const char *const files[] = {"old.txt", "new\"\\\x01.txt"};
    struct gm_diff_report rep = {
        .files = files,
        .set = &set,
        .res = &res,
        .paths = &paths,
        .show_all = (size & 32) != 0,
    };
    struct fuzz_sink k;
    struct gm_out o;
    fuzz_sink_open(&k);
    gm_out_init(&o, k.f, 0);
    gm_render_diff_json(&o, &rep);
    FUZZ_CHECK(gm_out_error(&o) == 0, "diff json: write error");
    fuzz_sink_close(&k);
    fuzz_json_require("diff", k.buf, k.len);
    free(k.buf);

    fuzz_sink_open(&k);
    gm_out_init(&o, k.f, 1);
    gm_render_diff_table(&o, &rep);
    FUZZ_CHECK(gm_out_error(&o) == 0, "diff table: write error");
    fuzz_sink_close(&k);
    free(k.buf);

    gm_leak_release(&res);
    gm_gdump_set_release(&set);
    return 0;
}
