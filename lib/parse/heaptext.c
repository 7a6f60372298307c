/*
 * Legacy heap profile text, as written by Go's runtime/pprof (debug=1,
 * `/debug/pprof/heap?debug=1`) and by C++ tcmalloc/gperftools (heapz):
 *
 *   heap profile: <inuse objs>: <inuse bytes> [<alloc objs>: <alloc bytes>] @ <sampling>/<n>
 *   <inuse objs>: <inuse bytes> [<alloc objs>: <alloc bytes>] @ 0x<ret pc> 0x<ret pc> ...
 *   #	0x<pc>	<func>+0x<off>	<file>:<line>   (Go: one per frame, inlined frames share a pc)
 *   ...
 *   # runtime.MemStats                        (Go)
 *   # Alloc = <n>  ...                        (see struct gm_memstats)
 *   --- Memory map: ---                       (C++; or MAPPED_LIBRARIES:)
 *   <start>-<end>: <file>                     (or /proc/self/maps lines; name=value defines $name)
 *
 * Numbers may be padded with spaces. The facts follow pprof's reader (profile/legacy_profile.go):
 * - sampling: `heap/N` (Go) is a rate of N/2 bytes, `heap_v2/N` and `heapz_v2/N` a rate of N;
 *   values are unsampled as pprof does (scaleHeapSample: count and size times
 *   1/(1-exp(-avgsize/rate))). `heapprofile` and the `@ growthz` and `@ fragmentationz`
 *   headers are not sampled (period 1). Other samplers are refused.
 * - sample types: alloc_objects, alloc_space, inuse_objects, inuse_space when the header's
 *   alloc figures differ from its inuse ones and are not 0; otherwise only the inuse columns,
 *   named objects and space (a C++ heapz profile). Every sample gets the numeric label
 *   bytes = size/count of the record (inuse, or alloc when nothing is in use).
 * - stacks: the `@` list, leaf first; each return address minus 1 (the call) is a location,
 *   one per address. Without `#` lines the locations have no lines and are shown by address.
 *   With them (Go), a location is named by the `#` lines of its pc: consecutive lines with one
 *   pc are its inlined frames, innermost first (divided by the number of times the `@` list
 *   repeats that address in a row: direct recursion). A record keeps the addresses its own
 *   `#` lines print: the leading runtime frames runtime/pprof hides and runtime.goexit are left
 *   out (pprof with the binary names them, then drops the leading ones with its default
 *   drop_frames for heap profiles); a record without `#` lines in such a file keeps the
 *   addresses some record names.
 * - mappings: from the memory map section, merged when adjacent, the main binary first; every
 *   location is given the mapping that holds its address, or one catch-all mapping.
 */
#include "gm/alloc.h"
#include "gm/hashtab.h"
#include "gm/pprof.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "heaptext.h"
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* A "#" line of the record being read: func NONE for "#\t0xPC" without a symbol. */
struct frame {
    uint64_t pc;
    uint32_t func;
    int64_t line;
};

/* The lines of the location at a pc, from the "#" lines (in hb.sl). */
struct sym {
    uint32_t line_off, line_nr;
};

struct hb {
    struct gm_profile *p;
    uint32_t samples_alloc, values_alloc, values_nr, labels_alloc, labels_nr, funcs_alloc;
    uint64_t *addrs; /* every record's "@" list, each address minus 1 */
    uint32_t addrs_nr, addrs_alloc;
    struct frame *fr; /* "#" lines since the last record line */
    uint32_t fr_nr, fr_alloc;
    struct gm_pprof_line *sl; /* lines of the symbols */
    uint32_t sl_nr, sl_alloc;
    struct sym *syms;
    uint32_t syms_nr, syms_alloc;
    struct addr_at *at; /* scratch of flush_frames */
    uint32_t at_alloc;
    struct gm_u64map sym_map, fn_map,
        loc_map;  /* pc -> syms; (name, file) -> function; pc -> location */
    uint32_t cur; /* sample of the record being read, or NONE */
    int has_alloc, sampled;
    int64_t rate;
    uint32_t bytes_id;
};

