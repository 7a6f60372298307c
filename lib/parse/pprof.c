/*
 * profile.proto decoder and legacy heap text reader.
 *
 * Why it is safe: every read goes through struct wire (pbwire.h), which checks the end of the
 * current message before each byte and caps varints at 10 bytes; lengths are checked against
 * the enclosing message; every id and string index is checked when it is resolved. Why it is
 * fast enough: one pass to find the messages, one pass per message kind, no per-field
 * allocation (arrays are sized from the first pass).
 */
#include "gm/pprof.h"
#include "gm/alloc.h"
#include "gm/hashtab.h"
#include "gm/input.h"
#include "gm/sniff.h"
#include "pbwire.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* ---------------------------------------------------------------- growable lists */

struct span {
    uint32_t off, len;
};

struct spans {
    struct span *v;
    uint32_t nr, alloc;
};

static int spans_push(struct spans *s, uint32_t off, uint32_t len)
{
    if (s->nr == s->alloc && GM_GROW(s->v, s->alloc, 64) < 0) {
        return GM_ENOMEM;
    }
    s->v[s->nr].off = off;
    s->v[s->nr].len = len;
    s->nr++;
    return 0;
}

/* id -> index. Go numbers functions and locations 1..n, so an id under 4n + 64 is a direct
 * slot (one store to add, one load to find: no hashing, and the slots are touched in order);
 * larger ids, from other producers, go to the hash table (gm/hashtab.h). */
struct idmap {
    uint32_t *dense; /* id -> index + 1, for id < dense_nr */
    uint64_t dense_nr;
    struct gm_u64map sparse; /* larger ids */
};

static int idmap_init(struct idmap *m, uint32_t n)
{
    memset(m, 0, sizeof(*m));
    m->dense_nr = (uint64_t)n * 4 + 64;
    m->dense = gm_xcalloc(m->dense_nr, sizeof(uint32_t));
    return m->dense ? 0 : GM_ENOMEM;
}

static void idmap_free(struct idmap *m)
{
    gm_u64map_release(&m->sparse);
    free(m->dense);
}

/* Returns 1 if id was already present, GM_ENOMEM, else 0. id must be non-zero. */
static int idmap_put(struct idmap *m, uint64_t id, uint32_t index)
{
    if (id < m->dense_nr) {
        if (m->dense[id]) {
            return 1;
        }
        m->dense[id] = index + 1;
        return 0;
    }
    return gm_u64map_put(&m->sparse, id, index);
}

HOT static int idmap_get(const struct idmap *m, uint64_t id, uint32_t *index)
{
    if (id < m->dense_nr) {
        uint32_t v = m->dense[id];
        *index = v - 1;
        return v != 0;
    }
    *index = gm_u64map_get(&m->sparse, id);
    return *index != GM_HTAB_END;
}

/* ---------------------------------------------------------------- decoding */

struct dec {
    struct gm_profile *prof;
    struct wire top;
    uint32_t *strmap; /* string_table index -> interned id */
    uint32_t strs_nr;
    struct idmap funcs, locs;
    size_t lines_cap, locs_cap, vals_cap, labels_cap; /* pool capacities, grown as needed */
};

static int str(struct dec *d, struct wire *w, uint64_t idx, uint32_t *out)
{
    GM_EXPECT(idx < d->strs_nr, w->diag, (uint64_t)(w->p - w->base), 0,
              "string index %llu out of range (string_table has %u entries)",
              (unsigned long long)idx, d->strs_nr);
    *out = d->strmap[idx];
    return 0;
}

static int sint(struct dec *d, struct wire *w, uint32_t wt, uint32_t *out)
{
    uint64_t v = 0;
    GM_TRY(wint(w, wt, &v));
    return str(d, w, v, out);
}

static int value_type(struct dec *d, struct wire *w, struct gm_pprof_type *t)
{
    uint32_t f = 0, wt = 0;
    memset(t, 0, sizeof(*t));
    while (w->p < w->end) {
        GM_TRY(wkey(w, &f, &wt));
        if (f == 1) {
            GM_TRY(sint(d, w, wt, &t->type_id));
        } else if (f == 2) {
            GM_TRY(sint(d, w, wt, &t->unit_id));
        } else {
            GM_TRY(wskip(w, wt));
        }
    }
    return 0;
}

