/*
 * Flame graphs: the SVG, HTML and folded renderings of a call tree.
 *
 * The tree is the call tree model (lib/model/calltree.c). Rendering walks the tree depth first with
 * one explicit, growable stack (no recursion, so deep stacks cannot overflow the C stack); a node's
 * children are sorted by name only when the node is drawn, and children narrower than min_px are
 * skipped with their whole subtree, so a 10^5-stack graph costs time in proportion to what is
 * drawn.
 *
 * Safe: every byte of a name goes through gm_out_xml(), which escapes markup characters and turns
 * invalid UTF-8, control characters and XML non-characters into U+FFFD, so the output is
 * well-formed XML (and valid UTF-8) for any input. The script and styles are constants.
 */
#include "gm/flame.h"
#include "gm/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define NONE      UINT32_MAX
#define FRAME_H   16   /* pixels per level; the rect is one pixel shorter */
#define CHAR_PX   7.0  /* average advance of a 12px glyph; the script uses the same */
#define TEXT_PAD  3.0  /* label inset from the left edge of its frame */
#define DEF_WIDTH 1200 /* when the caller passes width <= 0 */
#define SIDE_PX   10   /* margin of the title, controls and status line */

/* --- depth-first walk ------------------------------------------------------------------- */

struct ent {
    uint32_t node, depth;
    double x; /* left edge, in value units from the left of the root */
};

struct walk {
    const struct gm_flame *f;
    struct ent *st; /* pending frames; the top is visited next */
    uint32_t top, cap;
    double min_value; /* children with a smaller value are skipped with their subtree */
    int (*visit)(void *ctx, const struct ent *e);
    void *ctx;
};

static int name_cmp(const struct gm_flame *f, uint32_t a, uint32_t b)
{
    struct gm_str x = gm_strtab_get(f->names, f->nodes[a].name_id);
    struct gm_str y = gm_strtab_get(f->names, f->nodes[b].name_id);
    int c = memcmp(x.p, y.p, GM_MIN(x.len, y.len));
    return c ? c : (x.len > y.len) - (x.len < y.len);
}

/* Heapsort of v[0..n) by name, descending (the stack pops the smallest name first); in place,
 * O(n log n) worst case, and it needs the name table, which qsort() cannot carry. */
static void sift(const struct gm_flame *f, struct ent *v, size_t i, size_t n)
{
    for (;;) {
        size_t m = i, l = 2 * i + 1, r = l + 1;
        if (l < n && name_cmp(f, v[l].node, v[m].node) < 0) {
            m = l;
        }
        if (r < n && name_cmp(f, v[r].node, v[m].node) < 0) {
            m = r;
        }
        if (m == i) {
            return;
        }
        struct ent t = v[i];
        v[i] = v[m];
        v[m] = t;
        i = m;
    }
}

static void sort_desc(const struct gm_flame *f, struct ent *v, size_t n)
{
    for (size_t i = n / 2; i-- > 0;) {
        sift(f, v, i, n);
    }
    for (size_t end = n; end > 1; end--) {
        struct ent t = v[0];
        v[0] = v[end - 1];
        v[end - 1] = t;
        sift(f, v, 0, end - 1);
    }
}

static int push(struct walk *w, struct ent e)
{
    if (w->top == w->cap) {
        uint32_t cap = w->cap ? w->cap * 2 : 1024;
        struct ent *st = gm_xrealloc(w->st, (size_t)cap * sizeof(*st));
        if (!st) {
            return GM_ENOMEM;
        }
        w->st = st;
        w->cap = cap;
    }
    w->st[w->top++] = e;
    return 0;
}

/* Visits the root and every node whose value is at least min_value and whose ancestors all
 * are, parents before children, siblings in name order. Each node is pushed at most once. */
