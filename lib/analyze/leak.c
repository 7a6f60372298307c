/*
 * Cross-snapshot leak detection. Counting is a pass per snapshot over the analysis buckets;
 * persistence is a sorted-merge intersection of (goid, stack, state) lists, so the cost is
 * O(n log n) in goroutines and the memory one 16-byte entry per goroutine of one snapshot.
 */
#include "gm/leak.h"
#include "gm/stats.h"
#include "gm/alloc.h"

#include <assert.h>
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
    if (a->leak && a->score != b->score) {
        return a->score > b->score ? -1 : 1;
    }
    return a->stack_id < b->stack_id ? -1 : a->stack_id > b->stack_id;
}

/* Rows are keyed by (stack, state); a small open-addressing table maps keys to rows. */
struct rowtab {
    uint32_t *slots;
    uint32_t mask;
};

static uint32_t row_find(struct rowtab *t, struct gm_leak_row *rows, uint32_t *nr, uint32_t stack,
                         uint32_t state, int create)
{
    uint64_t h = (stack * 0x9E3779B97F4A7C15ull) ^ (state * 0xC2B2AE3D27D4EB4Full);
    uint32_t i = (uint32_t)(h >> 20) & t->mask;
    while (t->slots[i]) {
        struct gm_leak_row *r = &rows[t->slots[i] - 1];
        if (r->stack_id == stack && r->state_id == state) {
            return t->slots[i] - 1;
        }
        i = (i + 1) & t->mask;
    }
    if (!create) {
        return UINT32_MAX;
    }
    struct gm_leak_row *r = &rows[*nr];
    memset(r, 0, sizeof(*r));
    r->stack_id = stack;
    r->state_id = state;
    t->slots[i] = ++*nr;
    return *nr - 1;
}