/* Calls fn for each element of a repeated scalar field (packed or not). */
typedef int (*gm_scalar_fn)(struct dec *d, struct wire *w, uint64_t v, void *ctx);

HOT static int repeated(struct dec *d, struct wire *w, uint32_t wt, gm_scalar_fn fn, void *ctx)
{
    uint64_t v = 0;
    if (wt == 0) {
        GM_TRY(varint(w, &v));
        return fn(d, w, v, ctx);
    }
    if (wt != 2) {
        return werr(w, GM_EFORMAT, "expected a varint or packed field");
    }
    struct wire sub = {0};
    GM_TRY(wbytes(w, &sub));
    while (sub.p < sub.end) {
        GM_TRY(varint(&sub, &v));
        GM_TRY(fn(d, &sub, v, ctx));
    }
    return 0;
}

static int decode_function(struct dec *d, struct wire *w, struct gm_pprof_function *fn)
{
    uint32_t f = 0, wt = 0;
    uint64_t v = 0;
    memset(fn, 0, sizeof(*fn));
    while (w->p < w->end) {
        GM_TRY(wkey(w, &f, &wt));
        switch (f) {
        case 1:
            GM_TRY(wint(w, wt, &fn->id));
            break;
        case 2:
            GM_TRY(sint(d, w, wt, &fn->name_id));
            break;
        case 3:
            GM_TRY(sint(d, w, wt, &fn->system_name_id));
            break;
        case 4:
            GM_TRY(sint(d, w, wt, &fn->filename_id));
            break;
        case 5:
            GM_TRY(wint(w, wt, &v));
            fn->start_line = (int64_t)v;
            break;
        default:
            GM_TRY(wskip(w, wt));
        }
    }
    if (fn->id == 0) {
        return werr(w, GM_EFORMAT, "function id 0");
    }
    return 0;
}

static int decode_mapping(struct dec *d, struct wire *w, struct gm_pprof_mapping *m)
{
    uint32_t f = 0, wt = 0;
    memset(m, 0, sizeof(*m));
    while (w->p < w->end) {
        GM_TRY(wkey(w, &f, &wt));
        switch (f) {
        case 1:
            GM_TRY(wint(w, wt, &m->id));
            break;
        case 2:
            GM_TRY(wint(w, wt, &m->memory_start));
            break;
        case 3:
            GM_TRY(wint(w, wt, &m->memory_limit));
            break;
        case 4:
            GM_TRY(wint(w, wt, &m->file_offset));
            break;
        case 5:
            GM_TRY(sint(d, w, wt, &m->filename_id));
            break;
        case 6:
            GM_TRY(sint(d, w, wt, &m->build_id_id));
            break;
        default:
            GM_TRY(wskip(w, wt));
        }
    }
    return 0;
}

/* Room for `more` entries after `used` in a pool of `elem`-byte entries whose capacity is
 * *cap: returns the pool, grown by doubling when needed (an mremap with the CLI's malloc
 * settings), or NULL (out of memory, or past 2^32 entries: the offsets are 32-bit). The pools
 * grow as locations and samples are decoded instead of being counted in passes of their own. */
static void *reserve(void *pool, size_t *cap, size_t used, size_t more, size_t elem)
{
    if (used + more <= *cap) {
        return pool;
    }
    if (used + more > UINT32_MAX) {
        return NULL;
    }
    size_t n = *cap ? *cap : 1024;
    while (n < used + more) {
        n *= 2;
    }
    n = n > UINT32_MAX ? UINT32_MAX : n;
    void *np = gm_xrealloc(pool, n * elem);
    if (np) {
        *cap = n;
    }
    return np;
}