static int walk_tree(struct walk *w)
{
    const struct gm_flame *f = w->f;
    int rc = push(w, (struct ent){0, 0, 0.0});
    while (rc == 0 && w->top) {
        struct ent e = w->st[--w->top];
        rc = w->visit(w->ctx, &e);
        uint32_t lo = w->top;
        for (uint32_t c = f->nodes[e.node].first_child; rc == 0 && c != NONE;
             c = f->nodes[c].next) {
            rc = push(w, (struct ent){c, e.depth + 1, 0.0});
        }
        if (rc) {
            break;
        }
        sort_desc(f, w->st + lo, w->top - lo);
        /* lay out in name order (from the top down), then drop the narrow ones */
        double x = e.x;
        for (uint32_t k = w->top; k-- > lo;) {
            w->st[k].x = x;
            x += (double)f->nodes[w->st[k].node].value;
        }
        uint32_t keep = lo;
        for (uint32_t k = lo; k < w->top; k++) {
            if ((double)f->nodes[w->st[k].node].value >= w->min_value) {
                w->st[keep++] = w->st[k];
            }
        }
        w->top = keep;
    }
    free(w->st);
    w->st = NULL;
    w->top = w->cap = 0;
    return rc;
}

static void fail(struct gm_out *o, int rc)
{
    if (rc && !o->err) {
        o->err = rc == GM_ENOMEM ? ENOMEM : EIO;
    }
}

/* --- folded ----------------------------------------------------------------------------- */

struct folded {
    struct gm_out *o;
    const struct gm_flame *f;
    uint32_t *path; /* path[d] = node at depth d on the way to the current node */
    uint32_t cap;
};

static void folded_name(struct gm_out *o, struct gm_str s)
{
    size_t run = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        if (c == ';' || c == '\n' || c == '\r') {
            gm_out_write(o, s.p + run, i - run);
            gm_out_write(o, c == ';' ? ":" : " ", 1);
            run = i + 1;
        }
    }
    gm_out_write(o, s.p + run, s.len - run);
}

static int folded_visit(void *ctx, const struct ent *e)
{
    struct folded *fo = ctx;
    if (e->depth >= fo->cap) {
        uint32_t cap = fo->cap ? fo->cap * 2 : 64;
        uint32_t *path = gm_xrealloc(fo->path, (size_t)cap * sizeof(*path));
        if (!path) {
            return GM_ENOMEM;
        }
        fo->path = path;
        fo->cap = cap;
    }
    fo->path[e->depth] = e->node;
    const struct gm_flame_node *n = &fo->f->nodes[e->node];
    int64_t base_self = fo->f->base ? fo->f->base[e->node].self : 0;
    if (e->depth == 0 || (n->self == 0 && base_self == 0)) {
        return 0;
    }
    for (uint32_t d = 1; d <= e->depth; d++) {
        if (d > 1) {
            gm_out_write(fo->o, ";", 1);
        }
        folded_name(fo->o, gm_strtab_get(fo->f->names, fo->f->nodes[fo->path[d]].name_id));
    }
    if (fo->f->has_base) {
        gm_out_printf(fo->o, " %lld %lld\n", (long long)base_self, (long long)n->self);
    } else {
        gm_out_printf(fo->o, " %lld\n", (long long)n->self);
    }
    return 0;
}

static void render_folded(struct gm_out *o, const struct gm_flame *f)
{
    struct folded fo = {o, f, NULL, 0};
    struct walk w = {f, NULL, 0, 0, -1.0, folded_visit, &fo};
    fail(o, walk_tree(&w));
    free(fo.path);
}

/* --- XML text --------------------------------------------------------------------------- */

/* Number of characters gm_out_xml() would write for (p, len). */
static size_t xml_chars(const char *p, size_t len)
{
    size_t nr = 0;
    for (size_t i = 0; i < len; nr++) {
        size_t l = gm_utf8_len((const unsigned char *)p + i, len - i);
        i += l ? l : 1;
    }
    return nr;
}

static void xml_str(struct gm_out *o, struct gm_str s)
{
    gm_out_xml(o, s.p, s.len, SIZE_MAX);
}

/* Formats v with thousands separators: 1234567 -> "1,234,567". */
static const char *thousands(char *buf, size_t cap, int64_t v)
{
    char digits[24];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int nd = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)u);
    size_t k = 0;
    if (v < 0 && k + 1 < cap) {
        buf[k++] = '-';
    }
    for (int i = 0; i < nd && k + 2 < cap; i++) {
        if (i > 0 && (nd - i) % 3 == 0) {
            buf[k++] = ',';
        }
        buf[k++] = digits[i];
    }
    buf[k] = '\0';
    return buf;
}

/* --- colours ---------------------------------------------------------------------------- */

/* The package path of a Go function name: "github.com/a/b.(*T).M" -> "github.com/a/b",
 * "main.f" -> "main"; a '/' inside type arguments or a receiver does not count. */
