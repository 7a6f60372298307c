/*
 * gctrace / scavenger / schedtrace lines, found by jumping between markers.
 *
 * Why it is fast: a 1 GB application log holds mostly other lines. Three search streams
 * (find_marker: memchr on a rare byte, then a check) find the next candidate of each kind; only
 * candidate lines are parsed, and line numbers come from a word-at-a-time newline count over the
 * spans in between. Why it is safe: every scan is bounded by the line end and numbers saturate;
 * nothing is allocated.
 */
#define _GNU_SOURCE
#include "gm/gctrace.h"

#include <stddef.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

uint64_t gm_count_newlines(const char *p, size_t len)
{
    uint64_t n = 0;
    size_t i = 0;
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const uint64_t nl = ones * (uint64_t)'\n';
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        uint64_t x = w ^ nl; /* zero bytes where '\n' */
        /* exact zero-byte mask (no false positives): high bit set where the byte is zero */
        uint64_t t = ((x & ~highs) + ~highs) | x;
        /* count the high bits without a popcount instruction (not in the x86-64 baseline) */
        n += (((~t & highs) >> 7) * ones) >> 56;
    }
    for (; i < len; i++) {
        n += p[i] == '\n';
    }
    return n;
}

/* ---------------------------------------------------------------- scanning a line */

struct cur {
    const char *p, *end;
};

/* After "N%": " (NOTE): " with a short note (Go 1.26 prints "(checking for goroutine leaks)"
 * for a cycle that looks for leaked goroutines): the byte after it, or NULL. */
static const char *gc_note_end(const char *p, const char *end)
{
    if (end - p < 5 || p[0] != ' ' || p[1] != '(') {
        return NULL;
    }
    const char *lim = end - p > 64 ? p + 64 : end;
    const char *q = memchr(p + 2, ')', (size_t)(lim - p - 2));
    return q && end - q >= 3 && q[1] == ':' && q[2] == ' ' ? q + 3 : NULL;
}

static int at(const struct cur *c, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(c->end - c->p) >= n && memcmp(c->p, lit, n) == 0;
}

static int eat(struct cur *c, const char *lit)
{
    if (!at(c, lit)) {
        return 0;
    }
    c->p += strlen(lit);
    return 1;
}

static void spaces(struct cur *c)
{
    while (c->p < c->end && *c->p == ' ') {
        c->p++;
    }
}

/* Decimal number "12", "0.010", "1.6e3" is not printed by the runtime. */
static int num(struct cur *c, double *out)
{
    const char *s = c->p;
    double v = 0;
    int digits = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        if (v < 1e15) { /* saturate: no runtime figure is that large, and no infinities */
            v = v * 10 + (*c->p - '0');
        }
        c->p++;
        digits++;
    }
    if (c->p < c->end && *c->p == '.') {
        double scale = 0.1;
        c->p++;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            v += (*c->p - '0') * scale;
            scale *= 0.1;
            c->p++;
            digits++;
        }
    }
    if (!digits) {
        c->p = s;
        return 0;
    }
    *out = v;
    return 1;
}

static int unum(struct cur *c, uint32_t *out)
{
    double v;
    if (!num(c, &v)) {
        return 0;
    }
    *out = v > 4e9 ? UINT32_MAX : (uint32_t)v;
    return 1;
}

/* The clock phases "a+b+c[+d+e] ms clock, " and the pause and mark times they add up to. */
static int clock_phases(struct cur *c, struct gm_gc_cycle *o)
{
    do {
        if (o->nclock == GM_GC_PHASES || !num(c, &o->clock_ms[o->nclock])) {
            return GM_EFORMAT;
        }
        o->nclock++;
    } while (eat(c, "+"));
    if (!eat(c, " ms clock, ") || (o->nclock != 3 && o->nclock != 5)) {
        return GM_EFORMAT;
    }
    if (o->nclock == 3) {
        o->stw_ms = o->clock_ms[0] + o->clock_ms[2];
        o->mark_ms = o->clock_ms[1];
    } else { /* 1.5: sweep term (STW), scan, install write barrier, mark, mark term (STW):
              * the write barrier is installed P by P (forEachP), not with the world stopped */
        o->stw_ms = o->clock_ms[0] + o->clock_ms[4];
        o->mark_ms = o->clock_ms[1] + o->clock_ms[2] + o->clock_ms[3];
    }
    return 0;
}

