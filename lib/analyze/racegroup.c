#define _GNU_SOURCE
/*
 * Race grouping: one group per unordered pair of racing locations, with counts, tests and a
 * hint read from the frames. Groups are found through a small open-addressing table on the
 * pair hash, so a log of 10^5 reports costs one probe each.
 */
#include "gm/racegroup.h"
#include "gm/source.h"
#include "gm/alloc.h"
#include "gm/hashtab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct gctx {
    struct gm_race_result *r;
    struct gm_htab groups; /* low 32 bits of the group hash -> group index */
    uint32_t last_test;    /* test the previous "--- FAIL" assigned races to */
    uint32_t last[64];     /* those groups */
    uint32_t last_nr;
};

/* First frame that is not the runtime's (runtime.mapassign, racewrite ...). */
static uint32_t location(const struct gm_stacks *s, uint32_t stack_id, int user_only)
{
    if (stack_id == UINT32_MAX) {
        return GM_NO_FRAME;
    }
    const struct gm_stack *st = gm_stacks_get(s, stack_id);
    const uint32_t *ids = gm_stack_frames(s, st);
    for (uint32_t k = 0; k < st->nr; k++) {
        unsigned fl = gm_stacks_get_frame(s, ids[k])->flags;
        if (user_only ? (fl & GM_FRAME_USER) != 0 : (fl & GM_FRAME_RUNTIME) == 0) {
            return ids[k];
        }
    }
    return st->nr ? ids[0] : GM_NO_FRAME;
}

static int loc_key(const struct gm_stacks *s, uint32_t f, char *buf, size_t cap)
{
    if (f == GM_NO_FRAME) {
        return snprintf(buf, cap, "?");
    }
    return snprintf(buf, cap, "%s:%u", gm_stacks_func(s, f), gm_stacks_get_frame(s, f)->line);
}

