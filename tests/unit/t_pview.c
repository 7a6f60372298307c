/* Unit tests of gm/pview.h: top (flat/cum) on profiles built in code, filters, base
 * subtraction, value formatting, and top of real fixtures against `go tool pprof -top`. */
#include <criterion/criterion.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm/artifact.h"
#include "gm/pview.h"

/* ------------------------------------------------------------ profiles built in code */

/* One sample: "leaf;caller;...;root", a location may hold inlined lines "inner+outer"
 * (line[0] innermost), "@0x10" is a location without lines. Values: count and nanoseconds. */
struct spec {
    const char *stack;
    int64_t count, ns;
};

#define CAP 256

static uint32_t intern(struct gm_profile *p, const char *s, size_t n)
{
    uint32_t id;
    cr_assert_eq(gm_strtab_intern(&p->strs, s, n, &id), 0);
    return id;
}

static void build(struct gm_profile *p, const struct spec *sp, size_t n)
{
    memset(p, 0, sizeof(*p));
    p->default_type = -1;
    cr_assert_eq(gm_strtab_init(&p->strs, 0), 0);
    p->types = calloc(2, sizeof(*p->types));
    p->samples = calloc(CAP, sizeof(*p->samples));
    p->values = calloc(CAP * 2, sizeof(int64_t));
    p->locs = calloc(CAP, sizeof(uint32_t));
    p->locations = calloc(CAP, sizeof(*p->locations));
    p->lines = calloc(CAP, sizeof(*p->lines));
    p->functions = calloc(CAP, sizeof(*p->functions));
    cr_assert(p->types && p->samples && p->values && p->locs && p->locations && p->lines &&
              p->functions);
    intern(p, "", 0);
    p->types[0].type_id = intern(p, "samples", 7);
    p->types[0].unit_id = intern(p, "count", 5);
    p->types[1].type_id = intern(p, "cpu", 3);
    p->types[1].unit_id = intern(p, "nanoseconds", 11);
    p->types_nr = 2;
    uint32_t nlocs = 0;
    for (size_t i = 0; i < n; i++) {
        struct gm_pprof_sample *s = &p->samples[p->samples_nr];
        s->loc_off = nlocs;
        s->val_off = p->samples_nr * 2;
        p->values[s->val_off] = sp[i].count;
        p->values[s->val_off + 1] = sp[i].ns;
        const char *q = sp[i].stack;
        while (*q) {
            size_t ll = strcspn(q, ";");
            cr_assert_lt(p->locations_nr, CAP);
            struct gm_pprof_location *loc = &p->locations[p->locations_nr];
            loc->id = p->locations_nr + 1;
            loc->line_off = p->lines_nr;
            if (q[0] == '@') {
                loc->address = strtoull(q + 1, NULL, 16);
            } else {
                for (const char *r = q; r < q + ll;) {
                    size_t fl = strcspn(r, "+;");
                    if (r + fl > q + ll) {
                        fl = (size_t)(q + ll - r);
                    }
                    cr_assert_lt(p->functions_nr, CAP);
                    struct gm_pprof_function *fn = &p->functions[p->functions_nr];
                    fn->id = p->functions_nr + 1;
                    fn->name_id = fn->system_name_id = intern(p, r, fl);
                    p->lines[p->lines_nr].func = p->functions_nr++;
                    p->lines[p->lines_nr].line = 1;
                    p->lines_nr++;
                    loc->line_nr++;
                    r += fl;
                    if (*r == '+') {
                        r++;
                    }
                }
            }
            cr_assert_lt(nlocs, CAP);
            p->locs[nlocs++] = p->locations_nr++;
            s->loc_nr++;
            q += ll;
            if (*q == ';') {
                q++;
            }
        }
        p->samples_nr++;
    }
}

static const struct gm_ptop_row *row(const struct gm_ptop *t, const char *name)
{
    for (uint32_t i = 0; i < t->nr; i++) {
        if (strcmp(gm_strtab_cstr(&t->names, t->rows[i].name_id), name) == 0) {
            return &t->rows[i];
        }
    }
    return NULL;
}

