/* Pasted and logged text undressed (gm/paste.h). */
#include "gm/paste.h"

#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define DETECT_MAX (1u << 20) /* bytes looked at by gm_paste_detect */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* n digits at s[*i] (advancing *i); 0 if not there. */
static int digits(struct gm_str s, size_t *i, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (*i + k >= s.len || !is_digit(s.p[*i + k])) {
            return 0;
        }
    }
    *i += n;
    return 1;
}

static int lit(struct gm_str s, size_t *i, const char *l)
{
    size_t n = strlen(l);
    if (*i + n > s.len || memcmp(s.p + *i, l, n) != 0) {
        return 0;
    }
    *i += n;
    return 1;
}

/* Runs of characters that are not a space, at least one. */
static int token(struct gm_str s, size_t *i)
{
    size_t k = *i;
    while (k < s.len && s.p[k] != ' ') {
        k++;
    }
    if (k == *i) {
        return 0;
    }
    *i = k;
    return 1;
}

/* hh:mm:ss */
static int hms(struct gm_str s, size_t *i)
{
    return digits(s, i, 2) && lit(s, i, ":") && digits(s, i, 2) && lit(s, i, ":") &&
           digits(s, i, 2);
}

/* YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|+hh:mm|+hhmm] or YYYY/MM/DD hh:mm:ss[.frac] */
static int timestamp(struct gm_str s, size_t *i)
{
    size_t k = *i;
    if (!digits(s, &k, 4) || k >= s.len || (s.p[k] != '-' && s.p[k] != '/')) {
        return 0;
    }
    char sep = s.p[k++];
    if (!digits(s, &k, 2) || !lit(s, &k, sep == '-' ? "-" : "/") || !digits(s, &k, 2) ||
        k >= s.len || (s.p[k] != 'T' && s.p[k] != ' ')) {
        return 0;
    }
    k++;
    if (!hms(s, &k)) {
        return 0;
    }
    if (k < s.len && (s.p[k] == '.' || s.p[k] == ',')) {
        k++;
        while (k < s.len && is_digit(s.p[k])) {
            k++;
        }
    }
    if (k < s.len && s.p[k] == 'Z') {
        k++;
    } else if (k < s.len && (s.p[k] == '+' || s.p[k] == '-')) {
        size_t z = k + 1;
        if (digits(s, &z, 2)) {
            lit(s, &z, ":"); /* +02:00 or +0200 */
            if (digits(s, &z, 2)) {
                k = z;
            }
        }
    }
    *i = k;
    return 1;
}

/* The length of kind's prefix at the start of s, or -1 when s does not start with one. */
static long prefix_len(enum gm_paste_prefix kind, uint32_t indent, struct gm_str s)
{
    size_t i = 0;
    switch (kind) {
    case GM_PASTE_INDENT:
        while (i < indent && i < s.len && s.p[i] == ' ') {
            i++;
        }
        return i == indent ? (long)i : -1;
    case GM_PASTE_CRI:
        if (timestamp(s, &i) && lit(s, &i, " ") &&
            (lit(s, &i, "stdout ") || lit(s, &i, "stderr ")) && i < s.len &&
            (s.p[i] == 'F' || s.p[i] == 'P')) {
            i++;
            return lit(s, &i, " ") || i == s.len ? (long)i : -1;
        }
        return -1;
    case GM_PASTE_SYSLOG:
        /* Mmm dd hh:mm:ss host tag[pid]: */
        if (s.len < 16 || !is_alpha(s.p[0]) || !is_alpha(s.p[1]) || !is_alpha(s.p[2])) {
            return -1;
        }
        i = 3;
        if (!lit(s, &i, " ")) {
            return -1;
        }
        lit(s, &i, " "); /* " 1" */
        if (!(digits(s, &i, 2) || digits(s, &i, 1)) || !lit(s, &i, " ") || !hms(s, &i) ||
            !lit(s, &i, " ") || !token(s, &i) || !lit(s, &i, " ")) {
            return -1;
        }
        {
            size_t t = i;
            if (!token(s, &t) || s.p[t - 1] != ':') {
                return -1;
            }
            i = t;
        }
        return lit(s, &i, " ") || i == s.len ? (long)i : -1;
    case GM_PASTE_PROCFILE:
        /* hh:mm:ss name | */
        if (!hms(s, &i) || !lit(s, &i, " ") || !token(s, &i)) {
            return -1;
        }
        while (i < s.len && s.p[i] == ' ') {
            i++;
        }
        if (!lit(s, &i, "|")) {
            return -1;
        }
        return lit(s, &i, " ") || i == s.len ? (long)i : -1;
    case GM_PASTE_TIMESTAMP: {
        int br = lit(s, &i, "[");
        if (!timestamp(s, &i) || (br && !lit(s, &i, "]"))) {
            return -1;
        }
        return lit(s, &i, " ") || i == s.len ? (long)i : -1;
    }
    default:
        return -1;
    }
}