static int decode_location(struct dec *d, struct wire *w, struct gm_pprof_location *loc)
{
    struct gm_profile *prof = d->prof;
    uint32_t f = 0, wt = 0;
    uint64_t v = 0;
    const uint8_t *start = w->p;
    memset(loc, 0, sizeof(*loc));
    loc->line_off = prof->lines_nr;
    while (w->p < w->end) {
        GM_TRY(wkey(w, &f, &wt));
        switch (f) {
        case 1:
            GM_TRY(wint(w, wt, &loc->id));
            break;
        case 2:
            GM_TRY(wint(w, wt, &loc->mapping_id));
            break;
        case 3:
            GM_TRY(wint(w, wt, &loc->address));
            break;
        case 4: {
            if (wt != 2) {
                return werr(w, GM_EFORMAT, "expected a Line message");
            }
            struct wire sub = {0};
            GM_TRY(wbytes(w, &sub));
            struct gm_pprof_line *lines =
                reserve(prof->lines, &d->lines_cap, prof->lines_nr, 1, sizeof(*lines));
            if (!lines) {
                return GM_ENOMEM;
            }
            prof->lines = lines;
            struct gm_pprof_line *ln = &prof->lines[prof->lines_nr];
            ln->func = UINT32_MAX;
            ln->line = 0;
            uint32_t lf = 0, lwt = 0;
            while (sub.p < sub.end) {
                GM_TRY(wkey(&sub, &lf, &lwt));
                if (lf == 1) {
                    GM_TRY(wint(&sub, lwt, &v));
                    if (v && !idmap_get(&d->funcs, v, &ln->func)) {
                        return gm_diag_set(sub.diag, GM_EFORMAT, (uint64_t)(sub.p - sub.base), 0,
                                           "line refers to unknown function id %llu",
                                           (unsigned long long)v);
                    }
                } else if (lf == 2) {
                    GM_TRY(wint(&sub, lwt, &v));
                    ln->line = (int64_t)v;
                } else {
                    GM_TRY(wskip(&sub, lwt));
                }
            }
            prof->lines_nr++;
            loc->line_nr++;
            break;
        }
        case 5:
            GM_TRY(wint(w, wt, &v));
            loc->is_folded = v != 0;
            break;
        default:
            GM_TRY(wskip(w, wt));
        }
    }
    GM_EXPECT(loc->id != 0, w->diag, (uint64_t)(start - w->base), 0, "location id 0");
    return 0;
}

struct sample_ctx {
    struct gm_profile *prof;
    uint32_t *locs_nr;
    uint32_t *vals_nr;
    struct gm_pprof_sample *s;
};

HOT static int add_loc(struct dec *d, struct wire *w, uint64_t v, void *ctx)
{
    struct sample_ctx *c = ctx;
    uint32_t idx = 0;
    GM_EXPECT(idmap_get(&d->locs, v, &idx), w->diag, (uint64_t)(w->p - w->base), 0,
              "sample refers to unknown location id %llu", (unsigned long long)v);
    uint32_t *pool = reserve(c->prof->locs, &d->locs_cap, *c->locs_nr, 1, sizeof(*pool));
    if (!pool) {
        return GM_ENOMEM;
    }
    c->prof->locs = pool;
    pool[(*c->locs_nr)++] = idx;
    c->s->loc_nr++;
    return 0;
}

HOT static int add_val(struct dec *d, struct wire *w, uint64_t v, void *ctx)
{
    struct sample_ctx *c = ctx;
    (void)w;
    int64_t *pool = reserve(c->prof->values, &d->vals_cap, *c->vals_nr, 1, sizeof(*pool));
    if (!pool) {
        return GM_ENOMEM;
    }
    c->prof->values = pool;
    pool[(*c->vals_nr)++] = (int64_t)v;
    return 0;
}

/* A sample's packed location ids when every location id is a direct slot (Go numbers them
 * 1..n): one loop with the one-byte varint and the lookup inline. Same errors as add_loc(). */
static int packed_locs(struct dec *d, struct wire *w, struct sample_ctx *c)
{
    struct wire sub = {0};
    GM_TRY(wbytes(w, &sub));
    const uint32_t *dense = d->locs.dense;
    uint64_t dense_nr = d->locs.dense_nr;
    uint32_t n = *c->locs_nr, start = n;
    /* a packed run holds at most one id per byte: one check for the whole run */
    uint32_t *out =
        reserve(c->prof->locs, &d->locs_cap, n, (size_t)(sub.end - sub.p), sizeof(*out));
    if (!out) {
        return GM_ENOMEM;
    }
    c->prof->locs = out;
    while (sub.p < sub.end) {
        uint64_t v;
        if (*sub.p < 0x80) {
            v = *sub.p++;
        } else {
            GM_TRY(varint(&sub, &v));
        }
        if (v >= dense_nr || !dense[v]) {
            *c->locs_nr = n;
            return gm_diag_set(sub.diag, GM_EFORMAT, (uint64_t)(sub.p - sub.base), 0,
                               "sample refers to unknown location id %llu", (unsigned long long)v);
        }
        out[n++] = dense[v] - 1;
    }
    *c->locs_nr = n;
    c->s->loc_nr += n - start;
    return 0;
}

