/* Unit tests of gm/dumps.h: the dump-set model built in code (no parser), and analyses run on
 * it: the classifier and the snapshot diff see a built model as they see a parsed one. */
#include <criterion/criterion.h>
#include <string.h>

#include "gm/dumps.h"
#include "gm/findings.h"
#include "gm/leak.h"

static const char *const send_funcs[] = {"runtime.gopark", "runtime.chansend1",
                                         "main.(*Fetcher).fetch"};
static const char *const send_files[] = {"/go/src/runtime/proc.go", "/go/src/runtime/chan.go",
                                         "/src/app/fetch.go"};
static const uint32_t send_lines[] = {398, 145, 38};

static void add_senders(struct gm_gdump_set *set, uint64_t first_id, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        struct gm_build_g b = {.id = first_id + i,
                               .state = "chan send",
                               .wait_obj = 0xc000100000u + 0x100u * i, /* one channel each */
                               .frames_nr = 3,
                               .funcs = send_funcs,
                               .files = send_files,
                               .lines = send_lines,
                               .created_by = "main.(*Fetcher).fetchAll"};
        cr_assert_eq(gm_dumps_add(set, &b), 0);
    }
}

static void add_main(struct gm_gdump_set *set)
{
    static const char *const f[] = {"runtime/pprof.writeGoroutineStacks", "main.main"};
    static const uint32_t l[] = {692, 70};
    struct gm_build_g b = {.id = 1, .state = "running", .frames_nr = 2, .funcs = f, .lines = l};
    cr_assert_eq(gm_dumps_add(set, &b), 0);
}

Test(dumps, built_model_is_classified_like_a_parsed_one)
{
    struct gm_gdump_set set;
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_EXACT), 0);
    cr_assert_eq(gm_dumps_add(&set, &(struct gm_build_g){.id = 1}), GM_EINVAL, "no dump yet");
    cr_assert_eq(gm_dumps_begin(&set, GM_DUMP_FULL), 0);
    add_main(&set);
    add_senders(&set, 20, 30);
    cr_assert_eq(set.dumps[0].goroutines, 31u);
    cr_assert(gm_gdump_g(&set, 0)->flags & GM_G_FIRST);
    struct gm_findings f;
    cr_assert_eq(gm_findings_goroutines(&set, 0, NULL, &f), 0);
    const struct gm_finding *send = NULL;
    for (uint32_t i = 0; i < f.nr; i++) {
        if (strcmp(f.v[i].kind->id, "chan-send-blocked") == 0) {
            send = &f.v[i];
        }
    }
    cr_assert_not_null(send);
    cr_assert_eq(send->count, 30u);
    cr_assert_eq(send->objects, 30u, "one channel each");
    cr_assert_eq(send->severity, GM_SEV_MEDIUM);
    cr_assert_str_eq(gm_stacks_func(&set.stacks, send->user_frame), "main.(*Fetcher).fetch");
    gm_findings_release(&f);
    gm_gdump_set_release(&set);
}

Test(dumps, built_snapshots_diff_as_a_leak_and_as_healthy)
{
    struct gm_gdump_set set;
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_AGGRESSIVE), 0);
    for (uint32_t s = 0; s < 3; s++) { /* 10, 20, 30 senders: each snapshot keeps the old */
        cr_assert_eq(gm_dumps_begin(&set, GM_DUMP_FULL), (int)s);
        add_main(&set);
        add_senders(&set, 100, 10 * (s + 1));
    }
    for (uint32_t s = 0; s < 2; s++) { /* the same 10 twice: healthy */
        gm_dumps_begin(&set, GM_DUMP_FULL);
        add_main(&set);
        add_senders(&set, 500, 10);
    }
    struct gm_leak_opts lo;
    memset(&lo, 0, sizeof(lo));
    struct gm_leak_result r;
    const uint32_t leak[] = {0, 1, 2}, healthy[] = {3, 4};
    cr_assert_eq(gm_leak_diff(&set, leak, 3, &lo, &r), 0);
    cr_assert_eq(r.leaks_nr, 1u);
    cr_assert_eq(r.rows[0].persistent, 10u, "goroutines 100..109 are in every snapshot");
    gm_leak_release(&r);
    cr_assert_eq(gm_leak_diff(&set, healthy, 2, &lo, &r), 0);
    cr_assert_eq(r.leaks_nr, 0u);
    gm_leak_release(&r);
    gm_gdump_set_release(&set);
}
