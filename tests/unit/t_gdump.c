/* Unit tests of gm/gdump.h: the goroutine dump parsers (full and debug=1 forms). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm/artifact.h"
#include "gm/gdump.h"
#include "gm/input.h"

/* ------------------------------------------------------------ helpers */

static struct gm_gdump_set S;
static struct gm_diag D;

static void setup(void)
{
    cr_assert_eq(gm_gdump_set_init(&S, NULL, GM_SIM_EXACT), 0);
    memset(&D, 0, sizeof(D));
}

static void teardown(void)
{
    gm_gdump_set_release(&S);
}

static int parse(const char *text)
{
    return gm_gdump_parse(&S, text, strlen(text), &D);
}

/* Parses text and requires exactly `dumps` dumps. */
static void parse_ok(const char *text, int dumps)
{
    int rc = parse(text);
    cr_assert_eq(rc, dumps, "parse rc=%d (diag line %llu: %s)", rc, (unsigned long long)D.line,
                 D.msg);
}

static const struct gm_goroutine *G(uint32_t i)
{
    cr_assert_lt(i, S.g_nr, "goroutine index %u of %u", i, S.g_nr);
    return gm_gdump_g(&S, i);
}

static const struct gm_stack *STK(const struct gm_goroutine *g)
{
    return gm_stacks_get(&S.stacks, g->stack_id);
}

static const char *func_at(const struct gm_goroutine *g, uint32_t k)
{
    const struct gm_stack *st = STK(g);
    cr_assert_lt(k, st->nr);
    return gm_stacks_func(&S.stacks, gm_stack_frames(&S.stacks, st)[k]);
}

static const char *file_at(const struct gm_goroutine *g, uint32_t k)
{
    const struct gm_stack *st = STK(g);
    cr_assert_lt(k, st->nr);
    return gm_stacks_file(&S.stacks, gm_stack_frames(&S.stacks, st)[k]);
}

static uint32_t line_at(const struct gm_goroutine *g, uint32_t k)
{
    const struct gm_stack *st = STK(g);
    cr_assert_lt(k, st->nr);
    return gm_stacks_get_frame(&S.stacks, gm_stack_frames(&S.stacks, st)[k])->line;
}

static const char *creator(const struct gm_goroutine *g)
{
    const struct gm_stack *st = STK(g);
    return st->created_by == GM_NO_FRAME ? NULL : gm_stacks_func(&S.stacks, st->created_by);
}

TestSuite(gdump, .init = setup, .fini = teardown);

/* ------------------------------------------------------------ full dumps */

Test(gdump, basic_header_and_frames)
{
    parse_ok("goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:10 +0x1d\n"
             "\n"
             "goroutine 18 [chan receive]:\n"
             "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
             "\t/go/src/runtime/proc.go:363 +0xd6\n"
             "main.worker(0xc000010000, 0x2a)\n"
             "\t/x/main.go:20 +0x36\n"
             "created by main.main\n"
             "\t/x/main.go:8 +0x2b\n",
             1);
    cr_assert_eq(S.dumps_nr, 1u);
    const struct gm_dump *d = &S.dumps[0];
    cr_assert_eq(d->kind, GM_DUMP_FULL);
    cr_assert_eq(d->nr, 2u);
    cr_assert_eq(d->goroutines, 2u);
    cr_assert_eq(d->first, 0u);
    cr_assert_eq(d->truncated, 0);
    cr_assert_eq(d->time, -1);
    cr_assert_eq(d->preamble_id, 0u);
    cr_assert_eq(d->line_first, 1u);

    const struct gm_goroutine *g = G(0);
    cr_assert_eq(gm_g_id(g), 1u);
    cr_assert_str_eq(gm_gdump_state(&S, g), "running");
    cr_assert_eq(gm_g_weight(g), 1u);
    cr_assert(g->flags & GM_G_FIRST);
    cr_assert_eq(STK(g)->nr, 1u);
    cr_assert_str_eq(func_at(g, 0), "main.main");
    cr_assert_str_eq(file_at(g, 0), "/x/main.go");
    cr_assert_eq(line_at(g, 0), 10u);
    cr_assert_null(creator(g));

    g = G(1);
    cr_assert_eq(gm_g_id(g), 18u);
    cr_assert_str_eq(gm_gdump_state(&S, g), "chan receive");
    cr_assert_not(g->flags & GM_G_FIRST);
    cr_assert_eq(STK(g)->nr, 2u);
    cr_assert_str_eq(func_at(g, 0), "runtime.gopark");
    cr_assert_str_eq(func_at(g, 1), "main.worker");
    cr_assert_eq(line_at(g, 1), 20u);
    cr_assert_str_eq(creator(g), "main.main");
    cr_assert_eq(g->minutes, 0u);
    cr_assert_eq(g->flags & (GM_G_LOCKED | GM_G_LEAKED | GM_G_TRUNCATED | GM_G_ELIDED), 0u);
}

Test(gdump, same_stack_same_id)
{
    parse_ok("goroutine 2 [chan receive]:\nmain.w(0x1)\n\t/x/a.go:3 +0x1\n\n"
             "goroutine 3 [chan receive]:\nmain.w(0x2)\n\t/x/a.go:3 +0x1\n\n"
             "goroutine 4 [chan receive]:\nmain.w(0x2)\n\t/x/a.go:4 +0x1\n",
             1);
    cr_assert_eq(G(0)->stack_id, G(1)->stack_id, "arguments are not part of the stack");
    cr_assert_neq(G(0)->stack_id, G(2)->stack_id, "the line is");
    cr_assert_neq(G(0)->args_hash, G(1)->args_hash, "exact similarity tells arguments apart");
    cr_assert_eq(G(0)->state_id, G(1)->state_id);
}

Test(gdump, minutes)
{
    parse_ok("goroutine 7 [chan receive, 15 minutes]:\nmain.f()\n\t/x/a.go:1 +0x1\n", 1);
    cr_assert_eq(G(0)->minutes, 15u);
    cr_assert_str_eq(gm_gdump_state(&S, G(0)), "chan receive");
}