static const char *skip_ws(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t')) {
        s++;
    }
    return s;
}

/* Decimal digits into *out; 1 when there are none, -1 past INT64_MAX (or past -INT64_MAX
 * with neg). */
static int dec_i64(const char **s, const char *e, int neg, int64_t *out)
{
    const char *p = *s;
    uint64_t v = 0;
    while (p < e && *p >= '0' && *p <= '9') {
        if (v > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10) {
            return -1;
        }
        v = v * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p == *s) {
        return 1;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    *s = p;
    return 0;
}

/* "0x<hex>" */
static int hex_u64(const char **s, const char *e, uint64_t *out)
{
    const char *p = *s;
    if (e - p < 3 || p[0] != '0' || p[1] != 'x' || gm_hexval(p[2]) < 0) {
        return 1;
    }
    p += 2;
    int rc = hex_digits(&p, e, out);
    if (rc == 0) {
        *s = p;
    }
    return rc;
}

/* ------------------------------------------------------------ header */

/* "N: N [N: N]" with optional spaces, as the four digit strings (for the header). */
static int header_counts(const char **s, const char *e, struct gm_str d[4])
{
    const char *p = *s;
    for (int i = 0; i < 4; i++) {
        p = skip_ws(p, e);
        if (i == 2) {
            if (p >= e || *p != '[') {
                return -1;
            }
            p = skip_ws(p + 1, e);
        }
        d[i].p = p;
        while (p < e && *p >= '0' && *p <= '9') {
            p++;
        }
        d[i].len = (size_t)(p - d[i].p);
        if (!d[i].len) {
            return -1;
        }
        if (i == 0 || i == 2) {
            if (p >= e || *p != ':') {
                return -1;
            }
            p++;
        }
    }
    p = skip_ws(p, e);
    if (p >= e || *p != ']') {
        return -1;
    }
    *s = p + 1;
    return 0;
}

static int slice_eq(struct gm_str a, struct gm_str b)
{
    return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

static int header(struct hb *b, const char *s, const char *e, uint64_t off, struct gm_diag *diag)
{
    static const char expect[] = "expected 'heap profile: N: N [N: N] @ heap/N' (or heap_v2/N, "
                                 "heapz_v2/N, heapprofile, growthz, fragmentationz)";
    struct gm_str d[4];
    const char *p = s + 13; /* "heap profile:" */
    if ((size_t)(e - s) < 13 || memcmp(s, "heap profile:", 13) != 0 ||
        header_counts(&p, e, d) < 0) {
        return gm_diag_set(diag, GM_EFORMAT, off, 1, "%s", expect);
    }
    p = skip_ws(p, e);
    if (p >= e || *p != '@') {
        return gm_diag_set(diag, GM_EFORMAT, off, 1, "%s", expect);
    }
    p = skip_ws(p + 1, e);
    const char *k = p;
    while (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
        p++;
    }
    struct gm_str kind = {k, (size_t)(p - k)};
    if (gm_str_has_prefix(kind, "growth") || gm_str_has_prefix(kind, "fragmentation")) {
        b->p->period = 1; /* a growth or fragmentation profile: not sampled, inuse only */
        return 0;
    }
    if (!gm_str_has_prefix(kind, "heap")) {
        return gm_diag_set(diag, GM_EFORMAT, off, 1, "%s", expect);
    }
    int64_t n = 0;
    if (p < e && *p == '/') {
        p++;
    }
    if (dec_i64(&p, e, 0, &n) < 0) {
        return gm_diag_set(diag, GM_EFORMAT, off + (uint64_t)(p - s), 1,
                           "sampling period out of range");
    }
    /* pprof compares the digits as written */
    b->has_alloc = (!slice_eq(d[2], d[0]) && !gm_str_eq(d[2], "0")) ||
                   (!slice_eq(d[3], d[1]) && !gm_str_eq(d[3], "0"));
    if (gm_str_eq(kind, "heap")) { /* Go: heap/<2*MemProfileRate> */
        b->p->period = n / 2;
        b->sampled = 1;
    } else if (gm_str_eq(kind, "heap_v2") || gm_str_eq(kind, "heapz_v2")) {
        b->p->period = n;
        b->sampled = 1;
    } else if (gm_str_eq(kind, "heapprofile")) {
        b->p->period = 1;
    } else {
        return gm_diag_set(diag, GM_EFORMAT, off + (uint64_t)(k - s), 1,
                           "unsupported legacy heap profile sampling '@ %.*s' (gomedic and "
                           "pprof read heap/N, heap_v2/N, heapz_v2/N, heapprofile)",
                           (int)GM_MIN(kind.len, 40), kind.p);
    }
    b->rate = b->p->period;
    return 0;
}

/* ------------------------------------------------------------ records */

static void scale(int64_t rate, int64_t count, int64_t size, int64_t *oc, int64_t *os)
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
    double sc = 1 / (1 - exp(-avg / (double)rate));
    double c = (double)count * sc, z = (double)size * sc;
    *oc = c >= 9.2e18 ? INT64_MAX : c <= -9.2e18 ? INT64_MIN : (int64_t)c;
    *os = z >= 9.2e18 ? INT64_MAX : z <= -9.2e18 ? INT64_MIN : (int64_t)z;
}

struct addr_at {
    uint64_t pc;
    uint32_t k;
};

static int cmp_addr_at(const void *a, const void *b)
{
    const struct addr_at *x = a, *y = b;
    return x->pc != y->pc ? (x->pc < y->pc ? -1 : 1) : (x->k > y->k) - (x->k < y->k);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Index in the sorted v[0..n) of the first entry with pc, or NONE. */
static uint32_t find_at(const struct addr_at *v, uint32_t n, uint64_t pc)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v[mid].pc < pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < n && v[lo].pc == pc ? lo : NONE;
}

static int has_u64(const uint64_t *v, uint32_t n, uint64_t x)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < n && v[lo] == x;
}

