/* What gomedic watch reads every interval without building a model: gm_gdump_peek on a
 * debug=1 goroutine profile gives the stacks, keys and counts the model gives for the same
 * moment in debug=0 (gm_stack_key). And the MemStats of heap?debug=1 text. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "gm/artifact.h"
#include "gm/bucket.h"
#include "gm/gdump.h"
#include "gm/input.h"
#include "gm/pprof.h"
#include "gm/stack.h"

#define MAXK 64

struct counts {
    uint64_t key[MAXK], n[MAXK];
    char func[MAXK][128];
    uint32_t nr;
};

static void add(struct counts *c, uint64_t key, uint64_t n, const char *func, size_t flen)
{
    for (uint32_t i = 0; i < c->nr; i++) {
        if (c->key[i] == key) {
            c->n[i] += n;
            return;
        }
    }
    cr_assert_lt(c->nr, MAXK);
    c->key[c->nr] = key;
    c->n[c->nr] = n;
    snprintf(c->func[c->nr], sizeof(c->func[0]), "%.*s", (int)flen, func);
    c->nr++;
}

static void on_peek(void *ctx, const struct gm_gpeek *g)
{
    add(ctx, g->key, g->count, g->func.p, g->func.len);
}

static uint64_t peek_file(const char *path, struct counts *c)
{
    struct gm_input in;
    struct gm_limits lim;
    struct gm_diag d = {0};
    uint64_t total = 0;
    gm_limits_default(&lim);
    cr_assert_eq(gm_input_open(&in, path, &lim, &d), 0, "%s: %s", path, d.msg);
    cr_assert_eq(gm_gdump_peek(in.p, in.len, &total, on_peek, c, &d), 0, "%s: %s", path, d.msg);
    gm_input_close(&in);
    return total;
}

static uint64_t model_file(const char *path, struct counts *c)
{
    struct gm_gdump_set set;
    struct gm_diag d = {0};
    struct gm_buckets b;
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_AGGRESSIVE), 0);
    cr_assert_gt(gm_load_dumps(&set, path, &d), 0, "%s: %s", path, d.msg);
    cr_assert_eq(gm_bucket_dump(&set, 0, GM_BUCKET_IGNORE_ARGS, &b), 0);
    uint64_t total = 0;
    for (uint32_t i = 0; i < b.nr; i++) {
        uint32_t f = gm_stack_user_frame(&set.stacks, b.v[i].stack_id);
        const char *fn = f == GM_NO_FRAME ? "" : gm_stacks_func(&set.stacks, f);
        add(c, gm_stack_key(&set.stacks, b.v[i].stack_id), b.v[i].count, fn, strlen(fn));
        total += b.v[i].count;
    }
    gm_buckets_release(&b);
    gm_gdump_set_release(&set);
    return total;
}

static void same_stacks(const char *dir)
{
    char p1[256], p0[256];
    snprintf(p1, sizeof(p1), "%s/y_forms_debug1.txt", dir);
    snprintf(p0, sizeof(p0), "%s/y_forms_debug0.pb.gz", dir);
    struct counts text = {0}, bin = {0}, text_model = {0};
    uint64_t total = peek_file(p1, &text);
    cr_assert_eq(total, 16, "%s: total %llu", p1, (unsigned long long)total);
    cr_assert_eq(model_file(p0, &bin), 16);
    cr_assert_eq(model_file(p1, &text_model), 16);
    /* the labelled stacks come twice in debug=1 and are one key: 16 goroutines, 6 stacks */
    cr_assert_eq(text.nr, bin.nr, "%s: %u stacks in debug=1, %u in debug=0", dir, text.nr, bin.nr);
    for (uint32_t i = 0; i < text.nr; i++) {
        uint32_t j = 0;
        while (j < bin.nr && bin.key[j] != text.key[i]) {
            j++;
        }
        cr_assert_lt(j, bin.nr, "%s: stack of %s (x%llu) in debug=1 only", dir, text.func[i],
                     (unsigned long long)text.n[i]);
        cr_assert_eq(text.n[i], bin.n[j], "%s: %s", dir, text.func[i]);
        cr_assert_str_eq(text.func[i], bin.func[j]);
    }
    /* the model of the text gives the same keys as the peek */
    cr_assert_eq(text_model.nr, text.nr);
    for (uint32_t i = 0; i < text.nr; i++) {
        cr_assert_eq(text_model.key[i], text.key[i], "%s", text.func[i]);
    }
    int seen = 0;
    for (uint32_t i = 0; i < text.nr; i++) {
        seen += strcmp(text.func[i], "main.(*Mailbox).wait") == 0 && text.n[i] == 6;
    }
    cr_assert_eq(seen, 1, "%s: 6 goroutines in main.(*Mailbox).wait", dir);
}

