/*
 * Legacy heap profile text (runtime/pprof debug=1, `/debug/pprof/heap?debug=1`):
 *
 *   heap profile: <inuse objs>: <inuse bytes> [<alloc objs>: <alloc bytes>] @ heap/<2*rate>
 *   <inuse objs>: <inuse bytes> [<alloc objs>: <alloc bytes>] @ 0x<pc> 0x<pc> ...
 *   #	0x<pc>	<func>+0x<off>	<file>:<line>          (one per frame, inlined frames share a pc)
 *   ...
 *   # runtime.MemStats
 *   # Alloc = <n>  ...                                  (see struct gm_memstats)
 *
 * Values are unsampled as pprof does on import (scaleHeapSample: count and size times
 * 1/(1-exp(-avgsize/rate))), so totals match `go tool pprof` on the same file. Frames are
 * grouped into locations by their printed pc; a record's stack is its sequence of pc groups.
 */
#include "gm/arena.h"
#include "gm/pprof.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hb {
    struct gm_profile *p;
    uint32_t samples_alloc, locs_alloc, values_alloc, locations_alloc, lines_alloc, funcs_alloc;
    uint32_t locs_nr, values_nr;
    /* pc -> location index, (name,file) -> function index: tiny open-addressing maps */
    uint64_t *pc_keys;
    uint32_t *pc_vals, pc_mask, pc_nr;
    uint64_t *fn_keys;
    uint32_t *fn_vals, fn_mask, fn_nr;
    double rate;
};

static int grow(void **v, uint32_t *alloc, uint32_t need, size_t size)
{
    if (need <= *alloc) {
        return 0;
    }
    uint32_t na = *alloc ? *alloc : 64;
    while (na < need) {
        na *= 2;
    }
    void *nv = gm_xrealloc(*v, (size_t)na * size);
    if (!nv) {
        return GM_ENOMEM;
    }
    *v = nv;
    *alloc = na;
    return 0;
}

/* Map with uint64 keys (key 0 reserved: callers add 1). Returns the slot. */
static uint32_t *map_slot(uint64_t **keys, uint32_t **vals, uint32_t *mask, uint32_t *nr,
                          uint64_t key, int *found, int *err)
{
    *err = 0;
    if (!*keys || (*nr + 1) * 2 > *mask) {
        uint32_t nmask = *keys ? *mask * 2 + 1 : 255;
        uint64_t *nk = calloc((size_t)nmask + 1, sizeof(uint64_t));
        uint32_t *nv = calloc((size_t)nmask + 1, sizeof(uint32_t));
        if (!nk || !nv) {
            free(nk);
            free(nv);
            *err = GM_ENOMEM;
            return NULL;
        }
        for (uint32_t i = 0; *keys && i <= *mask; i++) {
            if ((*keys)[i]) {
                uint32_t j = (uint32_t)(((*keys)[i] * 0x9E3779B97F4A7C15ull) >> 40) & nmask;
                while (nk[j]) {
                    j = (j + 1) & nmask;
                }
                nk[j] = (*keys)[i];
                nv[j] = (*vals)[i];
            }
        }
        free(*keys);
        free(*vals);
        *keys = nk;
        *vals = nv;
        *mask = nmask;
    }
    uint32_t i = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & *mask;
    while ((*keys)[i] && (*keys)[i] != key) {
        i = (i + 1) & *mask;
    }
    *found = (*keys)[i] != 0;
    if (!*found) {
        (*keys)[i] = key;
        (*nr)++;
    }
    return &(*vals)[i];
}

static const char *skip_ws(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t')) {
        s++;
    }
    return s;
}

static int dec_i64(const char **s, const char *e, int64_t *out)
{
    const char *p = *s;
    uint64_t v = 0;
    int n = 0;
    while (p < e && *p >= '0' && *p <= '9') {
        v = v > (UINT64_MAX - 9) / 10 ? UINT64_MAX : v * 10 + (uint64_t)(*p - '0');
        p++;
        n++;
    }
    if (!n) {
        return -1;
    }
    *out = v > INT64_MAX ? INT64_MAX : (int64_t)v;
    *s = p;
    return 0;
}

static int hex_u64(const char **s, const char *e, uint64_t *out)
{
    const char *p = *s;
    if (e - p < 3 || p[0] != '0' || p[1] != 'x') {
        return -1;
    }
    p += 2;
    uint64_t v = 0;
    int n = 0;
    for (; p < e; p++, n++) {
        int d = gm_hexval(*p);
        if (d < 0) {
            break;
        }
        v = (v << 4) | (uint64_t)d;
    }
    if (!n) {
        return -1;
    }
    *out = v;
    *s = p;
    return 0;
}

