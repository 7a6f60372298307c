/*
 * Heap growth across profiles. Sites are found by interning a key built from each sample's
 * frames; series live in one pool (sites x profiles doubles). The fits reuse the GC
 * analysis's least squares and changepoint (gm_linfit, gm_changepoint).
 */
#include "gm/heapgrowth.h"
#include "gm/arena.h"
#include "gm/gcpressure.h"
#include "gm/stack.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_PEAK (64.0 * 1024)

const char *gm_heap_verdict_name(enum gm_heap_verdict v)
{
    static const char *const n[] = {"flat", "sawtooth", "step", "unbounded"};
    return (unsigned)v < 4 ? n[v] : "?";
}

enum gm_heap_verdict gm_heap_classify(const double *t, const double *y, uint32_t n, double *slope,
                                      double *r2, uint32_t *change)
{
    *slope = *r2 = 0;
    *change = 0;
    if (n < 3) {
        return GM_HEAP_FLAT;
    }
    double peak = 0;
    uint32_t drops = 0;
    for (uint32_t i = 0; i < n; i++) {
        peak = GM_MAX(peak, y[i]);
        if (i && y[i - 1] > 0 && y[i] < 0.7 * y[i - 1]) {
            drops++;
        }
    }
    *slope = gm_linfit(t, y, n, r2);
    if (peak < MIN_PEAK) {
        return GM_HEAP_FLAT;
    }
    if (drops >= 2) {
        return GM_HEAP_SAWTOOTH;
    }
    uint32_t k = gm_changepoint(t, y, n);
    uint32_t seg = n - k;
    double s2, q2;
    s2 = gm_linfit(t + k, y + k, seg, &q2);
    uint32_t up = 0;
    for (uint32_t i = k + 1; i < n; i++) {
        up += y[i] > y[i - 1];
    }
    /* still rising at the end? */
    uint32_t tail = n / 3 < 3 ? 3 : n / 3;
    double ts, tr2;
    ts = gm_linfit(t + (n - tail), y + (n - tail), tail, &tr2);
    double growth = y[n - 1] - y[k];
    if (seg >= 3 && s2 > 0 && q2 >= 0.8 && up * 10 >= (seg - 1) * 7 && ts > 0.3 * s2 &&
        growth >= 0.2 * peak) {
        *slope = s2;
        *r2 = q2;
        *change = k;
        return GM_HEAP_UNBOUNDED;
    }
    /* step: the first part holds the growth, the tail is flat */
    double early = y[n - tail] - y[0];
    if (early >= 0.2 * peak && fabs(ts) * (t[n - 1] - t[n - tail]) <= 0.1 * early) {
        return GM_HEAP_STEP;
    }
    return GM_HEAP_FLAT;
}

static const char *hint_for(const char *const *funcs, uint32_t nr)
{
    static const struct {
        const char *prefix;
        const char *hint;
    } hints[] = {
        {"runtime.growslice", "a slice keeps growing (append): bound it or reslice it"},
        {"runtime.mapassign", "a map keeps growing: evict entries (LRU/TTL) or bound it"},
        {"runtime.makemap", "maps are created and kept: who holds them?"},
        {"runtime.hashGrow", "a map keeps growing: evict entries (LRU/TTL) or bound it"},
        {"bytes.(*Buffer).grow", "bytes.Buffer growth: buffers are kept or reused at peak size"},
        {"bytes.growSlice", "bytes.Buffer growth: buffers are kept or reused at peak size"},
        {"strings.(*Builder).grow", "strings.Builder growth: builders are kept"},
        {"bufio.", "bufio buffers are kept: readers/writers per connection not released"},
        {"sync.(*Pool)", "sync.Pool holds growing objects: reset or drop oversized ones"},
        {"runtime.malg", "goroutine stacks: the number of goroutines grows (gomedic goroutines)"},
        {"runtime.newproc",
         "goroutine stacks: the number of goroutines grows (gomedic goroutines)"},
    };
    for (uint32_t i = 0; i < nr; i++) {
        for (size_t h = 0; h < GM_ARRAY_NR(hints); h++) {
            if (strncmp(funcs[i], hints[h].prefix, strlen(hints[h].prefix)) == 0) {
                return hints[h].hint;
            }
        }
    }
    return NULL;
}

struct idx_map {
    uint32_t *slots;
    uint32_t mask;
};