/* The CPU times "...+a/b/c+... ms cpu, ": '+'-separated groups; the group with '/' is
 * assist/background/idle. */
static int cpu_groups(struct cur *c, struct gm_gc_cycle *o)
{
    double vals[16];
    int nv = 0, slash_at = -1;
    for (;;) {
        if (nv == 16 || !num(c, &vals[nv])) {
            return GM_EFORMAT;
        }
        nv++;
        if (eat(c, "/")) {
            if (slash_at < 0) {
                slash_at = nv - 1;
            }
            continue;
        }
        if (!eat(c, "+")) {
            break;
        }
    }
    if (!eat(c, " ms cpu, ")) {
        return GM_EFORMAT;
    }
    for (int i = 0; i < nv; i++) {
        o->cpu_ms += vals[i];
    }
    if (slash_at >= 0 && slash_at + 2 < nv) {
        o->assist_ms = vals[slash_at];
        o->bg_ms = vals[slash_at + 1];
        o->idle_ms = vals[slash_at + 2];
    }
    return 0;
}

/* The end of a gc line: "[S MB stacks, G MB globals, ] N P[ (forced)]". */
static int procs_part(struct cur *c, struct gm_gc_cycle *o)
{
    double v;
    if (!num(c, &v)) {
        return GM_EFORMAT;
    }
    spaces(c);
    if (eat(c, "MB stacks, ")) {
        o->stacks = v;
        if (!num(c, &o->globals)) {
            return GM_EFORMAT;
        }
        spaces(c);
        if (!eat(c, "MB globals, ") || !num(c, &v)) {
            return GM_EFORMAT;
        }
        spaces(c);
    }
    if (!eat(c, "P")) {
        return GM_EFORMAT;
    }
    o->procs = v > 1e6 ? 1000000u : (uint32_t)v;
    if (eat(c, " (forced)")) {
        o->forced = 1;
    }
    return 0;
}

int gm_gctrace_cycle_parse(const char *p, size_t len, struct gm_gc_cycle *o)
{
    struct cur c = {p, p + len};
    memset(o, 0, sizeof(*o));
    o->stacks = o->globals = -1;
    /* gc N @T s P%: */
    if (!eat(&c, "gc ") || !unum(&c, &o->num) || !eat(&c, " @") || !num(&c, &o->at_s) ||
        !eat(&c, "s ") || !unum(&c, &o->pct) || !eat(&c, "%")) {
        return GM_EFORMAT;
    }
    const char *note = gc_note_end(c.p, c.end);
    if (note) {
        o->leak_check = 1;
        c.p = note;
    } else if (!eat(&c, ": ")) {
        return GM_EFORMAT;
    }
    if (clock_phases(&c, o) < 0 || cpu_groups(&c, o) < 0) {
        return GM_EFORMAT;
    }
    /* A->B->C MB, G MB goal, */
    if (!num(&c, &o->heap_start) || !eat(&c, "->") || !num(&c, &o->heap_end) || !eat(&c, "->") ||
        !num(&c, &o->heap_live) || !eat(&c, " MB, ") || !num(&c, &o->goal) ||
        !eat(&c, " MB goal, ")) {
        return GM_EFORMAT;
    }
    return procs_part(&c, o);
}

