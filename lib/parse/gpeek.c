/*
 * The debug=1 goroutine profile read for its counts only (gm/gdump.h: gm_gdump_peek). The
 * producer is runtime/pprof's printCountProfile:
 *
 *   goroutine profile: total 65
 *   60 @ 0x489aae 0x4195bc 0x4191b7 0x67643a 0x4911a1
 *   # labels: {"k":"v"}                                   (when the goroutines carry labels)
 *   #	0x676439	main.(*Notifier).notify+0x39	/src/main.go:32
 *   <blank line>
 *
 * The "#" lines are the frames, innermost first, without the leading runtime frames and
 * runtime.goexit (printStackRecord hides them); "#\t0xPC" alone is a pc without a symbol.
 */
#include "gm/gdump.h"
#include "gm/stack.h"

#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct rec {
    struct gm_gpeek g;
    struct gm_str first; /* the first printed function */
    int open, leading;
    uint32_t frames; /* printed so far */
};

static const char *skip_blank(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r')) {
        s++;
    }
    return s;
}

static const char *token_end(const char *s, const char *e)
{
    while (s < e && *s != ' ' && *s != '\t' && *s != '\r') {
        s++;
    }
    return s;
}

/* Decimal digits at *s into *v: 0, or -1 when there are none or they overflow. */
static int digits(const char **s, const char *e, uint64_t *v)
{
    const char *p = *s;
    uint64_t n = 0;
    for (; p < e && *p >= '0' && *p <= '9'; p++) {
        if (n > (UINT64_MAX - 9) / 10) {
            return -1;
        }
        n = n * 10 + (uint64_t)(*p - '0');
    }
    if (p == *s) {
        return -1;
    }
    *s = p;
    *v = n;
    return 0;
}

static void flush(struct rec *r, gm_gpeek_fn fn, void *ctx)
{
    if (r->open) {
        if (!r->g.func.len) {
            r->g.func = r->first;
        }
        fn(ctx, &r->g);
    }
    r->open = 0;
}

/* "#\t0xPC\tfunc+0xOFF\tfile:line" (s after the '#') into the record's key. */
static void frame(struct rec *r, const char *s, const char *e)
{
    s = skip_blank(s, e);
    if (s == e || *s != '0') {
        return; /* "# labels: {...}" */
    }
    s = skip_blank(token_end(s, e), e); /* the pc */
    const char *fe = token_end(s, e);
    struct gm_str func = {s, 0};
    for (const char *p = fe; p > s; p--) { /* the function ends at its last "+0x" */
        if (p[-1] == '+') {
            func.len = (size_t)(p - 1 - s);
            break;
        }
    }
    if (!func.len) {
        func.len = (size_t)(fe - s);
    }
    /* "file:line" is the rest of the line (a path may hold spaces): the line after its last ':' */
    const char *le = e;
    while (le > fe && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r')) {
        le--;
    }
    const char *c = le;
    while (c > fe && c[-1] != ':') {
        c--;
    }
    uint64_t line = 0;
    if (c > fe && (digits(&c, le, &line) < 0 || c != le)) {
        line = 0;
    }
    if (r->g.wait == GM_WAIT_OTHER && r->frames++ < 8) {
        r->g.wait = gm_wait_class_func(func);
    }
    if (gm_stack_key_skips(func, r->leading)) {
        return;
    }
    r->leading = 0;
    r->g.key = gm_stack_key_frame(r->g.key, func, (uint32_t)line);
    if (!r->first.len) {
        r->first = func;
    }
    if (!r->g.func.len && (gm_func_class(func) & GM_FRAME_USER)) {
        r->g.func = func;
    }
}

int gm_gdump_peek(const char *p, size_t len, uint64_t *total, gm_gpeek_fn fn, void *ctx,
                  struct gm_diag *diag)
{
    static const char head[] = "goroutine profile: total ";
    const char *end = p + len, *s = p + sizeof(head) - 1;
    if (len < sizeof(head) - 1 || memcmp(p, head, sizeof(head) - 1) != 0 ||
        digits(&s, end, total) < 0) {
        return gm_diag_set(diag, GM_EFORMAT, 0, 1,
                           "expected 'goroutine profile: total N' (goroutine?debug=1)");
    }
    struct rec r;
    memset(&r, 0, sizeof(r));
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end, *q = skip_blank(s, e);
        if (q < e && *q >= '0' && *q <= '9') { /* "count @ pcs" */
            flush(&r, fn, ctx);
            if (digits(&q, e, &r.g.count) < 0) {
                return gm_diag_set(diag, GM_EFORMAT, (uint64_t)(q - p), 1, "count out of range");
            }
            r.g.key = GM_STACK_KEY_SEED;
            r.g.func = r.first = (struct gm_str){"", 0};
            r.open = r.leading = 1;
            r.frames = 0;
            r.g.wait = GM_WAIT_OTHER;
        } else if (q < e && *q == '#' && r.open) {
            frame(&r, q + 1, e);
        } else if (q == e) {
            flush(&r, fn, ctx);
        }
        s = nl ? nl + 1 : end;
    }
    flush(&r, fn, ctx);
    return 0;
}