Test(gdump, locked_to_thread)
{
    parse_ok("goroutine 7 [syscall, locked to thread]:\nmain.f()\n\t/x/a.go:1 +0x1\n\n"
             "goroutine 8 [select, 2 minutes, locked to thread]:\nmain.g()\n\t/x/a.go:2 +0x1\n\n"
             "goroutine 9 [select]:\nmain.g()\n\t/x/a.go:2 +0x1\n",
             1);
    cr_assert(G(0)->flags & GM_G_LOCKED);
    cr_assert_str_eq(gm_gdump_state(&S, G(0)), "syscall");
    cr_assert(G(1)->flags & GM_G_LOCKED);
    cr_assert_eq(G(1)->minutes, 2u);
    cr_assert_str_eq(gm_gdump_state(&S, G(1)), "select");
    cr_assert_not(G(2)->flags & GM_G_LOCKED);
}

Test(gdump, go123_header_with_gp_and_m)
{
    parse_ok("goroutine 1 gp=0xc0000061c0 m=nil [semacquire, 15 minutes]:\n"
             "sync.runtime_Semacquire(0xc000012345?)\n"
             "\t/go/src/runtime/sema.go:71 +0x25\n"
             "main.main()\n"
             "\t/x/main.go:12 +0x1\n"
             "\n"
             "goroutine 2 gp=0xc000006700 m=0 mp=0x5c8a60 [running]:\n"
             "main.g()\n"
             "\t/x/main.go:13 +0x1\n",
             1);
    cr_assert_eq(gm_g_id(G(0)), 1u);
    cr_assert_str_eq(gm_gdump_state(&S, G(0)), "semacquire");
    cr_assert_eq(G(0)->minutes, 15u);
    cr_assert_eq(STK(G(0))->nr, 2u);
    cr_assert_eq(gm_g_id(G(1)), 2u);
    cr_assert_str_eq(gm_gdump_state(&S, G(1)), "running");
}

Test(gdump, created_by_in_goroutine)
{
    parse_ok("goroutine 21 [chan send]:\n"
             "main.produce(0xc000020000)\n"
             "\t/x/main.go:30 +0x1\n"
             "created by main.(*Server).start in goroutine 1\n"
             "\t/x/main.go:25 +0x99\n",
             1);
    cr_assert_str_eq(creator(G(0)), "main.(*Server).start");
    cr_assert_eq(STK(G(0))->nr, 1u, "the creator is not a frame of the stack");
}

Test(gdump, creator_is_part_of_stack_identity)
{
    parse_ok("goroutine 2 [select]:\nmain.f()\n\t/x/a.go:1 +0x1\ncreated by main.a\n\t/x/a.go:9\n\n"
             "goroutine 3 [select]:\nmain.f()\n\t/x/a.go:1 +0x1\ncreated by main.b\n\t/x/a.go:9\n\n"
             "goroutine 4 [select]:\nmain.f()\n\t/x/a.go:1 +0x1\n"
             "created by main.a in goroutine 7\n\t/x/a.go:9\n",
             1);
    cr_assert_neq(G(0)->stack_id, G(1)->stack_id);
    cr_assert_eq(G(0)->stack_id, G(2)->stack_id, "parent goroutine id is not part of the stack");
}

Test(gdump, elided_frames)
{
    parse_ok("goroutine 5 [running]:\n"
             "main.rec(0x64)\n"
             "\t/x/main.go:5 +0x1\n"
             "main.rec(0x63)\n"
             "\t/x/main.go:5 +0x1\n"
             "...additional frames elided...\n"
             "created by main.main in goroutine 1\n"
             "\t/x/main.go:9 +0x1\n"
             "\n"
             "goroutine 6 [running]:\n"
             "main.rec(0x64)\n"
             "\t/x/main.go:5 +0x1\n"
             "...3 frames elided...\n"
             "main.top()\n"
             "\t/x/main.go:2 +0x1\n",
             1);
    cr_assert_eq(S.dumps[0].nr, 2u);
    cr_assert(G(0)->flags & GM_G_ELIDED);
    cr_assert_eq(STK(G(0))->nr, 2u);
    cr_assert(G(1)->flags & GM_G_ELIDED);
    cr_assert_eq(STK(G(1))->nr, 2u);
    cr_assert_str_eq(func_at(G(1), 1), "main.top");
}

Test(gdump, ancestors_do_not_add_frames)
{
    parse_ok("goroutine 7 [chan receive]:\n"
             "main.worker()\n"
             "\t/x/main.go:20 +0x1\n"
             "created by main.spawn in goroutine 6\n"
             "\t/x/main.go:15 +0x2\n"
             "[originating from goroutine 6]:\n"
             "main.spawn(...)\n"
             "\t/x/main.go:15 +0x3\n"
             "created by main.main in goroutine 1\n"
             "\t/x/main.go:5 +0x4\n"
             "[originating from goroutine 1]:\n"
             "main.main(...)\n"
             "\t/x/main.go:5 +0x5\n"
             "\n"
             "goroutine 8 [chan receive]:\n"
             "main.worker()\n"
             "\t/x/main.go:20 +0x1\n"
             "created by main.spawn in goroutine 6\n"
             "\t/x/main.go:15 +0x2\n",
             1);
    cr_assert_eq(S.dumps[0].nr, 2u);
    const struct gm_goroutine *g = G(0);
    cr_assert(g->flags & GM_G_ANCESTORS);
    cr_assert_eq(STK(g)->nr, 1u, "ancestor frames must not be added, got %u", STK(g)->nr);
    cr_assert_str_eq(func_at(g, 0), "main.worker");
    cr_assert_str_eq(creator(g), "main.spawn");
    cr_assert_geq(S.ancestors, 1u);
    cr_assert_eq(G(0)->stack_id, G(1)->stack_id, "same stack with or without ancestors");
    cr_assert_not(G(1)->flags & GM_G_ANCESTORS);
}

/* Regression test (a bug found by this suite, fixed): set->ancestors ("[originating from goroutine
 * N] blocks skipped") counts only the first ancestor block of a goroutine: once in M_ANCESTOR mode,
 * g_line() returns before looking at the next "[originating from goroutine N]:" line. */
Test(gdump, ancestors_counts_every_block,
     .description = "regression: set->ancestors counts one block per goroutine, not every block")
{
    parse_ok("goroutine 7 [chan receive]:\n"
             "main.worker()\n"
             "\t/x/main.go:20 +0x1\n"
             "created by main.spawn in goroutine 6\n"
             "\t/x/main.go:15 +0x2\n"
             "[originating from goroutine 6]:\n"
             "main.spawn(...)\n"
             "\t/x/main.go:15 +0x3\n"
             "created by main.main in goroutine 1\n"
             "\t/x/main.go:5 +0x4\n"
             "[originating from goroutine 1]:\n"
             "main.main(...)\n"
             "\t/x/main.go:5 +0x5\n",
             1);
    cr_assert_eq(S.ancestors, 2u, "ancestors=%llu", (unsigned long long)S.ancestors);
}