/* Go 1.4 and older (mgc0.c): "gc12(4): 3+1+1024+2 us, 3 -> 6 MB, 21567 (84093-62526) objects,
 * 14 goroutines, 1094/0/0 sweeps, ...": no start time and no CPU share; the world stopped for
 * the whole collection (the sweep ran beside the program from Go 1.3 on, after the pause). */
static int go14_cycle_parse(const char *p, size_t len, struct gm_gc_cycle *o)
{
    struct cur c = {p, p + len};
    memset(o, 0, sizeof(*o));
    o->stacks = o->globals = -1;
    if (!eat(&c, "gc") || !unum(&c, &o->num) || !eat(&c, "(") || !unum(&c, &o->procs) ||
        !eat(&c, "): ")) {
        return GM_EFORMAT;
    }
    do {
        if (o->nclock == GM_GC_PHASES || !num(&c, &o->clock_ms[o->nclock])) {
            return GM_EFORMAT;
        }
        o->clock_ms[o->nclock] /= 1000; /* printed in microseconds */
        o->nclock++;
    } while (eat(&c, "+"));
    if (!eat(&c, " us, ") || !num(&c, &o->heap_start) || !eat(&c, " -> ") ||
        !num(&c, &o->heap_live) || !eat(&c, " MB")) {
        return GM_EFORMAT;
    }
    for (uint32_t i = 0; i < o->nclock; i++) {
        o->stw_ms += o->clock_ms[i];
    }
    /* t0..t4: stopping, leftover sweep and setup, mark, the rest (mgc0.c's gc) */
    o->mark_ms = o->nclock > 2 ? o->clock_ms[2] : 0;
    o->heap_end = o->heap_live;
    return 0;
}

/* The log holds no gc line of Go 1.5+: its Go 1.4 lines, line by line (such logs are old and
 * small; the fast marker scan stays for the others). */
static int go14_lines(const char *p, size_t len, const struct gm_gctrace_visitor *v,
                      struct gm_gctrace_stats *st)
{
    uint64_t line = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(p + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - p) : len;
        const char *s = p + pos;
        size_t n = end - pos;
        line++;
        const char *gc = n > 6 ? memmem(s, n, "gc", 2) : NULL;
        struct gm_gc_cycle cy;
        if (gc && (size_t)(gc - s) + 3 < n && gc[2] >= '0' && gc[2] <= '9' &&
            go14_cycle_parse(gc, n - (size_t)(gc - s), &cy) == 0) {
            cy.line = line;
            st->gc_lines++;
            st->go14 = 1;
            int rc = v->cycle ? v->cycle(v->ctx, &cy) : 0;
            if (rc < 0) {
                return rc;
            }
        }
        pos = nl ? end + 1 : len;
    }
    return 0;
}

/* "SCHED 1004ms: gomaxprocs=2 idleprocs=0 threads=5 ... runqueue=3 [1 0]" */
static int sched_parse(const char *p, size_t len, struct gm_sched_line *o)
{
    struct cur c = {p, p + len};
    memset(o, 0, sizeof(*o));
    o->gomaxprocs = o->idleprocs = o->threads = o->spinning = o->idlethreads = o->runqueue = -1;
    if (!eat(&c, "SCHED ") || !num(&c, &o->ms) || !eat(&c, "ms:")) {
        return GM_EFORMAT;
    }
    static const struct {
        const char *key;
        size_t off;
    } keys[] = {
        {"gomaxprocs=", offsetof(struct gm_sched_line, gomaxprocs)},
        {"idleprocs=", offsetof(struct gm_sched_line, idleprocs)},
        {"threads=", offsetof(struct gm_sched_line, threads)},
        {"spinningthreads=", offsetof(struct gm_sched_line, spinning)},
        {"idlethreads=", offsetof(struct gm_sched_line, idlethreads)},
        {"runqueue=", offsetof(struct gm_sched_line, runqueue)},
    };
    while (c.p < c.end) {
        spaces(&c);
        if (eat(&c, "[")) {
            for (;;) {
                spaces(&c);
                uint32_t q;
                if (!unum(&c, &q)) {
                    break;
                }
                o->local_nr++;
                o->local_sum += q;
                o->local_max = GM_MAX(o->local_max, q);
            }
            break;
        }
        int known = 0;
        for (size_t k = 0; k < GM_ARRAY_NR(keys); k++) {
            if (eat(&c, keys[k].key)) {
                uint32_t q;
                if (!unum(&c, &q)) {
                    return GM_EFORMAT;
                }
                int32_t v = q > INT32_MAX ? INT32_MAX : (int32_t)q;
                memcpy((char *)o + keys[k].off, &v, sizeof(v));
                known = 1;
                break;
            }
        }
        if (!known) {
            /* other key=value pairs (needspinning=, gcwaiting=, ...): skip the word */
            while (c.p < c.end && *c.p != ' ') {
                c.p++;
            }
        }
    }
    return o->gomaxprocs >= 0 ? 0 : GM_EFORMAT;
}

