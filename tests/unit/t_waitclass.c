/* Wait-state classes (gm/waitclass.h) on real dumps: the binary goroutine profile and the
 * debug=1 text of the same moment (testdata/gen/multi) and debug=2 dumps with states. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "gm/artifact.h"
#include "gm/bucket.h"
#include "gm/gdump.h"
#include "gm/input.h"
#include "gm/stack.h"
#include "gm/waitclass.h"

struct by_class {
    uint64_t n[GM_WAIT_NR];
    uint64_t key[64];
    enum gm_wait_class cls[64];
    uint32_t nr;
};

static void model_classes(const char *path, struct by_class *c)
{
    struct gm_gdump_set set;
    struct gm_diag d = {0};
    struct gm_buckets b;
    memset(c, 0, sizeof(*c));
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_AGGRESSIVE), 0);
    cr_assert_gt(gm_load_dumps(&set, path, &d), 0, "%s: %s", path, d.msg);
    cr_assert_eq(gm_bucket_dump(&set, 0, GM_BUCKET_IGNORE_ARGS, &b), 0);
    for (uint32_t i = 0; i < b.nr; i++) {
        const char *state = gm_strtab_cstr(&set.stacks.strs, b.v[i].state_id);
        enum gm_wait_class w = gm_wait_class_stack(&set.stacks, b.v[i].stack_id, state);
        c->n[w] += b.v[i].count;
        if (c->nr < 64) {
            c->key[c->nr] = gm_stack_key(&set.stacks, b.v[i].stack_id);
            c->cls[c->nr++] = w;
        }
    }
    gm_buckets_release(&b);
    gm_gdump_set_release(&set);
}

static void on_peek(void *ctx, const struct gm_gpeek *g)
{
    struct by_class *c = ctx;
    c->n[g->wait] += g->count;
    if (c->nr < 64) {
        c->key[c->nr] = g->key;
        c->cls[c->nr++] = g->wait;
    }
}

static void peek_classes(const char *path, struct by_class *c)
{
    struct gm_input in;
    struct gm_diag d = {0};
    struct gm_limits lim;
    uint64_t total = 0;
    memset(c, 0, sizeof(*c));
    gm_limits_default(&lim);
    cr_assert_eq(gm_input_open(&in, path, &lim, &d), 0, "%s: %s", path, d.msg);
    cr_assert_eq(gm_gdump_peek(in.p, in.len, &total, on_peek, c, &d), 0, "%s", d.msg);
    gm_input_close(&in);
}

/* testdata/gen/multi: 6 wait in Mailbox.wait (receive), 5 in Cache.Get (mutex), 3 in
 * Reporter.loop (select), 1 in Cache.refresh (send), the goroutine writing the profile. */
static void forms(const char *dir)
{
    char p0[256], p1[256];
    snprintf(p0, sizeof(p0), "%s/y_forms_debug0.pb.gz", dir);
    snprintf(p1, sizeof(p1), "%s/y_forms_debug1.txt", dir);
    struct by_class bin, txt;
    model_classes(p0, &bin);
    cr_expect_eq(bin.n[GM_WAIT_CHAN_RECV], 6, "%s: receive %llu", dir,
                 (unsigned long long)bin.n[GM_WAIT_CHAN_RECV]);
    cr_expect_eq(bin.n[GM_WAIT_MUTEX], 5);
    cr_expect_eq(bin.n[GM_WAIT_SELECT], 3);
    cr_expect_eq(bin.n[GM_WAIT_CHAN_SEND], 1);
    cr_expect_eq(bin.n[GM_WAIT_RUNNING], 1);
    /* the text: what its frames tell (mutex, the profile writer); the channel classes only
     * through the binary form's class for the same key */
    peek_classes(p1, &txt);
    cr_expect_eq(txt.n[GM_WAIT_MUTEX], 5, "%s: text mutex %llu", dir,
                 (unsigned long long)txt.n[GM_WAIT_MUTEX]);
    cr_expect_eq(txt.n[GM_WAIT_RUNNING], 1);
    cr_expect_eq(txt.n[GM_WAIT_CHAN_RECV] + txt.n[GM_WAIT_CHAN_SEND] + txt.n[GM_WAIT_SELECT], 0);
    uint64_t by_key[GM_WAIT_NR] = {0};
    for (uint32_t i = 0; i < txt.nr; i++) {
        enum gm_wait_class w = txt.cls[i];
        for (uint32_t k = 0; w == GM_WAIT_OTHER && k < bin.nr; k++) {
            if (bin.key[k] == txt.key[i]) {
                w = bin.cls[k];
            }
        }
        by_key[w]++;
    }
    cr_expect_eq(by_key[GM_WAIT_OTHER], 0, "%s: a text stack without a class", dir);
}

Test(waitclass, forms_go119)
{
    forms("testdata/goroutine");
}

Test(waitclass, forms_go126)
{
    forms("testdata/goroutine/go1.26");
}

Test(waitclass, debug2_states)
{
    struct by_class c;
    model_classes("testdata/goroutine/y_cond-wait.txt", &c);
    cr_expect_gt(c.n[GM_WAIT_COND], 0);
    model_classes("testdata/goroutine/y_chan-send-blocked.txt", &c);
    cr_expect_gt(c.n[GM_WAIT_CHAN_SEND], 0);
    model_classes("testdata/goroutine/y_chan-recv-blocked.txt", &c);
    cr_expect_gt(c.n[GM_WAIT_CHAN_RECV], 0);
    cr_expect_eq(c.n[GM_WAIT_CHAN_SEND], 0);
}

Test(waitclass, names_and_frames)
{
    cr_expect_str_eq(gm_wait_class_name(GM_WAIT_CHAN_RECV), "chan_receive");
    cr_expect_str_eq(gm_wait_class_name(GM_WAIT_NR), "other");
    struct gm_str wg = {"sync.(*WaitGroup).Wait", 22}, sl = {"time.Sleepy", 11};
    cr_expect_eq(gm_wait_class_func(wg), GM_WAIT_WAITGROUP);
    cr_expect_eq(gm_wait_class_func(sl), GM_WAIT_OTHER); /* time.Sleep is an exact name */
    cr_expect_eq(gm_wait_class_state("semacquire"), GM_WAIT_OTHER); /* the frames tell */
    cr_expect_eq(gm_wait_class_state("chan receive (nil chan)"), GM_WAIT_CHAN_RECV);
}
