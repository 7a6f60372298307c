/* Unit tests of gm/bucket.h: grouping goroutines of one dump, on models built in code. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm/artifact.h"
#include "gm/bucket.h"

static struct gm_gdump_set S;

static void load(const char *text, enum gm_similarity sim)
{
    cr_assert_eq(gm_gdump_set_init(&S, NULL, sim), 0);
    struct gm_diag d = {0};
    int rc = gm_gdump_parse(&S, text, strlen(text), &d);
    cr_assert_eq(rc, 1, "rc=%d line %llu %s", rc, (unsigned long long)d.line, d.msg);
}

static void teardown(void)
{
    gm_gdump_set_release(&S);
}

TestSuite(bucket, .fini = teardown);

/* Four goroutines, one stack, arguments 0x1, 0x2, 0x1, 0x3. */
static const char same_stack_diff_args[] = "goroutine 2 [chan receive]:\n"
                                           "main.worker(0x1)\n"
                                           "\t/x/main.go:10 +0x1\n"
                                           "\n"
                                           "goroutine 3 [chan receive]:\n"
                                           "main.worker(0x2)\n"
                                           "\t/x/main.go:10 +0x1\n"
                                           "\n"
                                           "goroutine 4 [chan receive]:\n"
                                           "main.worker(0x1)\n"
                                           "\t/x/main.go:10 +0x1\n"
                                           "\n"
                                           "goroutine 5 [chan receive]:\n"
                                           "main.worker(0x3)\n"
                                           "\t/x/main.go:10 +0x1\n";

Test(bucket, exact_grouping_splits_by_arguments)
{
    load(same_stack_diff_args, GM_SIM_EXACT);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, 0, &b), 0);
    cr_assert_eq(b.nr, 3u);
    cr_assert_eq(b.v[0].count, 2u);
    cr_assert_eq(b.v[0].ids_nr, 2u);
    cr_assert_eq(b.v[0].ids[0], 2u);
    cr_assert_eq(b.v[0].ids[1], 4u);
    cr_assert_eq(b.v[1].count, 1u);
    cr_assert_eq(b.v[1].ids[0], 3u, "ties in first-appearance order");
    cr_assert_eq(b.v[2].ids[0], 5u);
    for (uint32_t i = 0; i < b.nr; i++) {
        cr_assert_eq(b.v[i].stack_id, b.v[0].stack_id);
        cr_assert_neq(b.v[i].args_hash, 0u);
    }
    cr_assert_neq(b.v[0].args_hash, b.v[1].args_hash);
    gm_buckets_release(&b);
    cr_assert_null(b.v);
}

Test(bucket, aggressive_grouping_ignores_arguments)
{
    load(same_stack_diff_args, GM_SIM_AGGRESSIVE);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, 0, &b), 0);
    cr_assert_eq(b.nr, 1u);
    cr_assert_eq(b.v[0].count, 4u);
    cr_assert_eq(b.v[0].records, 4u);
    cr_assert_eq(b.v[0].args_hash, 0u);
    cr_assert_eq(b.v[0].ids_nr, 4u);
    cr_assert_eq(b.v[0].ids[0], 2u);
    cr_assert_eq(b.v[0].ids[3], 5u);
    cr_assert_eq(b.v[0].first_g, 0u);
    gm_buckets_release(&b);
}

Test(bucket, ignore_args_flag_on_exact_set)
{
    load(same_stack_diff_args, GM_SIM_EXACT);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, GM_BUCKET_IGNORE_ARGS, &b), 0);
    cr_assert_eq(b.nr, 1u);
    cr_assert_eq(b.v[0].count, 4u);
    gm_buckets_release(&b);
}

Test(bucket, pointer_similarity)
{
    load("goroutine 2 [select]:\nmain.w(0xc000010000, 0x1)\n\t/x/main.go:10 +0x1\n\n"
         "goroutine 3 [select]:\nmain.w(0xc000abcd00, 0x1)\n\t/x/main.go:10 +0x1\n\n"
         "goroutine 4 [select]:\nmain.w(0xc000abcd00, 0x2)\n\t/x/main.go:10 +0x1\n",
         GM_SIM_POINTER);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, 0, &b), 0);
    cr_assert_eq(b.nr, 2u, "pointers may differ, small values may not");
    cr_assert_eq(b.v[0].count, 2u);
    cr_assert_eq(b.v[0].ids[0], 2u);
    cr_assert_eq(b.v[0].ids[1], 3u);
    cr_assert_eq(b.v[1].ids[0], 4u);
    gm_buckets_release(&b);
}