static int scav_parse(const char *p, size_t len, struct gm_scav_line *o)
{
    struct cur c = {p, p + len};
    double v;
    o->released_kib = 0;
    o->forced = memmem(p, len, "(forced)", 8) != NULL || at(&c, "scvg-1");
    if (eat(&c, "scav ")) {
        /* 1.19-1.20 "scav N KiB work, ..."; 1.21+ "scav N KiB work (bg), M KiB work (eager),
         * ..."; 1.15-1.18 "scav <gen> N KiB work, ..." */
        double first;
        if (num(&c, &first)) {
            struct cur save = c;
            if (eat(&c, " ") && num(&c, &v)) {
                first = v; /* the generation came first */
            } else {
                c = save;
            }
            if (eat(&c, " KiB work")) {
                o->released_kib = first;
                if (eat(&c, " (bg), ") && num(&c, &v) && eat(&c, " KiB work (eager)")) {
                    o->released_kib += v;
                }
            }
        }
        return 0;
    }
    if (eat(&c, "scvg")) {
        while (c.p < c.end && *c.p != ':') {
            c.p++;
        }
        if (!eat(&c, ": ")) {
            return GM_EFORMAT;
        }
        if (num(&c, &v)) { /* "scvg: 123 KB released" / "scvg0: 1 MB released" */
            spaces(&c);
            o->released_kib = at(&c, "MB") ? v * 1024 : v;
        }
        return 0;
    }
    return GM_EFORMAT;
}

/* ---------------------------------------------------------------- the jump loop */

enum { K_GC, K_SCHED, K_SCAV, K_NR };

/* Next occurrence of marker k in [p, end), found by memchr on a byte that application logs
 * print rarely, then checked: '%' of "N%: " (gctrace), 'S' of "SCHED ", 'v' of "scav " /
 * "scvg" (scavenger, all eras). memchr runs at memory speed; memmem here ran at a third of it. */
static const char *find_marker(int k, const char *p, const char *end)
{
    static const char rare[K_NR] = {'%', 'S', 'v'};
    const char *q = p;
    while (q < end && (q = memchr(q, rare[k], (size_t)(end - q))) != NULL) {
        switch (k) {
        case K_GC:
            if (end - q >= 3 && q[1] == ':' && q[2] == ' ') {
                return q;
            }
            if (end - q >= 3 && q[1] == ' ' && q[2] == '(' && gc_note_end(q + 1, end)) {
                return q; /* Go 1.26: "N% (checking for goroutine leaks): " */
            }
            break;
        case K_SCHED:
            if (end - q >= 6 && memcmp(q, "SCHED ", 6) == 0) {
                return q;
            }
            break;
        default:
            if (q - p >= 2 && q[-2] == 's' && q[-1] == 'c' && end - q >= 2 && q[1] == 'g') {
                return q - 2; /* "scvg" */
            }
            if (q - p >= 3 && end - q >= 2 && q[-3] == 's' && q[-2] == 'c' && q[-1] == 'a' &&
                q[1] == ' ') {
                return q - 3; /* "scav " */
            }
            break;
        }
        q++;
    }
    return NULL;
}

