/*
 * Profile views: top (flat/cum per function), frame iteration, totals, value formatting.
 * One pass over the samples; per-function entries live in a small hash keyed by the
 * interned name, and a per-entry "last sample" stamp counts cum once per sample.
 */
#include "gm/pview.h"
#include "gm/alloc.h"
#include "gm/hashtab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

int gm_pview_drop_compile(const struct gm_profile *prof, regex_t **out)
{
    *out = NULL;
    if (!prof->drop_frames_id) {
        return 0;
    }
    const char *re = gm_profile_str(prof, prof->drop_frames_id);
    size_t n = strlen(re) + 5;
    char *anchored = gm_xmalloc(n);
    regex_t *rx = gm_xcalloc(1, sizeof(*rx));
    if (!anchored || !rx || gm_fail_alloc_now()) { /* regcomp allocates too */
        free(anchored);
        free(rx);
        return GM_ENOMEM;
    }
    snprintf(anchored, n, "^(%s)$", re);
    if (regcomp(rx, anchored, REG_EXTENDED | REG_NOSUB) == 0) {
        *out = rx;
        rx = NULL;
    }
    free(anchored);
    free(rx);
    return 0;
}

void gm_pview_drop_free(regex_t *re)
{
    if (re) {
        regfree(re);
        free(re);
    }
}

int gm_pview_frames(const struct gm_profile *prof, const regex_t *drop, uint32_t i, gm_frame_fn fn,
                    void *ctx)
{
    const struct gm_pprof_sample *s = &prof->samples[i];
    uint32_t skip = 0; /* frames dropped from the leaf side (drop_frames) */
    if (drop) {
        uint32_t idx = 0;
        for (uint32_t k = 0; k < s->loc_nr; k++) {
            const struct gm_pprof_location *loc = &prof->locations[prof->locs[s->loc_off + k]];
            for (uint32_t l = 0; l < loc->line_nr; l++, idx++) {
                const char *f = gm_profile_func_name(prof, &prof->lines[loc->line_off + l]);
                if (regexec(drop, f, 0, NULL, 0) == 0) {
                    skip = idx + 1; /* the outermost match wins: drop it and its callees */
                }
            }
            idx += loc->line_nr ? 0 : 1;
        }
    }
    uint32_t idx = 0;
    for (uint32_t k = 0; k < s->loc_nr; k++) {
        const struct gm_pprof_location *loc = &prof->locations[prof->locs[s->loc_off + k]];
        if (loc->line_nr == 0) {
            /* unsymbolized: pprof shows the address */
            if (idx++ >= skip && fn(ctx, NULL, NULL, loc)) {
                return 1;
            }
            continue;
        }
        for (uint32_t l = 0; l < loc->line_nr; l++) {
            const struct gm_pprof_line *ln = &prof->lines[loc->line_off + l];
            if (idx++ >= skip && fn(ctx, gm_profile_func_name(prof, ln), ln, loc)) {
                return 1;
            }
        }
    }
    return 0;
}

struct match_ctx {
    const regex_t *re;
    int hit;
};

static int match_frame(void *ctx, const char *func, const struct gm_pprof_line *line,
                       const struct gm_pprof_location *loc)
{
    struct match_ctx *m = ctx;
    (void)line;
    (void)loc;
    if (func && regexec(m->re, func, 0, NULL, 0) == 0) {
        m->hit = 1;
        return 1;
    }
    return 0;
}

/* gm_pview_keep for the profile or the base, whose frames drop drops. */
static int keep(const struct gm_profile *prof, const regex_t *drop, uint32_t i,
                const struct gm_pview_opts *o)
{
    if (o->focus) {
        struct match_ctx m = {o->focus, 0};
        gm_pview_frames(prof, drop, i, match_frame, &m);
        if (!m.hit) {
            return 0;
        }
    }
    if (o->ignore) {
        struct match_ctx m = {o->ignore, 0};
        gm_pview_frames(prof, drop, i, match_frame, &m);
        if (m.hit) {
            return 0;
        }
    }
    return 1;
}