static int decode_sample(struct dec *d, struct wire *w, struct gm_pprof_sample *s,
                         uint32_t *locs_nr, uint32_t *vals_nr, uint32_t *labels_nr)
{
    struct gm_profile *prof = d->prof;
    uint32_t f = 0, wt = 0;
    memset(s, 0, sizeof(*s));
    s->loc_off = *locs_nr;
    s->val_off = *vals_nr;
    s->label_off = *labels_nr;
    struct sample_ctx c = {prof, locs_nr, vals_nr, s};
    const uint8_t *start = w->p;
    while (w->p < w->end) {
        GM_TRY(wkey(w, &f, &wt));
        if (f == 1 && wt == 2 && !d->locs.sparse.nr) { /* every location id is a direct slot */
            GM_TRY(packed_locs(d, w, &c));
        } else if (f == 1) {
            GM_TRY(repeated(d, w, wt, add_loc, &c));
        } else if (f == 2) {
            GM_TRY(repeated(d, w, wt, add_val, &c));
        } else if (f == 3) {
            if (wt != 2) {
                return werr(w, GM_EFORMAT, "expected a Label message");
            }
            struct wire sub = {0};
            GM_TRY(wbytes(w, &sub));
            struct gm_pprof_label *pool =
                reserve(prof->labels, &d->labels_cap, *labels_nr, 1, sizeof(*pool));
            if (!pool) {
                return GM_ENOMEM;
            }
            prof->labels = pool;
            struct gm_pprof_label *lb = &pool[(*labels_nr)++];
            memset(lb, 0, sizeof(*lb));
            uint32_t lf = 0, lwt = 0;
            uint64_t v = 0;
            while (sub.p < sub.end) {
                GM_TRY(wkey(&sub, &lf, &lwt));
                if (lf == 1) {
                    GM_TRY(sint(d, &sub, lwt, &lb->key_id));
                } else if (lf == 2) {
                    GM_TRY(sint(d, &sub, lwt, &lb->str_id));
                } else if (lf == 3) {
                    GM_TRY(wint(&sub, lwt, &v));
                    lb->num = (int64_t)v;
                } else if (lf == 4) {
                    GM_TRY(sint(d, &sub, lwt, &lb->num_unit_id));
                } else {
                    GM_TRY(wskip(&sub, lwt));
                }
            }
            s->label_nr++;
        } else {
            GM_TRY(wskip(w, wt));
        }
    }
    uint32_t nv = *vals_nr - s->val_off;
    if (nv != prof->types_nr) {
        w->p = start;
        return gm_diag_set(w->diag, GM_EFORMAT, (uint64_t)(start - w->base), 0,
                           "sample has %u values, expected %u (one per sample type)", nv,
                           prof->types_nr);
    }
    return 0;
}

/* The wire of one message found by scan_top(). */
static struct wire span_wire(const struct dec *d, struct span sp)
{
    return (struct wire){d->top.base, d->top.base + sp.off, d->top.base + sp.off + sp.len,
                         d->top.diag};
}

/* Pass 1: where is everything. Messages (fields 1-6, 11 and packed comments 13) go to their
 * span lists, scalars (7-15) to scalar[]; an unpacked comment joins the packed runs in sv[13]
 * (len UINT32_MAX, off its string index) to keep the order. */
static int scan_top(struct dec *d, struct spans *sv, uint64_t *scalar)
{
    struct wire *w = &d->top;
    while (w->p < w->end) {
        uint32_t f = 0, wt = 0;
        GM_TRY(wkey(w, &f, &wt));
        if ((f <= 6 || f == 11 || f == 13) && wt == 2) {
            struct wire sub = {0};
            GM_TRY(wbytes(w, &sub));
            GM_TRY(spans_push(&sv[f], (uint32_t)(sub.p - sub.base), (uint32_t)(sub.end - sub.p)));
        } else if (f <= 6 || f == 11) {
            return werr(w, GM_EFORMAT, "expected a length-delimited field");
        } else if (f >= 7 && f <= 15 && wt == 0) {
            GM_TRY(varint(w, &scalar[f]));
            if (f == 13) {
                GM_EXPECT(scalar[f] <= UINT32_MAX, w->diag, (uint64_t)(w->p - w->base), 0,
                          "comment string index out of range");
                GM_TRY(spans_push(&sv[13], (uint32_t)scalar[f], UINT32_MAX));
            }
        } else {
            GM_TRY(wskip(w, wt));
        }
    }
    return 0;
}

