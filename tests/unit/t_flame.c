/* Unit tests of gm/flame.h: merging, values, folded and differential output, SVG/HTML escaping
 * and structure, min_px dropping, caps, and a 10^5-stack build. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm/flame.h"

static struct gm_strtab names;
static struct gm_flame fl;

static void setup(void)
{
    cr_assert_eq(gm_strtab_init(&names, UINT64_C(1) << 30), 0);
    cr_assert_eq(gm_flame_init(&fl, &names, "test graph", "samples"), 0);
}

static void teardown(void)
{
    gm_flame_release(&fl);
    gm_strtab_release(&names);
}

/* Adds a stack given as "a;b;c" (root first; "" is the empty stack). */
static int add(const char *folded, int64_t value, int is_base)
{
    uint32_t ids[64], nr = 0;
    const char *p = folded;
    while (*p) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        cr_assert_lt(nr, 64);
        cr_assert_eq(gm_strtab_intern(&names, p, len, &ids[nr]), 0);
        nr++;
        p += len + (e ? 1 : 0);
    }
    return gm_flame_add(&fl, ids, nr, value, is_base);
}

/* The node reached by following "a;b;c" from the root, or UINT32_MAX. */
static uint32_t node_at(const char *path)
{
    uint32_t cur = 0;
    const char *p = path;
    while (*p) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        uint32_t c = fl.nodes[cur].first_child;
        while (c != UINT32_MAX) {
            struct gm_str s = gm_strtab_get(&names, fl.nodes[c].name_id);
            if (s.len == len && memcmp(s.p, p, len) == 0) {
                break;
            }
            c = fl.nodes[c].next;
        }
        if (c == UINT32_MAX) {
            return UINT32_MAX;
        }
        cur = c;
        p += len + (e ? 1 : 0);
    }
    return cur;
}

static char *render(enum gm_flame_format fmt, int width, double min_px)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    struct gm_out o;
    gm_out_init(&o, f, 0);
    gm_flame_render(&o, &fl, fmt, width, min_px);
    cr_assert_eq(gm_out_error(&o), 0);
    fclose(f);
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) {
        n++;
    }
    return n;
}

static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        size_t len = *s < 0x80 ? 1 : (*s & 0xe0) == 0xc0 ? 2 : (*s & 0xf0) == 0xe0 ? 3 : 4;
        if (*s >= 0x80 && (*s < 0xc2 || *s > 0xf4)) {
            return 0;
        }
        for (size_t i = 1; i < len; i++) {
            if ((s[i] & 0xc0) != 0x80) {
                return 0;
            }
        }
        s += len;
    }
    return 1;
}

TestSuite(flame, .init = setup, .fini = teardown);

Test(flame, merges_prefixes)
{
    cr_assert_eq(add("a;b;c", 3, 0), 0);
    cr_assert_eq(add("a;b;d", 2, 0), 0);
    cr_assert_eq(add("a;e", 1, 0), 0);
    cr_assert_eq(add("a;b", 4, 0), 0);
    cr_assert_eq(add("a;b;c", 5, 0), 0);
    cr_assert_eq(fl.nr, 6); /* root a b c d e */
    cr_assert_eq(fl.nodes[0].value, 15);
    cr_assert_eq(fl.nodes[node_at("a")].value, 15);
    cr_assert_eq(fl.nodes[node_at("a")].self, 0);
    cr_assert_eq(fl.nodes[node_at("a;b")].value, 14);
    cr_assert_eq(fl.nodes[node_at("a;b")].self, 4);
    cr_assert_eq(fl.nodes[node_at("a;b;c")].value, 8);
    cr_assert_eq(fl.nodes[node_at("a;b;c")].self, 8);
    cr_assert_eq(fl.nodes[node_at("a;e")].self, 1);
    cr_assert_eq(fl.has_base, 0);
    /* the same name under another parent is another node */
    cr_assert_eq(add("b;a", 1, 0), 0);
    cr_assert_eq(fl.nr, 8);
}

Test(flame, empty_stack_and_bad_args)
{
    cr_assert_eq(add("", 7, 0), 0);
    cr_assert_eq(fl.nodes[0].self, 7);
    cr_assert_eq(fl.nodes[0].value, 7);
    cr_assert_eq(gm_flame_add(&fl, NULL, 2, 1, 0), GM_EINVAL);
    cr_assert_eq(add("a", -1, 0), GM_EINVAL);
    cr_assert_eq(fl.nodes[0].value, 7);
}