int gm_pview_keep(const struct gm_profile *prof, uint32_t i, const struct gm_pview_opts *o)
{
    return keep(prof, o->drop, i, o);
}

int64_t gm_profile_total(const struct gm_profile *prof, uint32_t index)
{
    int64_t t = 0;
    if (index >= prof->types_nr) {
        return 0;
    }
    for (uint32_t i = 0; i < prof->samples_nr; i++) {
        int64_t v = prof->values[prof->samples[i].val_off + index];
        if (__builtin_add_overflow(t, v, &t)) {
            t = v > 0 ? INT64_MAX : INT64_MIN;
        }
    }
    return t;
}

static int64_t abs_sat(int64_t v)
{
    return v == INT64_MIN ? INT64_MAX : v < 0 ? -v : v;
}

/* ---------------------------------------------------------------- a difference's total */

/* A sample's key as pprof merges samples: each location's address and its lines (function
 * name, line), leaf first, and its labels (a heap profile's "bytes" number among them). */
static uint64_t stack_key(const struct gm_profile *prof, uint32_t i)
{
    const struct gm_pprof_sample *s = &prof->samples[i];
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (uint32_t k = 0; k < s->label_nr; k++) {
        const struct gm_pprof_label *lb = &prof->labels[s->label_off + k];
        const char *key = gm_profile_str(prof, lb->key_id);
        const char *str = lb->str_id ? gm_profile_str(prof, lb->str_id) : "";
        h = gm_hash_seed(key, strlen(key), h ^ (uint64_t)lb->num);
        h = gm_hash_seed(str, strlen(str), h);
    }
    for (uint32_t k = 0; k < s->loc_nr; k++) {
        const struct gm_pprof_location *loc = &prof->locations[prof->locs[s->loc_off + k]];
        h = gm_hash_seed(&loc->address, sizeof(loc->address), h);
        for (uint32_t l = 0; l < loc->line_nr; l++) {
            const struct gm_pprof_line *ln = &prof->lines[loc->line_off + l];
            const char *name = gm_profile_func_name(prof, ln);
            h = gm_hash_seed(name, strlen(name), h ^ (uint64_t)ln->line);
        }
    }
    return h;
}

/* go tool pprof's total of a difference (profile minus base): the samples of both merged by
 * stack, then the sum of the absolute values of what is left of each. */
static int merged_total(const struct gm_profile *a, uint32_t ia, const struct gm_profile *b,
                        uint32_t ib, const struct gm_pview_opts *o, int64_t *total)
{
    struct gm_htab idx;
    uint64_t *keys = gm_xmalloc(((size_t)a->samples_nr + b->samples_nr + 1) * sizeof(uint64_t));
    int64_t *net = gm_xmalloc(((size_t)a->samples_nr + b->samples_nr + 1) * sizeof(int64_t));
    if (!keys || !net || gm_htab_init(&idx, (uint64_t)a->samples_nr + b->samples_nr) < 0) {
        free(keys);
        free(net);
        return GM_ENOMEM;
    }
    uint32_t nr = 0;
    int rc = 0;
    for (int side = 0; side < 2 && !rc; side++) {
        const struct gm_profile *p = side ? b : a;
        uint32_t index = side ? ib : ia;
        const regex_t *drop = side ? o->base_drop : o->drop;
        for (uint32_t i = 0; i < p->samples_nr && !rc; i++) {
            if (!keep(p, drop, i, o)) {
                continue;
            }
            int64_t v = p->values[p->samples[i].val_off + index];
            v = side ? (v == INT64_MIN ? INT64_MAX : -v) : v;
            uint64_t h = stack_key(p, i);
            uint32_t pos = gm_htab_probe(&idx, (uint32_t)h), k;
            while ((k = gm_htab_next(&idx, (uint32_t)h, &pos)) != GM_HTAB_END && keys[k] != h) {
            }
            if (k == GM_HTAB_END) {
                k = nr++;
                keys[k] = h;
                net[k] = 0;
                rc = gm_htab_add(&idx, (uint32_t)h, k);
            }
            gm_sat_add(&net[k], v);
        }
    }
    *total = 0;
    for (uint32_t k = 0; k < nr && !rc; k++) {
        gm_sat_add(total, abs_sat(net[k]));
    }
    gm_htab_release(&idx);
    free(keys);
    free(net);
    return rc;
}

