/* The memory map of a legacy heap text profile ("--- Memory map: ---", "MAPPED_LIBRARIES:"):
 * mappings built as pprof builds them (facts of its legacy reader, not its code). */
#include "gm/pprof.h"

#include <stdlib.h>
#include <string.h>

#include "heaptext.h"
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* ------------------------------------------------------------ memory map */

struct mapent {
    uint64_t start, limit, offset;
    uint32_t file_id, build_id;
};

static int tok_all(struct gm_str t, const char *set)
{
    for (size_t i = 0; i < t.len; i++) {
        if (!strchr(set, t.p[i])) {
            return 0;
        }
    }
    return t.len > 0;
}

static int tok_hex(struct gm_str t, uint64_t *v)
{
    const char *p = t.p;
    return t.len > 0 && hex_digits(&p, t.p + t.len, v) == 0 && p == t.p + t.len;
}

/* p past an optional "0x" that a hex digit follows. */
static const char *skip_0x(const char *p, const char *e)
{
    if (e - p > 2 && p[0] == '0' && p[1] == 'x' && gm_hexval(p[2]) >= 0) {
        p += 2;
    }
    return p;
}

/* The "start-end[:]" that opens a line into m (zeroed first); 0, or 2 when it is not there. */
static int map_range(const char **pp, const char *e, struct mapent *m)
{
    const char *p = *pp;
    while (p < e && is_ws(*p)) {
        p++;
    }
    p = skip_0x(p, e);
    memset(m, 0, sizeof(*m));
    if (hex_digits(&p, e, &m->start) != 0) {
        return 2;
    }
    if (p < e && (is_ws(*p) || *p == '-')) {
        p++;
    }
    while (p < e && is_ws(*p)) {
        p++;
    }
    p = skip_0x(p, e);
    if (hex_digits(&p, e, &m->limit) != 0) {
        return 2;
    }
    if (p < e && *p == ':') {
        p++;
    }
    if (p < e && !is_ws(*p)) {
        return 2;
    }
    *pp = p;
    return 0;
}

/* Splits [p, e) at white space into at most cap tokens; returns how many. */
static uint32_t map_tokens(const char *p, const char *e, struct gm_str *t, uint32_t cap)
{
    uint32_t nt = 0;
    while (nt < cap) {
        while (p < e && is_ws(*p)) {
            p++;
        }
        if (p >= e) {
            break;
        }
        t[nt].p = p;
        while (p < e && !is_ws(*p)) {
            p++;
        }
        t[nt].len = (size_t)(p - t[nt].p);
        nt++;
    }
    return nt;
}

/* The /proc/self/maps form's "[offset] dev inode [path]" from t[i] (dev: "hex:hex" at t[i] or
 * t[i + 1], an inode after it); 1 with *file and m->offset set, 0 when the line is not in that
 * form, 2 for a bad offset. */
static int maps_fields(const struct gm_str *t, uint32_t nt, uint32_t i, struct gm_str *file,
                       struct mapent *m)
{
    uint32_t dev = NONE;
    if (i + 1 < nt) {
        uint64_t x;
        if (i + 2 < nt && tok_hex(t[i], &x) && memchr(t[i + 1].p, ':', t[i + 1].len) &&
            t[i + 2].p[0] >= '0' && t[i + 2].p[0] <= '9') {
            dev = i + 1;
        } else if (memchr(t[i].p, ':', t[i].len) && t[i + 1].p[0] >= '0' && t[i + 1].p[0] <= '9') {
            dev = i;
        }
        if (dev != NONE) {
            const char *c = memchr(t[dev].p, ':', t[dev].len);
            struct gm_str d1 = {t[dev].p, (size_t)(c - t[dev].p)};
            struct gm_str d2 = {c + 1, t[dev].len - d1.len - 1};
            uint64_t y;
            if (!tok_hex(d1, &y) || !tok_hex(d2, &y)) {
                dev = NONE;
            }
        }
    }
    if (dev == NONE) {
        return 0;
    }
    if (dev > i && !tok_hex(t[i], &m->offset)) {
        return 2;
    }
    if (dev + 2 < nt) {
        *file = t[dev + 2];
    }
    return 1;
}

