#define _GNU_SOURCE
/*
 * Goroutine dump parser (full and debug=1 forms). What it finds goes to dumps through the
 * record builder (gdump_build.c); goroutine profiles are converted in gdump_profile.c.
 *
 * Why it is fast: one pass, memchr per line, a dispatch on the first byte of the line, and one
 * hash + one table probe per frame (gm_stacks_frame). Nothing is copied per goroutine except a
 * fixed 64-byte record; stacks are interned, so a million goroutines over a few dozen stacks
 * cost a few dozen stack entries.
 * Why it is safe: every access is bounded by the line end (no NUL terminator is assumed), the
 * frame count per goroutine is capped (GM_G_CUT), lines longer than limits.max_line are skipped
 * and counted, and all tables are capped by the strtab limit.
 */
#include "gdump_build.h"
#include "gm/paste.h"
#include "gm/alloc.h"
#include "gm/input.h"
#include "gm/pprof.h"
#include "gm/sniff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* ---------------------------------------------------------------- small scanners */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Parses decimal digits at *i; returns the count of digits (0 = none). Saturates. */
static inline size_t scan_u64(const char *s, size_t n, size_t *i, uint64_t *out)
{
    uint64_t v = 0;
    size_t k = *i;
    while (k < n && is_digit(s[k])) {
        uint64_t d = (uint64_t)(s[k] - '0');
        /* below UINT64_MAX / 10 nothing can overflow: one compare per digit, no division */
        if (v < UINT64_MAX / 10) {
            v = v * 10 + d;
        } else {
            v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
        }
        k++;
    }
    *out = v;
    size_t digits = k - *i;
    *i = k;
    return digits;
}

static int starts(struct gm_str s, size_t at, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= at + n && memcmp(s.p + at, lit, n) == 0;
}

static int ends(struct gm_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.p + s.len - n, lit, n) == 0;
}

static const char *find(struct gm_str s, size_t from, const char *lit)
{
    size_t n = strlen(lit);
    if (from >= s.len) {
        return NULL;
    }
    return memmem(s.p + from, s.len - from, lit, n);
}

static void excerpt(char *out, size_t cap, struct gm_str s)
{
    size_t n = s.len < 60 ? s.len : 60;
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < cap; i++) {
        char c = s.p[i];
        out[j++] = (c == '\t') ? ' ' : ((unsigned char)c < 0x20 || c == 0x7f) ? '?' : c;
    }
    if (s.len > n && j + 4 < cap) {
        memcpy(out + j, "...", 3);
        j += 3;
    }
    out[j] = '\0';
}

static int fail(struct parser *ps, int code, struct gm_str line, const char *expected)
{
    char ex[80];
    excerpt(ex, sizeof(ex), line);
    return gm_diag_set(ps->diag, code, ps->line_off, ps->lineno, "expected %s, got '%s'", expected,
                       ex);
}

/* A tab line after a frame that is not FILE:LINE: say which part is wrong (the line number,
 * the suffix after it), not only that the line is. */
