/*
 * fuzz_gdump - gm_gdump_parse() and everything downstream of it on one dump file.
 *
 * The input is a goroutine dump (any text). It is copied to the end of a buffer followed by a
 * PROT_NONE page, parsed with small limits, and on success every dump is checked, bucketed
 * (both groupings), classified and rendered (JSON + table); the JSON must be well-formed.
 * gm_gdump_log_time() is run on the first line (also guard-paged), gm_gdump_peek() (the watch's
 * debug=1 reader) on the whole input: every function it names lies inside the input.
 */
#include "gm/bucket.h"
#include "gm/findings.h"
#include "gm/gdump.h"
#include "gm/render_goroutines.h"
#include "harness.h"

#define DIAG_SENTINEL 0x5a5a

static void check_set(const struct gm_gdump_set *set, int n)
{
    FUZZ_CHECK(n >= 1, "parse returned %d", n);
    FUZZ_CHECK((uint32_t)n == set->dumps_nr, "returned %d dumps, set has %u", n, set->dumps_nr);
    const struct gm_stacks *s = &set->stacks;
    for (uint32_t d = 0; d < set->dumps_nr; d++) {
        const struct gm_dump *dp = &set->dumps[d];
        FUZZ_CHECK(dp->kind == GM_DUMP_FULL || dp->kind == GM_DUMP_AGGREGATED, "dump %u kind %d", d,
                   (int)dp->kind);
        FUZZ_CHECK(dp->first <= set->g_nr && dp->nr <= set->g_nr - dp->first,
                   "dump %u: records [%u, +%u) beyond g_nr %u", d, dp->first, dp->nr, set->g_nr);
        FUZZ_CHECK(dp->line_first <= dp->line_last || dp->nr == 0,
                   "dump %u: line_first %llu > line_last %llu", d,
                   (unsigned long long)dp->line_first, (unsigned long long)dp->line_last);
        uint64_t sum = 0;
        for (uint32_t i = dp->first; i < dp->first + dp->nr; i++) {
            const struct gm_goroutine *g = gm_gdump_g(set, i);
            sum += gm_g_weight(g);
            FUZZ_CHECK(g->stack_id < s->stacks_nr, "g %u: stack_id %u >= %u", i, g->stack_id,
                       s->stacks_nr);
            FUZZ_CHECK(g->state_id < s->strs.len, "g %u: state_id %u out of the strtab", i,
                       g->state_id);
            FUZZ_CHECK(gm_g_labels(g) < s->strs.len, "g %u: labels_id %u out of the strtab", i,
                       gm_g_labels(g));
            const struct gm_stack *st = gm_stacks_get(s, g->stack_id);
            FUZZ_CHECK(st->nr <= set->limits.max_frames, "g %u: %u frames > max_frames %u", i,
                       st->nr, set->limits.max_frames);
            FUZZ_CHECK(st->user <= st->nr, "stack %u: user %u > nr %u", g->stack_id, st->user,
                       st->nr);
            FUZZ_CHECK(st->off <= s->pool_nr && st->nr <= s->pool_nr - st->off,
                       "stack %u beyond the pool", g->stack_id);
            /* (no gm_stack_frames() on an empty stack: the pool may still be NULL) */
            const uint32_t *ids = st->nr ? gm_stack_frames(s, st) : NULL;
            for (uint32_t k = 0; k < st->nr; k++) {
                FUZZ_CHECK(ids[k] < s->frames_nr, "stack %u frame %u: id %u >= %u", g->stack_id, k,
                           ids[k], s->frames_nr);
            }
            FUZZ_CHECK(st->created_by == GM_NO_FRAME || st->created_by < s->frames_nr,
                       "stack %u: created_by %u", g->stack_id, st->created_by);
            (void)gm_gdump_state(set, g);
        }
        FUZZ_CHECK(sum == dp->goroutines, "dump %u: sum of weights %llu != goroutines %llu", d,
                   (unsigned long long)sum, (unsigned long long)dp->goroutines);
    }
}