static void expect_row(const struct gm_ptop *t, const char *name, int64_t flat, int64_t cum)
{
    const struct gm_ptop_row *r = row(t, name);
    cr_assert_not_null(r, "no row for %s", name);
    cr_assert_eq(r->flat, flat, "%s: flat %lld, expected %lld", name, (long long)r->flat,
                 (long long)flat);
    cr_assert_eq(r->cum, cum, "%s: cum %lld, expected %lld", name, (long long)r->cum,
                 (long long)cum);
}

static const char *name_at(const struct gm_ptop *t, uint32_t i)
{
    cr_assert_lt(i, t->nr);
    return gm_strtab_cstr(&t->names, t->rows[i].name_id);
}

static void top(const struct gm_profile *p, const struct gm_pview_opts *o, struct gm_ptop *t)
{
    cr_assert_eq(gm_ptop_compute(p, o, t), 0);
}

static const struct spec BASIC[] = {
    {"a;b;main", 10, 100},         {"b;main", 5, 50},
    {"c;a;b;a;main", 7, 70}, /* a twice: recursion */
    {"mix+step;hash;main", 4, 40}, {"main", 1, 10},
};

Test(pview, flat_on_leaf_cum_once_per_sample)
{
    struct gm_profile p;
    struct gm_ptop t;
    build(&p, BASIC, sizeof(BASIC) / sizeof(BASIC[0]));
    struct gm_pview_opts o = {.sample_index = 0};
    top(&p, &o, &t);
    cr_assert_eq(t.total, 27);
    cr_assert_eq(t.samples_kept, 5);
    cr_assert_eq(t.samples_dropped, 0);
    expect_row(&t, "a", 10, 17); /* cum counts the recursive sample once */
    expect_row(&t, "b", 5, 22);
    expect_row(&t, "c", 7, 7);
    expect_row(&t, "main", 1, 27);
    expect_row(&t, "mix", 4, 4); /* inlined frames each count: line[0] is the leaf */
    expect_row(&t, "step", 0, 4);
    expect_row(&t, "hash", 0, 4);
    cr_assert_eq(t.nr, 7);
    /* flat sums to the total */
    int64_t flat = 0;
    for (uint32_t i = 0; i < t.nr; i++) {
        flat += t.rows[i].flat;
    }
    cr_assert_eq(flat, t.total);
    gm_ptop_release(&t);
    o.sample_index = 1;
    top(&p, &o, &t);
    cr_assert_eq(t.total, 270);
    expect_row(&t, "a", 100, 170);
    gm_ptop_release(&t);
    o.sample_index = 2;
    cr_assert_eq(gm_ptop_compute(&p, &o, &t), GM_EINVAL);
    gm_profile_release(&p);
}

Test(pview, node_fraction_leaves_out_small_cum_like_pprof)
{
    /* total 27: a fraction of 0.2 cuts at int(5.4) = 5, so |cum| < 5 goes: mix, step, hash
       (cum 4); c (7), a (17), b (22), main (27) stay, with the same numbers */
    struct gm_profile p;
    struct gm_ptop t;
    build(&p, BASIC, sizeof(BASIC) / sizeof(BASIC[0]));
    struct gm_pview_opts o = {.sample_index = 0, .node_fraction = 0.2};
    top(&p, &o, &t);
    cr_assert_eq(t.cutoff, 5);
    cr_assert_eq(t.dropped, 3);
    cr_assert_eq(t.nr, 4);
    cr_assert_null(row(&t, "mix"));
    cr_assert_null(row(&t, "hash"));
    expect_row(&t, "a", 10, 17);
    expect_row(&t, "c", 7, 7);
    cr_assert_eq(t.total, 27, "the total still counts every sample");
    gm_ptop_release(&t);

    /* 0.15 cuts at int(4.05) = 4: cum 4 is not under it, nothing is left out */
    o.node_fraction = 0.15;
    top(&p, &o, &t);
    cr_assert_eq(t.cutoff, 4);
    cr_assert_eq(t.dropped, 0);
    cr_assert_eq(t.nr, 7);
    gm_ptop_release(&t);

    o.node_fraction = 0;
    top(&p, &o, &t);
    cr_assert_eq(t.cutoff, 0);
    cr_assert_eq(t.dropped, 0);
    cr_assert_eq(t.nr, 7);
    gm_ptop_release(&t);
    gm_profile_release(&p);
}

