/* Unit tests of gm/pprof.h: the profile.proto decoder (profiles built in memory with a small
 * protobuf encoder), the legacy heap text reader, the real fixtures in testdata/pprof against
 * the `go tool pprof -raw` references, and goroutine profiles converted to dumps (gdump.h). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <libdeflate.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "gm/artifact.h"
#include "gm/gdump.h"
#include "gm/pprof.h"
#include "gm/pview.h"

/* ------------------------------------------------------------ protobuf encoder */

struct pb {
    uint8_t b[4096];
    size_t n;
};

static void pb_raw(struct pb *p, const void *d, size_t n)
{
    cr_assert_leq(p->n + n, sizeof(p->b), "test encoder buffer full");
    memcpy(p->b + p->n, d, n);
    p->n += n;
}

static void pb_varint(struct pb *p, uint64_t v)
{
    do {
        uint8_t c = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v) {
            c |= 0x80;
        }
        pb_raw(p, &c, 1);
    } while (v);
}

static void pb_key(struct pb *p, uint32_t field, uint32_t wt)
{
    pb_varint(p, (uint64_t)field << 3 | wt);
}

static void pb_uint(struct pb *p, uint32_t field, uint64_t v)
{
    pb_key(p, field, 0);
    pb_varint(p, v);
}

static void pb_bytes(struct pb *p, uint32_t field, const void *d, size_t n)
{
    pb_key(p, field, 2);
    pb_varint(p, n);
    pb_raw(p, d, n);
}

static void pb_msg(struct pb *p, uint32_t field, const struct pb *m)
{
    pb_bytes(p, field, m->b, m->n);
}

/* A repeated scalar field, packed (one length-delimited run) or not (one key per value). */
static void pb_rep(struct pb *p, uint32_t field, const uint64_t *v, size_t n, int packed)
{
    if (packed) {
        struct pb t = {.n = 0};
        for (size_t i = 0; i < n; i++) {
            pb_varint(&t, v[i]);
        }
        pb_msg(p, field, &t);
    } else {
        for (size_t i = 0; i < n; i++) {
            pb_uint(p, field, v[i]);
        }
    }
}

/* Unknown fields of wire types 0, 1, 2 and 5 (field numbers no message here uses). */
static void pb_unknown(struct pb *p)
{
    uint8_t f64[8] = {1, 2, 3, 4, 5, 6, 7, 8}, f32[4] = {9, 9, 9, 9};
    pb_uint(p, 100, 12345);
    pb_key(p, 101, 1);
    pb_raw(p, f64, 8);
    pb_bytes(p, 102, "junk", 4);
    pb_key(p, 103, 5);
    pb_raw(p, f32, 4);
}

static void pb_value_type(struct pb *p, uint32_t field, uint64_t type, uint64_t unit)
{
    struct pb m = {.n = 0};
    pb_uint(&m, 1, type);
    pb_uint(&m, 2, unit);
    pb_msg(p, field, &m);
}

/* ------------------------------------------------------------ a small CPU-like profile */

static const char *const STRS[] = {
    "",       "samples", "count",       "cpu",         "nanoseconds", "main.main", "main.f",
    "main.g", "f.go",    "comment one", "comment two", "handler",     "checkout",  "bytes"};
enum {
    S_SAMPLES = 1,
    S_COUNT,
    S_CPU,
    S_NS,
    S_MAIN,
    S_F,
    S_G,
    S_FILE,
    S_C1,
    S_C2,
    S_HANDLER,
    S_CHECKOUT,
    S_BYTES
};

struct bopts {
    int strings_first;  /* string_table before everything (Go writes it last) */
    int value_first;    /* Sample.value before location_id (Go's order) */
    int packed;         /* packed repeated scalars */
    int unknown;        /* unknown fields in every message */
    int default_type;   /* 0, or a string index for default_sample_type */
    int comments;       /* 1: packed comment run, 2: unpacked comments */
    int nested_unknown; /* unknown fields inside Line and Label too */
};

static void put_strings(struct pb *p)
{
    for (size_t i = 0; i < sizeof(STRS) / sizeof(STRS[0]); i++) {
        pb_bytes(p, 6, STRS[i], strlen(STRS[i]));
    }
}

static void put_sample(struct pb *p, const struct bopts *o, const uint64_t *locs, size_t nl,
                       const int64_t *vals, size_t nv, int label)
{
    struct pb s = {.n = 0};
    uint64_t uv[8];
    for (size_t i = 0; i < nv; i++) {
        uv[i] = (uint64_t)vals[i];
    }
    if (o->unknown) {
        pb_unknown(&s);
    }
    if (o->value_first) {
        pb_rep(&s, 2, uv, nv, o->packed);
        pb_rep(&s, 1, locs, nl, o->packed);
    } else {
        pb_rep(&s, 1, locs, nl, o->packed);
        pb_rep(&s, 2, uv, nv, o->packed);
    }
    if (label) {
        struct pb l = {.n = 0};
        pb_uint(&l, 1, S_HANDLER);
        if (o->nested_unknown) {
            pb_unknown(&l);
        }
        pb_uint(&l, 2, S_CHECKOUT);
        pb_msg(&s, 3, &l);
        struct pb l2 = {.n = 0};
        pb_uint(&l2, 1, S_BYTES);
        pb_uint(&l2, 3, (uint64_t)-7);
        pb_uint(&l2, 4, S_BYTES);
        pb_msg(&s, 3, &l2);
    }
    pb_msg(p, 2, &s);
}

static void put_function(struct pb *p, const struct bopts *o, uint64_t id, uint64_t name)
{
    struct pb f = {.n = 0};
    if (o->unknown) {
        pb_unknown(&f);
    }
    pb_uint(&f, 1, id);
    pb_uint(&f, 2, name);
    pb_uint(&f, 3, name);
    pb_uint(&f, 4, S_FILE);
    pb_uint(&f, 5, 3);
    pb_msg(p, 5, &f);
}

static void put_line(struct pb *loc, const struct bopts *o, uint64_t func, int64_t line)
{
    struct pb l = {.n = 0};
    if (o->nested_unknown) {
        pb_unknown(&l);
    }
    pb_uint(&l, 1, func);
    pb_uint(&l, 2, (uint64_t)line);
    pb_msg(loc, 4, &l);
}

/* Functions 101 main.main, 102 main.f, 103 main.g; location 7 = main.f (mapping 1),
 * location 900 = main.g inlined into main.main (mapping_id 0). Samples: [7 900] = (1, 10ms),
 * [900] = (3, 30ms) with labels handler=checkout and bytes=-7. */
static void build(struct pb *p, const struct bopts *o)
{
    memset(p, 0, sizeof(*p));
    if (o->strings_first) {
        put_strings(p);
    }
    if (o->unknown) {
        pb_unknown(p);
    }
    pb_uint(p, 9, 1700000000000000000ull);
    pb_value_type(p, 1, S_SAMPLES, S_COUNT);
    pb_value_type(p, 1, S_CPU, S_NS);
    uint64_t l0[] = {7, 900}, l1[] = {900};
    int64_t v0[] = {1, 10000000}, v1[] = {3, 30000000};
    put_sample(p, o, l0, 2, v0, 2, 0);
    /* functions and locations after the samples that use them */
    put_function(p, o, 103, S_G);
    struct pb loc = {.n = 0};
    if (o->unknown) {
        pb_unknown(&loc);
    }
    pb_uint(&loc, 1, 900);
    pb_uint(&loc, 3, 0x2000);
    put_line(&loc, o, 103, 20); /* line[0]: the inlined callee */
    put_line(&loc, o, 101, 30); /* line[last]: the caller owning the pc */
    pb_msg(p, 4, &loc);
    put_sample(p, o, l1, 1, v1, 2, 1);
    struct pb loc2 = {.n = 0};
    pb_uint(&loc2, 1, 7);
    pb_uint(&loc2, 2, 1);
    pb_uint(&loc2, 3, 0x1000);
    put_line(&loc2, o, 102, 5);
    pb_msg(p, 4, &loc2);
    put_function(p, o, 101, S_MAIN);
    put_function(p, o, 102, S_F);
    struct pb map = {.n = 0};
    pb_uint(&map, 1, 1);
    pb_uint(&map, 2, 0x400000);
    pb_uint(&map, 3, 0x500000);
    pb_uint(&map, 5, S_FILE);
    if (o->unknown) {
        pb_uint(&map, 7, 1); /* has_functions: not decoded, skipped */
    }
    pb_msg(p, 3, &map);
    pb_value_type(p, 11, S_CPU, S_NS);
    pb_uint(p, 12, 10000000);
    pb_uint(p, 10, 2000000000);
    if (o->default_type) {
        pb_uint(p, 14, (uint64_t)o->default_type);
    }
    if (o->comments == 1) {
        uint64_t c[] = {S_C1, S_C2};
        pb_rep(p, 13, c, 2, 1);
    } else if (o->comments == 2) {
        pb_uint(p, 13, S_C1);
        pb_uint(p, 13, S_C2);
    }
    if (!o->strings_first) {
        put_strings(p);
    }
}

static struct gm_diag D;

static void parse_ok(struct gm_profile *prof, const struct pb *p)
{
    memset(&D, 0, sizeof(D));
    int rc = gm_pprof_parse(prof, (const char *)p->b, p->n, NULL, &D);
    cr_assert_eq(rc, 0, "parse rc=%d at byte %llu: %s", rc, (unsigned long long)D.off, D.msg);
}