static void check_buckets(const struct gm_gdump_set *set, uint32_t d, const struct gm_buckets *b,
                          unsigned flags)
{
    const struct gm_dump *dp = &set->dumps[d];
    uint64_t count = 0, records = 0;
    for (uint32_t i = 0; i < b->nr; i++) {
        const struct gm_bucket *k = &b->v[i];
        FUZZ_CHECK(k->records >= 1, "bucket %u: no records", i);
        FUZZ_CHECK(k->ids_nr <= GM_BUCKET_IDS, "bucket %u: ids_nr %u", i, k->ids_nr);
        FUZZ_CHECK(k->first_g >= dp->first && k->first_g < dp->first + dp->nr,
                   "bucket %u: first_g %u outside dump %u", i, k->first_g, d);
        FUZZ_CHECK(k->stack_id < set->stacks.stacks_nr, "bucket %u: stack_id %u", i, k->stack_id);
        FUZZ_CHECK(k->min_minutes <= k->max_minutes, "bucket %u: minutes %u > %u", i,
                   k->min_minutes, k->max_minutes);
        if (i) {
            FUZZ_CHECK(b->v[i - 1].count >= k->count, "flags %u: buckets not sorted at %u", flags,
                       i);
        }
        count += k->count;
        records += k->records;
    }
    FUZZ_CHECK(count == dp->goroutines, "flags %u: bucket counts %llu != goroutines %llu", flags,
               (unsigned long long)count, (unsigned long long)dp->goroutines);
    FUZZ_CHECK(records == dp->nr, "flags %u: bucket records %llu != dump records %u", flags,
               (unsigned long long)records, dp->nr);
}

static void check_findings(const struct gm_gdump_set *set, uint32_t d, const struct gm_findings *f)
{
    uint64_t sum = f->runtime_goroutines;
    for (uint32_t i = 0; i < f->nr; i++) {
        const struct gm_finding *x = &f->v[i];
        FUZZ_CHECK(x->kind != NULL, "finding %u without a kind", i);
        FUZZ_CHECK((unsigned)x->severity <= GM_SEV_CRITICAL, "finding %u: severity %d", i,
                   (int)x->severity);
        FUZZ_CHECK(x->ids_nr <= GM_BUCKET_IDS, "finding %u: ids_nr %u", i, x->ids_nr);
        FUZZ_CHECK(memchr(x->why, '\0', sizeof(x->why)) != NULL, "finding %u: why unterminated", i);
        FUZZ_CHECK(x->user_frame == GM_NO_FRAME || x->user_frame < set->stacks.frames_nr,
                   "finding %u: user_frame %u", i, x->user_frame);
        if (i && !f->v[i - 1].crash) {
            FUZZ_CHECK(f->v[i - 1].severity >= x->severity, "findings not sorted by severity");
        }
        FUZZ_CHECK(!x->crash || (i == 0 && f->crash.kind != GM_CRASH_NONE),
                   "finding %u: a crash not first, or without the crash", i);
        /* the crash sums up goroutines the other findings count (not a partition) */
        sum += x->crash ? 0 : x->count;
    }
    FUZZ_CHECK(sum <= set->dumps[d].goroutines,
               "findings + runtime goroutines %llu > goroutines %llu", (unsigned long long)sum,
               (unsigned long long)set->dumps[d].goroutines);
}

