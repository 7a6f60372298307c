/* A dump's findings against an execution trace of the same process: see gm/tracejoin.h. */
#include "gm/tracejoin.h"
#include "gm/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static const char *const state_names[] = {"not seen", "stuck", "progress", "ended"};
static const char *const verdict_names[] = {"unknown", "confirmed", "false-alarm", "mixed",
                                            "not-a-wait"};

const char *gm_tj_state_name(enum gm_tj_state s)
{
    return (unsigned)s < 4 ? state_names[s] : "?";
}

const char *gm_tj_verdict_name(enum gm_tj_verdict v)
{
    return (unsigned)v < 5 ? verdict_names[v] : "?";
}

/* What the trace says of one goroutine. */
static enum gm_tj_state judge(const struct gm_trace_result *tr, const struct gm_tgor *t)
{
    if (!t) {
        return GM_TJ_NOT_SEEN;
    }
    if (t->state == GM_TS_ENDED) {
        return GM_TJ_ENDED;
    }
    if (t->state != GM_TS_WAITING) {
        return GM_TJ_PROGRESS;
    }
    uint64_t end = tr->info.duration_ns;
    if (t->woke_from & (1u << t->wait)) {
        return GM_TJ_PROGRESS; /* waits of this kind end for it: a worker between jobs */
    }
    if (t->since_ns > end - end / 10) {
        return GM_TJ_PROGRESS; /* blocked only at the very end */
    }
    return GM_TJ_STUCK;
}

void gm_tj_describe(const struct gm_trace_result *tr, const struct gm_tj_g *g, char *buf, size_t n)
{
    const struct gm_tgor *t = g->t;
    if (!t) {
        (void)snprintf(buf, n, "not in the trace");
        return;
    }
    size_t o = 0;
    char a[32], b[32];
#define PUT(...)                                                                                   \
    do {                                                                                           \
        if (o < n) {                                                                               \
            int k_ = snprintf(buf + o, n - o, __VA_ARGS__);                                        \
            o += k_ > 0 ? (size_t)k_ : 0;                                                          \
        }                                                                                          \
    } while (0)
    if (t->created_ns == UINT64_MAX) {
        PUT("there when the trace began");
    } else {
        gm_trace_fmt_ns(a, sizeof(a), t->created_ns);
        PUT("created at %s", a);
        if (t->creator) {
            PUT(" by goroutine %llu", (unsigned long long)t->creator);
        }
    }
    if (t->last_run_ns == UINT64_MAX) {
        PUT(", never ran during the trace");
    } else {
        gm_trace_fmt_ns(a, sizeof(a), t->last_run_ns);
        PUT(", last ran at %s", a);
    }
    switch (t->state) {
    case GM_TS_ENDED:
        gm_trace_fmt_ns(a, sizeof(a), t->ended_ns);
        PUT(", ended at %s", a);
        break;
    case GM_TS_WAITING:
        gm_trace_fmt_ns(b, sizeof(b), t->since_ns);
        PUT(", waiting on %s since %s", gm_twait_name((enum gm_twait)t->wait), b);
        if (t->woke_from & (1u << t->wait)) {
            PUT(" (it woke %llu time%s during the trace, from such waits too)",
                (unsigned long long)t->wakes, t->wakes == 1 ? "" : "s");
        } else {
            PUT(", never woke from it");
        }
        break;
    case GM_TS_RUNNING:
        PUT(", running at the end");
        break;
    case GM_TS_RUNNABLE:
        PUT(", runnable at the end");
        break;
    case GM_TS_SYSCALL:
        PUT(", in a system call at the end");
        break;
    default:
        break;
    }
#undef PUT
    (void)tr;
}