/* "a: b [c: d]" */
static int four(const char **s, const char *e, int64_t v[4])
{
    const char *p = *s;
    if (dec_i64(&p, e, &v[0]) < 0 || p >= e || *p != ':') {
        return -1;
    }
    p = skip_ws(p + 1, e);
    if (dec_i64(&p, e, &v[1]) < 0) {
        return -1;
    }
    p = skip_ws(p, e);
    if (p >= e || *p != '[') {
        return -1;
    }
    p++;
    if (dec_i64(&p, e, &v[2]) < 0 || p >= e || *p != ':') {
        return -1;
    }
    p = skip_ws(p + 1, e);
    if (dec_i64(&p, e, &v[3]) < 0 || p >= e || *p != ']') {
        return -1;
    }
    *s = p + 1;
    return 0;
}

static void scale(double rate, int64_t count, int64_t size, int64_t *oc, int64_t *os)
{
    if (count == 0 || size == 0) {
        *oc = *os = 0;
        return;
    }
    if (rate <= 1) {
        *oc = count;
        *os = size;
        return;
    }
    double avg = (double)size / (double)count;
    double sc = 1 / (1 - exp(-avg / rate));
    double c = (double)count * sc, z = (double)size * sc;
    *oc = c >= 9.2e18 ? INT64_MAX : (int64_t)c;
    *os = z >= 9.2e18 ? INT64_MAX : (int64_t)z;
}

static int intern(struct gm_profile *p, const char *s, size_t n, uint32_t *id)
{
    return gm_strtab_intern(&p->strs, s, n, id);
}

static const struct {
    const char *name;
    size_t off;
} memstat_names[] = {
    {"Alloc", offsetof(struct gm_memstats, alloc)},
    {"TotalAlloc", offsetof(struct gm_memstats, total_alloc)},
    {"Sys", offsetof(struct gm_memstats, sys)},
    {"HeapAlloc", offsetof(struct gm_memstats, heap_alloc)},
    {"HeapSys", offsetof(struct gm_memstats, heap_sys)},
    {"HeapIdle", offsetof(struct gm_memstats, heap_idle)},
    {"HeapInuse", offsetof(struct gm_memstats, heap_inuse)},
    {"HeapReleased", offsetof(struct gm_memstats, heap_released)},
    {"HeapObjects", offsetof(struct gm_memstats, heap_objects)},
    {"Stack", offsetof(struct gm_memstats, stack_inuse)},
    {"MSpan", offsetof(struct gm_memstats, mspan_inuse)},
    {"MCache", offsetof(struct gm_memstats, mcache_inuse)},
    {"GCSys", offsetof(struct gm_memstats, gc_sys)},
    {"OtherSys", offsetof(struct gm_memstats, other_sys)},
    {"NextGC", offsetof(struct gm_memstats, next_gc)},
    {"NumGC", offsetof(struct gm_memstats, num_gc)},
    {"PauseTotalNs", offsetof(struct gm_memstats, pause_total_ns)},
};

static void memstat_line(struct gm_profile *p, const char *s, const char *e)
{
    /* "# Name = value" or "# Stack = inuse / sys" */
    s = skip_ws(s + 1, e);
    const char *eq = memchr(s, '=', (size_t)(e - s));
    if (!eq) {
        return;
    }
    const char *ne = eq;
    while (ne > s && ne[-1] == ' ') {
        ne--;
    }
    const char *v = skip_ws(eq + 1, e);
    int64_t n;
    if (dec_i64(&v, e, &n) < 0) {
        return;
    }
    for (size_t i = 0; i < GM_ARRAY_NR(memstat_names); i++) {
        size_t l = strlen(memstat_names[i].name);
        if ((size_t)(ne - s) == l && memcmp(s, memstat_names[i].name, l) == 0) {
            memcpy((char *)&p->memstats + memstat_names[i].off, &n, sizeof(n));
            if (strcmp(memstat_names[i].name, "Stack") == 0) {
                const char *sl = skip_ws(v, e);
                if (sl < e && *sl == '/') {
                    sl = skip_ws(sl + 1, e);
                    if (dec_i64(&sl, e, &n) == 0) {
                        p->memstats.stack_sys = n;
                    }
                }
            }
            p->has_memstats = 1;
        }
    }
}

