/* The crash a dump was printed for (gm/crash.h). */
#include "gm/crash.h"
#include "gm/stack.h"

#include <stdio.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static enum gm_crash_kind kind_of(const char *pre)
{
    if (has_prefix(pre, "panic: deadlock: ")) {
        return GM_CRASH_NONE; /* a synctest bubble: the proof of its goroutines says it */
    }
    if (has_prefix(pre, "panic: ")) {
        return GM_CRASH_PANIC;
    }
    if (has_prefix(pre, "fatal error: all goroutines are asleep")) {
        return GM_CRASH_DEADLOCK;
    }
    if (has_prefix(pre, "fatal error: fault") ||
        has_prefix(pre, "fatal error: unexpected signal")) {
        return GM_CRASH_SIGNAL;
    }
    if (has_prefix(pre, "fatal error: ") || has_prefix(pre, "fatal: ")) {
        return GM_CRASH_FATAL;
    }
    if (has_prefix(pre, "SIG") && !has_prefix(pre, "SIGQUIT:") && !has_prefix(pre, "SIGABRT:")) {
        return GM_CRASH_SIGNAL; /* killed by a signal it did not handle (cgo, a C library) */
    }
    return GM_CRASH_NONE; /* SIGQUIT, SIGABRT: a dump someone asked for */
}

/* The function that panicked or threw, in the stack st: the first user frame, or below the
 * outermost panic frame when deferred code panicked again (the first user frame above it is
 * then the deferred function). */
static void culprit_frames(const struct gm_gdump_set *set, const struct gm_stack *st,
                           struct gm_crash *c)
{
    const uint32_t *ids = gm_stack_frames(&set->stacks, st);
    uint32_t from = 0;
    for (uint32_t k = 0; k < st->nr; k++) {
        const char *f = gm_stacks_func(&set->stacks, ids[k]);
        if (strcmp(f, "panic") == 0 || strcmp(f, "runtime.gopanic") == 0) {
            from = k + 1;
        }
    }
    for (uint32_t k = 0; k < st->nr; k++) {
        if (!(gm_stacks_get_frame(&set->stacks, ids[k])->flags & GM_FRAME_USER)) {
            continue;
        }
        if (k < from) {
            if (c->recovered_in == GM_NO_FRAME) {
                c->recovered_in = ids[k];
            }
        } else if (c->frame == GM_NO_FRAME) {
            c->frame = ids[k];
        }
    }
    if (c->frame == GM_NO_FRAME) { /* no user frame below the panic: the first one at all */
        c->frame = c->recovered_in;
        c->recovered_in = GM_NO_FRAME;
    }
    for (uint32_t k = 1; k < st->nr; k++) {
        if (strcmp(gm_stacks_func(&set->stacks, ids[k]), "testing.tRunner") == 0) {
            const char *t = gm_stacks_func(&set->stacks, ids[k - 1]);
            const char *slash = strrchr(t, '/');
            const char *dot = strchr(slash ? slash : t, '.');
            t = dot ? dot + 1 : t;
            size_t n = strcspn(t, ".");
            snprintf(c->test, sizeof(c->test), "%.*s", (int)(n < 120 ? n : 120), t);
            break;
        }
    }
}

