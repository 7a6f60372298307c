/*
 * Heap growth across profiles. Sites are found by interning a key built from each sample's
 * frames; series live in one pool (sites x profiles doubles). The fits reuse the GC
 * analysis's least squares and changepoint (gm_linfit, gm_changepoint).
 */
#include "gm/heapgrowth.h"
#include "gm/alloc.h"
#include "gm/hashtab.h"
#include "gm/gcpressure.h"
#include "gm/stack.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define MIN_PEAK (64.0 * 1024)

const char *gm_heap_verdict_name(enum gm_heap_verdict v)
{
    static const char *const n[] = {"flat", "sawtooth", "step", "unbounded"};
    return (unsigned)v < 4 ? n[v] : "?";
}

const char *gm_heap_scope_name(enum gm_heap_scope s)
{
    static const char *const n[] = {"function", "allocator", "total"};
    return (unsigned)s < 3 ? n[s] : "?";
}

enum gm_severity gm_heap_severity(double per_hour)
{
    double a = per_hour < 0 ? -per_hour : per_hour;
    return a >= 1e9   ? GM_SEV_CRITICAL
           : a >= 1e8 ? GM_SEV_HIGH
           : a >= 1e7 ? GM_SEV_MEDIUM
                      : GM_SEV_LOW;
}

int gm_heap_site_severity(const struct gm_heap_site *s)
{
    return s->verdict == GM_HEAP_UNBOUNDED ? (int)gm_heap_severity(s->per_hour) : -1;
}