static int stack_has_prefix(const struct gm_stacks *s, uint32_t stack_id, const char *prefix)
{
    if (stack_id == UINT32_MAX) {
        return 0;
    }
    const struct gm_stack *st = gm_stacks_get(s, stack_id);
    const uint32_t *ids = gm_stack_frames(s, st);
    size_t n = strlen(prefix);
    for (uint32_t k = 0; k < st->nr; k++) {
        if (strncmp(gm_stacks_func(s, ids[k]), prefix, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Length of a function name without its closure suffixes (.funcN, .N). */
static size_t base_len(const char *f)
{
    const char *c = strstr(f, ".func");
    return c ? (size_t)(c - f) : strlen(f);
}

/* The hint for one report and its priority (lower = more specific). */
static const char *hint(const struct gm_stacks *s, const struct gm_race_report *rep, uint32_t u0,
                        uint32_t u1, int global, int *prio)
{
    *prio = 99;
    if (rep->acc[0].atomic != rep->acc[1].atomic) {
        /* the plain side of a plain/atomic pair */
        const struct gm_race_access *plain = &rep->acc[rep->acc[0].atomic ? 1 : 0];
        *prio = 1;
        return plain->kind == GM_RACE_WRITE
                   ? "a plain write races an atomic access: every access to the variable must "
                     "go through sync/atomic (or make it an atomic.Int64/Bool/Pointer)"
                   : "a plain read races an atomic access: every access to the variable must "
                     "go through sync/atomic (or make it an atomic.Int64/Bool/Pointer)";
    }
    for (int i = 0; i < 2; i++) {
        uint32_t st = rep->acc[i].stack_id;
        if (stack_has_prefix(s, st, "runtime.mapaccess") ||
            stack_has_prefix(s, st, "runtime.mapassign") ||
            stack_has_prefix(s, st, "runtime.mapdelete") ||
            stack_has_prefix(s, st, "runtime.mapiter")) {
            *prio = 1;
            return "map accessed from several goroutines: guard it with a sync.Mutex/RWMutex "
                   "(or use sync.Map)";
        }
    }
    for (int i = 0; i < 2; i++) {
        if (stack_has_prefix(s, rep->acc[i].stack_id, "runtime.growslice") ||
            stack_has_prefix(s, rep->acc[i].stack_id, "runtime.slicecopy")) {
            *prio = 2;
            return "a shared slice is appended to or copied concurrently: collect per goroutine "
                   "and merge, or guard it with a mutex";
        }
    }
    if (u0 != GM_NO_FRAME && u1 != GM_NO_FRAME) {
        const char *f0 = gm_stacks_func(s, u0), *f1 = gm_stacks_func(s, u1);
        size_t b0 = base_len(f0), b1 = base_len(f1);
        int c0 = f0[b0] != '\0', c1 = f1[b1] != '\0';
        if (b0 == b1 && strncmp(f0, f1, b0) == 0 && c0 && c1 && rep->acc[0].kind == GM_RACE_WRITE &&
            rep->acc[1].kind == GM_RACE_WRITE) {
            *prio = 3;
            return "goroutines started by one function write a variable it captured (an err?): "
                   "give each goroutine its own result (a slice slot or a channel), or use "
                   "errgroup";
        }
        if (b0 == b1 && strncmp(f0, f1, b0) == 0 && c0 != c1) {
            *prio = 3;
            return "a variable of the enclosing function is captured by its closure (a loop "
                   "variable before Go 1.22?): pass it as an argument or copy it per iteration";
        }
        if (global && (rep->acc[0].kind != rep->acc[1].kind) && strcmp(f0, f1) == 0) {
            *prio = 4;
            return "lazy initialisation of a package-level variable: use sync.Once";
        }
        const char *m0 = strstr(f0, ").");
        const char *m1 = strstr(f1, ").");
        if (m0 && m1 && m0 - f0 == m1 - f1 && strncmp(f0, f1, (size_t)(m0 - f0)) == 0) {
            *prio = 5;
            return "a field of a shared struct is written without synchronisation: guard it "
                   "with the struct's mutex or use sync/atomic";
        }
    }
    if (global) {
        *prio = 6;
        return "a package-level variable is shared without synchronisation";
    }
    return NULL;
}

static int add_test(struct gm_race_group *g, uint32_t test_id)
{
    for (uint32_t i = 0; i < g->tests_nr; i++) {
        if (g->tests[i] == test_id) {
            return 0;
        }
    }
    if (g->tests_nr < GM_ARRAY_NR(g->tests)) {
        g->tests[g->tests_nr++] = test_id;
    }
    return 0;
}

static int on_report(void *ctx, const struct gm_race_report *rep)
{
    struct gctx *c = ctx;
    struct gm_race_result *r = c->r;
    const struct gm_stacks *s = &r->stacks;
    uint32_t l0 = location(s, rep->acc[0].stack_id, 0), l1 = location(s, rep->acc[1].stack_id, 0);
    char k0[600], k1[600], key[1210];
    loc_key(s, l0, k0, sizeof(k0));
    loc_key(s, l1, k1, sizeof(k1));
    int swap = strcmp(k0, k1) > 0;
    int n = snprintf(key, sizeof(key), "%s\n%s", swap ? k1 : k0, swap ? k0 : k1);
    if (l0 == GM_NO_FRAME && l1 == GM_NO_FRAME) {
        /* no stack could be read: its own race (by its line), never one id for all such */
        n = snprintf(key, sizeof(key), "unreadable report at line %llu",
                     (unsigned long long)rep->line);
        if (!r->stats.unreadable++) {
            r->stats.unreadable_line = rep->line;
        }
    }
    uint64_t h = gm_hash(key, n > 0 ? (size_t)n : 0);
    uint32_t pos = gm_htab_probe(&c->groups, (uint32_t)h), gi;
    while ((gi = gm_htab_next(&c->groups, (uint32_t)h, &pos)) != GM_HTAB_END &&
           r->groups[gi].hash != h) {
    }
    if (gi == GM_HTAB_END) {
        if (r->groups_nr == r->groups_alloc && GM_GROW(r->groups, r->groups_alloc, 16) < 0) {
            return GM_ENOMEM;
        }
        GM_TRY(gm_htab_add(&c->groups, (uint32_t)h, r->groups_nr));
        gi = r->groups_nr++;
        struct gm_race_group *g = &r->groups[gi];
        memset(g, 0, sizeof(*g));
        g->hash = h;
        snprintf(g->id, sizeof(g->id), "%016llx", (unsigned long long)h);
        g->loc[0] = swap ? l1 : l0;
        g->loc[1] = swap ? l0 : l1;
        g->user[0] = location(s, rep->acc[0].stack_id, 1);
        g->user[1] = location(s, rep->acc[1].stack_id, 1);
        g->first = *rep;
        g->global = rep->acc[0].addr != 0 && rep->acc[0].addr < 0xc000000000ull;
        g->acc_loc[0] = l0;
        g->acc_loc[1] = l1;
        g->hint_prio = 100;
    }
    struct gm_race_group *g = &r->groups[gi];
    g->count++;
    /* every report may tell more (a growslice frame, a map frame): keep the most specific */
    int prio;
    const char *ht = hint(s, rep, location(s, rep->acc[0].stack_id, 1),
                          location(s, rep->acc[1].stack_id, 1), g->global, &prio);
    if (ht && prio < g->hint_prio) {
        g->hint = ht;
        g->hint_prio = prio;
    }
    if (rep->test_id) {
        return add_test(g, rep->test_id);
    }
    for (uint32_t k = 0; k < r->pending_nr; k++) {
        if (r->pending[k] == gi) {
            return 0;
        }
    }
    if (r->pending_nr == r->pending_alloc && GM_GROW(r->pending, r->pending_alloc, 16) < 0) {
        return GM_ENOMEM;
    }
    r->pending[r->pending_nr++] = gi;
    return 0;
}

/* Replaces test `from` by `to` in group g. */
static void retest(struct gm_race_group *g, uint32_t from, uint32_t to)
{
    for (uint32_t i = 0; i < g->tests_nr; i++) {
        if (g->tests[i] == from) {
            g->tests[i] = to;
        }
    }
}

static int on_failed(void *ctx, uint32_t test_id, uint64_t line)
{
    struct gctx *c = ctx;
    struct gm_race_result *r = c->r;
    (void)line;
    if (r->pending_nr == 0 && c->last_test) {
        /* non -v output prints "--- FAIL: TestC" before "--- FAIL: TestC/sub": the races of
         * the parent's failure belong to the subtest named right after it */
        const char *parent = gm_strtab_cstr(&r->stacks.strs, c->last_test);
        const char *child = gm_strtab_cstr(&r->stacks.strs, test_id);
        size_t pl = strlen(parent);
        if (strncmp(child, parent, pl) == 0 && child[pl] == '/') {
            for (uint32_t k = 0; k < c->last_nr; k++) {
                retest(&r->groups[c->last[k]], c->last_test, test_id);
            }
            c->last_test = test_id;
        }
        return 0;
    }
    c->last_nr = 0;
    for (uint32_t k = 0; k < r->pending_nr; k++) {
        add_test(&r->groups[r->pending[k]], test_id);
        if (c->last_nr < GM_ARRAY_NR(c->last)) {
            c->last[c->last_nr++] = r->pending[k];
        }
    }
    c->last_test = r->pending_nr ? test_id : 0;
    r->pending_nr = 0;
    return 0;
}

static int cmp_group(const void *x, const void *y)
{
    const struct gm_race_group *a = x, *b = y;
    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    return strcmp(a->id, b->id);
}

int gm_race_analyze(const char *p, size_t len, const struct gm_limits *lim,
                    struct gm_race_result *out)
{
    memset(out, 0, sizeof(*out));
    struct gm_limits dl;
    if (!lim) {
        gm_limits_default(&dl);
        lim = &dl;
    }
    GM_TRY(gm_stacks_init(&out->stacks, lim->max_strtab));
    struct gctx c;
    memset(&c, 0, sizeof(c));
    c.r = out;
    if (gm_htab_init(&c.groups, 32) < 0) {
        gm_race_result_release(out);
        return GM_ENOMEM;
    }
    struct gm_race_visitor v = {&c, on_report, on_failed};
    int rc = gm_race_parse(p, len, &out->stacks, &v, &out->stats);
    gm_htab_release(&c.groups);
    if (rc < 0) {
        gm_race_result_release(out);
        return rc;
    }
    if (out->groups_nr) {
        qsort(out->groups, out->groups_nr, sizeof(*out->groups), cmp_group);
    }
    for (uint32_t i = 0; i < out->groups_nr; i++) {
        out->groups[i].is_new = 1;
    }
    return 0;
}

void gm_race_result_release(struct gm_race_result *r)
{
    gm_stacks_release(&r->stacks);
    free(r->groups);
    free(r->pending);
    memset(r, 0, sizeof(*r));
}

uint32_t gm_race_baseline(struct gm_race_result *r, const char *json, size_t len)
{
    uint32_t fresh = 0;
    for (uint32_t i = 0; i < r->groups_nr; i++) {
        struct gm_race_group *g = &r->groups[i];
        char needle[32];
        int n = snprintf(needle, sizeof(needle), "\"%s\"", g->id);
        g->is_new = !(n > 0 && len >= (size_t)n && memmem(json, len, needle, (size_t)n));
        fresh += (uint32_t)g->is_new;
    }
    return fresh;
}

/* The text of line i (0-based) of buf (lines joined by '\n'), trimmed of leading blanks, into
 * out; returns its length (0 when there is no such line). */
static size_t nth_line(const char *buf, uint32_t i, char *out, size_t cap)
{
    const char *p = buf;
    while (i-- > 0 && (p = strchr(p, '\n')) != NULL) {
        p++;
    }
    if (!p) {
        out[0] = '\0';
        return 0;
    }
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    size_t n = strcspn(p, "\n");
    n = n < cap - 1 ? n : cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return n;
}

/* A method with a value receiver that locks a mutex of its receiver before the racing line:
 * the lock is a copy. Writes the hint and returns 1. */
static int copylocks_hint(const struct gm_stacks *s, uint32_t f, struct gm_source *src, char *hint,
                          size_t cap)
{
    const struct gm_frame *fr = gm_stacks_get_frame(s, f);
    char buf[8192], ln[256];
    uint32_t back = fr->line > 60 ? 60 : fr->line - 1;
    if (!back ||
        !gm_source_lines(src, gm_stacks_file(s, f), fr->line - back, back + 1, buf, sizeof(buf))) {
        return 0;
    }
    uint32_t start = UINT32_MAX;
    for (uint32_t i = back + 1; i-- > 0 && start == UINT32_MAX;) {
        nth_line(buf, i, ln, sizeof(ln));
        start = strncmp(ln, "func ", 5) == 0 ? i : UINT32_MAX;
    }
    if (start == UINT32_MAX) {
        return 0;
    }
    /* func (c Counter) Inc(...) {: a receiver without '*' */
    char recv[64] = "", type[64] = "";
    nth_line(buf, start, ln, sizeof(ln));
    if (sscanf(ln, "func (%63[A-Za-z0-9_] %63[^)])", recv, type) != 2 || strchr(type, '*')) {
        return 0;
    }
    size_t rl = strlen(recv);
    for (uint32_t i = start + 1; i <= back; i++) {
        size_t n = nth_line(buf, i, ln, sizeof(ln));
        char *lk = strstr(ln, ".Lock()");
        lk = lk ? lk : strstr(ln, ".RLock()");
        if (n > rl && lk && strncmp(ln, recv, rl) == 0 && ln[rl] == '.') {
            *lk = '\0';
            /* a long name is cut (the return value is the untruncated length) */
            return snprintf(hint, cap,
                            "%s has a value receiver (%s %s): the mutex it locks (%s) is a copy "
                            "and guards nothing: use a pointer receiver (go vet copylocks)",
                            gm_stacks_func(s, f), recv, type, ln) > 0;
        }
    }
    return 0;
}

/* The write is `X = ...` right under `if X == nil {`: lazy initialisation. Returns 1 with the
 * hint written. */
static int lazy_init_hint(const struct gm_stacks *s, uint32_t w, struct gm_source *src, char *hint,
                          size_t cap)
{
    const struct gm_frame *fr = gm_stacks_get_frame(s, w);
    char buf[2048], ln[256], x[128], cond[160];
    if (fr->line < 3 ||
        !gm_source_lines(src, gm_stacks_file(s, w), fr->line - 2, 3, buf, sizeof(buf))) {
        return 0;
    }
    nth_line(buf, 2, ln, sizeof(ln));
    const char *eq = strstr(ln, " = ");
    if (!eq || (size_t)(eq - ln) >= sizeof(x)) {
        return 0;
    }
    memcpy(x, ln, (size_t)(eq - ln));
    x[eq - ln] = '\0';
    if (snprintf(cond, sizeof(cond), "if %s == nil {", x) >= (int)sizeof(cond)) {
        return 0;
    }
    for (uint32_t i = 0; i < 2; i++) {
        nth_line(buf, i, ln, sizeof(ln));
        if (strcmp(ln, cond) == 0) {
            return snprintf(hint, cap,
                            "lazy initialisation (if %s == nil { %s = ... }) races with itself: "
                            "use sync.Once, or initialise it before the goroutines start",
                            x, x) > 0;
        }
    }
    return 0;
}

int gm_race_source_hints(struct gm_race_result *r, struct gm_source *src)
{
    const struct gm_stacks *s = &r->stacks;
    for (uint32_t i = 0; i < r->groups_nr; i++) {
        struct gm_race_group *g = &r->groups[i];
        uint32_t u0 = g->user[0], u1 = g->user[1];
        if (u0 == GM_NO_FRAME || u1 == GM_NO_FRAME ||
            strcmp(gm_stacks_func(s, u0), gm_stacks_func(s, u1)) != 0) {
            continue;
        }
        int found = copylocks_hint(s, u0, src, g->hint_text, sizeof(g->hint_text));
        for (int k = 0; k < 2 && !found; k++) {
            found = g->first.acc[k].kind == GM_RACE_WRITE &&
                    lazy_init_hint(s, g->user[k], src, g->hint_text, sizeof(g->hint_text));
        }
        if (found) {
            g->hint = g->hint_text;
            g->hint_prio = 0;
        }
    }
    return src->nomem ? GM_ENOMEM : 0;
}