/* At the end of a record (the sample cur, whose loc_off/loc_nr index addrs until the stacks
 * are built): defines the symbols of the "#" lines read since its record line, and keeps in
 * its "@" list only the addresses those lines print. */
static int flush_frames(struct hb *b)
{
    if (!b->fr_nr) {
        return 0;
    }
    uint64_t *addrs = NULL;
    uint32_t naddrs = 0;
    if (b->cur != NONE && b->addrs) {
        addrs = b->addrs + b->p->samples[b->cur].loc_off;
        naddrs = b->p->samples[b->cur].loc_nr;
    }
    int rc;
    /* where each address first occurs in the "@" list, by binary search */
    if ((rc = GM_RESERVE(b->at, b->at_alloc, naddrs + b->fr_nr)) < 0) {
        return rc;
    }
    for (uint32_t k = 0; k < naddrs; k++) {
        b->at[k].pc = addrs[k];
        b->at[k].k = k;
    }
    qsort(b->at, naddrs, sizeof(*b->at), cmp_addr_at);
    for (uint32_t i = 0, j; i < b->fr_nr; i = j) {
        uint64_t pc = b->fr[i].pc;
        for (j = i; j < b->fr_nr && b->fr[j].pc == pc; j++) {
        }
        if (gm_u64map_get(&b->sym_map, pc) != NONE) {
            continue; /* the first record that shows a pc defines it */
        }
        /* direct recursion: the "@" list has the address k times in a row, and the "#"
         * lines print the frames of that pc k times */
        uint32_t copies = 0, f = find_at(b->at, naddrs, pc);
        for (uint32_t k = f == NONE ? naddrs : b->at[f].k; k < naddrs && addrs[k] == pc; k++) {
            copies++;
        }
        uint32_t run = j - i;
        if (copies < 1 || run % copies != 0) {
            copies = 1;
        }
        if ((rc = GM_RESERVE(b->syms, b->syms_alloc, b->syms_nr + 1)) < 0 ||
            (rc = GM_RESERVE(b->sl, b->sl_alloc, b->sl_nr + run)) < 0 ||
            (rc = gm_u64map_put(&b->sym_map, pc, b->syms_nr)) < 0) {
            return rc;
        }
        struct sym *sy = &b->syms[b->syms_nr++];
        sy->line_off = b->sl_nr;
        sy->line_nr = 0;
        for (uint32_t k = i; k < i + run / copies; k++) {
            if (b->fr[k].func != NONE) {
                b->sl[b->sl_nr].func = b->fr[k].func;
                b->sl[b->sl_nr].line = b->fr[k].line;
                b->sl_nr++;
                sy->line_nr++;
            }
        }
    }
    /* the frames runtime/pprof did not print for this record (the leading runtime ones,
     * runtime.goexit) are left out, even when another record names their pc */
    uint64_t *printed = (uint64_t *)(void *)b->at; /* reuse: fr_nr <= at_alloc */
    for (uint32_t i = 0; i < b->fr_nr; i++) {
        printed[i] = b->fr[i].pc;
    }
    qsort(printed, b->fr_nr, sizeof(uint64_t), cmp_u64);
    uint32_t kept = 0;
    for (uint32_t k = 0; k < naddrs; k++) {
        if (has_u64(printed, b->fr_nr, addrs[k])) {
            addrs[kept++] = addrs[k];
        }
    }
    if (b->cur != NONE) {
        b->p->samples[b->cur].loc_nr = kept;
    }
    b->fr_nr = 0;
    return 0;
}