static struct gm_str package_of(struct gm_str name)
{
    size_t lim = name.len, slash = 0;
    for (size_t i = 0; i < name.len; i++) {
        if (name.p[i] == '[' || name.p[i] == '(') {
            lim = i;
            break;
        }
        if (name.p[i] == '/') {
            slash = i + 1;
        }
    }
    const char *dot = memchr(name.p + slash, '.', lim - slash);
    return (struct gm_str){name.p, dot ? (size_t)(dot - name.p) : name.len};
}

enum pkg_kind { PKG_USER, PKG_STD, PKG_RUNTIME };

static enum pkg_kind package_kind(struct gm_str pkg)
{
    if (gm_str_eq(pkg, "runtime") || gm_str_has_prefix(pkg, "runtime/") ||
        gm_str_has_prefix(pkg, "internal/") || gm_str_eq(pkg, "syscall")) {
        return PKG_RUNTIME;
    }
    if (gm_str_eq(pkg, "main")) {
        return PKG_USER;
    }
    /* the standard library has no dot in its first path element */
    const char *slash = memchr(pkg.p, '/', pkg.len);
    size_t first = slash ? (size_t)(slash - pkg.p) : pkg.len;
    return memchr(pkg.p, '.', first) ? PKG_USER : PKG_STD;
}

static double hue2rgb(double p, double q, double t)
{
    t = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    if (t < 1.0 / 6) {
        return p + (q - p) * 6 * t;
    }
    if (t < 0.5) {
        return q;
    }
    if (t < 2.0 / 3) {
        return p + (q - p) * (2.0 / 3 - t) * 6;
    }
    return p;
}

static void hsl(double h, double s, double l, int rgb[3])
{
    double q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
    double c[3] = {hue2rgb(p, q, h + 1.0 / 3), hue2rgb(p, q, h), hue2rgb(p, q, h - 1.0 / 3)};
    for (int i = 0; i < 3; i++) {
        rgb[i] = (int)(c[i] * 255 + 0.5);
    }
}

/* Warm palette: the hue comes from the package (frames of one package share a colour), the
 * lightness varies a little by function so that neighbours stay apart; the runtime and the
 * standard library are desaturated so user code stands out. */
static void frame_color(struct gm_str name, int rgb[3])
{
    struct gm_str pkg = package_of(name);
    uint64_t hp = gm_hash(pkg.p, pkg.len), hf = gm_hash(name.p, name.len);
    double v1 = (double)(hp & 0xffff) / 65535.0, v2 = (double)(hf & 0xffff) / 65535.0;
    double h = v1 * 48.0 / 360.0, l = 0.56 + 0.10 * v2;
    switch (package_kind(pkg)) {
    case PKG_USER:
        hsl(h, 0.85, l, rgb);
        break;
    case PKG_STD:
        hsl(h, 0.45, l + 0.04, rgb);
        break;
    default:
        hsl(h, 0.22, l + 0.06, rgb);
        break;
    }
}

/* Differential: red = grew, blue = shrank, light grey = unchanged; the intensity is the change
 * relative to the larger of the two values (a new frame is full red). */
static void diff_color(int64_t base, int64_t value, int rgb[3])
{
    double b = (double)base, v = (double)value;
    double rel = v == b ? 0 : (v - b) / (v > b ? v : b);
    int c = (int)(225 - 175 * (rel < 0 ? -rel : rel) + 0.5);
    rgb[0] = rel < 0 ? c : rel > 0 ? 255 : 222;
    rgb[1] = rel == 0 ? 222 : c;
    rgb[2] = rel > 0 ? c : rel < 0 ? 255 : 222;
}

/* --- SVG and HTML ----------------------------------------------------------------------- */

/* Kept to plain ES5 and free of "]]>" and "</" so it can sit in a CDATA section or an HTML
 * <script>. Frames are in depth-first order, which gives descendants and ancestors without
 * any tree in the page. */
/* flame.js and flame.css, embedded at build time (Makefile: $(BUILD)/gen/flame_assets.c) */
extern const char gm_flame_js[];
extern const char gm_flame_css[];

struct svg {
    struct gm_out *o;
    const struct gm_flame *f;
    double width, scale; /* pixels, and pixels per value unit */
    double top;          /* y of the first level */
    uint32_t max_depth;  /* deepest frame drawn */
    uint32_t frames;     /* frames drawn */
};