Test(pview, sort_order)
{
    struct gm_profile p;
    struct gm_ptop t;
    build(&p, BASIC, sizeof(BASIC) / sizeof(BASIC[0]));
    struct gm_pview_opts o = {.sample_index = 0};
    top(&p, &o, &t);
    /* |flat| descending, then the name (pprof's FlatNameOrder) */
    static const char *const want[] = {"a", "c", "b", "mix", "main", "hash", "step"};
    for (uint32_t i = 0; i < 7; i++) {
        cr_assert_str_eq(name_at(&t, i), want[i], "row %u", i);
    }
    gm_ptop_release(&t);
    gm_profile_release(&p);
    /* equal flat, larger cum: the name still decides; negative flats sort by magnitude */
    static const struct spec tie[] = {
        {"zz;top", 3, 0}, {"aa;top", 3, 0}, {"w;zz;top", 5, 0}, {"neg;top", -4, 0}};
    build(&p, tie, 4);
    top(&p, &o, &t);
    static const char *const want2[] = {"w", "neg", "aa", "zz", "top"};
    cr_assert_eq(t.nr, 5);
    for (uint32_t i = 0; i < 5; i++) {
        cr_assert_str_eq(name_at(&t, i), want2[i], "row %u", i);
    }
    expect_row(&t, "zz", 3, 8);
    expect_row(&t, "neg", -4, -4);
    expect_row(&t, "top", 0, 7);
    gm_ptop_release(&t);
    gm_profile_release(&p);
}

Test(pview, unsymbolized_and_empty_stacks)
{
    static const struct spec sp[] = {{"@4a10;main", 3, 0}, {"", 11, 0}, {"x;main", 0, 0}};
    struct gm_profile p;
    struct gm_ptop t;
    build(&p, sp, 3);
    struct gm_pview_opts o = {.sample_index = 0};
    top(&p, &o, &t);
    cr_assert_eq(t.total, 14, "a sample without frames still counts in the total");
    expect_row(&t, "0x4a10", 3, 3);
    expect_row(&t, "main", 0, 3);
    cr_assert_null(row(&t, "x"), "zero-valued samples add no rows");
    cr_assert_eq(t.nr, 2);
    gm_ptop_release(&t);
    gm_profile_release(&p);
}

Test(pview, focus_and_ignore)
{
    struct gm_profile p;
    struct gm_ptop t;
    regex_t focus, ignore;
    cr_assert_eq(regcomp(&focus, "^b$", REG_EXTENDED | REG_NOSUB), 0);
    cr_assert_eq(regcomp(&ignore, "^(c|mix)$", REG_EXTENDED | REG_NOSUB), 0);
    build(&p, BASIC, sizeof(BASIC) / sizeof(BASIC[0]));
    struct gm_pview_opts o = {.sample_index = 0, .focus = &focus};
    top(&p, &o, &t);
    cr_assert_eq(t.total, 22);
    cr_assert_eq(t.samples_kept, 3);
    cr_assert_eq(t.samples_dropped, 2);
    cr_assert_null(row(&t, "mix"));
    expect_row(&t, "main", 0, 22);
    gm_ptop_release(&t);
    o.focus = NULL;
    o.ignore = &ignore; /* matches an inlined frame too */
    top(&p, &o, &t);
    cr_assert_eq(t.total, 16);
    cr_assert_null(row(&t, "c"));
    cr_assert_null(row(&t, "step"));
    expect_row(&t, "a", 10, 10);
    gm_ptop_release(&t);
    o.focus = &focus;
    top(&p, &o, &t);
    cr_assert_eq(t.total, 15);
    cr_assert_eq(gm_pview_keep(&p, 0, &o), 1);
    cr_assert_eq(gm_pview_keep(&p, 2, &o), 0);
    cr_assert_eq(gm_pview_keep(&p, 3, &o), 0);
    gm_ptop_release(&t);
    regfree(&focus);
    regfree(&ignore);
    gm_profile_release(&p);
}