/* "#\t0x<pc>\t<func>+0x<off>\t<file>:<line>" (q after the '#') */
static int frame_line(struct hb *b, const char *q, const char *e)
{
    struct gm_profile *prof = b->p;
    uint64_t pc;
    q = skip_ws(q, e);
    if (hex_u64(&q, e, &pc) != 0) {
        return 0; /* another comment */
    }
    int rc = GM_RESERVE(b->fr, b->fr_alloc, b->fr_nr + 1);
    if (rc < 0) {
        return rc;
    }
    struct frame *f = &b->fr[b->fr_nr++];
    f->pc = pc;
    f->func = NONE;
    f->line = 0;
    q = skip_ws(q, e);
    if (q >= e) {
        return 0; /* "#\t0xPC": runtime/pprof found no function */
    }
    /* fields are separated by tabs (text/tabwriter pads with them) */
    const char *fs = q;
    while (q < e && *q != '\t') {
        q++;
    }
    const char *fe = q;
    for (const char *k = fe - 1; k > fs + 1; k--) {
        if (k[-1] == '+' && k[0] == '0' && k + 1 < fe && k[1] == 'x') {
            fe = k - 1;
            break;
        }
    }
    while (q < e && *q == '\t') {
        q++;
    }
    const char *file = q, *file_e = q;
    while (file_e < e && *file_e != '\t') {
        file_e++;
    }
    for (const char *k = file_e; k > file + 1; k--) {
        if (k[-1] == ':') {
            const char *c2 = k;
            int64_t ln = 0;
            if (dec_i64(&c2, file_e, 0, &ln) == 0 && c2 == file_e) {
                f->line = ln;
            }
            file_e = k - 1;
            break;
        }
    }
    uint32_t name_id, file_id;
    if ((rc = intern(prof, fs, (size_t)(fe - fs), &name_id)) < 0 ||
        (rc = intern(prof, file, (size_t)(file_e - file), &file_id)) < 0) {
        return rc;
    }
    uint64_t key = (uint64_t)name_id << 32 | file_id;
    uint32_t fi = gm_u64map_get(&b->fn_map, key);
    if (fi == NONE) {
        if ((rc = GM_RESERVE(prof->functions, b->funcs_alloc, prof->functions_nr + 1)) < 0 ||
            (rc = gm_u64map_put(&b->fn_map, key, prof->functions_nr)) < 0) {
            return rc;
        }
        struct gm_pprof_function *fn = &prof->functions[prof->functions_nr];
        memset(fn, 0, sizeof(*fn));
        fn->name_id = fn->system_name_id = name_id;
        fn->filename_id = file_id;
        fi = prof->functions_nr++;
    }
    f->func = fi;
    return 0;
}