static const char *line_start(const char *base, const char *at_p)
{
    while (at_p > base && at_p[-1] != '\n') {
        at_p--;
    }
    return at_p;
}

static const char *line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl : end;
}

/* The text of a runtime line starts at its keyword, preceded by the line start or a
 * non-word byte (so "xgc 1" or "unscavenged" are not taken). */
static const char *keyword_in(const char *ls, const char *le, const char *kw)
{
    size_t n = strlen(kw);
    for (const char *s = ls; s + n <= le; s++) {
        s = memmem(s, (size_t)(le - s), kw, n);
        if (!s) {
            return NULL;
        }
        if (s == ls || !((s[-1] >= 'a' && s[-1] <= 'z') || (s[-1] >= 'A' && s[-1] <= 'Z') ||
                         (s[-1] >= '0' && s[-1] <= '9') || s[-1] == '_')) {
            return s;
        }
    }
    return NULL;
}

/* A candidate line of the jump loop, and what its handler found. */
struct cand {
    const char *ls, *le; /* the line; le moves past the scheddetail lines of a SCHED line */
    size_t n;            /* its length without a trailing '\r' */
    uint64_t line;       /* its number */
    int ok;              /* it is a runtime line of its kind */
    const char *kwseen;  /* the line carries the keyword of its kind */
};

/* A gctrace candidate: the first "gc " keyword after which a gc line parses. */
static int gc_cand(struct cand *l, const struct gm_gctrace_visitor *v, struct gm_gctrace_stats *st)
{
    const char *ls = l->ls;
    size_t n = l->n;
    struct gm_gc_cycle cy;
    /* a prefix may contain "gc " too ("src=gc gc 3 @..."): try each occurrence */
    for (const char *from = ls; from < ls + n;) {
        const char *kw = keyword_in(from, ls + n, "gc ");
        if (!kw) {
            break;
        }
        if (kw + 3 < ls + n && kw[3] >= '0' && kw[3] <= '9') {
            l->kwseen = kw;
        }
        if (gm_gctrace_cycle_parse(kw, (size_t)(ls + n - kw), &cy) == 0) {
            cy.line = l->line;
            st->gc_lines++;
            l->ok = 1;
            return v->cycle ? v->cycle(v->ctx, &cy) : 0;
        }
        from = kw + 3;
    }
    return 0;
}

/* A schedtrace candidate, with the scheddetail lines that follow it. */
static int sched_cand(struct cand *l, const char *end, const struct gm_gctrace_visitor *v,
                      struct gm_gctrace_stats *st)
{
    const char *ls = l->ls;
    size_t n = l->n;
    int rc = 0;
    const char *kw = keyword_in(ls, ls + n, "SCHED ");
    l->kwseen = kw;
    struct gm_sched_line sl;
    if (kw && sched_parse(kw, (size_t)(ls + n - kw), &sl) == 0) {
        sl.line = l->line;
        st->sched_lines++;
        l->ok = 1;
        if (v->sched) {
            rc = v->sched(v->ctx, &sl);
        }
        /* scheddetail lines follow: "  P0: ...", "  M2: ...", "  G1: ..." */
        const char *q = l->le;
        while (q < end) {
            const char *s = q + 1;
            const char *e = line_end(s, end);
            if ((size_t)(e - s) < 4 || s[0] != ' ' || s[1] != ' ' ||
                !(s[2] == 'P' || s[2] == 'M' || s[2] == 'G')) {
                break;
            }
            st->detail_lines++;
            q = e;
        }
        l->le = q;
    }
    return rc;
}