Test(gdump, leaked_state)
{
    parse_ok("goroutine 7 [chan send (leaked)]:\n"
             "main.produce(0xc000020000)\n"
             "\t/x/main.go:30 +0x1\n"
             "\n"
             "goroutine 8 [chan send]:\n"
             "main.produce(0xc000020000)\n"
             "\t/x/main.go:30 +0x1\n"
             "\n"
             "goroutine 9 [chan receive (leaked), 3 minutes]:\n"
             "main.consume()\n"
             "\t/x/main.go:40 +0x1\n",
             1);
    cr_assert(G(0)->flags & GM_G_LEAKED);
    cr_assert_str_eq(gm_gdump_state(&S, G(0)), "chan send");
    cr_assert_eq(G(0)->state_id, G(1)->state_id, "(leaked) is stripped from the interned state");
    cr_assert_not(G(1)->flags & GM_G_LEAKED);
    cr_assert(G(2)->flags & GM_G_LEAKED);
    cr_assert_str_eq(gm_gdump_state(&S, G(2)), "chan receive");
    cr_assert_eq(G(2)->minutes, 3u);
}

Test(gdump, scan_and_durable_and_nil_chan_states)
{
    parse_ok("goroutine 7 [chan receive (scan)]:\nmain.f()\n\t/x/main.go:3 +0x1\n\n"
             "goroutine 8 [chan send (nil chan)]:\nmain.f()\n\t/x/main.go:3 +0x1\n\n"
             "goroutine 9 [sync.Cond.Wait (durable)]:\nmain.f()\n\t/x/main.go:3 +0x1\n",
             1);
    cr_assert(G(0)->flags & GM_G_SCAN);
    cr_assert_str_eq(gm_gdump_state(&S, G(0)), "chan receive");
    cr_assert_str_eq(gm_gdump_state(&S, G(1)), "chan send (nil chan)",
                     "(nil chan) is part of the state");
    cr_assert_eq(G(1)->flags & (GM_G_SCAN | GM_G_LEAKED), 0u);
    cr_assert(G(2)->flags & GM_G_DURABLE);
}

Test(gdump, state_tags_combined_at_the_start_or_missing)
{
    /* two tags after a "(nil chan)"; a tag without the space before it is text; an empty
       state (a fuzzer found it reading before the state) */
    parse_ok(
        "goroutine 7 [chan receive (nil chan) (scan) (leaked)]:\nmain.f()\n\t/x/m.go:3 +0x1\n\n"
        "goroutine 8 [(leaked)]:\nmain.f()\n\t/x/m.go:3 +0x1\n\n"
        "goroutine 9 [, 2 minutes]:\nmain.f()\n\t/x/m.go:3 +0x1\n",
        1);
    cr_assert(G(0)->flags & GM_G_SCAN);
    cr_assert(G(0)->flags & GM_G_LEAKED);
    cr_assert_str_eq(gm_gdump_state(&S, G(0)), "chan receive (nil chan)");
    cr_assert_not(G(1)->flags & GM_G_LEAKED, "no space before '(': not the tag");
    cr_assert_str_eq(gm_gdump_state(&S, G(1)), "(leaked)");
    cr_assert_str_eq(gm_gdump_state(&S, G(2)), "");
    cr_assert_eq(G(2)->minutes, 2u);
}

Test(gdump, fp_sp_pc_suffix)
{
    parse_ok("goroutine 1 [running]:\n"
             "runtime.gopark(0x0?)\n"
             "\t/go/src/runtime/proc.go:363 +0xd6 fp=0xc000046f38 sp=0xc000046f18 pc=0x4377b6\n"
             "main.main()\n"
             "\t/x/main.go:10 fp=0xc000046fd0 sp=0xc000046f38 pc=0x4b8d6b\n"
             "runtime.goexit()\n"
             "\t/go/src/runtime/asm_amd64.s:1594 +0x1 fp=0xc000046fe8 sp=0xc000046fe0 "
             "pc=0x462ca1\n",
             1);
    const struct gm_goroutine *g = G(0);
    cr_assert_eq(STK(g)->nr, 3u);
    cr_assert_str_eq(file_at(g, 0), "/go/src/runtime/proc.go");
    cr_assert_eq(line_at(g, 0), 363u);
    cr_assert_str_eq(file_at(g, 1), "/x/main.go");
    cr_assert_eq(line_at(g, 1), 10u);
    cr_assert_str_eq(file_at(g, 2), "/go/src/runtime/asm_amd64.s");
    cr_assert_eq(line_at(g, 2), 1594u);
}

Test(gdump, file_line_without_offset_and_windows_path)
{
    parse_ok("goroutine 1 [running]:\n"
             "main.f(...)\n"
             "\t/x/main.go:7\n"
             "main.main()\n"
             "\tC:/Users/x/main.go:12 +0x1\n",
             1);
    cr_assert_str_eq(file_at(G(0), 0), "/x/main.go");
    cr_assert_eq(line_at(G(0), 0), 7u);
    cr_assert_str_eq(file_at(G(0), 1), "C:/Users/x/main.go");
    cr_assert_eq(line_at(G(0), 1), 12u);
}

Test(gdump, file_paths_with_spaces_and_plus_signs)
{
    /* the last space of the line is the offset's only when what follows is "+0x..." without
       a ':'; a " +" or a space inside the path is part of the file name */
    parse_ok("goroutine 1 [running]:\n"
             "main.f(...)\n"
             "\t/x/my dir/main.go:7\n"
             "main.g(...)\n"
             "\t/x/a +b/main.go:8\n"
             "main.h(...)\n"
             "\t/x/a +b/main.go:9 +0x2f\n"
             "main.main()\n"
             "\t/x/C++ code/main.go:12 +0x1 fp=0xc000046fd0 sp=0xc000046f38 pc=0x4b8d6b\n"
             "created by main.start in goroutine 17\n"
             "\t/x/main.go:3 +0x1\n",
             1);
    cr_assert_str_eq(file_at(G(0), 0), "/x/my dir/main.go");
    cr_assert_eq(line_at(G(0), 0), 7u);
    cr_assert_str_eq(file_at(G(0), 1), "/x/a +b/main.go");
    cr_assert_eq(line_at(G(0), 1), 8u);
    cr_assert_str_eq(file_at(G(0), 2), "/x/a +b/main.go");
    cr_assert_eq(line_at(G(0), 2), 9u);
    cr_assert_str_eq(file_at(G(0), 3), "/x/C++ code/main.go");
    cr_assert_eq(line_at(G(0), 3), 12u);
    cr_assert_str_eq(creator(G(0)), "main.start", "' in goroutine N' is cut off");
}