static int parse_err(const struct pb *p)
{
    struct gm_profile prof;
    memset(&D, 0, sizeof(D));
    int rc = gm_pprof_parse(&prof, (const char *)p->b, p->n, NULL, &D);
    if (rc == 0) {
        gm_profile_release(&prof);
    }
    return rc;
}

struct frames {
    char text[512];
};

static int add_frame(void *ctx, const char *func, const struct gm_pprof_line *line,
                     const struct gm_pprof_location *loc)
{
    struct frames *f = ctx;
    size_t n = strlen(f->text);
    (void)loc;
    snprintf(f->text + n, sizeof(f->text) - n, "%s%s:%lld", n ? ";" : "", func ? func : "-",
             line ? (long long)line->line : -1LL);
    return 0;
}

/* "leaf;...;root" with the line numbers, for sample i. */
static const char *stack_of(const struct gm_profile *p, uint32_t i, struct frames *f)
{
    f->text[0] = 0;
    gm_pview_frames(p, NULL, i, add_frame, f);
    return f->text;
}

static int64_t val(const struct gm_profile *p, uint32_t s, uint32_t t)
{
    return p->values[p->samples[s].val_off + t];
}

/* Everything build() encodes, whatever the field order and packing. */
static void check_basic(const struct gm_profile *p)
{
    struct frames f;
    cr_assert_eq(p->types_nr, 2);
    cr_assert_str_eq(gm_profile_str(p, p->types[0].type_id), "samples");
    cr_assert_str_eq(gm_profile_str(p, p->types[0].unit_id), "count");
    cr_assert_str_eq(gm_profile_str(p, p->types[1].type_id), "cpu");
    cr_assert_str_eq(gm_profile_str(p, p->types[1].unit_id), "nanoseconds");
    cr_assert_eq(p->samples_nr, 2);
    cr_assert_eq(p->locations_nr, 2);
    cr_assert_eq(p->functions_nr, 3);
    cr_assert_eq(p->lines_nr, 3);
    cr_assert_eq(p->mappings_nr, 1);
    cr_assert_eq(p->mappings[0].id, 1);
    cr_assert_eq(p->mappings[0].memory_start, 0x400000);
    cr_assert_str_eq(gm_profile_str(p, p->mappings[0].filename_id), "f.go");
    cr_assert_str_eq(stack_of(p, 0, &f), "main.f:5;main.g:20;main.main:30");
    cr_assert_str_eq(stack_of(p, 1, &f), "main.g:20;main.main:30");
    cr_assert_eq(val(p, 0, 0), 1);
    cr_assert_eq(val(p, 0, 1), 10000000);
    cr_assert_eq(val(p, 1, 0), 3);
    cr_assert_eq(val(p, 1, 1), 30000000);
    cr_assert_eq(p->samples[0].label_nr, 0);
    cr_assert_eq(p->samples[1].label_nr, 2);
    const struct gm_pprof_label *lb = &p->labels[p->samples[1].label_off];
    cr_assert_str_eq(gm_profile_str(p, lb[0].key_id), "handler");
    cr_assert_str_eq(gm_profile_str(p, lb[0].str_id), "checkout");
    cr_assert_str_eq(gm_profile_str(p, lb[1].key_id), "bytes");
    cr_assert_eq(lb[1].str_id, 0);
    cr_assert_eq(lb[1].num, -7);
    cr_assert_str_eq(gm_profile_str(p, lb[1].num_unit_id), "bytes");
    cr_assert_str_eq(gm_profile_str(p, p->period_type.type_id), "cpu");
    cr_assert_eq(p->period, 10000000);
    cr_assert_eq(p->time_nanos, 1700000000000000000ll);
    cr_assert_eq(p->duration_nanos, 2000000000);
    cr_assert_eq(gm_profile_total(p, 0), 4);
    cr_assert_eq(gm_profile_total(p, 1), 40000000);
    cr_assert_eq(gm_profile_total(p, 2), 0, "index out of range gives 0");
    for (uint32_t i = 0; i < p->functions_nr; i++) {
        cr_assert_str_eq(gm_profile_str(p, p->functions[i].filename_id), "f.go");
        cr_assert_eq(p->functions[i].start_line, 3);
    }
}

/* ------------------------------------------------------------ decoding */

Test(pprof, field_order_and_packing)
{
    for (int sf = 0; sf < 2; sf++) {
        for (int vf = 0; vf < 2; vf++) {
            for (int pk = 0; pk < 2; pk++) {
                struct bopts o = {.strings_first = sf, .value_first = vf, .packed = pk};
                struct pb p;
                struct gm_profile prof;
                build(&p, &o);
                parse_ok(&prof, &p);
                check_basic(&prof);
                cr_assert_eq(prof.default_type, -1);
                cr_assert_eq(gm_profile_default_index(&prof), 1, "no default: the last type");
                gm_profile_release(&prof);
            }
        }
    }
}

Test(pprof, unknown_fields_skipped)
{
    struct bopts o = {.unknown = 1, .nested_unknown = 1, .packed = 1, .value_first = 1};
    struct pb p;
    struct gm_profile prof;
    build(&p, &o);
    parse_ok(&prof, &p);
    check_basic(&prof);
    gm_profile_release(&prof);
}

Test(pprof, default_sample_type)
{
    struct bopts o = {.default_type = S_SAMPLES};
    struct pb p;
    struct gm_profile prof;
    build(&p, &o);
    parse_ok(&prof, &p);
    cr_assert_eq(prof.default_type, 0);
    cr_assert_eq(gm_profile_default_index(&prof), 0);
    cr_assert_eq(gm_profile_type_index(&prof, "cpu"), 1);
    cr_assert_eq(gm_profile_type_index(&prof, "samples"), 0);
    cr_assert_eq(gm_profile_type_index(&prof, "inuse_space"), -1);
    gm_profile_release(&prof);
    /* a default naming no sample type is ignored */
    o.default_type = S_MAIN;
    build(&p, &o);
    parse_ok(&prof, &p);
    cr_assert_eq(prof.default_type, -1);
    cr_assert_eq(gm_profile_default_index(&prof), 1);
    gm_profile_release(&prof);
}

Test(pprof, inlined_lines_and_mapping_zero)
{
    struct bopts o = {.packed = 1};
    struct pb p;
    struct gm_profile prof;
    build(&p, &o);
    parse_ok(&prof, &p);
    const struct gm_pprof_location *loc = NULL;
    for (uint32_t i = 0; i < prof.locations_nr; i++) {
        if (prof.locations[i].id == 900) {
            loc = &prof.locations[i];
        }
    }
    cr_assert_not_null(loc);
    cr_assert_eq(loc->mapping_id, 0, "mapping_id 0 = no mapping, accepted");
    cr_assert_eq(loc->address, 0x2000);
    cr_assert_eq(loc->line_nr, 2);
    cr_assert_str_eq(gm_profile_func_name(&prof, &prof.lines[loc->line_off]), "main.g");
    cr_assert_eq(prof.lines[loc->line_off].line, 20);
    cr_assert_str_eq(gm_profile_func_name(&prof, &prof.lines[loc->line_off + 1]), "main.main");
    gm_profile_release(&prof);
}

Test(pprof, function_id_zero_in_line)
{
    struct pb p = {.n = 0}, loc = {.n = 0}, line = {.n = 0}, s = {.n = 0};
    pb_value_type(&p, 1, 1, 2);
    pb_uint(&line, 1, 0);
    pb_uint(&line, 2, 42);
    pb_uint(&loc, 1, 5);
    pb_msg(&loc, 4, &line);
    pb_msg(&p, 4, &loc);
    pb_uint(&s, 1, 5);
    pb_uint(&s, 2, 9);
    pb_msg(&p, 2, &s);
    pb_bytes(&p, 6, "", 0);
    pb_bytes(&p, 6, "samples", 7);
    pb_bytes(&p, 6, "count", 5);
    struct gm_profile prof;
    parse_ok(&prof, &p);
    cr_assert_eq(prof.lines_nr, 1);
    cr_assert_eq(prof.lines[0].func, UINT32_MAX);
    cr_assert_eq(prof.lines[0].line, 42);
    cr_assert_str_eq(gm_profile_func_name(&prof, &prof.lines[0]), "?");
    struct frames f;
    cr_assert_str_eq(stack_of(&prof, 0, &f), "?:42");
    gm_profile_release(&prof);
}

Test(pprof, negative_values_are_ten_byte_varints)
{
    for (int packed = 0; packed < 2; packed++) {
        struct pb p = {.n = 0}, s = {.n = 0}, enc = {.n = 0};
        pb_varint(&enc, (uint64_t)-5);
        cr_assert_eq(enc.n, 10, "a negative int64 takes 10 bytes");
        pb_value_type(&p, 1, 1, 2);
        pb_value_type(&p, 1, 1, 2);
        uint64_t v[] = {(uint64_t)-5, (uint64_t)INT64_MIN};
        pb_rep(&s, 2, v, 2, packed);
        pb_msg(&p, 2, &s);
        pb_uint(&p, 9, (uint64_t)-1);
        pb_bytes(&p, 6, "", 0);
        pb_bytes(&p, 6, "delta", 5);
        pb_bytes(&p, 6, "bytes", 5);
        struct gm_profile prof;
        parse_ok(&prof, &p);
        cr_assert_eq(prof.samples_nr, 1);
        cr_assert_eq(prof.samples[0].loc_nr, 0);
        cr_assert_eq(val(&prof, 0, 0), -5);
        cr_assert_eq(val(&prof, 0, 1), INT64_MIN);
        cr_assert_eq(prof.time_nanos, -1);
        cr_assert_eq(gm_profile_total(&prof, 0), -5);
        gm_profile_release(&prof);
    }
}