/* ---------------------------------------------------------------- top */

struct entry {
    uint32_t name_id;
    uint64_t stamp;
    int64_t flat, cum;
};

struct topb {
    struct gm_ptop *t;
    const struct gm_profile *prof; /* the profile being added */
    uint32_t *fcache;              /* its function index -> entry index, UINT32_MAX unknown */
    uint32_t *lcache; /* its location index -> entry index of a location with one line whose
                         function is known, else UINT32_MAX */
    struct entry *e;
    uint32_t nr, alloc;
    struct gm_htab by_name; /* gm_hash_u64(name_id) -> entry index */
    uint64_t stamp;
    int64_t value;
    int leaf;
    int err;
};

static struct entry *lookup(struct topb *b, const char *name)
{
    uint32_t id;
    if (gm_strtab_intern(&b->t->names, name, strlen(name), &id) < 0) {
        b->err = GM_ENOMEM;
        return NULL;
    }
    uint32_t h = gm_hash_u64(id), pos = gm_htab_probe(&b->by_name, h), v;
    while (b->e && (v = gm_htab_next(&b->by_name, h, &pos)) != GM_HTAB_END) {
        if (b->e[v].name_id == id) {
            return &b->e[v];
        }
    }
    if ((b->nr == b->alloc && GM_GROW(b->e, b->alloc, 256) < 0) ||
        gm_htab_add(&b->by_name, h, b->nr) < 0) {
        b->err = GM_ENOMEM;
        return NULL;
    }
    struct entry *e = &b->e[b->nr++];
    memset(e, 0, sizeof(*e));
    e->name_id = id;
    return e;
}

/* One frame of the current sample: its value is flat for the leaf, cum once per sample. */
static inline void count(struct topb *b, struct entry *e)
{
    if (b->leaf) {
        gm_sat_add(&e->flat, b->value);
        b->leaf = 0;
    }
    if (e->stamp != b->stamp) {
        e->stamp = b->stamp;
        gm_sat_add(&e->cum, b->value);
    }
}

static int top_frame(void *ctx, const char *func, const struct gm_pprof_line *line,
                     const struct gm_pprof_location *loc)
{
    struct topb *b = ctx;
    char addr[32];
    struct entry *e;
    if (line && line->func < b->prof->functions_nr) {
        /* a function's name is hashed once per profile, not once per frame */
        uint32_t ei = b->fcache[line->func];
        if (ei == UINT32_MAX || !b->e) { /* fcache only names existing entries */
            if (!(e = lookup(b, func))) {
                return 1;
            }
            b->fcache[line->func] = (uint32_t)(e - b->e);
        } else {
            e = &b->e[ei];
        }
    } else {
        if (!func) {
            snprintf(addr, sizeof(addr), "%#llx", (unsigned long long)loc->address);
            func = addr;
        }
        if (!(e = lookup(b, func))) {
            return 1;
        }
    }
    count(b, e);
    return 0;
}