Test(flame, values_saturate)
{
    cr_assert_eq(add("a;b", INT64_MAX - 1, 0), 0);
    cr_assert_eq(add("a;b", 5, 0), 0);
    cr_assert_eq(add("a;c", INT64_MAX, 0), 0);
    cr_assert_eq(fl.nodes[node_at("a;b")].self, INT64_MAX);
    cr_assert_eq(fl.nodes[node_at("a;b")].value, INT64_MAX);
    cr_assert_eq(fl.nodes[0].value, INT64_MAX);
    char *svg = render(GM_FLAME_SVG, 1000, 0.1);
    cr_assert(strstr(svg, "9,223,372,036,854,775,807 samples"));
    free(svg);
}

Test(flame, node_cap)
{
    fl.max_nodes = 3;
    cr_assert_eq(add("a;b", 2, 0), 0);
    cr_assert_eq(add("a;c", 1, 0), GM_ETOOBIG);
    cr_assert_eq(add("a;b", 1, 0), 0);
    cr_assert_eq(fl.nr, 3);
    cr_assert_eq(fl.nodes[0].value, 3);
    cr_assert_eq(fl.nodes[node_at("a")].value, 3);
}

Test(flame, folded_exact)
{
    add("a;b;c", 3, 0);
    add("a;b;d", 2, 0);
    add("a;e", 1, 0);
    add("a;b", 4, 0);
    add("x;y;z", 0, 0); /* zero: no line */
    add("a;se;mi", 9, 0);
    add("0;b", 6, 0);
    char *s = render(GM_FLAME_FOLDED, 0, 0);
    cr_assert_str_eq(s, "0;b 6\n"
                        "a;b 4\n"
                        "a;b;c 3\n"
                        "a;b;d 2\n"
                        "a;e 1\n"
                        "a;se;mi 9\n");
    free(s);
}

Test(flame, folded_escapes_separators)
{
    uint32_t ids[2];
    cr_assert_eq(gm_strtab_intern(&names, "main.f;g", 8, &ids[0]), 0);
    cr_assert_eq(gm_strtab_intern(&names, "two\nlines\r", 10, &ids[1]), 0);
    cr_assert_eq(gm_flame_add(&fl, ids, 2, 5, 0), 0);
    char *s = render(GM_FLAME_FOLDED, 0, 0);
    cr_assert_str_eq(s, "main.f:g;two lines  5\n");
    free(s);
}

Test(flame, folded_differential)
{
    add("a;b;c", 1, 1);
    add("a;f", 2, 1);
    add("a;b;c", 3, 0);
    add("a;b;d", 2, 0);
    cr_assert_eq(fl.has_base, 1);
    cr_assert_eq(fl.base[0].value, 3);
    cr_assert_eq(fl.nodes[0].value, 5);
    char *s = render(GM_FLAME_FOLDED, 0, 0);
    cr_assert_str_eq(s, "a;b;c 1 3\n"
                        "a;b;d 0 2\n"
                        "a;f 2 0\n");
    free(s);
}

Test(flame, base_totals_follow_nodes_created_before_and_after)
{
    /* nodes made before the first base stack get zero base totals, and the base array grows
       with the nodes added after it (past the initial 256) */
    add("a;b", 1, 0);
    cr_assert_null(fl.base, "no base array until a base stack is added");
    add("a;b", 2, 1);
    cr_assert_not_null(fl.base);
    char name[32];
    for (int i = 0; i < 600; i++) {
        snprintf(name, sizeof(name), "a;n%d", i);
        add(name, 1, i % 2);
    }
    cr_assert_gt(fl.nr, 600u);
    cr_assert_eq(fl.base[0].value, 2 + 300);
    cr_assert_eq(fl.nodes[0].value, 1 + 300);
    cr_assert_eq(fl.base[node_at("a;n1")].value, 1);
    cr_assert_eq(fl.base[node_at("a;n2")].value, 0);
    cr_assert_eq(fl.nodes[node_at("a;n2")].value, 1);
    cr_assert_eq(fl.base[node_at("a;b")].self, 2);
}

Test(flame, sealed_graph_renders_and_refuses_more_stacks)
{
    add("a;b", 3, 0);
    gm_flame_seal(&fl);
    uint32_t ids[1] = {0};
    cr_assert_eq(gm_flame_add(&fl, ids, 1, 1, 0), GM_EINVAL);
    char *s = render(GM_FLAME_FOLDED, 0, 0);
    cr_assert_str_eq(s, "a;b 3\n");
    free(s);
}