Test(pprof, comments_packed_and_unpacked)
{
    for (int c = 1; c <= 2; c++) {
        struct bopts o = {.comments = c};
        struct pb p;
        struct gm_profile prof;
        build(&p, &o);
        parse_ok(&prof, &p);
        cr_assert_eq(prof.comments_nr, 2, "comments mode %d", c);
        cr_assert_str_eq(gm_profile_str(&prof, prof.comments[0]), "comment one");
        cr_assert_str_eq(gm_profile_str(&prof, prof.comments[1]), "comment two");
        gm_profile_release(&prof);
    }
}

/* BUG: comments keep their order only when all packed runs precede the unpacked ones:
 * gm_pprof_parse appends every packed run (sv[13]) first and the unpacked values (sv[15])
 * afterwards, so "13: c1 (unpacked), 13: [c2] (packed)" decodes as [c2, c1]. Protobuf
 * concatenates the elements of a repeated field in the order they appear. */
Test(pprof, comments_mixed_keep_order)
{
    struct pb p = {.n = 0};
    uint64_t c2[] = {2};
    pb_uint(&p, 13, 1);
    pb_rep(&p, 13, c2, 1, 1);
    pb_bytes(&p, 6, "", 0);
    pb_bytes(&p, 6, "first", 5);
    pb_bytes(&p, 6, "second", 6);
    struct gm_profile prof;
    parse_ok(&prof, &p);
    cr_assert_eq(prof.comments_nr, 2);
    cr_assert_str_eq(gm_profile_str(&prof, prof.comments[0]), "first");
    cr_assert_str_eq(gm_profile_str(&prof, prof.comments[1]), "second");
    gm_profile_release(&prof);
}

Test(pprof, empty_input_is_an_empty_profile)
{
    struct pb p = {.n = 0};
    struct gm_profile prof;
    parse_ok(&prof, &p);
    cr_assert_eq(prof.samples_nr, 0);
    cr_assert_eq(prof.types_nr, 0);
    gm_profile_release(&prof);
}

/* ------------------------------------------------------------ errors */

/* The string table "", "samples", "count" appended to p. */
static void put_min_strings(struct pb *p)
{
    pb_bytes(p, 6, "", 0);
    pb_bytes(p, 6, "samples", 7);
    pb_bytes(p, 6, "count", 5);
}

static void expect_err(const struct pb *p, int code, uint64_t off, const char *msg_part)
{
    int rc = parse_err(p);
    cr_assert_eq(rc, code, "rc=%d, expected %d (%s)", rc, code, D.msg);
    cr_assert_eq(D.code, code);
    cr_assert_eq(D.off, off, "offset %llu, expected %llu (%s)", (unsigned long long)D.off,
                 (unsigned long long)off, D.msg);
    cr_assert_not_null(strstr(D.msg, msg_part), "message '%s' lacks '%s'", D.msg, msg_part);
}

Test(pprof_err, varint_over_64_bits)
{
    /* time_nanos as 11 bytes of 0xff: the 10th byte (offset 10) may only be 0 or 1; the
     * offset reported is where reading stopped, just after it */
    struct pb p = {.n = 0};
    pb_key(&p, 9, 0);
    for (int i = 0; i < 11; i++) {
        pb_raw(&p, "\xff", 1);
    }
    put_min_strings(&p);
    expect_err(&p, GM_EFORMAT, 11, "varint longer than 64 bits");
    /* 10 bytes whose last one carries bit 64 */
    struct pb q = {.n = 0};
    pb_key(&q, 9, 0);
    for (int i = 0; i < 9; i++) {
        pb_raw(&q, "\x80", 1);
    }
    pb_raw(&q, "\x02", 1);
    put_min_strings(&q);
    expect_err(&q, GM_EFORMAT, 11, "64 bits");
    /* the longest legal one: 9 x 0xff then 0x01 = UINT64_MAX */
    struct pb r = {.n = 0};
    pb_key(&r, 9, 0);
    for (int i = 0; i < 9; i++) {
        pb_raw(&r, "\xff", 1);
    }
    pb_raw(&r, "\x01", 1);
    put_min_strings(&r);
    struct gm_profile prof;
    parse_ok(&prof, &r);
    cr_assert_eq(prof.time_nanos, -1);
    gm_profile_release(&prof);
}

Test(pprof_err, truncated_varint)
{
    struct pb p = {.n = 0};
    put_min_strings(&p);
    size_t at = p.n;
    pb_key(&p, 9, 0);
    pb_raw(&p, "\x80\x80", 2);
    expect_err(&p, GM_ETRUNC, at + 3, "varint runs past the end");
}

Test(pprof_err, truncated_varint_inside_message)
{
    /* a varint that would continue past its enclosing message (not the input) */
    struct pb p = {.n = 0}, vt = {.n = 0};
    pb_key(&vt, 1, 0);
    pb_raw(&vt, "\x81", 1);
    pb_msg(&p, 1, &vt);
    put_min_strings(&p);
    expect_err(&p, GM_ETRUNC, 4, "varint runs past the end");
}

Test(pprof_err, length_past_end)
{
    struct pb p = {.n = 0};
    put_min_strings(&p);
    size_t at = p.n;
    pb_key(&p, 6, 2);
    pb_varint(&p, 10);
    pb_raw(&p, "ab", 2);
    expect_err(&p, GM_ETRUNC, at + 2, "runs past the end");
}

Test(pprof_err, string_index_out_of_range)
{
    struct pb p = {.n = 0};
    pb_value_type(&p, 1, 200, 2); /* 0a 05 08 c8 01 10 02: the index ends at byte 5 */
    put_min_strings(&p);
    expect_err(&p, GM_EFORMAT, 5, "string index 200 out of range");
    cr_assert_not_null(strstr(D.msg, "3 entries"), "%s", D.msg);
    /* in a function name */
    struct pb q = {.n = 0}, f = {.n = 0};
    pb_value_type(&q, 1, 1, 2);
    pb_uint(&f, 1, 1);
    pb_uint(&f, 2, 3);
    size_t at = q.n + 2 + f.n;
    pb_msg(&q, 5, &f);
    put_min_strings(&q);
    expect_err(&q, GM_EFORMAT, at, "string index 3 out of range");
    /* a label */
    struct pb r = {.n = 0}, s = {.n = 0}, l = {.n = 0};
    pb_value_type(&r, 1, 1, 2);
    pb_uint(&s, 2, 1);
    pb_uint(&l, 1, 77);
    pb_msg(&s, 3, &l);
    pb_msg(&r, 2, &s);
    put_min_strings(&r);
    expect_err(&r, GM_EFORMAT, 6 + 2 + 2 + 2 + 2, "string index 77");
    /* a comment */
    struct pb c = {.n = 0};
    put_min_strings(&c);
    pb_uint(&c, 13, 9);
    cr_assert_eq(parse_err(&c), GM_EFORMAT);
    cr_assert_not_null(strstr(D.msg, "string index 9"), "%s", D.msg);
}

Test(pprof_err, unknown_location_id)
{
    struct pb p = {.n = 0}, s = {.n = 0};
    pb_value_type(&p, 1, 1, 2);
    uint64_t locs[] = {99};
    pb_uint(&s, 2, 1);
    pb_rep(&s, 1, locs, 1, 1);
    size_t at = p.n + 2 + s.n; /* the id is the last byte of the sample */
    pb_msg(&p, 2, &s);
    put_min_strings(&p);
    expect_err(&p, GM_EFORMAT, at, "unknown location id 99");
}

/* 200 locations (ids 1..200, so two-byte varints from 128), no lines; one sample refers to
 * ids (packed or not). */
static void locs_profile(struct pb *p, const uint64_t *ids, size_t n, int packed)
{
    pb_value_type(p, 1, 1, 2);
    struct pb s = {.n = 0};
    pb_uint(&s, 2, 1);
    pb_rep(&s, 1, ids, n, packed);
    pb_msg(p, 2, &s);
    for (uint64_t id = 1; id <= 200; id++) {
        struct pb loc = {.n = 0};
        pb_uint(&loc, 1, id);
        pb_uint(&loc, 3, 0x1000 + id);
        pb_msg(p, 4, &loc);
    }
    put_min_strings(p);
}

Test(pprof, packed_location_ids_one_and_two_bytes)
{
    uint64_t ids[] = {200, 1, 127, 128, 129, 200};
    for (int packed = 0; packed <= 1; packed++) {
        struct pb p = {.n = 0};
        locs_profile(&p, ids, 6, packed);
        struct gm_profile prof;
        parse_ok(&prof, &p);
        cr_assert_eq(prof.samples_nr, 1u);
        cr_assert_eq(prof.samples[0].loc_nr, 6u);
        for (uint32_t k = 0; k < 6; k++) {
            const struct gm_pprof_location *loc = &prof.locations[prof.locs[k]];
            cr_assert_eq(loc->id, ids[k], "packed=%d k=%u", packed, k);
            cr_assert_eq(loc->address, 0x1000 + ids[k]);
        }
        gm_profile_release(&prof);
    }
}

