/*
 * /metrics: the daemon's state in the Prometheus text format (version 0.0.4), read from the
 * targets in memory (state.h) and a few figures of the process and the store. Every family
 * has its HELP and TYPE even when it has no series (no open finding, no expvar), so a
 * dashboard's queries are valid before anything happened.
 *
 * The body is streamed: a cursor renders one family's header or one target's lines of a
 * family at a time into a small buffer that the server drains (server.h: reply.gen), so the
 * memory of a scrape does not grow with the targets (1000 targets make 1.8 MB of text). A
 * family's series stay together, as the format wants; a value may move between two chunks of
 * one scrape (the loop runs between them), which a scrape of a live process always allows.
 */
#include "server.h"
#include "state.h"
#include "gm/alloc.h"
#include "gm/record.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define UNIT_MAX 8192 /* one target's lines of one family fit */

struct cursor {
    struct watcher *w;
    uint32_t fam, tgt; /* the next unit: family fam, target tgt (UINT32_MAX: the header) */
    char buf[UNIT_MAX];
    size_t len, off; /* what the last unit wrote, and what of it was taken */
};

static void put(struct cursor *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct cursor *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->buf + c->len, sizeof(c->buf) - c->len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        c->len += (size_t)n < sizeof(c->buf) - c->len ? (size_t)n : sizeof(c->buf) - c->len - 1;
    }
}

/* A label value: backslash, double quote and newline escaped (at most 400 bytes of it). */
static const char *esc(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 3 < cap; s++) {
        if (*s == '\\' || *s == '"') {
            out[n++] = '\\';
            out[n++] = *s;
        } else if (*s == '\n') {
            out[n++] = '\\';
            out[n++] = 'n';
        } else {
            out[n++] = *s;
        }
    }
    out[n] = '\0';
    return out;
}