int gm_leak_diff(const struct gm_gdump_set *set, const uint32_t *dumps, uint32_t n,
                 const struct gm_leak_opts *opts, struct gm_leak_result *out)
{
    memset(out, 0, sizeof(*out));
    if (n < 2) {
        return GM_EINVAL;
    }
    int rc = 0;
    struct gkey *cur = NULL, *next = NULL;
    struct rowtab t = {0};
    struct gm_buckets bk[2] = {{0}};
    /* upper bound of rows: sum of analysis buckets over snapshots */
    uint64_t maxrows = 0;
    out->snaps_nr = n;
    out->dumps = gm_xmalloc(n * sizeof(uint32_t));
    out->times = gm_xmalloc(n * sizeof(int64_t));
    if (!out->dumps || !out->times) {
        rc = GM_ENOMEM;
        goto out;
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
    for (uint32_t s = 0; s < n; s++) {
        struct gm_buckets b;
        GM_TRY(gm_bucket_dump(set, dumps[s], GM_BUCKET_IGNORE_ARGS, &b));
        maxrows += b.nr;
        gm_buckets_release(&b);
    }
    t.mask = 63;
    while (t.mask < maxrows * 2) {
        t.mask = t.mask * 2 + 1;
    }
    t.slots = gm_xcalloc((size_t)t.mask + 1, sizeof(uint32_t));
    out->rows = gm_xcalloc(maxrows ? maxrows : 1, sizeof(*out->rows));
    out->pool = gm_xcalloc((maxrows ? maxrows : 1) * n, sizeof(uint64_t));
    if (!t.slots || !out->rows || !out->pool) {
        rc = GM_ENOMEM;
        goto out;
    }
    for (uint32_t s = 0; s < n; s++) {
        struct gm_buckets b;
        rc = gm_bucket_dump(set, dumps[s], GM_BUCKET_IGNORE_ARGS, &b);
        if (rc < 0) {
            goto out;
        }
        for (uint32_t i = 0; i < b.nr; i++) {
            uint32_t r =
                row_find(&t, out->rows, &out->rows_nr, b.v[i].stack_id, b.v[i].state_id, 1);
            struct gm_leak_row *row = &out->rows[r];
            row->counts = out->pool + (size_t)r * n;
            out->pool[(size_t)r * n + s] += b.v[i].count;
            if (s == n - 1 || !row->kind) {
                row->kind = gm_classify_bucket(set, &b.v[i], opts->src);
            }
        }
        gm_buckets_release(&b);
    }
    /* persistence: intersect goroutine ids snapshot by snapshot */
    size_t cur_nr = 0;
    for (uint32_t s = 0; s < n; s++) {
        const struct gm_dump *d = &set->dumps[dumps[s]];
        struct gkey *v = gm_xmalloc(((size_t)d->nr + 1) * sizeof(*v));
        if (!v) {
            rc = GM_ENOMEM;
            goto out;
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
        if (s == 0) {
            cur = v;
            cur_nr = m;
            continue;
        }
        next = v;
        size_t a = 0, b2 = 0, w = 0;
        while (a < cur_nr && b2 < m) {
            if (cur[a].id < next[b2].id) {
                a++;
            } else if (cur[a].id > next[b2].id) {
                b2++;
            } else {
                if (cur[a].stack_id == next[b2].stack_id && cur[a].state_id == next[b2].state_id) {
                    cur[w++] = cur[a];
                }
                a++;
                b2++;
            }
        }
        cur_nr = w;
        free(next);
        next = NULL;
    }
    for (size_t k = 0; k < cur_nr; k++) {
        uint32_t r = row_find(&t, out->rows, &out->rows_nr, cur[k].stack_id, cur[k].state_id, 0);
        if (r != UINT32_MAX) {
            struct gm_leak_row *row = &out->rows[r];
            if (row->persistent_ids_nr < GM_ARRAY_NR(row->persistent_ids)) {
                row->persistent_ids[row->persistent_ids_nr++] = cur[k].id;
            }
            row->persistent++;
        }
    }
    /* growth, score, verdict */
    uint64_t min_growth = opts->min_growth ? opts->min_growth : 1;
    for (uint32_t r = 0; r < out->rows_nr; r++) {
        struct gm_leak_row *row = &out->rows[r];
        const uint64_t *c = row->counts;
        assert(c != NULL); /* set when the row was created */
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
        row->user_frame = gm_stack_user_frame(&set->stacks, row->stack_id);
        row->ignored = gm_leak_ignored(set, row->stack_id, opts);
        uint64_t last = c[n - 1];
        double growth_frac = last ? (double)(last > c[0] ? last - c[0] : 0) / (double)last : 0;
        double persist_frac = last ? (double)row->persistent / (double)last : 0;
        row->score = 0.4 * grew / (n - 1) + 0.3 * growth_frac + 0.3 * GM_MIN(persist_frac, 1.0);
        int blocking = row->kind && strcmp(row->kind->id, "runnable-backlog") != 0;
        row->leak = blocking && !row->ignored && shrank == 0 && last >= c[0] + min_growth;
        if (row->leak) {
            enum gm_severity sv = last >= 1000  ? GM_SEV_CRITICAL
                                  : last >= 100 ? GM_SEV_HIGH
                                  : last >= 20  ? GM_SEV_MEDIUM
                                                : GM_SEV_LOW;
            if (grew == n - 1 && n >= 3 && sv < GM_SEV_CRITICAL) {
                sv++;
            }
            row->severity = sv;
            out->leaks_nr++;
        } else {
            row->severity = GM_SEV_INFO;
        }
    }
    qsort(out->rows, out->rows_nr, sizeof(*out->rows), cmp_row);
out:
    free(cur);
    free(next);
    free(t.slots);
    gm_buckets_release(&bk[0]);
    gm_buckets_release(&bk[1]);
    if (rc < 0) {
        gm_leak_release(out);
    }
    return rc;
}

void gm_leak_release(struct gm_leak_result *r)
{
    free(r->dumps);
    free(r->times);
    free(r->rows);
    free(r->pool);
    memset(r, 0, sizeof(*r));
}