Test(gdump, creator_without_goroutine_suffix_keeps_its_name)
{
    parse_ok("goroutine 2 [select]:\n"
             "main.f()\n"
             "\t/x/main.go:7 +0x1\n"
             "created by main.in goroutine\n"
             "\t/x/main.go:3 +0x1\n",
             1);
    cr_assert_str_eq(creator(G(0)), "main.in goroutine", "no digits: not the Go 1.21 suffix");
}

Test(gdump, no_stack_available)
{
    parse_ok("goroutine 3 [running]:\n"
             "\tgoroutine running on other thread; stack unavailable\n"
             "created by main.main in goroutine 1\n"
             "\t/x/main.go:9 +0x1\n",
             1);
    cr_assert(G(0)->flags & GM_G_NO_STACK);
    cr_assert_eq(STK(G(0))->nr, 0u);
}

Test(gdump, crlf_input)
{
    const char *lf = "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:10 +0x1d\n\n"
                     "goroutine 2 [chan receive, 4 minutes]:\nmain.f(0x1)\n\t/x/main.go:20 +0x1\n"
                     "created by main.main in goroutine 1\n\t/x/main.go:9 +0x2\n";
    const char *crlf = "goroutine 1 [running]:\r\nmain.main()\r\n\t/x/main.go:10 +0x1d\r\n\r\n"
                       "goroutine 2 [chan receive, 4 minutes]:\r\nmain.f(0x1)\r\n"
                       "\t/x/main.go:20 +0x1\r\n"
                       "created by main.main in goroutine 1\r\n\t/x/main.go:9 +0x2\r\n";
    parse_ok(lf, 1);
    parse_ok(crlf, 1);
    cr_assert_eq(S.dumps_nr, 2u);
    cr_assert_eq(S.dumps[1].nr, 2u);
    /* identical model: the same interned stacks and states */
    for (uint32_t i = 0; i < 2; i++) {
        const struct gm_goroutine *a = G(i), *b = G(2 + i);
        cr_assert_eq(a->stack_id, b->stack_id, "goroutine %u: CR leaked into the stack", i);
        cr_assert_eq(a->state_id, b->state_id);
        cr_assert_eq(a->args_hash, b->args_hash);
        cr_assert_eq(a->minutes, b->minutes);
    }
    cr_assert_str_eq(gm_gdump_state(&S, G(3)), "chan receive");
    cr_assert_eq(S.dumps[1].truncated, 0);
}

Test(gdump, log_lines_before_and_after)
{
    parse_ok("2026/11/23 15:04:05 starting server\n"
             "some other log line\n"
             "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:10 +0x1d\n"
             "\n"
             "goroutine 2 [select]:\n"
             "main.loop()\n"
             "\t/x/main.go:30 +0x1d\n"
             "2026/11/23 15:04:06 shutting down\n"
             "exit status 2\n",
             1);
    cr_assert_eq(S.dumps[0].nr, 2u);
    cr_assert_eq(S.dumps[0].time, 1795446245);
    cr_assert_eq(S.dumps[0].line_first, 3u);
    cr_assert_eq(S.dumps[0].truncated, 0);
    cr_assert_eq(S.skipped_lines, 4u, "skipped %llu", (unsigned long long)S.skipped_lines);
    cr_assert_eq(S.lines, 11u);
    cr_assert_eq(STK(G(1))->nr, 1u);
}

Test(gdump, two_dumps_by_repeated_goroutine_id)
{
    parse_ok("goroutine 1 [running]:\nmain.main()\n\t/x/main.go:10 +0x1\n\n"
             "goroutine 5 [select]:\nmain.f()\n\t/x/main.go:20 +0x1\n\n"
             "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:10 +0x1\n\n"
             "goroutine 5 [select]:\nmain.f()\n\t/x/main.go:20 +0x1\n\n"
             "goroutine 6 [select]:\nmain.f()\n\t/x/main.go:20 +0x1\n",
             2);
    cr_assert_eq(S.dumps_nr, 2u);
    cr_assert_eq(S.dumps[0].nr, 2u);
    cr_assert_eq(S.dumps[1].nr, 3u);
    cr_assert_eq(S.dumps[1].first, 2u);
    cr_assert_eq(S.dumps[1].goroutines, 3u);
    cr_assert(G(2)->flags & GM_G_FIRST);
    cr_assert_eq(G(0)->stack_id, G(2)->stack_id, "stacks are shared across dumps");
    cr_assert_eq(S.dumps[0].line_first, 1u);
    cr_assert_eq(S.dumps[1].line_first, 9u);
}

Test(gdump, two_dumps_by_preamble)
{
    parse_ok("goroutine 1 [running]:\nmain.main()\n\t/x/main.go:10 +0x1\n\n"
             "panic: second\n\n"
             "goroutine 2 [running]:\nmain.other()\n\t/x/main.go:11 +0x1\n",
             2);
    cr_assert_eq(S.dumps[0].nr, 1u);
    cr_assert_eq(S.dumps[1].nr, 1u);
    cr_assert_eq(S.dumps[0].preamble_id, 0u);
    cr_assert_str_eq(gm_strtab_cstr(&S.stacks.strs, S.dumps[1].preamble_id), "panic: second");
}

Test(gdump, panic_preamble)
{
    parse_ok("panic: boom\n"
             "\n"
             "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n"
             "exit status 2\n",
             1);
    cr_assert_neq(S.dumps[0].preamble_id, 0u);
    cr_assert_str_eq(gm_strtab_cstr(&S.stacks.strs, S.dumps[0].preamble_id), "panic: boom");
    cr_assert_eq(S.dumps[0].nr, 1u);
}

Test(gdump, fatal_error_preamble_wins)
{
    parse_ok("panic: first\n"
             "fatal error: all goroutines are asleep - deadlock!\n"
             "\n"
             "goroutine 1 [chan receive]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n",
             1);
    cr_assert_str_eq(gm_strtab_cstr(&S.stacks.strs, S.dumps[0].preamble_id),
                     "fatal error: all goroutines are asleep - deadlock!");
}

