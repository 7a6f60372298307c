/*
 * Cross-snapshot leak detection. Counting is a pass per snapshot over the analysis buckets;
 * persistence is a sorted-merge intersection of (goid, stack, state) lists, so the cost is
 * O(n log n) in goroutines and the memory one 16-byte entry per goroutine of one snapshot.
 */
#include "gm/leak.h"
#include "gm/stats.h"
#include "gm/alloc.h"
#include "gm/hashtab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct gkey {
    uint64_t id;
    uint32_t stack_id, state_id;
};

static int cmp_gkey(const void *x, const void *y)
{
    const struct gkey *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int blocked_state(const char *s)
{
    return strcmp(s, "running") != 0 && strcmp(s, "runnable") != 0 && strcmp(s, "preempted") != 0 &&
           strcmp(s, "") != 0;
}

static int match_list(const char *f, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(f, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

int gm_leak_ignored(const struct gm_gdump_set *set, uint32_t stack_id, const struct gm_leak_opts *o)
{
    const struct gm_stack *st = gm_stacks_get(&set->stacks, stack_id);
    const uint32_t *ids = gm_stack_frames(&set->stacks, st);
    int top_done = 0;
    for (uint32_t k = 0; k < st->nr; k++) {
        const char *f = gm_stacks_func(&set->stacks, ids[k]);
        if (!top_done && strncmp(f, "runtime.", 8) != 0) {
            top_done = 1;
            if (match_list(f, o->ignore_top, o->ignore_top_nr)) {
                return 1;
            }
        }
        if (match_list(f, o->ignore_any, o->ignore_any_nr)) {
            return 1;
        }
    }
    if (st->created_by != GM_NO_FRAME &&
        match_list(gm_stacks_func(&set->stacks, st->created_by), o->ignore_created_by,
                   o->ignore_created_by_nr)) {
        return 1;
    }
    return 0;
}

static int cmp_row(const void *x, const void *y)
{
    const struct gm_leak_row *a = x, *b = y;
    if (a->leak != b->leak) {
        return a->leak ? -1 : 1;
    }
    if (a->possible != b->possible) {
        return a->possible ? -1 : 1;
    }
    if ((a->leak || a->possible) && a->score != b->score) {
        return a->score > b->score ? -1 : 1;
    }
    return a->stack_id < b->stack_id ? -1 : a->stack_id > b->stack_id;
}

/* Rows are keyed by (stack, state); the hash table maps keys to rows. */
static uint32_t row_hash(uint32_t stack, uint32_t state)
{
    return gm_hash_u64((uint64_t)stack << 32 | state);
}

static uint32_t row_find(const struct gm_htab *t, const struct gm_leak_row *rows, uint32_t stack,
                         uint32_t state)
{
    uint32_t h = row_hash(stack, state), pos = gm_htab_probe(t, h), r;
    while ((r = gm_htab_next(t, h, &pos)) != GM_HTAB_END) {
        if (rows[r].stack_id == stack && rows[r].state_id == state) {
            return r;
        }
    }
    return UINT32_MAX;
}

/* The snapshots' times: from the dumps, else from opts->interval_s; timed = usable. */
static int snap_times(const struct gm_gdump_set *set, const uint32_t *dumps, uint32_t n,
                      const struct gm_leak_opts *opts, struct gm_leak_result *out)
{
    out->snaps_nr = n;
    out->dumps = gm_xmalloc(n * sizeof(uint32_t));
    out->times = gm_xmalloc(n * sizeof(int64_t));
    if (!out->dumps || !out->times) {
        return GM_ENOMEM;
    }
    out->timed = 1;
    for (uint32_t s = 0; s < n; s++) {
        out->dumps[s] = dumps[s];
        out->times[s] = set->dumps[dumps[s]].time;
        if (out->times[s] < 0) {
            out->timed = 0;
        }
    }
    if (!out->timed && opts->interval_s > 0) {
        for (uint32_t s = 0; s < n; s++) {
            out->times[s] = (int64_t)llround(opts->interval_s * s);
        }
        out->timed = 1;
        out->times_from_interval = 1;
    }
    if (out->timed && out->times[n - 1] <= out->times[0]) {
        out->timed = 0;
    }
    return 0;
}

/* One row per (stack, state) bucket of any snapshot, with its count in each snapshot. */
static int count_rows(const struct gm_gdump_set *set, const struct gm_leak_opts *opts,
                      struct gm_leak_result *out, struct gm_htab *t)
{
    uint32_t n = out->snaps_nr;
    uint64_t maxrows = 0; /* sum of buckets over snapshots */
    for (uint32_t s = 0; s < n; s++) {
        struct gm_buckets b;
        GM_TRY(gm_bucket_dump(set, out->dumps[s], GM_BUCKET_IGNORE_ARGS, &b));
        maxrows += b.nr;
        gm_buckets_release(&b);
    }
    GM_TRY(gm_htab_init(t, maxrows));
    out->rows = gm_xcalloc(maxrows ? maxrows : 1, sizeof(*out->rows));
    out->pool = gm_xcalloc((maxrows ? maxrows : 1) * n, sizeof(uint64_t));
    if (!out->rows || !out->pool) {
        return GM_ENOMEM;
    }
    for (uint32_t s = 0; s < n; s++) {
        struct gm_buckets b;
        GM_TRY(gm_bucket_dump(set, out->dumps[s], GM_BUCKET_IGNORE_ARGS, &b));
        for (uint32_t i = 0; i < b.nr; i++) {
            uint32_t stack = b.v[i].stack_id, state = b.v[i].state_id;
            uint32_t r = row_find(t, out->rows, stack, state);
            if (r == UINT32_MAX) {
                if (gm_htab_add(t, row_hash(stack, state), out->rows_nr) < 0) {
                    gm_buckets_release(&b);
                    return GM_ENOMEM;
                }
                r = out->rows_nr++;
                out->rows[r].stack_id = stack;
                out->rows[r].state_id = state;
                out->rows[r].counts = out->pool + (size_t)r * n;
            }
            struct gm_leak_row *row = &out->rows[r];
            out->pool[(size_t)r * n + s] += b.v[i].count;
            if (s == n - 1 || !row->kind) {
                row->kind = gm_classify_bucket(set, &b.v[i], opts->src);
            }
        }
        gm_buckets_release(&b);
    }
    return 0;
}

/* The blocked goroutines of snapshot dump, sorted by id, in a new array of *nr. */
static struct gkey *blocked_ids(const struct gm_gdump_set *set, uint32_t dump, size_t *nr)
{
    const struct gm_dump *d = &set->dumps[dump];
    struct gkey *v = gm_xmalloc(((size_t)d->nr + 1) * sizeof(*v));
    if (!v) {
        return NULL;
    }
    size_t m = 0;
    for (uint32_t k = 0; k < d->nr; k++) {
        const struct gm_goroutine *g = gm_gdump_g(set, d->first + k);
        if (d->kind != GM_DUMP_FULL || !blocked_state(gm_gdump_state(set, g))) {
            continue;
        }
        v[m].id = gm_g_id(g);
        v[m].stack_id = g->stack_id;
        v[m].state_id = g->state_id;
        m++;
    }
    qsort(v, m, sizeof(*v), cmp_gkey);
    *nr = m;
    return v;
}

/* Persistence: the goroutines blocked on the same (stack, state) in every snapshot, found by
 * intersecting the sorted ids snapshot by snapshot, counted on their rows. */
static int mark_persistent(const struct gm_gdump_set *set, struct gm_leak_result *out,
                           const struct gm_htab *t)
{
    size_t cur_nr = 0, next_nr = 0;
    struct gkey *cur = blocked_ids(set, out->dumps[0], &cur_nr);
    if (!cur) {
        return GM_ENOMEM;
    }
    for (uint32_t s = 1; s < out->snaps_nr; s++) {
        struct gkey *next = blocked_ids(set, out->dumps[s], &next_nr);
        if (!next) {
            free(cur);
            return GM_ENOMEM;
        }
        size_t a = 0, b = 0, w = 0;
        while (a < cur_nr && b < next_nr) {
            if (cur[a].id < next[b].id) {
                a++;
            } else if (cur[a].id > next[b].id) {
                b++;
            } else {
                if (cur[a].stack_id == next[b].stack_id && cur[a].state_id == next[b].state_id) {
                    cur[w++] = cur[a];
                }
                a++;
                b++;
            }
        }
        cur_nr = w;
        free(next);
    }
    for (size_t k = 0; k < cur_nr; k++) {
        uint32_t r = row_find(t, out->rows, cur[k].stack_id, cur[k].state_id);
        if (r != UINT32_MAX) {
            struct gm_leak_row *row = &out->rows[r];
            if (row->persistent_ids_nr < GM_ARRAY_NR(row->persistent_ids)) {
                row->persistent_ids[row->persistent_ids_nr++] = cur[k].id;
            }
            row->persistent++;
        }
    }
    free(cur);
    return 0;
}

/* A row's growth (least squares per minute, or per snapshot when untimed), score and verdict. */
static void judge_row(const struct gm_gdump_set *set, const struct gm_leak_opts *opts,
                      const struct gm_leak_result *out, struct gm_leak_row *row)
{
    uint32_t n = out->snaps_nr;
    const uint64_t *c = row->counts;
    uint64_t min_growth = opts->min_growth ? opts->min_growth : 1;
    struct gm_fit fit = {0};
    uint32_t grew = 0, shrank = 0;
    for (uint32_t s = 0; s < n; s++) {
        double x = out->timed ? (double)(out->times[s] - out->times[0]) / 60.0 : (double)s;
        gm_fit_add(&fit, x, (double)c[s]);
        if (s && c[s] > c[s - 1]) {
            grew++;
        }
        if (s && c[s] < c[s - 1]) {
            shrank++;
        }
    }
    row->growth = gm_fit_slope(&fit, NULL);
    row->is_new = c[0] == 0;
    row->user_frame = row->kind ? gm_finding_frame(set, row->stack_id, row->kind)
                                : gm_stack_user_frame(&set->stacks, row->stack_id);
    row->ignored = gm_leak_ignored(set, row->stack_id, opts);
    uint64_t last = c[n - 1];
    double growth_frac = last ? (double)(last > c[0] ? last - c[0] : 0) / (double)last : 0;
    double persist_frac = last ? (double)row->persistent / (double)last : 0;
    /* how steadily, how much of the group, how many goroutines known stuck, and how large the
     * rise (10 -> 0.33, 1000 -> 1): rows of two snapshots rank by more than their shape */
    double rise = last > c[0] ? (double)(last - c[0]) : 0;
    double size = GM_MIN(log10(1 + rise) / 3, 1.0);
    row->score =
        0.3 * grew / (n - 1) + 0.2 * growth_frac + 0.3 * GM_MIN(persist_frac, 1.0) + 0.2 * size;
    int blocking = row->kind && strcmp(row->kind->id, "runnable-backlog") != 0;
    int grows = blocking && !row->ignored && shrank == 0 && last >= c[0] + min_growth;
    /* the evidence of a leak: goroutines alive and blocked here in every snapshot, or growth
     * sustained over three snapshots or more; a group that merely appeared or grew once is
     * shown below the gate */
    int evidence = row->persistent > 0 || (n >= 3 && grew >= 2);
    row->leak = grows && evidence;
    row->possible = grows && !evidence;
    if (!row->leak) {
        row->severity = GM_SEV_INFO;
        return;
    }
    enum gm_severity sv = last >= 1000  ? GM_SEV_CRITICAL
                          : last >= 100 ? GM_SEV_HIGH
                          : last >= 20  ? GM_SEV_MEDIUM
                                        : GM_SEV_LOW;
    if (grew == n - 1 && n >= 3 && sv < GM_SEV_CRITICAL) {
        sv++;
    }
    row->severity = sv;
}

int gm_leak_diff(const struct gm_gdump_set *set, const uint32_t *dumps, uint32_t n,
                 const struct gm_leak_opts *opts, struct gm_leak_result *out)
{
    memset(out, 0, sizeof(*out));
    if (n < 2) {
        return GM_EINVAL;
    }
    struct gm_htab rows_idx = {0};
    int rc = snap_times(set, dumps, n, opts, out);
    if (rc == 0) {
        rc = count_rows(set, opts, out, &rows_idx);
    }
    if (rc == 0) {
        rc = mark_persistent(set, out, &rows_idx);
    }
    gm_htab_release(&rows_idx);
    if (rc < 0) {
        gm_leak_release(out);
        return rc;
    }
    for (uint32_t r = 0; r < out->rows_nr; r++) {
        judge_row(set, opts, out, &out->rows[r]);
        out->leaks_nr += out->rows[r].leak;
    }
    qsort(out->rows, out->rows_nr, sizeof(*out->rows), cmp_row);
    return 0;
}

void gm_leak_release(struct gm_leak_result *r)
{
    free(r->dumps);
    free(r->times);
    free(r->rows);
    free(r->pool);
    free(r->notes);
    memset(r, 0, sizeof(*r));
}
