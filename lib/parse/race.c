/*
 * Race detector reports. Line oriented, tolerant of lost indentation (every line is trimmed
 * first) and CRLF. Frames are interned as they are read; a report is handed to the visitor
 * when its closing "==================" line (or the next report, or the end) arrives.
 * Lines outside reports are only looked at for test context, by their first bytes.
 */
#define _GNU_SOURCE
#include "gm/race.h"
#include "gm/alloc.h"
#include "gm/paste.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

enum section { S_NONE, S_ACC0, S_ACC1, S_CREATOR0, S_CREATOR1, S_SKIP };

struct rparser {
    struct gm_stacks *stacks;
    const struct gm_race_visitor *v;
    struct gm_race_stats *st;
    int in_report;
    struct gm_race_report r;
    enum section sec;
    uint32_t frames[256];
    uint32_t nframes;
    struct gm_str pend_func;
    int have_func;
    uint32_t test_id;
    char linebuf[2][4096]; /* undressed lines (gm/paste.h): pend_func is read with the next */
    char funcbuf[512];     /* pend_func when it had to be repaired (mojibake) */
    unsigned lb;
};

static int starts(struct gm_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static uint64_t parse_u64(const char *p, const char *end, const char **stop)
{
    uint64_t v = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        uint64_t d = (uint64_t)(*p - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
        p++;
    }
    *stop = p;
    return v;
}

static uint64_t parse_hex(const char *p, const char *end)
{
    uint64_t v = 0;
    if (end - p > 2 && p[0] == '0' && p[1] == 'x') {
        p += 2;
    }
    for (; p < end; p++) {
        int d = gm_hexval(*p);
        if (d < 0) {
            break;
        }
        v = (v << 4) | (uint64_t)d;
    }
    return v;
}

/* Closes the current section: its frames become a stack. */
static int end_section(struct rparser *ps)
{
    if (ps->sec == S_NONE || ps->sec == S_SKIP) {
        ps->sec = S_NONE;
        ps->nframes = 0;
        return 0;
    }
    uint32_t id;
    GM_TRY(gm_stacks_stack(ps->stacks, ps->frames, ps->nframes, GM_NO_FRAME, &id));
    switch (ps->sec) {
    case S_ACC0:
        ps->r.acc[0].stack_id = id;
        break;
    case S_ACC1:
        ps->r.acc[1].stack_id = id;
        break;
    case S_CREATOR0:
        ps->r.acc[0].creator = id;
        break;
    case S_CREATOR1:
        ps->r.acc[1].creator = id;
        break;
    default:
        break;
    }
    ps->sec = S_NONE;
    ps->nframes = 0;
    ps->have_func = 0;
    return 0;
}

static int emit(struct rparser *ps, int complete)
{
    if (!ps->in_report) {
        return 0;
    }
    GM_TRY(end_section(ps));
    ps->in_report = 0;
    ps->r.complete = complete;
    ps->r.test_id = ps->test_id;
    ps->st->reports++;
    if (ps->v->report) {
        return ps->v->report(ps->v->ctx, &ps->r);
    }
    return 0;
}

static void begin(struct rparser *ps, uint64_t line)
{
    memset(&ps->r, 0, sizeof(ps->r));
    ps->r.line = line;
    for (int i = 0; i < 2; i++) {
        ps->r.acc[i].stack_id = UINT32_MAX;
        ps->r.acc[i].creator = UINT32_MAX;
    }
    ps->in_report = 1;
    ps->sec = S_NONE;
    ps->nframes = 0;
    ps->have_func = 0;
}

/* "Read at 0x00c0000180e8 by goroutine 9:" / "... by main goroutine:" (after the verb). */
static void access_header(struct gm_race_access *a, struct gm_str s)
{
    const char *end = s.p + s.len;
    const char *at = memmem(s.p, s.len, " at 0x", 6);
    if (at) {
        a->addr = parse_hex(at + 4, end);
    }
    const char *by = memmem(s.p, s.len, " by goroutine ", 14);
    if (by) {
        const char *stop;
        a->goroutine = parse_u64(by + 14, end, &stop);
    } else if (memmem(s.p, s.len, " by main goroutine", 18)) {
        a->main = 1;
    }
}

static int test_line(struct rparser *ps, struct gm_str s, uint64_t line)
{
    const char *name = NULL;
    if (starts(s, "=== RUN") || starts(s, "=== CONT") || starts(s, "=== NAME")) {
        name = s.p + 8;
    } else if (starts(s, "--- FAIL: ")) {
        name = s.p + 10;
    } else if (starts(s, "Found ")) {
        const char *stop;
        uint64_t n = parse_u64(s.p + 6, s.p + s.len, &stop);
        if (stop > s.p + 6 && (size_t)(s.p + s.len - stop) >= 11 &&
            memcmp(stop, " data race", 10) == 0) {
            ps->st->found_total += n;
        }
        return 0;
    } else {
        return 0;
    }
    const char *end = s.p + s.len;
    while (name < end && (*name == ' ' || *name == '\t')) {
        name++;
    }
    const char *e = name;
    while (e < end && *e != ' ' && *e != '\t') {
        e++;
    }
    if (e == name) {
        return 0;
    }
    uint32_t id;
    GM_TRY(gm_strtab_intern(&ps->stacks->strs, name, (size_t)(e - name), &id));
    if (s.p[0] == '=') {
        ps->test_id = id;
    } else if (ps->v->failed_test) {
        GM_TRY(ps->v->failed_test(ps->v->ctx, id, line));
    }
    return 0;
}

/* "/path/file.go:123 +0x1d" -> file, line; also "<autogenerated>:1". */
static int file_line(struct gm_str s, struct gm_str *file, uint32_t *line)
{
    size_t end = s.len;
    const char *sp = memrchr(s.p, ' ', s.len); /* " +0x1d" ends the line when present */
    if (sp && (size_t)(s.p + s.len - sp) > 3 && sp[1] == '+' && sp[2] == '0' && sp[3] == 'x') {
        end = (size_t)(sp - s.p);
    }
    size_t colon = end;
    while (colon > 0 && s.p[colon - 1] != ':') {
        colon--;
    }
    if (colon < 2 || colon == end) {
        return -1;
    }
    const char *stop;
    uint64_t v = parse_u64(s.p + colon, s.p + end, &stop);
    if (stop != s.p + end) {
        return -1;
    }
    *file = (struct gm_str){s.p, colon - 1};
    *line = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    return 0;
}

/* "main.funcÂ·001": the middle dot of Go's old closure names (U+00B7, UTF-8 C2 B7) read as
 * Latin-1 and written again as UTF-8 (C3 82 C2 B7) by whatever copied the log: undone into
 * buf. */
static struct gm_str mojibake(struct gm_str f, char *buf, size_t cap)
{
    if (!memmem(f.p, f.len, "\xc3\x82\xc2\xb7", 4) || f.len >= cap) {
        return f;
    }
    size_t o = 0;
    for (size_t i = 0; i < f.len; i++) {
        if (i + 3 < f.len && memcmp(f.p + i, "\xc3\x82\xc2\xb7", 4) == 0) {
            buf[o++] = '\xc2';
            buf[o++] = '\xb7';
            i += 3;
        } else {
            buf[o++] = f.p[i];
        }
    }
    return (struct gm_str){buf, o};
}

static int report_line(struct rparser *ps, struct gm_str s)
{
    if (s.len == 0) {
        return end_section(ps);
    }
    int prev = starts(s, "Previous ");
    struct gm_str rest = prev ? (struct gm_str){s.p + 9, s.len - 9} : s;
    int atomic = starts(rest, "Atomic ") || starts(rest, "atomic ");
    if (atomic) {
        rest = (struct gm_str){rest.p + 7, rest.len - 7};
    }
    /* Go 1.1-1.5 wrote no address: "Read by goroutine 13:", "Previous write by main
     * goroutine:" */
    int rd = starts(rest, "Read at ") || starts(rest, "read at ") || starts(rest, "Read by ") ||
             starts(rest, "read by ");
    int wr = starts(rest, "Write at ") || starts(rest, "write at ") || starts(rest, "Write by ") ||
             starts(rest, "write by ");
    if ((rd || wr) && s.p[s.len - 1] == ':') {
        GM_TRY(end_section(ps));
        struct gm_race_access *a = &ps->r.acc[prev ? 1 : 0];
        a->kind = wr ? GM_RACE_WRITE : GM_RACE_READ;
        a->atomic = atomic;
        access_header(a, s);
        ps->sec = prev ? S_ACC1 : S_ACC0;
        return 0;
    }
    if (starts(s, "Goroutine ") && memmem(s.p, s.len, "created at:", 11)) {
        GM_TRY(end_section(ps));
        const char *stop;
        uint64_t g = parse_u64(s.p + 10, s.p + s.len, &stop);
        int fin = memmem(s.p, s.len, "(finished)", 10) != NULL;
        if (!ps->r.acc[0].main && ps->r.acc[0].goroutine == g) {
            ps->sec = S_CREATOR0;
            ps->r.acc[0].finished = fin;
        } else if (!ps->r.acc[1].main && ps->r.acc[1].goroutine == g) {
            ps->sec = S_CREATOR1;
            ps->r.acc[1].finished = fin;
        } else {
            ps->sec = S_SKIP;
        }
        return 0;
    }
    if (starts(s, "[failed to restore the stack]")) {
        if (ps->sec == S_ACC0 || ps->sec == S_ACC1) {
            ps->r.acc[ps->sec == S_ACC1].no_stack = 1;
        }
        return 0;
    }
    if (ps->sec == S_NONE || ps->sec == S_SKIP) {
        return 0;
    }
    struct gm_str file;
    uint32_t line;
    if (ps->have_func && file_line(s, &file, &line) == 0) {
        ps->have_func = 0;
        if (ps->nframes < GM_ARRAY_NR(ps->frames)) {
            uint32_t id;
            uint64_t h = gm_stacks_frame_hash(ps->pend_func, file, line);
            GM_TRY(gm_stacks_frame(ps->stacks, ps->pend_func, file, line, h, &id));
            ps->frames[ps->nframes++] = id;
        }
        return 0;
    }
    if (s.len > 2 && s.p[s.len - 1] == ')') {
        const char *lp = memrchr(s.p, '(', s.len);
        if (lp && lp > s.p) {
            ps->pend_func = mojibake((struct gm_str){s.p, (size_t)(lp - s.p)}, ps->funcbuf,
                                     sizeof(ps->funcbuf));
            ps->have_func = 1;
        }
    }
    return 0;
}

static int is_separator(struct gm_str s)
{
    if (s.len < 10) {
        return 0;
    }
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] != '=') {
            return 0;
        }
    }
    return 1;
}