static int map_get(const struct idx_map *m, uint32_t key, const uint32_t *keys, uint32_t *out)
{
    uint32_t i = (key * 2654435761u) & m->mask;
    while (m->slots[i]) {
        if (keys[m->slots[i] - 1] == key) {
            *out = m->slots[i] - 1;
            return 1;
        }
        i = (i + 1) & m->mask;
    }
    return 0;
}

static int map_put(struct idx_map *m, uint32_t key, uint32_t value)
{
    uint32_t i = (key * 2654435761u) & m->mask;
    while (m->slots[i]) {
        i = (i + 1) & m->mask;
    }
    m->slots[i] = value + 1;
    return 0;
}

static int map_init(struct idx_map *m, uint32_t n)
{
    m->mask = 255;
    while (m->mask < n * 2 + 1) {
        m->mask = m->mask * 2 + 1;
    }
    m->slots = calloc((size_t)m->mask + 1, sizeof(uint32_t));
    return m->slots ? 0 : GM_ENOMEM;
}

static const struct gm_profile *sort_profs;

static int cmp_time(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    int64_t ta = sort_profs[a].time_nanos, tb = sort_profs[b].time_nanos;
    if (ta != tb) {
        return ta < tb ? -1 : 1;
    }
    return a < b ? -1 : a > b;
}

static uint32_t sort_n;

static int cmp_site(const void *x, const void *y)
{
    const struct gm_heap_site *a = x, *b = y;
    if (a->verdict != b->verdict) {
        return a->verdict > b->verdict ? -1 : 1;
    }
    if (a->verdict == GM_HEAP_UNBOUNDED && a->slope != b->slope) {
        return a->slope > b->slope ? -1 : 1;
    }
    double la = a->space[sort_n - 1], lb = b->space[sort_n - 1];
    if (la != lb) {
        return la > lb ? -1 : 1;
    }
    return a->key_id < b->key_id ? -1 : a->key_id > b->key_id;
}