/* Seconds of CPU this process used (utime + stime of /proc/self/stat), or -1. */
static double self_cpu(void)
{
    FILE *p = fopen("/proc/self/stat", "r");
    if (!p) {
        return -1;
    }
    char buf[1024];
    size_t n = fread(buf, 1, sizeof(buf) - 1, p);
    fclose(p);
    buf[n] = '\0';
    const char *s = strrchr(buf, ')'); /* the command may hold spaces */
    unsigned long long ut = 0, st = 0;
    if (!s ||
        sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) {
        return -1;
    }
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ---------------------------------------------------------------- the families */

typedef void (*per_target_fn)(struct cursor *c, const struct target *t, const char *name,
                              const char *tl);

static void f_up(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    put(c, "%s{target=\"%s\"} %d\n", name, tl, t->up);
}

static void f_goroutines(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    for (int k = 0; k < GM_WAIT_NR && t->last.t_ms && t->last.goroutines >= 0; k++) {
        put(c, "%s{target=\"%s\",state=\"%s\"} %lld\n", name, tl,
            gm_wait_class_name((enum gm_wait_class)k), (long long)t->last.states[k]);
    }
}

static void f_heap(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    if (t->last.t_ms && t->last.heap >= 0) {
        put(c, "%s{target=\"%s\"} %lld\n", name, tl, (long long)t->last.heap);
    }
}

static void f_gc(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    if (t->last.t_ms && t->last.gc_cpu >= 0) {
        put(c, "%s{target=\"%s\"} %.6g\n", name, tl, t->last.gc_cpu / 100);
    }
}

static void f_findings(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    for (uint32_t k = 0; k < t->open_nr; k++) {
        const struct open_finding *o = &t->open[k];
        int dup = o->ended_ms != 0; /* two open findings of one id (two functions): one series */
        for (uint32_t j = 0; j < k && !dup; j++) {
            dup = !t->open[j].ended_ms && strcmp(t->open[j].id, o->id) == 0 &&
                  t->open[j].severity == o->severity;
        }
        if (!dup) {
            char id[200];
            put(c, "%s{target=\"%s\",id=\"%s\",severity=\"%s\"} 1\n", name, tl,
                esc(o->id, id, sizeof(id)), gm_severity_name((enum gm_severity)o->severity));
        }
    }
}

static void counters(struct cursor *c, const char *name, const char *tl, const char *label,
                     const char *const *names, int nr, const uint64_t *v)
{
    for (int k = 0; k < nr; k++) {
        put(c, "%s{target=\"%s\",%s=\"%s\"} %llu\n", name, tl, label, names[k],
            (unsigned long long)v[k]);
    }
}

static void f_triggers(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    counters(c, name, tl, "rule", rule_name, RULE_NR, t->n_triggers);
}

static void f_captures(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    counters(c, name, tl, "kind", cap_kind_name, CAP_NR, t->n_captures);
}

static void f_hooks(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    counters(c, name, tl, "result", hook_result_name, HOOKR_NR, t->n_hooks);
}

static void f_errors(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    counters(c, name, tl, "kind", scrape_err_name, ERR_NR, t->n_errors);
}

static void f_samples(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    put(c, "%s{target=\"%s\"} %llu\n", name, tl, (unsigned long long)t->n_samples);
}

static void f_duration(struct cursor *c, const struct target *t, const char *name, const char *tl)
{
    if (t->last.t_ms) {
        put(c, "%s{target=\"%s\"} %.6f\n", name, tl, t->last.seconds);
    }
}

static const struct family {
    const char *name, *type, *help;
    per_target_fn fn; /* NULL: one series without labels, from value() */
} families[] = {
    {"gomedic_target_up", "gauge", "Whether the target's last sample answered (1) or not (0).",
     f_up},
    {"gomedic_goroutines", "gauge",
     "Goroutines of the target by wait-state class (from the frames of its goroutine profile; "
     "see gomedic-watch(1)).",
     f_goroutines},
    {"gomedic_heap_inuse_bytes", "gauge",
     "Bytes in use on the target's heap (inuse_space of /debug/pprof/heap).", f_heap},
    {"gomedic_gc_cpu_fraction", "gauge",
     "Share of the target's CPU the GC used since it started (expvar memstats.GCCPUFraction).",
     f_gc},
    {"gomedic_findings", "gauge",
     "Open findings (1 while the episode of their rule lasts; the series ends when it "
     "resolves).",
     f_findings},
    {"gomedic_triggers_total", "counter", "Triggers (a rule began an episode) by rule.",
     f_triggers},
    {"gomedic_captures_total", "counter", "Files captured by kind.", f_captures},
    {"gomedic_hook_runs_total", "counter", "Self-heal hook runs by result.", f_hooks},
    {"gomedic_scrape_errors_total", "counter",
     "Failed requests of samples by kind (refused, timeout, http, too_big, format).", f_errors},
    {"gomedic_samples_total", "counter", "Samples taken of the target (up or not).", f_samples},
    {"gomedic_scrape_duration_seconds", "gauge",
     "How long the target's last sample took (all its requests).", f_duration},
    {"gomedic_targets", "gauge", "Targets watched.", NULL},
    {"gomedic_store_bytes", "gauge",
     "Bytes of the store on disk: the database, its WAL and the captured files.", NULL},
    {"process_cpu_seconds_total", "counter", "User and system CPU time of gomedic.", NULL},
    {"process_resident_memory_bytes", "gauge", "Resident memory of gomedic.", NULL},
    {"process_start_time_seconds", "gauge", "When gomedic watch started (Unix time).", NULL},
};
#define FAMILIES (sizeof(families) / sizeof(families[0]))

static double value(const struct watcher *w, const char *name)
{
    if (strcmp(name, "gomedic_targets") == 0) {
        return w->n;
    }
    if (strcmp(name, "gomedic_store_bytes") == 0) {
        return (double)store_bytes(w->st);
    }
    if (strcmp(name, "process_cpu_seconds_total") == 0) {
        double v = self_cpu();
        return v < 0 ? 0 : v;
    }
    if (strcmp(name, "process_resident_memory_bytes") == 0) {
        int64_t v = proc_rss(getpid());
        return v < 0 ? 0 : (double)v;
    }
    return (double)w->t0_ms / 1000; /* process_start_time_seconds */
}

/* Renders the next unit into c->buf; 0 at the end. */
static int next_unit(struct cursor *c)
{
    c->len = c->off = 0;
    while (c->fam < FAMILIES && c->len == 0) {
        const struct family *f = &families[c->fam];
        if (c->tgt == UINT32_MAX) {
            put(c, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, f->type);
            if (!f->fn) {
                put(c, "%s %.17g\n", f->name, value(c->w, f->name));
                c->fam++;
            } else {
                c->tgt = 0;
            }
            if (!f->fn) {
                continue; /* tgt stays UINT32_MAX: the next family's header */
            }
        } else if (c->tgt < c->w->n) {
            const struct target *t = &c->w->t[c->tgt++];
            char tl[400];
            f->fn(c, t, f->name, esc(t->w.name, tl, sizeof(tl)));
        } else {
            c->fam++;
            c->tgt = UINT32_MAX;
        }
    }
    return c->len > 0;
}

static long gen(void *ctx, char *out, size_t max)
{
    struct cursor *c = ctx;
    size_t n = 0;
    while (n < max) {
        if (c->off == c->len && !next_unit(c)) {
            break;
        }
        size_t k = c->len - c->off < max - n ? c->len - c->off : max - n;
        memcpy(out + n, c->buf + c->off, k);
        c->off += k;
        n += k;
    }
    return (long)n;
}

int metrics_serve(struct watcher *w, const struct request *rq, struct reply *rp)
{
    if (strcmp(rq->path, "/metrics") != 0) {
        return -1;
    }
    struct cursor *c = gm_xcalloc(1, sizeof(*c));
    if (!c) {
        rp->status = 500;
        rp->type = "text/plain; charset=utf-8";
        fputs("out of memory\n", rp->f);
        return 0;
    }
    c->w = w;
    c->tgt = UINT32_MAX;
    rp->type = "text/plain; version=0.0.4; charset=utf-8";
    rp->gen = gen;
    rp->gen_ctx = c;
    return 0;
}