static const char locked_mix[] =
    "goroutine 2 [chan receive]:\nmain.w()\n\t/x/main.go:10 +0x1\n\n"
    "goroutine 3 [select]:\nmain.w()\n\t/x/main.go:10 +0x1\n\n"
    "goroutine 4 [chan receive, locked to thread]:\nmain.w()\n\t/x/main.go:10 +0x1\n\n"
    "goroutine 5 [chan receive]:\nmain.w()\n\t/x/main.go:10 +0x1\n";

Test(bucket, state_and_lock_split_buckets)
{
    load(locked_mix, GM_SIM_EXACT);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, 0, &b), 0);
    cr_assert_eq(b.nr, 3u);
    cr_assert_eq(b.v[0].count, 2u);
    cr_assert_str_eq(gm_strtab_cstr(&S.stacks.strs, b.v[0].state_id), "chan receive");
    cr_assert_not(b.v[0].flags & GM_G_LOCKED);
    cr_assert_eq(b.v[0].ids[0], 2u);
    cr_assert_eq(b.v[0].ids[1], 5u);
    cr_assert_eq(b.v[2].ids[0], 4u);
    cr_assert(b.v[2].flags & GM_G_LOCKED);
    gm_buckets_release(&b);
}

/* Regression test (a bug found by this suite, fixed): with GM_BUCKET_IGNORE_ARGS (the analysis
 * grouping) the key's lock bit is 0, but the stored bucket ORs in its goroutines' flags; once a
 * "locked to thread" goroutine joins a bucket, key_eq() compares (bucket.flags & GM_G_LOCKED) = 1
 * against the key's 0 and every later goroutine with the same stack and state opens a NEW bucket
 * with the same key. Here: ids 2,4 in one "chan receive" bucket and id 5 alone in a second one. */
Test(bucket, ignore_args_merges_locked_and_unlocked,
     .description = "regression: IGNORE_ARGS bucket splits after a locked goroutine joins it")
{
    load(locked_mix, GM_SIM_EXACT);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, GM_BUCKET_IGNORE_ARGS, &b), 0);
    cr_assert_eq(b.nr, 2u, "one bucket per (stack, state), got %u", b.nr);
    cr_assert_eq(b.v[0].count, 3u);
    gm_buckets_release(&b);
}

/* Key uniqueness, whichever way the grouping goes: no two buckets share a key. */
Test(bucket, ignore_args_buckets_have_distinct_keys_without_locks)
{
    load(same_stack_diff_args, GM_SIM_EXACT);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, GM_BUCKET_IGNORE_ARGS, &b), 0);
    for (uint32_t i = 0; i < b.nr; i++) {
        for (uint32_t j = i + 1; j < b.nr; j++) {
            cr_assert(b.v[i].stack_id != b.v[j].stack_id || b.v[i].state_id != b.v[j].state_id);
        }
    }
    gm_buckets_release(&b);
}

/* Builds a dump of groups of goroutines: n[i] goroutines on stack line 10+i. */
static char *build_groups(const unsigned *n, size_t groups, const unsigned *minutes)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    unsigned id = 1;
    for (size_t gi = 0; gi < groups; gi++) {
        for (unsigned k = 0; k < n[gi]; k++) {
            if (minutes && minutes[id - 1]) {
                fprintf(f, "goroutine %u [chan receive, %u minutes]:\n", id, minutes[id - 1]);
            } else {
                fprintf(f, "goroutine %u [chan receive]:\n", id);
            }
            fprintf(f, "main.g%zu()\n\t/x/main.go:%zu +0x1\n\n", gi, 10 + gi);
            id++;
        }
    }
    fclose(f);
    return buf;
}

