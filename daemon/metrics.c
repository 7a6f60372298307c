/*
 * /metrics: the daemon's state in the Prometheus text format (version 0.0.4), read from the
 * targets in memory (state.h) and a few figures of the process and the store. Every family
 * has its HELP and TYPE even when it has no series (no open finding, no expvar), so a
 * dashboard's queries are valid before anything happened.
 */
#include "server.h"
#include "state.h"
#include "gm/record.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '\\' || *s == '"') {
            fputc('\\', f);
            fputc(*s, f);
        } else if (*s == '\n') {
            fputs("\\n", f);
        } else {
            fputc(*s, f);
        }
    }
    fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{target="T"[,k="v"]} */
static void series(FILE *f, const char *name, const struct target *t, const char *k, const char *v)
{
    fprintf(f, "%s{target=", name);
    label(f, t->w.name);
    if (k) {
        fprintf(f, ",%s=", k);
        label(f, v);
    }
    fputc('}', f);
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

static double self_rss(void)
{
    FILE *p = fopen("/proc/self/statm", "r");
    long long size = 0, res = -1;
    if (p) {
        if (fscanf(p, "%lld %lld", &size, &res) != 2) {
            res = -1;
        }
        fclose(p);
    }
    return res < 0 ? -1 : (double)res * (double)sysconf(_SC_PAGESIZE);
}

static void render(struct watcher *w, FILE *f)
{
    family(f, "gomedic_target_up", "gauge",
           "Whether the target's last sample answered (1) or not (0).");
    for (uint32_t i = 0; i < w->n; i++) {
        series(f, "gomedic_target_up", &w->t[i], NULL, NULL);
        fprintf(f, " %d\n", w->t[i].up);
    }
    family(f, "gomedic_goroutines", "gauge",
           "Goroutines of the target by wait-state class (from the frames of its goroutine "
           "profile; see gomedic-watch(1)).");
    for (uint32_t i = 0; i < w->n; i++) {
        const struct target *t = &w->t[i];
        for (int c = 0; c < GM_WAIT_NR && t->last.t_ms && t->last.goroutines >= 0; c++) {
            series(f, "gomedic_goroutines", t, "state", gm_wait_class_name((enum gm_wait_class)c));
            fprintf(f, " %lld\n", (long long)t->last.states[c]);
        }
    }
    family(f, "gomedic_heap_inuse_bytes", "gauge",
           "Bytes in use on the target's heap (inuse_space of /debug/pprof/heap).");
    for (uint32_t i = 0; i < w->n; i++) {
        if (w->t[i].last.t_ms && w->t[i].last.heap >= 0) {
            series(f, "gomedic_heap_inuse_bytes", &w->t[i], NULL, NULL);
            fprintf(f, " %lld\n", (long long)w->t[i].last.heap);
        }
    }
    family(f, "gomedic_gc_cpu_fraction", "gauge",
           "Share of the target's CPU the GC used since it started (expvar "
           "memstats.GCCPUFraction).");
    for (uint32_t i = 0; i < w->n; i++) {
        if (w->t[i].last.t_ms && w->t[i].last.gc_cpu >= 0) {
            series(f, "gomedic_gc_cpu_fraction", &w->t[i], NULL, NULL);
            fprintf(f, " %.6g\n", w->t[i].last.gc_cpu / 100);
        }
    }
    family(f, "gomedic_findings", "gauge",
           "Open findings (1 while the episode of their rule lasts; the series ends when it "
           "resolves).");
    for (uint32_t i = 0; i < w->n; i++) {
        const struct target *t = &w->t[i];
        for (uint32_t k = 0; k < t->open_nr; k++) {
            const struct open_finding *o = &t->open[k];
            if (o->ended_ms) {
                continue;
            }
            /* two open findings of one id (two functions) are one series */
            int dup = 0;
            for (uint32_t j = 0; j < k && !dup; j++) {
                dup = !t->open[j].ended_ms && strcmp(t->open[j].id, o->id) == 0 &&
                      t->open[j].severity == o->severity;
            }
            if (dup) {
                continue;
            }
            fputs("gomedic_findings{target=", f);
            label(f, t->w.name);
            fputs(",id=", f);
            label(f, o->id);
            fputs(",severity=", f);
            label(f, gm_severity_name((enum gm_severity)o->severity));
            fputs("} 1\n", f);
        }
    }
    struct {
        const char *name, *help, *label;
        const char *const *names;
        int nr;
        size_t off;
    } counters[] = {
        {"gomedic_triggers_total", "Triggers (a rule began an episode) by rule.", "rule", rule_name,
         RULE_NR, offsetof(struct target, n_triggers)},
        {"gomedic_captures_total", "Files captured by kind.", "kind", cap_kind_name, CAP_NR,
         offsetof(struct target, n_captures)},
        {"gomedic_hook_runs_total", "Self-heal hook runs by result.", "result", hook_result_name,
         HOOKR_NR, offsetof(struct target, n_hooks)},
        {"gomedic_scrape_errors_total",
         "Failed requests of samples by kind (refused, timeout, http, too_big, format).", "kind",
         scrape_err_name, ERR_NR, offsetof(struct target, n_errors)},
    };
    for (size_t c = 0; c < sizeof(counters) / sizeof(counters[0]); c++) {
        family(f, counters[c].name, "counter", counters[c].help);
        for (uint32_t i = 0; i < w->n; i++) {
            const uint64_t *v = (const uint64_t *)((const char *)&w->t[i] + counters[c].off);
            for (int k = 0; k < counters[c].nr; k++) {
                series(f, counters[c].name, &w->t[i], counters[c].label, counters[c].names[k]);
                fprintf(f, " %llu\n", (unsigned long long)v[k]);
            }
        }
    }
    family(f, "gomedic_samples_total", "counter", "Samples taken of the target (up or not).");
    for (uint32_t i = 0; i < w->n; i++) {
        series(f, "gomedic_samples_total", &w->t[i], NULL, NULL);
        fprintf(f, " %llu\n", (unsigned long long)w->t[i].n_samples);
    }
    family(f, "gomedic_scrape_duration_seconds", "gauge",
           "How long the target's last sample took (all its requests).");
    for (uint32_t i = 0; i < w->n; i++) {
        if (w->t[i].last.t_ms) {
            series(f, "gomedic_scrape_duration_seconds", &w->t[i], NULL, NULL);
            fprintf(f, " %.6f\n", w->t[i].last.seconds);
        }
    }
    family(f, "gomedic_targets", "gauge", "Targets watched.");
    fprintf(f, "gomedic_targets %u\n", w->n);
    family(f, "gomedic_store_bytes", "gauge",
           "Bytes of the store on disk: the database, its WAL and the captured files.");
    fprintf(f, "gomedic_store_bytes %lld\n", (long long)store_bytes(w->st));
    double cpu = self_cpu(), rss = self_rss();
    family(f, "process_cpu_seconds_total", "counter", "User and system CPU time of gomedic.");
    fprintf(f, "process_cpu_seconds_total %.2f\n", cpu < 0 ? 0 : cpu);
    family(f, "process_resident_memory_bytes", "gauge", "Resident memory of gomedic.");
    fprintf(f, "process_resident_memory_bytes %.0f\n", rss < 0 ? 0 : rss);
    family(f, "process_start_time_seconds", "gauge", "When gomedic watch started (Unix time).");
    fprintf(f, "process_start_time_seconds %.3f\n", (double)w->t0_ms / 1000);
}

int metrics_serve(struct watcher *w, const struct request *rq, struct reply *rp)
{
    if (strcmp(rq->path, "/metrics") != 0) {
        return -1;
    }
    rp->type = "text/plain; version=0.0.4; charset=utf-8";
    render(w, rp->f);
    return 0;
}