/* ------------------------------------------------------------ truncation */

Test(gdump, truncated_mid_frame_function)
{
    const char *t =
        "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1\n\n"
        "goroutine 2 [chan receive]:\nmain.f()\n\t/x/main.go:6 +0x1\n\n"
        "goroutine 3 [chan receive]:\nruntime.gopark(0x0?)\n\t/go/src/runtime/proc.go:363\n"
        "main.g(0xc0000";
    parse_ok(t, 1);
    const struct gm_dump *d = &S.dumps[0];
    cr_assert_eq(d->nr, 3u, "goroutines still counted");
    cr_assert_eq(d->goroutines, 3u);
    cr_assert(d->truncated);
    cr_assert_eq(d->trunc_off, strlen(t));
    cr_assert_eq(gm_g_id(G(2)), 3u);
    cr_assert_geq(STK(G(2))->nr, 1u, "complete frames are kept");
    cr_assert_str_eq(func_at(G(2), 0), "runtime.gopark");
    cr_assert_not(G(0)->flags & GM_G_TRUNCATED);
    cr_assert_not(G(1)->flags & GM_G_TRUNCATED);
}

/* Regression test (a bug found by this suite, fixed): when the input is cut inside a frame's
 * function line ("main.g(0xc0000", no newline), the last goroutine is not flagged GM_G_TRUNCATED
 * although the dump is marked truncated: the partial line is handled as an ordinary non-dump line
 * that ends the goroutine. gdump.h documents GM_G_TRUNCATED as "the input ended inside this
 * goroutine". */
Test(gdump, truncated_mid_function_line_flags_goroutine,
     .description =
         "regression: last goroutine not flagged GM_G_TRUNCATED when cut in a function line")
{
    parse_ok("goroutine 3 [chan receive]:\nruntime.gopark(0x0?)\n\t/go/src/runtime/proc.go:363\n"
             "main.g(0xc0000",
             1);
    cr_assert(S.dumps[0].truncated);
    cr_assert(G(0)->flags & GM_G_TRUNCATED);
}

Test(gdump, truncated_mid_file_line)
{
    const char *t = "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1\n\n"
                    "goroutine 2 [chan receive]:\nmain.f()\n\t/x/ma";
    parse_ok(t, 1);
    cr_assert(S.dumps[0].truncated);
    cr_assert_eq(S.dumps[0].trunc_off, strlen(t));
    cr_assert_eq(S.dumps[0].nr, 2u);
    cr_assert(G(1)->flags & GM_G_TRUNCATED);
    cr_assert_not(G(0)->flags & GM_G_TRUNCATED);
}

Test(gdump, truncated_after_function_line_with_newline)
{
    parse_ok("goroutine 2 [chan receive]:\nmain.f()\n\t/x/main.go:1 +0x1\nmain.g()\n", 1);
    cr_assert(S.dumps[0].truncated);
    cr_assert(G(0)->flags & GM_G_TRUNCATED);
}

Test(gdump, truncated_mid_header)
{
    const char *t = "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1\n\n"
                    "goroutine 2 [chan rec";
    parse_ok(t, 1);
    cr_assert(S.dumps[0].truncated);
    cr_assert_eq(S.dumps[0].nr, 1u, "a cut header is no goroutine");
}

/* Regression test (a bug found by this suite, fixed): a dump cut inside a header line right after a
 * blank line is marked truncated but its trunc_off stays 0 ("byte offset where it ended" per
 * gdump.h). */
Test(gdump, truncated_mid_header_trunc_off,
     .description = "regression: trunc_off stays 0 when the input is cut inside a header line")
{
    const char *t = "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1\n\n"
                    "goroutine 2 [chan rec";
    parse_ok(t, 1);
    cr_assert(S.dumps[0].truncated);
    cr_assert_eq(S.dumps[0].trunc_off, strlen(t));
}

Test(gdump, complete_input_is_not_truncated)
{
    parse_ok("goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1\n", 1);
    cr_assert_eq(S.dumps[0].truncated, 0);
    cr_assert_not(G(0)->flags & GM_G_TRUNCATED);
}

/* ------------------------------------------------------------ debug=1 */

Test(gdump, debug1_aggregated)
{
    parse_ok("goroutine profile: total 3\n"
             "2 @ 0x1 0x2\n"
             "# labels: {\"a\":\"b\"}\n"
             "#\t0x1\tmain.f+0x10\t/x/main.go:10\n"
             "#\t0x2\tmain.main+0x20\t/x/main.go:20\n"
             "\n"
             "1 @ 0x3\n"
             "#\t0x3\tmain.g+0x1\t\t/x/main.go:30\n"
             "\n",
             1);
    const struct gm_dump *d = &S.dumps[0];
    cr_assert_eq(d->kind, GM_DUMP_AGGREGATED);
    cr_assert_eq(d->total_declared, 3u);
    cr_assert_eq(d->nr, 2u);
    cr_assert_eq(d->goroutines, 3u);
    const struct gm_goroutine *g = G(0);
    cr_assert_eq(gm_g_weight(g), 2u);
    cr_assert_eq(gm_g_id(g), 0u);
    cr_assert_str_eq(gm_strtab_cstr(&S.stacks.strs, gm_g_labels(g)), "{\"a\":\"b\"}");
    cr_assert_str_eq(gm_gdump_state(&S, g), "");
    cr_assert_eq(STK(g)->nr, 2u);
    cr_assert_str_eq(func_at(g, 0), "main.f");
    cr_assert_str_eq(file_at(g, 0), "/x/main.go");
    cr_assert_eq(line_at(g, 0), 10u);
    cr_assert_str_eq(func_at(g, 1), "main.main");
    cr_assert_eq(line_at(g, 1), 20u);
    g = G(1);
    cr_assert_eq(gm_g_weight(g), 1u);
    cr_assert_eq(gm_g_labels(g), 0u);
    cr_assert_eq(STK(g)->nr, 1u);
    cr_assert_str_eq(func_at(g, 0), "main.g");
    cr_assert_eq(line_at(g, 0), 30u);
}