Test(flame, svg_differential)
{
    add("main.a;main.grew", 1, 1);
    add("main.a;main.shrank", 9, 1);
    add("main.a;main.grew", 9, 0);
    add("main.a;main.shrank", 1, 0);
    add("main.a;main.gone", 5, 1);
    char *s = render(GM_FLAME_SVG, 1000, 0.1);
    cr_assert(strstr(s, "differential"));
    cr_assert(strstr(s, "data-name=\"main.grew\" data-value=\"9\" data-depth=\"2\" "
                        "data-base=\"1\"><title>main.grew (9 samples, 90.00%; base 1, +8 = "
                        "+800.00%)</title>"));
    cr_assert(strstr(s, "main.shrank (1 samples, 10.00%; base 9, -8 = -88.89%)"));
    /* grew is red, shrank is blue */
    const char *g = strstr(s, "data-name=\"main.grew\"");
    cr_assert(strstr(g, "fill=\"rgb(255,"));
    const char *sh = strstr(s, "data-name=\"main.shrank\"");
    cr_assert(strstr(sh, ",255)\""));
    /* a frame only in the base has no width: not drawn */
    cr_assert_null(strstr(s, "data-name=\"main.gone\""));
    free(s);
}

Test(flame, xml_escaping)
{
    const char *weird = "main.(*T).<lambda>&\"x\"";
    const char bad[] = "main.bad\xff\xc3 \x01'\xef\xbf\xbe\xed\xa0\x80";
    uint32_t ids[2];
    cr_assert_eq(gm_strtab_intern(&names, weird, strlen(weird), &ids[0]), 0);
    cr_assert_eq(gm_strtab_intern(&names, bad, sizeof(bad) - 1, &ids[1]), 0);
    cr_assert_eq(gm_flame_add(&fl, ids, 2, 10, 0), 0);
    snprintf(fl.title, sizeof(fl.title), "a <b> & c");
    for (int fmt = GM_FLAME_SVG; fmt <= GM_FLAME_HTML; fmt++) {
        char *s = render((enum gm_flame_format)fmt, 1200, 0.1);
        cr_assert(strstr(s, "data-name=\"main.(*T).&lt;lambda&gt;&amp;&quot;x&quot;\""));
        cr_assert(strstr(s, "<title>main.(*T).&lt;lambda&gt;&amp;&quot;x&quot; (10 samples"));
        cr_assert(strstr(s, ">main.(*T).&lt;lambda&gt;&amp;&quot;x&quot;</text>"));
        cr_assert_null(strstr(s, "<lambda>"));
        cr_assert(strstr(s, "a &lt;b&gt; &amp; c"));
        /* invalid bytes, controls, U+FFFE and a surrogate each become one U+FFFD */
        cr_assert(strstr(s, "data-name=\"main.bad\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd&#39;"
                            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""));
        cr_assert(valid_utf8((const unsigned char *)s));
        free(s);
    }
}

Test(flame, label_truncation)
{
    add("github.com/acme/service/internal/handlers.(*Server).ServeVeryLongMethodName", 1, 0);
    add("short", 1, 0);
    add("tiny", 1, 0);
    /* 100px: (100 - 6) / 7 = 13 characters fit */
    char *s = render(GM_FLAME_SVG, 300, 0.1);
    cr_assert(strstr(s, ">github.com/..</text>"));
    cr_assert(strstr(s, ">short</text>"));
    free(s);
    /* 20px: too narrow for a label */
    s = render(GM_FLAME_SVG, 60, 0.1);
    cr_assert(strstr(s, "data-name=\"short\""));
    cr_assert_null(strstr(s, ">short</text>"));
    free(s);
}

Test(flame, min_px_drops_narrow_frames)
{
    add("main.big;main.child", 1000, 0);
    add("main.small;main.under", 1, 0);
    /* 1001 units over 1001 px: small is 1 px wide */
    char *s = render(GM_FLAME_SVG, 1001, 2);
    cr_assert_eq(count(s, "<g class=\"f\""), 3); /* all, big, child */
    cr_assert_null(strstr(s, "main.small"));
    cr_assert_null(strstr(s, "main.under"));
    cr_assert(strstr(s, "data-frames=\"3\""));
    free(s);
    s = render(GM_FLAME_SVG, 1001, 0.5);
    cr_assert_eq(count(s, "<g class=\"f\""), 5);
    /* siblings in name order: small starts where big ends */
    cr_assert(strstr(s, "data-name=\"main.small\" data-value=\"1\" data-depth=\"1\"><title>"
                        "main.small (1 samples, 0.10%)</title><rect x=\"1000.00\""));
    free(s);
}