/* Whether a function name is in a stack of the trace. */
static int in_stack(const struct gm_trace_result *tr, uint32_t stack, const char *fn)
{
    if (stack == GM_TRACE_NO_STACK) {
        return 0;
    }
    const struct gm_stack *st = gm_stacks_get(&tr->stacks, stack);
    const uint32_t *fr = gm_stack_frames(&tr->stacks, st);
    for (uint32_t i = 0; i < st->nr; i++) {
        if (!strcmp(gm_stacks_func(&tr->stacks, fr[i]), fn)) {
            return 1;
        }
    }
    return 0;
}

/* The trace's goroutine with the dump goroutine's id, when it is the same goroutine: the
 * dump's outermost function (where the goroutine started) is in a stack the trace has of it,
 * or the trace has none. Goroutine ids are small integers: another process, or a dump taken
 * long after the trace, reuses them for other goroutines. */
static const struct gm_tgor *same_g(const struct gm_trace_result *tr,
                                    const struct gm_gdump_set *set, const struct gm_goroutine *g,
                                    int *mismatch)
{
    const struct gm_tgor *t = gm_trace_goroutine(tr, gm_g_id(g));
    *mismatch = 0;
    if (!t) {
        return NULL;
    }
    const struct gm_stack *st = gm_stacks_get(&set->stacks, g->stack_id);
    if (st->nr == 0 ||
        (t->start_stack == GM_TRACE_NO_STACK && t->block_stack == GM_TRACE_NO_STACK)) {
        return t;
    }
    const char *outer = gm_stacks_func(&set->stacks, gm_stack_frames(&set->stacks, st)[st->nr - 1]);
    if (in_stack(tr, t->start_stack, outer) || in_stack(tr, t->block_stack, outer)) {
        return t;
    }
    *mismatch = 1;
    return NULL;
}

static int add_g(struct gm_tj_finding *jf, const struct gm_trace_result *tr,
                 const struct gm_gdump_set *set, const struct gm_goroutine *dg)
{
    uint64_t id = gm_g_id(dg);
    for (uint32_t k = 0; k < jf->g_nr; k++) {
        if (jf->g[k].id == id) {
            return 0; /* a sample id, already in */
        }
    }
    int mismatch;
    const struct gm_tgor *t = same_g(tr, set, dg, &mismatch);
    enum gm_tj_state s = judge(tr, t);
    jf->n[s]++;
    jf->goroutines++;
    if (jf->g_nr < GM_TJ_SHOWN) {
        jf->g[jf->g_nr++] = (struct gm_tj_g){id, s, t};
    }
    return 1;
}