/* One "count: bytes" pair of a record, as pprof's addValues. */
static int add_values(struct hb *b, int64_t count, int64_t size, int64_t *out, int64_t *blocksize)
{
    if (count == 0 && size != 0) {
        return -1;
    }
    if (count != 0) {
        *blocksize = size / count;
        if (b->sampled) {
            scale(b->rate, count, size, &out[0], &out[1]);
            return 0;
        }
    }
    out[0] = count;
    out[1] = size;
    return 0;
}

/* The four numbers of a record line up to and past its "@" (*pp: from the line's start);
 * 0, 1 when the line is not in that form, -1 for a number out of range (*pp at it). */
static int record_counts(const char **pp, const char *e, int64_t v[4])
{
    const char *p = *pp;
    for (int i = 0; i < 4; i++) {
        p = skip_ws(p, e);
        if (i == 2) {
            if (p >= e || *p != '[') {
                return 1;
            }
            p = skip_ws(p + 1, e);
        }
        int neg = i < 2 && p < e && *p == '-';
        const char *d = p + neg;
        int r = dec_i64(&d, e, neg, &v[i]);
        if (r < 0) {
            *pp = p;
            return -1;
        }
        if (r > 0) {
            return 1;
        }
        p = d;
        if (i == 0 || i == 2) {
            if (p >= e || *p != ':') {
                return 1;
            }
            p++;
        }
    }
    p = skip_ws(p, e);
    if (p >= e || *p != ']') {
        return 1;
    }
    p = skip_ws(p + 1, e);
    if (p >= e || *p != '@') {
        return 1;
    }
    *pp = p + 1;
    return 0;
}

/* Appends the sample of a record line (room reserved) with its bytes label; it is b->cur. */
static struct gm_pprof_sample *new_sample(struct hb *b, int64_t blocksize)
{
    struct gm_profile *prof = b->p;
    b->cur = prof->samples_nr;
    struct gm_pprof_sample *cur = &prof->samples[prof->samples_nr++];
    memset(cur, 0, sizeof(*cur));
    cur->val_off = b->values_nr;
    b->values_nr += prof->types_nr;
    cur->label_off = b->labels_nr;
    cur->label_nr = 1;
    struct gm_pprof_label *lb = &prof->labels[b->labels_nr++];
    memset(lb, 0, sizeof(*lb));
    lb->key_id = b->bytes_id;
    lb->num = blocksize;
    return cur;
}

/* The "@" list from p into b->addrs for cur: its hex numbers, as far as only spaces and hex
 * numbers follow. */
static int record_addrs(struct hb *b, struct gm_pprof_sample *cur, const char *p, const char *e,
                        const char *text, uint64_t lineno, struct gm_diag *diag)
{
    int rc;
    cur->loc_off = b->addrs_nr;
    for (;;) {
        p = skip_ws(p, e);
        uint64_t a;
        const char *a0 = p;
        int r = hex_u64(&p, e, &a);
        if (r < 0) {
            return gm_diag_set(diag, GM_EFORMAT, (uint64_t)(a0 - text), lineno,
                               "address longer than 64 bits");
        }
        if (r > 0) {
            break;
        }
        if ((rc = GM_RESERVE(b->addrs, b->addrs_alloc, b->addrs_nr + 1)) < 0) {
            return rc;
        }
        /* a return address: minus 1 lands on the call, as pprof does */
        b->addrs[b->addrs_nr++] = a - 1;
        cur->loc_nr++;
    }
    return 0;
}

