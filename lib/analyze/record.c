/* One findings record for every analysis (gm/record.h). */
#include "gm/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm/alloc.h"
#include "gm/banned.h" /* last: bans unsafe calls in this file */

void gm_records_init(struct gm_records *r)
{
    memset(r, 0, sizeof(*r));
}

void gm_records_release(struct gm_records *r)
{
    free(r->v);
    gm_records_init(r);
}

struct gm_record *gm_records_add(struct gm_records *r, const struct gm_finding_kind *kind,
                                 enum gm_severity sev)
{
    if (r->nr == r->alloc && GM_GROW(r->v, r->alloc, 16) < 0) {
        return NULL;
    }
    struct gm_record *x = &r->v[r->nr++];
    memset(x, 0, sizeof(*x));
    x->kind = kind;
    x->severity = sev;
    return x;
}

static void put_num(struct gm_record *x, const char *name, double v)
{
    for (int i = 0; i < GM_RECORD_NUMS; i++) {
        if (!x->num_name[i]) {
            x->num_name[i] = name;
            x->num[i] = v;
            return;
        }
    }
    GM_BUG("more numbers than GM_RECORD_NUMS");
}

/* The function, file and line of an interned frame (GM_NO_FRAME: none). */
static void put_frame(struct gm_record *x, const struct gm_stacks *s, uint32_t frame)
{
    if (frame == GM_NO_FRAME) {
        return;
    }
    snprintf(x->function, sizeof(x->function), "%s", gm_stacks_func(s, frame));
    snprintf(x->file, sizeof(x->file), "%s", gm_stacks_file(s, frame));
    x->line = gm_stacks_get_frame(s, frame)->line;
}

int gm_records_from_goroutines(const struct gm_gdump_set *set, const struct gm_findings *f,
                               struct gm_records *out)
{
    for (uint32_t i = 0; i < f->nr; i++) {
        const struct gm_finding *g = &f->v[i];
        struct gm_record *x = gm_records_add(out, g->kind, g->severity);
        if (!x) {
            return GM_ENOMEM;
        }
        x->count = g->count;
        x->proven = g->proven;
        put_frame(x, &set->stacks, g->user_frame);
        snprintf(x->evidence, sizeof(x->evidence), "%s", g->why);
        x->source = g->source;
        put_num(x, "min_minutes", g->min_minutes);
        put_num(x, "max_minutes", g->max_minutes);
        put_num(x, "wait_objects", g->objects);
    }
    return 0;
}

int gm_records_from_leak(const struct gm_gdump_set *set, const struct gm_leak_result *l,
                         struct gm_records *out)
{
    for (uint32_t i = 0; i < l->rows_nr; i++) {
        const struct gm_leak_row *row = &l->rows[i];
        if (!row->leak) {
            continue;
        }
        struct gm_record *x = gm_records_add(out, row->kind, row->severity);
        if (!x) {
            return GM_ENOMEM;
        }
        x->count = l->snaps_nr ? row->counts[l->snaps_nr - 1] : 0;
        x->is_new = row->is_new;
        if (row->note) {
            x->source = *row->note;
        }
        put_frame(x, &set->stacks, row->user_frame);
        snprintf(x->evidence, sizeof(x->evidence), "%llu -> %llu goroutine%s over %u snapshots",
                 (unsigned long long)(l->snaps_nr ? row->counts[0] : 0),
                 (unsigned long long)x->count, x->count == 1 ? "" : "s", l->snaps_nr);
        put_num(x, l->timed ? "growth_per_min" : "growth_per_snapshot", row->growth);
        put_num(x, "score", row->score);
        put_num(x, "persistent", (double)row->persistent);
    }
    return 0;
}

int gm_records_from_heap(const struct gm_heap_result *h, struct gm_records *out)
{
    const struct gm_finding_kind *k = gm_finding_kind("heap-growth");
    for (uint32_t i = 0; i < h->findings_nr; i++) {
        const struct gm_heap_finding *f = &h->findings[i];
        struct gm_record *x = gm_records_add(out, k, f->severity);
        if (!x) {
            return GM_ENOMEM;
        }
        x->count = h->profiles;
        if (f->scope != GM_HEAP_SCOPE_TOTAL) {
            snprintf(x->function, sizeof(x->function), "%s", gm_strtab_cstr(&h->names, f->func_id));
        }
        snprintf(x->evidence, sizeof(x->evidence), "%s", f->hint);
        put_num(x, "growth_bytes", f->growth);
        put_num(x, "bytes_per_hour", f->per_hour);
        put_num(x, "r2", f->r2);
        put_num(x, "changepoint", f->change);
    }
    return 0;
}