Test(pprof, ids_small_and_large_mixed)
{
    /* Go numbers ids 1..n (direct slots); other producers may use any 64-bit id (a table):
       both kinds in one profile must resolve, packed or not */
    uint64_t big = 1ull << 40, fbig = 1ull << 33;
    for (int packed = 0; packed <= 1; packed++) {
        struct pb p = {.n = 0};
        pb_value_type(&p, 1, 1, 2);
        uint64_t ids[] = {big, 2, 1, big};
        struct pb s = {.n = 0};
        pb_uint(&s, 2, 1);
        pb_rep(&s, 1, ids, 4, packed);
        pb_msg(&p, 2, &s);
        uint64_t loc_ids[] = {1, 2, big}, fn_of[] = {3, fbig, 3};
        for (int k = 0; k < 3; k++) {
            struct pb loc = {.n = 0}, line = {.n = 0};
            pb_uint(&loc, 1, loc_ids[k]);
            pb_uint(&line, 1, fn_of[k]);
            pb_uint(&line, 2, 10 + (uint64_t)k);
            pb_msg(&loc, 4, &line);
            pb_msg(&p, 4, &loc);
        }
        uint64_t fn_ids[] = {3, fbig};
        for (int k = 0; k < 2; k++) {
            struct pb fn = {.n = 0};
            pb_uint(&fn, 1, fn_ids[k]);
            pb_uint(&fn, 2, 1); /* name: "samples" */
            pb_msg(&p, 5, &fn);
        }
        put_min_strings(&p);
        struct gm_profile prof;
        parse_ok(&prof, &p);
        cr_assert_eq(prof.samples[0].loc_nr, 4u);
        for (uint32_t k = 0; k < 4; k++) {
            const struct gm_pprof_location *loc = &prof.locations[prof.locs[k]];
            cr_assert_eq(loc->id, ids[k], "packed=%d k=%u", packed, k);
            const struct gm_pprof_line *ln = &prof.lines[loc->line_off];
            cr_assert_lt(ln->func, prof.functions_nr);
            cr_assert_eq(prof.functions[ln->func].id, loc->id == 2 ? fbig : 3);
        }
        gm_profile_release(&prof);
    }
}

Test(pprof_err, unknown_location_id_inside_a_packed_run)
{
    /* ids 1..200 exist: 201 (two bytes) in the middle of a packed run is reported where it
       ends, and nothing of the sample is kept */
    uint64_t ids[] = {5, 201, 7};
    struct pb p = {.n = 0};
    locs_profile(&p, ids, 3, 1);
    size_t at = 6 /* sample_type */ + 2 /* sample key, length */ + 2 /* value */ +
                2 /* packed key, length */ + 1 /* 5 */ + 2 /* 201 */;
    expect_err(&p, GM_EFORMAT, at, "unknown location id 201");
}

Test(pprof_err, unknown_function_id)
{
    struct pb p = {.n = 0}, loc = {.n = 0}, line = {.n = 0};
    pb_value_type(&p, 1, 1, 2);
    pb_uint(&line, 1, 4242);
    pb_uint(&loc, 1, 1);
    pb_msg(&loc, 4, &line);
    size_t at = p.n + 2 + loc.n;
    pb_msg(&p, 4, &loc);
    put_min_strings(&p);
    expect_err(&p, GM_EFORMAT, at, "unknown function id 4242");
}

Test(pprof_err, duplicate_ids)
{
    struct pb p = {.n = 0}, f = {.n = 0};
    pb_uint(&f, 1, 5);
    pb_msg(&p, 5, &f);
    size_t second = p.n + 2;
    pb_msg(&p, 5, &f);
    put_min_strings(&p);
    expect_err(&p, GM_EFORMAT, second, "duplicate function id 5");
    struct pb q = {.n = 0}, l = {.n = 0};
    pb_uint(&l, 1, 1ull << 40);
    pb_msg(&q, 4, &l);
    second = q.n + 2;
    pb_msg(&q, 4, &l);
    put_min_strings(&q);
    expect_err(&q, GM_EFORMAT, second, "duplicate location id 1099511627776");
}

Test(pprof_err, ids_zero)
{
    struct pb p = {.n = 0}, f = {.n = 0};
    pb_uint(&f, 2, 1);
    pb_msg(&p, 5, &f);
    put_min_strings(&p);
    cr_assert_eq(parse_err(&p), GM_EFORMAT);
    cr_assert_not_null(strstr(D.msg, "function id 0"), "%s", D.msg);
    struct pb q = {.n = 0}, l = {.n = 0};
    pb_uint(&l, 3, 0x1234);
    pb_msg(&q, 4, &l);
    put_min_strings(&q);
    expect_err(&q, GM_EFORMAT, 2, "location id 0");
}

Test(pprof_err, value_count_differs_from_sample_types)
{
    struct pb p = {.n = 0}, s = {.n = 0};
    pb_value_type(&p, 1, 1, 2);
    pb_value_type(&p, 1, 1, 2);
    pb_uint(&s, 2, 1);
    size_t at = p.n + 2;
    pb_msg(&p, 2, &s);
    put_min_strings(&p);
    expect_err(&p, GM_EFORMAT, at, "sample has 1 values, expected 2");
    /* too many values too */
    struct pb q = {.n = 0}, t = {.n = 0};
    uint64_t v[] = {1, 2, 3};
    pb_value_type(&q, 1, 1, 2);
    pb_rep(&t, 2, v, 3, 1);
    at = q.n + 2;
    pb_msg(&q, 2, &t);
    put_min_strings(&q);
    expect_err(&q, GM_EFORMAT, at, "sample has 3 values, expected 1");
}

Test(pprof_err, wrong_wire_type)
{
    /* sample_type as a varint: the offset is just after its key */
    struct pb p = {.n = 0};
    pb_uint(&p, 1, 1);
    put_min_strings(&p);
    expect_err(&p, GM_EFORMAT, 1, "expected a length-delimited field");
    /* Location.line as a varint */
    struct pb q = {.n = 0}, loc = {.n = 0};
    pb_uint(&loc, 1, 1);
    pb_uint(&loc, 4, 1);
    size_t at = q.n + 2 + 3; /* after the key of field 4 */
    pb_msg(&q, 4, &loc);
    put_min_strings(&q);
    expect_err(&q, GM_EFORMAT, at, "expected a Line message");
    /* Sample.label as a varint */
    struct pb r = {.n = 0}, s = {.n = 0};
    pb_value_type(&r, 1, 1, 2);
    pb_uint(&s, 2, 1);
    pb_uint(&s, 3, 1);
    at = r.n + 2 + 3;
    pb_msg(&r, 2, &s);
    put_min_strings(&r);
    expect_err(&r, GM_EFORMAT, at, "expected a Label message");
    /* ValueType.type as bytes */
    struct pb t = {.n = 0}, vt = {.n = 0};
    pb_bytes(&vt, 1, "x", 1);
    pb_msg(&t, 1, &vt);
    put_min_strings(&t);
    expect_err(&t, GM_EFORMAT, 3, "expected a varint field");
    /* a group (wire type 3) in an unknown field */
    struct pb g = {.n = 0};
    put_min_strings(&g);
    at = g.n;
    pb_key(&g, 20, 3);
    expect_err(&g, GM_EFORMAT, at + 2, "unsupported wire type");
}

Test(pprof_err, string_table_zero_not_empty)
{
    struct pb p = {.n = 0};
    pb_value_type(&p, 1, 1, 2);
    size_t at = p.n + 2;
    pb_bytes(&p, 6, "x", 1);
    pb_bytes(&p, 6, "samples", 7);
    pb_bytes(&p, 6, "count", 5);
    expect_err(&p, GM_EFORMAT, at, "string_table[0] must be the empty string");
}

Test(pprof_err, no_string_table)
{
    struct pb p = {.n = 0};
    pb_value_type(&p, 1, 0, 0);
    expect_err(&p, GM_EFORMAT, 0, "found none");
}

/* ------------------------------------------------------------ files */

static void load_ok(struct gm_profile *prof, const char *path)
{
    memset(&D, 0, sizeof(D));
    int rc = gm_load_profile(prof, path, NULL, &D);
    cr_assert_eq(rc, 0, "%s: rc=%d at byte %llu: %s", path, rc, (unsigned long long)D.off, D.msg);
}

Test(pprof_file, gzip_of_a_built_profile)
{
    struct bopts o = {.value_first = 1, .packed = 1};
    struct pb p;
    build(&p, &o);
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
    cr_assert_not_null(c);
    size_t cap = libdeflate_gzip_compress_bound(c, p.n);
    char *z = malloc(cap);
    cr_assert_not_null(z);
    size_t zn = libdeflate_gzip_compress(c, p.b, p.n, z, cap);
    libdeflate_free_compressor(c);
    cr_assert_gt(zn, 0);
    char path[] = "/tmp/gm_t_pprof_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, z, zn), (ssize_t)zn);
    close(fd);
    free(z);
    struct gm_profile prof;
    load_ok(&prof, path);
    unlink(path);
    cr_assert_eq(prof.legacy, 0);
    check_basic(&prof);
    gm_profile_release(&prof);
}

Test(pprof_file, gzipped_and_raw_fixture_agree)
{
    struct gm_profile a, b;
    load_ok(&a, "testdata/pprof/y_heap.pb.gz");
    load_ok(&b, "testdata/pprof/y_heap_raw.pb");
    cr_assert_eq(a.samples_nr, b.samples_nr);
    cr_assert_eq(a.locations_nr, b.locations_nr);
    cr_assert_eq(a.lines_nr, b.lines_nr);
    cr_assert_eq(a.functions_nr, b.functions_nr);
    for (uint32_t i = 0; i < a.samples_nr; i++) {
        for (uint32_t t = 0; t < a.types_nr; t++) {
            cr_assert_eq(val(&a, i, t), val(&b, i, t));
        }
    }
    gm_profile_release(&a);
    gm_profile_release(&b);
}