/* The brief form's "[file] [(@offset)] [buildid]" from t[i]; 0, or 2 for a bad offset. */
static int brief_fields(const struct gm_str *t, uint32_t nt, uint32_t i, struct gm_str *file,
                        struct gm_str *build, struct mapent *m)
{
    if (i < nt) {
        *file = t[i++];
    }
    if (i < nt && t[i].len > 3 && t[i].p[0] == '(' && t[i].p[1] == '@' &&
        t[i].p[t[i].len - 1] == ')') {
        struct gm_str o = {t[i].p + 2, t[i].len - 3};
        if (!tok_hex(o, &m->offset)) {
            return 2;
        }
        i++;
    }
    if (i < nt) {
        const char *q = t[i].p;
        while (q < t[i].p + t[i].len && gm_hexval(*q) >= 0) {
            q++;
        }
        build->p = t[i].p;
        build->len = (size_t)(q - t[i].p);
    }
    return 0;
}

/* One line of the memory map, in the /proc/self/maps form
 * "start-end perms offset dev inode path" or the brief form
 * "start-end[:] [perms] [file] [(@offset)] [buildid]" (pprof's procMapsRE/briefMapsRE).
 * Returns 1 with *m set, 0 for a non-executable mapping, 2 when it is neither, or an error. */
static int map_line(struct gm_profile *prof, const char *s, const char *e, struct mapent *m)
{
    const char *p = s;
    if (map_range(&p, e, m) != 0) {
        return 2;
    }
    struct gm_str t[8];
    uint32_t nt = map_tokens(p, e, t, GM_ARRAY_NR(t));
    uint32_t i = 0;
    struct gm_str perm = {"", 0}, file = {"", 0}, build = {"", 0};
    if (i < nt && tok_all(t[i], "-rwxp")) {
        perm = t[i++];
    }
    /* /proc/self/maps: [offset] dev inode [path]; else the brief form */
    int form = maps_fields(t, nt, i, &file, m);
    if (form == 2 || (form == 0 && brief_fields(t, nt, i, &file, &build, m) != 0)) {
        return 2;
    }
    if (perm.len && !memchr(perm.p, 'x', perm.len)) {
        return 0;
    }
    int rc;
    if ((rc = intern(prof, file.p, file.len, &m->file_id)) < 0 ||
        (rc = intern(prof, build.p, build.len, &m->build_id)) < 0) {
        return rc;
    }
    return 1;
}

/* "name=value" lines define $name for the lines after them (pprof's attributes). */
struct attrs {
    uint32_t *ids; /* pairs: "$name", value */
    uint32_t nr, alloc;
    char *buf; /* the line with the attributes replaced */
    uint32_t len, cap;
};

static int buf_put(struct attrs *a, const char *s, size_t n)
{
    if (n > UINT32_MAX / 4 || a->len + n > UINT32_MAX / 4) {
        return GM_ETOOBIG;
    }
    int rc = GM_RESERVE(a->buf, a->cap, a->len + (uint32_t)n + 1);
    if (rc < 0) {
        return rc;
    }
    memcpy(a->buf + a->len, s, n);
    a->len += (uint32_t)n;
    return 0;
}

/* a->buf = the line with every "$name" replaced, at each position the first defined name
 * that matches (Go's strings.Replacer). */
static int substitute(const struct gm_profile *prof, struct attrs *a, const char *s, const char *e)
{
    a->len = 0;
    int rc;
    for (const char *p = s; p < e;) {
        int hit = 0;
        if (*p == '$') {
            for (uint32_t i = 0; i < a->nr; i += 2) {
                struct gm_str n = gm_strtab_get(&prof->strs, a->ids[i]);
                if (n.len <= (size_t)(e - p) && memcmp(p, n.p, n.len) == 0) {
                    struct gm_str v = gm_strtab_get(&prof->strs, a->ids[i + 1]);
                    if ((rc = buf_put(a, v.p, v.len)) < 0) {
                        return rc;
                    }
                    p += n.len;
                    hit = 1;
                    break;
                }
            }
        }
        if (!hit) {
            if ((rc = buf_put(a, p, 1)) < 0) {
                return rc;
            }
            p++;
        }
    }
    return 0;
}

/* glog's "I0102 15:04:05.000 file.cc:123] " prefix (pprof's removeLoggingInfo). */
static const char *skip_log_prefix(const char *s, const char *e)
{
    const char *b = s;
    while (b < e && *b != '[' && *b != ']') {
        b++;
    }
    if (b >= e || *b != ']' || b + 1 >= e || !is_ws(b[1])) {
        return s;
    }
    const char *d = b;
    while (d > s && d[-1] >= '0' && d[-1] <= '9') {
        d--;
    }
    if (d == b || d - 1 <= s || d[-1] != ':') {
        return s;
    }
    return b + 2;
}