Test(gdump, debug1_fixture_sums_to_total)
{
    int rc = gm_load_dumps(&S, "testdata/goroutine/y_debug1.txt", &D);
    cr_assert_eq(rc, 1, "rc=%d %s", rc, D.msg);
    cr_assert_eq(S.dumps[0].kind, GM_DUMP_AGGREGATED);
    cr_assert_eq(S.dumps[0].total_declared, 16u);
    cr_assert_eq(S.dumps[0].goroutines, 16u);
}

/* Regression test (a bug found by this suite, fixed): a debug=1 dump cut inside a frame line
 * ("#\t0x1\tmain.f+0x10\t/x/ma", no newline) is rejected with GM_EFORMAT instead of being marked
 * truncated (gdump.h: "A dump cut at the end of the input is not an error"); agg_frame() ignores
 * ps->last_line. */
Test(gdump, debug1_truncated_mid_frame,
     .description = "regression: debug=1 dump cut in a frame line gives GM_EFORMAT")
{
    int rc = parse("goroutine profile: total 3\n"
                   "2 @ 0x1 0x2\n"
                   "#\t0x1\tmain.f+0x10\t/x/main.go:10\n"
                   "\n"
                   "1 @ 0x3\n"
                   "#\t0x3\tmain.g+0x1\t/x/ma");
    cr_assert_eq(rc, 1, "rc=%d (%s)", rc, D.msg);
    cr_assert(S.dumps[0].truncated);
    cr_assert_eq(S.dumps[0].goroutines, 3u);
}

Test(gdump, debug1_then_full_dump)
{
    parse_ok("goroutine profile: total 1\n"
             "1 @ 0x1\n"
             "#\t0x1\tmain.f+0x10\t/x/main.go:10\n"
             "\n"
             "goroutine 1 [running]:\nmain.f()\n\t/x/main.go:10 +0x1\n",
             2);
    cr_assert_eq(S.dumps[0].kind, GM_DUMP_AGGREGATED);
    cr_assert_eq(S.dumps[1].kind, GM_DUMP_FULL);
    cr_assert_eq(G(0)->stack_id, G(1)->stack_id, "same frames, same stack in both forms");
}

/* ------------------------------------------------------------ errors */

Test(gdump, not_a_dump)
{
    int rc = parse("hello world\nthis is not\na goroutine dump\n");
    cr_assert_eq(rc, GM_EFORMAT);
    cr_assert_eq(D.code, GM_EFORMAT);
    cr_assert_eq(D.line, 1u);
    cr_assert_eq(S.dumps_nr, 0u);
    cr_assert_neq(D.msg[0], '\0');
}

Test(gdump, empty_input)
{
    cr_assert_eq(gm_gdump_parse(&S, "", 0, &D), GM_EFORMAT);
    cr_assert_eq(D.code, GM_EFORMAT);
    cr_assert_eq(S.dumps_nr, 0u);
    /* a NULL diag is allowed */
    cr_assert_eq(gm_gdump_parse(&S, "x", 1, NULL), GM_EFORMAT);
}

Test(gdump, malformed_header_in_the_middle)
{
    const char *t = "goroutine 1 [running]:\n"
                    "main.main()\n"
                    "\t/x/main.go:5 +0x1\n"
                    "\n"
                    "goroutine 5 [running\n"
                    "main.f()\n"
                    "\t/x/main.go:6 +0x1\n";
    cr_assert_eq(parse(t), GM_EFORMAT);
    cr_assert_eq(D.line, 5u, "line %llu", (unsigned long long)D.line);
    cr_assert_eq(D.off, (uint64_t)(strstr(t, "goroutine 5") - t));
}

Test(gdump, frame_without_file_line_in_the_middle)
{
    /* a frame followed by another frame: kept without a location, counted, never dropped */
    const char *t = "goroutine 1 [running]:\n"
                    "main.main()\n"
                    "main.other()\n"
                    "\t/x/main.go:5 +0x1\n";
    parse_ok(t, 1);
    cr_assert_eq(S.no_file, 1u);
    cr_assert_eq(S.no_file_line, 3u);
    const struct gm_stack *st = gm_stacks_get(&S.stacks, G(0)->stack_id);
    cr_assert_eq(st->nr, 2u, "both frames kept");
    cr_assert_eq(gm_stacks_get_frame(&S.stacks, gm_stack_frames(&S.stacks, st)[0])->line, 0u);
    /* a blank line instead of the file line */
    memset(&D, 0, sizeof(D));
    cr_assert_eq(parse("goroutine 1 [running]:\nmain.main()\n\ngoroutine 2 [select]:\n"
                       "main.f()\n\t/x/main.go:1\n"),
                 GM_EFORMAT);
    cr_assert_eq(D.line, 3u);
    /* a tab line that is not FILE:LINE */
    memset(&D, 0, sizeof(D));
    cr_assert_eq(parse("goroutine 1 [running]:\nmain.main()\n\tnot a file line\n\n"), GM_EFORMAT);
    cr_assert_eq(D.line, 3u);
}

/* ------------------------------------------------------------ limits */

Test(gdump, max_frames_cuts_stack)
{
    gm_gdump_set_release(&S);
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_frames = 2;
    cr_assert_eq(gm_gdump_set_init(&S, &lim, GM_SIM_EXACT), 0);
    parse_ok("goroutine 1 [running]:\n"
             "main.a()\n\t/x/main.go:1 +0x1\n"
             "main.b()\n\t/x/main.go:2 +0x1\n"
             "main.c()\n\t/x/main.go:3 +0x1\n"
             "\n"
             "goroutine 2 [running]:\n"
             "main.a()\n\t/x/main.go:1 +0x1\n",
             1);
    cr_assert(G(0)->flags & GM_G_CUT);
    cr_assert_eq(STK(G(0))->nr, 2u);
    cr_assert_str_eq(func_at(G(0), 1), "main.b");
    cr_assert_not(G(1)->flags & GM_G_CUT);
}

Test(gdump, load_respects_max_input)
{
    gm_gdump_set_release(&S);
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = 100;
    cr_assert_eq(gm_gdump_set_init(&S, &lim, GM_SIM_EXACT), 0);
    cr_assert_eq(gm_load_dumps(&S, "testdata/goroutine/y_panic.txt", &D), GM_ETOOBIG);
}

Test(gdump, load_gzip_fixture)
{
    cr_assert_eq(gm_load_dumps(&S, "testdata/goroutine/y_gzip.txt.gz", &D), 1, "%s", D.msg);
    cr_assert_eq(S.dumps[0].nr, 56u);
    cr_assert_str_eq(D.file ? D.file : "", "testdata/goroutine/y_gzip.txt.gz");
}