enum gm_heap_verdict gm_heap_classify(const double *t, const double *y, uint32_t n, double *slope,
                                      double *r2, uint32_t *change, double *scratch)
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
    }
    /* a saw-tooth drop: by 30%, and by a tenth of the peak (the fluctuations of a small heap
     * before a leak takes off are not collections of what it grew) */
    for (uint32_t i = 1; i < n; i++) {
        if (y[i - 1] > 0 && y[i] < 0.7 * y[i - 1] && y[i - 1] - y[i] >= 0.1 * peak) {
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
    uint32_t k = gm_changepoint(t, y, n, scratch);
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
    /* most steps rise; with a tight line (R^2 >= 0.9) half of them is enough: GC timing and
     * caches add noise to a real leak's steps without bending its line */
    uint32_t need = q2 >= 0.9 ? 5 : 7;
    if (seg >= 3 && s2 > 0 && q2 >= 0.8 && up * 10 >= (seg - 1) * need && ts > 0.3 * s2 &&
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
    /* a late jump: flat, then up by a fifth of the peak within the last third, ending near
     * the peak. Too few profiles after it to call it a leak, but never "flat": a step (the
     * next profiles tell whether it goes on) */
    if (y[n - 1] - y[n - tail] >= 0.2 * peak && y[n - 1] >= 0.8 * peak && y[0] < 0.8 * peak) {
        *change = k;
        return GM_HEAP_STEP;
    }
    return GM_HEAP_FLAT;
}

static const char *hint_for(const char *const *funcs, uint32_t nr)
{
#define HINT(prefix, text)                                                                         \
    {                                                                                              \
        prefix, sizeof(prefix) - 1, text                                                           \
    }
    static const struct {
        const char *prefix;
        size_t len;
        const char *hint;
    } hints[] = {
        HINT("runtime.growslice",
             "a slice keeps growing through append: bound it, or copy out what you keep"),
        HINT("runtime.mapassign", "a map keeps growing: evict entries (LRU/TTL) or bound it"),
        HINT("runtime.makemap", "maps are created and kept: who holds them?"),
        HINT("runtime.hashGrow", "a map keeps growing: evict entries (LRU/TTL) or bound it"),
        HINT("bytes.(*Buffer).grow",
             "bytes.Buffer growth (append doubles its array): buffers kept or "
             "reused at peak size: Reset them, drop oversized ones"),
        HINT("bytes.growSlice", "bytes.Buffer growth (append doubles its array): buffers kept or "
                                "reused at peak size: Reset them, drop oversized ones"),
        HINT("strings.(*Builder).grow",
             "strings.Builder growth (append doubles its array): builders are kept: keep the "
             "String(), not the builder"),
        HINT("bufio.", "bufio buffers are kept: readers/writers per connection not released"),
        HINT("sync.(*Pool)", "objects put back in a sync.Pool keep their grown size: Reset them "
                             "before Put and drop oversized ones"),
        HINT("runtime.malg",
             "goroutine stacks: the number of goroutines grows (gomedic goroutines)"),
        HINT("runtime.newproc",
             "goroutine stacks: the number of goroutines grows (gomedic goroutines)"),
    };
#undef HINT
    for (uint32_t i = 0; i < nr; i++) {
        const char *f = funcs[i];
        /* every prefix starts with b, r or s: most frames are rejected by their first byte */
        if (!f || (f[0] != 'b' && f[0] != 'r' && f[0] != 's')) {
            continue;
        }
        for (size_t h = 0; h < GM_ARRAY_NR(hints); h++) {
            if (f[0] == hints[h].prefix[0] && strncmp(f, hints[h].prefix, hints[h].len) == 0) {
                return hints[h].hint;
            }
        }
    }
    return NULL;
}

#define KEY_MAX 4096 /* u32s of a site key: 2048 frames */

/* The site whose key is key[0..kn) (hash h), or UINT32_MAX. Keys are stored one after another
 * in kpool, so site si's key is kpool[koffs[si] .. koffs[si + 1]). */
static uint32_t site_find(const struct gm_htab *idx, const uint32_t *koffs, uint32_t sites_nr,
                          size_t kpool_nr, const uint32_t *kpool, uint64_t h, const uint32_t *key,
                          uint32_t kn)
{
    uint32_t pos = gm_htab_probe(idx, (uint32_t)h), si;
    while ((si = gm_htab_next(idx, (uint32_t)h, &pos)) != GM_HTAB_END) {
        size_t end = si + 1 < sites_nr ? koffs[si + 1] : kpool_nr;
        if (end - koffs[si] == kn &&
            memcmp(kpool + koffs[si], key, (size_t)kn * sizeof(uint32_t)) == 0) {
            return si;
        }
    }
    return UINT32_MAX;
}

static const int64_t *sort_times;

static int cmp_time(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    int64_t ta = sort_times[a], tb = sort_times[b];
    if (ta != tb) {
        return ta < tb ? -1 : 1;
    }
    return a < b ? -1 : a > b;
}

static uint32_t sort_n;
static const uint32_t *sort_kpool;
static const struct gm_strtab *sort_names;

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
    /* deterministic whatever order the profiles came in: by the key's frames (name, line) */
    const uint32_t *ka = sort_kpool + a->key_off, *kb = sort_kpool + b->key_off;
    for (uint32_t j = 0; j + 1 < a->key_len && j + 1 < b->key_len; j += 2) {
        if (ka[j] != kb[j]) {
            return strcmp(gm_strtab_cstr(sort_names, ka[j]), gm_strtab_cstr(sort_names, kb[j]));
        }
        if (ka[j + 1] != kb[j + 1]) {
            return ka[j + 1] < kb[j + 1] ? -1 : 1;
        }
    }
    return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

struct gm_heap_builder {
    struct gm_heap_result r; /* filled column by column: column i = i-th profile added */
    uint32_t added;
    int64_t *times;           /* time_nanos per column */
    struct gm_htab sites_idx; /* low 32 bits of a site key's hash -> site index */
    uint32_t *kpool;          /* site keys, one after another */
    size_t kpool_nr, kpool_alloc;
    uint32_t *koffs; /* per site: its key's offset in kpool */
    uint32_t sites_alloc;
    size_t pool_nr, pool_alloc;
    uint32_t key[KEY_MAX];
};

struct gm_heap_builder *gm_heap_begin(uint32_t n)
{
    if (n == 0) {
        return NULL;
    }
    struct gm_heap_builder *b = gm_xcalloc(1, sizeof(*b));
    if (!b) {
        return NULL;
    }
    struct gm_heap_result *out = &b->r;
    out->profiles = n;
    out->order = gm_xcalloc(n, sizeof(uint32_t));
    out->t = gm_xcalloc(n, sizeof(double));
    out->total = gm_xcalloc(n, sizeof(double));
    b->times = gm_xcalloc(n, sizeof(int64_t));
    b->kpool_alloc = 4096; /* never NULL, even when every key is empty */
    b->kpool = gm_xmalloc(b->kpool_alloc * sizeof(uint32_t));
    if (gm_strtab_init(&out->names, 0) < 0 || !out->order || !out->t || !out->total || !b->times ||
        gm_htab_init(&b->sites_idx, 512) < 0 || !b->kpool) {
        gm_heap_abort(b);
        return NULL;
    }
    return b;
}

void gm_heap_abort(struct gm_heap_builder *b)
{
    if (!b) {
        return;
    }
    gm_heap_release(&b->r);
    free(b->times);
    gm_htab_release(&b->sites_idx);
    free(b->kpool);
    free(b->koffs);
    free(b);
}

/* A new site for the key in b->key[0..kn): its key, hash, an empty series and its frames. */
static int site_new(struct gm_heap_builder *b, uint64_t h, uint32_t kn, uint32_t depth,
                    uint32_t first_user, uint32_t *si_out)
{
    struct gm_heap_result *out = &b->r;
    uint32_t n = out->profiles;
    if (out->sites_nr == b->sites_alloc) {
        uint32_t na = b->sites_alloc ? b->sites_alloc * 2 : 64;
        struct gm_heap_site *ns = gm_xrealloc(out->sites, na * sizeof(*ns));
        if (!ns) {
            return GM_ENOMEM;
        }
        out->sites = ns;
        uint32_t *no = gm_xrealloc(b->koffs, na * sizeof(*no));
        if (!no) {
            return GM_ENOMEM;
        }
        b->koffs = no;
        b->sites_alloc = na;
    }
    if (b->kpool_nr + kn > b->kpool_alloc) {
        size_t na = b->kpool_alloc * 2;
        while (na < b->kpool_nr + kn) {
            na *= 2;
        }
        if (na > UINT32_MAX) {
            return GM_ETOOBIG;
        }
        uint32_t *nk = gm_xrealloc(b->kpool, na * sizeof(uint32_t));
        if (!nk) {
            return GM_ENOMEM;
        }
        b->kpool = nk;
        b->kpool_alloc = na;
    }
    if (b->pool_nr + 2 * (size_t)n > b->pool_alloc) {
        size_t na = b->pool_alloc ? b->pool_alloc * 2 : 4096;
        while (na < b->pool_nr + 2 * (size_t)n) {
            na *= 2;
        }
        double *np = gm_xrealloc(out->pool, na * sizeof(double));
        if (!np) {
            return GM_ENOMEM;
        }
        out->pool = np;
        b->pool_alloc = na;
    }
    GM_TRY(gm_htab_add(&b->sites_idx, (uint32_t)h, out->sites_nr));
    uint32_t si = out->sites_nr++;
    struct gm_heap_site *site = &out->sites[si];
    memset(site, 0, sizeof(*site));
    b->koffs[si] = (uint32_t)b->kpool_nr;
    site->key_off = (uint32_t)b->kpool_nr;
    site->key_len = kn;
    memcpy(b->kpool + b->kpool_nr, b->key, (size_t)kn * sizeof(uint32_t));
    b->kpool_nr += kn;
    site->series_off = b->pool_nr;
    memset(out->pool + b->pool_nr, 0, 2 * (size_t)n * sizeof(double));
    b->pool_nr += 2 * (size_t)n;
    site->depth = depth;
    const char *fnames[GM_HEAP_FRAMES] = {0};
    for (uint32_t j = 0; j + 1 < kn && site->frames_nr < GM_HEAP_FRAMES; j += 2) {
        site->frames[site->frames_nr] = b->key[j];
        fnames[site->frames_nr] = gm_strtab_cstr(&out->names, b->key[j]);
        site->frames_nr++;
    }
    site->alloc_id = site->frames_nr ? site->frames[0] : 0;
    site->line = kn >= 2 ? b->key[1] : 0;
    site->func_id =
        first_user != UINT32_MAX && first_user < kn / 2 ? b->key[2 * first_user] : site->alloc_id;
    site->hint = hint_for(fnames, site->frames_nr);
    *si_out = si;
    return 0;
}

/* Adds every sample of p to its site's series in column k: a site's key is its frames as
 * (interned name, line) pairs, built from ids (each function's name is interned once per
 * profile), so no text is formatted per sample. laddr: per location of p, the interned
 * address of an unsymbolized one (UINT32_MAX until seen). fname/fuser: per function id of p, its
 * interned name (UINT32_MAX until seen) and whether it is user code. */
static int add_samples(struct gm_heap_builder *b, const struct gm_profile *p, uint32_t k,
                       uint32_t *laddr, uint32_t *fname, uint8_t *fuser)
{
    struct gm_heap_result *out = &b->r;
    uint32_t n = out->profiles;
    int isp = gm_profile_inuse_index(p);
    int iob = gm_profile_type_index(p, "inuse_objects");
    if (iob < 0 && p->legacy) {
        iob = gm_profile_type_index(p, "objects"); /* one pair: the in-use one */
    }
    int rc;
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
                        size_t fl = strlen(fn);
                        if ((rc = gm_strtab_intern(&out->names, fn, fl, &fname[fi])) < 0) {
                            return rc;
                        }
                        fuser[fi] = (gm_func_class((struct gm_str){fn, fl}) & GM_FRAME_USER) != 0;
                    }
                    name = fname[fi];
                    if (first_user == UINT32_MAX && kn / 2 == depth && fuser[fi]) {
                        first_user = depth;
                    }
                    line = ln->line < 0            ? 0
                           : ln->line > UINT32_MAX ? UINT32_MAX
                                                   : (uint32_t)ln->line;
                } else {
                    uint32_t li = p->locs[sm_->loc_off + l];
                    if (laddr[li] == UINT32_MAX) {
                        char fr[32];
                        int w = snprintf(fr, sizeof(fr), "%#llx", (unsigned long long)loc->address);
                        if ((rc = gm_strtab_intern(&out->names, fr, w > 0 ? (size_t)w : 0,
                                                   &laddr[li])) < 0) {
                            return rc;
                        }
                    }
                    name = laddr[li];
                }
                if (kn + 2 <= KEY_MAX) {
                    b->key[kn++] = name;
                    b->key[kn++] = line;
                }
            }
        }
        uint64_t h = gm_hash(b->key, (size_t)kn * sizeof(uint32_t));
        uint32_t si =
            site_find(&b->sites_idx, b->koffs, out->sites_nr, b->kpool_nr, b->kpool, h, b->key, kn);
        if (si == UINT32_MAX && (rc = site_new(b, h, kn, depth, first_user, &si)) < 0) {
            return rc;
        }
        /* a site's series sit at series_off = si * 2n: space, then objects */
        double *series = out->pool + (size_t)si * 2 * n;
        double sp = (double)p->values[sm_->val_off + (uint32_t)isp];
        series[k] += sp;
        series[n + k] += iob >= 0 ? (double)p->values[sm_->val_off + (uint32_t)iob] : 0;
        out->total[k] += sp;
    }
    return 0;
}