Test(peek, goroutine_forms_agree)
{
    same_stacks("testdata/goroutine");
    same_stacks("testdata/goroutine/go1.26");
}

Test(peek, goroutine_not_a_profile)
{
    struct gm_diag d = {0};
    uint64_t total;
    const char junk[] = "goroutine 1 [running]:\nmain.main()\n";
    cr_assert_eq(gm_gdump_peek(junk, sizeof(junk) - 1, &total, on_peek, NULL, &d), GM_EFORMAT);
    cr_assert(strstr(d.msg, "goroutine profile: total"), "%s", d.msg);
    const char huge[] = "goroutine profile: total 1\n99999999999999999999999 @ 0x1\n";
    cr_assert_eq(gm_gdump_peek(huge, sizeof(huge) - 1, &total, on_peek, NULL, &d), GM_EFORMAT);
}

/* The MemStats block of heap?debug=1 text, with the two fields Go added after the others. */
static void memstats(const char *dir)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/y_heap_legacy.txt", dir);
    struct gm_profile prof;
    struct gm_diag d = {0};
    cr_assert_eq(gm_load_profile(&prof, path, NULL, &d), 0, "%s: %s", path, d.msg);
    cr_assert(prof.has_memstats);
    cr_assert_gt(prof.memstats.heap_alloc, 0);
    cr_assert_geq(prof.memstats.num_gc, 1);
    cr_assert(prof.memstats.gc_cpu_fraction >= 0 && prof.memstats.gc_cpu_fraction < 1, "%g",
              prof.memstats.gc_cpu_fraction);
    cr_assert_gt(prof.memstats.max_rss, 1 << 20, "%s: MaxRSS %lld", dir,
                 (long long)prof.memstats.max_rss);
    gm_profile_release(&prof);
}

Test(peek, heap_text_memstats)
{
    memstats("testdata/pprof");
    memstats("testdata/pprof/go1.26");
}

/* The line of a frame is read after the last ':' of the line: a path with a space keeps it. */
Test(peek, path_with_a_space)
{
    const char a[] = "goroutine profile: total 2\n"
                     "2 @ 0x1 0x2\n"
                     "#\t0x1\tmain.wait+0x2a\t/home/jo doe/src/main.go:28\n"
                     "#\t0x2\tmain.main+0x14\t/home/jo doe/src/main.go:35\r\n";
    const char b[] = "goroutine profile: total 2\n"
                     "2 @ 0x1 0x2\n"
                     "#\t0x1\tmain.wait+0x2a\t/src/main.go:28\n"
                     "#\t0x2\tmain.main+0x14\t/src/main.go:35\n";
    const char c[] = "goroutine profile: total 2\n"
                     "2 @ 0x1 0x2\n"
                     "#\t0x1\tmain.wait+0x2a\t/src/main.go:29\n"
                     "#\t0x2\tmain.main+0x14\t/src/main.go:35\n";
    struct counts ca = {0}, cb = {0}, cc = {0};
    struct gm_diag d = {0};
    uint64_t total;
    cr_assert_eq(gm_gdump_peek(a, sizeof(a) - 1, &total, on_peek, &ca, &d), 0);
    cr_assert_eq(gm_gdump_peek(b, sizeof(b) - 1, &total, on_peek, &cb, &d), 0);
    cr_assert_eq(gm_gdump_peek(c, sizeof(c) - 1, &total, on_peek, &cc, &d), 0);
    cr_assert_eq(ca.nr, 1);
    cr_assert_eq(ca.key[0], cb.key[0]);
    cr_assert_neq(cb.key[0], cc.key[0]); /* the line is part of the key */
    cr_assert_str_eq(ca.func[0], "main.wait");
    cr_assert_eq(ca.n[0], 2);
}