Test(pview, base_subtraction)
{
    struct gm_profile p, b;
    struct gm_ptop t;
    build(&p, BASIC, sizeof(BASIC) / sizeof(BASIC[0]));
    build(&b, BASIC, sizeof(BASIC) / sizeof(BASIC[0]));
    struct gm_pview_opts o = {.sample_index = 1, .base = &p, .base_index = 1};
    top(&p, &o, &t);
    cr_assert_eq(t.total, 0, "a profile minus itself");
    cr_assert_eq(t.nr, 0, "every function nets to zero");
    cr_assert_eq(t.base_total, 270);
    gm_ptop_release(&t);
    /* a base with other string ids: functions combine by name */
    static const struct spec less[] = {{"a;b;main", 4, 40}, {"z;main", 2, 20}};
    gm_profile_release(&b);
    build(&b, less, 2);
    o.base = &b;
    o.sample_index = 0;
    o.base_index = 0;
    top(&p, &o, &t);
    /* pprof's total of a difference: per stack what is left, in absolute value: a;b;main 6,
     * b;main 5, c;a;b;a;main 7, mix+step;hash;main 4, main 1, z;main |-2| */
    cr_assert_eq(t.total, 6 + 5 + 7 + 4 + 1 + 2, "total %lld", (long long)t.total);
    cr_assert_eq(t.base_total, 6);
    expect_row(&t, "a", 6, 13);
    expect_row(&t, "z", -2, -2);
    expect_row(&t, "main", 1, 21);
    gm_ptop_release(&t);
    o.base_index = 2;
    cr_assert_eq(gm_ptop_compute(&p, &o, &t), GM_EINVAL);
    gm_profile_release(&b);
    gm_profile_release(&p);
}

Test(pview, totals)
{
    struct gm_profile p;
    build(&p, BASIC, sizeof(BASIC) / sizeof(BASIC[0]));
    cr_assert_eq(gm_profile_total(&p, 0), 27);
    cr_assert_eq(gm_profile_total(&p, 1), 270);
    cr_assert_eq(gm_profile_total(&p, 5), 0);
    gm_profile_release(&p);
    static const struct spec big[] = {{"a", INT64_MAX, INT64_MIN}, {"a", 5, -5}};
    build(&p, big, 2);
    cr_assert_eq(gm_profile_total(&p, 0), INT64_MAX, "saturates");
    cr_assert_eq(gm_profile_total(&p, 1), INT64_MIN, "saturates");
    gm_profile_release(&p);
}

/* ------------------------------------------------------------ formatting */

static const char *fmt(int64_t v, const char *unit)
{
    static char buf[64];
    gm_pview_format(buf, sizeof(buf), v, unit);
    return buf;
}

Test(pview, format)
{
    cr_assert_str_eq(fmt(0, "bytes"), "0");
    cr_assert_str_eq(fmt(512, "bytes"), "512B");
    cr_assert_str_eq(fmt(2 * 1024 * 1024, "bytes"), "2MB");
    cr_assert_str_eq(fmt(1023, "bytes"), "1023B");
    cr_assert_str_eq(fmt(1024, "bytes"), "1kB");
    cr_assert_str_eq(fmt(1147665, "bytes"), "1.09MB");
    cr_assert_str_eq(fmt(-2048, "bytes"), "-2kB");
    cr_assert_str_eq(fmt(0, "nanoseconds"), "0");
    cr_assert_str_eq(fmt(10000000, "nanoseconds"), "10ms");
    cr_assert_str_eq(fmt(1610000000, "nanoseconds"), "1.61s");
    cr_assert_str_eq(fmt(250000, "nanoseconds"), "250us");
    cr_assert_str_eq(fmt(999, "nanoseconds"), "999ns");
    cr_assert_str_eq(fmt(-30000000, "nanoseconds"), "-30ms");
    cr_assert_str_eq(fmt(135000000000, "nanoseconds"), "2.25mins");
    cr_assert_str_eq(fmt(1234, "count"), "1234");
    cr_assert_str_eq(fmt(-7, "count"), "-7");
    cr_assert_str_eq(fmt(1234567, ""), "1234567");
    char small[4];
    gm_pview_format(small, sizeof(small), 123456, "count");
    cr_assert_str_eq(small, "123", "truncated to the buffer");
}

/* BUG: gm_pview_format drops every trailing zero of the fraction ("1.5kB", "3.9s"), while
 * pview.h says it formats "the way pprof does ("1.50MB" ...)": pprof's ScaledLabel prints
 * "%.2f" and trims only a whole ".00" (the references show "0.10s", "21042.90kB",
 * "1.50s"). Reproducer: gm_pview_format(b, 64, 1536, "bytes") gives "1.5kB", not "1.50kB". */