Test(pprof_file, malformed_fixtures)
{
    static const struct {
        const char *path;
        int code;
        uint64_t off;
        const char *msg;
    } c[] = {
        {"testdata/pprof/n_varint_overlong.pb", GM_EFORMAT, 17, "varint longer than 64 bits"},
        {"testdata/pprof/n_bad_string_index.pb", GM_EFORMAT, 5, "string index 200"},
        {"testdata/pprof/n_bad_location.pb", GM_EFORMAT, 10, "unknown location id 99"},
        {"testdata/pprof/n_wrong_wire_type.pb", GM_EFORMAT, 1, "length-delimited"},
        {"testdata/pprof/n_truncated.pb", GM_EFORMAT, 0, "string_table"},
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        struct gm_profile prof;
        memset(&D, 0, sizeof(D));
        int rc = gm_load_profile(&prof, c[i].path, NULL, &D);
        cr_assert_eq(rc, c[i].code, "%s: rc=%d (%s)", c[i].path, rc, D.msg);
        cr_assert_eq(D.off, c[i].off, "%s: off %llu (%s)", c[i].path, (unsigned long long)D.off,
                     D.msg);
        cr_assert_not_null(strstr(D.msg, c[i].msg), "%s: %s", c[i].path, D.msg);
    }
    struct gm_profile prof;
    memset(&D, 0, sizeof(D));
    cr_assert_lt(gm_load_profile(&prof, "testdata/pprof/n_truncated.pb.gz", NULL, &D), 0);
}

/* Sums of the value columns of the Samples section of a `go tool pprof -raw` output, with the
 * "type/unit" header split into names. Returns the number of sample rows. */
struct rawref {
    char type[8][32], unit[8][32];
    uint32_t types;
    int64_t sum[8];
    int dflt;
};

static uint32_t read_raw(const char *path, struct rawref *r)
{
    size_t len;
    char *text = test_slurp(path, &len);
    cr_assert_not_null(text, "open %s", path);
    memset(r, 0, sizeof(*r));
    r->dflt = -1;
    char *s = strstr(text, "\nSamples:\n");
    cr_assert_not_null(s, "%s: no Samples section", path);
    s += 10;
    char *e = strchr(s, '\n');
    cr_assert_not_null(e);
    *e = 0;
    for (char *tok = strtok(s, " "); tok; tok = strtok(NULL, " ")) {
        cr_assert_lt(r->types, 8);
        char *d = strstr(tok, "[dflt]");
        if (d) {
            *d = 0;
            r->dflt = (int)r->types;
        }
        char *sl = strchr(tok, '/');
        cr_assert_not_null(sl);
        *sl = 0;
        snprintf(r->type[r->types], sizeof(r->type[0]), "%s", tok);
        snprintf(r->unit[r->types], sizeof(r->unit[0]), "%s", sl + 1);
        r->types++;
    }
    uint32_t rows = 0;
    for (char *line = e + 1; *line && strncmp(line, "Locations", 9) != 0;) {
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = 0;
        }
        char *colon = strchr(line, ':');
        char *p = line;
        while (*p == ' ') {
            p++;
        }
        if (colon && *p >= '0' && *p <= '9' && strchr(line, '[') == NULL) {
            uint32_t k = 0;
            while (p < colon) {
                char *end;
                long long v = strtoll(p, &end, 10);
                cr_assert(end > p, "%s: bad row '%s'", path, line);
                cr_assert_lt(k, r->types);
                r->sum[k++] += v;
                p = end;
                while (*p == ' ') {
                    p++;
                }
            }
            cr_assert_eq(k, r->types, "%s: row '%s'", path, line);
            rows++;
        }
        if (!nl) {
            break;
        }
        line = nl + 1;
    }
    free(text);
    return rows;
}

struct fixture {
    char file[40];
    uint32_t samples;  /* Sample messages in the file (PROVENANCE.md) */
    int64_t unlisted0; /* value of type 0 in samples `-raw` does not list at all */
};

ParameterizedTestParameters(pprof_file, fixture_totals)
{
    static struct fixture f[] = {
        {"y_allocs.pb.gz", 54, 0},
        {"y_block.pb.gz", 4, 0},
        {"y_cpu.pb.gz", 230, 0},
        {"y_empty.pb.gz", 0, 0},
        {"y_goroutine.pb.gz", 5, 0},
        {"y_heap.pb.gz", 38, 0},
        {"y_heap_raw.pb", 38, 0},
        {"y_inlined.pb.gz", 6, 0},
        {"y_mutex.pb.gz", 3, 0},
        /* the sample with no locations (value 11, PROVENANCE.md) is not in -raw */
        {"y_threadcreate.pb.gz", 2, 11},
    };
    return cr_make_param_array(struct fixture, f, sizeof(f) / sizeof(f[0]));
}

ParameterizedTest(struct fixture *f, pprof_file, fixture_totals)
{
    char path[128], ref[160];
    snprintf(path, sizeof(path), "testdata/pprof/%s", f->file);
    snprintf(ref, sizeof(ref), "%s.raw.txt", path);
    struct rawref r;
    uint32_t rows = read_raw(ref, &r);
    struct gm_profile prof;
    load_ok(&prof, path);
    cr_assert_eq(prof.types_nr, r.types, "%s: %u types", f->file, prof.types_nr);
    for (uint32_t t = 0; t < r.types; t++) {
        cr_assert_str_eq(gm_profile_str(&prof, prof.types[t].type_id), r.type[t], "%s", f->file);
        cr_assert_str_eq(gm_profile_str(&prof, prof.types[t].unit_id), r.unit[t], "%s", f->file);
        int64_t want = r.sum[t] + (t == 0 ? f->unlisted0 : 0);
        cr_assert_eq(gm_profile_total(&prof, t), want, "%s [%s]: total %lld, -raw sums to %lld",
                     f->file, r.type[t], (long long)gm_profile_total(&prof, t), (long long)want);
    }
    cr_assert_eq(prof.samples_nr, f->samples, "%s: %u samples", f->file, prof.samples_nr);
    /* pprof -raw merges and drops samples, never adds any */
    cr_assert_geq(prof.samples_nr, rows);
    cr_assert_eq(prof.default_type, r.dflt, "%s: default type", f->file);
    gm_profile_release(&prof);
}

Test(pprof_file, empty_profile)
{
    struct gm_profile prof;
    load_ok(&prof, "testdata/pprof/y_empty.pb.gz");
    cr_assert_eq(prof.samples_nr, 0);
    cr_assert_eq(prof.locations_nr, 0);
    cr_assert_eq(prof.functions_nr, 0);
    cr_assert_eq(prof.mappings_nr, 3);
    cr_assert_eq(prof.duration_nanos, 200993800);
    cr_assert_eq(gm_profile_total(&prof, 1), 0);
    gm_profile_release(&prof);
}

Test(pprof_file, inlined_fixture_lines)
{
    struct gm_profile prof;
    load_ok(&prof, "testdata/pprof/y_inlined.pb.gz");
    /* 6 locations with several lines (PROVENANCE.md says "6 of 9 ... have 3 Line entries":
     * five have 3, the sixth has 2, as `-raw` shows) */
    uint32_t three = 0, two = 0;
    for (uint32_t i = 0; i < prof.locations_nr; i++) {
        const struct gm_pprof_location *loc = &prof.locations[i];
        if (loc->line_nr == 2) {
            two++;
            cr_assert_str_eq(gm_profile_func_name(&prof, &prof.lines[loc->line_off]),
                             "main.(*Hasher).step");
            cr_assert_eq(prof.lines[loc->line_off].line, 30);
        }
        if (loc->line_nr == 3) {
            three++;
            cr_assert_str_eq(gm_profile_func_name(&prof, &prof.lines[loc->line_off]), "main.mix");
            cr_assert_str_eq(gm_profile_func_name(&prof, &prof.lines[loc->line_off + 2]),
                             "main.(*Hasher).Sum");
        }
    }
    cr_assert_eq(three, 5);
    cr_assert_eq(two, 1);
    cr_assert_eq(prof.locations_nr, 9);
    gm_profile_release(&prof);
}

/* ------------------------------------------------------------ legacy heap text */