static void add_profile(struct topb *b, const struct gm_profile *prof, uint32_t index, int negate,
                        const struct gm_pview_opts *o)
{
    b->prof = prof;
    free(b->fcache);
    b->fcache = gm_xmalloc(((size_t)prof->functions_nr + 1) * sizeof(uint32_t));
    if (!b->fcache) {
        b->err = GM_ENOMEM;
        return;
    }
    memset(b->fcache, 0xff, ((size_t)prof->functions_nr + 1) * sizeof(uint32_t));
    free(b->lcache);
    b->lcache = gm_xmalloc(((size_t)prof->locations_nr + 1) * sizeof(uint32_t));
    if (!b->lcache) {
        b->err = GM_ENOMEM;
        return;
    }
    memset(b->lcache, 0xff, ((size_t)prof->locations_nr + 1) * sizeof(uint32_t));
    const regex_t *drop = negate ? o->base_drop : o->drop;
    for (uint32_t i = 0; i < prof->samples_nr && !b->err; i++) {
        if (!keep(prof, drop, i, o)) {
            b->t->samples_dropped++;
            continue;
        }
        b->t->samples_kept++;
        int64_t v = prof->values[prof->samples[i].val_off + index];
        if (negate) {
            v = v == INT64_MIN ? INT64_MAX : -v;
        }
        if (v == 0) {
            continue;
        }
        gm_sat_add(&b->t->total, v);
        b->stamp++;
        b->value = v;
        b->leaf = 1;
        if (drop) {
            gm_pview_frames(prof, drop, i, top_frame, b);
            continue;
        }
        /* the common case inline: frames by function index, names only on first sight */
        const struct gm_pprof_sample *s = &prof->samples[i];
        for (uint32_t k = 0; k < s->loc_nr && !b->err; k++) {
            uint32_t li = prof->locs[s->loc_off + k];
            uint32_t le = b->lcache[li];
            if (le != UINT32_MAX && b->e) { /* one line, its function's entry known: one load */
                count(b, &b->e[le]);
                continue;
            }
            const struct gm_pprof_location *loc = &prof->locations[li];
            if (loc->line_nr == 0) {
                top_frame(b, NULL, NULL, loc);
                continue;
            }
            for (uint32_t l = 0; l < loc->line_nr; l++) {
                const struct gm_pprof_line *ln = &prof->lines[loc->line_off + l];
                uint32_t ei = ln->func < prof->functions_nr ? b->fcache[ln->func] : UINT32_MAX;
                if (ei != UINT32_MAX && b->e) { /* fcache only names existing entries */
                    count(b, &b->e[ei]);
                    continue;
                }
                top_frame(b, gm_profile_func_name(prof, ln), ln, loc);
            }
            if (loc->line_nr == 1 && !b->err) {
                const struct gm_pprof_line *ln = &prof->lines[loc->line_off];
                if (ln->func < prof->functions_nr) {
                    b->lcache[li] = b->fcache[ln->func];
                }
            }
        }
    }
}

static const struct gm_strtab *sort_names;

static int cmp_row(const void *x, const void *y)
{
    const struct gm_ptop_row *a = x, *b = y;
    /* |flat| in unsigned arithmetic: INT64_MIN has no signed negation */
    uint64_t fa = a->flat < 0 ? 0 - (uint64_t)a->flat : (uint64_t)a->flat;
    uint64_t fb = b->flat < 0 ? 0 - (uint64_t)b->flat : (uint64_t)b->flat;
    if (fa != fb) {
        return fa > fb ? -1 : 1;
    }
    /* pprof's FlatNameOrder: flat, then the name */
    return strcmp(gm_strtab_cstr(sort_names, a->name_id), gm_strtab_cstr(sort_names, b->name_id));
}