int gm_race_parse(const char *p, size_t len, struct gm_stacks *stacks,
                  const struct gm_race_visitor *v, struct gm_race_stats *st)
{
    struct rparser ps;
    memset(&ps, 0, sizeof(ps));
    memset(st, 0, sizeof(*st));
    ps.stacks = stacks;
    ps.v = v;
    ps.st = st;
    uint64_t lineno = 0;
    size_t pos = 0;
    /* a report in a log or a paste: every line undressed alike (gm/paste.h) */
    static const char *const anchors[] = {"WARNING: DATA RACE", "==================", NULL};
    struct gm_paste paste;
    gm_paste_detect(p, len, anchors, &paste);
    int dressed = gm_paste_dressed(&paste);
    while (pos < len) {
        const char *nl = memchr(p + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - p) : len;
        struct gm_str s = {p + pos, end - pos};
        lineno++;
        if (pos == 0 && s.len >= 3 && memcmp(s.p, "\xef\xbb\xbf", 3) == 0) {
            s.p += 3; /* a UTF-8 byte order mark */
            s.len -= 3;
        }
        if (dressed) {
            ps.lb ^= 1;
            s = gm_paste_line(&paste, s, ps.linebuf[ps.lb], sizeof(ps.linebuf[0]));
        }
        while (s.len && (s.p[s.len - 1] == '\r' || s.p[s.len - 1] == ' ')) {
            s.len--;
        }
        while (s.len && (s.p[0] == ' ' || s.p[0] == '\t')) {
            s.p++;
            s.len--;
        }
        int rc = 0;
        if (is_separator(s)) {
            rc = emit(&ps, 1);
        } else if (starts(s, "WARNING: DATA RACE")) {
            rc = emit(&ps, 0);
            begin(&ps, lineno);
        } else if (ps.in_report) {
            rc = report_line(&ps, s);
        } else {
            st->skipped_lines++;
            if (s.len > 18 && memmem(s.p, s.len, "WARNING: DATA RACE", 18) && !st->unread++) {
                st->unread_line = lineno;
            }
            if (s.len && (s.p[0] == '=' || s.p[0] == '-' || s.p[0] == 'F')) {
                rc = test_line(&ps, s, lineno);
            }
        }
        if (rc < 0) {
            return rc;
        }
        pos = nl ? end + 1 : len;
    }
    if (ps.in_report) {
        st->truncated = 1;
        GM_TRY(emit(&ps, 0));
    }
    st->lines = lineno;
    return 0;
}