/* A Docker json-file line: {"log":"...","stream":...}: the log string unescaped into buf. */
static int docker_line(struct gm_str s, char *buf, size_t cap, struct gm_str *out)
{
    size_t i = 0;
    if (!lit(s, &i, "{\"log\":") || !(lit(s, &i, "\"") || lit(s, &i, " \""))) {
        return 0;
    }
    size_t o = 0;
    while (i < s.len && s.p[i] != '"' && o + 1 < cap) {
        char c = s.p[i++];
        if (c == '\\' && i < s.len) {
            char e = s.p[i++];
            c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
            if (e == 'u' && i + 4 <= s.len) {
                unsigned v = 0;
                for (int k = 0; k < 4; k++) {
                    char h = s.p[i + (size_t)k];
                    v = v * 16 + (unsigned)(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
                }
                i += 4;
                c = v < 0x80 ? (char)v : '?';
            }
        }
        buf[o++] = c;
    }
    while (o && (buf[o - 1] == '\n' || buf[o - 1] == '\r')) {
        o--;
    }
    *out = (struct gm_str){buf, o};
    return 1;
}

/* The line with its dress taken off (before entities and tabs). */
static struct gm_str undress(const struct gm_paste *st, struct gm_str s, char *buf, size_t cap)
{
    struct gm_str d;
    if (st->prefix == GM_PASTE_DOCKER) {
        return docker_line(s, buf, cap, &d) ? d : s;
    }
    long n = st->prefix != GM_PASTE_NONE ? prefix_len(st->prefix, st->indent, s) : -1;
    return n >= 0 ? (struct gm_str){s.p + n, s.len - (size_t)n} : s;
}

static int starts_with_anchor(struct gm_str s, const char *const *anchors)
{
    for (size_t a = 0; anchors[a]; a++) {
        size_t n = strlen(anchors[a]);
        if (s.len >= n && memcmp(s.p, anchors[a], n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int has(const char *p, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *q = p; len >= n && (q = memchr(q, needle[0], len - (size_t)(q - p) - n + 1));
         q++) {
        if (memcmp(q, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

void gm_paste_detect(const char *p, size_t len, const char *const *anchors, struct gm_paste *st)
{
    memset(st, 0, sizeof(*st));
    len = len > DETECT_MAX ? DETECT_MAX : len;
    static const enum gm_paste_prefix kinds[] = {
        GM_PASTE_NONE,     GM_PASTE_CRI,       GM_PASTE_DOCKER, GM_PASTE_SYSLOG,
        GM_PASTE_PROCFILE, GM_PASTE_TIMESTAMP, GM_PASTE_INDENT};
    char buf[512];
    size_t pos = 0, at = len;
    while (pos < len && at == len) {
        const char *nl = memchr(p + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - p) : len;
        struct gm_str s = {p + pos, end - pos};
        for (size_t k = 0; k < GM_ARRAY_NR(kinds) && at == len; k++) {
            struct gm_paste c = {.prefix = kinds[k]};
            if (kinds[k] == GM_PASTE_INDENT) {
                while (c.indent < s.len && s.p[c.indent] == ' ') {
                    c.indent++;
                }
                if (c.indent < 2) {
                    continue;
                }
            }
            struct gm_str u = undress(&c, s, buf, sizeof(buf));
            if ((kinds[k] == GM_PASTE_NONE || u.p != s.p || u.len != s.len) &&
                starts_with_anchor(u, anchors)) {
                *st = c;
                at = pos;
            }
        }
        pos = nl ? end + 1 : len;
    }
    if (at == len) {
        return;
    }
    st->html = has(p + at, len - at, "&#43;") || has(p + at, len - at, "&lt;") ||
               has(p + at, len - at, "&gt;") || has(p + at, len - at, "&#34;") ||
               has(p + at, len - at, "&quot;");
    /* double-spaced: from the anchor on, nearly every line is followed by a blank one */
    uint32_t followed = 0, lines = 0;
    int prev_text = 0;
    for (pos = at; pos < len && lines < 64;) {
        const char *nl = memchr(p + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - p) : len;
        struct gm_str s = undress(st, (struct gm_str){p + pos, end - pos}, buf, sizeof(buf));
        int blank = s.len == 0 || (s.len == 1 && s.p[0] == '\r');
        size_t sp = 0;
        while (sp < s.len && s.p[sp] == ' ') {
            sp++;
        }
        st->tabs |= sp >= 2 && sp < s.len && memchr(s.p + sp, ':', s.len - sp) != NULL;
        if (prev_text) {
            lines++;
            followed += blank;
        }
        prev_text = !blank;
        pos = nl ? end + 1 : len;
    }
    st->double_spaced = lines >= 8 && followed * 10 >= lines * 9;
}

int gm_paste_dressed(const struct gm_paste *st)
{
    return st->prefix != GM_PASTE_NONE || st->html || st->double_spaced || st->tabs;
}

const char *gm_paste_name(const struct gm_paste *st)
{
    static const char *const names[] = {
        NULL,
        "indented (markdown) lines",
        "CRI log prefixes",
        "Docker JSON log lines",
        "syslog/journald prefixes",
        "Procfile runner prefixes",
        "timestamp prefixes",
    };
    if (st->prefix != GM_PASTE_NONE) {
        return names[st->prefix];
    }
    return st->html            ? "HTML-escaped text"
           : st->double_spaced ? "double-spaced lines"
           : st->tabs          ? "spaces for the tab before FILE:LINE"
                               : NULL;
}

/* &lt; &gt; &amp; &quot; &#39; &#NN; decoded from s into buf. */
static struct gm_str entities(struct gm_str s, char *buf, size_t cap)
{
    if (!memchr(s.p, '&', s.len)) {
        return s;
    }
    static const struct {
        const char *name;
        char c;
    } named[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t o = 0;
    for (size_t i = 0; i < s.len && o + 1 < cap;) {
        char c = s.p[i];
        size_t used = 1;
        if (c == '&') {
            for (size_t k = 0; k < GM_ARRAY_NR(named); k++) {
                size_t n = strlen(named[k].name);
                if (i + n <= s.len && memcmp(s.p + i, named[k].name, n) == 0) {
                    c = named[k].c;
                    used = n;
                    break;
                }
            }
            if (used == 1 && i + 3 < s.len && s.p[i + 1] == '#') {
                size_t k = i + 2;
                unsigned v = 0;
                while (k < s.len && is_digit(s.p[k]) && v < 1000) {
                    v = v * 10 + (unsigned)(s.p[k++] - '0');
                }
                if (k < s.len && s.p[k] == ';' && k > i + 2 && v > 0 && v < 0x80) {
                    c = (char)v;
                    used = k + 1 - i;
                }
            }
        }
        buf[o++] = c;
        i += used;
    }
    return (struct gm_str){buf, o};
}

struct gm_str gm_paste_line(const struct gm_paste *st, struct gm_str s, char *buf, size_t cap)
{
    s = undress(st, s, buf, cap);
    if (st->html) {
        s = entities(s, buf, cap); /* decodes forward: safe when s is already in buf */
    }
    /* "    /path/file.go:12 +0x1d": the tab before FILE:LINE, turned into spaces */
    size_t sp = 0;
    while (sp < s.len && s.p[sp] == ' ') {
        sp++;
    }
    if (sp >= 2 && sp < s.len) {
        const char *colon = memchr(s.p + sp, ':', s.len - sp);
        if (colon && colon + 1 < s.p + s.len && is_digit(colon[1]) && s.len - sp + 1 < cap) {
            size_t n = s.len - sp;
            memmove(buf + 1, s.p + sp, n);
            buf[0] = '\t';
            s = (struct gm_str){buf, n + 1};
        }
    }
    return s;
}