int gm_ptop_compute(const struct gm_profile *prof, const struct gm_pview_opts *o,
                    struct gm_ptop *out)
{
    memset(out, 0, sizeof(*out));
    if (o->sample_index >= prof->types_nr || (o->base && o->base_index >= o->base->types_nr)) {
        return GM_EINVAL;
    }
    GM_TRY(gm_strtab_init(&out->names, 0));
    struct topb b;
    memset(&b, 0, sizeof(b));
    b.t = out;
    if (gm_htab_init(&b.by_name, 128) < 0) {
        gm_ptop_release(out);
        return GM_ENOMEM;
    }
    add_profile(&b, prof, o->sample_index, 0, o);
    if (o->base) {
        add_profile(&b, o->base, o->base_index, 1, o);
        out->base_total = gm_profile_total(o->base, o->base_index); /* saturating */
        if (!b.err) {
            b.err = merged_total(prof, o->sample_index, o->base, o->base_index, o, &out->total);
        }
    }
    int rc = b.err;
    if (!rc) {
        out->rows = gm_xcalloc(b.nr ? b.nr : 1, sizeof(*out->rows));
        if (!out->rows) {
            rc = GM_ENOMEM;
        }
    }
    if (!rc) {
        /* pprof's node fraction: a function whose |cum| is under the cutoff is left out
           (before the sort, which is most of the cost when thousands are) */
        /* pprof's cutoff: a share of the merged total, with -diff_base too (whose header shows
         * the base's total) */
        double cut = (double)out->total * o->node_fraction;
        out->cutoff = cut >= 9.2e18 || cut <= -9.2e18 ? INT64_MAX : abs_sat((int64_t)cut);
        uint32_t n = 0;
        for (uint32_t i = 0; i < b.nr; i++) {
            if (b.e[i].flat == 0 && b.e[i].cum == 0) {
                continue;
            }
            if (abs_sat(b.e[i].cum) < out->cutoff) {
                out->dropped++;
                continue;
            }
            out->rows[n].name_id = b.e[i].name_id;
            out->rows[n].flat = b.e[i].flat;
            out->rows[n].cum = b.e[i].cum;
            n++;
        }
        out->nr = n;
        sort_names = &out->names;
        qsort(out->rows, n, sizeof(*out->rows), cmp_row);
    }
    free(b.e);
    gm_htab_release(&b.by_name);
    free(b.fcache);
    free(b.lcache);
    if (rc) {
        gm_ptop_release(out);
    }
    return rc;
}

void gm_ptop_release(struct gm_ptop *t)
{
    gm_strtab_release(&t->names);
    free(t->rows);
    memset(t, 0, sizeof(*t));
}

/* ---------------------------------------------------------------- formatting */

/* pprof drops a whole ".00" ("2MB") but keeps other decimals ("1.50MB", "0.10s"). */
static void trim(char *s)
{
    char *dot = strstr(s, ".00");
    if (dot && !(dot[3] >= '0' && dot[3] <= '9')) {
        memmove(dot, dot + 3, strlen(dot + 3) + 1);
    }
}

void gm_pview_format(char *buf, size_t cap, int64_t v, const char *unit)
{
    /* fabs of the double, not -v: -INT64_MIN overflows */
    double a = v < 0 ? -(double)v : (double)v;
    const char *sign = v < 0 ? "-" : "";
    if (v == 0) {
        snprintf(buf, cap, "0");
        return;
    }
    if (strcmp(unit, "bytes") == 0) {
        static const char *const u[] = {"B", "kB", "MB", "GB", "TB", "PB"};
        int k = 0;
        while (a >= 1024 && k < 5) {
            a /= 1024;
            k++;
        }
        if (k == 0) {
            snprintf(buf, cap, "%s%.0f%s", sign, a, u[k]);
        } else {
            snprintf(buf, cap, "%s%.2f%s", sign, a, u[k]);
        }
    } else if (strcmp(unit, "nanoseconds") == 0) {
        if (a >= 3600e9) {
            snprintf(buf, cap, "%s%.2fhrs", sign, a / 3600e9);
        } else if (a >= 60e9) {
            snprintf(buf, cap, "%s%.2fmins", sign, a / 60e9);
        } else if (a >= 1e9) {
            snprintf(buf, cap, "%s%.2fs", sign, a / 1e9);
        } else if (a >= 1e6) {
            snprintf(buf, cap, "%s%.2fms", sign, a / 1e6);
        } else if (a >= 1e3) {
            snprintf(buf, cap, "%s%.2fus", sign, a / 1e3);
        } else {
            snprintf(buf, cap, "%s%.0fns", sign, a);
        }
    } else {
        snprintf(buf, cap, "%lld", (long long)v);
        return;
    }
    trim(buf);
}