static int lib_name(struct gm_str f)
{
    /* pprof's libRx: `([.]so$|[.]so[._][0-9]+)` */
    for (size_t i = 0; i + 3 <= f.len; i++) {
        if (memcmp(f.p + i, ".so", 3) == 0 &&
            (i + 3 == f.len || ((f.p[i + 3] == '.' || f.p[i + 3] == '_') && i + 4 < f.len &&
                                f.p[i + 4] >= '0' && f.p[i + 4] <= '9'))) {
            return 1;
        }
    }
    return 0;
}

static int main_binary(const struct gm_profile *prof, uint32_t file_id)
{
    struct gm_str f = gm_strtab_get(&prof->strs, file_id);
    char tmp[4096];
    size_t n = 0;
    for (size_t i = 0; i < f.len && n < sizeof(tmp);) {
        if (f.len - i >= 9 && memcmp(f.p + i, "(deleted)", 9) == 0) {
            i += 9;
            continue;
        }
        tmp[n++] = f.p[i++];
    }
    size_t a = 0;
    while (a < n && is_ws(tmp[a])) {
        a++;
    }
    while (n > a && is_ws(tmp[n - 1])) {
        n--;
    }
    struct gm_str t = {tmp + a, n - a};
    return t.len && !lib_name(t) && t.p[0] != '[';
}

static int adjacent(const struct gm_pprof_mapping *a, const struct gm_pprof_mapping *b)
{
    if (a->filename_id && b->filename_id && a->filename_id != b->filename_id) {
        return 0;
    }
    if (a->build_id_id && b->build_id_id && a->build_id_id != b->build_id_id) {
        return 0;
    }
    if (a->memory_limit != b->memory_start) {
        return 0;
    }
    return !(a->file_offset && b->file_offset &&
             a->file_offset + (a->memory_limit - a->memory_start) != b->file_offset);
}

/* Defines the attribute of a "name=value" line (a->buf); lines without '=' are ignored. */
static int add_attr(struct gm_profile *prof, struct attrs *at)
{
    const char *l = at->buf, *eq = l && at->len ? memchr(l, '=', at->len) : NULL;
    if (!eq) {
        return 0;
    }
    const char *n0 = l, *n1 = eq, *v0 = eq + 1, *v1 = l + at->len;
    while (n0 < n1 && is_ws(*n0)) {
        n0++;
    }
    while (n1 > n0 && is_ws(n1[-1])) {
        n1--;
    }
    while (v0 < v1 && is_ws(*v0)) {
        v0++;
    }
    while (v1 > v0 && is_ws(v1[-1])) {
        v1--;
    }
    char name[256];
    if ((size_t)(n1 - n0) + 1 >= sizeof(name)) {
        return 0;
    }
    name[0] = '$';
    memcpy(name + 1, n0, (size_t)(n1 - n0));
    int rc;
    if ((rc = GM_RESERVE(at->ids, at->alloc, at->nr + 2)) < 0 ||
        (rc = intern(prof, name, (size_t)(n1 - n0) + 1, &at->ids[at->nr])) < 0 ||
        (rc = intern(prof, v0, (size_t)(v1 - v0), &at->ids[at->nr + 1])) < 0) {
        return rc;
    }
    at->nr += 2;
    return 0;
}

/* Appends the mapping of m (*alloc: the capacity of prof->mappings). */
static int add_mapping(struct gm_profile *prof, uint32_t *alloc, const struct mapent *m)
{
    int rc;
    if ((rc = GM_RESERVE(prof->mappings, *alloc, prof->mappings_nr + 1)) < 0) {
        return rc;
    }
    struct gm_pprof_mapping *mp = &prof->mappings[prof->mappings_nr++];
    memset(mp, 0, sizeof(*mp));
    mp->memory_start = m->start;
    mp->memory_limit = m->limit;
    mp->file_offset = m->offset;
    mp->filename_id = m->file_id;
    mp->build_id_id = m->build_id;
    return 0;
}

/* Reads the lines of the memory map: attributes, and the executable mappings in order. */
static int read_map(struct gm_profile *prof, const char *s, const char *e, uint32_t *alloc)
{
    struct attrs at;
    memset(&at, 0, sizeof(at));
    int rc = 0;
    for (const char *ls = s; ls < e;) {
        const char *nl = memchr(ls, '\n', (size_t)(e - ls));
        const char *le = nl ? nl : e;
        const char *next = nl ? nl + 1 : e;
        if (le > ls && le[-1] == '\r') {
            le--;
        }
        if ((rc = substitute(prof, &at, skip_log_prefix(ls, le), le)) < 0) {
            break;
        }
        ls = next;
        struct mapent m;
        int r = map_line(prof, at.buf ? at.buf : "", (at.buf ? at.buf : "") + at.len, &m);
        if (r < 0) {
            rc = r;
            break;
        }
        if (r == 0) {
            continue;
        }
        /* 2: not a mapping line, perhaps a "name=value" attribute */
        rc = r == 2 ? add_attr(prof, &at) : add_mapping(prof, alloc, &m);
        if (rc < 0) {
            break;
        }
    }
    free(at.ids);
    free(at.buf);
    return rc;
}