static int file_line_fail(struct parser *ps, struct gm_str s)
{
    /* the last ':' followed by a digit run starts the line number */
    size_t i = s.len, colon = 0;
    while (i > 1) {
        i--;
        if (s.p[i] == ':' && i + 1 < s.len && is_digit(s.p[i + 1])) {
            colon = i;
            break;
        }
    }
    char ex[80];
    if (!colon) {
        excerpt(ex, sizeof(ex), s);
        return gm_diag_set(ps->diag, GM_EFORMAT, ps->line_off, ps->lineno,
                           "expected '\\tFILE:LINE' after a frame (no ':LINE' in it), got '%s'",
                           ex);
    }
    size_t k = colon + 1;
    while (k < s.len && is_digit(s.p[k])) {
        k++;
    }
    const char *what = "' +0xOFFSET' after FILE:LINE";
    if (k + 4 < s.len && memcmp(s.p + k, " +0x", 4) == 0) {
        k += 4; /* the offset is fine: what follows it is not */
        while (k < s.len && gm_hexval(s.p[k]) >= 0) {
            k++;
        }
        what = "nothing or ' fp=0x.. sp=0x.. pc=0x..' after the offset";
    }
    excerpt(ex, sizeof(ex), (struct gm_str){s.p + k, s.len - k});
    return gm_diag_set(ps->diag, GM_EFORMAT, ps->line_off + k, ps->lineno, "expected %s, got '%s'",
                       what, ex);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int two(const char *s, unsigned *v)
{
    if (!is_digit(s[0]) || !is_digit(s[1])) {
        return 0;
    }
    *v = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
    return 1;
}

/* Recognises "YYYY/MM/DD HH:MM:SS" (log package) or "YYYY-MM-DDTHH:MM:SS" (RFC 3339), at the
 * start of the line or after "time=" / a JSON "time":". Returns unix seconds or -1. */
int64_t gm_gdump_log_time(struct gm_str s)
{
    size_t i = 0;
    if (starts(s, 0, "time=")) {
        i = 5;
    } else if (starts(s, 0, "{\"time\":\"")) {
        i = 9;
    } else if (starts(s, 0, "{\"ts\":\"")) {
        i = 7;
    }
    if (s.len < i + 19) {
        return -1;
    }
    const char *t = s.p + i;
    unsigned yh, yl, mo, d, h, mi, se;
    if (!two(t, &yh) || !two(t + 2, &yl) || !two(t + 5, &mo) || !two(t + 8, &d) ||
        !two(t + 11, &h) || !two(t + 14, &mi) || !two(t + 17, &se)) {
        return -1;
    }
    int slash = t[4] == '/' && t[7] == '/' && t[10] == ' ';
    int rfc = t[4] == '-' && t[7] == '-' && (t[10] == 'T' || t[10] == ' ');
    if ((!slash && !rfc) || t[13] != ':' || t[16] != ':' || mo < 1 || mo > 12 || d < 1 || d > 31 ||
        h > 23 || mi > 59 || se > 60) {
        return -1;
    }
    int64_t v = days_from_civil((int64_t)yh * 100 + yl, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    if (rfc) {
        /* skip fraction, apply a numeric zone offset */
        size_t k = i + 19;
        if (k < s.len && s.p[k] == '.') {
            k++;
            while (k < s.len && is_digit(s.p[k])) {
                k++;
            }
        }
        unsigned oh, om;
        if (k + 6 <= s.len && (s.p[k] == '+' || s.p[k] == '-') && two(s.p + k + 1, &oh) &&
            s.p[k + 3] == ':' && two(s.p + k + 4, &om)) {
            int64_t off = oh * 3600 + om * 60;
            v += s.p[k] == '+' ? -off : off;
        }
    }
    return v;
}

#define RELEASE_STEP ((size_t)8 << 20) /* bytes read between two gm_input_release() calls */

/* ---------------------------------------------------------------- goroutines */

struct header {
    uint64_t id;
    struct gm_str state;
    uint32_t minutes;
    uint32_t flags;
};

/* 1 = header, 0 = not a header, -1 = looks like a header but is malformed. */
static int parse_header(struct gm_str s, struct header *h)
{
    size_t i = 10; /* after "goroutine " */
    if (scan_u64(s.p, s.len, &i, &h->id) == 0) {
        return 0;
    }
    if (i >= s.len || s.p[i] != ' ') {
        return 0;
    }
    i++;
    if (starts(s, i, "gp=")) {
        const char *br = find(s, i, " [");
        if (!br) {
            return -1;
        }
        i = (size_t)(br - s.p) + 1;
    }
    if (i >= s.len || s.p[i] != '[') {
        return 0;
    }
    if (!ends(s, "]:")) {
        return -1;
    }
    size_t in_start = i + 1, in_end = s.len - 2;
    if (in_end <= in_start) {
        return -1;
    }
    /* GODEBUG=tracebacklabels=1 (Go 1.26): " labels:{"k": "v", ...}" ends the brackets; its
     * text may hold commas, so it is cut off before the ", ..." tags are read */
    const char *brace = memchr(s.p + in_start, '{', in_end - in_start);
    if (brace && (size_t)(brace - s.p) >= in_start + 8 && memcmp(brace - 8, " labels:", 8) == 0) {
        in_end = (size_t)(brace - 8 - s.p);
    }
    size_t comma = in_end;
    for (size_t k = in_start; k < in_end; k++) {
        if (s.p[k] == ',') {
            comma = k;
            break;
        }
    }
    h->state = (struct gm_str){s.p + in_start, comma - in_start};
    h->minutes = 0;
    h->flags = 0;
    size_t k = comma;
    while (k < in_end) {
        /* ", N minutes" | ", locked to thread" */
        k++;
        while (k < in_end && s.p[k] == ' ') {
            k++;
        }
        uint64_t v;
        size_t nd = scan_u64(s.p, in_end, &k, &v);
        if (nd && starts(s, k, " minutes")) {
            h->minutes = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
        } else if (starts(s, k, "locked to thread")) {
            h->flags |= GM_G_LOCKED;
        } else if (starts(s, k, "synctest bubble")) {
            h->flags |= GM_G_BUBBLE;
        }
        while (k < in_end && s.p[k] != ',') {
            k++;
        }
    }
    return 1;
}

/* Removes " (leaked)" and " (scan)" from a state into scratch, setting flags. */
static struct gm_str clean_state(struct parser *ps, struct gm_str st, uint32_t *flags)
{
    static const struct {
        const char *tag;
        uint32_t flag;
        int strip;
    } tags[] = {
        {" (leaked)", GM_G_LEAKED, 1},
        {" (scan)", GM_G_SCAN, 1},
        {" (durable)", GM_G_DURABLE, 0},
    };
    int any = 0;
    /* every tag is " (...)": look only at the '(' characters, where a space comes before */
    const char *end = st.p + st.len;
    for (const char *q = st.len ? memchr(st.p, '(', st.len) : NULL; q;
         q = q + 1 < end ? memchr(q + 1, '(', (size_t)(end - q - 1)) : NULL) {
        for (size_t t = 0; q > st.p && t < GM_ARRAY_NR(tags); t++) {
            size_t tl = strlen(tags[t].tag);
            if ((size_t)(end - (q - 1)) >= tl && memcmp(q - 1, tags[t].tag, tl) == 0) {
                *flags |= tags[t].flag;
                any |= tags[t].strip;
            }
        }
    }
    if (!any || st.len >= sizeof(ps->scratch)) {
        return st;
    }
    size_t n = 0;
    for (size_t i = 0; i < st.len;) {
        int skipped = 0;
        for (size_t t = 0; t < 2; t++) {
            size_t tl = strlen(tags[t].tag);
            if (i + tl <= st.len && memcmp(st.p + i, tags[t].tag, tl) == 0) {
                i += tl;
                skipped = 1;
            }
        }
        if (!skipped) {
            ps->scratch[n++] = st.p[i++];
        }
    }
    return (struct gm_str){ps->scratch, n};
}

static int start_g(struct parser *ps, const struct header *h)
{
    struct gm_gdump_set *set = ps->set;
    if (!ps->in_dump || set->dumps[ps->dump].kind != GM_DUMP_FULL ||
        (ps->preamble_id && set->g_nr > set->dumps[ps->dump].first) ||
        gm_idset_has(&ps->ids, h->id)) {
        GM_TRY(gd_start_dump(ps, GM_DUMP_FULL));
    } else if (gm_idset_has(&ps->nostack, h->id)) {
        /* "goroutine 5 [running]: goroutine running on other thread; stack unavailable",
         * then goroutine 5's own traceback: two goroutines threw at once (concurrent map
         * writes). Its record takes the stackless one's place. */
        for (uint32_t k = set->dumps[ps->dump].first; k < set->g_nr; k++) {
            const struct gm_goroutine *o = gm_gdump_g(set, k);
            if (o->u.id == h->id && (o->flags & GM_G_NO_STACK)) {
                ps->replace_at = k;
                break;
            }
        }
    }
    gd_begin_g(ps);
    ps->g.u.id = h->id;
    ps->g.minutes = h->minutes;
    ps->g.flags = h->flags;
    struct gm_str st = clean_state(ps, h->state, &ps->g.flags);
    return gm_strtab_intern(&set->stacks.strs, st.p, st.len, &ps->g.state_id);
}

/* Pointer-sized arguments not marked '?' are candidate objects the goroutine holds. */
static void collect_held(struct gm_lockwait *lw, struct gm_str args)
{
    for (size_t i = 0; i + 2 < args.len && lw->nr < GM_LOCK_HELD_MAX; i++) {
        if (args.p[i] != '0' || args.p[i + 1] != 'x' ||
            (i > 0 && args.p[i - 1] != ' ' && args.p[i - 1] != '{')) {
            continue;
        }
        size_t j = i + 2;
        uint64_t v = 0;
        while (j < args.len && gm_hexval(args.p[j]) >= 0) {
            v = (v << 4) | (uint64_t)gm_hexval(args.p[j]);
            j++;
        }
        if ((j >= args.len || args.p[j] != '?') && v >= 0x10000) {
            lw->held[lw->nr++] = v;
        }
        i = j;
    }
}

static int is_wait_func(struct gm_str f)
{
    switch (f.p[0]) {
    case 'r':
        return gm_str_has_prefix(f, "runtime.chanrecv") || gm_str_has_prefix(f, "runtime.chansend");
    case 's':
        return gm_str_has_prefix(f, "sync.(*Mutex).") || gm_str_has_prefix(f, "sync.(*RWMutex).") ||
               gm_str_has_prefix(f, "sync.(*WaitGroup).Wait") ||
               gm_str_has_prefix(f, "sync.(*Cond).Wait");
    case 'i':
        return gm_str_has_prefix(f, "internal/poll.runtime_pollWait") ||
               gm_str_has_prefix(f, "internal/sync.(*Mutex).");
    default:
        return 0;
    }
}

static uint64_t first_hex_arg(struct gm_str args)
{
    size_t i = 0;
    while (i < args.len && (args.p[i] == '{' || args.p[i] == ' ')) {
        i++;
    }
    if (i + 2 >= args.len || args.p[i] != '0' || args.p[i + 1] != 'x') {
        return 0;
    }
    uint64_t v = 0;
    for (i += 2; i < args.len; i++) {
        int d = gm_hexval(args.p[i]);
        if (d < 0) {
            break;
        }
        v = (v << 4) | (uint64_t)d;
    }
    if (i < args.len && args.p[i] == '?') {
        return 0; /* "may be inaccurate": not an identity */
    }
    return v;
}

/* The next value of an argument text ("0xc000012000, {0x4d4c7d?, 0x2?}, ..."), braces and
 * separators skipped, from *i on: 1 with it in *v, or 0 at the end. */
static int next_arg_value(struct gm_str args, size_t *i, struct gm_str *v)
{
    size_t k = *i;
    while (k < args.len &&
           (args.p[k] == '{' || args.p[k] == '}' || args.p[k] == ',' || args.p[k] == ' ')) {
        k++;
    }
    size_t start = k;
    while (k < args.len && args.p[k] != '{' && args.p[k] != '}' && args.p[k] != ',' &&
           args.p[k] != ' ') {
        k++;
    }
    *i = k;
    *v = (struct gm_str){args.p + start, k - start};
    return k > start;
}

/* Whether a frame's argument text can tell goroutines apart: "..." (inlined) and "0x0?" (a
 * register argument whose spill slot was never written: "may be inaccurate" and zero) in every
 * place say nothing about which object a goroutine works on. A non-zero value marked '?' is
 * usually the real one and is kept. */
static int args_accurate(struct gm_str args)
{
    /* fast path (the parse's hot loop): a byte no "0x0?" or "..." list has (a non-zero digit,
     * a letter of a pointer) is a real value; typical arguments end this at their third byte */
    for (size_t k = 0; k < args.len; k++) {
        char c = args.p[k];
        if (c != '0' && c != 'x' && c != '?' && c != ',' && c != ' ' && c != '{' && c != '}' &&
            c != '.') {
            return 1;
        }
    }
    size_t i = 0;
    struct gm_str v;
    while (next_arg_value(args, &i, &v)) {
        if (v.p[0] != '.' && (v.p[v.len - 1] != '?' || !gm_str_eq(v, "0x0?"))) {
            return 1;
        }
    }
    return 0;
}

/* The *http.Request of a handler-shaped frame: the last argument is a pointer printed without
 * '?' and the one before it an interface ({type, data}: the ResponseWriter), as in
 * `main.(*API).get(0xc000094020, {0x757950, 0xc000184c40}, 0xc00018f400)`; else 0. */
static uint64_t request_arg(struct gm_str args)
{
    /* cheap rejections first (every frame comes here): the text must end "}, 0x<hex>" */
    if (args.len < 16 || gm_hexval(args.p[args.len - 1]) < 0) {
        return 0; /* most frames: "...", "0x5?", "}" */
    }
    const char *rb = memrchr(args.p, '}', args.len);
    size_t i = rb ? (size_t)(rb - args.p) + 1 : 0;
    if (!rb || args.len - i < 5 || memcmp(args.p + i, ", 0x", 4) != 0 || args.len - i - 4 > 16) {
        return 0;
    }
    uint64_t v = 0;
    for (size_t k = i + 4; k < args.len; k++) {
        int d = gm_hexval(args.p[k]);
        if (d < 0) {
            return 0; /* "0x1f?" and the like */
        }
        v = v << 4 | (uint64_t)d;
    }
    /* the interface: one comma between its braces */
    size_t j = (size_t)(rb - args.p), commas = 0;
    while (j > 0 && args.p[j - 1] != '{') {
        commas += args.p[--j] == ',';
    }
    return j > 0 && commas == 1 ? v : 0;
}

/* A hash of the values of an argument text that Go does not doubt (no '?' mark, not "..."), or
 * 0 when there is none. */
static uint64_t args_sure_hash(struct gm_str args)
{
    if (!memchr(args.p, '?', args.len) && !memchr(args.p, '.', args.len)) {
        return gm_hash(args.p, args.len) | 1; /* every value is sure: the text is the identity */
    }
    /* the sure values, one after another, hashed once; one pass, no call per value (the
     * parse's hot loop): a value is dropped at its '?', the dots of "..." are never kept */
    char buf[512];
    size_t o = 0, start = 0;
    for (size_t k = 0; k < args.len && o + 2 < sizeof(buf); k++) {
        char c = args.p[k];
        if (c == '?') {
            o = start;
        } else if (c == ',' || c == ' ' || c == '{' || c == '}') {
            if (o > start) {
                buf[o++] = ',';
                start = o;
            }
        } else if (c != '.') {
            buf[o++] = c;
        }
    }
    return o ? gm_hash(buf, o) | 1 : 0;
}

/* Folds a frame's argument text into the goroutine's argument hash. */
static void hash_args(struct parser *ps, struct gm_str args)
{
    if (ps->set->similarity == GM_SIM_AGGRESSIVE || args.len == 0) {
        return;
    }
    if (ps->set->similarity == GM_SIM_EXACT || args.len > sizeof(ps->scratch)) {
        ps->args_h = gm_hash_seed(args.p, args.len, ps->args_h + 1);
        return;
    }
    /* pointer similarity: hex words >= 1 MiB become '*' */
    size_t n = 0;
    for (size_t i = 0; i < args.len;) {
        if (args.p[i] == '0' && i + 1 < args.len && args.p[i + 1] == 'x') {
            size_t j = i + 2;
            uint64_t v = 0;
            while (j < args.len && gm_hexval(args.p[j]) >= 0) {
                v = (v << 4) | (uint64_t)gm_hexval(args.p[j]);
                j++;
            }
            if (v >= (1u << 20)) {
                ps->scratch[n++] = '*';
                i = j;
                continue;
            }
            memcpy(ps->scratch + n, args.p + i, j - i);
            n += j - i;
            i = j;
            continue;
        }
        ps->scratch[n++] = args.p[i++];
    }
    ps->args_h = gm_hash_seed(ps->scratch, n, ps->args_h + 1);
}

/* "\t/path/file.go:123 +0x1d fp=.. sp=.. pc=.." -> file, line. */
static int parse_file_line(struct gm_str s, struct gm_str *file, uint32_t *line)
{
    /* "\tFILE:LINE", then usually " +0xOFF", and with GOTRACEBACK>=system " fp=0x.. sp=0x..
     * pc=0x..". One backward scan: to the last space, then over the line number to ':'. */
    size_t end = s.len, k = s.len;
    while (k && s.p[k - 1] != ' ') {
        k--;
    }
    if (k >= 2) { /* s.p[k - 1] is the last space */
        /* " fp=0x.. sp=0x.. pc=0x.." (Go 1.10+), " fp=0x.. sp=0x.." (Go 1.9 and older) */
        if (s.len - k > 3 && (memcmp(s.p + k, "pc=", 3) == 0 || memcmp(s.p + k, "sp=", 3) == 0)) {
            const char *fp = find(s, 1, " fp=0x");
            end = fp ? (size_t)(fp - s.p) : end;
            for (k = end; k >= 2 && !(s.p[k - 1] == '+' && s.p[k - 2] == ' ') && s.p[k - 1] != ':';
                 k--) {
            }
            if (k >= 2 && s.p[k - 1] == '+') {
                end = k - 2;
            }
        } else if (s.len > k && s.p[k] == '+' && !memchr(s.p + k, ':', s.len - k)) {
            end = k - 1; /* " +0x1d", not a " +" inside the path */
        }
    }
    /* digits back to the colon */
    size_t colon = end;
    while (colon && is_digit(s.p[colon - 1])) {
        colon--;
    }
    if (colon == end || colon < 2 || s.p[colon - 1] != ':') {
        return -1;
    }
    colon--;
    size_t i = colon + 1;
    uint64_t v;
    scan_u64(s.p, end, &i, &v);
    *file = (struct gm_str){s.p + 1, colon - 1};
    *line = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    return 0;
}

/* A qualified function name alone on its line, as gccgo prints frames ("main.worker",
 * "net/http.(*conn).serve"): no blank, a dot, no argument list, not a header. */
static int bare_func_line(struct gm_str s)
{
    if (s.len < 3 || s.len > 512 || s.p[s.len - 1] == ':' || s.p[s.len - 1] == ')' ||
        memchr(s.p, ' ', s.len) || memchr(s.p, '\t', s.len) || !memchr(s.p, '.', s.len)) {
        return 0;
    }
    return s.p[0] != '.' && s.p[0] != '[' && s.p[0] != '#' && s.p[0] != '=';
}

static int is_func_line(struct gm_str s, struct gm_str *func, struct gm_str *args)
{
    if (s.len < 3 || s.p[s.len - 1] != ')' || s.p[0] == ' ') {
        return 0;
    }
    const char *lp = memrchr(s.p, '(', s.len - 1);
    if (!lp || lp == s.p) {
        return 0;
    }
    *func = (struct gm_str){s.p, (size_t)(lp - s.p)};
    *args = (struct gm_str){lp + 1, (size_t)(s.p + s.len - 1 - (lp + 1))};
    return 1;
}

/* ---------------------------------------------------------------- debug=1 */

static int agg_frame(struct parser *ps, struct gm_str s)
{
    /* "#\t0x<pc>\t<func>+0x<off>\t<file>:<line>" with tab runs; or "#\t0x<pc>" alone */
    size_t i = 1;
    while (i < s.len && (s.p[i] == '\t' || s.p[i] == ' ')) {
        i++;
    }
    size_t pc_start = i;
    while (i < s.len && s.p[i] != '\t' && s.p[i] != ' ') {
        i++;
    }
    struct gm_str pc = {s.p + pc_start, i - pc_start};
    while (i < s.len && (s.p[i] == '\t' || s.p[i] == ' ')) {
        i++;
    }
    if (i >= s.len) {
        return gd_add_frame(ps, pc, (struct gm_str){"", 0}, 0);
    }
    size_t f_start = i;
    while (i < s.len && s.p[i] != '\t') {
        i++;
    }
    struct gm_str func = {s.p + f_start, i - f_start};
    for (size_t k = func.len; k > 1; k--) {
        if (func.p[k - 1] == '+' && k + 1 < func.len && func.p[k] == '0' && func.p[k + 1] == 'x') {
            func.len = k - 1;
            break;
        }
    }
    while (i < s.len && (s.p[i] == '\t' || s.p[i] == ' ')) {
        i++;
    }
    struct gm_str file = {"", 0};
    uint32_t line = 0;
    if (i < s.len) {
        struct gm_str rest = {s.p + i - 1, s.len - i + 1}; /* parse_file_line skips one byte */
        if (parse_file_line(rest, &file, &line) < 0) {
            if (!ps->last_line) {
                return fail(ps, GM_EFORMAT, s, "'#\\t0xPC\\tFUNC+0xOFF\\tFILE:LINE'");
            }
            ps->g.flags |= GM_G_TRUNCATED; /* cut inside the last frame line */
            file = (struct gm_str){"", 0};
            line = 0;
        }
    }
    return gd_add_frame(ps, func, file, line);
}

static int agg_line(struct parser *ps, struct gm_str s, int *handled)
{
    *handled = 1;
    if (s.len == 0) {
        return gd_finish_g(ps);
    }
    if (is_digit(s.p[0])) {
        size_t i = 0;
        uint64_t n;
        scan_u64(s.p, s.len, &i, &n);
        if (starts(s, i, " @")) {
            GM_TRY(gd_finish_g(ps));
            gd_begin_g(ps);
            ps->g.flags |= GM_G_RECORD;
            ps->g.u.rec.weight = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
            ps->g.state_id = 0;
            ps->mode = M_AGG_REC;
            return 0;
        }
    }
    if (s.p[0] == '#' && ps->in_g) {
        if (starts(s, 0, "# labels: ")) {
            return gm_strtab_intern(&ps->set->stacks.strs, s.p + 10, s.len - 10,
                                    &ps->g.u.rec.labels_id);
        }
        return agg_frame(ps, s);
    }
    GM_TRY(gd_finish_g(ps));
    gd_end_dump(ps);
    ps->mode = M_NONE;
    *handled = 0;
    return 0;
}

/* "SIGQUIT: quit", "SIGSEGV: segmentation violation", "SIGABRT: abort": the line the runtime
 * prints before the goroutines when a signal kills the process (or asks for a dump). */
static int signal_header(struct gm_str s)
{
    if (s.len < 6 || !starts(s, 0, "SIG")) {
        return 0;
    }
    size_t i = 3;
    while (i < s.len && s.p[i] >= 'A' && s.p[i] <= 'Z') {
        i++;
    }
    return i > 4 && i + 1 < s.len && s.p[i] == ':' && s.p[i + 1] == ' ';
}

/* ---------------------------------------------------------------- lines */

static int outside_line(struct parser *ps, struct gm_str s)
{
    struct gm_gdump_set *set = ps->set;
    if (starts(s, 0, "goroutine profile: total ") ||
        starts(s, 0, "goroutineleak profile: total ")) {
        size_t i = s.p[9] == 'l' ? 29 : 25;
        uint64_t total = 0;
        scan_u64(s.p, s.len, &i, &total);
        GM_TRY(gd_start_dump(ps, GM_DUMP_AGGREGATED));
        set->dumps[ps->dump].total_declared = total;
        if (s.p[9] == 'l') {
            set->dumps[ps->dump].proof = GM_PROOF_LEAKPROF;
        }
        ps->mode = M_AGG;
        return 0;
    }
    if (starts(s, 0, "panic: ") || starts(s, 0, "fatal error: ") || signal_header(s) ||
        starts(s, 0, "fatal: morestack")) {
        size_t n = s.len > 300 ? 300 : s.len;
        if (!ps->preamble_id || starts(s, 0, "fatal error: ")) {
            /* " [recovered]" (Go 1.25: " [recovered, repanicked]" for a re-panic of the
             * same value) */
            int rec = starts(s, 0, "panic: ") &&
                      (ends(s, " [recovered]") || ends(s, " [recovered, repanicked]"));
            GM_TRY(gm_strtab_intern(&set->stacks.strs, s.p, n, &ps->preamble_id));
            ps->recovered |= rec;
        }
        set->skipped_lines++;
        return 0;
    }
    /* a "runtime stack:" block throwing from runtime.newstack (or morestack) is a stack
     * overflow even when the paste lost its "fatal error:" line */
    if (!ps->preamble_id &&
        (starts(s, 0, "runtime.newstack(") || starts(s, 0, "runtime.morestack("))) {
        static const char inferred[] =
            "fatal error: stack overflow (from runtime.newstack; the message line is missing)";
        GM_TRY(
            gm_strtab_intern(&set->stacks.strs, inferred, sizeof(inferred) - 1, &ps->preamble_id));
        set->skipped_lines++;
        return 0;
    }
    /* the signal line (address and pc) wins over the others */
    if ((!ps->detail_id || starts(s, 0, "[signal ")) &&
        (starts(s, 0, "[signal ") || starts(s, 0, "unexpected fault address ") ||
         starts(s, 0, "runtime: goroutine stack exceeds ") ||
         starts(s, 0, "signal arrived during cgo execution"))) {
        size_t n = s.len > 200 ? 200 : s.len;
        GM_TRY(gm_strtab_intern(&set->stacks.strs, s.p, n, &ps->detail_id));
        set->skipped_lines++;
        return 0;
    }
    int64_t t = gm_gdump_log_time(s);
    if (t >= 0) {
        ps->last_time = t;
    }
    set->skipped_lines++;
    return 0;
}

static int g_line(struct parser *ps, struct gm_str s)
{
    struct gm_gdump_set *set = ps->set;
    if (starts(s, 0, "[originating from goroutine ")) {
        ps->g.flags |= GM_G_ANCESTORS;
        set->ancestors++;
        ps->mode = M_ANCESTOR;
        return 0;
    }
    if (ps->mode == M_ANCESTOR) {
        return 0;
    }
    if (starts(s, 0, "created by ")) {
        struct gm_str f = {s.p + 11, s.len - 11};
        /* Go 1.21+ ends the line with " in goroutine N"; the creator's goid is not kept */
        size_t e = f.len;
        while (e && is_digit(f.p[e - 1])) {
            e--;
        }
        if (e < f.len && e >= 14 && memcmp(f.p + e - 14, " in goroutine ", 14) == 0) {
            f.len = e - 14;
        }
        ps->created_func = f;
        ps->mode = M_CREATED_FILE;
        return 0;
    }
    if (s.p[0] == '.' && starts(s, 0, "...") && ends(s, "elided...")) {
        ps->g.flags |= GM_G_ELIDED;
        return 0;
    }
    struct gm_str func, args;
    if (is_func_line(s, &func, &args)) {
        ps->pend_func = func;
        ps->pend_args = args;
        ps->mode = M_FILE;
        hash_args(ps, args);
        if (!ps->have_obj && is_wait_func(func)) {
            uint64_t obj = first_hex_arg(args);
            if (obj) {
                ps->g.wait_obj = obj;
                ps->have_obj = 1;
                /* Go 1.24 moved the Mutex into internal/sync: its lockSlow frame is the
                 * first to name the mutex (the semaphore's argument is elided there) */
                ps->lock_wait = gm_str_has_prefix(func, "sync.(*Mutex).") ||
                                gm_str_has_prefix(func, "sync.(*RWMutex).") ||
                                gm_str_has_prefix(func, "internal/sync.(*Mutex).");
                return 0;
            }
        }

        return 0;
    }
    if (bare_func_line(s)) {
        /* gccgo prints frames without an argument list: "main.worker", then its file line */
        ps->pend_func = s;
        ps->pend_args = (struct gm_str){s.p + s.len, 0};
        ps->mode = M_FILE;
        return 0;
    }
    /* anything else ends the goroutine (an interleaved log line, a register dump ...) */
    GM_TRY(gd_finish_g(ps));
    return outside_line(ps, s);
}

static int tab_line(struct parser *ps, struct gm_str s)
{
    struct gm_str file;
    uint32_t line;
    switch (ps->mode) {
    case M_FILE:
        if (parse_file_line(s, &file, &line) < 0) {
            if (ps->last_line) {
                ps->g.flags |= GM_G_TRUNCATED;
                file = (struct gm_str){"", 0};
                line = 0;
            } else {
                return file_line_fail(ps, s);
            }
        }
        ps->mode = M_FUNC;
        uint32_t before = ps->nframes;
        GM_TRY(gd_add_frame(ps, ps->pend_func, file, line));
        uint64_t req;
        if (ps->nframes > before && ps->reqs_nr < GM_ARRAY_NR(ps->reqs) &&
            (req = request_arg(ps->pend_args)) != 0) {
            ps->reqs[ps->reqs_nr].frame = before;
            ps->reqs[ps->reqs_nr++].req = req;
        }
        if (ps->nframes && (!ps->user_seen || ps->lock_wait)) {
            const struct gm_frame *f =
                gm_stacks_get_frame(&ps->set->stacks, ps->frames[ps->nframes - 1]);
            struct gm_str args = ps->pend_args;
            if (f->flags & GM_FRAME_USER) {
                /* the innermost user frame that shows its arguments (an inlined one prints
                 * "...": its caller's stand in): an argument-less closure's goroutines are
                 * not "identical arguments" by the arguments of a caller further out */
                int first = !ps->user_seen && !(args.len == 3 && memcmp(args.p, "...", 3) == 0);
                ps->user_seen |= first;
                if (first && args_accurate(args)) {
                    /* runtime frames are hidden at GOTRACEBACK=all: the arguments of the
                     * innermost user frame stand in for the object waited on (same receiver
                     * and values = same object, e.g. workers of one pool): the values Go
                     * does not doubt when there are any, else all of them (flagged: they
                     * say "the same", not "distinct") */
                    uint64_t sure = args_sure_hash(args);
                    ps->user_args_h = sure ? sure : gm_hash(args.p, args.len) | 1;
                    ps->have_user_args = sure ? 1 : 2;
                }
                if (ps->lock_wait) {
                    collect_held(&ps->lw, args);
                }
            }
        }
        return 0;
    case M_CREATED_FILE:
        /* the creator's file line is part of its identity only through the function: two
         * goroutines created by the same function at different lines are rare and still the
         * same kind of goroutine */
        ps->mode = M_FUNC;
        return 0;
    case M_FUNC:
        if (starts(s, 0, "\tgoroutine running on other thread")) {
            ps->g.flags |= GM_G_NO_STACK;
        }
        return 0;
    default:
        return 0;
    }
}

static int handle_line(struct parser *ps, struct gm_str s)
{
    if (ps->mode == M_AGG || ps->mode == M_AGG_REC) {
        int handled;
        GM_TRY(agg_line(ps, s, &handled));
        if (handled) {
            return 0;
        }
    }
    if (s.len == 0) {
        if (ps->in_g && ps->mode == M_FILE && !ps->last_line) {
            return fail(ps, GM_EFORMAT, s, "'\\tFILE:LINE' after a frame");
        }
        return gd_finish_g(ps);
    }
    if (s.p[0] == '\t') {
        if (ps->in_g) {
            return tab_line(ps, s);
        }
        ps->set->skipped_lines++;
        return 0;
    }
    if (ps->in_g && ps->mode == M_FILE) {
        struct gm_str f, a;
        if (starts(s, 0, "goroutine ") || ps->last_line) {
            ps->g.flags |= GM_G_TRUNCATED;
        } else if (is_func_line(s, &f, &a) || starts(s, 0, "created by ")) {
            /* a frame whose file line was lost (an edited paste): kept without a location,
             * counted, and the line read as what it is */
            if (!ps->no_file++) {
                ps->set->no_file_line = ps->lineno; /* the first of this input */
            }
            ps->set->no_file++;
            GM_TRY(gd_add_frame(ps, ps->pend_func, (struct gm_str){"", 0}, 0));
            ps->mode = M_FUNC;
        } else {
            return fail(ps, GM_EFORMAT, s, "'\\tFILE:LINE' after a frame");
        }
    }
    if (s.p[0] == 'g' && starts(s, 0, "goroutine ")) {
        struct header h;
        int r = parse_header(s, &h);
        if (r > 0) {
            GM_TRY(gd_finish_g(ps));
            return start_g(ps, &h);
        }
        if (r < 0) {
            if (ps->last_line) {
                GM_TRY(gd_finish_g(ps));
                if (ps->in_dump) {
                    ps->set->dumps[ps->dump].truncated = 1;
                    ps->set->dumps[ps->dump].trunc_off = ps->len;
                }
                return 0;
            }
            return fail(ps, GM_EFORMAT, s, "'goroutine N [state]:'");
        }
    }
    if (ps->in_g) {
        return g_line(ps, s);
    }
    return outside_line(ps, s);
}

/* Whether a frame line leaves its argument list open: "main.f(0x1, 0x2," (wrapped). */
static int open_paren(struct gm_str s)
{
    if (s.p[s.len - 1] == ')' || s.p[s.len - 1] == ':') {
        return 0; /* nearly every line: a frame, a header */
    }
    const char *lp = memchr(s.p, '(', s.len);
    if (!lp) {
        return 0;
    }
    int depth = 0;
    for (const char *q = lp; q < s.p + s.len; q++) {
        depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
    }
    return depth > 0;
}

/* Whether a line the input ends with (no newline after it) is whole: a file line ending in
 * its line number or offset, a frame, a header, a debug=1 record or frame. */
static int line_complete(struct gm_str s)
{
    struct gm_str f, a, file;
    uint32_t line;
    if (s.len && s.p[s.len - 1] == '\r') {
        s.len--;
    }
    if (s.len > 1 && s.p[0] == '\t') {
        return parse_file_line(s, &file, &line) == 0;
    }
    if (s.len > 2 && s.p[0] == '#' && s.p[1] == '\t') { /* "#\t0x4b8d6a\tmain.f+0x2a\t/x.go:28" */
        const char *c = memrchr(s.p, ':', s.len);
        return c && c + 1 < s.p + s.len && is_digit(s.p[s.len - 1]);
    }
    /* a frame, a header, or a debug=1 record header "3 @ 0x4377b6 0x40619b" */
    return is_func_line(s, &f, &a) || ends(s, "]:") ||
           (s.len > 4 && is_digit(s.p[0]) && memmem(s.p, s.len, " @ 0x", 5) &&
            gm_hexval(s.p[s.len - 1]) >= 0);
}

/* The last line of p (after its last newline). */
static struct gm_str last_line_of(const char *p, size_t len)
{
    const char *nl = memrchr(p, '\n', len);
    size_t from = nl ? (size_t)(nl - p) + 1 : 0;
    return (struct gm_str){p + from, len - from};
}

/* in, when not NULL, is the mapped input p comes from: what has been read is released as the
 * parse goes (gm_input_release), so RSS stays near the heap, not the file size. */
static int parse(struct gm_gdump_set *set, const char *p, size_t len, const struct gm_input *in,
                 struct gm_diag *diag)
{
    struct parser ps;
    memset(&ps, 0, sizeof(ps));
    ps.replace_at = UINT32_MAX;
    ps.set = set;
    ps.diag = diag;
    ps.base = p;
    ps.len = len;
    ps.last_time = -1;
    uint32_t dumps_before = set->dumps_nr, g_before = set->g_nr, locks_before = set->locks_nr;
    int rc = 0;
    ps.frames = gm_xrealloc(NULL, set->limits.max_frames * sizeof(uint32_t));
    if (!ps.frames) {
        rc = GM_ENOMEM;
        goto out;
    }
    size_t pos = 0, released = 0;
    struct gm_str first_line = {p, 0};
    /* pasted or logged: undress every line alike (gm/paste.h); two buffers, because a frame
     * line's function and arguments are still read with the next line */
    static const char *const anchors[] = {"goroutine ", "panic: ", "fatal error: ", NULL};
    struct gm_paste paste;
    gm_paste_detect(p, len, anchors, &paste);
    int dressed = gm_paste_dressed(&paste), prev_blank = 0;
    while (pos < len) {
        const char *nl = memchr(p + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - p) : len;
        struct gm_str s = {p + pos, end - pos};
        if (s.len && s.p[s.len - 1] == '\r') {
            s.len--;
        }
        if (pos == 0 && s.len >= 3 && memcmp(s.p, "\xef\xbb\xbf", 3) == 0) {
            s.p += 3; /* a UTF-8 byte order mark (an editor's save) */
            s.len -= 3;
        }
        if (dressed && s.len <= set->limits.max_line) {
            ps.lb ^= 1;
            char *buf = ps.linebuf[ps.lb];
            s = gm_paste_line(&paste, s, buf, sizeof(ps.linebuf[0]));
        }
        if (paste.double_spaced && s.len == 0 && !prev_blank) {
            prev_blank = 1; /* one blank line after every line: only a second one counts */
            ps.lineno++;
            pos = nl ? end + 1 : len;
            continue;
        }
        prev_blank = s.len == 0;
        /* a frame whose arguments were wrapped onto the next line (a mail client, a narrow
         * terminal): "main.f(0xc000010000, 0xc000012000,", then "0x3)"; joined */
        if (ps.join_len && s.len && s.p[0] != '\t' && ps.join_len + s.len < sizeof(ps.linebuf[0])) {
            ps.lb ^= 1;
            char *buf = ps.linebuf[ps.lb];
            memcpy(buf, ps.joinbuf, ps.join_len);
            memcpy(buf + ps.join_len, s.p, s.len);
            s = (struct gm_str){buf, ps.join_len + s.len};
            ps.join_len = 0;
        } else if (ps.join_len) {
            ps.join_len = 0; /* not a continuation: the stashed line is lost as it was */
        } else if (ps.in_g && ps.mode == M_FUNC && nl && s.len && s.len < sizeof(ps.joinbuf) &&
                   s.p[0] != '\t' && open_paren(s)) {
            memcpy(ps.joinbuf, s.p, s.len);
            ps.join_len = s.len;
            ps.lineno++;
            pos = end + 1;
            continue;
        }
        ps.lineno++;
        ps.line_off = pos;
        ps.last_line = nl == NULL;
        if (ps.last_line && ps.in_dump && (ps.in_g || ps.mode == M_AGG) && s.len &&
            !line_complete(s)) {
            /* a dump whose last line stops mid-line was cut (64 MiB debug=2 cap, head -c); a
             * complete last line without its newline is only a paste */
            set->dumps[ps.dump].truncated = 1;
            set->dumps[ps.dump].trunc_off = len;
            ps.g.flags |= GM_G_TRUNCATED;
        }
        if (ps.lineno == 1) {
            first_line = s;
        }
        if (s.len > set->limits.max_line) {
            set->skipped_lines++;
        } else {
            rc = handle_line(&ps, s);
            if (rc < 0) {
                goto out;
            }
        }
        pos = nl ? end + 1 : len;
        if (in && pos - released >= RELEASE_STEP) {
            gm_input_release(in, pos);
            released = pos;
        }
    }
    set->lines += ps.lineno;
    set->input_bytes += len;
    if (ps.in_g) {
        int cut = ps.mode == M_FILE || ps.mode == M_CREATED_FILE ||
                  (len && p[len - 1] != '\n' && !line_complete(last_line_of(p, len)));
        if (cut) {
            ps.g.flags |= GM_G_TRUNCATED;
        }
        rc = gd_finish_g(&ps);
        if (rc < 0) {
            goto out;
        }
        if (cut && ps.in_dump) {
            set->dumps[ps.dump].truncated = 1;
            set->dumps[ps.dump].trunc_off = len;
        }
    }
    gd_end_dump(&ps);
    for (uint32_t d = dumps_before; d < set->dumps_nr; d++) {
        set->dumps[d].dress = gm_paste_name(&paste);
    }
    if (set->dumps_nr == dumps_before) {
        ps.lineno = len ? 1 : 0;
        ps.line_off = 0;
        rc = fail(&ps, GM_EFORMAT, first_line,
                  len ? "a goroutine dump ('goroutine N [state]:' or 'goroutine profile: total N')"
                      : "a goroutine dump, got an empty input; so");
        if (!len && diag) {
            gm_diag_set(diag, GM_EFORMAT, 0, 0, "empty input: expected a goroutine dump");
        }
        goto out;
    }
    rc = (int)(set->dumps_nr - dumps_before);
out:
    if (rc < 0) {
        /* leave the set as it was: a failed input adds no dump and no goroutine */
        set->dumps_nr = dumps_before;
        set->g_nr = g_before;
        set->locks_nr = locks_before;
    }
    free(ps.frames);
    gm_idset_release(&ps.ids);
    gm_idset_release(&ps.nostack);
    return rc;
}

int gm_gdump_parse(struct gm_gdump_set *set, const char *p, size_t len, struct gm_diag *diag)
{
    return parse(set, p, len, NULL, diag);
}

int gm_gdump_parse_input(struct gm_gdump_set *set, const struct gm_input *in, struct gm_diag *diag)
{
    return parse(set, in->p, in->len, in, diag);
}