/* ------------------------------------------------------------ fixtures */

/* Header lines as Go prints them: ^goroutine [0-9]+ .*\]:$ (a trailing CR is ignored). */
static uint64_t count_headers(const char *p, size_t len)
{
    uint64_t n = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(p + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - p) : len;
        size_t l = end - pos;
        const char *s = p + pos;
        if (l && s[l - 1] == '\r') {
            l--;
        }
        if (l > 12 && memcmp(s, "goroutine ", 10) == 0 && s[10] >= '0' && s[10] <= '9' &&
            s[l - 2] == ']' && s[l - 1] == ':') {
            size_t i = 10;
            while (i < l && s[i] >= '0' && s[i] <= '9') {
                i++;
            }
            if (i < l && s[i] == ' ') {
                n++;
            }
        }
        pos = nl ? end + 1 : len;
    }
    return n;
}

Test(gdump, fixtures_records_equal_header_lines)
{
    DIR *dir = opendir("testdata/goroutine");
    cr_assert_not_null(dir, "tests run from the repo root");
    struct dirent *e;
    int files = 0;
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "y_", 2) != 0 || n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0 ||
            strncmp(e->d_name, "y_paste_", 8) == 0) {
            continue; /* dressed lines: t_paste.c compares them with the plain dump */
        }
        char path[512];
        snprintf(path, sizeof(path), "testdata/goroutine/%s", e->d_name);
        struct gm_limits lim;
        gm_limits_default(&lim);
        struct gm_input in;
        cr_assert_eq(gm_input_open(&in, path, &lim, NULL), 0, "%s", path);
        uint64_t headers = count_headers(in.p, in.len);
        struct gm_gdump_set set;
        struct gm_diag diag = {0};
        cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_EXACT), 0);
        int rc = gm_gdump_parse(&set, in.p, in.len, &diag);
        cr_assert_geq(rc, 1, "%s: rc=%d line %llu: %s", path, rc, (unsigned long long)diag.line,
                      diag.msg);
        uint64_t records = 0;
        int full = 0;
        for (uint32_t d = 0; d < set.dumps_nr; d++) {
            if (set.dumps[d].kind == GM_DUMP_FULL) {
                records += set.dumps[d].nr;
                full = 1;
            }
            cr_assert_geq(set.dumps[d].nr, 1u, "%s: empty dump %u", path, d);
        }
        if (full || headers) {
            /* a goroutine printed "stack unavailable" and then by itself (two threads threw at
             * once: y_caught_crash_concurrent_twice.txt) is one record of two headers */
            uint64_t twice = strncmp(e->d_name, "y_caught_crash_concurrent_twice", 31) == 0;
            cr_assert_eq(records + twice, headers, "%s: %llu records, %llu header lines", path,
                         (unsigned long long)records, (unsigned long long)headers);
        }
        /* the goroutine records of all dumps tile the set */
        uint32_t next = 0;
        for (uint32_t d = 0; d < set.dumps_nr; d++) {
            cr_assert_eq(set.dumps[d].first, next, "%s", path);
            next += set.dumps[d].nr;
        }
        cr_assert_eq(next, set.g_nr, "%s", path);
        gm_gdump_set_release(&set);
        gm_input_close(&in);
        files++;
    }
    closedir(dir);
    cr_assert_geq(files, 30, "found %d fixtures", files);
}

struct fixture_dumps {
    const char *file;
    uint32_t dumps;
    int truncated;
};

Test(gdump, fixtures_dump_counts)
{
    static const struct fixture_dumps cases[] = {
        {"testdata/goroutine/y_two_dumps.txt", 2, 0},
        {"testdata/goroutine/y_truncated.txt", 1, 1},
        {"testdata/goroutine/y_panic.txt", 1, 0},
        {"testdata/goroutine/y_sigquit.txt", 1, 0},
        {"testdata/goroutine/y_crlf.txt", 1, 0},
        {"testdata/goroutine/y_embedded_log.txt", 1, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct gm_gdump_set set;
        struct gm_diag diag = {0};
        cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_EXACT), 0);
        int rc = gm_load_dumps(&set, cases[i].file, &diag);
        cr_assert_eq(rc, (int)cases[i].dumps, "%s: rc=%d %s", cases[i].file, rc, diag.msg);
        cr_assert_eq(set.dumps[set.dumps_nr - 1].truncated, cases[i].truncated, "%s",
                     cases[i].file);
        gm_gdump_set_release(&set);
    }
}

Test(gdump, fixture_panic_preamble)
{
    cr_assert_eq(gm_load_dumps(&S, "testdata/goroutine/y_panic.txt", &D), 1);
    const char *pre = gm_strtab_cstr(&S.stacks.strs, S.dumps[0].preamble_id);
    cr_assert(strncmp(pre, "panic: runtime error: index out of range", 40) == 0, "%s", pre);
}

Test(gdump, fixture_embedded_log_time)
{
    cr_assert_eq(gm_load_dumps(&S, "testdata/goroutine/y_embedded_log.txt", &D), 1);
    /* 2026/11/23 15:13:23 */
    cr_assert_eq(S.dumps[0].time, 1795446245 + 9 * 60 + 18);
    cr_assert_geq(S.skipped_lines, 3u);
}

/* ------------------------------------------------------------ log timestamps */

static int64_t lt(const char *s)
{
    return gm_gdump_log_time((struct gm_str){s, strlen(s)});
}

Test(gdump, log_time)
{
    cr_assert_eq(lt("2026/11/23 15:04:05 x"), 1795446245);
    cr_assert_eq(lt("2026/11/23 15:04:05"), 1795446245);
    cr_assert_eq(lt("2026-11-23T15:04:05Z"), 1795446245);
    cr_assert_eq(lt("2026-11-23T15:04:05.123456Z level=info"), 1795446245);
    cr_assert_eq(lt("2026-11-23 15:04:05 x"), 1795446245);
    cr_assert_eq(lt("2026-11-23T17:04:05+02:00"), 1795446245);
    cr_assert_eq(lt("2026-11-23T10:04:05.5-05:00"), 1795446245);
    cr_assert_eq(lt("time=2026-11-23T15:04:05Z level=INFO msg=x"), 1795446245);
    cr_assert_eq(lt("{\"time\":\"2026-11-23T15:04:05Z\",\"msg\":\"x\"}"), 1795446245);
    cr_assert_eq(lt("{\"ts\":\"2026-11-23T15:04:05Z\"}"), 1795446245);
    cr_assert_eq(lt("1970-01-01T00:00:00Z"), 0);
    cr_assert_eq(lt("2024-02-29T00:00:00Z"), 1709164800);
    cr_assert_eq(lt("2000-03-01T00:00:00Z"), 951868800);
}