/* "<inuse objs>: <inuse bytes> [<alloc objs>: <alloc bytes>] @ 0x... " (s trimmed) */
static int record_line(struct hb *b, const char *text, const char *s, const char *e,
                       uint64_t lineno, struct gm_diag *diag)
{
    static const char expect[] = "expected 'N: N [N: N] @ 0x...'";
    struct gm_profile *prof = b->p;
    int64_t v[4];
    const char *p = s;
    int r = record_counts(&p, e, v);
    if (r < 0) {
        return gm_diag_set(diag, GM_EFORMAT, (uint64_t)(p - text), lineno, "number out of range");
    }
    if (r > 0) {
        return gm_diag_set(diag, GM_EFORMAT, (uint64_t)(s - text), lineno, "%s", expect);
    }
    int rc;
    if ((rc = flush_frames(b)) < 0) {
        return rc;
    }
    uint32_t nv = prof->types_nr;
    if ((rc = GM_RESERVE(prof->samples, b->samples_alloc, prof->samples_nr + 1)) < 0 ||
        (rc = GM_RESERVE(prof->values, b->values_alloc, b->values_nr + nv)) < 0 ||
        (rc = GM_RESERVE(prof->labels, b->labels_alloc, b->labels_nr + 1)) < 0) {
        return rc;
    }
    int64_t *out = prof->values + b->values_nr, blocksize = 0;
    if (b->has_alloc && add_values(b, v[2], v[3], out, &blocksize) < 0) {
        return gm_diag_set(diag, GM_EFORMAT, (uint64_t)(s - text), lineno,
                           "allocation count is 0 but allocation bytes is %lld", (long long)v[3]);
    }
    if (add_values(b, v[0], v[1], out + (b->has_alloc ? 2 : 0), &blocksize) < 0) {
        return gm_diag_set(diag, GM_EFORMAT, (uint64_t)(s - text), lineno,
                           "inuse count is 0 but inuse bytes is %lld", (long long)v[1]);
    }
    struct gm_pprof_sample *cur = new_sample(b, blocksize);
    return record_addrs(b, cur, p, e, text, lineno, diag);
}

/* Turns every sample's "@" list into locations (see the top of the file). */
static int build_stacks(struct hb *b)
{
    struct gm_profile *prof = b->p;
    int has_syms = b->syms_nr > 0, rc;
    uint32_t nlines = 0, locs_alloc = 0, loc_alloc = 0, lines_alloc = 0;
    if ((rc = GM_RESERVE(prof->locs, locs_alloc, b->addrs_nr ? b->addrs_nr : 1)) < 0) {
        return rc;
    }
    uint32_t locs_nr = 0;
    for (uint32_t i = 0; i < prof->samples_nr; i++) {
        struct gm_pprof_sample *s = &prof->samples[i];
        uint32_t off = locs_nr;
        for (uint32_t k = 0; k < s->loc_nr; k++) {
            uint64_t pc = b->addrs[s->loc_off + k];
            uint32_t si = has_syms ? gm_u64map_get(&b->sym_map, pc) : NONE;
            if (has_syms && si == NONE) {
                continue; /* a frame runtime/pprof did not print */
            }
            uint32_t li = gm_u64map_get(&b->loc_map, pc);
            if (li == NONE) {
                uint32_t n = si == NONE ? 0 : b->syms[si].line_nr;
                if ((rc = GM_RESERVE(prof->locations, loc_alloc, prof->locations_nr + 1)) < 0 ||
                    (rc = GM_RESERVE(prof->lines, lines_alloc, nlines + n + 1)) < 0 ||
                    (rc = gm_u64map_put(&b->loc_map, pc, prof->locations_nr)) < 0) {
                    return rc;
                }
                struct gm_pprof_location *loc = &prof->locations[prof->locations_nr];
                memset(loc, 0, sizeof(*loc));
                loc->id = prof->locations_nr + 1;
                loc->address = pc;
                loc->line_off = nlines;
                loc->line_nr = n;
                if (n) {
                    memcpy(prof->lines + nlines, b->sl + b->syms[si].line_off,
                           n * sizeof(*prof->lines));
                }
                nlines += n;
                li = prof->locations_nr++;
            }
            prof->locs[locs_nr++] = li;
        }
        s->loc_off = off;
        s->loc_nr = locs_nr - off;
    }
    prof->lines_nr = nlines;
    /* functions in the order the locations use them; unused ones go (pprof renumbers so) */
    uint32_t nf = prof->functions_nr;
    uint32_t *remap = gm_xrealloc(NULL, ((size_t)nf + 1) * sizeof(uint32_t));
    if (!remap) {
        return GM_ENOMEM;
    }
    memset(remap, 0xff, ((size_t)nf + 1) * sizeof(uint32_t));
    uint32_t used = 0;
    for (uint32_t i = 0; i < nlines; i++) {
        uint32_t f = prof->lines[i].func;
        if (remap[f] == NONE) {
            remap[f] = used++;
        }
        prof->lines[i].func = remap[f];
    }
    struct gm_pprof_function *fns = gm_xrealloc(NULL, ((size_t)used + 1) * sizeof(*fns));
    if (!fns) {
        free(remap);
        return GM_ENOMEM;
    }
    for (uint32_t f = 0; f < nf; f++) {
        if (remap[f] != NONE) {
            fns[remap[f]] = prof->functions[f];
            fns[remap[f]].id = remap[f] + 1;
        }
    }
    free(remap);
    free(prof->functions);
    prof->functions = fns;
    prof->functions_nr = used;
    return 0;
}

