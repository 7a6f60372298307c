/*
 * The goroutine classifier and grader (the catalogue is in catalogue.c, the lock-order
 * deadlock finder in deadlock.c).
 *
 * Classification looks at a few dozen analysis buckets, not at goroutines, so clarity wins
 * over speed here: frames are compared by name.
 */
#include "gm/findings.h"
#include "gm/alloc.h"
#include "gm/waitclass.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* ---------------------------------------------------------------- frame helpers */

static int has_func(const struct gm_gdump_set *set, const struct gm_stack *st, const char *name)
{
    const uint32_t *ids = gm_stack_frames(&set->stacks, st);
    for (uint32_t k = 0; k < st->nr; k++) {
        if (strcmp(gm_stacks_func(&set->stacks, ids[k]), name) == 0) {
            return 1;
        }
    }
    return 0;
}

static int has_func_prefix(const struct gm_gdump_set *set, const struct gm_stack *st,
                           const char *prefix)
{
    size_t n = strlen(prefix);
    const uint32_t *ids = gm_stack_frames(&set->stacks, st);
    for (uint32_t k = 0; k < st->nr; k++) {
        if (strncmp(gm_stacks_func(&set->stacks, ids[k]), prefix, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int has_func_suffix(const struct gm_gdump_set *set, const struct gm_stack *st,
                           const char *suffix)
{
    size_t n = strlen(suffix);
    const uint32_t *ids = gm_stack_frames(&set->stacks, st);
    for (uint32_t k = 0; k < st->nr; k++) {
        const char *f = gm_stacks_func(&set->stacks, ids[k]);
        size_t fl = strlen(f);
        if (fl >= n && strcmp(f + fl - n, suffix) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The main goroutine: its outermost frame is main.main and nobody created it. */
static int is_main_goroutine(const struct gm_gdump_set *set, const struct gm_stack *st)
{
    if (st->created_by != GM_NO_FRAME || st->nr == 0) {
        return 0;
    }
    const uint32_t *ids = gm_stack_frames(&set->stacks, st);
    const char *last = gm_stacks_func(&set->stacks, ids[st->nr - 1]);
    return strcmp(last, "main.main") == 0 || strcmp(last, "runtime.main") == 0;
}

int gm_is_runtime_stack(const struct gm_gdump_set *set, uint32_t stack_id, uint32_t state_id)
{
    static const char *const rt_states[] = {
        "GC worker (idle)",       "GC worker (active)",     "GC sweep wait",
        "GC scavenge wait",       "finalizer wait",         "force gc (idle)",
        "timer goroutine (idle)", "trace reader (blocked)", "GOMAXPROCS updater (idle)",
        "cleanup wait",           "GC weak to strong wait", "idle",
        "wait for GC cycle",      "GC assist wait",         "GC mark termination",
    };
    static const char *const rt_funcs[] = {
        "runtime.gcBgMarkWorker",
        "runtime.bgsweep",
        "runtime.bgscavenge",
        "runtime.forcegchelper",
        "runtime.runfinq",
        "runtime.timerproc",
        "os/signal.signal_recv",
        "os/signal.loop",
        "runtime.ensureSigM.func1",
        "runtime/trace.Start.func1",
        "runtime.runCleanups",
        "unique.registerCleanup.func1",
        "testing.(*M).startAlarm.func1",
        "runtime.updateMaxProcsGoroutine",
    };
    const char *state = gm_strtab_cstr(&set->stacks.strs, state_id);
    for (size_t i = 0; i < GM_ARRAY_NR(rt_states); i++) {
        if (strcmp(state, rt_states[i]) == 0) {
            return 1;
        }
    }
    const struct gm_stack *st = gm_stacks_get(&set->stacks, stack_id);
    for (size_t i = 0; i < GM_ARRAY_NR(rt_funcs); i++) {
        if (has_func(set, st, rt_funcs[i])) {
            return 1;
        }
    }
    if (st->created_by != GM_NO_FRAME) {
        const char *cb = gm_stacks_func(&set->stacks, st->created_by);
        if (strncmp(cb, "runtime.", 8) == 0 && st->user == st->nr) {
            return 1;
        }
    }
    /* the testing framework waiting for its tests */
    if (st->user == st->nr &&
        (has_func(set, st, "testing.(*T).Run") || has_func(set, st, "testing.tRunner") ||
         has_func(set, st, "testing.(*M).Run"))) {
        return 1;
    }
    return 0;
}

/* Strips ".funcN", ".gowrapN" and "-fm" closure suffixes: main.(*S).handle.func1.2 ->
 * main.(*S).handle. */
static size_t enclosing_len(const char *f)
{
    size_t n = strlen(f);
    for (;;) {
        size_t k = n;
        while (k > 0 && ((f[k - 1] >= '0' && f[k - 1] <= '9') || f[k - 1] == '.')) {
            k--;
        }
        if (k >= 5 && strncmp(f + k - 5, ".func", 5) == 0 && k < n) {
            n = k - 5;
            continue;
        }
        if (k >= 7 && strncmp(f + k - 7, ".gowrap", 7) == 0 && k < n) {
            n = k - 7;
            continue;
        }
        if (n >= 3 && strncmp(f + n - 3, "-fm", 3) == 0) {
            n -= 3;
            continue;
        }
        return n;
    }
}

/* Was this goroutine started by an HTTP handler, and have goroutines like it outlived their
 * request? Only on evidence of a request: the creator is a ServeHTTP method (the http.Handler
 * signature), or the dump shows the creator serving one (gm_gdump_set.handlers: under
 * net/http.(*conn).serve, or with a (ResponseWriter, *Request) argument shape); and there are
 * more of them (count) than requests the creator is serving now (they may be those requests'
 * own). A name with "handle" in it is not evidence. */
static int created_by_handler(const struct gm_gdump_set *set, const struct gm_stack *st,
                              uint64_t count)
{
    if (st->created_by == GM_NO_FRAME) {
        return 0;
    }
    const struct gm_frame *c = gm_stacks_get_frame(&set->stacks, st->created_by);
    if (!(c->flags & GM_FRAME_USER)) {
        return 0;
    }
    const char *f = gm_stacks_func(&set->stacks, st->created_by);
    size_t n = enclosing_len(f);
    int serves = n >= 10 && strncmp(f + n - 10, ".ServeHTTP", 10) == 0;
    uint64_t live = 0;
    for (uint32_t i = 0; i < set->handlers_nr; i++) {
        if (set->handlers[i].func_id == c->func_id) {
            serves = 1;
            live = set->handlers[i].live;
        }
    }
    return serves && count > live;
}

/* Reads the blocking statement of the bucket's user frame (and a few lines after it, for a
 * select) and looks for a range loop or a timer channel. */
enum hint { HINT_NONE, HINT_RANGE, HINT_TICKER, HINT_DONE, HINT_TIMEOUT };

static int has_word(const char *s, const char *w)
{
    return strstr(s, w) != NULL;
}

/* Up to max lines of frame f's file ending at the frame's own line (with_line) or just above
 * it, into buf with the trailing newlines cut: what the source-reading hints below look at (a
 * function's lines above a blocking statement). 1, or 0 when there is no source or no line. */
static int source_above(const struct gm_gdump_set *set, const struct gm_frame *f,
                        struct gm_source *src, uint32_t max, int with_line, char *buf, size_t cap)
{
    if (!src || !f->line) {
        return 0;
    }
    uint32_t back = f->line - 1 < max ? f->line - 1 : max;
    uint32_t nr = back + (with_line ? 1 : 0);
    if (!nr || !gm_source_lines(src, gm_strtab_cstr(&set->stacks.strs, f->file_id), f->line - back,
                                nr, buf, cap)) {
        return 0;
    }
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        buf[--n] = '\0';
    }
    return 1;
}

/* Whether the statement at frame f (indented by ind) sits in a for loop of its function: a
 * less indented "for" line above it before the function's start. 1 when it cannot tell (the
 * conservative answer for a hint that would otherwise drop a finding). */
static int in_loop(const struct gm_gdump_set *set, const struct gm_frame *f, struct gm_source *src,
                   size_t ind)
{
    char buf[12288];
    if (!source_above(set, f, src, 80, 0, buf, sizeof(buf))) {
        return 1;
    }
    size_t n = strlen(buf);
    while (n) { /* the lines above, nearest first */
        char *prev = strrchr(buf, '\n');
        const char *l = prev ? prev + 1 : buf;
        size_t li = strspn(l, " \t");
        if (l[li] && li < ind) {
            if (strncmp(l + li, "for ", 4) == 0 || strncmp(l + li, "for{", 4) == 0) {
                return 1;
            }
            if (strncmp(l, "func ", 5) == 0) {
                return 0;
            }
            ind = li;
        }
        if (!prev) {
            break;
        }
        *prev = '\0';
        n = (size_t)(prev - buf);
    }
    return 1;
}

static enum hint source_hint(const struct gm_gdump_set *set, const struct gm_stack *st,
                             struct gm_source *src, int is_select)
{
    if (!src || st->user >= st->nr) {
        return HINT_NONE;
    }
    uint32_t fid = gm_stack_frames(&set->stacks, st)[st->user];
    const struct gm_frame *f = gm_stacks_get_frame(&set->stacks, fid);
    /* the syntax tree first: the select's cases, the range's channel, how they were made */
    struct gm_go_block gb;
    if (gm_source_block(src, gm_strtab_cstr(&set->stacks.strs, f->file_id), f->line, &gb)) {
        if (is_select && gb.kind == GM_GB_SELECT) {
            return gb.ticker                      ? HINT_TICKER
                   : gb.timer_case && !gb.in_loop ? HINT_TIMEOUT
                   : gb.done_case                 ? HINT_DONE
                                                  : HINT_NONE;
        }
        if (!is_select && gb.kind == GM_GB_RANGE) {
            return gb.ticker ? HINT_TICKER : HINT_RANGE;
        }
        if (!is_select && gb.kind == GM_GB_RECV) {
            return gb.ticker ? HINT_TICKER : HINT_NONE;
        }
    }
    /* no tree (or a statement it does not read): the line's text */
    char buf[2048];
    if (!gm_source_lines(src, gm_strtab_cstr(&set->stacks.strs, f->file_id), f->line,
                         is_select ? 12 : 1, buf, sizeof(buf))) {
        return HINT_NONE;
    }
    if (is_select) {
        /* only the select's own cases: stop at the "}" indented as the select is */
        char close[40] = "\n";
        size_t ind = strspn(buf, " \t");
        if (ind < sizeof(close) - 3) {
            memcpy(close + 1, buf, ind);
            close[ind + 1] = '}';
            close[ind + 2] = '\0';
            char *end = strstr(buf, close);
            if (end) {
                *end = '\0';
            }
        }
        /* a select that waits once on time.After (not in a loop, no ticker) ends by itself */
        if (has_word(buf, "time.After(") && !has_word(buf, "time.Tick(") &&
            !has_word(buf, "Ticker") && !has_word(buf, "ticker") && !has_word(buf, ".C:") &&
            !in_loop(set, f, src, ind)) {
            return HINT_TIMEOUT;
        }
    }
    if (has_word(buf, "time.After(") || has_word(buf, "time.Tick(") || has_word(buf, "Ticker") ||
        has_word(buf, "ticker") || has_word(buf, ".C:") || has_word(buf, ".C {") ||
        (has_word(buf, "range") && has_word(buf, ".C\n"))) {
        return HINT_TICKER;
    }
    if (!is_select && has_word(buf, "range ")) {
        return HINT_RANGE;
    }
    if (is_select && has_word(buf, ".Done():")) {
        return HINT_DONE; /* the select has its way out: the context is what never ends */
    }
    return HINT_NONE;
}

/* ---------------------------------------------------------------- stateless forms */

/* The wait a blocking statement says (a line of Go source): a select, a channel send or a
 * receive; NULL when it is none of them. `ch <- v` sends; `<-ch`, `v := <-ch`, `return <-ch`,
 * `case v, ok := <-ch:`, `f(<-ch)` and `for v := range ch` receive. */
static const char *state_of_line(const char *line)
{
    while (*line == ' ' || *line == '\t') {
        line++;
    }
    if (strncmp(line, "select {}", 9) == 0) {
        return "select (no cases)";
    }
    if (strncmp(line, "select {", 8) == 0 || strncmp(line, "select{", 7) == 0) {
        return "select";
    }
    const char *arrow = strstr(line, "<-");
    if (!arrow) {
        return strncmp(line, "for ", 4) == 0 && strstr(line, "range ") ? "chan receive" : NULL;
    }
    const char *e = arrow;
    while (e > line && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    if (e == line) {
        return "chan receive"; /* a statement that starts with the receive */
    }
    char c = e[-1];
    int word_end = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == ')' || c == ']';
    /* a keyword before the arrow is not a channel expression */
    static const char *const kw[] = {"return", "case", "go", "defer"};
    for (size_t i = 0; i < GM_ARRAY_NR(kw) && word_end; i++) {
        size_t n = strlen(kw[i]);
        if ((size_t)(e - line) >= n && strncmp(e - n, kw[i], n) == 0 &&
            (e - n == line || e[-(ptrdiff_t)n - 1] == ' ' || e[-(ptrdiff_t)n - 1] == '\t')) {
            word_end = 0;
        }
    }
    return word_end ? "chan send" : "chan receive";
}

/* The wait state of a stack whose dump names none (goroutine?debug=1 text; a goroutine
 * profile infers its own from the runtime frames when it loads): what the printed library
 * frames say (gm/waitclass.h: time.Sleep, internal/poll, syscall ...), else, when the stack
 * starts at user code (the runtime frames that would say "chan receive" are hidden), what the
 * blocking statement at that frame's line says, read from the source when it is here. NULL
 * when neither tells. */
static const char *infer_state(const struct gm_gdump_set *set, uint32_t stack_id,
                               struct gm_source *src)
{
    static const char *const by_class[GM_WAIT_NR] = {
        [GM_WAIT_CHAN_RECV] = "chan receive",
        [GM_WAIT_CHAN_SEND] = "chan send",
        [GM_WAIT_SELECT] = "select",
        [GM_WAIT_MUTEX] = "sync.Mutex.Lock",
        [GM_WAIT_COND] = "sync.Cond.Wait",
        [GM_WAIT_WAITGROUP] = "sync.WaitGroup.Wait",
        [GM_WAIT_IO] = "IO wait",
        [GM_WAIT_SYSCALL] = "syscall",
        [GM_WAIT_SLEEP] = "sleep",
    };
    enum gm_wait_class c = gm_wait_class_stack(&set->stacks, stack_id, NULL);
    const struct gm_stack *st = gm_stacks_get(&set->stacks, stack_id);
    if (c == GM_WAIT_MUTEX && has_func(set, st, "sync.(*RWMutex).RLock")) {
        return "sync.RWMutex.RLock";
    }
    if (c == GM_WAIT_MUTEX && has_func(set, st, "sync.(*RWMutex).Lock")) {
        return "sync.RWMutex.Lock";
    }
    if (by_class[c]) {
        return by_class[c];
    }
    if (!src || st->user != 0 || st->nr == 0) {
        return NULL;
    }
    const struct gm_frame *f =
        gm_stacks_get_frame(&set->stacks, gm_stack_frames(&set->stacks, st)[0]);
    char line[1024];
    if (!gm_source_lines(src, gm_strtab_cstr(&set->stacks.strs, f->file_id), f->line, 1, line,
                         sizeof(line))) {
        return NULL;
    }
    return state_of_line(line);
}

/* A goroutine profile's "chan send"/"chan receive" (inferred from runtime.chansend/chanrecv)
 * is a nil channel when the runtime's own source at that frame's line parks for a nil channel
 * (waitReasonChanSendNilChan ...): the Go source of the dump's toolchain says which, when it is
 * on this machine. */
static int nil_chan_by_runtime_source(const struct gm_gdump_set *set, const struct gm_stack *st,
                                      struct gm_source *src)
{
    const uint32_t *ids = gm_stack_frames(&set->stacks, st);
    for (uint32_t k = 0; src && k < st->nr && k < 4; k++) {
        const struct gm_frame *f = gm_stacks_get_frame(&set->stacks, ids[k]);
        const char *fn = gm_strtab_cstr(&set->stacks.strs, f->func_id);
        if (strcmp(fn, "runtime.chansend") != 0 && strcmp(fn, "runtime.chanrecv") != 0) {
            continue;
        }
        char line[512];
        return gm_source_lines(src, gm_strtab_cstr(&set->stacks.strs, f->file_id), f->line, 1, line,
                               sizeof(line)) &&
               strstr(line, "NilChan") != NULL;
    }
    return 0;
}

const struct gm_finding_kind *gm_classify_bucket(const struct gm_gdump_set *set,
                                                 const struct gm_bucket *b, struct gm_source *src)
{
    const struct gm_stack *st = gm_stacks_get(&set->stacks, b->stack_id);
    const char *state = gm_strtab_cstr(&set->stacks.strs, b->state_id);
    if (gm_is_runtime_stack(set, b->stack_id, b->state_id)) {
        return NULL;
    }
    if (!*state) {
        const char *s = infer_state(set, b->stack_id, src);
        state = s ? s : "";
    }
    if (strncmp(state, "chan send (nil chan)", 20) == 0 ||
        strncmp(state, "chan receive (nil chan)", 23) == 0 ||
        (strncmp(state, "chan ", 5) == 0 && nil_chan_by_runtime_source(set, st, src))) {
        return gm_finding_kind("nil-chan");
    }
    int main_g = is_main_goroutine(set, st);
    if (strcmp(state, "running") == 0 || strcmp(state, "runnable") == 0 ||
        strcmp(state, "preempted") == 0) {
        return gm_finding_kind("runnable-backlog");
    }
    if (main_g && !(b->flags & GM_G_PROVEN)) {
        return NULL;
    }
    /* library patterns first: they explain stdlib-only stacks */
    if (has_func(set, st, "database/sql.(*DB).conn")) {
        return gm_finding_kind("sql-pool-exhaustion");
    }
    if (has_func(set, st, "net/http.(*persistConn).readLoop") ||
        has_func(set, st, "net/http.(*persistConn).writeLoop")) {
        return gm_finding_kind("http-client-body-leak");
    }
    int io = strcmp(state, "IO wait") == 0;
    /* a pipe: io.Pipe's ends, or a file read or written through the poller (an os.Pipe: a
     * socket goes through net.(*conn)) */
    if (has_func(set, st, "io.(*pipe).write") || has_func(set, st, "io.(*pipe).read") ||
        (io && (has_func(set, st, "os.(*File).Read") || has_func(set, st, "os.(*File).Write")) &&
         !has_func_prefix(set, st, "net."))) {
        return gm_finding_kind("pipe-leak");
    }
    if (io && has_func(set, st, "net/http.(*conn).serve")) {
        return gm_finding_kind("http-server-idle-conns");
    }
    if (io && (has_func_suffix(set, st, ".Accept") || has_func_suffix(set, st, ".accept"))) {
        return NULL; /* a listener waiting for connections */
    }
    if (st->user == st->nr && st->created_by != GM_NO_FRAME &&
        !(gm_stacks_get_frame(&set->stacks, st->created_by)->flags & GM_FRAME_USER) &&
        !(b->flags & GM_G_LEAKED)) {
        /* standard-library machinery we have no pattern for (e.g. database/sql openers) */
        return NULL;
    }
    const struct gm_finding_kind *k = NULL;
    if (strncmp(state, "chan send", 9) == 0) {
        k = gm_finding_kind("chan-send-blocked");
    } else if (strncmp(state, "chan receive", 12) == 0) {
        enum hint h = source_hint(set, st, src, 0);
        k = gm_finding_kind(h == HINT_TICKER ? "ticker-loop"
                            : (h == HINT_RANGE || has_func(set, st, "runtime.chanrecv2"))
                                ? "range-never-closed"
                                : "chan-recv-blocked");
    } else if (strcmp(state, "select (no cases)") == 0) {
        k = gm_finding_kind("select-forever");
    } else if (strncmp(state, "select", 6) == 0) {
        enum hint h = source_hint(set, st, src, 1);
        if (h == HINT_TIMEOUT) {
            return NULL; /* a one-shot timeout: it returns by itself */
        }
        k = gm_finding_kind(h == HINT_TICKER ? "ticker-loop"
                            : h == HINT_DONE ? "context-not-propagated"
                                             : "select-blocked");
    } else if (strcmp(state, "sync.Cond.Wait") == 0 || has_func(set, st, "sync.(*Cond).Wait")) {
        k = gm_finding_kind("cond-wait");
    } else if (strncmp(state, "sync.WaitGroup.Wait", 19) == 0 ||
               has_func(set, st, "sync.(*WaitGroup).Wait")) {
        k = gm_finding_kind("waitgroup-wait");
    } else if (strncmp(state, "sync.RWMutex", 12) == 0 ||
               has_func_prefix(set, st, "sync.(*RWMutex).")) {
        k = gm_finding_kind("rwmutex-wait");
    } else if (strcmp(state, "sync.Mutex.Lock") == 0 ||
               has_func_prefix(set, st, "sync.(*Mutex).")) {
        k = gm_finding_kind("mutex-wait");
    } else if (strcmp(state, "sleep") == 0) {
        k = gm_finding_kind("sleep-loop");
    } else if (io) {
        k = gm_finding_kind("io-wait");
    } else if (strcmp(state, "syscall") == 0) {
        k = gm_finding_kind("syscall");
    }
    if (!k && (b->flags & GM_G_LEAKED)) {
        /* a goroutineleak profile's debug=1 record: no state, runtime frames hidden */
        k = gm_finding_kind("goroutine-leak");
    }
    if (!k && !*state && b->count >= 10 && st->user < st->nr) {
        /* many goroutines on one user stack, and this form does not say what they wait on
         * (no state, no readable blocking line): never an all-clear */
        k = gm_finding_kind("goroutine-pileup");
    }
    if (!k) {
        return NULL;
    }
    if (created_by_handler(set, st, b->count) &&
        (strncmp(k->id, "chan-", 5) == 0 || strcmp(k->id, "select-blocked") == 0 ||
         strcmp(k->id, "context-not-propagated") == 0 || strcmp(k->id, "range-never-closed") == 0 ||
         strcmp(k->id, "cond-wait") == 0 || strcmp(k->id, "waitgroup-wait") == 0 ||
         strcmp(k->id, "io-wait") == 0)) {
        return gm_finding_kind("escaped-request-goroutine");
    }
    return k;
}

/* The frame a finding points at: the user frame, or for library patterns whose stacks have no
 * user code, the library function that names the pattern. */
uint32_t gm_finding_frame(const struct gm_gdump_set *set, uint32_t stack_id,
                          const struct gm_finding_kind *k)
{
    static const char *const lib[] = {
        "net/http.(*conn).serve",
        "net/http.(*persistConn).readLoop",
        "net/http.(*persistConn).writeLoop",
        "database/sql.(*DB).conn",
    };
    const struct gm_stack *st = gm_stacks_get(&set->stacks, stack_id);
    if (st->user < st->nr || strcmp(k->id, "runnable-backlog") == 0) {
        return gm_stack_user_frame(&set->stacks, stack_id);
    }
    const uint32_t *ids = gm_stack_frames(&set->stacks, st);
    for (uint32_t i = 0; i < st->nr; i++) {
        for (size_t j = 0; j < GM_ARRAY_NR(lib); j++) {
            if (strcmp(gm_stacks_func(&set->stacks, ids[i]), lib[j]) == 0) {
                return ids[i];
            }
        }
    }
    return gm_stack_user_frame(&set->stacks, stack_id);
}

/* ---------------------------------------------------------------- severity */

static enum gm_severity bump(enum gm_severity s, int by)
{
    int v = (int)s + by;
    return (enum gm_severity)(v > GM_SEV_CRITICAL ? GM_SEV_CRITICAL : v < 0 ? 0 : v);
}

static enum gm_severity by_count(uint64_t count, uint64_t min_count)
{
    if (count < min_count) {
        return GM_SEV_INFO;
    }
    if (count >= 1000) {
        return GM_SEV_CRITICAL;
    }
    if (count >= 100) {
        return GM_SEV_HIGH;
    }
    if (count >= 20) {
        return GM_SEV_MEDIUM;
    }
    return GM_SEV_LOW;
}

/* Whether the blocking receive at the stack's user frame reads a channel that the same
 * function made (`ch := make(chan T)` above it, in the function): then every goroutine waits
 * on its own channel, whatever its arguments say (identical arguments are the receiver, not
 * the channel). Needs the source; 0 when it is not here. */
static int per_call_channel(const struct gm_gdump_set *set, const struct gm_stack *st,
                            struct gm_source *src)
{
    if (!src || st->user >= st->nr) {
        return 0;
    }
    const struct gm_frame *f =
        gm_stacks_get_frame(&set->stacks, gm_stack_frames(&set->stacks, st)[st->user]);
    char buf[8192];
    if (!source_above(set, f, src, 60, 1, buf, sizeof(buf))) {
        return 0;
    }
    char *last = strrchr(buf, '\n'); /* the blocking line is the last one */
    const char *arrow = strstr(last ? last + 1 : buf, "<-");
    if (!arrow) {
        return 0;
    }
    arrow += 2;
    while (*arrow == ' ') {
        arrow++;
    }
    size_t n = 0;
    while ((arrow[n] >= 'a' && arrow[n] <= 'z') || (arrow[n] >= 'A' && arrow[n] <= 'Z') ||
           (arrow[n] >= '0' && arrow[n] <= '9') || arrow[n] == '_') {
        n++;
    }
    if (!n || arrow[n] == '.' || n > 60) {
        return 0; /* a field or a call: not a local */
    }
    if (last) {
        *last = '\0';
    }
    /* the lines of the enclosing function above the receive: from its last "func " line */
    const char *fn = buf, *p = buf;
    while ((p = strstr(p, "func ")) != NULL) {
        if (p == buf || p[-1] == '\n') {
            fn = p;
        }
        p += 5;
    }
    char made[80], assigned[80];
    snprintf(made, sizeof(made), "%.*s := make(chan", (int)n, arrow);
    snprintf(assigned, sizeof(assigned), "%.*s = make(chan", (int)n, arrow);
    return strstr(fn, made) || strstr(fn, assigned);
}

/* The why of goroutines told apart only by arguments Go itself doubts. */
static void doubtful_args(struct gm_finding *f)
{
    snprintf(f->why, sizeof(f->why),
             "%llu goroutines, %u different argument lists, but Go marks values in them '?' (may "
             "be inaccurate): not proof of distinct objects",
             (unsigned long long)f->count, f->objects);
}

/* Receivers (chan-recv-blocked, range-never-closed, ticker-loop): severity and why. */
static enum gm_severity grade_receivers(struct gm_finding *f)
{
    if (f->per_call) {
        snprintf(f->why, sizeof(f->why),
                 "%llu goroutines, each waiting on the channel its own call made (the source "
                 "says so): a reply that never comes",
                 (unsigned long long)f->count);
        return by_count(f->count, 10);
    }
    /* receivers on one shared object are what an idle worker pool looks like: only a
     * pool larger than pools usually are (64) is worth a look in a single dump */
    enum gm_severity s = by_count(f->count, 10);
    if (f->objects == 1 && f->count > 1) {
        s = f->count >= 256 ? GM_SEV_MEDIUM : f->count >= 64 ? GM_SEV_LOW : GM_SEV_INFO;
        snprintf(f->why, sizeof(f->why),
                 "%llu goroutines wait on one shared %s: an idle pool of this size, or a "
                 "leak (compare two snapshots with gomedic diff)",
                 (unsigned long long)f->count, f->obj_args ? "object" : "channel");
    } else if (f->objects > 1 && f->obj_doubt) {
        doubtful_args(f);
    } else if (f->objects > 1) {
        snprintf(f->why, sizeof(f->why), "%llu goroutines, each %s (%u distinct)",
                 (unsigned long long)f->count,
                 f->obj_args ? "with its own arguments" : "on its own channel", f->objects);
    }
    return s;
}

/* Lock waiters (mutex-wait, rwmutex-wait): severity and why. */
static enum gm_severity grade_lock_wait(struct gm_finding *f, const char *obj_word)
{
    enum gm_severity s = by_count(f->count, 2);
    if (f->objects == 1 && f->obj_args && f->count > 1) {
        snprintf(f->why, sizeof(f->why),
                 "%llu goroutines wait to lock, all with identical arguments (one lock): its "
                 "holder never unlocks or holds it too long",
                 (unsigned long long)f->count);
    } else if (f->objects == 1) {
        snprintf(f->why, sizeof(f->why),
                 "%llu goroutines wait on one %s (sema 0x%llx): its holder never unlocks "
                 "or holds it too long",
                 (unsigned long long)f->count, obj_word, (unsigned long long)f->object);
    }
    return s;
}

/* Every other kind: severity by count (a threshold per kind) and why from the objects. */
static enum gm_severity grade_other(struct gm_finding *f, const char *id, const char *obj_word)
{
    uint64_t min_count = 5;
    if (strcmp(id, "select-forever") == 0 || strcmp(id, "escaped-request-goroutine") == 0 ||
        strcmp(id, "sql-pool-exhaustion") == 0) {
        min_count = 1;
    } else if (strcmp(id, "chan-send-blocked") == 0 || strcmp(id, "waitgroup-wait") == 0 ||
               strcmp(id, "cond-wait") == 0 || strcmp(id, "lock-order-deadlock") == 0) {
        min_count = 2;
    } else if (strcmp(id, "http-client-body-leak") == 0 ||
               strcmp(id, "http-server-idle-conns") == 0 || strcmp(id, "io-wait") == 0 ||
               strcmp(id, "http-transport-per-request") == 0) {
        min_count = 10;
    }
    enum gm_severity s = by_count(f->count, min_count);
    if (f->objects > 1 && f->obj_doubt) {
        doubtful_args(f);
    } else if (f->objects > 1 && f->objects * 2 >= f->count && f->obj_args) {
        snprintf(f->why, sizeof(f->why),
                 "%llu goroutines, each with its own arguments (%u distinct): one per call",
                 (unsigned long long)f->count, f->objects);
    } else if (f->objects > 1 && f->objects * 2 >= f->count) {
        snprintf(f->why, sizeof(f->why), "%llu goroutines, each on its own %s (%u distinct)",
                 (unsigned long long)f->count, obj_word, f->objects);
    } else if (f->objects == 1 && f->count > 1 && f->obj_args) {
        snprintf(f->why, sizeof(f->why), "%llu goroutines with identical arguments",
                 (unsigned long long)f->count);
    } else if (f->objects == 1 && f->count > 1) {
        snprintf(f->why, sizeof(f->why), "%llu goroutines on one %s (0x%llx)",
                 (unsigned long long)f->count, obj_word, (unsigned long long)f->object);
    }
    return s;
}

/* The severity of a finding by its kind, and the why when the kind has one to say. */
static enum gm_severity grade_kind(struct gm_finding *f, const char *id, const char *state)
{
    const char *obj_word = strstr(id, "pipe")                         ? "pipe"
                           : strstr(id, "mutex")                      ? "mutex"
                           : (strstr(id, "io") || strstr(id, "http")) ? "connection"
                                                                      : "channel";
    if (strcmp(id, "nil-chan") == 0 && !strstr(state, "nil chan")) {
        snprintf(f->why, sizeof(f->why),
                 "%llu goroutine%s parked where the runtime parks for a nil channel (its source "
                 "at the runtime frame's line): nothing can ever wake them",
                 (unsigned long long)f->count, f->count == 1 ? "" : "s");
        return bump(GM_SEV_HIGH, f->count >= 100);
    }
    if (strcmp(id, "nil-chan") == 0) {
        snprintf(f->why, sizeof(f->why), "state '%s': nothing can ever wake them", state);
        return bump(GM_SEV_HIGH, f->count >= 100);
    }
    if (strcmp(id, "goroutine-pileup") == 0) {
        snprintf(f->why, sizeof(f->why),
                 "%llu goroutines with one stack; what they wait on is not in this dump kind: "
                 "goroutine?debug=2 says",
                 (unsigned long long)f->count);
        return f->count >= 100 ? GM_SEV_MEDIUM : GM_SEV_LOW;
    }
    if (strcmp(id, "runnable-backlog") == 0) {
        snprintf(f->why, sizeof(f->why), "%llu goroutine%s running or runnable at once",
                 (unsigned long long)f->count, f->count == 1 ? "" : "s");
        return f->count >= 256  ? GM_SEV_HIGH
               : f->count >= 64 ? GM_SEV_MEDIUM
               : f->count >= 16 ? GM_SEV_LOW
                                : GM_SEV_INFO;
    }
    if (strcmp(id, "chan-recv-blocked") == 0 || strcmp(id, "range-never-closed") == 0 ||
        strcmp(id, "ticker-loop") == 0) {
        return grade_receivers(f);
    }
    if (strcmp(id, "mutex-wait") == 0 || strcmp(id, "rwmutex-wait") == 0) {
        return grade_lock_wait(f, obj_word);
    }
    return grade_other(f, id, obj_word);
}

/* A finding the runtime proved (deadlock, synctest bubble, leaked): at least high, and the
 * proof as the why. */
static enum gm_severity grade_proven(struct gm_finding *f, enum gm_dump_proof proof,
                                     enum gm_severity s)
{
    unsigned long long n = f->count;
    s = s < GM_SEV_HIGH ? GM_SEV_HIGH : s;
    if (proof == GM_PROOF_DEADLOCK) {
        s = GM_SEV_CRITICAL;
        snprintf(f->why, sizeof(f->why),
                 "the Go runtime stopped the program: all goroutines are asleep (deadlock); "
                 "%llu of them here",
                 n);
    } else if (proof == GM_PROOF_BUBBLE) {
        snprintf(f->why, sizeof(f->why),
                 "synctest: %llu goroutine%s of the bubble blocked for good when the test "
                 "panicked (deadlock)",
                 n, n == 1 ? "" : "s");
    } else {
        snprintf(f->why, sizeof(f->why),
                 "the Go runtime marked %llu goroutine%s (leaked): blocked on an unreachable "
                 "object",
                 n, n == 1 ? "" : "s");
    }
    return s;
}

/* The severity and why of a finding: by kind, then age, lock-order deadlocks and proofs. */
static void grade(const struct gm_gdump_set *set, enum gm_dump_proof proof, struct gm_finding *f)
{
    const char *id = f->kind->id;
    const char *state = gm_strtab_cstr(&set->stacks.strs, f->state_id);
    f->why[0] = '\0';
    enum gm_severity s = grade_kind(f, id, state);
    /* age: blocked for minutes means stuck, not busy */
    if (s > GM_SEV_INFO || strcmp(id, "runnable-backlog") != 0) {
        int shared_pool =
            (strcmp(id, "chan-recv-blocked") == 0 || strcmp(id, "range-never-closed") == 0) &&
            f->objects == 1 && f->count > 1;
        if (!shared_pool && s > GM_SEV_INFO) {
            s = bump(s, (f->min_minutes >= 10) + (f->min_minutes >= 60));
        }
    }
    if (strcmp(id, "lock-order-deadlock") == 0) {
        s = GM_SEV_CRITICAL;
    }
    if (f->proven) {
        s = grade_proven(f, proof, s);
    }
    if (!f->why[0]) {
        if (*state) {
            snprintf(f->why, sizeof(f->why), "%llu goroutine%s in '%s'",
                     (unsigned long long)f->count, f->count == 1 ? "" : "s", state);
        } else if (f->inferred) {
            snprintf(f->why, sizeof(f->why),
                     "%llu goroutine%s in '%s' (no state in this dump kind: from its %s)",
                     (unsigned long long)f->count, f->count == 1 ? "" : "s", f->inferred,
                     gm_wait_class_stack(&set->stacks, f->stack_id, NULL) != GM_WAIT_OTHER
                         ? "frames"
                         : "blocking line's source");
        } else {
            snprintf(f->why, sizeof(f->why), "%llu goroutine%s (no wait state in this dump kind)",
                     (unsigned long long)f->count, f->count == 1 ? "" : "s");
        }
    }
    f->severity = s;
}

void gm_source_statement(const struct gm_stacks *stacks, struct gm_source *src,
                         const struct gm_finding_kind *kind, uint32_t user_frame,
                         struct gm_srcnote *out)
{
    out->said[0] = '\0';
    const char *id = kind ? kind->id : "";
    if (!src || user_frame == GM_NO_FRAME ||
        (strcmp(id, "context-not-propagated") != 0 && strcmp(id, "select-blocked") != 0 &&
         strcmp(id, "ticker-loop") != 0 && strcmp(id, "range-never-closed") != 0 &&
         strcmp(id, "chan-recv-blocked") != 0 && strcmp(id, "escaped-request-goroutine") != 0)) {
        return;
    }
    const struct gm_frame *fr = gm_stacks_get_frame(stacks, user_frame);
    struct gm_go_block b;
    if (!gm_source_block(src, gm_strtab_cstr(&stacks->strs, fr->file_id), fr->line, &b)) {
        return;
    }
    const char *loop = b.in_loop ? ", in a loop" : ", not in a loop";
    if (b.kind == GM_GB_SELECT) {
        if (b.done_case) {
            snprintf(out->said, sizeof(out->said),
                     "the select (line %u%s) has %u case%s, %s among them: it never fired, so "
                     "that context is never cancelled (context.Background(), or a request "
                     "context replaced or not passed)",
                     b.line, loop, b.cases, b.cases == 1 ? "" : "s", b.done_expr);
        } else if (b.ticker) {
            snprintf(out->said, sizeof(out->said),
                     "the select (line %u%s) has %u case%s, one on a ticker, none that returns "
                     "on a cancellation",
                     b.line, loop, b.cases, b.cases == 1 ? "" : "s");
        } else {
            snprintf(out->said, sizeof(out->said),
                     "the select (line %u%s) has %u case%s%s, no Done() case and no timer: "
                     "nothing but its channels can end it",
                     b.line, loop, b.cases, b.cases == 1 ? "" : "s",
                     b.has_default ? " and a default" : "");
        }
    } else if (b.kind == GM_GB_RANGE) {
        snprintf(out->said, sizeof(out->said), "the range (line %u) reads %s: it ends only when %s",
                 b.line, b.ticker ? "a ticker's channel" : "a channel",
                 b.ticker ? "the function returns some other way (a ticker never closes its "
                            "channel)"
                          : "the channel is closed");
    } else if (b.kind == GM_GB_RECV && b.ticker) {
        snprintf(out->said, sizeof(out->said), "the receive (line %u%s) reads a ticker", b.line,
                 loop);
    }
}

/* ---------------------------------------------------------------- the culprit */

/* The user function that created the goroutines of a blocking pattern, when it is not the
 * function they block in: the one to change more often than not (the fan-out that returned
 * before draining, the pipeline that never closes, the registration that passes no
 * context). Only what the dump shows: the "created by" frame. */
static uint32_t culprit_frame(const struct gm_gdump_set *set, const struct gm_stack *st,
                              uint32_t uf, const struct gm_finding_kind *k)
{
    /* the patterns whose fix is in the code that started the goroutine: a fan-out that
     * stopped receiving, a producer that never closes, a start without a way to stop */
    static const char *const by_creator[] = {
        "chan-send-blocked",  "chan-recv-blocked",
        "range-never-closed", "select-blocked",
        "select-forever",     "ticker-loop",
        "sleep-loop",         "escaped-request-goroutine",
        "goroutine-leak",     "context-not-propagated",
        "pipe-leak",
    };
    int wanted = 0;
    for (size_t i = 0; i < GM_ARRAY_NR(by_creator) && !wanted; i++) {
        wanted = strcmp(k->id, by_creator[i]) == 0;
    }
    if (st->created_by == GM_NO_FRAME || !wanted) {
        return GM_NO_FRAME;
    }
    const struct gm_frame *c = gm_stacks_get_frame(&set->stacks, st->created_by);
    const char *cf = gm_strtab_cstr(&set->stacks.strs, c->func_id);
    if (!(c->flags & GM_FRAME_USER) || strcmp(cf, "main.main") == 0 ||
        strncmp(cf, "main.main.func", 14) == 0) {
        return GM_NO_FRAME; /* main starts everything: naming it tells nothing */
    }
    if (uf != GM_NO_FRAME && gm_stacks_get_frame(&set->stacks, uf)->func_id == c->func_id) {
        return GM_NO_FRAME; /* it created itself (a goroutine started by its own function) */
    }
    return st->created_by;
}

/* When the creator is an HTTP handler that a user function (a middleware) called with a
 * replaced request, these goroutines wait on a context (a select that has a Done case, or
 * one that outlived its request), and there are more of them than requests in flight (some
 * outlived their request), that function: the context they wait on is the one it made. Else
 * GM_NO_FRAME. Only what the stacks of the dump showed (struct gm_req_swap). */
static uint32_t request_changer(const struct gm_gdump_set *set, uint32_t creator,
                                const struct gm_finding_kind *k, uint64_t count)
{
    if (creator == GM_NO_FRAME ||
        (strcmp(k->id, "context-not-propagated") != 0 &&
         strcmp(k->id, "escaped-request-goroutine") != 0 && strcmp(k->id, "select-blocked") != 0)) {
        return GM_NO_FRAME;
    }
    uint32_t fid = gm_stacks_get_frame(&set->stacks, creator)->func_id;
    for (uint32_t i = 0; i < set->req_swaps_nr; i++) {
        if (gm_stacks_get_frame(&set->stacks, set->req_swaps[i].callee)->func_id == fid &&
            count > set->req_swaps[i].live) {
            return set->req_swaps[i].changer;
        }
    }
    return GM_NO_FRAME;
}

/* ---------------------------------------------------------------- lock order, no addresses */

/* Whether the stack's user frame waits at a second lock: an earlier `.Lock()`/`.RLock()` in
 * the same function, not released before this line (a deferred Unlock releases nothing
 * yet). Needs the source. */
static int held_lock_at(const struct gm_gdump_set *set, uint32_t frame_id, struct gm_source *src,
                        char *expr, size_t cap);

static int holds_lock_at(const struct gm_gdump_set *set, uint32_t frame_id, struct gm_source *src)
{
    return held_lock_at(set, frame_id, src, NULL, 0);
}

static int at_second_lock(const struct gm_gdump_set *set, const struct gm_stack *st,
                          struct gm_source *src)
{
    if (!src || st->user >= st->nr) {
        return 0;
    }
    return holds_lock_at(set, gm_stack_frames(&set->stacks, st)[st->user], src);
}

/* The receiver of the `.Lock()`/`.RLock()` call in line t ("h.mu" of "h.mu.Lock()") into expr
 * (cap bytes, not NULL). */
static void lock_expr(const char *t, char *expr, size_t cap)
{
    const char *c = strstr(t, ".Lock()");
    c = c ? c : strstr(t, ".RLock()");
    size_t n = c ? (size_t)(c - t) : 0;
    snprintf(expr, cap, "%.*s", (int)(n < cap ? n : cap - 1), t);
}

/* Whether the function of this frame took a lock (`.Lock()` or `.RLock()`) above the frame's
 * line and has not released it by then (a deferred Unlock releases nothing yet); with expr,
 * the lock's expression ("h.mu"). */
static int held_lock_at(const struct gm_gdump_set *set, uint32_t frame_id, struct gm_source *src,
                        char *expr, size_t cap)
{
    const struct gm_frame *f = gm_stacks_get_frame(&set->stacks, frame_id);
    char buf[8192];
    if (!source_above(set, f, src, 60, 1, buf, sizeof(buf))) {
        return 0;
    }
    /* walk the lines above the waiting one, nearest first, to the function's start */
    char *line = strrchr(buf, '\n');
    if (!line) {
        return 0;
    }
    *line = '\0';
    while (1) {
        char *prev = strrchr(buf, '\n');
        const char *l = prev ? prev + 1 : buf;
        const char *t = l;
        while (*t == ' ' || *t == '\t') {
            t++;
        }
        if (strncmp(l, "func ", 5) == 0) {
            return 0; /* the function's start: no earlier lock */
        }
        int deferred = strncmp(t, "defer ", 6) == 0;
        if (!deferred && (strstr(t, "Unlock()") || strstr(t, "RUnlock()"))) {
            return 0;
        }
        if (!deferred && (strstr(t, ".Lock()") || strstr(t, ".RLock()"))) {
            if (expr) {
                lock_expr(t, expr, cap);
            }
            return 1;
        }
        if (!prev) {
            return 0;
        }
        *prev = '\0';
    }
}

/* A dump without lock addresses (debug=1, a goroutine profile), or a debug=2 dump whose locks
 * are locals (no frame holds a pointer to them, each waiter on its own semaphore): two or
 * more goroutines each wait at a second lock of a function holding its first, and every other
 * user goroutine waits for a lock too (so nothing else can hold one). Each holds a lock the
 * other waits for: a lock-order (ABBA) deadlock, as sure as the addresses would make it.
 * Those mutex-wait findings become lock-order-deadlock. */
static void stateless_lock_order(const struct gm_gdump_set *set, const struct gm_dump *d,
                                 struct gm_findings *out, uint64_t others, struct gm_source *src)
{
    int stateless = d->kind == GM_DUMP_AGGREGATED || d->from_profile;
    if (!src || others) {
        return;
    }
    uint64_t second = 0, sema[16];
    uint32_t semas = 0;
    for (uint32_t j = 0; j < out->nr; j++) {
        const struct gm_finding *f = &out->v[j];
        if (strcmp(f->kind->id, "runnable-backlog") == 0 && f->count == 1 &&
            has_func(set, gm_stacks_get(&set->stacks, f->stack_id),
                     "runtime/pprof.writeGoroutine")) {
            continue; /* the goroutine writing this profile */
        }
        if ((strcmp(f->kind->id, "mutex-wait") != 0 && strcmp(f->kind->id, "rwmutex-wait") != 0) ||
            f->proven) {
            return;
        }
        if (strcmp(f->kind->id, "lock-order-deadlock") == 0) {
            return; /* the addresses proved one already */
        }
        if (at_second_lock(set, gm_stacks_get(&set->stacks, f->stack_id), src)) {
            second += f->count;
            /* a full dump whose locks are locals (no pointer in any frame: deadlock.c cannot
             * pair them): each waits on its own semaphore, none shared */
            if (!stateless) {
                if (f->count != 1 || !f->object || semas == GM_ARRAY_NR(sema)) {
                    return;
                }
                for (uint32_t k = 0; k < semas; k++) {
                    if (sema[k] == f->object) {
                        return;
                    }
                }
                sema[semas++] = f->object;
            }
        }
    }
    for (uint32_t j = 0; second >= 2 && j < out->nr; j++) {
        struct gm_finding *f = &out->v[j];
        if (at_second_lock(set, gm_stacks_get(&set->stacks, f->stack_id), src)) {
            f->kind = gm_finding_kind("lock-order-deadlock");
            f->severity = GM_SEV_CRITICAL;
            snprintf(f->why, sizeof(f->why),
                     "%llu goroutine%s a lock (an earlier Lock here) and wait%s for another, "
                     "all others wait for locks: lock-order deadlock (%s)",
                     (unsigned long long)f->count, f->count == 1 ? " holds" : "s each hold",
                     f->count == 1 ? "s" : "",
                     stateless ? "no addresses in this form" : "the locks are locals");
        }
    }
}

/* ---------------------------------------------------------------- recursive read locks */

/* A goroutine waiting in RWMutex.RLock whose outer frame already holds a read lock (the
 * source shows an RLock above that frame's call, not released), while a writer waits in
 * RWMutex.Lock: the writer waits for its first read lock, it waits for the writer, and every
 * reader that came after the writer waits for both. Its rwmutex-wait finding becomes
 * recursive-rlock, graded high: the one goroutine that holds everyone up. */
static void recursive_rlock(const struct gm_gdump_set *set, struct gm_findings *out,
                            struct gm_source *src)
{
    int writer = 0;
    uint64_t waiting = 0;
    for (uint32_t j = 0; src && j < out->nr; j++) {
        const struct gm_finding *f = &out->v[j];
        if (strcmp(f->kind->id, "rwmutex-wait") == 0) {
            writer |=
                has_func(set, gm_stacks_get(&set->stacks, f->stack_id), "sync.(*RWMutex).Lock");
            waiting += f->count;
        }
    }
    for (uint32_t j = 0; writer && j < out->nr; j++) {
        struct gm_finding *f = &out->v[j];
        const struct gm_stack *st = gm_stacks_get(&set->stacks, f->stack_id);
        if (strcmp(f->kind->id, "rwmutex-wait") != 0 ||
            !has_func(set, st, "sync.(*RWMutex).RLock")) {
            continue;
        }
        const uint32_t *ids = gm_stack_frames(&set->stacks, st);
        for (uint32_t i = st->user + 1; i < st->nr; i++) {
            const struct gm_frame *fr = gm_stacks_get_frame(&set->stacks, ids[i]);
            if (!(fr->flags & GM_FRAME_USER) || !holds_lock_at(set, ids[i], src)) {
                continue;
            }
            f->kind = gm_finding_kind("recursive-rlock");
            f->severity = GM_SEV_HIGH;
            snprintf(f->why, sizeof(f->why),
                     "holds a read lock (RLock in %.60s) and asks for another while a writer "
                     "waits: %llu goroutines wait on it",
                     gm_strtab_cstr(&set->stacks.strs, fr->func_id),
                     (unsigned long long)(waiting - f->count));
            break;
        }
    }
}

/* ---------------------------------------------------------------- senders without receivers */

/* Senders blocked on channels while no goroutine of the dump receives or selects (the
 * runtime's and the one writing the dump aside): whoever was to receive has returned (gave up
 * on a timeout or a first error) or died (a panic recovered upstream). The chan-send-blocked
 * findings say so. */
static void receivers_gone(const struct gm_gdump_set *set, const struct gm_buckets *bk,
                           struct gm_findings *out, struct gm_source *src)
{
    int senders = 0;
    for (uint32_t j = 0; j < out->nr && !senders; j++) {
        senders = strcmp(out->v[j].kind->id, "chan-send-blocked") == 0;
    }
    for (uint32_t i = 0; senders && i < bk->nr; i++) {
        const struct gm_bucket *b = &bk->v[i];
        const struct gm_stack *st = gm_stacks_get(&set->stacks, b->stack_id);
        const char *state = gm_strtab_cstr(&set->stacks.strs, b->state_id);
        if (!*state) {
            const char *s2 = infer_state(set, b->stack_id, src);
            state = s2 ? s2 : "";
        }
        if ((strncmp(state, "chan receive", 12) == 0 || strncmp(state, "select", 6) == 0) &&
            !gm_is_runtime_stack(set, b->stack_id, b->state_id) && st->user < st->nr) {
            return; /* somebody may still receive */
        }
        if (!*state && st->user < st->nr && !has_func(set, st, "runtime/pprof.writeGoroutine") &&
            !gm_is_runtime_stack(set, b->stack_id, b->state_id)) {
            return; /* a goroutine whose wait this dump does not say */
        }
    }
    for (uint32_t j = 0; senders && j < out->nr; j++) {
        struct gm_finding *f = &out->v[j];
        if (strcmp(f->kind->id, "chan-send-blocked") == 0) {
            snprintf(f->why, sizeof(f->why),
                     "%llu goroutine%s send%s and no goroutine receives or selects: the receiver "
                     "is gone (returned, or died in a recovered panic)",
                     (unsigned long long)f->count, f->count == 1 ? "" : "s",
                     f->count == 1 ? "s" : "");
        }
    }
}

/* ---------------------------------------------------------------- HTTP client connections */

/* The HTTP client patterns, told apart by what the readLoops do. Waiting in a select for the
 * body to be read or closed: bodies left open (http-client-body-leak). All parked reading the
 * next response (bufio.(*Reader).Peek: the connection is idle in its pool) with bodies
 * closed, 10 or more of them (one Transport keeps 2 idle per host by default): each request
 * made its own Transport, whose idle connection nothing reuses or closes: both loops become
 * http-transport-per-request. When the server's idle conn.serve
 * goroutines of the same process are as many as the client's connections, they are the other
 * end of those loopback connections: the client end leads, the server end is info. */
static void http_client_ends(const struct gm_gdump_set *set, struct gm_findings *out)
{
    uint64_t idle = 0, waiting = 0;
    for (uint32_t j = 0; j < out->nr; j++) {
        const struct gm_finding *f = &out->v[j];
        const struct gm_stack *st = gm_stacks_get(&set->stacks, f->stack_id);
        if (strcmp(f->kind->id, "http-client-body-leak") == 0 &&
            has_func(set, st, "net/http.(*persistConn).readLoop")) {
            if (has_func(set, st, "bufio.(*Reader).Peek")) {
                idle += f->count;
            } else {
                waiting += f->count;
            }
        }
    }
    uint64_t conns = idle + waiting;
    for (uint32_t j = 0; conns && j < out->nr; j++) {
        struct gm_finding *f = &out->v[j];
        if (idle >= 10 && !waiting && strcmp(f->kind->id, "http-client-body-leak") == 0) {
            f->kind = gm_finding_kind("http-transport-per-request");
            snprintf(f->why, sizeof(f->why),
                     "%llu idle keep-alive connections, bodies closed (every readLoop waits for "
                     "a next response): more than a shared Transport keeps idle",
                     (unsigned long long)conns);
        } else if (strcmp(f->kind->id, "http-server-idle-conns") == 0 && f->count == conns) {
            f->severity = GM_SEV_INFO;
            snprintf(f->why, sizeof(f->why),
                     "the server end of the same %llu loopback connections: the client end "
                     "leads",
                     (unsigned long long)conns);
        }
    }
}

/* ---------------------------------------------------------------- leaked locks */

/* Whether the source of every user frame of the stack is here and none of them holds a lock
 * taken above it: 1 (holds none), 0 (holds one), -1 (cannot tell). */
static int holds_no_lock(const struct gm_gdump_set *set, const struct gm_stack *st,
                         struct gm_source *src)
{
    const uint32_t *ids = gm_stack_frames(&set->stacks, st);
    for (uint32_t i = 0; ids && i < st->nr; i++) {
        const struct gm_frame *f = gm_stacks_get_frame(&set->stacks, ids[i]);
        if (!(f->flags & GM_FRAME_USER)) {
            continue;
        }
        char line[256];
        if (!f->line || !gm_source_lines(src, gm_strtab_cstr(&set->stacks.strs, f->file_id),
                                         f->line, 1, line, sizeof(line))) {
            return -1;
        }
        if (holds_lock_at(set, ids[i], src)) {
            return 0;
        }
    }
    return 1;
}

/* Waiters on one sync.Mutex (its semaphore address, from a debug=2 dump) while no other
 * goroutine holds a lock (the source of every other user goroutine is here and shows none
 * held): nobody will ever unlock it; a return path left it locked. Their mutex-wait findings
 * say so, graded high. */
static void leaked_locks(const struct gm_gdump_set *set, const struct gm_buckets *bk,
                         struct gm_findings *out, struct gm_source *src)
{
    for (uint32_t j = 0; src && j < out->nr; j++) {
        struct gm_finding *f = &out->v[j];
        if (strcmp(f->kind->id, "mutex-wait") != 0 || !f->object || f->obj_args ||
            strncmp(f->why, "no goroutine", 12) == 0) {
            continue;
        }
        uint64_t sema = f->object, waiters = 0;
        int clear = 1;
        for (uint32_t i = 0; i < bk->nr && clear; i++) {
            const struct gm_bucket *b = &bk->v[i];
            const struct gm_stack *st = gm_stacks_get(&set->stacks, b->stack_id);
            if (b->object == sema && has_func_prefix(set, st, "sync.(*Mutex).")) {
                waiters += b->count;
                continue;
            }
            if (gm_is_runtime_stack(set, b->stack_id, b->state_id) || st->user >= st->nr ||
                has_func(set, st, "runtime/pprof.writeGoroutine")) {
                continue; /* the runtime's, or the goroutine writing this dump */
            }
            clear = holds_no_lock(set, st, src) == 1;
        }
        for (uint32_t k = 0; clear && k < out->nr; k++) {
            struct gm_finding *g = &out->v[k];
            if (strcmp(g->kind->id, "mutex-wait") == 0 && g->object == sema) {
                g->severity = GM_SEV_HIGH;
                snprintf(g->why, sizeof(g->why),
                         "no goroutine holds the mutex (sema 0x%llx) %llu goroutines wait on: a "
                         "return path left it locked",
                         (unsigned long long)sema, (unsigned long long)waiters);
            }
        }
    }
}

/* In a dump the runtime declared deadlocked: a goroutine waiting to lock what another one,
 * blocked elsewhere, took above its wait and has not released (the source says both). Appends
 * "; goroutine H (F) holds E while in 'S'; goroutine W waits to lock E" to why. */
static void deadlock_cycle(const struct gm_gdump_set *set, const struct gm_dump *d,
                           struct gm_source *src, char *why, size_t cap)
{
    uint32_t waiters = 0;
    for (uint32_t i = d->first; src && i < d->first + d->nr && waiters < 8; i++) {
        const struct gm_goroutine *w = gm_gdump_g(set, i);
        const struct gm_stack *ws = gm_stacks_get(&set->stacks, w->stack_id);
        if (ws->user >= ws->nr || !has_func_prefix(set, ws, "sync.")) {
            continue;
        }
        const struct gm_frame *wf =
            gm_stacks_get_frame(&set->stacks, gm_stack_frames(&set->stacks, ws)[ws->user]);
        char line[512], want[128], held[128];
        if (!gm_source_lines(src, gm_strtab_cstr(&set->stacks.strs, wf->file_id), wf->line, 1, line,
                             sizeof(line)) ||
            (!strstr(line, ".Lock()") && !strstr(line, ".RLock()"))) {
            continue;
        }
        waiters++;
        const char *t = line;
        while (*t == ' ' || *t == '\t') {
            t++;
        }
        lock_expr(t, want, sizeof(want));
        for (uint32_t j = d->first; j < d->first + d->nr && j < d->first + 256; j++) {
            const struct gm_goroutine *h = gm_gdump_g(set, j);
            const struct gm_stack *hs = gm_stacks_get(&set->stacks, h->stack_id);
            if (j == i || hs->user >= hs->nr) {
                continue;
            }
            uint32_t hf = gm_stack_frames(&set->stacks, hs)[hs->user];
            if (held_lock_at(set, hf, src, held, sizeof(held)) && strcmp(held, want) == 0) {
                size_t n = strlen(why);
                snprintf(why + n, cap - n,
                         "; goroutine %llu (%s) holds %s while in '%s', goroutine %llu waits to "
                         "lock it",
                         (unsigned long long)gm_g_id(h), gm_stacks_func(&set->stacks, hf), held,
                         gm_strtab_cstr(&set->stacks.strs, h->state_id),
                         (unsigned long long)gm_g_id(w));
                return;
            }
        }
    }
}

/* The crash the dump was printed for, as the first finding (gm/crash.h). */
static int crash_finding(const struct gm_gdump_set *set, uint32_t dump, struct gm_findings *out,
                         uint32_t *alloc, struct gm_source *src)
{
    struct gm_crash *c = &out->crash;
    if (!gm_crash_of(set, dump, c)) {
        return 0;
    }
    if (out->nr == *alloc && GM_GROW(out->v, *alloc, 16) < 0) {
        return GM_ENOMEM;
    }
    struct gm_finding *f = &out->v[out->nr++];
    memset(f, 0, sizeof(*f));
    f->kind = gm_finding_kind(c->id);
    f->severity = GM_SEV_CRITICAL;
    f->crash = 1;
    f->culprit = f->culprit_of = GM_NO_FRAME;
    f->user_frame = c->frame;
    f->buckets = 1;
    f->count = c->kind == GM_CRASH_DEADLOCK ? c->blocked : 1;
    f->fix = gm_crash_fix(c);
    if (c->g != UINT32_MAX) {
        const struct gm_goroutine *g = gm_gdump_g(set, c->g);
        f->stack_id = g->stack_id;
        f->state_id = g->state_id;
        if (c->goroutine) {
            f->ids[f->ids_nr++] = c->goroutine;
        }
    }
    gm_crash_why(set, c, f->why, sizeof(f->why));
    if (c->kind == GM_CRASH_DEADLOCK) {
        deadlock_cycle(set, &set->dumps[dump], src, f->why, sizeof(f->why));
    }
    return 0;
}

static int cmp_finding(const void *x, const void *y)
{
    const struct gm_finding *a = x, *b = y;
    if (a->crash != b->crash) {
        return a->crash ? -1 : 1;
    }
    if (a->severity != b->severity) {
        return a->severity > b->severity ? -1 : 1;
    }
    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    if (a->stack_id != b->stack_id) {
        return a->stack_id < b->stack_id ? -1 : 1;
    }
    return strcmp(a->kind->id, b->kind->id);
}

int gm_findings_goroutines(const struct gm_gdump_set *set, uint32_t dump, struct gm_source *src,
                           struct gm_findings *out)
{
    struct gm_buckets bk;
    memset(out, 0, sizeof(*out));
    GM_TRY(gm_bucket_dump(set, dump, GM_BUCKET_IGNORE_ARGS, &bk));
    out->groups = bk.nr;
    int rc = 0;
    uint32_t alloc = 0;
    uint64_t others = 0;
    for (uint32_t i = 0; i < bk.nr; i++) {
        const struct gm_bucket *b = &bk.v[i];
        const struct gm_finding_kind *k = gm_classify_bucket(set, b, src);
        if (!k) {
            out->runtime_goroutines += b->count;
            const struct gm_stack *st = gm_stacks_get(&set->stacks, b->stack_id);
            if (st->user < st->nr && !gm_is_runtime_stack(set, b->stack_id, b->state_id) &&
                !is_main_goroutine(set, st)) {
                others += b->count; /* user goroutines no pattern explains */
            }
            continue;
        }
        uint32_t uf = gm_finding_frame(set, b->stack_id, k);
        uint32_t uf_func =
            uf == GM_NO_FRAME ? UINT32_MAX : gm_stacks_get_frame(&set->stacks, uf)->func_id;
        int runnable = strcmp(k->id, "runnable-backlog") == 0;
        int proven = (b->flags & GM_G_PROVEN) != 0;
        struct gm_finding *f = NULL;
        for (uint32_t j = 0; j < out->nr; j++) {
            struct gm_finding *c = &out->v[j];
            uint32_t cf = c->user_frame == GM_NO_FRAME
                              ? UINT32_MAX
                              : gm_stacks_get_frame(&set->stacks, c->user_frame)->func_id;
            if (c->kind == k && c->proven == proven && (runnable || cf == uf_func)) {
                f = c;
                break;
            }
        }
        if (!f) {
            if (out->nr == alloc && GM_GROW(out->v, alloc, 16) < 0) {
                rc = GM_ENOMEM;
                goto out;
            }
            f = &out->v[out->nr++];
            memset(f, 0, sizeof(*f));
            f->kind = k;
            f->stack_id = b->stack_id;
            f->state_id = b->state_id;
            f->user_frame = uf;
            f->min_minutes = b->min_minutes;
            f->max_minutes = b->max_minutes;
            f->proven = proven;
            f->object = b->object;
            f->obj_args = (b->flags & GM_G_OBJ_ARGS) != 0;
            f->obj_doubt = (b->flags & GM_G_OBJ_DOUBT) != 0;
            if (!*gm_strtab_cstr(&set->stacks.strs, b->state_id)) {
                f->inferred = infer_state(set, b->stack_id, src);
            }
            f->culprit = culprit_frame(set, gm_stacks_get(&set->stacks, b->stack_id), uf, k);
            f->culprit_of = GM_NO_FRAME;
            f->per_call = strcmp(k->id, "chan-recv-blocked") == 0 &&
                          per_call_channel(set, gm_stacks_get(&set->stacks, b->stack_id), src);
        } else {
            f->min_minutes = GM_MIN(f->min_minutes, b->min_minutes);
            f->max_minutes = GM_MAX(f->max_minutes, b->max_minutes);
            if (f->object != b->object) {
                f->object = 0;
            }
        }
        f->count += b->count;
        f->buckets++;
        f->objects += b->objects;
        for (uint32_t j = 0; j < b->ids_nr && f->ids_nr < GM_BUCKET_IDS; j++) {
            f->ids[f->ids_nr++] = b->ids[j];
        }
    }
    if (src && src->nomem) {
        rc = GM_ENOMEM; /* a source hint could not be read: no guessing without it */
        goto out;
    }
    for (uint32_t j = 0; j < out->nr; j++) {
        struct gm_finding *fj = &out->v[j];
        uint32_t changer = request_changer(set, fj->culprit, fj->kind, fj->count);
        if (changer != GM_NO_FRAME) { /* with every goroutine counted: vs requests in flight */
            fj->culprit_of = fj->culprit;
            fj->culprit = changer;
            fj->fix = "derive the middleware's context from the request's (context.WithValue("
                      "r.Context(), ...)), not from context.Background(): the handler's "
                      "goroutines wait on it";
        }
        grade(set, set->dumps[dump].proof, &out->v[j]);
        gm_source_statement(&set->stacks, src, out->v[j].kind, out->v[j].user_frame,
                            &out->v[j].source);
    }
    rc = gm_deadlocks_add(set, dump, out, &alloc);
    if (rc < 0) {
        goto out;
    }
    stateless_lock_order(set, &set->dumps[dump], out, others, src);
    recursive_rlock(set, out, src);
    leaked_locks(set, &bk, out, src);
    http_client_ends(set, out);
    receivers_gone(set, &bk, out, src);
    if ((rc = crash_finding(set, dump, out, &alloc, src)) < 0) {
        goto out;
    }
    if (src && src->nomem) {
        rc = GM_ENOMEM; /* a source line these read could not be held */
        goto out;
    }
    if (out->nr) {
        qsort(out->v, out->nr, sizeof(*out->v), cmp_finding);
    }
out:
    gm_buckets_release(&bk);
    if (rc < 0) {
        gm_findings_release(out);
    }
    return rc;
}

void gm_findings_release(struct gm_findings *f)
{
    free(f->v);
    f->v = NULL;
    f->nr = 0;
}