Test(gdump, log_time_rejects)
{
    cr_assert_eq(lt(""), -1);
    cr_assert_eq(lt("goroutine 1 [running]:"), -1);
    cr_assert_eq(lt("2026/11/23 15:04"), -1);
    cr_assert_eq(lt("2026/13/23 15:04:05"), -1);
    cr_assert_eq(lt("2026/00/23 15:04:05"), -1);
    cr_assert_eq(lt("2026/11/32 15:04:05"), -1);
    cr_assert_eq(lt("2026/11/23 24:04:05"), -1);
    cr_assert_eq(lt("2026/11/23 15:60:05"), -1);
    cr_assert_eq(lt("2026/11-23 15:04:05"), -1);
    cr_assert_eq(lt("2026-11-23X15:04:05Z"), -1);
    cr_assert_eq(lt("x2026/11/23 15:04:05"), -1);
    /* never reads past the slice */
    const char buf[] = "2026/11/23 15:04:05";
    cr_assert_eq(gm_gdump_log_time((struct gm_str){buf, 18}), -1);
}

/* Go 1.9 and older print " fp=0x.. sp=0x.." without pc= after the offset; an editor's UTF-8
 * byte order mark before the first line is not part of it. */
Test(gdump, go19_frame_suffix_and_byte_order_mark)
{
    parse_ok("\xef\xbb\xbfgoroutine 1 [running]:\nmain.main()\n"
             "\t/x/main.go:5 +0x110 fp=0xc42003df88 sp=0xc42003df60\n"
             "runtime.main()\n\t/usr/local/go/src/runtime/proc.go:195 +0x226 fp=0xc42003dfe0 "
             "sp=0xc42003df88\n",
             1);
    const struct gm_stack *st = gm_stacks_get(&S.stacks, G(0)->stack_id);
    cr_assert_eq(st->nr, 2u);
    const struct gm_frame *f = gm_stacks_get_frame(&S.stacks, gm_stack_frames(&S.stacks, st)[0]);
    cr_assert_eq(f->line, 5u);
    cr_assert_str_eq(gm_strtab_cstr(&S.stacks.strs, f->file_id), "/x/main.go");
}

/* A paste that lost only its final newline is whole, not truncated; one cut mid-line is. */
Test(gdump, complete_last_line_without_newline_is_not_truncated)
{
    parse_ok("goroutine 1 [chan receive]:\nmain.main()\n\t/x/main.go:5 +0x1d", 1);
    cr_assert_not(S.dumps[0].truncated);
    cr_assert_not(G(0)->flags & GM_G_TRUNCATED);
    gm_gdump_set_release(&S);
    cr_assert_eq(gm_gdump_set_init(&S, NULL, GM_SIM_EXACT), 0);
    parse_ok("goroutine profile: total 3\n3 @ 0x1 0x2\n#\t0x1\tmain.f+0x1\t/x/main.go:5", 1);
    cr_assert_not(S.dumps[0].truncated);
    gm_gdump_set_release(&S);
    cr_assert_eq(gm_gdump_set_init(&S, NULL, GM_SIM_EXACT), 0);
    parse_ok("goroutine 1 [chan receive]:\nmain.main()\n\t/x/main.go:5 +0x1d\n\n"
             "goroutine 2 [chan receive]:\nmain.f()\n\t/x/ma",
             1);
    cr_assert(S.dumps[0].truncated);
}

/* A frame line whose arguments a mail client wrapped onto the next line is joined again. */
Test(gdump, wrapped_arguments_are_joined)
{
    parse_ok("goroutine 7 [chan receive]:\nmain.(*Pool).worker(0xc000010000, {0xc000012000,\n"
             "0x5}, 0x3)\n\t/x/main.go:12 +0x1d\ncreated by main.main\n\t/x/main.go:4 +0x3e\n",
             1);
    const struct gm_stack *st = gm_stacks_get(&S.stacks, G(0)->stack_id);
    cr_assert_eq(st->nr, 1u);
    cr_assert_str_eq(gm_stacks_func(&S.stacks, gm_stack_frames(&S.stacks, st)[0]),
                     "main.(*Pool).worker");
    cr_assert_eq(gm_stacks_get_frame(&S.stacks, gm_stack_frames(&S.stacks, st)[0])->line, 12u);
}

/* A file line that does not parse says which part is wrong: the suffix, or the line number. */
Test(gdump, file_line_errors_name_the_part)
{
    cr_assert_eq(parse("goroutine 1 [chan receive]:\nmain.main()\n\t/x/main.go:5 +0x1d foo=bar\n"),
                 GM_EFORMAT);
    cr_assert_eq(D.line, 3u);
    cr_assert_not_null(strstr(D.msg, "after the offset, got ' foo=bar'"), "%s", D.msg);
    memset(&D, 0, sizeof(D));
    cr_assert_eq(parse("goroutine 1 [chan receive]:\nmain.main()\n\t/x/main.go:abc +0x1d\n"),
                 GM_EFORMAT);
    cr_assert_not_null(strstr(D.msg, "no ':LINE'"), "%s", D.msg);
}

/* gccgo prints frames without an argument list and file lines without an offset. */
Test(gdump, gccgo_frames)
{
    parse_ok("goroutine 5 [chan receive]:\nmain.worker\n\t/x/main.go:12\n"
             "net/http.(*conn).serve\n\t/usr/lib/gcc/go/net/http/server.go:1700\n"
             "created by main.main\n\t/x/main.go:4\n",
             1);
    const struct gm_stack *st = gm_stacks_get(&S.stacks, G(0)->stack_id);
    cr_assert_eq(st->nr, 2u);
    cr_assert_str_eq(gm_stacks_func(&S.stacks, gm_stack_frames(&S.stacks, st)[0]), "main.worker");
    cr_assert_eq(gm_stacks_get_frame(&S.stacks, gm_stack_frames(&S.stacks, st)[1])->line, 1700u);
    cr_assert_neq(st->created_by, GM_NO_FRAME);
}