/* Merges adjacent pieces of one mapping. */
static void merge_mappings(struct gm_profile *prof)
{
    uint32_t n = prof->mappings_nr ? 1 : 0;
    for (uint32_t i = 1; i < prof->mappings_nr; i++) {
        struct gm_pprof_mapping *lm = &prof->mappings[n - 1], *m = &prof->mappings[i];
        if (adjacent(lm, m)) {
            lm->memory_limit = m->memory_limit;
            lm->filename_id = m->filename_id ? m->filename_id : lm->filename_id;
            lm->build_id_id = m->build_id_id ? m->build_id_id : lm->build_id_id;
            continue;
        }
        prof->mappings[n++] = *m;
    }
    prof->mappings_nr = n;
}

/* Puts the main binary first, drops a leading /anon_hugepage piece and rebases a main binary
 * loaded at 0x400000. */
static void main_mapping_first(struct gm_profile *prof)
{
    uint32_t n = prof->mappings_nr;
    /* the main binary first: the first that is not a library or [vdso]-like */
    for (uint32_t i = 0; i < n; i++) {
        if (main_binary(prof, prof->mappings[i].filename_id)) {
            struct gm_pprof_mapping t = prof->mappings[0];
            prof->mappings[0] = prof->mappings[i];
            prof->mappings[i] = t;
            break;
        }
    }
    if (n > 1 && gm_str_has_prefix(gm_strtab_get(&prof->strs, prof->mappings[0].filename_id),
                                   "/anon_hugepage")) {
        if (prof->mappings[0].memory_limit == prof->mappings[1].memory_start) {
            memmove(prof->mappings, prof->mappings + 1, (n - 1) * sizeof(*prof->mappings));
            prof->mappings_nr = --n;
        }
    }
    if (n && prof->mappings[0].memory_start - prof->mappings[0].file_offset == 0x400000) {
        prof->mappings[0].memory_start = 0x400000;
        prof->mappings[0].file_offset = 0;
    }
}

/* Gives each location the mapping holding its address, else a catch-all one, and numbers the
 * mappings (*alloc: the capacity of prof->mappings). */
static int map_locations(struct gm_profile *prof, uint32_t *alloc)
{
    int rc;
    uint32_t fake = NONE;
    for (uint32_t l = 0; l < prof->locations_nr; l++) {
        struct gm_pprof_location *loc = &prof->locations[l];
        uint64_t a = loc->address;
        if (a == 0) {
            continue;
        }
        uint32_t mi = NONE;
        for (uint32_t i = 0; i < prof->mappings_nr && mi == NONE; i++) {
            if (prof->mappings[i].memory_start <= a && a < prof->mappings[i].memory_limit) {
                mi = i;
            }
        }
        for (uint32_t i = 0; i < prof->mappings_nr && mi == NONE; i++) {
            struct gm_pprof_mapping *m = &prof->mappings[i];
            if (m->file_offset && m->memory_start - m->file_offset <= a && a < m->memory_start) {
                m->memory_start -= m->file_offset;
                m->file_offset = 0;
                mi = i;
            }
        }
        if (mi == NONE) {
            if (fake == NONE) {
                if ((rc = GM_RESERVE(prof->mappings, *alloc, prof->mappings_nr + 1)) < 0) {
                    return rc;
                }
                fake = prof->mappings_nr++;
                memset(&prof->mappings[fake], 0, sizeof(prof->mappings[fake]));
                prof->mappings[fake].memory_limit = UINT64_MAX;
            }
            mi = fake;
        }
        loc->mapping_id = mi + 1;
    }
    for (uint32_t i = 0; i < prof->mappings_nr; i++) {
        prof->mappings[i].id = i + 1;
    }
    return 0;
}

/* Reads the memory map (text from s, after the sentinel line) into mappings and gives every
 * location its mapping, as pprof's ParseMemoryMap does. */
int gm_heaptext_mappings(struct gm_profile *prof, const char *s, const char *e)
{
    uint32_t alloc = 0;
    int rc = read_map(prof, s, e, &alloc);
    if (rc < 0) {
        return rc;
    }
    merge_mappings(prof);
    main_mapping_first(prof);
    return map_locations(prof, &alloc);
}