Test(bucket, sorted_by_count_descending)
{
    static const unsigned n[] = {1, 3, 5, 2, 5, 12};
    char *text = build_groups(n, 6, NULL);
    load(text, GM_SIM_EXACT);
    free(text);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, 0, &b), 0);
    cr_assert_eq(b.nr, 6u);
    static const uint64_t want[] = {12, 5, 5, 3, 2, 1};
    uint64_t total = 0;
    for (uint32_t i = 0; i < b.nr; i++) {
        cr_assert_eq(b.v[i].count, want[i], "bucket %u count %llu", i,
                     (unsigned long long)b.v[i].count);
        total += b.v[i].count;
        if (i) {
            cr_assert_geq(b.v[i - 1].count, b.v[i].count);
        }
    }
    cr_assert_eq(total, S.dumps[0].goroutines);
    /* the two buckets of 5: the one that appeared first (ids 5..9) comes first */
    cr_assert_eq(b.v[1].ids[0], 5u);
    cr_assert_eq(b.v[2].ids[0], 12u);
    cr_assert_lt(b.v[1].first_g, b.v[2].first_g);
    /* the 12-bucket keeps the first GM_BUCKET_IDS ids in order */
    cr_assert_eq(b.v[0].ids_nr, (uint32_t)GM_BUCKET_IDS);
    for (uint32_t k = 0; k < GM_BUCKET_IDS; k++) {
        cr_assert_eq(b.v[0].ids[k], 17u + k);
    }
    cr_assert_eq(b.v[0].records, 12u);
    gm_buckets_release(&b);
}

Test(bucket, age_range)
{
    static const unsigned n[] = {4, 1};
    static const unsigned minutes[] = {7, 3, 15, 0, 42};
    char *text = build_groups(n, 2, minutes);
    load(text, GM_SIM_EXACT);
    free(text);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, 0, &b), 0);
    cr_assert_eq(b.nr, 2u);
    cr_assert_eq(b.v[0].count, 4u);
    cr_assert_eq(b.v[0].min_minutes, 0u, "a goroutine without minutes is younger than 1");
    cr_assert_eq(b.v[0].max_minutes, 15u);
    cr_assert_eq(b.v[1].min_minutes, 42u);
    cr_assert_eq(b.v[1].max_minutes, 42u);
    gm_buckets_release(&b);
}

Test(bucket, age_range_all_with_minutes)
{
    static const unsigned n[] = {3};
    static const unsigned minutes[] = {7, 3, 15};
    char *text = build_groups(n, 1, minutes);
    load(text, GM_SIM_AGGRESSIVE);
    free(text);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, 0, &b), 0);
    cr_assert_eq(b.nr, 1u);
    cr_assert_eq(b.v[0].min_minutes, 3u);
    cr_assert_eq(b.v[0].max_minutes, 15u);
    gm_buckets_release(&b);
}

Test(bucket, wait_objects)
{
    load("goroutine 2 [chan receive]:\n"
         "runtime.chanrecv1(0xc000010000, 0x0)\n\t/go/src/runtime/chan.go:442 +0x18\n"
         "main.w(0x1)\n\t/x/main.go:10 +0x1\n\n"
         "goroutine 3 [chan receive]:\n"
         "runtime.chanrecv1(0xc000010000, 0x0)\n\t/go/src/runtime/chan.go:442 +0x18\n"
         "main.w(0x2)\n\t/x/main.go:10 +0x1\n\n"
         "goroutine 4 [chan send]:\n"
         "runtime.chansend1(0xc000020000, 0x0)\n\t/go/src/runtime/chan.go:145 +0x18\n"
         "main.s()\n\t/x/main.go:20 +0x1\n\n"
         "goroutine 5 [chan send]:\n"
         "runtime.chansend1(0xc000030000, 0x0)\n\t/go/src/runtime/chan.go:145 +0x18\n"
         "main.s()\n\t/x/main.go:20 +0x1\n\n"
         "goroutine 6 [chan send]:\n"
         "runtime.chansend1(0xc000040000, 0x0)\n\t/go/src/runtime/chan.go:145 +0x18\n"
         "main.s()\n\t/x/main.go:20 +0x1\n",
         GM_SIM_EXACT);
    cr_assert_eq(gm_gdump_g(&S, 0)->wait_obj, 0xc000010000u);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, GM_BUCKET_IGNORE_ARGS, &b), 0);
    cr_assert_eq(b.nr, 2u);
    cr_assert_eq(b.v[0].count, 3u);
    cr_assert_eq(b.v[0].objects, 3u, "each sender on its own channel");
    cr_assert_eq(b.v[0].object, 0u);
    cr_assert_eq(b.v[1].count, 2u);
    cr_assert_eq(b.v[1].objects, 1u, "receivers share a channel");
    cr_assert_eq(b.v[1].object, 0xc000010000u);
    gm_buckets_release(&b);
}