Test(pview, format_keeps_trailing_zero_like_pprof)
{
    cr_assert_str_eq(fmt(1536, "bytes"), "1.50kB");
    cr_assert_str_eq(fmt(1500000000, "nanoseconds"), "1.50s");
}

/* BUG: gm_pview_format negates v with `-v`, which overflows for INT64_MIN (undefined
 * behaviour; UBSan aborts). gm_profile_total and gm_ptop_compute saturate to INT64_MIN, so the
 * value can reach it (a large base subtracted). Reproducer: gm_pview_format(b, 64, INT64_MIN,
 * "bytes") under -fsanitize=undefined. */
Test(pview, format_int64_min)
{
    cr_assert_not_null(strstr(fmt(INT64_MIN, "bytes"), "-8"));
    cr_assert_str_eq(fmt(INT64_MIN, "count"), "-9223372036854775808");
}

/* ------------------------------------------------------------ against go tool pprof -top */

struct ref_row {
    char name[160];
    double flat, cum;
};

static double unit_scale(const char *u)
{
    static const struct {
        const char *u;
        double s;
    } t[] = {{"", 1},     {"B", 1},    {"kB", 1024}, {"MB", 1048576}, {"GB", 1 << 30}, {"ns", 1},
             {"us", 1e3}, {"ms", 1e6}, {"s", 1e9},   {"mins", 60e9},  {"hrs", 3600e9}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        if (strcmp(t[i].u, u) == 0) {
            return t[i].s;
        }
    }
    cr_assert_fail("unknown unit '%s'", u);
    return 0;
}

static double parse_val(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    cr_assert(end > s, "bad value '%s'", s);
    return v * unit_scale(end);
}

/* Rows of a `go tool pprof -top` output, names without " (inline)" markers. */
static uint32_t read_top(const char *path, struct ref_row *rows, uint32_t cap, double *total)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "open %s", path);
    char line[512];
    uint32_t n = 0;
    int in_rows = 0;
    *total = -1;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        const char *of = strstr(line, "% of ");
        if (!in_rows && of && strstr(line, " total")) {
            char v[64];
            cr_assert_eq(sscanf(of + 5, "%63s", v), 1);
            *total = parse_val(v);
        }
        if (strstr(line, "flat%") && strstr(line, "cum%")) {
            in_rows = 1;
            continue;
        }
        if (!in_rows || n == cap) {
            continue;
        }
        char flat[64], fp[32], sum[32], cum[64], cp[32];
        int off = 0;
        if (sscanf(line, "%63s %31s %31s %63s %31s %n", flat, fp, sum, cum, cp, &off) < 5) {
            continue;
        }
        char *name = line + off;
        char *mark = strstr(name, " (inline)");
        if (!mark) {
            mark = strstr(name, " (partial-inline)");
        }
        if (mark) {
            *mark = 0;
        }
        snprintf(rows[n].name, sizeof(rows[n].name), "%s", name);
        rows[n].flat = parse_val(flat);
        rows[n].cum = parse_val(cum);
        n++;
    }
    fclose(f);
    return n;
}

/* pprof prints at most 3 significant-ish digits in its unit: allow that rounding (1%, or one
 * unit of the last digit shown for small values). */
static void near(double ours, double theirs, double unit, const char *what, const char *name)
{
    double tol = fmax(fabs(theirs) * 0.01, unit);
    cr_assert(fabs(ours - theirs) <= tol, "%s of %s: ours %.0f, pprof %.0f", what, name, ours,
              theirs);
}