static int svg_measure(void *ctx, const struct ent *e)
{
    struct svg *s = ctx;
    s->frames++;
    s->max_depth = GM_MAX(s->max_depth, e->depth);
    return 0;
}

static int svg_frame(void *ctx, const struct ent *e)
{
    struct svg *s = ctx;
    struct gm_out *o = s->o;
    const struct gm_flame *f = s->f;
    const struct gm_flame_node *n = &f->nodes[e->node];
    struct gm_str name = e->node ? gm_strtab_get(f->names, n->name_id) : GM_STR_LIT("all");
    double x = e->node ? e->x * s->scale : 0, w = e->node ? (double)n->value * s->scale : s->width;
    uint32_t level = f->icicle ? e->depth : s->max_depth - e->depth;
    double y = s->top + (double)level * FRAME_H;
    double total = (double)f->nodes[0].value;
    int64_t base = f->base ? f->base[e->node].value : 0;
    double pct = total > 0 ? 100.0 * (double)n->value / total : 0;
    char num[32];
    int rgb[3];

    gm_out_puts(o, "<g class=\"f\" data-name=\"");
    xml_str(o, name);
    gm_out_printf(o, "\" data-value=\"%lld\" data-depth=\"%u\"", (long long)n->value, e->depth);
    if (f->has_base) {
        gm_out_printf(o, " data-base=\"%lld\"", (long long)base);
    }
    gm_out_puts(o, "><title>");
    xml_str(o, name);
    gm_out_printf(o, " (%s ", thousands(num, sizeof(num), n->value));
    gm_out_xml(o, f->unit, strlen(f->unit), SIZE_MAX);
    gm_out_printf(o, ", %.2f%%", pct);
    if (f->has_base) {
        int64_t d = n->value - base; /* both are in [0, INT64_MAX] */
        gm_out_printf(o, "; base %s", thousands(num, sizeof(num), base));
        gm_out_printf(o, ", %s%s", d > 0 ? "+" : "", thousands(num, sizeof(num), d));
        if (base > 0) {
            gm_out_printf(o, " = %+.2f%%", 100.0 * (double)d / (double)base);
        } else if (n->value > 0) {
            gm_out_puts(o, ", new");
        }
    }
    gm_out_puts(o, ")</title>");
    if (f->has_base) {
        diff_color(base, n->value, rgb);
    } else if (e->node == 0) {
        rgb[0] = rgb[1] = rgb[2] = 200;
    } else {
        frame_color(name, rgb);
    }
    gm_out_printf(o,
                  "<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" rx=\"2\" "
                  "fill=\"rgb(%d,%d,%d)\"/><text x=\"%.2f\" y=\"%.1f\">",
                  x, y, w, FRAME_H - 1, rgb[0], rgb[1], rgb[2], x + TEXT_PAD, y + FRAME_H - 4.5);
    /* the script's fit() uses the same rule */
    double fit = (w - 2 * TEXT_PAD) / CHAR_PX;
    if (fit >= 3) {
        size_t max = (size_t)fit;
        if (xml_chars(name.p, name.len) <= max) {
            xml_str(o, name);
        } else {
            gm_out_xml(o, name.p, name.len, max - 2);
            gm_out_puts(o, "..");
        }
    }
    gm_out_puts(o, "</text></g>\n");
    return 0;
}

