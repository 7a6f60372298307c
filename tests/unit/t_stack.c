/* Unit tests of gm/stack.h: frame classification, frame and stack interning. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "gm/stack.h"

/* ------------------------------------------------------------ gm_func_class */

/* arrays, not pointers: Criterion may run parameterized tests in re-executed workers */
struct class_case {
    char func[64];
    unsigned flags; /* exact expected value */
};

ParameterizedTestParameters(stack, func_class)
{
    static struct class_case cases[] = {
        {"main.main", GM_FRAME_USER},
        {"main.(*T).run.func1", GM_FRAME_USER},
        {"main.main.func1.2", GM_FRAME_USER},
        {"net/http.(*conn).serve", GM_FRAME_STDLIB},
        {"runtime.gopark", GM_FRAME_RUNTIME | GM_FRAME_STDLIB},
        {"runtime.chanrecv1", GM_FRAME_RUNTIME | GM_FRAME_STDLIB},
        {"runtime/internal/syscall.Syscall6", GM_FRAME_RUNTIME | GM_FRAME_STDLIB},
        {"internal/runtime/syscall.Syscall6", GM_FRAME_RUNTIME | GM_FRAME_STDLIB},
        {"github.com/a/b.F", GM_FRAME_USER},
        {"github.com/a/b.(*T).M.func2", GM_FRAME_USER},
        {"golang.org/x/sync/errgroup.(*Group).Wait", GM_FRAME_USER},
        {"gopkg.in/yaml.v3.(*parser).parse", GM_FRAME_USER},
        {"k8s.io/client-go/tools/cache.(*Reflector).Run", GM_FRAME_USER},
        {"example.com/m.Map[...]", GM_FRAME_USER},
        {"sync.(*Mutex).Lock", GM_FRAME_STDLIB},
        {"sync.runtime_SemacquireMutex", GM_FRAME_STDLIB},
        {"time.Sleep", GM_FRAME_STDLIB},
        {"internal/poll.(*FD).Read", GM_FRAME_STDLIB},
        {"runtime/pprof.writeGoroutineStacks", GM_FRAME_STDLIB},
        {"database/sql.(*DB).conn", GM_FRAME_STDLIB},
        {"os/signal.signal_recv", GM_FRAME_STDLIB},
        {"panic", GM_FRAME_RUNTIME | GM_FRAME_STDLIB},
        /* a module path without a dot (private monorepos) is user code, as in Go */
        {"myapp/internal/db.(*DB).Query", GM_FRAME_USER},
        {"monorepo/svc/orders.(*Handler).ServeHTTP", GM_FRAME_USER},
        {"myapp.Run", GM_FRAME_USER},
        {"encoding/json.(*decodeState).object", GM_FRAME_STDLIB},
        {"crypto/tls.(*Conn).Read", GM_FRAME_STDLIB},
        {"fmt.Fprintf", GM_FRAME_STDLIB},
        {"vendor/golang.org/x/net/http2/hpack.(*Decoder).Write", GM_FRAME_STDLIB},
        {"type:.eq.main.T", GM_FRAME_STDLIB},
        {"testing.tRunner", GM_FRAME_STDLIB},
    };
    return cr_make_param_array(struct class_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct class_case *c, stack, func_class)
{
    struct gm_str f = {c->func, strlen(c->func)};
    unsigned got = gm_func_class(f);
    cr_assert_eq(got, c->flags, "gm_func_class(%s) = %#x, want %#x", c->func, got, c->flags);
    /* the three classes are exclusive where it matters: user is never runtime or stdlib */
    if (got & GM_FRAME_USER) {
        cr_assert_eq(got & (GM_FRAME_RUNTIME | GM_FRAME_STDLIB), 0u);
    }
}

Test(stack, func_class_panic_is_runtime_not_user)
{
    unsigned f = gm_func_class(GM_STR_LIT("panic"));
    cr_assert(f & GM_FRAME_RUNTIME);
    cr_assert_not(f & GM_FRAME_USER);
}

Test(stack, func_class_does_not_read_past_slice)
{
    /* only the slice is classified, not the rest of the C string */
    const char buf[] = "sync.Xgithub.com/a/b.F";
    struct gm_str f = {buf, 6};
    cr_assert_eq(gm_func_class(f), GM_FRAME_STDLIB);
    const char buf2[] = "runtime.goparkX";
    struct gm_str g = {buf2, 14};
    cr_assert_eq(gm_func_class(g), GM_FRAME_RUNTIME | GM_FRAME_STDLIB);
}

/* ------------------------------------------------------------ interning */

static uint32_t frame(struct gm_stacks *s, const char *func, const char *file, uint32_t line)
{
    struct gm_str fn = {func, strlen(func)}, fl = {file, strlen(file)};
    uint32_t id = UINT32_MAX;
    int rc = gm_stacks_frame(s, fn, fl, line, gm_stacks_frame_hash(fn, fl, line), &id);
    cr_assert_eq(rc, 0, "frame(%s) rc=%d", func, rc);
    return id;
}

static uint32_t stack(struct gm_stacks *s, const uint32_t *ids, uint32_t nr, uint32_t created_by)
{
    uint32_t id = UINT32_MAX;
    int rc = gm_stacks_stack(s, ids, nr, created_by, &id);
    cr_assert_eq(rc, 0, "stack rc=%d", rc);
    return id;
}

Test(stack, frame_interning_identity)
{
    struct gm_stacks s;
    cr_assert_eq(gm_stacks_init(&s, 0), 0);
    uint32_t a = frame(&s, "main.f", "/x/main.go", 10);
    uint32_t b = frame(&s, "main.f", "/x/main.go", 10);
    uint32_t c = frame(&s, "main.f", "/x/main.go", 11);
    uint32_t d = frame(&s, "main.f", "/y/main.go", 10);
    uint32_t e = frame(&s, "main.g", "/x/main.go", 10);
    cr_assert_eq(a, b);
    cr_assert_neq(a, c);
    cr_assert_neq(a, d);
    cr_assert_neq(a, e);
    cr_assert_eq(s.frames_nr, 4u);
    cr_assert_str_eq(gm_stacks_func(&s, a), "main.f");
    cr_assert_str_eq(gm_stacks_file(&s, a), "/x/main.go");
    cr_assert_eq(gm_stacks_get_frame(&s, c)->line, 11u);
    cr_assert_eq(gm_stacks_get_frame(&s, a)->flags, (uint32_t)GM_FRAME_USER);
    uint32_t r = frame(&s, "runtime.gopark", "/go/src/runtime/proc.go", 398);
    cr_assert_eq(gm_stacks_get_frame(&s, r)->flags, (uint32_t)(GM_FRAME_RUNTIME | GM_FRAME_STDLIB));
    /* keys whose concatenation is equal are still different frames */
    uint32_t x = frame(&s, "ab", "c", 1);
    uint32_t y = frame(&s, "a", "bc", 1);
    cr_assert_neq(x, y);
    gm_stacks_release(&s);
}

Test(stack, frame_interning_many_frames_growth)
{
    struct gm_stacks s;
    cr_assert_eq(gm_stacks_init(&s, 0), 0);
    enum { N = 20000 };
    static uint32_t ids[N];
    char fn[64];
    for (uint32_t i = 0; i < N; i++) {
        snprintf(fn, sizeof(fn), "main.f%u", i % 1000);
        ids[i] = frame(&s, fn, "/x/main.go", i);
    }
    cr_assert_eq(s.frames_nr, (uint32_t)N);
    for (uint32_t i = 0; i < N; i++) {
        snprintf(fn, sizeof(fn), "main.f%u", i % 1000);
        cr_assert_eq(frame(&s, fn, "/x/main.go", i), ids[i]);
        cr_assert_eq(gm_stacks_get_frame(&s, ids[i])->line, i);
        cr_assert_str_eq(gm_stacks_func(&s, ids[i]), fn);
    }
    cr_assert_eq(s.frames_nr, (uint32_t)N);
    gm_stacks_release(&s);
}

Test(stack, stack_interning_identity)
{
    struct gm_stacks s;
    cr_assert_eq(gm_stacks_init(&s, 0), 0);
    uint32_t rt = frame(&s, "runtime.gopark", "/go/src/runtime/proc.go", 398);
    uint32_t f1 = frame(&s, "main.worker", "/x/main.go", 20);
    uint32_t f2 = frame(&s, "main.main", "/x/main.go", 5);
    uint32_t cb = frame(&s, "main.spawn", "", 0);
    uint32_t v1[] = {rt, f1};
    uint32_t v2[] = {rt, f1};
    uint32_t v3[] = {rt, f2};
    uint32_t v4[] = {f1, rt};
    uint32_t a = stack(&s, v1, 2, cb);
    uint32_t b = stack(&s, v2, 2, cb);
    cr_assert_eq(a, b, "equal stacks get one id");
    cr_assert_neq(a, stack(&s, v3, 2, cb));
    cr_assert_neq(a, stack(&s, v4, 2, cb), "order matters");
    cr_assert_neq(a, stack(&s, v1, 2, GM_NO_FRAME), "creator is part of the identity");
    cr_assert_neq(a, stack(&s, v1, 1, cb), "prefix is a different stack");
    uint32_t empty = stack(&s, NULL, 0, GM_NO_FRAME);
    cr_assert_eq(empty, stack(&s, NULL, 0, GM_NO_FRAME));
    const struct gm_stack *st = gm_stacks_get(&s, a);
    cr_assert_eq(st->nr, 2u);
    cr_assert_eq(st->created_by, cb);
    cr_assert_eq(gm_stack_frames(&s, st)[0], rt);
    cr_assert_eq(gm_stack_frames(&s, st)[1], f1);
    cr_assert_eq(st->user, 1u, "first user frame index");
    /* the caller's array is copied */
    v1[1] = f2;
    cr_assert_eq(gm_stack_frames(&s, gm_stacks_get(&s, a))[1], f1);
    gm_stacks_release(&s);
}

Test(stack, stack_interning_many_stacks)
{
    struct gm_stacks s;
    cr_assert_eq(gm_stacks_init(&s, 0), 0);
    uint32_t fr[64];
    char fn[32];
    for (uint32_t i = 0; i < 64; i++) {
        snprintf(fn, sizeof(fn), "main.f%u", i);
        fr[i] = frame(&s, fn, "/x/main.go", i + 1);
    }
    enum { N = 5000 };
    static uint32_t ids[N];
    uint32_t v[4];
    for (uint32_t i = 0; i < N; i++) {
        v[0] = fr[i % 64];
        v[1] = fr[(i / 64) % 64];
        v[2] = fr[(i / 4096) % 64];
        v[3] = fr[(i * 7) % 64];
        ids[i] = stack(&s, v, 1 + i % 4, GM_NO_FRAME);
    }
    for (uint32_t i = 0; i < N; i++) {
        v[0] = fr[i % 64];
        v[1] = fr[(i / 64) % 64];
        v[2] = fr[(i / 4096) % 64];
        v[3] = fr[(i * 7) % 64];
        cr_assert_eq(stack(&s, v, 1 + i % 4, GM_NO_FRAME), ids[i]);
        const struct gm_stack *st = gm_stacks_get(&s, ids[i]);
        cr_assert_eq(st->nr, 1 + i % 4);
        cr_assert_eq(memcmp(gm_stack_frames(&s, st), v, st->nr * sizeof(uint32_t)), 0);
    }
    gm_stacks_release(&s);
}

Test(stack, user_frame_selection)
{
    struct gm_stacks s;
    cr_assert_eq(gm_stacks_init(&s, 0), 0);
    uint32_t park = frame(&s, "runtime.gopark", "/go/src/runtime/proc.go", 398);
    uint32_t recv = frame(&s, "runtime.chanrecv1", "/go/src/runtime/chan.go", 442);
    uint32_t lock = frame(&s, "sync.(*Mutex).Lock", "/go/src/sync/mutex.go", 90);
    uint32_t user1 = frame(&s, "main.(*S).get", "/x/main.go", 30);
    uint32_t user2 = frame(&s, "github.com/a/b.Run", "/m/b.go", 12);
    uint32_t cb_user = frame(&s, "main.start", "", 0);
    uint32_t cb_std = frame(&s, "net/http.(*Server).Serve", "", 0);

    /* first user frame wins over the creator */
    uint32_t v1[] = {park, lock, user1, user2};
    cr_assert_eq(gm_stack_user_frame(&s, stack(&s, v1, 4, cb_user)), user1);
    /* no user frame: a user creator */
    uint32_t v2[] = {park, recv, lock};
    cr_assert_eq(gm_stack_user_frame(&s, stack(&s, v2, 3, cb_user)), cb_user);
    /* no user frame, stdlib creator: the first non-runtime frame */
    cr_assert_eq(gm_stack_user_frame(&s, stack(&s, v2, 3, cb_std)), lock);
    cr_assert_eq(gm_stack_user_frame(&s, stack(&s, v2, 3, GM_NO_FRAME)), lock);
    /* runtime only: the innermost frame */
    uint32_t v3[] = {park, recv};
    cr_assert_eq(gm_stack_user_frame(&s, stack(&s, v3, 2, GM_NO_FRAME)), park);
    /* empty stack, no creator */
    cr_assert_eq(gm_stack_user_frame(&s, stack(&s, NULL, 0, GM_NO_FRAME)), GM_NO_FRAME);
    /* empty stack with a user creator */
    cr_assert_eq(gm_stack_user_frame(&s, stack(&s, NULL, 0, cb_user)), cb_user);
    /* user field */
    cr_assert_eq(gm_stacks_get(&s, stack(&s, v2, 3, cb_user))->user, 3u);
    gm_stacks_release(&s);
}

Test(stack, frame_hash_depends_on_every_part)
{
    struct gm_str f = GM_STR_LIT("main.f"), file = GM_STR_LIT("/x/main.go");
    uint64_t h = gm_stacks_frame_hash(f, file, 1);
    cr_assert_eq(h, gm_stacks_frame_hash(f, file, 1));
    cr_assert_neq(h, gm_stacks_frame_hash(f, file, 2));
    cr_assert_neq(h, gm_stacks_frame_hash(GM_STR_LIT("main.g"), file, 1));
    /* the file need not be hashed (it is compared on a hit): no assertion on it */
}
