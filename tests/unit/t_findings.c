/* Unit tests of gm/findings.h: the classifier, on real fixtures and on models built in code. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm/artifact.h"
#include "gm/findings.h"

/* ------------------------------------------------------------ helpers */

struct analysed {
    struct gm_gdump_set set;
    struct gm_source src;
    struct gm_findings f;
};

static void analyse_file(struct analysed *a, const char *path)
{
    struct gm_diag d = {0};
    cr_assert_eq(gm_gdump_set_init(&a->set, NULL, GM_SIM_EXACT), 0);
    int rc = gm_load_dumps(&a->set, path, &d);
    cr_assert_eq(rc, 1, "%s: rc=%d %s", path, rc, d.msg);
    gm_source_init(&a->src);
    cr_assert_eq(gm_findings_goroutines(&a->set, 0, &a->src, &a->f), 0);
}

static void analyse_text(struct analysed *a, const char *text)
{
    struct gm_diag d = {0};
    cr_assert_eq(gm_gdump_set_init(&a->set, NULL, GM_SIM_EXACT), 0);
    int rc = gm_gdump_parse(&a->set, text, strlen(text), &d);
    cr_assert_eq(rc, 1, "rc=%d line %llu %s", rc, (unsigned long long)d.line, d.msg);
    gm_source_init(&a->src);
    cr_assert_eq(gm_findings_goroutines(&a->set, 0, &a->src, &a->f), 0);
}

static void done(struct analysed *a)
{
    gm_findings_release(&a->f);
    gm_source_release(&a->src);
    gm_gdump_set_release(&a->set);
}

static const char *ids_of(const struct gm_findings *f, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < f->nr && o + 1 < cap; i++) {
        int n = snprintf(buf + o, cap - o, "%s%s/%s/%llu", i ? ", " : "", f->v[i].kind->id,
                         gm_severity_name(f->v[i].severity), (unsigned long long)f->v[i].count);
        if (n < 0) {
            break;
        }
        o += (size_t)n;
    }
    return buf;
}