int gm_heap_add(struct gm_heap_builder *b, const struct gm_profile *p)
{
    if (b->added == b->r.profiles) {
        return GM_EINVAL;
    }
    if (gm_profile_inuse_index(p) < 0) {
        return GM_EINVAL;
    }
    uint32_t k = b->added++;
    b->times[k] = p->time_nanos;
    uint32_t *fname = gm_xmalloc(((size_t)p->functions_nr + 1) * sizeof(uint32_t));
    uint8_t *fuser = gm_xmalloc((size_t)p->functions_nr + 1);
    uint32_t *laddr = gm_xmalloc(((size_t)p->locations_nr + 1) * sizeof(uint32_t));
    int rc = GM_ENOMEM;
    if (fname && fuser && laddr) {
        memset(fname, 0xff, ((size_t)p->functions_nr + 1) * sizeof(uint32_t));
        memset(laddr, 0xff, ((size_t)p->locations_nr + 1) * sizeof(uint32_t));
        rc = add_samples(b, p, k, laddr, fname, fuser);
    }
    free(fname);
    free(fuser);
    free(laddr);
    return rc;
}

/* Puts the columns of every series in time order (order[k] = column of position k). */
static void reorder_columns(struct gm_heap_result *out, double *tmp)
{
    uint32_t n = out->profiles;
    size_t rows = 2 * (size_t)out->sites_nr;
    for (size_t r = 0; r <= rows; r++) {
        double *y = r < rows ? out->pool + r * n : out->total;
        for (uint32_t k = 0; k < n; k++) {
            tmp[k] = y[out->order[k]];
        }
        memcpy(y, tmp, n * sizeof(double));
    }
}