/* ------------------------------------------------------------ MemStats */

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
    {"MaxRSS", offsetof(struct gm_memstats, max_rss)},
};

static void memstats_absent(struct gm_memstats *ms)
{
    memset(ms, 0xff, sizeof(*ms)); /* -1 */
    ms->gc_cpu_fraction = -1;
}

/* A "# GCCPUFraction = 9.1e-05" value: 1 when the line was it. */
static int memstat_fraction(struct gm_memstats *ms, const char *name, size_t nl, const char *v,
                            const char *e)
{
    if (nl != 13 || memcmp(name, "GCCPUFraction", 13) != 0) {
        return 0;
    }
    char num[40];
    size_t n = (size_t)(e - v) < sizeof(num) - 1 ? (size_t)(e - v) : sizeof(num) - 1;
    memcpy(num, v, n);
    num[n] = '\0';
    char *end;
    double f = strtod(num, &end);
    if (end != num && f >= 0 && f <= 1) {
        ms->gc_cpu_fraction = f;
    }
    return 1;
}

/* One "# Name = value" line of the MemStats block into ms: 1 when it named a field. */
static int memstat_line(struct gm_memstats *ms, const char *s, const char *e)
{
    /* "# Name = value" or "# Stack = inuse / sys" */
    s = skip_ws(s + 1, e);
    const char *eq = memchr(s, '=', (size_t)(e - s));
    if (!eq) {
        return 0;
    }
    const char *ne = eq;
    while (ne > s && ne[-1] == ' ') {
        ne--;
    }
    const char *v = skip_ws(eq + 1, e);
    if (memstat_fraction(ms, s, (size_t)(ne - s), v, e)) {
        return 1;
    }
    int64_t n;
    if (dec_i64(&v, e, 0, &n) != 0) {
        return 0;
    }
    for (size_t i = 0; i < GM_ARRAY_NR(memstat_names); i++) {
        size_t l = strlen(memstat_names[i].name);
        if ((size_t)(ne - s) == l && memcmp(s, memstat_names[i].name, l) == 0) {
            memcpy((char *)ms + memstat_names[i].off, &n, sizeof(n));
            if (strcmp(memstat_names[i].name, "Stack") == 0) {
                const char *sl = skip_ws(v, e);
                if (sl < e && *sl == '/') {
                    sl = skip_ws(sl + 1, e);
                    if (dec_i64(&sl, e, 0, &n) == 0) {
                        ms->stack_sys = n;
                    }
                }
            }
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ the reader */

static int contains(const char *s, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    for (; (size_t)(e - s) >= n; s++) {
        if (*s == *lit && memcmp(s, lit, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The sample types (four with alloc figures, else two), the period type and "bytes". */
static int sample_types(struct hb *b)
{
    static const char *const tn[4][2] = {{"alloc_objects", "count"},
                                         {"alloc_space", "bytes"},
                                         {"inuse_objects", "count"},
                                         {"inuse_space", "bytes"}};
    static const char *const tn2[2][2] = {{"objects", "count"}, {"space", "bytes"}};
    struct gm_profile *prof = b->p;
    int rc;
    uint32_t nt = b->has_alloc ? 4 : 2;
    prof->types = gm_xrealloc(NULL, nt * sizeof(*prof->types));
    if (!prof->types) {
        return GM_ENOMEM;
    }
    for (uint32_t i = 0; i < nt; i++) {
        const char *const *n = b->has_alloc ? tn[i] : tn2[i];
        if ((rc = intern(prof, n[0], strlen(n[0]), &prof->types[i].type_id)) < 0 ||
            (rc = intern(prof, n[1], strlen(n[1]), &prof->types[i].unit_id)) < 0) {
            return rc;
        }
    }
    prof->types_nr = nt;
    if ((rc = intern(prof, "space", 5, &prof->period_type.type_id)) < 0 ||
        (rc = intern(prof, "bytes", 5, &prof->period_type.unit_id)) < 0 ||
        (rc = intern(prof, "bytes", 5, &b->bytes_id)) < 0) {
        return rc;
    }
    return 0;
}

/* Reads the lines after the header (from pos): records, "#" frame and MemStats lines, up to
 * the memory map (*map_text: its text, or NULL when there is none). */
static int read_lines(struct hb *b, const char *text, size_t len, size_t pos, struct gm_diag *diag,
                      const char **map_text)
{
    struct gm_profile *prof = b->p;
    int rc;
    uint64_t lineno = 1;
    int in_memstats = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        const char *s = text + pos;
        const char *e = nl ? nl : text + len;
        pos = nl ? (size_t)(nl - text) + 1 : len;
        lineno++;
        while (s < e && is_ws(*s)) {
            s++;
        }
        while (e > s && is_ws(e[-1])) {
            e--;
        }
        if (s == e) {
            continue;
        }
        if (*s == '#') {
            const char *q = skip_ws(s + 1, e);
            if ((size_t)(e - q) >= 16 && memcmp(q, "runtime.MemStats", 16) == 0) {
                in_memstats = 1;
                continue;
            }
            if (in_memstats) {
                prof->has_memstats |= memstat_line(&prof->memstats, s, e);
            } else if ((rc = frame_line(b, s + 1, e)) < 0) {
                return rc;
            }
            continue;
        }
        if (contains(s, e, "--- Memory map: ---") || contains(s, e, "MAPPED_LIBRARIES:")) {
            *map_text = text + pos;
            break;
        }
        if ((*s >= '0' && *s <= '9') || *s == '-') {
            if ((rc = record_line(b, text, s, e, lineno, diag)) < 0) {
                return rc;
            }
            in_memstats = 0;
            continue;
        }
        /* anything else: ignore (comments of other producers) */
    }
    return 0;
}

/* Frees the reader's scratch (not the profile). */
static void hb_release(struct hb *b)
{
    free(b->addrs);
    free(b->fr);
    free(b->sl);
    free(b->syms);
    free(b->at);
    gm_u64map_release(&b->sym_map);
    gm_u64map_release(&b->fn_map);
    gm_u64map_release(&b->loc_map);
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
    b.cur = NONE;
    int rc = gm_strtab_init(&prof->strs, lim ? lim->max_strtab : 0);
    if (rc < 0) {
        return rc;
    }
    memstats_absent(&prof->memstats);
    const char *s = text, *e = memchr(text, '\n', len);
    e = e ? e : text + len;
    size_t pos = (size_t)(e - text) + (e < text + len);
    if (e > s && e[-1] == '\r') {
        e--;
    }
    const char *map_text = NULL;
    if ((rc = header(&b, s, e, 0, diag)) < 0 || (rc = sample_types(&b)) < 0 ||
        (rc = read_lines(&b, text, len, pos, diag, &map_text)) < 0 || (rc = flush_frames(&b)) < 0 ||
        (rc = build_stacks(&b)) < 0 ||
        (rc = gm_heaptext_mappings(b.p, map_text ? map_text : text + len, text + len)) < 0) {
        goto out;
    }
    rc = 0;
out:
    hb_release(&b);
    if (rc < 0) {
        gm_profile_release(prof);
    }
    return rc;
}