Test(heaptext, legacy_fixture)
{
    struct gm_profile prof;
    load_ok(&prof, "testdata/pprof/y_heap_legacy.txt");
    cr_assert_eq(prof.legacy, 1);
    cr_assert_eq(prof.types_nr, 4);
    static const char *const names[4][2] = {{"alloc_objects", "count"},
                                            {"alloc_space", "bytes"},
                                            {"inuse_objects", "count"},
                                            {"inuse_space", "bytes"}};
    for (uint32_t t = 0; t < 4; t++) {
        cr_assert_str_eq(gm_profile_str(&prof, prof.types[t].type_id), names[t][0]);
        cr_assert_str_eq(gm_profile_str(&prof, prof.types[t].unit_id), names[t][1]);
    }
    cr_assert_eq(prof.period, 4096, "heap/8192 is 2*MemProfileRate");
    cr_assert_str_eq(gm_profile_str(&prof, prof.period_type.type_id), "space");
    cr_assert_eq(prof.samples_nr, 32);
    /* record 1: "16: 524288 [16: 524288]", 32 KiB objects: scaled by 1/(1-exp(-32768/4096)) */
    double sc = 1 / (1 - exp(-32768.0 / 4096.0));
    cr_assert_eq(val(&prof, 0, 0), (int64_t)(16 * sc));
    cr_assert_eq(val(&prof, 0, 1), (int64_t)(524288 * sc));
    cr_assert_eq(val(&prof, 0, 1), 524463, "pprof -raw shows 524463");
    cr_assert_eq(val(&prof, 0, 3), 524463);
    cr_assert_eq(val(&prof, 0, 2), 16);
    /* record 3: "58: 3712", avg 64 bytes: scale ~64.5 */
    sc = 1 / (1 - exp(-64.0 / 4096.0));
    cr_assert_eq(val(&prof, 2, 2), (int64_t)(58 * sc));
    cr_assert_eq(val(&prof, 2, 3), (int64_t)(3712 * sc));
    cr_assert_gt(val(&prof, 2, 3), 3712 * 64);
    /* its stack: the '#' lines, leaf first */
    struct frames f;
    cr_assert_str_eq(stack_of(&prof, 0, &f),
                     "main.(*Store).loadBlobs:68;main.main:105;runtime.main:250");
    /* totals: pprof's own scaling of the same file (-raw) */
    struct rawref r;
    read_raw("testdata/pprof/y_heap_legacy.txt.raw.txt", &r);
    for (uint32_t t = 0; t < 4; t++) {
        cr_assert_eq(gm_profile_total(&prof, t), r.sum[t], "[%s] %lld != pprof %lld", r.type[t],
                     (long long)gm_profile_total(&prof, t), (long long)r.sum[t]);
    }
    /* MemStats from the "# Name = value" lines */
    cr_assert(prof.has_memstats);
    const struct gm_memstats *m = &prof.memstats;
    cr_assert_eq(m->alloc, 1162880);
    cr_assert_eq(m->total_alloc, 29876984);
    cr_assert_eq(m->sys, 18986248);
    cr_assert_eq(m->heap_idle, 6569984);
    cr_assert_eq(m->heap_inuse, 1523712);
    cr_assert_eq(m->heap_released, 6225920);
    cr_assert_eq(m->heap_objects, 12222);
    cr_assert_eq(m->stack_inuse, 294912);
    cr_assert_eq(m->stack_sys, 294912);
    cr_assert_eq(m->mspan_inuse, 55584);
    cr_assert_eq(m->mcache_inuse, 2400);
    cr_assert_eq(m->gc_sys, 8346984);
    cr_assert_eq(m->next_gc, 4194304);
    cr_assert_eq(m->num_gc, 13);
    cr_assert_eq(m->pause_total_ns, -1, "absent from the file");
    gm_profile_release(&prof);
}

Test(heaptext, small_text)
{
    /* "@" lists return addresses, the "#" lines the pc of the call (return address - 1) */
    static const char text[] = "heap profile: 2: 2048 [4: 4096] @ heap/2\n"
                               "2: 2048 [4: 4096] @ 0x11 0x21\n"
                               "#\t0x10\tmain.a+0x1\t/x/a.go:3\n"
                               "#\t0x10\tmain.b+0x2\t/x/a.go:9\n"
                               "#\t0x20\tmain.main+0x3\t/x/main.go:1\n"
                               "\n"
                               "0: 0 [0: 0] @ 0x21\n"
                               "#\t0x20\tmain.main+0x3\t/x/main.go:1\n"
                               "\n"
                               "# runtime.MemStats\n"
                               "# Sys = 99\n"
                               "# Stack = 10 / 20\n";
    struct gm_profile prof;
    memset(&D, 0, sizeof(D));
    cr_assert_eq(gm_heaptext_parse(&prof, text, strlen(text), NULL, &D), 0, "%s", D.msg);
    cr_assert_eq(prof.period, 1, "rate 1: no scaling");
    cr_assert_eq(prof.samples_nr, 2);
    cr_assert_eq(val(&prof, 0, 0), 4);
    cr_assert_eq(val(&prof, 0, 1), 4096);
    cr_assert_eq(val(&prof, 0, 2), 2);
    cr_assert_eq(val(&prof, 0, 3), 2048);
    cr_assert_eq(prof.locations_nr, 2, "frames grouped by pc");
    struct frames f;
    cr_assert_str_eq(stack_of(&prof, 0, &f), "main.a:3;main.b:9;main.main:1");
    cr_assert_str_eq(stack_of(&prof, 1, &f), "main.main:1");
    cr_assert_eq(prof.memstats.sys, 99);
    cr_assert_eq(prof.memstats.stack_inuse, 10);
    cr_assert_eq(prof.memstats.stack_sys, 20);
    cr_assert_eq(prof.memstats.alloc, -1);
    gm_profile_release(&prof);
    static const char bad[] = "heap profile: 1: 1 [1: 1] @ heap/2\nxx\n1: 1 [1 1] @ 0x1\n";
    memset(&D, 0, sizeof(D));
    cr_assert_eq(gm_heaptext_parse(&prof, bad, strlen(bad), NULL, &D), GM_EFORMAT);
    cr_assert_eq(D.line, 3);
    cr_assert_eq(D.off, 38);
    static const char nohdr[] = "1: 1 [1: 1] @ 0x1\n";
    cr_assert_eq(gm_heaptext_parse(&prof, nohdr, strlen(nohdr), NULL, &D), GM_EFORMAT);
    cr_assert_eq(D.line, 1);
}

/* Direct recursion: the same return pc twice in a row ("@ 0x11 0x11 0x21") prints the frames
 * of pc 0x10 twice. The "@" list says how many locations there are (two of 0x10); the '#'
 * lines of that pc are divided by that count, so location 0x10 has one line, and a later
 * record through 0x10 once has the frame once (this was a bug when the stacks were read from
 * the '#' lines alone). */
Test(heaptext, recursion_with_the_same_pc)
{
    static const char text[] = "heap profile: 2: 2048 [2: 2048] @ heap/2\n"
                               "1: 1024 [1: 1024] @ 0x11 0x11 0x21\n"
                               "#\t0x10\tmain.rec+0x1\t/x/a.go:3\n"
                               "#\t0x10\tmain.rec+0x1\t/x/a.go:3\n"
                               "#\t0x20\tmain.main+0x1\t/x/a.go:9\n"
                               "\n"
                               "1: 1024 [1: 1024] @ 0x11 0x21\n"
                               "#\t0x10\tmain.rec+0x1\t/x/a.go:3\n"
                               "#\t0x20\tmain.main+0x1\t/x/a.go:9\n";
    struct gm_profile prof;
    struct frames f;
    memset(&D, 0, sizeof(D));
    cr_assert_eq(gm_heaptext_parse(&prof, text, strlen(text), NULL, &D), 0, "%s", D.msg);
    cr_assert_str_eq(stack_of(&prof, 0, &f), "main.rec:3;main.rec:3;main.main:9");
    cr_assert_str_eq(stack_of(&prof, 1, &f), "main.rec:3;main.main:9");
    gm_profile_release(&prof);
}

/* "leaf;...;root" naming each frame by its function, or by its location's address when it has
 * none (as top and traces do). */
static int add_name(void *ctx, const char *func, const struct gm_pprof_line *line,
                    const struct gm_pprof_location *loc)
{
    struct frames *f = ctx;
    size_t n = strlen(f->text);
    (void)line;
    if (func) {
        snprintf(f->text + n, sizeof(f->text) - n, "%s%s", n ? ";" : "", func);
    } else {
        snprintf(f->text + n, sizeof(f->text) - n, "%s%#llx", n ? ";" : "",
                 (unsigned long long)loc->address);
    }
    return 0;
}

static const char *names_of(const struct gm_profile *p, uint32_t i, struct frames *f)
{
    f->text[0] = 0;
    gm_pview_frames(p, NULL, i, add_name, f);
    return f->text;
}

static void expect_types(const struct gm_profile *p, const char *const *names, uint32_t nr)
{
    cr_assert_eq(p->types_nr, nr);
    for (uint32_t t = 0; t < nr; t++) {
        cr_assert_str_eq(gm_profile_str(p, p->types[t].type_id), names[2 * t]);
        cr_assert_str_eq(gm_profile_str(p, p->types[t].unit_id), names[2 * t + 1]);
    }
}

static const struct gm_ptop_row *top_row(const struct gm_ptop *t, const char *name)
{
    for (uint32_t i = 0; i < t->nr; i++) {
        if (strcmp(gm_strtab_cstr(&t->names, t->rows[i].name_id), name) == 0) {
            return &t->rows[i];
        }
    }
    return NULL;
}

/* A C++ tcmalloc heapz profile (modelled on pprof's testdata/cppbench.heap): numbers padded
 * with spaces, "@ heapz_v2/524288", header alloc == inuse, no '#' lines, a memory map with a
 * "source=" attribute. The numbers are those of pprof's reader on the same file. */