/* Sums the sites' series per function (by_alloc = 0: the first user frame) or per allocating
 * library function (by_alloc = 1: the leaf of sites whose leaf is not their user frame), in the
 * order of each group's first-ranked site, and classifies each sum. */
static int group_sites(struct gm_heap_result *out, int by_alloc, double *scratch)
{
    uint32_t n = out->profiles, alloc = 0, nr = 0;
    struct gm_heap_func *g = NULL;
    struct gm_htab idx; /* gm_hash_u64(id) -> group index */
    GM_TRY(gm_htab_init(&idx, out->sites_nr));
    int rc = 0;
    for (uint32_t si = 0; si < out->sites_nr && rc == 0; si++) {
        struct gm_heap_site *s = &out->sites[si];
        uint32_t id = by_alloc ? s->alloc_id : s->func_id;
        if (by_alloc && s->alloc_id == s->func_id) {
            s->alloc_ix = UINT32_MAX;
            continue;
        }
        uint32_t h = gm_hash_u64(id), pos = gm_htab_probe(&idx, h), gi = GM_HTAB_END;
        while (g && (gi = gm_htab_next(&idx, h, &pos)) != GM_HTAB_END && g[gi].func_id != id) {
        }
        if (gi == GM_HTAB_END) {
            if ((nr == alloc && GM_GROW(g, alloc, 32) < 0) || gm_htab_add(&idx, h, nr) < 0) {
                rc = GM_ENOMEM;
                break;
            }
            gi = nr;
            memset(&g[gi], 0, sizeof(g[gi]));
            g[gi].func_id = id;
            if (!(g[gi].space = gm_xcalloc(n, sizeof(double)))) {
                rc = GM_ENOMEM;
                break;
            }
            nr++;
        }
        *(by_alloc ? &s->alloc_ix : &s->func_ix) = gi;
        for (uint32_t k = 0; k < n; k++) {
            g[gi].space[k] += s->space[k];
        }
    }
    gm_htab_release(&idx);
    for (uint32_t q = 0; q < nr && rc == 0; q++) {
        g[q].verdict =
            gm_heap_classify(out->t, g[q].space, n, &g[q].slope, &g[q].r2, &g[q].change, scratch);
    }
    *(by_alloc ? &out->allocs : &out->funcs) = g;
    *(by_alloc ? &out->allocs_nr : &out->funcs_nr) = nr;
    return rc;
}