int gm_trace_join(const struct gm_trace_result *tr, const struct gm_gdump_set *set, uint32_t dump,
                  const struct gm_findings *fd, struct gm_tjoin *out)
{
    memset(out, 0, sizeof(*out));
    if (fd->nr == 0) {
        return 0;
    }
    out->v = gm_xcalloc(fd->nr, sizeof(*out->v));
    if (!out->v) {
        return GM_ENOMEM;
    }
    out->nr = fd->nr;
    const struct gm_dump *d = &set->dumps[dump];
    for (uint32_t i = d->first; i < d->first + d->nr; i++) {
        const struct gm_goroutine *g = gm_gdump_g(set, i);
        if (gm_g_id(g)) {
            int mismatch;
            out->dump_ids++;
            out->common_ids += same_g(tr, set, g, &mismatch) != NULL;
            out->other_ids += (uint64_t)mismatch;
        }
    }
    for (uint32_t fi = 0; fi < fd->nr; fi++) {
        const struct gm_finding *f = &fd->v[fi];
        struct gm_tj_finding *jf = &out->v[fi];
        jf->f = f;
        /* the sample ids first, so the goroutines shown are those the dump report names */
        for (int pass = 0; pass < 2; pass++) {
            for (uint32_t i = d->first; i < d->first + d->nr; i++) {
                const struct gm_goroutine *g = gm_gdump_g(set, i);
                uint64_t id = gm_g_id(g);
                int sample = 0;
                for (uint32_t k = 0; k < f->ids_nr; k++) {
                    sample |= f->ids[k] == id;
                }
                int member = f->user_frame != GM_NO_FRAME && g->state_id == f->state_id &&
                             gm_stack_user_frame(&set->stacks, g->stack_id) == f->user_frame;
                if (id && (pass == 0 ? sample : member)) {
                    add_g(jf, tr, set, g);
                }
            }
        }
        uint64_t seen = jf->goroutines - jf->n[GM_TJ_NOT_SEEN];
        uint64_t moved = jf->n[GM_TJ_PROGRESS] + jf->n[GM_TJ_ENDED];
        int not_wait = !strcmp(f->kind->id, "runnable-backlog") || !strcmp(f->kind->id, "syscall");
        jf->verdict = not_wait                     ? GM_TJV_NOT_A_WAIT
                      : seen == 0                  ? GM_TJV_UNKNOWN
                      : jf->n[GM_TJ_STUCK] == seen ? GM_TJV_CONFIRMED
                      : moved == seen              ? GM_TJV_FALSE_ALARM
                                                   : GM_TJV_MIXED;
        /* the earliest wait of the stuck ones, for the sentence */
        uint64_t since = UINT64_MAX;
        for (uint32_t k = 0; k < jf->g_nr; k++) {
            if (jf->g[k].state == GM_TJ_STUCK && jf->g[k].t->since_ns < since) {
                since = jf->g[k].t->since_ns;
            }
        }
        char s[32] = "";
        if (since != UINT64_MAX) {
            gm_trace_fmt_ns(s, sizeof(s), since);
        }
        char dur[32];
        gm_trace_fmt_ns(dur, sizeof(dur), tr->info.duration_ns);
        switch (jf->verdict) {
        case GM_TJV_CONFIRMED:
            (void)snprintf(jf->why, sizeof(jf->why),
                           "confirmed by the trace: the %llu goroutine%s it shows stayed blocked "
                           "%s%s to its end (%s) and never woke",
                           (unsigned long long)seen, seen == 1 ? "" : "s",
                           since != UINT64_MAX ? "from " : "", s, dur);
            break;
        case GM_TJV_FALSE_ALARM:
            (void)snprintf(jf->why, sizeof(jf->why),
                           "a false alarm by the trace: the %llu goroutine%s it shows made "
                           "progress (%llu woke from such waits or ran, %llu ended)",
                           (unsigned long long)seen, seen == 1 ? "" : "s",
                           (unsigned long long)jf->n[GM_TJ_PROGRESS],
                           (unsigned long long)jf->n[GM_TJ_ENDED]);
            break;
        case GM_TJV_MIXED:
            (void)snprintf(
                jf->why, sizeof(jf->why),
                "%llu stuck through the trace%s%s, %llu made progress, %llu ended",
                (unsigned long long)jf->n[GM_TJ_STUCK], since != UINT64_MAX ? " from " : "", s,
                (unsigned long long)jf->n[GM_TJ_PROGRESS], (unsigned long long)jf->n[GM_TJ_ENDED]);
            break;
        case GM_TJV_NOT_A_WAIT:
            (void)snprintf(
                jf->why, sizeof(jf->why),
                "not a wait: of its %llu goroutines the trace shows %llu running or "
                "runnable at its end, %llu waiting, %llu ended",
                (unsigned long long)jf->goroutines, (unsigned long long)jf->n[GM_TJ_PROGRESS],
                (unsigned long long)jf->n[GM_TJ_STUCK], (unsigned long long)jf->n[GM_TJ_ENDED]);
            break;
        default:
            (void)snprintf(jf->why, sizeof(jf->why), "the trace shows none of its %llu goroutines",
                           (unsigned long long)jf->goroutines);
            break;
        }
    }
    return 0;
}

void gm_tjoin_release(struct gm_tjoin *j)
{
    free(j->v);
    memset(j, 0, sizeof(*j));
}