Test(heaptext, cpp_heapz_v2_fixture)
{
    struct gm_profile prof;
    struct frames f;
    load_ok(&prof, "testdata/pprof/i_heapz_v2.txt");
    cr_assert_eq(prof.legacy, 1);
    static const char *const types[] = {"objects", "count", "space", "bytes"};
    expect_types(&prof, types, 2);
    cr_assert_eq(prof.period, 524288, "heapz_v2/N: the rate is N");
    cr_assert_str_eq(gm_profile_str(&prof, prof.period_type.type_id), "space");
    cr_assert_eq(prof.samples_nr, 3);
    static const int64_t want[3][3] = {
        {57, 528909, 9216}, {17, 1115476, 65536}, {1, 2136279, 2097152}};
    for (uint32_t i = 0; i < 3; i++) {
        cr_assert_eq(val(&prof, i, 0), want[i][0], "sample %u", i);
        cr_assert_eq(val(&prof, i, 1), want[i][1], "sample %u", i);
        cr_assert_eq(prof.samples[i].label_nr, 1);
        const struct gm_pprof_label *lb = &prof.labels[prof.samples[i].label_off];
        cr_assert_str_eq(gm_profile_str(&prof, lb->key_id), "bytes");
        cr_assert_eq(lb->num, want[i][2], "bytes label = size/count");
    }
    cr_assert_eq(gm_profile_total(&prof, 0), 75);
    cr_assert_eq(gm_profile_total(&prof, 1), 3780664);
    /* addresses minus 1, no symbols: one location per address, shown by address */
    cr_assert_eq(prof.locations_nr, 8);
    cr_assert_eq(prof.functions_nr, 0);
    cr_assert_str_eq(names_of(&prof, 0, &f), "0xc635c7;0x42ecc2;0x42e14b;0x7f47a54360fd");
    cr_assert_str_eq(names_of(&prof, 2, &f), "0xc63567;0xbc463a;0x42e14b;0x7f47a4bab11c");
    /* the memory map: $source replaced, main binary first, locations in their mapping */
    cr_assert_eq(prof.mappings_nr, 4);
    cr_assert_eq(prof.mappings[0].id, 1);
    cr_assert_eq(prof.mappings[0].memory_start, 0x400000);
    cr_assert_eq(prof.mappings[0].memory_limit, 0xfcb000);
    cr_assert_str_eq(gm_profile_str(&prof, prof.mappings[0].filename_id),
                     "/home/cppbench_server_main");
    cr_assert_str_eq(gm_profile_str(&prof, prof.mappings[1].filename_id), "/lib/libc-2.15.so");
    cr_assert_str_eq(gm_profile_str(&prof, prof.mappings[3].filename_id), "[vdso]");
    const struct gm_pprof_sample *s0 = &prof.samples[0];
    cr_assert_eq(prof.locations[prof.locs[s0->loc_off]].mapping_id, 1);
    cr_assert_eq(prof.locations[prof.locs[s0->loc_off + 3]].mapping_id, 3, "libpthread");
    const struct gm_pprof_sample *s2 = &prof.samples[2];
    cr_assert_eq(prof.locations[prof.locs[s2->loc_off + 3]].mapping_id, 2, "libc");
    /* top: the two allocator entry points hold everything flat */
    struct gm_ptop t;
    struct gm_pview_opts o = {.sample_index = 1};
    cr_assert_eq(gm_ptop_compute(&prof, &o, &t), 0);
    cr_assert_eq(t.total, 3780664);
    cr_assert_str_eq(gm_strtab_cstr(&t.names, t.rows[0].name_id), "0xc63567");
    cr_assert_eq(t.rows[0].flat, 2136279);
    const struct gm_ptop_row *r = top_row(&t, "0xc635c7");
    cr_assert_not_null(r);
    cr_assert_eq(r->flat, 528909 + 1115476);
    r = top_row(&t, "0x42e14b");
    cr_assert_not_null(r);
    cr_assert_eq(r->flat, 0);
    cr_assert_eq(r->cum, 3780664);
    gm_ptop_release(&t);
    gm_profile_release(&prof);
}

/* A Go legacy heap profile without '#' lines (modelled on pprof's testdata/gobench.heap): the
 * "@" addresses are kept as unsymbolized locations, each return address minus 1. */
Test(heaptext, go_without_symbols_fixture)
{
    struct gm_profile prof;
    struct frames f;
    load_ok(&prof, "testdata/pprof/i_heap_nosyms.txt");
    static const char *const types[] = {"alloc_objects", "count", "alloc_space", "bytes",
                                        "inuse_objects", "count", "inuse_space", "bytes"};
    expect_types(&prof, types, 4);
    cr_assert_eq(prof.period, 524288, "heap/N: the rate is N/2");
    cr_assert_eq(prof.samples_nr, 5);
    /* pprof's numbers for the file */
    static const int64_t want[5][4] = {{4, 2488234, 1, 829411},
                                       {1, 829411, 1, 829411},
                                       {3, 1658822, 1, 829411},
                                       {7085, 1048724, 1820, 524432},
                                       {512, 524800, 0, 0}};
    for (uint32_t i = 0; i < 5; i++) {
        for (uint32_t k = 0; k < 4; k++) {
            cr_assert_eq(val(&prof, i, k), want[i][k], "sample %u value %u", i, k);
        }
    }
    cr_assert_eq(prof.labels[prof.samples[3].label_off].num, 288);
    cr_assert_eq(prof.labels[prof.samples[4].label_off].num, 1024, "alloc's when inuse is 0");
    cr_assert_str_eq(names_of(&prof, 0, &f), "0x420cee;0x422150;0x41931f");
    cr_assert_str_eq(names_of(&prof, 2, &f), "0x420cee;0x422150;0x4221d9;0x41931f");
    cr_assert_str_eq(names_of(&prof, 3, &f), "", "'@' with no address: no frames");
    cr_assert_eq(prof.locations_nr, 5);
    for (uint32_t i = 0; i < prof.locations_nr; i++) {
        cr_assert_eq(prof.locations[i].line_nr, 0);
        cr_assert_eq(prof.locations[i].mapping_id, 1);
    }
    /* no memory map: one mapping that holds every address, as pprof makes */
    cr_assert_eq(prof.mappings_nr, 1);
    cr_assert_eq(prof.mappings[0].memory_start, 0);
    cr_assert_eq(prof.mappings[0].memory_limit, UINT64_MAX);
    struct gm_ptop t;
    struct gm_pview_opts o = {.sample_index = 3};
    cr_assert_eq(gm_ptop_compute(&prof, &o, &t), 0);
    cr_assert_eq(t.nr, 4, "0x40b516 is only in a sample with 0 in use");
    cr_assert_str_eq(gm_strtab_cstr(&t.names, t.rows[0].name_id), "0x420cee");
    cr_assert_eq(t.rows[0].flat, 3 * 829411);
    cr_assert_eq(t.rows[0].cum, 3 * 829411);
    cr_assert_eq(t.total, 3 * 829411 + 524432, "the sample without frames counts in the total");
    gm_ptop_release(&t);
    o.sample_index = 0;
    cr_assert_eq(gm_ptop_compute(&prof, &o, &t), 0);
    const struct gm_ptop_row *r = top_row(&t, "0x40b516");
    cr_assert_not_null(r);
    cr_assert_eq(r->cum, 512);
    gm_ptop_release(&t);
    gm_profile_release(&prof);
}

/* In a file with '#' lines a record keeps the addresses its own '#' lines print: the leading
 * runtime frames runtime/pprof hides (here 0x40, named by another record) and runtime.goexit
 * are left out. "#\t0xPC" alone (no function found) keeps the address, unsymbolized. */
Test(heaptext, symbol_lines_choose_the_frames)
{
    static const char text[] = "heap profile: 2: 2048 [3: 3072] @ heap/2\n"
                               "1: 1024 [2: 2048] @ 0x41 0x11 0x21 0x91\n"
                               "#\t0x10\tmain.a+0x1\t\t/x/a.go:3\n"
                               "#\t0x20\tmain.main+0x3\t\t/x/main.go:1\n"
                               "\n"
                               "1: 1024 [1: 1024] @ 0x41 0x51 0x91\n"
                               "#\t0x40\truntime.mallocgc+0x1\t\t/r/malloc.go:5\n"
                               "#\t0x50\truntime.systemstack+0x2\t/r/asm.s:9\n"
                               "\n"
                               "0: 0 [0: 0] @ 0x31 0x21\n"
                               "#\t0x30\n"
                               "#\t0x20\tmain.main+0x3\t\t/x/main.go:1\n";
    struct gm_profile prof;
    struct frames f;
    memset(&D, 0, sizeof(D));
    cr_assert_eq(gm_heaptext_parse(&prof, text, strlen(text), NULL, &D), 0, "%s", D.msg);
    cr_assert_str_eq(names_of(&prof, 0, &f), "main.a;main.main");
    cr_assert_str_eq(stack_of(&prof, 0, &f), "main.a:3;main.main:1");
    cr_assert_str_eq(names_of(&prof, 1, &f), "runtime.mallocgc;runtime.systemstack");
    cr_assert_str_eq(names_of(&prof, 2, &f), "0x30;main.main");
    cr_assert_eq(prof.locations_nr, 5, "0x90 (runtime.goexit) is in no stack");
    cr_assert_eq(prof.functions_nr, 4);
    cr_assert_str_eq(gm_profile_str(&prof, prof.functions[0].name_id), "main.a");
    cr_assert_str_eq(gm_profile_str(&prof, prof.functions[0].filename_id), "/x/a.go");
    cr_assert_eq(prof.functions[3].id, 4);
    gm_profile_release(&prof);
}