int gm_heaptext_parse(struct gm_profile *prof, const char *text, size_t len,
                      const struct gm_limits *lim, struct gm_diag *diag)
{
    memset(prof, 0, sizeof(*prof));
    prof->default_type = -1;
    prof->legacy = 1;
    struct hb b;
    memset(&b, 0, sizeof(b));
    b.p = prof;
    int rc = gm_strtab_init(&prof->strs, lim ? lim->max_strtab : 0);
    if (rc < 0) {
        return rc;
    }
    memset(&prof->memstats, 0xff, sizeof(prof->memstats)); /* -1 = absent */
    static const char *const tn[4][2] = {{"alloc_objects", "count"},
                                         {"alloc_space", "bytes"},
                                         {"inuse_objects", "count"},
                                         {"inuse_space", "bytes"}};
    prof->types = calloc(4, sizeof(*prof->types));
    if (!prof->types) {
        rc = GM_ENOMEM;
        goto out;
    }
    for (int i = 0; i < 4; i++) {
        if ((rc = intern(prof, tn[i][0], strlen(tn[i][0]), &prof->types[i].type_id)) < 0 ||
            (rc = intern(prof, tn[i][1], strlen(tn[i][1]), &prof->types[i].unit_id)) < 0) {
            goto out;
        }
    }
    prof->types_nr = 4;
    if ((rc = intern(prof, "space", 5, &prof->period_type.type_id)) < 0 ||
        (rc = intern(prof, "bytes", 5, &prof->period_type.unit_id)) < 0) {
        goto out;
    }
    uint64_t lineno = 0;
    int in_memstats = 0, have_header = 0;
    struct gm_pprof_sample *cur = NULL;
    uint64_t group_pc = 0;
    int in_group = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        const char *s = text + pos, *e = nl ? nl : text + len;
        pos = nl ? (size_t)(nl - text) + 1 : len;
        lineno++;
        if (e > s && e[-1] == '\r') {
            e--;
        }
        if (!have_header) {
            if ((size_t)(e - s) < 14 || memcmp(s, "heap profile: ", 14) != 0) {
                rc = gm_diag_set(diag, GM_EFORMAT, (uint64_t)(s - text), lineno,
                                 "expected 'heap profile: N: N [N: N] @ heap/N'");
                goto out;
            }
            const char *at = memchr(s, '@', (size_t)(e - s));
            int64_t r = 0;
            if (at) {
                const char *q = skip_ws(at + 1, e);
                if ((size_t)(e - q) > 5 && memcmp(q, "heap/", 5) == 0) {
                    q += 5;
                    dec_i64(&q, e, &r);
                } else if ((size_t)(e - q) > 8 && memcmp(q, "heap_v2/", 8) == 0) {
                    q += 8;
                    dec_i64(&q, e, &r);
                    r *= 2;
                }
            }
            b.rate = r > 1 ? (double)r / 2 : 1;
            prof->period = (int64_t)b.rate;
            have_header = 1;
            continue;
        }
        if (s == e) {
            in_group = 0;
            continue;
        }
        if (*s == '#') {
            const char *q = skip_ws(s + 1, e);
            if ((size_t)(e - q) >= 16 && memcmp(q, "runtime.MemStats", 16) == 0) {
                in_memstats = 1;
                cur = NULL;
                continue;
            }
            if (in_memstats) {
                memstat_line(prof, s, e);
                continue;
            }
            if (!cur) {
                continue;
            }
            /* "#\t0x<pc>\t<func>+0x<off>\t<file>:<line>" */
            uint64_t pc;
            if (hex_u64(&q, e, &pc) < 0) {
                continue;
            }
            q = skip_ws(q, e);
            const char *fs = q;
            while (q < e && *q != '\t' && *q != ' ') {
                q++;
            }
            const char *fe = q;
            for (const char *k = fe; k > fs + 1; k--) {
                if (k[-1] == '+') {
                    fe = k - 1;
                    break;
                }
            }
            q = skip_ws(q, e);
            const char *colon = NULL;
            for (const char *k = e; k > q; k--) {
                if (k[-1] == ':') {
                    colon = k - 1;
                    break;
                }
            }
            int64_t ln = 0;
            const char *file_e = e;
            if (colon) {
                const char *c2 = colon + 1;
                if (dec_i64(&c2, e, &ln) == 0) {
                    file_e = colon;
                }
            }
            uint32_t name_id, file_id;
            if ((rc = intern(prof, fs, (size_t)(fe - fs), &name_id)) < 0 ||
                (rc = intern(prof, q, (size_t)(file_e - q), &file_id)) < 0) {
                goto out;
            }
            int found, err;
            uint32_t *fslot = map_slot(&b.fn_keys, &b.fn_vals, &b.fn_mask, &b.fn_nr,
                                       ((uint64_t)name_id << 32 | file_id) + 1, &found, &err);
            if (!fslot) {
                rc = err;
                goto out;
            }
            if (!found) {
                if ((rc = grow((void **)&prof->functions, &b.funcs_alloc, prof->functions_nr + 1,
                               sizeof(*prof->functions))) < 0) {
                    goto out;
                }
                struct gm_pprof_function *fn = &prof->functions[prof->functions_nr];
                memset(fn, 0, sizeof(*fn));
                fn->id = prof->functions_nr + 1;
                fn->name_id = fn->system_name_id = name_id;
                fn->filename_id = file_id;
                *fslot = prof->functions_nr++;
            }
            uint32_t func = *fslot;
            /* a new pc starts a new location in this record's stack */
            if (!in_group || pc != group_pc) {
                uint32_t *lslot =
                    map_slot(&b.pc_keys, &b.pc_vals, &b.pc_mask, &b.pc_nr, pc + 1, &found, &err);
                if (!lslot) {
                    rc = err;
                    goto out;
                }
                if (!found) {
                    if ((rc = grow((void **)&prof->locations, &b.locations_alloc,
                                   prof->locations_nr + 1, sizeof(*prof->locations))) < 0) {
                        goto out;
                    }
                    struct gm_pprof_location *loc = &prof->locations[prof->locations_nr];
                    memset(loc, 0, sizeof(*loc));
                    loc->id = prof->locations_nr + 1;
                    loc->address = pc;
                    loc->line_off = prof->lines_nr;
                    *lslot = prof->locations_nr++;
                }
                if ((rc = grow((void **)&prof->locs, &b.locs_alloc, b.locs_nr + 1,
                               sizeof(uint32_t))) < 0) {
                    goto out;
                }
                prof->locs[b.locs_nr++] = *lslot;
                cur->loc_nr++;
                group_pc = pc;
                in_group = 1;
                /* lines are added only the first time the location is seen */
                if (found) {
                    continue;
                }
            } else if (prof->locations[prof->locs[b.locs_nr - 1]].line_off +
                           prof->locations[prof->locs[b.locs_nr - 1]].line_nr !=
                       prof->lines_nr) {
                continue; /* the location was defined by an earlier record */
            }
            if ((rc = grow((void **)&prof->lines, &b.lines_alloc, prof->lines_nr + 1,
                           sizeof(*prof->lines))) < 0) {
                goto out;
            }
            prof->lines[prof->lines_nr].func = func;
            prof->lines[prof->lines_nr].line = ln;
            prof->lines_nr++;
            prof->locations[prof->locs[b.locs_nr - 1]].line_nr++;
            continue;
        }
        if (*s >= '0' && *s <= '9') {
            int64_t v[4];
            const char *q = s;
            if (four(&q, e, v) < 0) {
                rc = gm_diag_set(diag, GM_EFORMAT, (uint64_t)(s - text), lineno,
                                 "expected 'N: N [N: N] @ 0x...'");
                goto out;
            }
            if ((rc = grow((void **)&prof->samples, &b.samples_alloc, prof->samples_nr + 1,
                           sizeof(*prof->samples))) < 0 ||
                (rc = grow((void **)&prof->values, &b.values_alloc, b.values_nr + 4,
                           sizeof(int64_t))) < 0) {
                goto out;
            }
            cur = &prof->samples[prof->samples_nr++];
            memset(cur, 0, sizeof(*cur));
            cur->val_off = b.values_nr;
            cur->loc_off = b.locs_nr;
            int64_t *out = prof->values + b.values_nr;
            scale(b.rate, v[2], v[3], &out[0], &out[1]);
            scale(b.rate, v[0], v[1], &out[2], &out[3]);
            b.values_nr += 4;
            in_group = 0;
            in_memstats = 0;
            continue;
        }
        /* anything else: ignore (blank-ish lines, comments of other producers) */
    }
    if (!have_header) {
        rc = gm_diag_set(diag, GM_EFORMAT, 0, len ? 1 : 0,
                         "expected 'heap profile: N: N [N: N] @ heap/N'");
        goto out;
    }
    rc = 0;
out:
    free(b.pc_keys);
    free(b.pc_vals);
    free(b.fn_keys);
    free(b.fn_vals);
    if (rc < 0) {
        gm_profile_release(prof);
    }
    return rc;
}