static void analyse_dump(const struct gm_gdump_set *set, uint32_t d, const struct gm_paths *paths)
{
    struct gm_buckets ign, full;
    FUZZ_CHECK(gm_bucket_dump(set, d, GM_BUCKET_IGNORE_ARGS, &ign) == 0, "bucket_dump failed");
    check_buckets(set, d, &ign, GM_BUCKET_IGNORE_ARGS);
    FUZZ_CHECK(gm_bucket_dump(set, d, 0, &full) == 0, "bucket_dump failed");
    check_buckets(set, d, &full, 0);
    FUZZ_CHECK(full.nr >= ign.nr, "more analysis buckets (%u) than display buckets (%u)", ign.nr,
               full.nr);

    struct gm_findings fd;
    FUZZ_CHECK(gm_findings_goroutines(set, d, NULL, &fd) == 0, "findings failed");
    check_findings(set, d, &fd);

    struct gm_goroutines_report rep = {
        .file = "fuzz\"input\n.txt",
        .set = set,
        .dump = d,
        .dump_no = d + 1,
        .dumps_in_file = set->dumps_nr,
        .buckets = &full,
        .findings = &fd,
        .paths = paths,
        .min_severity = GM_SEV_INFO,
        .max_frames = 0,
        .no_buckets = 0,
    };
    struct fuzz_sink k;
    struct gm_out o;
    fuzz_sink_open(&k);
    gm_out_init(&o, k.f, 0);
    gm_render_goroutines_json(&o, &rep);
    FUZZ_CHECK(gm_out_error(&o) == 0, "json render: write error");
    fuzz_sink_close(&k);
    fuzz_json_require("goroutines", k.buf, k.len);
    free(k.buf);

    /* The table renderer too (with colour and a frame cap), only for crashes. */
    fuzz_sink_open(&k);
    gm_out_init(&o, k.f, 1);
    rep.max_frames = 3;
    rep.min_severity = GM_SEV_LOW;
    gm_render_goroutines_table(&o, &rep);
    FUZZ_CHECK(gm_out_error(&o) == 0, "table render: write error");
    fuzz_sink_close(&k);
    free(k.buf);

    gm_findings_release(&fd);
    gm_buckets_release(&full);
    gm_buckets_release(&ign);
}

struct peek_ctx {
    const char *p;
    size_t len;
    uint64_t records;
};

static void on_peek(void *ctx, const struct gm_gpeek *g)
{
    struct peek_ctx *c = ctx;
    FUZZ_CHECK(g->func.len == 0 || (g->func.p >= c->p && g->func.p + g->func.len <= c->p + c->len),
               "peek: function outside the input");
    c->records++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* gm_gdump_log_time on the first line, alone before the guard page. */
    const uint8_t *nl = memchr(data, '\n', size);
    size_t first = nl ? (size_t)(nl - data) : size;
    const char *line = fuzz_guard_copy(data, first);
    (void)gm_gdump_log_time((struct gm_str){line, first});

    const char *p = fuzz_guard_copy(data, size);
    struct peek_ctx pc = {p, size, 0};
    struct gm_diag pd;
    uint64_t total;
    memset(&pd, 0, sizeof(pd));
    if (gm_gdump_peek(p, size, &total, on_peek, &pc, &pd) < 0) {
        FUZZ_CHECK(pd.code == GM_EFORMAT, "peek: code %d", pd.code);
    }
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = 1u << 20;
    lim.max_frames = 64;
    lim.max_strtab = 16u << 20;
    lim.max_line = 4096;
    enum gm_similarity sim = (enum gm_similarity)(size % 3);

    struct gm_gdump_set set;
    FUZZ_CHECK(gm_gdump_set_init(&set, &lim, sim) == 0, "set_init failed");
    struct gm_diag diag;
    memset(&diag, 0, sizeof(diag));
    diag.code = DIAG_SENTINEL;
    int n = gm_gdump_parse(&set, p, size, &diag);
    if (n < 0) {
        FUZZ_CHECK(n >= GM_EINVAL, "unknown error code %d", n);
        FUZZ_CHECK(diag.code == n, "diag.code %d != returned %d", diag.code, n);
        FUZZ_CHECK(memchr(diag.msg, '\0', sizeof(diag.msg)) != NULL, "diag.msg unterminated");
        FUZZ_CHECK(diag.off <= size, "diag.off %llu > size %zu", (unsigned long long)diag.off,
                   size);
        (void)gm_strerror(n);
        gm_gdump_set_release(&set);
        return 0;
    }
    FUZZ_CHECK(diag.code == DIAG_SENTINEL, "diag touched on success (code %d)", diag.code);
    check_set(&set, n);

    struct gm_paths paths;
    memset(&paths, 0, sizeof(paths));
    paths.mode = (size & 4) ? GM_PATH_FULL : GM_PATH_SHORT;
    gm_paths_learn(&paths, &set.stacks);
    FUZZ_CHECK(memchr(paths.user_root, '\0', sizeof(paths.user_root)) != NULL,
               "user_root unterminated");
    for (uint32_t d = 0; d < set.dumps_nr; d++) {
        analyse_dump(&set, d, &paths);
    }
    gm_gdump_set_release(&set);
    return 0;
}