Test(flame, svg_orientation_and_structure)
{
    add("main.main;main.work", 3, 0);
    add("main.main;runtime.gopark", 1, 0);
    char *s = render(GM_FLAME_SVG, 800, 0.1);
    cr_assert(strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"", 36) == 0);
    cr_assert(strstr(s, "<![CDATA["));
    cr_assert(strstr(s, "id=\"unzoom\""));
    cr_assert(strstr(s, "id=\"searchctl\""));
    cr_assert(strstr(s, "id=\"details\""));
    cr_assert_eq(count(s, "<g class=\"f\""), 4);
    /* flame: root at the bottom (largest y) */
    cr_assert(strstr(s, "data-name=\"all\" data-value=\"4\" data-depth=\"0\"><title>all (4 "
                        "samples, 100.00%)</title><rect x=\"0.00\" y=\"68\" width=\"800.00\""));
    cr_assert(strstr(s, "data-name=\"main.work\" data-value=\"3\" data-depth=\"2\"><title>"
                        "main.work (3 samples, 75.00%)</title><rect x=\"0.00\" y=\"36\" "
                        "width=\"600.00\""));
    /* no external resources */
    cr_assert_null(strstr(s, "href"));
    cr_assert_null(strstr(s, "src="));
    cr_assert_eq(count(s, "http"), 1); /* the xmlns */
    free(s);
    fl.icicle = 1;
    s = render(GM_FLAME_SVG, 800, 0.1);
    cr_assert(strstr(s, "data-name=\"all\" data-value=\"4\" data-depth=\"0\"><title>all (4 "
                        "samples, 100.00%)</title><rect x=\"0.00\" y=\"36\""));
    free(s);
}

Test(flame, html_page)
{
    add("main.main;main.work", 3, 0);
    char *s = render(GM_FLAME_HTML, 800, 0.1);
    cr_assert(strncmp(s, "<!DOCTYPE html>", 15) == 0);
    cr_assert(strstr(s, "<title>test graph</title>"));
    cr_assert(strstr(s, "<input id=\"search\""));
    cr_assert(strstr(s, "<button id=\"reset\""));
    cr_assert(strstr(s, "<div id=\"details\""));
    cr_assert(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    cr_assert_eq(count(s, "id=\"details\""), 1);
    cr_assert_eq(count(s, "id=\"matched\""), 1);
    cr_assert_null(strstr(s, "<![CDATA["));
    cr_assert_null(strstr(s, "src="));
    cr_assert_eq(count(s, "<g class=\"f\""), 3);
    free(s);
}

Test(flame, empty_graph)
{
    char *s = render(GM_FLAME_SVG, 0, 0.1);
    cr_assert_eq(count(s, "<g class=\"f\""), 1);
    cr_assert(strstr(s, "width=\"1200\""));
    free(s);
    s = render(GM_FLAME_FOLDED, 0, 0.1);
    cr_assert_str_eq(s, "");
    free(s);
}

/* 10^5 distinct stacks of depth 20: the first five levels branch on the decimal digits of i,
 * the other fifteen continue each stack alone, so the tree has 1 + 111,110 + 15 * 10^5 nodes.
 * Quadratic child lookups would take many minutes; the timeout catches them (it is generous:
 * 8 s under ASan on an idle 2-vCPU machine, over 20 s when make check -j2 loads it). */
Test(flame, hundred_thousand_stacks, .timeout = 90)
{
    uint32_t name[20][10];
    char buf[64];
    for (int d = 0; d < 20; d++) {
        for (int k = 0; k < 10; k++) {
            int n = snprintf(buf, sizeof(buf), "github.com/acme/p%d.F%d", d, k);
            cr_assert_eq(gm_strtab_intern(&names, buf, (size_t)n, &name[d][k]), 0);
        }
    }
    int64_t total = 0;
    for (uint32_t i = 0; i < 100000; i++) {
        uint32_t st[20];
        for (uint32_t d = 0, div = 10000; d < 20; d++) {
            st[d] = d < 5 ? name[d][i / div % 10] : name[d][(i + d) % 10];
            div = div > 1 ? div / 10 : 1;
        }
        cr_assert_eq(gm_flame_add(&fl, st, 20, 1 + i % 7, 0), 0);
        total += 1 + i % 7;
    }
    cr_assert_eq(fl.nr, 1 + 111110 + 15 * 100000);
    cr_assert_eq(fl.nodes[0].value, total);
    /* adding them again merges completely */
    for (uint32_t i = 0; i < 100000; i += 997) {
        uint32_t st[20];
        for (uint32_t d = 0, div = 10000; d < 20; d++) {
            st[d] = d < 5 ? name[d][i / div % 10] : name[d][(i + d) % 10];
            div = div > 1 ? div / 10 : 1;
        }
        cr_assert_eq(gm_flame_add(&fl, st, 20, 1, 0), 0);
    }
    cr_assert_eq(fl.nr, 1 + 111110 + 15 * 100000);
    char *s = render(GM_FLAME_FOLDED, 0, 0);
    cr_assert_eq(count(s, "\n"), 100000);
    free(s);
    s = render(GM_FLAME_SVG, 1200, 0.1);
    cr_assert_eq(count(s, "<g class=\"f\""), 1 + 10 + 100 + 1000 + 10000);
    free(s);
}