int gm_heap_analyze(const struct gm_profile *profs, uint32_t n, struct gm_heap_result *out)
{
    memset(out, 0, sizeof(*out));
    if (n == 0) {
        return GM_EINVAL;
    }
    int rc = gm_strtab_init(&out->names, 0);
    if (rc < 0) {
        return rc;
    }
    out->profiles = n;
    out->order = calloc(n, sizeof(uint32_t));
    out->t = calloc(n, sizeof(double));
    out->total = calloc(n, sizeof(double));
    int *isp = calloc(n, sizeof(int)), *iob = calloc(n, sizeof(int));
    struct idx_map sm = {0};
    uint32_t sites_alloc = 0, funcs_alloc = 0;
    char *key = malloc(1 << 16);
    uint32_t *keys = NULL; /* site key ids, for the map */
    if (!out->order || !out->t || !out->total || !isp || !iob || !key ||
        (rc = map_init(&sm, 1024)) < 0) {
        rc = rc < 0 ? rc : GM_ENOMEM;
        goto out;
    }
    for (uint32_t i = 0; i < n; i++) {
        isp[i] = gm_profile_type_index(&profs[i], "inuse_space");
        iob[i] = gm_profile_type_index(&profs[i], "inuse_objects");
        if (isp[i] < 0) {
            rc = GM_EINVAL;
            goto out;
        }
        out->order[i] = i;
    }
    sort_profs = profs;
    qsort(out->order, n, sizeof(uint32_t), cmp_time);
    out->timed = 1;
    for (uint32_t k = 0; k < n; k++) {
        if (profs[out->order[k]].time_nanos == 0) {
            out->timed = 0;
        }
    }
    for (uint32_t k = 0; k < n; k++) {
        out->t[k] =
            out->timed
                ? (double)(profs[out->order[k]].time_nanos - profs[out->order[0]].time_nanos) / 1e9
                : (double)k;
    }
    /* pass 1: sites */
    for (uint32_t k = 0; k < n; k++) {
        const struct gm_profile *p = &profs[out->order[k]];
        for (uint32_t s = 0; s < p->samples_nr; s++) {
            const struct gm_pprof_sample *sm_ = &p->samples[s];
            size_t kl = 0;
            const char *fnames[GM_HEAP_FRAMES];
            uint32_t fnr = 0, depth = 0, first_user = UINT32_MAX;
            for (uint32_t l = 0; l < sm_->loc_nr; l++) {
                const struct gm_pprof_location *loc = &p->locations[p->locs[sm_->loc_off + l]];
                for (uint32_t j = 0; j < loc->line_nr || (j == 0 && loc->line_nr == 0); j++) {
                    char fr[600];
                    const char *fn = "?";
                    int64_t line = 0;
                    if (loc->line_nr) {
                        const struct gm_pprof_line *ln = &p->lines[loc->line_off + j];
                        fn = gm_profile_func_name(p, ln);
                        line = ln->line;
                    }
                    int w = loc->line_nr ? snprintf(fr, sizeof(fr), "%s:%lld", fn, (long long)line)
                                         : snprintf(fr, sizeof(fr), "%#llx",
                                                    (unsigned long long)loc->address);
                    size_t fl = w < 0 ? 0 : (size_t)w >= sizeof(fr) ? sizeof(fr) - 1 : (size_t)w;
                    if (kl + fl + 1 < (1 << 16)) {
                        memcpy(key + kl, fr, fl);
                        kl += fl;
                        key[kl++] = '\n';
                    }
                    if (fnr < GM_HEAP_FRAMES) {
                        fnames[fnr++] = loc->line_nr ? fn : "?";
                    }
                    if (first_user == UINT32_MAX && loc->line_nr &&
                        (gm_func_class((struct gm_str){fn, strlen(fn)}) & GM_FRAME_USER)) {
                        first_user = depth;
                    }
                    depth++;
                }
            }
            uint32_t kid;
            if ((rc = gm_strtab_intern(&out->names, key, kl, &kid)) < 0) {
                goto out;
            }
            uint32_t si;
            if (!map_get(&sm, kid, keys, &si)) {
                if (out->sites_nr == sites_alloc) {
                    uint32_t na = sites_alloc ? sites_alloc * 2 : 64;
                    struct gm_heap_site *ns = gm_xrealloc(out->sites, na * sizeof(*ns));
                    if (!ns) {
                        rc = GM_ENOMEM;
                        goto out;
                    }
                    out->sites = ns;
                    uint32_t *nk = gm_xrealloc(keys, na * sizeof(*nk));
                    if (!nk) {
                        rc = GM_ENOMEM;
                        goto out;
                    }
                    keys = nk;
                    sites_alloc = na;
                }
                assert(keys != NULL && out->sites != NULL); /* grown just above */
                si = out->sites_nr++;
                struct gm_heap_site *site = &out->sites[si];
                memset(site, 0, sizeof(*site));
                site->key_id = kid;
                keys[si] = kid;
                site->depth = depth;
                site->frames_nr = fnr;
                for (uint32_t j = 0; j < fnr; j++) {
                    if ((rc = gm_strtab_intern(&out->names, fnames[j], strlen(fnames[j]),
                                               &site->frames[j])) < 0) {
                        goto out;
                    }
                }
                site->alloc_id = fnr ? site->frames[0] : 0;
                site->func_id = first_user != UINT32_MAX && first_user < fnr
                                    ? site->frames[first_user]
                                    : site->alloc_id;
                site->hint = hint_for(fnames, fnr);
                if (out->sites_nr * 2 > sm.mask) {
                    free(sm.slots);
                    if ((rc = map_init(&sm, out->sites_nr * 2)) < 0) {
                        goto out;
                    }
                    for (uint32_t q = 0; q < out->sites_nr; q++) {
                        map_put(&sm, keys[q], q);
                    }
                } else {
                    map_put(&sm, kid, si);
                }
            }
        }
    }
    /* pass 2: series */
    size_t cells = (size_t)out->sites_nr * n * 2;
    out->pool = calloc(cells ? cells : 1, sizeof(double));
    if (!out->pool) {
        rc = GM_ENOMEM;
        goto out;
    }
    for (uint32_t si = 0; si < out->sites_nr; si++) {
        out->sites[si].space = out->pool + (size_t)si * n * 2;
        out->sites[si].objects = out->sites[si].space + n;
    }
    for (uint32_t k = 0; k < n; k++) {
        const struct gm_profile *p = &profs[out->order[k]];
        for (uint32_t s = 0; s < p->samples_nr; s++) {
            const struct gm_pprof_sample *sm_ = &p->samples[s];
            size_t kl = 0;
            for (uint32_t l = 0; l < sm_->loc_nr; l++) {
                const struct gm_pprof_location *loc = &p->locations[p->locs[sm_->loc_off + l]];
                for (uint32_t j = 0; j < loc->line_nr || (j == 0 && loc->line_nr == 0); j++) {
                    char fr[600];
                    int w;
                    if (loc->line_nr) {
                        const struct gm_pprof_line *ln = &p->lines[loc->line_off + j];
                        w = snprintf(fr, sizeof(fr), "%s:%lld", gm_profile_func_name(p, ln),
                                     (long long)ln->line);
                    } else {
                        w = snprintf(fr, sizeof(fr), "%#llx", (unsigned long long)loc->address);
                    }
                    size_t fl = w < 0 ? 0 : (size_t)w >= sizeof(fr) ? sizeof(fr) - 1 : (size_t)w;
                    if (kl + fl + 1 < (1 << 16)) {
                        memcpy(key + kl, fr, fl);
                        kl += fl;
                        key[kl++] = '\n';
                    }
                }
            }
            uint32_t kid, si;
            if ((rc = gm_strtab_intern(&out->names, key, kl, &kid)) < 0) {
                goto out;
            }
            if (!map_get(&sm, kid, keys, &si)) {
                continue;
            }
            double sp = (double)p->values[sm_->val_off + (uint32_t)isp[out->order[k]]];
            double ob = iob[out->order[k]] >= 0
                            ? (double)p->values[sm_->val_off + (uint32_t)iob[out->order[k]]]
                            : 0;
            out->sites[si].space[k] += sp;
            out->sites[si].objects[k] += ob;
            out->total[k] += sp;
        }
    }
    for (uint32_t si = 0; si < out->sites_nr; si++) {
        struct gm_heap_site *s = &out->sites[si];
        s->verdict = gm_heap_classify(out->t, s->space, n, &s->slope, &s->r2, &s->change);
        s->growth = s->space[n - 1] - s->space[0];
        s->per_hour = out->timed ? s->slope * 3600 : 0;
    }
    out->total_verdict = gm_heap_classify(out->t, out->total, n, &out->total_slope, &out->total_r2,
                                          &out->total_change);
    /* roll up per function */
    for (uint32_t si = 0; si < out->sites_nr; si++) {
        struct gm_heap_site *s = &out->sites[si];
        uint32_t fi = UINT32_MAX;
        for (uint32_t q = 0; q < out->funcs_nr; q++) {
            if (out->funcs[q].func_id == s->func_id) {
                fi = q;
                break;
            }
        }
        if (fi == UINT32_MAX) {
            if (out->funcs_nr == funcs_alloc) {
                uint32_t na = funcs_alloc ? funcs_alloc * 2 : 32;
                struct gm_heap_func *nf = gm_xrealloc(out->funcs, na * sizeof(*nf));
                if (!nf) {
                    rc = GM_ENOMEM;
                    goto out;
                }
                out->funcs = nf;
                funcs_alloc = na;
            }
            fi = out->funcs_nr++;
            memset(&out->funcs[fi], 0, sizeof(out->funcs[fi]));
            out->funcs[fi].func_id = s->func_id;
            out->funcs[fi].space = calloc(n, sizeof(double));
            if (!out->funcs[fi].space) {
                rc = GM_ENOMEM;
                goto out;
            }
        }
        for (uint32_t k = 0; k < n; k++) {
            out->funcs[fi].space[k] += s->space[k];
        }
    }
    for (uint32_t q = 0; q < out->funcs_nr; q++) {
        struct gm_heap_func *f = &out->funcs[q];
        f->verdict = gm_heap_classify(out->t, f->space, n, &f->slope, &f->r2, &f->change);
    }
    if (out->sites_nr) {
        sort_n = n;
        qsort(out->sites, out->sites_nr, sizeof(*out->sites), cmp_site);
    }
    rc = 0;
out:
    free(sm.slots);
    free(keys);
    free(key);
    free(isp);
    free(iob);
    if (rc < 0) {
        gm_heap_release(out);
    }
    return rc;
}

void gm_heap_release(struct gm_heap_result *r)
{
    for (uint32_t q = 0; q < r->funcs_nr; q++) {
        free(r->funcs[q].space);
    }
    free(r->funcs);
    free(r->sites);
    free(r->pool);
    free(r->order);
    free(r->t);
    free(r->total);
    gm_strtab_release(&r->names);
    memset(r, 0, sizeof(*r));
}
