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

#define KEY_MAX 4096 /* u32s of a site key: 2048 frames */

struct sitemap {
    uint32_t *slots; /* site index + 1 */
    uint32_t mask;
};

static uint32_t site_find(const struct sitemap *m, const struct gm_heap_result *r,
                          const uint32_t *kpool, uint64_t h, const uint32_t *key, uint32_t kn)
{
    uint32_t i = (uint32_t)(h >> 20) & m->mask;
    while (m->slots[i]) {
        const struct gm_heap_site *s = &r->sites[m->slots[i] - 1];
        if (s->key_len == kn &&
            memcmp(kpool + s->key_off, key, (size_t)kn * sizeof(uint32_t)) == 0) {
            return m->slots[i] - 1;
        }
        i = (i + 1) & m->mask;
    }
    return UINT32_MAX;
}

static void site_add(struct sitemap *m, uint32_t si, uint64_t h)
{
    uint32_t i = (uint32_t)(h >> 20) & m->mask;
    while (m->slots[i]) {
        i = (i + 1) & m->mask;
    }
    m->slots[i] = si + 1;
}

static int site_grow(struct sitemap *m, const uint64_t *hashes, uint32_t nr)
{
    uint32_t nmask = m->mask * 2 + 1;
    uint32_t *ns = calloc((size_t)nmask + 1, sizeof(uint32_t));
    if (!ns) {
        return GM_ENOMEM;
    }
    free(m->slots);
    m->slots = ns;
    m->mask = nmask;
    for (uint32_t si = 0; si < nr; si++) {
        site_add(m, si, hashes[si]);
    }
    return 0;
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
    /* stable and deterministic: first appearance (its key offset) */
    return a->key_off < b->key_off ? -1 : a->key_off > b->key_off;
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
    struct sitemap sm = {NULL, 1023};
    uint32_t *kpool = NULL;
    size_t kpool_nr = 0, kpool_alloc = 0;
    uint64_t *hashes = NULL;
    uint32_t sites_alloc = 0, funcs_alloc = 0;
    uint32_t *key = malloc(KEY_MAX * sizeof(uint32_t));
    if (!out->order || !out->t || !out->total || !isp || !iob || !key ||
        !(sm.slots = calloc(sm.mask + 1, sizeof(uint32_t)))) {
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
    /* one pass: a site's key is its frames as (interned name, line) pairs, built from ids
     * (each function's name is interned once per profile), so no text is formatted per
     * sample; series values go to a pool addressed by offset until the pool stops moving */
    size_t pool_nr = 0, pool_alloc = 0;
    for (uint32_t k = 0; k < n; k++) {
        const struct gm_profile *p = &profs[out->order[k]];
        uint32_t *fname = malloc(((size_t)p->functions_nr + 1) * sizeof(uint32_t));
        if (!fname) {
            rc = GM_ENOMEM;
            goto out;
        }
        memset(fname, 0xff, ((size_t)p->functions_nr + 1) * sizeof(uint32_t));
        for (uint32_t smp = 0; smp < p->samples_nr; smp++) {
            const struct gm_pprof_sample *sm_ = &p->samples[smp];
            uint32_t kn = 0, depth = 0, first_user = UINT32_MAX;
            for (uint32_t l = 0; l < sm_->loc_nr; l++) {
                const struct gm_pprof_location *loc = &p->locations[p->locs[sm_->loc_off + l]];
                uint32_t lines = loc->line_nr ? loc->line_nr : 1;
                for (uint32_t j = 0; j < lines; j++, depth++) {
                    uint32_t name, line = 0;
                    if (loc->line_nr) {
                        const struct gm_pprof_line *ln = &p->lines[loc->line_off + j];
                        uint32_t fi = ln->func < p->functions_nr ? ln->func : p->functions_nr;
                        if (fname[fi] == UINT32_MAX) {
                            const char *fn = gm_profile_func_name(p, ln);
                            if ((rc = gm_strtab_intern(&out->names, fn, strlen(fn), &fname[fi])) <
                                0) {
                                free(fname);
                                goto out;
                            }
                        }
                        name = fname[fi];
                        line = ln->line < 0            ? 0
                               : ln->line > UINT32_MAX ? UINT32_MAX
                                                       : (uint32_t)ln->line;
                    } else {
                        char fr[32];
                        int w = snprintf(fr, sizeof(fr), "%#llx", (unsigned long long)loc->address);
                        if ((rc = gm_strtab_intern(&out->names, fr, w > 0 ? (size_t)w : 0, &name)) <
                            0) {
                            free(fname);
                            goto out;
                        }
                    }
                    if (kn + 2 <= KEY_MAX) {
                        key[kn++] = name;
                        key[kn++] = line;
                    }
                    if (first_user == UINT32_MAX && (kn / 2) - 1 == depth) {
                        const char *fn = gm_strtab_cstr(&out->names, name);
                        if (gm_func_class((struct gm_str){fn, strlen(fn)}) & GM_FRAME_USER) {
                            first_user = depth;
                        }
                    }
                }
            }
            uint64_t h = gm_hash(key, (size_t)kn * sizeof(uint32_t));
            uint32_t si = site_find(&sm, out, kpool, h, key, kn);
            if (si == UINT32_MAX) {
                if (out->sites_nr == sites_alloc) {
                    uint32_t na = sites_alloc ? sites_alloc * 2 : 64;
                    struct gm_heap_site *ns = gm_xrealloc(out->sites, na * sizeof(*ns));
                    uint64_t *nh = gm_xrealloc(hashes, na * sizeof(*nh));
                    if (ns) {
                        out->sites = ns;
                    }
                    if (nh) {
                        hashes = nh;
                    }
                    if (!ns || !nh) {
                        free(fname);
                        rc = GM_ENOMEM;
                        goto out;
                    }
                    sites_alloc = na;
                }
                if (kpool_nr + kn > kpool_alloc) {
                    size_t na = kpool_alloc ? kpool_alloc * 2 : 4096;
                    while (na < kpool_nr + kn) {
                        na *= 2;
                    }
                    uint32_t *nk = gm_xrealloc(kpool, na * sizeof(uint32_t));
                    if (!nk) {
                        free(fname);
                        rc = GM_ENOMEM;
                        goto out;
                    }
                    kpool = nk;
                    kpool_alloc = na;
                }
                if (pool_nr + 2 * (size_t)n > pool_alloc) {
                    size_t na = pool_alloc ? pool_alloc * 2 : 4096;
                    while (na < pool_nr + 2 * (size_t)n) {
                        na *= 2;
                    }
                    double *np = gm_xrealloc(out->pool, na * sizeof(double));
                    if (!np) {
                        free(fname);
                        rc = GM_ENOMEM;
                        goto out;
                    }
                    out->pool = np;
                    pool_alloc = na;
                }
                si = out->sites_nr++;
                struct gm_heap_site *site = &out->sites[si];
                memset(site, 0, sizeof(*site));
                hashes[si] = h;
                site->key_off = (uint32_t)kpool_nr;
                site->key_len = kn;
                memcpy(kpool + kpool_nr, key, (size_t)kn * sizeof(uint32_t));
                kpool_nr += kn;
                site->series_off = pool_nr;
                memset(out->pool + pool_nr, 0, 2 * (size_t)n * sizeof(double));
                pool_nr += 2 * (size_t)n;
                site->depth = depth;
                site->frames_nr = 0;
                const char *fnames[GM_HEAP_FRAMES];
                for (uint32_t j = 0; j + 1 < kn && site->frames_nr < GM_HEAP_FRAMES; j += 2) {
                    site->frames[site->frames_nr] = key[j];
                    fnames[site->frames_nr] = gm_strtab_cstr(&out->names, key[j]);
                    site->frames_nr++;
                }
                site->alloc_id = site->frames_nr ? site->frames[0] : 0;
                site->func_id = first_user != UINT32_MAX && first_user < kn / 2
                                    ? key[2 * first_user]
                                    : site->alloc_id;
                site->hint = hint_for(fnames, site->frames_nr);
                site_add(&sm, si, h);
                if (out->sites_nr * 2 > sm.mask) {
                    if ((rc = site_grow(&sm, hashes, out->sites_nr)) < 0) {
                        free(fname);
                        goto out;
                    }
                }
            }
            struct gm_heap_site *site = &out->sites[si];
            double sp = (double)p->values[sm_->val_off + (uint32_t)isp[out->order[k]]];
            double ob = iob[out->order[k]] >= 0
                            ? (double)p->values[sm_->val_off + (uint32_t)iob[out->order[k]]]
                            : 0;
            out->pool[site->series_off + k] += sp;
            out->pool[site->series_off + n + k] += ob;
            out->total[k] += sp;
        }
        free(fname);
    }
    for (uint32_t si = 0; si < out->sites_nr; si++) {
        out->sites[si].space = out->pool + out->sites[si].series_off;
        out->sites[si].objects = out->sites[si].space + n;
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
    free(kpool);
    free(hashes);
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