Test(bucket, debug1_weights_and_labels)
{
    load("goroutine profile: total 10\n"
         "4 @ 0x1\n# labels: {\"a\":\"1\"}\n#\t0x1\tmain.f+0x1\t/x/main.go:1\n\n"
         "5 @ 0x1\n# labels: {\"a\":\"2\"}\n#\t0x1\tmain.f+0x1\t/x/main.go:1\n\n"
         "1 @ 0x2\n#\t0x2\tmain.g+0x1\t/x/main.go:2\n\n",
         GM_SIM_EXACT);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, 0, &b), 0);
    cr_assert_eq(b.nr, 3u, "labels split display buckets");
    cr_assert_eq(b.v[0].count, 5u);
    cr_assert_eq(b.v[0].records, 1u);
    cr_assert_eq(b.v[0].ids_nr, 0u, "debug=1 records have no ids");
    cr_assert_eq(b.v[1].count, 4u);
    gm_buckets_release(&b);
    cr_assert_eq(gm_bucket_dump(&S, 0, GM_BUCKET_IGNORE_ARGS, &b), 0);
    cr_assert_eq(b.nr, 2u);
    cr_assert_eq(b.v[0].count, 9u);
    cr_assert_eq(b.v[0].records, 2u);
    cr_assert_eq(b.v[1].count, 1u);
    gm_buckets_release(&b);
}

Test(bucket, second_dump_of_a_set)
{
    const char *t = "goroutine 1 [select]:\nmain.a()\n\t/x/main.go:1 +0x1\n\n"
                    "goroutine 1 [select]:\nmain.a()\n\t/x/main.go:1 +0x1\n\n"
                    "goroutine 2 [select]:\nmain.a()\n\t/x/main.go:1 +0x1\n";
    cr_assert_eq(gm_gdump_set_init(&S, NULL, GM_SIM_EXACT), 0);
    cr_assert_eq(gm_gdump_parse(&S, t, strlen(t), NULL), 2);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 1, 0, &b), 0);
    cr_assert_eq(b.nr, 1u);
    cr_assert_eq(b.v[0].count, 2u, "only the second dump's goroutines");
    cr_assert_eq(b.v[0].first_g, 1u, "first_g indexes the set");
    cr_assert_eq(b.v[0].ids[0], 1u);
    cr_assert_eq(b.v[0].ids[1], 2u);
    gm_buckets_release(&b);
    cr_assert_eq(gm_bucket_dump(&S, 0, 0, &b), 0);
    cr_assert_eq(b.nr, 1u);
    cr_assert_eq(b.v[0].count, 1u);
    gm_buckets_release(&b);
}

Test(bucket, fixture_chan_send_blocked)
{
    cr_assert_eq(gm_gdump_set_init(&S, NULL, GM_SIM_EXACT), 0);
    cr_assert_eq(gm_load_dumps(&S, "testdata/goroutine/y_chan-send-blocked.txt", NULL), 1);
    struct gm_buckets b;
    cr_assert_eq(gm_bucket_dump(&S, 0, GM_BUCKET_IGNORE_ARGS, &b), 0);
    cr_assert_geq(b.nr, 2u);
    cr_assert_eq(b.v[0].count, 55u);
    cr_assert_str_eq(gm_strtab_cstr(&S.stacks.strs, b.v[0].state_id), "chan send");
    uint64_t total = 0;
    for (uint32_t i = 0; i < b.nr; i++) {
        total += b.v[i].count;
    }
    cr_assert_eq(total, 56u);
    gm_buckets_release(&b);
}

/* Buckets of 3 (ids 2,5,7), 2 (3,6), 1 (4) and 1 (8): chan receive x, select y, sleep z. */
static const char sizes_3_2_1_1[] = "goroutine 2 [chan receive]:\nmain.x()\n\t/x/main.go:1 +0x1\n\n"
                                    "goroutine 3 [select]:\nmain.y()\n\t/x/main.go:2 +0x1\n\n"
                                    "goroutine 4 [sleep]:\nmain.z()\n\t/x/main.go:3 +0x1\n\n"
                                    "goroutine 5 [chan receive]:\nmain.x()\n\t/x/main.go:1 +0x1\n\n"
                                    "goroutine 6 [select]:\nmain.y()\n\t/x/main.go:2 +0x1\n\n"
                                    "goroutine 7 [chan receive]:\nmain.x()\n\t/x/main.go:1 +0x1\n\n"
                                    "goroutine 8 [sleep]:\nmain.w()\n\t/x/main.go:4 +0x1\n";