static struct gm_heap_finding *finding_add(struct gm_heap_result *out, uint32_t *alloc,
                                           enum gm_heap_scope scope, uint32_t id,
                                           const double *space, double slope, double r2,
                                           uint32_t change)
{
    if (out->findings_nr == *alloc && GM_GROW(out->findings, *alloc, 8) < 0) {
        return NULL;
    }
    struct gm_heap_finding *f = &out->findings[out->findings_nr++];
    memset(f, 0, sizeof(*f));
    f->scope = scope;
    f->func_id = f->alloc_id = id;
    f->space = space;
    f->slope = slope;
    f->r2 = r2;
    f->change = change;
    f->per_hour = out->timed ? slope * 3600 : 0;
    f->severity = gm_heap_severity(f->per_hour);
    f->growth = space[out->profiles - 1] - space[0];
    return f;
}

static void human_bytes(char *b, size_t cap, double v)
{
    static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while ((v >= 1024 || v <= -1024) && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(b, cap, u ? "%.1f%s" : "%.0f%s", v, unit[u]);
}

/* The hint of a function's finding: its sites' frames tell (a buffer, a map), else the size of
 * what they keep (large objects: a small part kept pins the whole), else where to look. */
static void func_hint(const struct gm_heap_result *out, uint32_t fi, struct gm_heap_finding *f)
{
    uint32_t n = out->profiles;
    const struct gm_heap_site *top = NULL;
    for (uint32_t si = 0; si < out->sites_nr; si++) {
        const struct gm_heap_site *s = &out->sites[si];
        if (s->func_ix != fi || s->space[n - 1] <= s->space[0]) {
            continue;
        }
        if (s->hint) {
            snprintf(f->hint, sizeof(f->hint), "%s", s->hint);
            return;
        }
        if (!top || s->growth > top->growth) {
            top = s;
        }
    }
    if (top && top->objects[n - 1] > 0 && top->space[n - 1] / top->objects[n - 1] >= 32 * 1024) {
        char sz[32];
        human_bytes(sz, sizeof(sz), top->space[n - 1] / top->objects[n - 1]);
        snprintf(f->hint, sizeof(f->hint),
                 "large objects are kept (%s each): if only a part of each is used, copy what "
                 "you keep (a sub-slice pins its whole array)",
                 sz);
        return;
    }
    snprintf(f->hint, sizeof(f->hint),
             "the objects allocated here stay reachable: find the map, slice, cache or "
             "registry that keeps them");
}

static int cmp_finding(const void *x, const void *y)
{
    const struct gm_heap_finding *a = x, *b = y;
    if (a->slope != b->slope) {
        return a->slope > b->slope ? -1 : 1;
    }
    return a->scope < b->scope ? -1 : a->scope > b->scope;
}

/* The findings: per function, then allocators and the total where those leave most of their
 * growth unexplained. */
static int find(struct gm_heap_result *out)
{
    uint32_t n = out->profiles, alloc = 0;
    uint8_t *fflag = gm_xcalloc((size_t)out->funcs_nr + 1, 1);
    uint8_t *aflag = gm_xcalloc((size_t)out->allocs_nr + 1, 1);
    int rc = GM_ENOMEM;
    if (!fflag || !aflag) {
        goto out;
    }
    for (uint32_t si = 0; si < out->sites_nr; si++) {
        if (out->sites[si].verdict == GM_HEAP_UNBOUNDED) {
            fflag[out->sites[si].func_ix]++;
        }
    }
    for (uint32_t q = 0; q < out->funcs_nr; q++) {
        const struct gm_heap_func *fn = &out->funcs[q];
        if (!fflag[q] && fn->verdict != GM_HEAP_UNBOUNDED) {
            continue;
        }
        /* the function's sum when it is judged unbounded, else its steepest site (sites are
         * sorted: unbounded first, steepest first) */
        const struct gm_heap_site *top = NULL;
        for (uint32_t si = 0; si < out->sites_nr && !top && fn->verdict != GM_HEAP_UNBOUNDED;
             si++) {
            top = out->sites[si].func_ix == q ? &out->sites[si] : NULL;
        }
        struct gm_heap_finding *f = top ? finding_add(out, &alloc, GM_HEAP_SCOPE_FUNC, fn->func_id,
                                                      top->space, top->slope, top->r2, top->change)
                                        : finding_add(out, &alloc, GM_HEAP_SCOPE_FUNC, fn->func_id,
                                                      fn->space, fn->slope, fn->r2, fn->change);
        if (!f) {
            goto out;
        }
        f->sites_nr = fflag[q];
        for (uint32_t si = 0; si < out->sites_nr; si++) {
            if (out->sites[si].func_ix == q) {
                f->alloc_id = out->sites[si].alloc_id;
                break;
            }
        }
        func_hint(out, q, f);
        fflag[q] = 1;
    }
    for (uint32_t q = 0; q < out->allocs_nr; q++) {
        const struct gm_heap_func *a = &out->allocs[q];
        double growth = a->space[n - 1] - a->space[0], covered = 0;
        uint32_t callers = 0, seen[8];
        if (a->verdict != GM_HEAP_UNBOUNDED) {
            continue;
        }
        for (uint32_t si = 0; si < out->sites_nr; si++) {
            const struct gm_heap_site *s = &out->sites[si];
            if (s->alloc_ix != q) {
                continue;
            }
            covered += fflag[s->func_ix] ? s->space[n - 1] - s->space[0] : 0;
            uint32_t c = 0;
            while (c < callers && c < 8 && seen[c] != s->func_ix) {
                c++;
            }
            if (c == callers) {
                if (callers < 8) {
                    seen[callers] = s->func_ix;
                }
                callers++;
            }
        }
        if (covered >= 0.5 * growth) {
            continue;
        }
        struct gm_heap_finding *f = finding_add(out, &alloc, GM_HEAP_SCOPE_ALLOC, a->func_id,
                                                a->space, a->slope, a->r2, a->change);
        if (!f) {
            goto out;
        }
        f->sites_nr = callers;
        const char *fname = gm_strtab_cstr(&out->names, a->func_id);
        const char *h = hint_for(&fname, 1);
        snprintf(f->hint, sizeof(f->hint),
                 "%s%sthe growth moves between %u callers (a profile charges an array to the "
                 "call that last grew it)",
                 h ? h : "", h ? "; " : "", callers);
        aflag[q] = 1;
    }
    if (out->total_verdict == GM_HEAP_UNBOUNDED) {
        double growth = out->total[n - 1] - out->total[0], explained = 0;
        uint32_t grew = 0;
        for (uint32_t si = 0; si < out->sites_nr; si++) {
            const struct gm_heap_site *s = &out->sites[si];
            double d = s->space[n - 1] - s->space[0];
            grew += d > 0;
            if (fflag[s->func_ix] || (s->alloc_ix != UINT32_MAX && aflag[s->alloc_ix])) {
                explained += d;
            }
        }
        if (explained < 0.5 * growth) {
            struct gm_heap_finding *f =
                finding_add(out, &alloc, GM_HEAP_SCOPE_TOTAL, UINT32_MAX, out->total,
                            out->total_slope, out->total_r2, out->total_change);
            if (!f) {
                goto out;
            }
            f->sites_nr = grew;
            /* the three functions that grew most */
            uint32_t best[3] = {UINT32_MAX, UINT32_MAX, UINT32_MAX};
            for (uint32_t q = 0; q < out->funcs_nr; q++) {
                const double *y = out->funcs[q].space;
                double d = y[n - 1] - y[0];
                for (int b = 0; b < 3 && d > 0; b++) {
                    const double *yb = best[b] != UINT32_MAX ? out->funcs[best[b]].space : NULL;
                    if (!yb || d > yb[n - 1] - yb[0]) {
                        memmove(best + b + 1, best + b, (size_t)(2 - b) * sizeof(best[0]));
                        best[b] = q;
                        break;
                    }
                }
            }
            char sz[32];
            human_bytes(sz, sizeof(sz),
                        best[0] != UINT32_MAX
                            ? out->funcs[best[0]].space[n - 1] - out->funcs[best[0]].space[0]
                            : 0);
            int w = snprintf(f->hint, sizeof(f->hint),
                             "no site or function grows steadily alone: %u sites grew, a function "
                             "by %s at most (",
                             grew, sz);
            for (int b = 0; b < 3 && best[b] != UINT32_MAX && w > 0 && (size_t)w < sizeof(f->hint);
                 b++) {
                w += snprintf(f->hint + w, sizeof(f->hint) - (size_t)w, "%s%s", b ? ", " : "",
                              gm_strtab_cstr(&out->names, out->funcs[best[b]].func_id));
            }
            if (w > 0 && (size_t)w < sizeof(f->hint)) {
                snprintf(f->hint + w, sizeof(f->hint) - (size_t)w,
                         "...); compare the first and last profiles (go tool pprof -base)");
            }
        }
    }
    if (out->findings_nr > 1) {
        qsort(out->findings, out->findings_nr, sizeof(*out->findings), cmp_finding);
    }
    rc = 0;
out:
    free(fflag);
    free(aflag);
    return rc;
}

int gm_heap_finish(struct gm_heap_builder *b, struct gm_heap_result *res)
{
    struct gm_heap_result *out = &b->r;
    uint32_t n = out->profiles;
    int rc = GM_EINVAL;
    /* n doubles to reorder the columns, then the changepoint's scratch */
    double *tmp = gm_xmalloc(GM_CHANGEPOINT_SCRATCH(n) * sizeof(double));
    if (!tmp) {
        rc = GM_ENOMEM;
        goto fail;
    }
    if (b->added != n) {
        goto fail;
    }
    for (uint32_t i = 0; i < n; i++) {
        out->order[i] = i;
    }
    sort_times = b->times;
    qsort(out->order, n, sizeof(uint32_t), cmp_time);
    reorder_columns(out, tmp);
    out->timed = 1;
    for (uint32_t k = 0; k < n; k++) {
        if (b->times[k] == 0) {
            out->timed = 0;
        }
    }
    for (uint32_t k = 0; k < n; k++) {
        out->t[k] = out->timed ? (double)(b->times[out->order[k]] - b->times[out->order[0]]) / 1e9
                               : (double)k;
    }
    for (uint32_t si = 0; si < out->sites_nr; si++) {
        struct gm_heap_site *s = &out->sites[si];
        s->space = out->pool + s->series_off;
        s->objects = s->space + n;
        s->verdict = gm_heap_classify(out->t, s->space, n, &s->slope, &s->r2, &s->change, tmp);
        s->growth = s->space[n - 1] - s->space[0];
        s->per_hour = out->timed ? s->slope * 3600 : 0;
    }
    out->total_verdict = gm_heap_classify(out->t, out->total, n, &out->total_slope, &out->total_r2,
                                          &out->total_change, tmp);
    if (out->sites_nr) {
        sort_n = n;
        sort_kpool = b->kpool;
        sort_names = &out->names;
        qsort(out->sites, out->sites_nr, sizeof(*out->sites), cmp_site);
    }
    /* after the sort, so functions come in the order of their first-ranked site */
    if ((rc = group_sites(out, 0, tmp)) < 0 || (rc = group_sites(out, 1, tmp)) < 0 ||
        (rc = find(out)) < 0) {
        goto fail;
    }
    free(tmp);
    *res = *out;
    memset(out, 0, sizeof(*out));
    gm_heap_abort(b);
    return 0;
fail:
    free(tmp);
    gm_heap_abort(b);
    memset(res, 0, sizeof(*res));
    return rc;
}

int gm_heap_analyze(const struct gm_profile *profs, uint32_t n, struct gm_heap_result *out)
{
    memset(out, 0, sizeof(*out));
    struct gm_heap_builder *b = gm_heap_begin(n);
    if (!b) {
        return n ? GM_ENOMEM : GM_EINVAL;
    }
    for (uint32_t i = 0; i < n; i++) {
        int rc = gm_heap_add(b, &profs[i]);
        if (rc < 0) {
            gm_heap_abort(b);
            return rc;
        }
    }
    return gm_heap_finish(b, out);
}

void gm_heap_release(struct gm_heap_result *r)
{
    for (uint32_t q = 0; q < r->funcs_nr; q++) {
        free(r->funcs[q].space);
    }
    free(r->funcs);
    for (uint32_t q = 0; q < r->allocs_nr; q++) {
        free(r->allocs[q].space);
    }
    free(r->allocs);
    free(r->findings);
    free(r->sites);
    free(r->pool);
    free(r->order);
    free(r->t);
    free(r->total);
    gm_strtab_release(&r->names);
    memset(r, 0, sizeof(*r));
}