/* The header decides the sample types and the sampling, as pprof's parseHeapHeader does. */
Test(heaptext, header_forms)
{
    struct gm_profile prof;
    static const char *const four[] = {"alloc_objects", "count", "alloc_space", "bytes",
                                       "inuse_objects", "count", "inuse_space", "bytes"};
    static const char *const two[] = {"objects", "count", "space", "bytes"};
    static const struct {
        const char *text;
        uint32_t types;
        int64_t period;
        int64_t v0, v1; /* first two values of the one sample */
    } c[] = {
        /* alloc == inuse, or alloc 0: only the inuse columns (heap_v2/100: scaled) */
        {"heap profile: 1: 100 [1: 100] @ heap/2\n1: 100 [1: 100] @ 0x11\n", 2, 1, 1, 100},
        {"heap profile: 1: 100 [0: 0] @ heap_v2/100\n1: 100 [0: 0] @ 0x11\n", 2, 100, 1, 158},
        {"heap profile: 1: 100 [2: 200] @ heap/2\n1: 100 [2: 200] @ 0x11\n", 4, 1, 2, 200},
        /* heapz_v2/N like heap_v2/N: rate N; 100-byte objects at rate 100 scale by 1.58 */
        {"heap profile: 1: 100 [1: 100] @ heapz_v2/100\n1: 100 [1: 100] @ 0x11\n", 2, 100, 1, 158},
        /* not sampled */
        {"heap profile: 1: 100 [2: 200] @ heapprofile\n1: 100 [2: 200] @ 0x11\n", 4, 1, 2, 200},
        {"heap profile: 1: 100 [2: 200] @ growthz\n1: 100 [2: 200] @ 0x11\n", 2, 1, 1, 100},
        {"heap profile: 1: 100 [2: 200] @ fragmentationz\n1: 100 [2: 200] @ 0x11\n", 2, 1, 1, 100},
        /* no rate: period 0, nothing scaled */
        {"heap profile: 1: 100 [2: 200] @ heap\n1: 100 [2: 200] @ 0x11\n", 4, 0, 2, 200},
        /* padded numbers, negative inuse */
        {"heap profile:   1:   100 [  2:   200] @ heap/2\n  -1:  -100 [  2:   200] @ 0x11\n", 4, 1,
         2, 200},
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        memset(&D, 0, sizeof(D));
        cr_assert_eq(gm_heaptext_parse(&prof, c[i].text, strlen(c[i].text), NULL, &D), 0, "%zu: %s",
                     i, D.msg);
        expect_types(&prof, c[i].types == 4 ? four : two, c[i].types);
        cr_assert_eq(prof.period, c[i].period, "%zu", i);
        cr_assert_eq(prof.samples_nr, 1, "%zu", i);
        cr_assert_eq(val(&prof, 0, 0), c[i].v0, "%zu", i);
        cr_assert_eq(val(&prof, 0, 1), c[i].v1, "%zu: %lld", i, (long long)val(&prof, 0, 1));
        gm_profile_release(&prof);
    }
    static const char neg[] = "heap profile: 1: 100 [2: 200] @ heap/2\n-1: -100 [2: 200] @\n";
    cr_assert_eq(gm_heaptext_parse(&prof, neg, strlen(neg), NULL, &D), 0, "%s", D.msg);
    cr_assert_eq(val(&prof, 0, 2), -1);
    cr_assert_eq(val(&prof, 0, 3), -100);
    gm_profile_release(&prof);
}

Test(heaptext, errors)
{
    struct gm_profile prof;
    static const struct {
        const char *text;
        uint64_t line;
        const char *msg;
    } c[] = {
        {"heap profile: 1: 1 [2: 2] @ heapz/100\n", 1, "unsupported legacy heap profile sampling"},
        {"heap profile: 1: 1 [2: 2] @ cpu/100\n", 1, "expected 'heap profile: N: N [N: N] @"},
        {"heap profile: 1: 1 2: 2 @ heap/2\n", 1, "expected 'heap profile: N: N [N: N] @"},
        {"heap profile: 1: 5 [1: 5] @ heap/2\n0: 5 [1: 5] @ 0x11\n", 2,
         "inuse count is 0 but inuse bytes is 5"},
        {"heap profile: 1: 5 [2: 5] @ heap/2\n1: 5 [0: 5] @ 0x11\n", 2,
         "allocation count is 0 but allocation bytes is 5"},
        {"heap profile: 1: 5 [2: 5] @ heap/2\n\n1: 5 [2: 5] @ 0x11 0x11111111111111111\n", 3,
         "address longer than 64 bits"},
        {"heap profile: 1: 5 [2: 5] @ heap/2\n1: 99999999999999999999 [2: 5] @ 0x11\n", 2,
         "number out of range"},
        {"heap profile: 1: 5 [2: 5] @ heap/2\n   1: 5 [2 5] @ 0x11\n", 2,
         "expected 'N: N [N: N] @ 0x...'"},
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        memset(&D, 0, sizeof(D));
        cr_assert_eq(gm_heaptext_parse(&prof, c[i].text, strlen(c[i].text), NULL, &D), GM_EFORMAT,
                     "%zu", i);
        cr_assert_eq(D.line, c[i].line, "%zu: line %llu", i, (unsigned long long)D.line);
        cr_assert_not_null(strstr(D.msg, c[i].msg), "%zu: %s", i, D.msg);
    }
}

/* After "--- Memory map: ---" nothing is a record; /proc/self/maps lines give mappings (the
 * non-executable ones are skipped), adjacent pieces of one file merge, and the main binary
 * (not a .so, not [...]) goes first. */
Test(heaptext, memory_map_forms)
{
    static const char text[] = "heap profile: 1: 100 [1: 100] @ heapprofile\n"
                               "1: 100 [1: 100] @ 0x7f0000001001 0x401001 0x9\n"
                               "MAPPED_LIBRARIES:\n"
                               "1: 100 [1: 100] @ 0x11\n"
                               "7f0000000000-7f0000002000 r-xp 00000000 08:01 1234 /lib/libc.so.6\n"
                               "00400000-00402000 r-xp 00000000 08:01 99 /usr/bin/server\n"
                               "00402000-00403000 r-xp 00002000 08:01 99 /usr/bin/server\n"
                               "00600000-00601000 rw-p 00002000 08:01 99 /usr/bin/server\n";
    struct gm_profile prof;
    memset(&D, 0, sizeof(D));
    cr_assert_eq(gm_heaptext_parse(&prof, text, strlen(text), NULL, &D), 0, "%s", D.msg);
    cr_assert_eq(prof.samples_nr, 1);
    cr_assert_eq(prof.mappings_nr, 3, "2 from the map, 1 catch-all for 0x8");
    cr_assert_str_eq(gm_profile_str(&prof, prof.mappings[0].filename_id), "/usr/bin/server");
    cr_assert_eq(prof.mappings[0].memory_start, 0x400000);
    cr_assert_eq(prof.mappings[0].memory_limit, 0x403000, "the two pieces merged");
    cr_assert_str_eq(gm_profile_str(&prof, prof.mappings[1].filename_id), "/lib/libc.so.6");
    cr_assert_eq(prof.mappings[2].memory_limit, UINT64_MAX);
    const struct gm_pprof_sample *s = &prof.samples[0];
    cr_assert_eq(prof.locations[prof.locs[s->loc_off]].mapping_id, 2);
    cr_assert_eq(prof.locations[prof.locs[s->loc_off + 1]].mapping_id, 1);
    cr_assert_eq(prof.locations[prof.locs[s->loc_off + 2]].mapping_id, 3);
    gm_profile_release(&prof);
}

/* ------------------------------------------------------------ goroutine profile -> dump */

Test(gdump_profile, goroutine_fixture)
{
    struct gm_gdump_set set;
    struct gm_profile prof;
    load_ok(&prof, "testdata/pprof/y_goroutine.pb.gz");
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_EXACT), 0);
    cr_assert_eq(gm_gdump_add_profile(&set, &prof, &D), 1, "%s", D.msg);
    cr_assert_eq(set.dumps_nr, 1);
    const struct gm_dump *d = &set.dumps[0];
    cr_assert_eq(d->kind, GM_DUMP_AGGREGATED);
    cr_assert(d->from_profile);
    cr_assert_eq(d->goroutines, 13);
    cr_assert_eq(d->nr, 5);
    cr_assert_eq(set.g_nr, 5);
    uint32_t weights = 0, seen = 0;
    for (uint32_t i = 0; i < set.g_nr; i++) {
        const struct gm_goroutine *g = gm_gdump_g(&set, i);
        const char *state = gm_strtab_cstr(&set.stacks.strs, g->state_id);
        const char *labels = gm_g_labels(g) ? gm_strtab_cstr(&set.stacks.strs, gm_g_labels(g)) : "";
        const struct gm_stack *st = gm_stacks_get(&set.stacks, g->stack_id);
        cr_assert_gt(st->nr, 0);
        weights += gm_g_weight(g);
        if (strcmp(labels, "{\"pool\":\"ingest\", \"shard\":\"0\"}") == 0) {
            cr_assert_eq(gm_g_weight(g), 3);
            cr_assert_str_eq(state, "chan receive");
            seen |= 1;
        } else if (strcmp(labels, "{\"pool\":\"ingest\", \"shard\":\"1\"}") == 0) {
            cr_assert_eq(gm_g_weight(g), 2);
            cr_assert_str_eq(state, "chan receive");
            seen |= 2;
        } else if (strcmp(labels, "{\"handler\":\"/api/orders\"}") == 0) {
            cr_assert_eq(gm_g_weight(g), 3);
            cr_assert_str_eq(state, "semacquire");
            seen |= 4;
        } else if (gm_g_weight(g) == 4) {
            cr_assert_str_eq(labels, "");
            cr_assert_str_eq(state, "select");
            seen |= 8;
        } else {
            cr_assert_eq(gm_g_weight(g), 1);
            cr_assert_str_eq(labels, "");
            cr_assert_str_eq(state, "running");
            seen |= 16;
        }
    }
    cr_assert_eq(weights, 13);
    cr_assert_eq(seen, 31, "records seen: %#x", seen);
    gm_gdump_set_release(&set);
    gm_profile_release(&prof);
}

Test(gdump_profile, not_a_goroutine_profile)
{
    struct gm_gdump_set set;
    struct gm_profile prof;
    load_ok(&prof, "testdata/pprof/y_heap.pb.gz");
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_EXACT), 0);
    cr_assert_eq(gm_gdump_add_profile(&set, &prof, &D), GM_EFORMAT);
    cr_assert_eq(set.dumps_nr, 0);
    cr_assert_eq(set.g_nr, 0);
    gm_gdump_set_release(&set);
    gm_profile_release(&prof);
}