int gm_records_from_gc(const struct gm_gc_report *g, struct gm_records *out)
{
    for (uint32_t i = 0; i < g->findings_nr; i++) {
        const struct gm_gc_finding *f = &g->findings[i];
        struct gm_record *x = gm_records_add(out, f->kind, f->severity);
        if (!x) {
            return GM_ENOMEM;
        }
        x->count = g->log.cycles_nr;
        x->line = f->lines_nr ? (uint32_t)f->lines[0] : 0;
        snprintf(x->evidence, sizeof(x->evidence), "%s", f->why);
    }
    return 0;
}

int gm_records_from_trace(const struct gm_trace_result *t, struct gm_records *out)
{
    for (uint32_t i = 0; i < t->findings_nr; i++) {
        const struct gm_tfinding *f = &t->findings[i];
        struct gm_record *x = gm_records_add(out, f->kind, f->severity);
        if (!x) {
            return GM_ENOMEM;
        }
        x->count = f->count;
        put_frame(x, &t->stacks, f->frame);
        snprintf(x->evidence, sizeof(x->evidence), "%s", f->why);
        if (f->since_ns) {
            put_num(x, "blocked_since_s", (double)f->since_ns / 1e9);
        }
    }
    return 0;
}

int gm_records_from_race(const struct gm_race_result *r, struct gm_records *out)
{
    const struct gm_finding_kind *k = gm_finding_kind("data-race");
    for (uint32_t i = 0; i < r->groups_nr; i++) {
        const struct gm_race_group *g = &r->groups[i];
        /* a data race is a bug whatever its count: high (the catalogue, docs/findings.md) */
        struct gm_record *x = gm_records_add(out, k, GM_SEV_HIGH);
        if (!x) {
            return GM_ENOMEM;
        }
        x->count = g->count;
        x->is_new = g->is_new;
        put_frame(x, &r->stacks, g->user[0]);
        snprintf(x->evidence, sizeof(x->evidence), "%s", g->hint ? g->hint : "");
        put_num(x, "tests", g->tests_nr);
        put_num(x, "global", g->global);
    }
    return 0;
}

int gm_records_worst(const struct gm_records *r)
{
    int worst = -1;
    for (uint32_t i = 0; i < r->nr; i++) {
        worst = GM_MAX(worst, (int)r->v[i].severity);
    }
    return worst;
}

uint32_t gm_records_below(const struct gm_records *r, enum gm_severity min)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->nr; i++) {
        n += r->v[i].severity < min;
    }
    return n;
}

int gm_fail_parse(const char *spec, unsigned allowed, struct gm_fail_policy *out)
{
    out->min_severity = -1;
    out->only_new = 0;
    if (!spec) {
        return 0;
    }
    int sev;
    if ((allowed & GM_FAIL_SEVERITY) && (sev = gm_severity_parse(spec)) >= 0) {
        out->min_severity = sev;
    } else if (((allowed & GM_FAIL_LEAK) && strcmp(spec, "leak") == 0) ||
               ((allowed & GM_FAIL_ANY) && strcmp(spec, "any") == 0)) {
        out->min_severity = GM_SEV_INFO;
    } else if ((allowed & GM_FAIL_NEW) && strcmp(spec, "new") == 0) {
        out->min_severity = GM_SEV_INFO;
        out->only_new = 1;
    } else {
        return -1;
    }
    return 0;
}

int gm_fail_exit(const struct gm_fail_policy *p, const struct gm_records *r)
{
    if (p->min_severity < 0) {
        return 0;
    }
    for (uint32_t i = 0; i < r->nr; i++) {
        if ((int)r->v[i].severity >= p->min_severity && (!p->only_new || r->v[i].is_new)) {
            return 1;
        }
    }
    return 0;
}