/* The string table, interned; string_table[0] must be "". */
static int read_strings(struct dec *d, const struct spans *st)
{
    struct gm_profile *prof = d->prof;
    d->strs_nr = st->nr;
    d->strmap = gm_xcalloc(d->strs_nr, sizeof(uint32_t));
    if (!d->strmap) {
        return GM_ENOMEM;
    }
    for (uint32_t i = 0; i < st->nr; i++) {
        GM_TRY(gm_strtab_intern(&prof->strs, (const char *)d->top.base + st->v[i].off, st->v[i].len,
                                &d->strmap[i]));
    }
    GM_EXPECT(d->strs_nr == 0 || st->v[0].len == 0, d->top.diag, st->v[0].off, 0,
              "string_table[0] must be the empty string");
    return 0;
}

/* Sample types, the period type and the scalars of the profile message. */
static int read_header(struct dec *d, const struct spans *sv, const uint64_t *scalar)
{
    struct gm_profile *prof = d->prof;
    prof->types = gm_xcalloc(sv[1].nr, sizeof(*prof->types));
    if (!prof->types) {
        return GM_ENOMEM;
    }
    for (uint32_t i = 0; i < sv[1].nr; i++) {
        struct wire s = span_wire(d, sv[1].v[i]);
        GM_TRY(value_type(d, &s, &prof->types[i]));
    }
    prof->types_nr = sv[1].nr;
    for (uint32_t i = 0; i < sv[11].nr; i++) {
        struct wire s = span_wire(d, sv[11].v[i]);
        GM_TRY(value_type(d, &s, &prof->period_type));
    }
    struct wire s = {d->top.base, d->top.base, d->top.end, d->top.diag}; /* offset 0 */
    if (scalar[7]) {
        GM_TRY(str(d, &s, scalar[7], &prof->drop_frames_id));
    }
    if (scalar[8]) {
        GM_TRY(str(d, &s, scalar[8], &prof->keep_frames_id));
    }
    if (scalar[14]) {
        uint32_t id = 0;
        GM_TRY(str(d, &s, scalar[14], &id));
        for (uint32_t i = 0; i < prof->types_nr; i++) {
            if (prof->types[i].type_id == id) {
                prof->default_type = (int32_t)i;
            }
        }
    }
    prof->time_nanos = (int64_t)scalar[9];
    prof->duration_nanos = (int64_t)scalar[10];
    prof->period = (int64_t)scalar[12];
    return 0;
}

/* Functions and mappings, and the id map of the functions. */
static int read_functions(struct dec *d, const struct spans *fs, const struct spans *ms)
{
    struct gm_profile *prof = d->prof;
    prof->functions = gm_xcalloc(fs->nr, sizeof(*prof->functions));
    if (!prof->functions) {
        return GM_ENOMEM;
    }
    GM_TRY(idmap_init(&d->funcs, fs->nr));
    for (uint32_t i = 0; i < fs->nr; i++) {
        struct wire s = span_wire(d, fs->v[i]);
        GM_TRY(decode_function(d, &s, &prof->functions[i]));
        int rc = idmap_put(&d->funcs, prof->functions[i].id, i);
        GM_EXPECT(rc <= 0, d->top.diag, fs->v[i].off, 0, "duplicate function id %llu",
                  (unsigned long long)prof->functions[i].id);
        GM_TRY(rc);
    }
    prof->functions_nr = fs->nr;
    prof->mappings = gm_xcalloc(ms->nr, sizeof(*prof->mappings));
    if (!prof->mappings) {
        return GM_ENOMEM;
    }
    for (uint32_t i = 0; i < ms->nr; i++) {
        struct wire s = span_wire(d, ms->v[i]);
        GM_TRY(decode_mapping(d, &s, &prof->mappings[i]));
    }
    prof->mappings_nr = ms->nr;
    return 0;
}