Test(bucket, select_keeps_the_largest_and_counts_the_rest)
{
    load(sizes_3_2_1_1, GM_SIM_EXACT);
    struct gm_buckets b;
    struct gm_bucket_opts o = {.max = 3};
    cr_assert_eq(gm_bucket_select(&S, 0, &o, &b), 0);
    cr_assert_eq(b.nr, 3u);
    cr_assert_eq(b.total, 4u);
    cr_assert_eq(b.rest, 1u, "goroutine 8's bucket is not kept");
    cr_assert_eq(b.v[0].count, 3u);
    cr_assert_eq(b.v[0].records, 3u);
    cr_assert_eq(b.v[0].ids_nr, 3u);
    cr_assert_eq(b.v[0].ids[2], 7u);
    cr_assert_eq(b.v[1].count, 2u);
    cr_assert_eq(b.v[1].ids[0], 3u);
    cr_assert_eq(b.v[2].ids[0], 4u, "of the two 1-goroutine buckets, the first in the dump");
    gm_buckets_release(&b);

    o.max = 1;
    cr_assert_eq(gm_bucket_select(&S, 0, &o, &b), 0);
    cr_assert_eq(b.nr, 1u);
    cr_assert_eq(b.total, 4u);
    cr_assert_eq(b.rest, 4u);
    cr_assert_eq(b.v[0].ids[0], 2u);
    gm_buckets_release(&b);
}

Test(bucket, select_max_zero_or_large_keeps_all)
{
    load(sizes_3_2_1_1, GM_SIM_EXACT);
    struct gm_buckets all, b;
    cr_assert_eq(gm_bucket_dump(&S, 0, 0, &all), 0);
    struct gm_bucket_opts o = {.max = 100};
    cr_assert_eq(gm_bucket_select(&S, 0, &o, &b), 0);
    cr_assert_eq(all.nr, 4u);
    cr_assert_eq(all.total, 4u);
    cr_assert_eq(all.rest, 0u);
    cr_assert_eq(b.nr, 4u);
    cr_assert_eq(b.rest, 0u);
    for (uint32_t i = 0; i < 4; i++) {
        cr_assert_eq(b.v[i].first_g, all.v[i].first_g);
        cr_assert_eq(b.v[i].count, all.v[i].count);
    }
    cr_assert_eq(all.v[3].ids[0], 8u);
    gm_buckets_release(&all);
    gm_buckets_release(&b);
}

static int not_chan_receive(void *ctx, uint32_t stack_id, uint32_t state_id)
{
    (void)stack_id;
    int *calls = ctx;
    (*calls)++;
    return strcmp(gm_strtab_cstr(&S.stacks.strs, state_id), "chan receive") != 0;
}

Test(bucket, select_filter_drops_buckets_before_ranking)
{
    load(sizes_3_2_1_1, GM_SIM_EXACT);
    struct gm_buckets b;
    int calls = 0;
    struct gm_bucket_opts o = {.max = 2, .keep = not_chan_receive, .keep_ctx = &calls};
    cr_assert_eq(gm_bucket_select(&S, 0, &o, &b), 0);
    cr_assert_eq(calls, 4, "the filter is asked once per bucket, not per goroutine");
    cr_assert_eq(b.total, 3u);
    cr_assert_eq(b.nr, 2u, "the filtered bucket does not take a place among the largest");
    cr_assert_eq(b.v[0].ids[0], 3u);
    cr_assert_eq(b.v[1].ids[0], 4u);
    cr_assert_eq(b.rest, 1u);
    gm_buckets_release(&b);
}

Test(bucket, select_among_many_distinct_keeps_dump_order)
{
    /* 20000 goroutines, each with its own argument: 20000 exact buckets of 1; keeping 5 must
     * give the first five in dump order and count the rest */
    size_t cap = 20000 * 64 + 1, n = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    for (int i = 0; i < 20000; i++) {
        n += (size_t)snprintf(text + n, cap - n,
                              "goroutine %d [chan receive]:\nmain.w(0x%x)\n\t/x/m.go:1 +0x1\n\n",
                              i + 1, i + 1);
    }
    load(text, GM_SIM_EXACT);
    free(text);
    struct gm_buckets b;
    struct gm_bucket_opts o = {.max = 5};
    cr_assert_eq(gm_bucket_select(&S, 0, &o, &b), 0);
    cr_assert_eq(b.total, 20000u);
    cr_assert_eq(b.nr, 5u);
    cr_assert_eq(b.rest, 19995u);
    for (uint32_t i = 0; i < 5; i++) {
        cr_assert_eq(b.v[i].ids[0], i + 1, "bucket %u", i);
        cr_assert_eq(b.v[i].count, 1u);
    }
    gm_buckets_release(&b);
}