int gm_crash_of(const struct gm_gdump_set *set, uint32_t dump, struct gm_crash *c)
{
    const struct gm_dump *d = &set->dumps[dump];
    memset(c, 0, sizeof(*c));
    c->g = UINT32_MAX;
    c->frame = c->recovered_in = GM_NO_FRAME;
    if (!d->preamble_id || d->kind != GM_DUMP_FULL) {
        return 0;
    }
    const char *pre = gm_strtab_cstr(&set->stacks.strs, d->preamble_id);
    c->kind = kind_of(pre);
    if (c->kind == GM_CRASH_NONE) {
        return 0;
    }
    static const char *const ids[] = {NULL, "panic", "fatal-error", "fatal-signal",
                                      "all-goroutines-asleep"};
    c->id = ids[c->kind];
    size_t n = strlen(pre);
    static const char *const marks[] = {" [recovered]", " [recovered, repanicked]"};
    for (size_t i = 0; i < GM_ARRAY_NR(marks); i++) {
        size_t m = strlen(marks[i]);
        n = n >= m && strcmp(pre + n - m, marks[i]) == 0 ? n - m : n;
    }
    snprintf(c->message, sizeof(c->message), "%.*s", (int)(n < 300 ? n : 300), pre);
    c->recovered = d->recovered;
    c->detail = d->detail_id ? gm_strtab_cstr(&set->stacks.strs, d->detail_id) : NULL;
    if (c->kind == GM_CRASH_DEADLOCK) {
        /* the main goroutine (what the program was waiting for), else the first printed */
        c->g = d->nr ? d->first : UINT32_MAX;
        for (uint32_t i = d->first; i < d->first + d->nr; i++) {
            const struct gm_goroutine *g = gm_gdump_g(set, i);
            c->blocked += (g->flags & GM_G_PROVEN) ? 1 : 0;
            c->g = gm_g_id(g) == 1 ? i : c->g;
        }
    } else if (d->nr) {
        c->g = d->first; /* the runtime prints the goroutine that died first */
    }
    if (c->g != UINT32_MAX) {
        const struct gm_goroutine *g = gm_gdump_g(set, c->g);
        c->goroutine = gm_g_id(g);
        culprit_frames(set, gm_stacks_get(&set->stacks, g->stack_id), c);
    }
    return 1;
}

void gm_crash_why(const struct gm_gdump_set *set, const struct gm_crash *c, char *buf, size_t cap)
{
    int w = snprintf(buf, cap, "%s", c->message);
    if (w < 0 || (size_t)w >= cap) {
        return;
    }
    size_t o = (size_t)w;
    if (c->kind == GM_CRASH_PANIC && c->recovered_in != GM_NO_FRAME) {
        w = snprintf(buf + o, cap - o, " (recovered in %s and panicked again)",
                     gm_stacks_func(&set->stacks, c->recovered_in));
    } else if (c->kind == GM_CRASH_DEADLOCK && c->goroutine == 1) {
        w = snprintf(buf + o, cap - o, ": %llu goroutine%s blocked for good, main in '%s'",
                     (unsigned long long)c->blocked, c->blocked == 1 ? "" : "s",
                     gm_strtab_cstr(&set->stacks.strs, gm_gdump_g(set, c->g)->state_id));
    } else if (c->kind == GM_CRASH_DEADLOCK) {
        w = snprintf(buf + o, cap - o, ": %llu goroutine%s blocked for good",
                     (unsigned long long)c->blocked, c->blocked == 1 ? "" : "s");
    } else {
        w = 0;
    }
    if (w < 0 || (o += (size_t)w) >= cap) {
        return;
    }
    if (c->detail) {
        w = snprintf(buf + o, cap - o, " %s", c->detail);
        if (w < 0 || (o += (size_t)w) >= cap) {
            return;
        }
    }
    if (c->test[0]) {
        snprintf(buf + o, cap - o, " in test %s", c->test);
    }
}

const char *gm_crash_fix(const struct gm_crash *c)
{
    static const struct {
        const char *needle, *fix;
    } fixes[] = {
        {"concurrent map", "guard the map with a sync.Mutex/RWMutex (or use sync.Map); -race "
                           "names the goroutines that write it"},
        {"stack overflow", "bound the recursion: a missing base case, or a method that calls "
                           "itself (through an interface or a String method)"},
        {"out of memory", "bound what grows: follow the heap with a series of profiles (gomedic "
                          "heap), cap caches and queues, set GOMEMLIMIT below the limit"},
        {"unlock of unlocked", "pair every Unlock with its Lock: defer mu.Unlock() right after "
                               "Lock, never unlock on two paths, never a copy of the mutex"},
        {"nil pointer dereference", "a nil pointer reached the named frame: check the value "
                                    "it dereferences (a missing map entry, an unset field, an "
                                    "error ignored)"},
        {"index out of range", "check the length before indexing in the named frame (an empty "
                               "slice or string reached it)"},
    };
    for (size_t i = 0; i < GM_ARRAY_NR(fixes); i++) {
        if (strstr(c->message, fixes[i].needle)) {
            return fixes[i].fix;
        }
    }
    return NULL;
}