/* Locations (and their id map), then samples, with the pools sized from pass 1. */
static int read_samples(struct dec *d, const struct spans *ls, const struct spans *ss)
{
    struct gm_profile *prof = d->prof;
    GM_TRY(idmap_init(&d->locs, ls->nr));
    prof->locations = gm_xcalloc(ls->nr, sizeof(*prof->locations));
    prof->samples = gm_xcalloc(ss->nr, sizeof(*prof->samples));
    /* every sample has one value per sample type, each at least a byte: a first size for the
       values (the pools grow if a file says otherwise) */
    size_t sample_bytes = 0;
    for (uint32_t i = 0; i < ss->nr; i++) {
        sample_bytes += ss->v[i].len;
    }
    prof->values =
        reserve(NULL, &d->vals_cap, 0, GM_MIN((size_t)ss->nr * prof->types_nr, sample_bytes) + 1,
                sizeof(*prof->values));
    if (!prof->locations || !prof->samples || !prof->values) {
        return GM_ENOMEM;
    }
    for (uint32_t i = 0; i < ls->nr; i++) {
        struct wire s = span_wire(d, ls->v[i]);
        GM_TRY(decode_location(d, &s, &prof->locations[i]));
        int rc = idmap_put(&d->locs, prof->locations[i].id, i);
        GM_EXPECT(rc <= 0, d->top.diag, ls->v[i].off, 0, "duplicate location id %llu",
                  (unsigned long long)prof->locations[i].id);
        GM_TRY(rc);
    }
    prof->locations_nr = ls->nr;
    uint32_t locs_nr = 0, vals_nr = 0, labels_nr = 0;
    for (uint32_t i = 0; i < ss->nr; i++) {
        struct wire s = span_wire(d, ss->v[i]);
        GM_TRY(decode_sample(d, &s, &prof->samples[i], &locs_nr, &vals_nr, &labels_nr));
    }
    prof->samples_nr = ss->nr;
    return 0;
}

static int add_comment(struct gm_profile *prof, uint32_t id)
{
    uint32_t *nc = gm_xrealloc(prof->comments, (prof->comments_nr + 1) * sizeof(uint32_t));
    if (!nc) {
        return GM_ENOMEM;
    }
    prof->comments = nc;
    prof->comments[prof->comments_nr++] = id;
    return 0;
}

/* Comments, packed runs and unpacked ones, in file order. */
static int read_comments(struct dec *d, const struct spans *cs)
{
    for (uint32_t i = 0; i < cs->nr; i++) {
        uint32_t id = 0;
        if (cs->v[i].len == UINT32_MAX) { /* an unpacked comment: off is the index */
            struct wire s = {d->top.base, d->top.base, d->top.end, d->top.diag};
            GM_TRY(str(d, &s, cs->v[i].off, &id));
            GM_TRY(add_comment(d->prof, id));
            continue;
        }
        struct wire s = span_wire(d, cs->v[i]);
        while (s.p < s.end) {
            uint64_t v = 0;
            GM_TRY(varint(&s, &v));
            GM_TRY(str(d, &s, v, &id));
            GM_TRY(add_comment(d->prof, id));
        }
    }
    return 0;
}

int gm_pprof_parse(struct gm_profile *prof, const char *p, size_t len, const struct gm_limits *lim,
                   struct gm_diag *diag)
{
    memset(prof, 0, sizeof(*prof));
    prof->default_type = -1;
    struct dec d;
    memset(&d, 0, sizeof(d));
    d.prof = prof;
    d.top.base = (const uint8_t *)p;
    d.top.p = d.top.base;
    d.top.end = d.top.base + len;
    d.top.diag = diag;
    struct spans sv[16];
    memset(sv, 0, sizeof(sv));
    uint64_t scalar[16] = {0};
    int rc = gm_strtab_init(&prof->strs, lim ? lim->max_strtab : 0);
    if (rc == 0) {
        rc = scan_top(&d, sv, scalar);
    }
    if (rc == 0 && len > 0 && sv[6].nr == 0) {
        rc = gm_diag_set(diag, GM_EFORMAT, 0, 0,
                         "expected a profile.proto message with a string_table, found none");
    }
    if (rc == 0 && (rc = read_strings(&d, &sv[6])) == 0 &&
        (rc = read_header(&d, sv, scalar)) == 0 && (rc = read_functions(&d, &sv[5], &sv[3])) == 0 &&
        (rc = read_samples(&d, &sv[4], &sv[2])) == 0) {
        rc = read_comments(&d, &sv[13]);
    }
    for (size_t i = 0; i < GM_ARRAY_NR(sv); i++) {
        free(sv[i].v);
    }
    free(d.strmap);
    idmap_free(&d.funcs);
    idmap_free(&d.locs);
    if (rc < 0) {
        gm_profile_release(prof);
        return rc;
    }
    return 0;
}