static const struct gm_finding *find_id(const struct gm_findings *f, const char *id)
{
    for (uint32_t i = 0; i < f->nr; i++) {
        if (strcmp(f->v[i].kind->id, id) == 0) {
            return &f->v[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ fixtures */

struct fixture {
    char id[48]; /* arrays: Criterion may run parameterized tests in re-executed workers */
};

ParameterizedTestParameters(findings, fixture_top_finding)
{
    static struct fixture cases[] = {
        {"chan-send-blocked"},
        {"chan-recv-blocked"},
        {"range-never-closed"},
        {"nil-chan"},
        {"select-blocked"},
        {"select-forever"},
        {"mutex-wait"},
        {"rwmutex-wait"},
        {"waitgroup-wait"},
        {"cond-wait"},
        {"ticker-loop"},
        {"sleep-loop"},
        {"http-client-body-leak"},
        {"http-server-idle-conns"},
        {"escaped-request-goroutine"},
        {"sql-pool-exhaustion"},
        {"io-wait"},
        {"syscall"},
        {"runnable-backlog"},
    };
    return cr_make_param_array(struct fixture, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct fixture *c, findings, fixture_top_finding)
{
    char path[256], buf[1024];
    snprintf(path, sizeof(path), "testdata/goroutine/y_%s.txt", c->id);
    struct analysed a;
    analyse_file(&a, path);
    cr_assert_gt(a.f.nr, 0u, "%s: no finding", path);
    const struct gm_finding *top = &a.f.v[0];
    cr_assert_str_eq(top->kind->id, c->id, "%s: findings %s", path, ids_of(&a.f, buf, sizeof(buf)));
    cr_assert_geq(top->severity, GM_SEV_LOW, "%s: top severity %s", path,
                  gm_severity_name(top->severity));
    cr_assert_gt(top->count, 0u);
    cr_assert_neq(top->why[0], '\0');
    cr_assert_eq(top->kind, gm_finding_kind(c->id), "kind points into the catalogue");
    /* sorted by severity, then count */
    for (uint32_t i = 1; i < a.f.nr; i++) {
        const struct gm_finding *p = &a.f.v[i - 1], *q = &a.f.v[i];
        cr_assert(p->severity > q->severity || (p->severity == q->severity && p->count >= q->count),
                  "%s: not sorted: %s", path, ids_of(&a.f, buf, sizeof(buf)));
    }
    /* findings never count more goroutines than the dump holds */
    uint64_t sum = a.f.runtime_goroutines;
    for (uint32_t i = 0; i < a.f.nr; i++) {
        sum += a.f.v[i].count;
    }
    cr_assert_eq(sum, a.set.dumps[0].goroutines, "%s: findings + runtime = all goroutines", path);
    done(&a);
}

Test(findings, lock_order_deadlock_fixture)
{
    char buf[1024];
    struct analysed a;
    analyse_file(&a, "testdata/goroutine/y_lock-order-deadlock.txt");
    cr_assert_gt(a.f.nr, 0u);
    cr_assert_str_eq(a.f.v[0].kind->id, "lock-order-deadlock", "findings %s",
                     ids_of(&a.f, buf, sizeof(buf)));
    cr_assert_geq(a.f.v[0].severity, GM_SEV_LOW);
    done(&a);
}

ParameterizedTestParameters(findings, healthy_fixture)
{
    static struct fixture cases[] = {
        {"healthy_pool"},
        {"healthy_http"},
        {"healthy_periodic"},
        {"diff_healthy_1"},
    };
    return cr_make_param_array(struct fixture, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct fixture *c, findings, healthy_fixture)
{
    char path[256], buf[1024];
    snprintf(path, sizeof(path), "testdata/goroutine/y_%s.txt", c->id);
    struct analysed a;
    analyse_file(&a, path);
    for (uint32_t i = 0; i < a.f.nr; i++) {
        cr_assert_eq(a.f.v[i].severity, GM_SEV_INFO, "%s: findings %s", path,
                     ids_of(&a.f, buf, sizeof(buf)));
    }
    done(&a);
}

Test(findings, fixture_chan_send_blocked_details)
{
    struct analysed a;
    analyse_file(&a, "testdata/goroutine/y_chan-send-blocked.txt");
    const struct gm_finding *f = &a.f.v[0];
    cr_assert_eq(f->count, 55u);
    cr_assert_neq(f->user_frame, GM_NO_FRAME);
    cr_assert_str_eq(gm_stacks_func(&a.set.stacks, f->user_frame),
                     "main.(*Fetcher).fetchAll.func1");
    cr_assert_geq(f->severity, GM_SEV_MEDIUM, "55 blocked senders");
    cr_assert_eq(f->proven, 0);
    cr_assert_gt(f->ids_nr, 0u);
    cr_assert_leq(f->ids_nr, (uint32_t)GM_BUCKET_IDS);
    done(&a);
}

Test(findings, range_hint_needs_source)
{
    /* without the Go source, a plain "chan receive" in a range loop cannot be told apart */
    struct gm_gdump_set set;
    cr_assert_eq(gm_gdump_set_init(&set, NULL, GM_SIM_EXACT), 0);
    cr_assert_eq(gm_load_dumps(&set, "testdata/goroutine/y_range-never-closed.txt", NULL), 1);
    struct gm_source src;
    gm_source_init(&src);
    src.disabled = 1;
    struct gm_findings f;
    cr_assert_eq(gm_findings_goroutines(&set, 0, &src, &f), 0);
    cr_assert_gt(f.nr, 0u);
    cr_assert(strcmp(f.v[0].kind->id, "range-never-closed") == 0 ||
                  strcmp(f.v[0].kind->id, "chan-recv-blocked") == 0,
              "%s", f.v[0].kind->id);
    gm_findings_release(&f);
    /* NULL source is allowed */
    cr_assert_eq(gm_findings_goroutines(&set, 0, NULL, &f), 0);
    cr_assert_gt(f.nr, 0u);
    gm_findings_release(&f);
    gm_source_release(&src);
    gm_gdump_set_release(&set);
}

/* ------------------------------------------------------------ models built in code */

Test(findings, leaked_goroutines_are_proven)
{
    struct analysed a;
    analyse_text(&a, "goroutine 1 [running]:\n"
                     "main.main()\n"
                     "\t/x/main.go:5 +0x1\n"
                     "\n"
                     "goroutine 7 [chan send (leaked)]:\n"
                     "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
                     "\t/go/src/runtime/proc.go:435 +0xce\n"
                     "runtime.chansend1(0xc000020000, 0x0)\n"
                     "\t/go/src/runtime/chan.go:161 +0x1d\n"
                     "main.produce(0xc000020000)\n"
                     "\t/x/main.go:20 +0x1\n"
                     "created by main.main in goroutine 1\n"
                     "\t/x/main.go:8 +0x2\n");
    const struct gm_finding *f = NULL;
    for (uint32_t i = 0; i < a.f.nr; i++) {
        if (a.f.v[i].proven) {
            f = &a.f.v[i];
        }
    }
    cr_assert_not_null(f, "no proven finding");
    cr_assert_eq(f, &a.f.v[0], "proven leak sorts first");
    cr_assert_geq(f->severity, GM_SEV_HIGH, "got %s", gm_severity_name(f->severity));
    cr_assert_str_eq(f->kind->id, "chan-send-blocked");
    cr_assert_eq(f->count, 1u);
    cr_assert_str_eq(gm_stacks_func(&a.set.stacks, f->user_frame), "main.produce");
    cr_assert_eq(f->ids_nr, 1u);
    cr_assert_eq(f->ids[0], 7u);
    done(&a);
}

/* Regression test (a bug found by this suite, fixed): the analysis buckets (GM_BUCKET_IGNORE_ARGS)
 * key on stack + state only and OR the goroutines' flags, so one "(leaked)" goroutine makes its
 * whole bucket "proven": here 1 leaked + 1 unmarked goroutine with the same stack give ONE finding,
 * proven=1, count=2, why "the Go runtime marked 2 goroutines (leaked)". gm_findings_goroutines()
 * clearly intends to keep proven and unproven apart (it matches findings on c->proven == proven).
 */
Test(findings, leaked_and_unleaked_are_separate_findings,
     .description = "regression: one (leaked) goroutine marks its whole analysis bucket proven")
{
    struct analysed a;
    analyse_text(&a, "goroutine 7 [chan send (leaked)]:\nmain.produce()\n\t/x/main.go:20 +0x1\n"
                     "created by main.main in goroutine 1\n\t/x/main.go:8 +0x2\n\n"
                     "goroutine 8 [chan send]:\nmain.produce()\n\t/x/main.go:20 +0x1\n"
                     "created by main.main in goroutine 1\n\t/x/main.go:8 +0x2\n");
    cr_assert_eq(a.f.nr, 2u);
    cr_assert_eq(a.f.v[0].proven, 1);
    cr_assert_eq(a.f.v[1].proven, 0);
    cr_assert_eq(a.f.v[0].count, 1u);
    cr_assert_eq(a.f.v[0].count + a.f.v[1].count, 2u);
    done(&a);
}

/* What holds today and must keep holding: a proven finding counts its leaked goroutines. */
Test(findings, proven_count_includes_every_leaked_goroutine)
{
    struct analysed a;
    analyse_text(&a, "goroutine 7 [chan send (leaked)]:\nmain.produce()\n\t/x/main.go:20 +0x1\n"
                     "created by main.main in goroutine 1\n\t/x/main.go:8 +0x2\n\n"
                     "goroutine 8 [chan send (leaked), 12 minutes]:\nmain.produce()\n"
                     "\t/x/main.go:20 +0x1\n"
                     "created by main.main in goroutine 1\n\t/x/main.go:8 +0x2\n");
    cr_assert_eq(a.f.nr, 1u);
    cr_assert_eq(a.f.v[0].proven, 1);
    cr_assert_eq(a.f.v[0].count, 2u);
    cr_assert_eq(a.f.v[0].max_minutes, 12u);
    cr_assert_geq(a.f.v[0].severity, GM_SEV_HIGH);
    cr_assert_eq(a.f.v[0].ids_nr, 2u);
    done(&a);
}

/* n goroutines of one stack, created by `creator`, each with its own chan address. */
static char *many(unsigned n, const char *state, const char *func, const char *creator,
                  unsigned minutes)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1\n\n");
    for (unsigned i = 0; i < n; i++) {
        if (minutes) {
            fprintf(f, "goroutine %u [%s, %u minutes]:\n", 100 + i, state, minutes);
        } else {
            fprintf(f, "goroutine %u [%s]:\n", 100 + i, state);
        }
        fprintf(f, "%s(0xc%09x)\n\t/x/main.go:20 +0x1\n", func, 0x100000 + i * 0x100);
        if (creator) {
            fprintf(f, "created by %s in goroutine 1\n\t/x/main.go:9 +0x2\n", creator);
        }
        fprintf(f, "\n");
    }
    fclose(f);
    return buf;
}

struct model_case {
    char state[40];
    char func[48];
    char creator[48];
    char want[40];
};

ParameterizedTestParameters(findings, model_state_to_kind)
{
    static struct model_case cases[] = {
        {"chan send", "main.send", "main.spawn", "chan-send-blocked"},
        {"chan receive", "main.recv", "main.spawn", "chan-recv-blocked"},
        {"chan send (nil chan)", "main.send", "main.spawn", "nil-chan"},
        {"chan receive (nil chan)", "main.recv", "main.spawn", "nil-chan"},
        {"select", "main.loop", "main.spawn", "select-blocked"},
        {"select (no cases)", "main.serve", "main.spawn", "select-forever"},
        {"sync.Cond.Wait", "main.pop", "main.spawn", "cond-wait"},
        {"sleep", "main.poll", "main.spawn", "sleep-loop"},
        {"IO wait", "main.readLoop", "main.spawn", "io-wait"},
        {"syscall", "main.readPipe", "main.spawn", "syscall"},
        {"select", "main.audit", "main.(*H).ServeHTTP", "escaped-request-goroutine"},
        /* a name is not evidence of a request: no net/http frame, no handler arguments */
        {"chan send", "main.audit", "main.handleOrder", "chan-send-blocked"},
    };
    return cr_make_param_array(struct model_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct model_case *c, findings, model_state_to_kind)
{
    char buf[1024];
    char *text = many(30, c->state, c->func, c->creator, 0);
    struct analysed a;
    analyse_text(&a, text);
    free(text);
    const struct gm_finding *f = find_id(&a.f, c->want);
    cr_assert_not_null(f, "[%s] in %s: want %s, got %s", c->state, c->func, c->want,
                       ids_of(&a.f, buf, sizeof(buf)));
    cr_assert_eq(f->count, 30u, "%s", ids_of(&a.f, buf, sizeof(buf)));
    cr_assert_eq(f, &a.f.v[0], "top finding: %s", ids_of(&a.f, buf, sizeof(buf)));
    cr_assert_str_eq(gm_stacks_func(&a.set.stacks, f->user_frame), c->func);
    done(&a);
}

Test(findings, main_goroutine_blocked_is_not_reported)
{
    struct analysed a;
    analyse_text(&a, "goroutine 1 [select]:\nmain.main()\n\t/x/main.go:5 +0x1\n");
    for (uint32_t i = 0; i < a.f.nr; i++) {
        cr_assert_eq(a.f.v[i].severity, GM_SEV_INFO);
    }
    done(&a);
}

Test(findings, runtime_goroutines_are_never_reported)
{
    struct analysed a;
    analyse_text(&a, "goroutine 2 [force gc (idle)]:\n"
                     "runtime.gopark(0x0?)\n\t/go/src/runtime/proc.go:363 +0xd6\n"
                     "runtime.forcegchelper()\n\t/go/src/runtime/proc.go:302 +0xad\n"
                     "created by runtime.init.6\n\t/go/src/runtime/proc.go:290 +0x25\n\n"
                     "goroutine 3 [GC sweep wait]:\n"
                     "runtime.gopark(0x0?)\n\t/go/src/runtime/proc.go:363 +0xd6\n"
                     "runtime.bgsweep(0x0?)\n\t/go/src/runtime/mgcsweep.go:278 +0x8e\n"
                     "created by runtime.gcenable\n\t/go/src/runtime/mgc.go:178 +0x6b\n\n"
                     "goroutine 4 [finalizer wait]:\n"
                     "runtime.gopark(0x0?)\n\t/go/src/runtime/proc.go:363 +0xd6\n"
                     "runtime.runfinq()\n\t/go/src/runtime/mfinal.go:180 +0x10f\n"
                     "created by runtime.createfing\n\t/go/src/runtime/mfinal.go:157 +0x45\n\n"
                     "goroutine 5 [chan receive]:\n"
                     "os/signal.signal_recv()\n\t/go/src/runtime/sigqueue.go:152 +0x2f\n"
                     "os/signal.loop()\n\t/go/src/os/signal/signal_unix.go:23 +0x19\n"
                     "created by os/signal.Notify.func1.1\n\t/go/src/os/signal/signal.go:151\n");
    cr_assert_eq(a.f.nr, 0u);
    cr_assert_eq(a.f.runtime_goroutines, 4u);
    cr_assert(gm_is_runtime_stack(&a.set, gm_gdump_g(&a.set, 0)->stack_id,
                                  gm_gdump_g(&a.set, 0)->state_id));
    done(&a);
}

Test(findings, severity_grows_with_count_and_age)
{
    struct analysed small, big, huge, old;
    char *t;
    t = many(3, "chan send", "main.send", "main.spawn", 0);
    analyse_text(&small, t);
    free(t);
    t = many(150, "chan send", "main.send", "main.spawn", 0);
    analyse_text(&big, t);
    free(t);
    t = many(1200, "chan send", "main.send", "main.spawn", 0);
    analyse_text(&huge, t);
    free(t);
    t = many(3, "chan send", "main.send", "main.spawn", 90);
    analyse_text(&old, t);
    free(t);
    const struct gm_finding *fs = find_id(&small.f, "chan-send-blocked");
    const struct gm_finding *fb = find_id(&big.f, "chan-send-blocked");
    const struct gm_finding *fh = find_id(&huge.f, "chan-send-blocked");
    const struct gm_finding *fo = find_id(&old.f, "chan-send-blocked");
    cr_assert(fs && fb && fh && fo);
    cr_assert_eq(fs->severity, GM_SEV_LOW);
    cr_assert_eq(fb->severity, GM_SEV_HIGH);
    cr_assert_eq(fh->severity, GM_SEV_CRITICAL);
    cr_assert_gt(fo->severity, fs->severity, "90 minutes old is worse than fresh");
    cr_assert_eq(fo->min_minutes, 90u);
    cr_assert_eq(fo->max_minutes, 90u);
    cr_assert_eq(fb->objects, 150u, "each on its own channel (first hex argument)");
    done(&small);
    done(&big);
    done(&huge);
    done(&old);
}

Test(findings, shared_channel_pool_is_capped_at_low)
{
    /* 200 receivers on ONE channel: an idle pool, not a leak per se */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    for (unsigned i = 0; i < 200; i++) {
        fprintf(fp,
                "goroutine %u [chan receive]:\n"
                "runtime.chanrecv1(0xc000010000, 0x0)\n\t/go/src/runtime/chan.go:442 +0x18\n"
                "main.(*Pool).worker(0xc000012000)\n\t/x/main.go:24 +0x36\n"
                "created by main.(*Pool).Start in goroutine 1\n\t/x/main.go:31 +0x2b\n\n",
                100 + i);
    }
    fclose(fp);
    struct analysed a;
    analyse_text(&a, buf);
    free(buf);
    cr_assert_eq(a.f.nr, 1u);
    cr_assert_eq(a.f.v[0].objects, 1u);
    cr_assert_eq(a.f.v[0].object, 0xc000010000u);
    cr_assert_leq(a.f.v[0].severity, GM_SEV_LOW);
    done(&a);
}

Test(findings, lock_order_deadlock_go124_internal_sync)
{
    /* Go 1.24+ (here 1.26's exact text): the Mutex lives in internal/sync, the semaphore's
     * arguments are elided and lockSlow is the first frame that names the mutex */
    static const char *const g =
        "goroutine %d [sync.Mutex.Lock]:\n"
        "internal/sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)\n"
        "\t/usr/local/go/src/runtime/sema.go:95 +0x25\n"
        "internal/sync.(*Mutex).lockSlow(%s)\n"
        "\t/usr/local/go/src/internal/sync/mutex.go:149 +0x15d\n"
        "internal/sync.(*Mutex).Lock(...)\n\t/usr/local/go/src/internal/sync/mutex.go:70\n"
        "sync.(*Mutex).Lock(...)\n\t/usr/local/go/src/sync/mutex.go:46\n"
        "main.(*Bank).Transfer(0x0?, %s, %s, 0xa)\n\t/x/main.go:28 +0x9d\n"
        "created by main.main in goroutine 1\n\t/x/main.go:62 +0xd0\n\n";
    char text[2048];
    snprintf(text, sizeof(text), g, 21, "0x2a026b6b8018", "0x2a026b6b8000", "0x2a026b6b8018");
    size_t n = strlen(text);
    snprintf(text + n, sizeof(text) - n, g, 22, "0x2a026b6b8000", "0x2a026b6b8018",
             "0x2a026b6b8000");
    char buf[1024];
    struct analysed a;
    analyse_text(&a, text);
    cr_assert_gt(a.f.nr, 0u);
    cr_assert_str_eq(a.f.v[0].kind->id, "lock-order-deadlock", "findings %s",
                     ids_of(&a.f, buf, sizeof(buf)));
    cr_assert_eq(a.f.v[0].severity, GM_SEV_CRITICAL);
    done(&a);
}

Test(findings, zero_register_arguments_are_no_shared_object)
{
    /* "(0x0?, 0x0?)" is what every goroutine of a register-ABI function shows when its
     * arguments were never spilled: it must not read as "one shared object" (which caps the
     * grade of receivers at low); a real, different argument must still count */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    for (unsigned i = 0; i < 96; i++) {
        fprintf(fp,
                "goroutine %u [chan receive]:\n"
                "main.(*Pipeline).consume(0x0?, 0x0?)\n\t/x/main.go:36 +0x5b\n"
                "created by main.(*Pipeline).Run\n\t/x/main.go:45 +0xdb\n\n"
                "goroutine %u [chan receive]:\n"
                "main.(*Pool).worker(0xc000012000?, 0x0?)\n\t/x/pool.go:24 +0x36\n"
                "created by main.(*Pool).Start\n\t/x/pool.go:31 +0x2b\n\n",
                100 + 2 * i, 101 + 2 * i);
    }
    fclose(fp);
    struct analysed a;
    analyse_text(&a, buf);
    free(buf);
    cr_assert_eq(a.f.nr, 2u);
    const struct gm_finding *consume = NULL, *pool = NULL;
    for (uint32_t i = 0; i < a.f.nr; i++) {
        if (strstr(a.f.v[i].why, "shared")) {
            pool = &a.f.v[i];
        } else {
            consume = &a.f.v[i];
        }
    }
    cr_assert_not_null(consume);
    cr_assert_not_null(pool, "0xc000012000? still names one object");
    cr_assert_eq(consume->severity, GM_SEV_MEDIUM, "96 receivers, nothing shared: %s",
                 consume->why);
    cr_assert_leq(pool->severity, GM_SEV_LOW);
    done(&a);
}

Test(findings, doubtful_arguments_are_no_proof_of_distinct_objects)
{
    /* Values marked '?' may be stale register spills: goroutines whose arguments differ only in
     * them are not "each on its own object (N distinct)"; a value Go prints without '?' does
     * tell them apart (the second group: one event each) */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    for (unsigned i = 0; i < 30; i++) {
        fprintf(fp,
                "goroutine %u [select]:\n"
                "main.(*Feed).watch(0x0?, {0xc0001%05x?, 0x5?})\n\t/x/feed.go:25 +0x5b\n"
                "created by main.(*Feed).Start\n\t/x/feed.go:40 +0xdb\n\n"
                "goroutine %u [select]:\n"
                "main.(*Audit).record(0x0?, {0x7511f0?, 0xc000092000?}, {0xc0000c%04x, 0x9})\n"
                "\t/x/audit.go:29 +0x36\n"
                "created by main.(*Audit).Start\n\t/x/audit.go:31 +0x2b\n\n",
                100 + 2 * i, i * 48, 101 + 2 * i, i * 48);
    }
    fclose(fp);
    struct analysed a;
    analyse_text(&a, buf);
    free(buf);
    cr_assert_eq(a.f.nr, 2u);
    for (uint32_t i = 0; i < a.f.nr; i++) {
        const struct gm_finding *f = &a.f.v[i];
        if (strcmp(gm_stacks_func(&a.set.stacks, f->user_frame), "main.(*Feed).watch") == 0) {
            cr_assert(f->obj_doubt);
            cr_assert_null(strstr(f->why, "distinct)"), "why: %s", f->why);
            cr_assert_not_null(strstr(f->why, "not proof of distinct objects"), "why: %s", f->why);
        } else {
            cr_assert(!f->obj_doubt);
            cr_assert_not_null(strstr(f->why, "(30 distinct)"), "why: %s", f->why);
        }
    }
    done(&a);
}

Test(findings, argument_less_closures_have_no_identical_arguments)
{
    /* The closure shows "()": its goroutines are not "identical arguments" (nor "one shared
     * object") by the receiver of the method that called it; an inlined frame's "..." does
     * hand over to its caller (the third group) */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    for (unsigned i = 0; i < 20; i++) {
        fprintf(fp,
                "goroutine %u [chan receive]:\n"
                "main.(*Pool).run.func1()\n\t/x/pool.go:20 +0x5b\n"
                "main.(*Pool).run(0xc000012000)\n\t/x/pool.go:25 +0x2b\n"
                "created by main.(*Pool).Start\n\t/x/pool.go:31 +0x2b\n\n"
                "goroutine %u [chan receive]:\n"
                "main.(*Jobs).await(...)\n\t/x/jobs.go:24\n"
                "main.(*Jobs).Run(0x0?, 0xc000082%03x)\n\t/x/jobs.go:28 +0x34\n"
                "created by main.(*Jobs).submit\n\t/x/jobs.go:34 +0xcd\n\n",
                100 + 2 * i, 101 + 2 * i, i * 16);
    }
    fclose(fp);
    struct analysed a;
    analyse_text(&a, buf);
    free(buf);
    cr_assert_eq(a.f.nr, 2u);
    for (uint32_t i = 0; i < a.f.nr; i++) {
        const struct gm_finding *f = &a.f.v[i];
        const char *fn = gm_stacks_func(&a.set.stacks, f->user_frame);
        if (strcmp(fn, "main.(*Pool).run.func1") == 0) {
            cr_assert_eq(f->objects, 0u, "%s", f->why);
            cr_assert_null(strstr(f->why, "identical"), "why: %s", f->why);
            cr_assert_null(strstr(f->why, "shared"), "why: %s", f->why);
        } else {
            cr_assert_str_eq(fn, "main.(*Jobs).await");
            cr_assert_not_null(strstr(f->why, "(20 distinct)"), "why: %s", f->why);
        }
    }
    done(&a);
}

Test(findings, runtime_deadlock_proves_every_blocked_goroutine)
{
    /* the same two goroutines are graded as usual without the runtime's verdict, and as a
     * proven, critical deadlock with it (main goroutine included) */
    static const char *const body =
        "goroutine 1 [sync.WaitGroup.Wait]:\n"
        "sync.(*WaitGroup).Wait(0x2ea1f0e0c030?)\n\t/go/src/sync/waitgroup.go:118 +0x65\n"
        "main.deadlock()\n\t/x/main.go:142 +0x9b\n"
        "main.main()\n\t/x/main.go:170 +0x25\n\n"
        "goroutine 7 [chan receive]:\n"
        "main.(*Store).hold(0x2ea1f0e0c000)\n\t/x/main.go:51 +0x2d\n"
        "created by main.main in goroutine 1\n\t/x/main.go:160 +0x9d\n\n";
    char text[2048];
    struct analysed a;
    analyse_text(&a, body);
    for (uint32_t i = 0; i < a.f.nr; i++) {
        cr_assert_not(a.f.v[i].proven);
        cr_assert_lt(a.f.v[i].severity, GM_SEV_HIGH);
    }
    done(&a);
    snprintf(text, sizeof(text), "fatal error: all goroutines are asleep - deadlock!\n\n%s", body);
    analyse_text(&a, text);
    cr_assert_eq(a.set.dumps[0].proof, GM_PROOF_DEADLOCK);
    cr_assert_eq(a.f.nr, 3u, "the crash, and the blocked main goroutine is part of the deadlock");
    cr_assert_str_eq(a.f.v[0].kind->id, "all-goroutines-asleep");
    cr_assert_eq(a.f.v[0].count, 2u);
    for (uint32_t i = 1; i < a.f.nr; i++) {
        cr_assert(a.f.v[i].proven);
        cr_assert_eq(a.f.v[i].severity, GM_SEV_CRITICAL);
        cr_assert(strstr(a.f.v[i].why, "all goroutines are asleep"), "%s", a.f.v[i].why);
    }
    done(&a);
}

Test(findings, synctest_deadlock_proves_the_bubble_only)
{
    static const char *const text =
        "panic: deadlock: all goroutines in bubble are blocked [recovered, repanicked]\n\n"
        "goroutine 21 [chan receive (durable), synctest bubble 1]:\n"
        "example.com/x.(*Server).call(...)\n\t/x/bubble_test.go:197\n"
        "created by example.com/x.TestB.func1 in goroutine 20\n\t/x/bubble_test.go:207 +0xd8\n\n"
        "goroutine 30 [chan receive]:\n"
        "example.com/x.outside(0x2ea1f0e0c000)\n\t/x/other.go:9 +0x2d\n"
        "created by example.com/x.TestB in goroutine 19\n\t/x/bubble_test.go:200 +0x9d\n\n";
    struct analysed a;
    analyse_text(&a, text);
    cr_assert_eq(a.set.dumps[0].proof, GM_PROOF_BUBBLE);
    const struct gm_finding *in = NULL, *out = NULL;
    for (uint32_t i = 0; i < a.f.nr; i++) {
        const char *fn = a.f.v[i].proven ? "in" : "out";
        if (*fn == 'i') {
            in = &a.f.v[i];
        } else {
            out = &a.f.v[i];
        }
    }
    cr_assert_not_null(in);
    cr_assert_geq(in->severity, GM_SEV_HIGH);
    cr_assert(strstr(in->why, "synctest"), "%s", in->why);
    cr_assert_not_null(out, "the goroutine outside the bubble is not proven");
    cr_assert_lt(out->severity, GM_SEV_HIGH);
    done(&a);
}

Test(findings, goroutineleak_debug1_records_are_proven)
{
    static const char *const text =
        "goroutineleak profile: total 11\n"
        "9 @ 0x487f4e 0x41797c 0x417577 0x6a374a 0x48f541\n"
        "#\t0x6a3749\tmain.Mirrors.first.func1+0x49\t/x/main.go:73\n\n"
        "2 @ 0x487f4e 0x489853 0x489833 0x493bb3 0x6a427c 0x48f541\n"
        "#\t0x489832\tsync.runtime_notifyListWait+0x192\t/go/src/runtime/sema.go:617\n"
        "#\t0x493bb2\tsync.(*Cond).Wait+0x72\t\t\t/go/src/sync/cond.go:71\n"
        "#\t0x6a427b\tmain.(*Queue).Pop+0x7b\t\t\t/x/main.go:214\n\n";
    char buf[512];
    struct analysed a;
    analyse_text(&a, text);
    cr_assert_eq(a.set.dumps[0].proof, GM_PROOF_LEAKPROF);
    cr_assert_eq(a.f.nr, 2u, "%s", ids_of(&a.f, buf, sizeof(buf)));
    cr_assert_str_eq(a.f.v[0].kind->id, "goroutine-leak");
    cr_assert_eq(a.f.v[0].count, 9u);
    cr_assert_str_eq(a.f.v[1].kind->id, "cond-wait");
    for (uint32_t i = 0; i < a.f.nr; i++) {
        cr_assert(a.f.v[i].proven);
        cr_assert_geq(a.f.v[i].severity, GM_SEV_HIGH);
    }
    done(&a);
}

Test(findings, header_labels_and_bubble_are_not_the_state)
{
    /* GODEBUG=tracebacklabels=1: labels (commas inside) end the brackets */
    static const char *const text =
        "goroutine 19 [chan receive, 12 minutes, synctest bubble 3 labels:{\"a\": \"1, 2\", "
        "\"b\": \"x\"}]:\n"
        "main.(*Inventory).audit(0x2ea1f0e0c000)\n\t/x/main.go:44 +0x2d\n"
        "created by main.main.func1 in goroutine 1\n\t/x/main.go:160 +0x9d\n\n";
    struct analysed a;
    analyse_text(&a, text);
    const struct gm_goroutine *g = gm_gdump_g(&a.set, 0);
    cr_assert_str_eq(gm_strtab_cstr(&a.set.stacks.strs, g->state_id), "chan receive");
    cr_assert_eq(g->minutes, 12u);
    cr_assert(g->flags & GM_G_BUBBLE);
    done(&a);
}

Test(findings, catalogue)
{
    size_t nr = 0;
    const struct gm_finding_kind *k = gm_finding_kinds(&nr);
    cr_assert_geq(nr, 20u);
    for (size_t i = 0; i < nr; i++) {
        cr_assert_not_null(k[i].id);
        cr_assert_neq(k[i].title[0], '\0');
        cr_assert_neq(k[i].fix[0], '\0');
        cr_assert_eq(gm_finding_kind(k[i].id), &k[i]);
        for (size_t j = i + 1; j < nr; j++) {
            cr_assert_str_neq(k[i].id, k[j].id);
        }
    }
    cr_assert_null(gm_finding_kind("no-such-finding"));
    cr_assert_not_null(gm_finding_kind("lock-order-deadlock"));
}

Test(findings, severity_names)
{
    static const char *const names[] = {"info", "low", "medium", "high", "critical"};
    for (int s = GM_SEV_INFO; s <= GM_SEV_CRITICAL; s++) {
        cr_assert_str_eq(gm_severity_name((enum gm_severity)s), names[s]);
        cr_assert_eq(gm_severity_parse(names[s]), s);
    }
    cr_assert_eq(gm_severity_parse("severe"), -1);
    cr_assert_eq(gm_severity_parse(""), -1);
}

/* ---------------------------------------------------------------- crashes (gm/crash.h) */

struct crash_case {
    char file[48];
    char id[24];
    char function[48];
    char why[48];       /* part of the evidence */
    char recovered[40]; /* the deferred function that re-panicked, or "" */
    char test[16];
};

ParameterizedTestParameters(crash, fixtures)
{
    static struct crash_case c[] = {
        {"y_crash_panic.txt", "panic", "main.(*Handler).firstItem", "index out of range", "", ""},
        {"y_crash_recovered.txt", "panic", "main.(*Handler).firstItem", "and panicked again",
         "main.(*Handler).retry.func1", ""},
        {"y_crash_nilmap.txt", "panic", "main.(*Handler).total", "[signal SIGSEGV", "", ""},
        {"y_crash_concurrent.txt", "fatal-error", "main.(*Handler).record", "concurrent map writes",
         "", ""},
        {"y_crash_overflow.txt", "fatal-error", "main.(*Handler).depth", "stack overflow", "", ""},
        {"y_crash_unlock.txt", "fatal-error", "main.(*Handler).release", "unlock of unlocked", "",
         ""},
        /* the "fatal error:" line lost: runtime.newstack in the runtime stack says it */
        {"y_crash_overflow_cut.txt", "fatal-error", "main.(*Handler).depth", "stack overflow", "",
         ""},
        {"y_crash_fault.txt", "fatal-signal", "main.(*Handler).checksum", "addr=0xdeadbeef", "",
         ""},
        /* the source shows main holding the lock goroutine 5 waits for */
        {"y_crash_deadlock.txt", "all-goroutines-asleep", "main.main",
         "goroutine 1 (main.main) holds h.mu", "", ""},
        {"y_crash_test.txt", "panic", "gomedic.test/gen/crash.(*Handler).firstItem",
         "in test TestCheckout", "", "TestCheckout"},
        {"y_panic.txt", "panic", "main.(*Handler).total", "index out of range", "", ""},
    };
    return cr_make_param_array(struct crash_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct crash_case *c, crash, fixtures)
{
    char path[96];
    snprintf(path, sizeof(path), "testdata/goroutine/%s", c->file);
    struct analysed a;
    analyse_file(&a, path);
    cr_assert_gt(a.f.nr, 0u, "%s", c->file);
    const struct gm_finding *f = &a.f.v[0];
    cr_assert(f->crash, "%s: the crash is ranked first", c->file);
    cr_assert_str_eq(f->kind->id, c->id, "%s", c->file);
    cr_assert_eq(f->severity, GM_SEV_CRITICAL);
    cr_assert_str_eq(gm_stacks_func(&a.set.stacks, f->user_frame), c->function, "%s", c->file);
    cr_assert_not_null(strstr(f->why, c->why), "%s: why '%s'", c->file, f->why);
    const struct gm_crash *k = &a.f.crash;
    cr_assert_str_eq(k->id, c->id);
    cr_assert_gt(k->goroutine, 0u);
    if (c->recovered[0]) {
        cr_assert(k->recovered);
        cr_assert_str_eq(gm_stacks_func(&a.set.stacks, k->recovered_in), c->recovered);
    } else {
        cr_assert_eq(k->recovered_in, GM_NO_FRAME, "%s", c->file);
    }
    cr_assert_str_eq(k->test, c->test);
    for (uint32_t i = 1; i < a.f.nr; i++) {
        cr_assert(!a.f.v[i].crash, "one crash per dump");
    }
    done(&a);
}

/* A dump someone asked for is not a crash: SIGQUIT, debug=2, a goroutine profile. */
Test(crash, requested_dumps_are_not_crashes)
{
    static const char *const files[] = {"y_sigquit.txt", "y_chan-send-blocked.txt",
                                        "y_runtime_stack.txt", "y_healthy_pool.txt"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[96];
        snprintf(path, sizeof(path), "testdata/goroutine/%s", files[i]);
        struct analysed a;
        analyse_file(&a, path);
        cr_assert_eq(a.f.crash.kind, GM_CRASH_NONE, "%s", files[i]);
        for (uint32_t j = 0; j < a.f.nr; j++) {
            cr_assert(!a.f.v[j].crash, "%s", files[i]);
        }
        done(&a);
    }
}