static void render_svg(struct gm_out *o, const struct gm_flame *f, int html, int width,
                       double min_px)
{
    struct svg s = {o, f, width > 0 ? width : DEF_WIDTH, 0, 0, 0, 0};
    double total = (double)f->nodes[0].value;
    s.scale = total > 0 ? s.width / total : 0;
    /* values are integers: requiring at least 1 also drops zero-width frames */
    double min_value = total > 0 && min_px > 0 ? min_px / s.scale : 0;
    struct walk w = {f, NULL, 0, 0, GM_MAX(min_value, 1.0), svg_measure, &s};
    int rc = walk_tree(&w);
    if (rc) {
        fail(o, rc);
        return;
    }
    double head = html ? 4 : f->has_base ? 50 : 36, foot = html ? 4 : 30;
    s.top = head;
    double height = head + (double)(s.max_depth + 1) * FRAME_H + foot;

    gm_out_printf(o,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" id=\"gmflame\" "
                  "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" data-frames=\"%u\">\n",
                  s.width, height, s.width, height, s.frames);
    gm_out_printf(o, "<style>\n%s</style>\n", gm_flame_css);
    gm_out_printf(o, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#fbfbf8\"/>\n",
                  s.width, height);
    if (!html) {
        gm_out_printf(o, "<text id=\"title\" x=\"%.1f\" y=\"22\">", s.width / 2);
        gm_out_xml(o, f->title, strlen(f->title), SIZE_MAX);
        gm_out_puts(o, "</text>\n");
        if (f->has_base) {
            gm_out_printf(o,
                          "<text id=\"subtitle\" x=\"%.1f\" y=\"40\">differential: red grew, "
                          "blue shrank, against the base</text>\n",
                          s.width / 2);
        }
        gm_out_printf(o, "<text id=\"unzoom\" class=\"ctl\" x=\"%d\" y=\"22\">Reset zoom</text>\n",
                      SIDE_PX);
        gm_out_printf(o,
                      "<text id=\"searchctl\" class=\"ctl\" x=\"%.0f\" y=\"22\" "
                      "text-anchor=\"end\">Search</text>\n",
                      s.width - SIDE_PX);
        gm_out_printf(o, "<text id=\"details\" x=\"%d\" y=\"%.0f\"> </text>\n", SIDE_PX,
                      height - 10);
        gm_out_printf(o,
                      "<text id=\"matched\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\"> </text>\n",
                      s.width - SIDE_PX, height - 10);
    }
    gm_out_puts(o, "<g id=\"frames\">\n");
    w.visit = svg_frame;
    rc = walk_tree(&w);
    gm_out_puts(o, "</g>\n");
    if (!html) {
        gm_out_printf(o, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n",
                      gm_flame_js);
    }
    gm_out_puts(o, "</svg>\n");
    fail(o, rc);
}

static void render_html(struct gm_out *o, const struct gm_flame *f, int width, double min_px)
{
    gm_out_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "script-src 'unsafe-inline'; style-src 'unsafe-inline'\">\n<title>");
    gm_out_xml(o, f->title, strlen(f->title), SIZE_MAX);
    gm_out_puts(o, "</title>\n<style>\n"
                   "body{font-family:Verdana,\"DejaVu Sans\",sans-serif;font-size:13px;margin:16px;"
                   "color:#222;background:#fff}\n"
                   "h1{font-size:18px;font-weight:normal;margin:0 0 4px}\n"
                   ".sub{color:#555;margin:0 0 8px}\n"
                   ".bar{margin:0 0 8px}\n"
                   "#search{width:22em}\n"
                   "#matched{margin-left:1em;color:#8a1a8a}\n"
                   "#details{margin-top:6px;min-height:1.4em;white-space:pre;overflow:hidden}\n"
                   "</style>\n</head>\n<body>\n<h1>");
    gm_out_xml(o, f->title, strlen(f->title), SIZE_MAX);
    gm_out_puts(o, "</h1>\n");
    if (f->has_base) {
        gm_out_puts(o, "<p class=\"sub\">differential: red grew, blue shrank, against the "
                       "base</p>\n");
    }
    gm_out_puts(o, "<div class=\"bar\"><button id=\"reset\" type=\"button\">Reset zoom</button> "
                   "<input id=\"search\" type=\"search\" placeholder=\"Search (regular "
                   "expression)\" autocomplete=\"off\" spellcheck=\"false\">"
                   "<span id=\"matched\"></span></div>\n");
    render_svg(o, f, 1, width, min_px);
    gm_out_printf(o, "<div id=\"details\"> </div>\n<script>\n%s</script>\n</body>\n</html>\n",
                  gm_flame_js);
}

void gm_flame_render(struct gm_out *o, const struct gm_flame *f, enum gm_flame_format fmt,
                     int width, double min_px)
{
    switch (fmt) {
    case GM_FLAME_FOLDED:
        render_folded(o, f);
        break;
    case GM_FLAME_SVG:
        gm_out_puts(o, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
        render_svg(o, f, 0, width, min_px);
        break;
    case GM_FLAME_HTML:
        render_html(o, f, width, min_px);
        break;
    default:
        fail(o, GM_EINVAL);
        break;
    }
}