static void compare_top(const char *file, double unit_tol)
{
    char path[128], ref[160];
    snprintf(path, sizeof(path), "testdata/pprof/%s", file);
    snprintf(ref, sizeof(ref), "%s.top.txt", path);
    static struct ref_row rows[512];
    double total;
    uint32_t n = read_top(ref, rows, 512, &total);
    cr_assert_geq(n, 5, "%s: %u rows", ref, n);
    struct gm_profile p;
    struct gm_diag d;
    cr_assert_eq(gm_load_profile(&p, path, NULL, &d), 0, "%s: %s", path, d.msg);
    struct gm_pview_opts o = {.sample_index = gm_profile_default_index(&p)};
    struct gm_ptop t;
    top(&p, &o, &t);
    near((double)t.total, total, unit_tol, "total", file);
    cr_assert_eq(t.nr, n, "%s: %u functions, pprof lists %u", file, t.nr, n);
    /* the first five: the same functions in the same order */
    for (uint32_t i = 0; i < 5; i++) {
        cr_assert_str_eq(name_at(&t, i), rows[i].name, "%s: row %u", file, i);
    }
    for (uint32_t j = 0; j < n; j++) {
        const struct gm_ptop_row *r = row(&t, rows[j].name);
        cr_assert_not_null(r, "%s: no row for %s", file, rows[j].name);
        near((double)r->flat, rows[j].flat, unit_tol, "flat", rows[j].name);
        near((double)r->cum, rows[j].cum, unit_tol, "cum", rows[j].name);
    }
    gm_ptop_release(&t);
    gm_profile_release(&p);
}

Test(pview_ref, cpu_top)
{
    compare_top("y_cpu.pb.gz", 0.005e9); /* shown as 0.01s steps */
}

Test(pview_ref, heap_top)
{
    compare_top("y_heap.pb.gz", 0.005 * 1024); /* shown as 0.01kB steps */
}

Test(pview_ref, inlined_top)
{
    compare_top("y_inlined.pb.gz", 0.005e9);
}

Test(pview_ref, strict_order_on_cpu)
{
    /* flat ties broken by name as pprof does: mallocgc (flat 0.10s, cum 0.27s) before
     * formatBits (0.10s, 0.28s), as in y_cpu.pb.gz.top.txt */
    struct gm_profile p;
    struct gm_diag d;
    cr_assert_eq(gm_load_profile(&p, "testdata/pprof/y_cpu.pb.gz", NULL, &d), 0);
    struct gm_pview_opts o = {.sample_index = 1};
    struct gm_ptop t;
    top(&p, &o, &t);
    cr_assert_str_eq(name_at(&t, 0), "main.spinPrimes");
    cr_assert_str_eq(name_at(&t, 1), "crypto/sha256.block");
    cr_assert_str_eq(name_at(&t, 2), "main.insertionSort");
    cr_assert_str_eq(name_at(&t, 3), "runtime.mallocgc");
    cr_assert_str_eq(name_at(&t, 4), "strconv.formatBits");
    expect_row(&t, "main.spinPrimes", 1670000000, 1690000000);
    gm_ptop_release(&t);
    gm_profile_release(&p);
}

/* drop_frames is a view concern: the model keeps the string, the view compiles it and drops the
 * matching frames with everything they call (testdata/pprof/i_drop_frames.pb drops
 * runtime\..*, as Go's own pprof -proto does for legacy heap profiles). */
Test(pview, drop_frames_applied_by_the_view)
{
    struct gm_profile p;
    struct gm_diag d = {0};
    cr_assert_eq(gm_load_profile(&p, "testdata/pprof/i_drop_frames.pb", NULL, &d), 0);
    cr_assert_neq(p.drop_frames_id, 0u);
    regex_t *drop = NULL;
    cr_assert_eq(gm_pview_drop_compile(&p, &drop), 0);
    cr_assert_not_null(drop);
    struct gm_pview_opts o = {.sample_index = 0};
    struct gm_ptop t;
    top(&p, &o, &t);
    expect_row(&t, "runtime.memmove", 7, 7);
    gm_ptop_release(&t);
    o.drop = drop;
    top(&p, &o, &t);
    cr_assert_null(row(&t, "runtime.memmove"));
    cr_assert_null(row(&t, "runtime.mallocgc"));
    expect_row(&t, "main.work", 7, 12);
    expect_row(&t, "main.leaf", 5, 5);
    expect_row(&t, "main.main", 2, 14);
    gm_ptop_release(&t);
    gm_pview_drop_free(drop);
    gm_profile_release(&p);
}

Test(pview, no_drop_frames_no_regex)
{
    struct gm_profile p;
    struct gm_diag d = {0};
    cr_assert_eq(gm_load_profile(&p, "testdata/pprof/y_cpu.pb.gz", NULL, &d), 0);
    regex_t *drop = (regex_t *)&d; /* must be overwritten */
    cr_assert_eq(gm_pview_drop_compile(&p, &drop), 0);
    cr_assert_null(drop);
    gm_profile_release(&p);
}