/* A scavenger candidate ("scav " or, in old runtimes, "scvg"). */
static int scav_cand(struct cand *l, const struct gm_gctrace_visitor *v,
                     struct gm_gctrace_stats *st)
{
    const char *ls = l->ls;
    size_t n = l->n;
    const char *kw = keyword_in(ls, ls + n, "scav ");
    if (!kw) {
        kw = keyword_in(ls, ls + n, "scvg");
    }
    struct gm_scav_line sc;
    if (kw && scav_parse(kw, (size_t)(ls + n - kw), &sc) == 0) {
        sc.line = l->line;
        st->scav_lines++;
        l->ok = 1;
        if (v->scav) {
            return v->scav(v->ctx, &sc);
        }
    }
    return 0;
}

/* The kind whose next marker comes first, or -1 when none is left. */
static int first_kind(const char *const next[K_NR])
{
    int k = -1;
    for (int i = 0; i < K_NR; i++) {
        if (next[i] && (k < 0 || next[i] < next[k])) {
            k = i;
        }
    }
    return k;
}

/* The line counts once the jump loop is done (lineno: newlines before counted; done: the end
 * of the last handled line). */
static void finish_stats(const char *p, size_t len, const char *counted, uint64_t lineno,
                         const char *done, struct gm_gctrace_stats *st)
{
    const char *end = p + len;
    lineno += gm_count_newlines(counted, (size_t)(end - counted));
    if (len && end[-1] != '\n' && !st->truncated) {
        /* a gc line cut before its "N%: " marker: "gc 20 @1.83" */
        const char *ls = line_start(p, end);
        const char *kw = keyword_in(ls, end, "gc ");
        if (kw && kw + 3 < end && kw[3] >= '0' && kw[3] <= '9' && ls >= done) {
            st->truncated = 1;
        }
    }
    st->lines = lineno + (len && end[-1] != '\n');
    uint64_t used = st->gc_lines + st->sched_lines + st->scav_lines + st->detail_lines;
    st->skipped_lines = st->lines > used ? st->lines - used : 0;
}

int gm_gctrace_parse(const char *p, size_t len, const struct gm_gctrace_visitor *v,
                     struct gm_gctrace_stats *st)
{
    const char *end = p + len;
    const char *next[K_NR];
    memset(st, 0, sizeof(*st));
    for (int k = 0; k < K_NR; k++) {
        next[k] = find_marker(k, p, end);
    }
    const char *counted = p; /* newlines before this point are counted in lineno */
    uint64_t lineno = 0;     /* newlines before `counted` */
    const char *done = p;    /* everything before this has been handled */
    for (;;) {
        int k = first_kind(next);
        if (k < 0) {
            break;
        }
        struct cand l = {line_start(done, next[k]), line_end(next[k], end), 0, 0, 0, NULL};
        lineno += gm_count_newlines(counted, (size_t)(l.ls - counted));
        counted = l.ls;
        l.line = lineno + 1;
        l.n = (size_t)(l.le - l.ls);
        if (l.n && l.ls[l.n - 1] == '\r') {
            l.n--;
        }
        int last_unterminated = l.le == end && (len == 0 || end[-1] != '\n');
        int rc = k == K_GC      ? gc_cand(&l, v, st)
                 : k == K_SCHED ? sched_cand(&l, end, v, st)
                                : scav_cand(&l, v, st);
        if (!l.ok && l.kwseen) { /* an application line with "N%: " is just an application line */
            if (last_unterminated) {
                st->truncated = 1;
            } else {
                st->malformed++;
            }
        }
        if (rc < 0) {
            return rc;
        }
        done = l.le < end ? l.le + 1 : end;
        for (int i = 0; i < K_NR; i++) {
            if (next[i] && next[i] < done) {
                next[i] = find_marker(i, done, end);
            }
        }
    }
    if (st->gc_lines == 0) {
        int rc = go14_lines(p, len, v, st);
        if (rc < 0) {
            return rc;
        }
    }
    finish_stats(p, len, counted, lineno, done, st);
    return 0;
}