/* The position among the sample types of the one named type, from the string table and the
 * types' spans, or -1. */
static int sum_type_index(const uint8_t *base, const struct spans *strs, const struct spans *types,
                          const char *type, struct gm_diag *diag)
{
    size_t tl = strlen(type);
    uint64_t want = UINT64_MAX;
    for (uint32_t i = 0; i < strs->nr && want == UINT64_MAX; i++) {
        if (strs->v[i].len == tl && memcmp(base + strs->v[i].off, type, tl) == 0) {
            want = i;
        }
    }
    for (uint32_t k = 0; k < types->nr && want != UINT64_MAX; k++) {
        struct wire s = {base, base + types->v[k].off, base + types->v[k].off + types->v[k].len,
                         diag};
        while (s.p < s.end) {
            uint32_t f = 0, wt = 0;
            uint64_t v = 0;
            if (wkey(&s, &f, &wt) < 0 || (f == 1 ? wint(&s, wt, &v) : wskip(&s, wt)) < 0) {
                return -1;
            }
            if (f == 1 && v == want) {
                return (int)k;
            }
        }
    }
    return -1;
}

/* Adds value k of one sample (packed or not) to *total. */
static int sum_sample(struct wire *s, uint32_t k, int64_t *total)
{
    uint32_t n = 0;
    while (s->p < s->end) {
        uint32_t f = 0, wt = 0;
        GM_TRY(wkey(s, &f, &wt));
        if (f != 2) {
            GM_TRY(wskip(s, wt));
            continue;
        }
        struct wire vals = *s;
        if (wt == 2) {
            GM_TRY(wbytes(s, &vals));
        } else {
            vals.end = vals.p; /* one unpacked value: read below */
        }
        do {
            uint64_t v = 0;
            GM_TRY(varint(wt == 2 ? &vals : s, &v));
            if (n++ == k) {
                int64_t x = (int64_t)v;
                *total = x > 0 && *total > INT64_MAX - x ? INT64_MAX : *total + x;
            }
        } while (wt == 2 && vals.p < vals.end);
    }
    return 0;
}

int gm_pprof_sum(const char *p, size_t len, const char *type, int64_t *total, struct gm_diag *diag)
{
    *total = 0;
    struct wire w = {(const uint8_t *)p, (const uint8_t *)p, (const uint8_t *)p + len, diag};
    struct spans strs = {0}, types = {0}, samples = {0};
    int rc = 0;
    while (rc == 0 && w.p < w.end) {
        uint32_t f = 0, wt = 0;
        struct wire sub = {0};
        if ((rc = wkey(&w, &f, &wt)) < 0) {
            break;
        }
        struct spans *to = f == 6 ? &strs : f == 1 ? &types : f == 2 ? &samples : NULL;
        if (to && wt == 2) {
            if ((rc = wbytes(&w, &sub)) == 0) {
                rc = spans_push(to, (uint32_t)(sub.p - sub.base), (uint32_t)(sub.end - sub.p));
            }
        } else {
            rc = wskip(&w, wt);
        }
    }
    int k = rc < 0 ? -1 : sum_type_index(w.base, &strs, &types, type, diag);
    if (rc == 0 && k < 0) {
        rc = gm_diag_set(diag, GM_EFORMAT, 0, 0, "the profile has no sample type '%s'", type);
    }
    for (uint32_t i = 0; rc == 0 && i < samples.nr; i++) {
        struct wire s = {w.base, w.base + samples.v[i].off,
                         w.base + samples.v[i].off + samples.v[i].len, diag};
        rc = sum_sample(&s, (uint32_t)k, total);
    }
    free(strs.v);
    free(types.v);
    free(samples.v);
    return rc;
}
