/*
 * GC pressure: statistics over the cycles of one process, and the GC findings.
 * Everything is O(cycles) except the percentiles (one sort of the pause times).
 */
#include "gm/gcpressure.h"
#include "gm/alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define DEFAULT_MAX_CYCLES (16u << 20)

struct collect {
    struct gm_gc_report *r;
    uint32_t last_num;
    struct gm_gc_log best; /* the longest process before the current one */
    uint32_t best_no;      /* its number (1-based), 0 when none */
};

static int on_cycle(void *ctx, const struct gm_gc_cycle *c)
{
    struct collect *cl = ctx;
    struct gm_gc_report *r = cl->r;
    if (r->processes == 0) {
        r->processes = 1; /* SCHED lines seen before the first cycle belong to it */
    } else if (c->num < cl->last_num || (c->num == 1 && cl->last_num != 0)) {
        /* a new process: its numbering restarted; the longest so far is kept aside */
        if (r->log.cycles_nr > cl->best.cycles_nr) {
            struct gm_gc_log t = cl->best;
            cl->best = r->log;
            r->log = t;
            r->log.max = cl->best.max;
            cl->best_no = r->processes;
        }
        r->processes++;
        gm_gc_log_restart(&r->log);
    }
    cl->last_num = c->num;
    return gm_gc_log_add_cycle(&r->log, c);
}

static int on_sched(void *ctx, const struct gm_sched_line *s)
{
    struct collect *cl = ctx;
    return gm_gc_log_add_sched(&cl->r->log, s);
}

static int on_scav(void *ctx, const struct gm_scav_line *s)
{
    struct collect *cl = ctx;
    cl->r->scav_nr++;
    cl->r->scav_released_kib += s->released_kib;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct_of(const double *sorted, uint32_t n, double q)
{
    if (!n) {
        return 0;
    }
    uint32_t i = (uint32_t)ceil(q * n);
    i = i ? i - 1 : 0;
    return sorted[i < n ? i : n - 1];
}

static struct gm_gc_finding *add(struct gm_gc_report *r, const char *id, enum gm_severity sev)
{
    if (r->findings_nr == GM_ARRAY_NR(r->findings)) {
        return NULL;
    }
    struct gm_gc_finding *f = &r->findings[r->findings_nr++];
    memset(f, 0, sizeof(*f));
    f->kind = gm_finding_kind(id);
    f->severity = sev;
    return f;
}

static void line(struct gm_gc_finding *f, uint64_t l)
{
    for (uint32_t i = 0; i < f->lines_nr; i++) {
        if (f->lines[i] == l) {
            return;
        }
    }
    if (f->lines_nr < GM_GC_LINES) {
        f->lines[f->lines_nr++] = l;
    }
}

static double median_of(double *v, uint32_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n ? v[n / 2] : 0;
}

#define GC_CPU_MIN_CYCLES  10  /* gc-cpu-high needs this many cycles ... */
#define GC_CPU_MIN_SECONDS 1.0 /* ... over at least this long */

/* gc-cpu-high: GC's CPU share, since start or over the recent half, above 25%. */
static void find_gc_cpu(struct gm_gc_report *r, double share)
{
    const struct gm_gc_cycle *c = r->log.cycles;
    uint32_t n = r->log.cycles_nr;
    if (share > 25) {
        struct gm_gc_finding *f = add(r, "gc-cpu-high",
                                      share > 60   ? GM_SEV_CRITICAL
                                      : share > 40 ? GM_SEV_HIGH
                                                   : GM_SEV_MEDIUM);
        if (f) {
            for (uint32_t i = 0; i < n; i++) {
                if (c[i].pct > 25) {
                    line(f, c[i].line);
                    break;
                }
            }
            line(f, c[n - 1].line);
            snprintf(f->why, sizeof(f->why),
                     "GC used %u%% of the CPU since start (runtime's figure), %.0f%% over the "
                     "last half of the cycles (recomputed); assists are %.0f%% of GC CPU",
                     r->pct_last, r->cpu_share_recent, r->assist_share);
        }
    }
}

/* live-heap-rising: a steady rise of the live heap after a flat stretch (the change point). */
static void find_live_rising(struct gm_gc_report *r)
{
    const struct gm_gc_cycle *c = r->log.cycles;
    uint32_t n = r->log.cycles_nr;
    uint32_t k = r->change_idx;
    uint32_t seg = n - k;
    if (seg >= 10 && r->rise_slope > 0 && r->rise_r2 >= 0.8) {
        double from = c[k].heap_live, to = c[n - 1].heap_live;
        uint32_t up = 0;
        for (uint32_t i = k + 1; i < n; i++) {
            up += c[i].heap_live >= c[i - 1].heap_live;
        }
        double grow = to - from;
        /* the part before the rise must be flat: a saw-tooth's last tooth is a rise too */
        double mean = 0, var = 0;
        for (uint32_t i = 0; i < k; i++) {
            mean += c[i].heap_live;
        }
        mean = k ? mean / k : 0;
        for (uint32_t i = 0; i < k; i++) {
            var += (c[i].heap_live - mean) * (c[i].heap_live - mean);
        }
        double sd = k ? sqrt(var / k) : 0;
        if (grow >= 4 && grow >= 0.2 * GM_MAX(from, 1.0) && up * 10 >= (seg - 1) * 7 &&
            sd <= 0.25 * grow && seg * 4 >= n) {
            struct gm_gc_finding *f = add(
                r, "live-heap-rising", to >= 2 * GM_MAX(from, 1.0) ? GM_SEV_HIGH : GM_SEV_MEDIUM);
            if (f) {
                line(f, c[k].line);
                line(f, c[n - 1].line);
                snprintf(f->why, sizeof(f->why),
                         "live heap after GC grew %.0f -> %.0f MB over %u cycles from gc %u "
                         "(%.2f MB/s, R^2 %.2f; %.0f MB/hour if it goes on)",
                         from, to, seg, c[k].num, r->rise_slope, r->rise_r2, r->rise_slope * 3600);
            }
        }
    }
}

/* GOMEMLIMIT death spiral: the goal stops moving (pinned at the limit), the live heap
 * fills it, and a new cycle starts as soon as the previous one ends. The window ends at
 * the last cycle whose goal its predecessor shares (within 5%), so one or two cycles of a
 * process shutting down (its heap dropped) do not hide the spiral before them. "Pinned"
 * is within 10% of the median goal of the window's last 8 cycles: Go 1.19 keeps the goal
 * at one value, Go 1.26 moves it a few MB from cycle to cycle around the limit (57-63 MB
 * under a 64 MiB limit: at 5% a last cycle at 57 ended the window at once); a cycle
 * whose live heap is under 80% of the goal is no part of the spiral. */
static void find_death_spiral(struct gm_gc_report *r, double share)
{
    const struct gm_gc_cycle *c = r->log.cycles;
    uint32_t n = r->log.cycles_nr;
    if (n >= 6) {
        uint32_t end = n; /* exclusive */
        while (end > n - 2 && !(c[end - 2].goal <= c[end - 1].goal * 1.05 &&
                                c[end - 2].goal >= c[end - 1].goal * 0.95)) {
            end--;
        }
        double recent[8];
        uint32_t rn = 0;
        for (uint32_t i = end; i-- > 0 && rn < 8;) {
            recent[rn++] = c[i].goal;
        }
        double g_last = median_of(recent, rn);
        uint32_t s0 = end;
        while (s0 > 0 && c[s0 - 1].goal <= g_last * 1.10 && c[s0 - 1].goal >= g_last * 0.90 &&
               c[s0 - 1].heap_live >= 0.8 * c[s0 - 1].goal && end - s0 < 64) {
            s0--;
        }
        if (s0 == end) {
            s0 = end - 1; /* the last cycle itself is off the median: a window of one */
        }
        uint32_t w = end - s0;
        double fill = 0, gaps[64], walls[64];
        uint32_t gn = 0;
        for (uint32_t i = s0; i < end; i++) {
            fill += c[i].goal > 0 ? c[i].heap_live / c[i].goal : 0;
            if (i > s0) {
                gaps[gn] = (c[i].at_s - c[i - 1].at_s) * 1000;
                walls[gn] = c[i - 1].clock_ms[0] + c[i - 1].clock_ms[1] + c[i - 1].clock_ms[2];
                gn++;
            }
        }
        fill /= w;
        double gap = median_of(gaps, gn), wall = median_of(walls, gn);
        if (w >= 5 && g_last > 0 && fill >= 0.9 && gap <= 2 * GM_MAX(wall, 0.1) && share >= 10) {
            struct gm_gc_finding *f = add(r, "gomemlimit-death-spiral", GM_SEV_CRITICAL);
            if (f) {
                line(f, c[s0].line);
                line(f, c[end - 1].line);
                snprintf(f->why, sizeof(f->why),
                         "last %u cycles: goal pinned at %.0f MB with the live heap at %.0f%% of "
                         "it; a new cycle every %.1f ms while each takes %.1f ms; GC %u%% of CPU",
                         w, g_last, fill * 100, gap, wall, r->pct_last);
            }
        }
    }
}

/* stw-long: stop-the-world pauses of 10 ms or more. */
static void find_stw_long(struct gm_gc_report *r)
{
    const struct gm_gc_cycle *c = r->log.cycles;
    uint32_t n = r->log.cycles_nr;
    if (r->stw_max >= 10) {
        struct gm_gc_finding *f = add(r, "stw-long",
                                      r->stw_max >= 100  ? GM_SEV_CRITICAL
                                      : r->stw_max >= 50 ? GM_SEV_HIGH
                                                         : GM_SEV_MEDIUM);
        if (f) {
            line(f, r->stw_max_line);
            for (uint32_t i = 0; i < n; i++) {
                if (c[i].stw_ms >= 10) {
                    line(f, c[i].line);
                }
            }
            snprintf(f->why, sizeof(f->why),
                     "stop-the-world pauses up to %.1f ms (p99 %.1f ms, p50 %.2f ms): a "
                     "goroutine that cannot be preempted, or huge stacks/globals to scan",
                     r->stw_max, r->stw_p99, r->stw_p50);
        }
    }
}

/* gc-too-frequent: many cycles per second, on average or in several windows. */
static void find_too_frequent(struct gm_gc_report *r)
{
    const struct gm_gc_cycle *c = r->log.cycles;
    uint32_t n = r->log.cycles_nr;
    uint32_t busy = 0;
    double peak = 0;
    for (uint32_t i = 0; i < GM_GC_WINDOWS; i++) {
        busy += r->rate[i] >= 25;
        peak = GM_MAX(peak, r->rate[i]);
    }
    /* small heaps collect ~10 times a second under default GOGC at no real cost: only rates
     * well above that, sustained, are worth a finding */
    if (n >= 20 && (r->cycles_per_s >= 25 || busy >= 3)) {
        struct gm_gc_finding *f =
            add(r, "gc-too-frequent", r->cycles_per_s >= 50 ? GM_SEV_MEDIUM : GM_SEV_LOW);
        if (f) {
            line(f, c[0].line);
            line(f, c[n - 1].line);
            snprintf(f->why, sizeof(f->why),
                     "%.1f GC cycles per second on average, %.1f at the peak (%u cycles in "
                     "%.1f s): a small heap goal (GOGC) for the allocation rate",
                     r->cycles_per_s, peak, n, r->duration_s);
        }
    }
}

/* The GC findings over the cycles, in catalogue order. */
static void find_gc(struct gm_gc_report *r)
{
    if (r->log.cycles_nr == 0) {
        return;
    }
    double share = GM_MAX((double)r->pct_last, r->cpu_share_recent);
    /* a few lines prove nothing about a rate: the runtime's percentage is cumulative since the
     * start, whose first cycles are all start-up; the recomputed recent share needs cycles */
    if (r->log.cycles_nr >= GC_CPU_MIN_CYCLES && r->duration_s >= GC_CPU_MIN_SECONDS) {
        find_gc_cpu(r, r->log.cycles_nr >= 2 * GC_CPU_MIN_CYCLES ? share : (double)r->pct_last);
    }
    find_live_rising(r);
    find_death_spiral(r, share);
    find_stw_long(r);
    find_too_frequent(r);
}

static void find_sched(struct gm_gc_report *r)
{
    uint32_t run = 0, best_run = 0, best_end = 0;
    double worst = 0;
    for (uint32_t i = 0; i < r->log.sched_nr; i++) {
        const struct gm_sched_line *s = &r->log.sched[i];
        double per_p =
            s->gomaxprocs > 0
                ? (double)(GM_MAX(s->runqueue, 0) + (int64_t)s->local_sum) / s->gomaxprocs
                : 0;
        if (per_p >= 4) {
            run++;
            worst = GM_MAX(worst, per_p);
            if (run > best_run) {
                best_run = run;
                best_end = i;
            }
        } else {
            run = 0;
        }
    }
    if (best_run >= 3) {
        struct gm_gc_finding *f =
            add(r, "runqueue-backlog", worst >= 32 ? GM_SEV_HIGH : GM_SEV_MEDIUM);
        if (f) {
            line(f, r->log.sched[best_end + 1 - best_run].line);
            line(f, r->log.sched[best_end].line);
            snprintf(f->why, sizeof(f->why),
                     "%u consecutive SCHED lines with at least 4 runnable goroutines per P (up "
                     "to %.0f per P, GOMAXPROCS=%d): CPU saturation",
                     best_run, worst, r->log.sched[best_end].gomaxprocs);
        }
    }
}

/* The GC cycles per second in each of GM_GC_WINDOWS equal slices of the trace's time. */
static void cycle_rates(struct gm_gc_report *r)
{
    const struct gm_gc_cycle *c = r->log.cycles;
    uint32_t n = r->log.cycles_nr;
    for (uint32_t i = 0; i < n; i++) {
        double w = (c[i].at_s - c[0].at_s) / r->duration_s * GM_GC_WINDOWS;
        /* times need not increase (hand-edited or interleaved logs) */
        uint32_t wi = !(w > 0) ? 0 : w >= GM_GC_WINDOWS ? GM_GC_WINDOWS - 1 : (uint32_t)w;
        r->rate[wi] += 1;
    }
    for (uint32_t i = 0; i < GM_GC_WINDOWS; i++) {
        r->rate[i] /= r->duration_s / GM_GC_WINDOWS;
    }
}

/* The statistics over the cycles (n > 0): CPU shares, live heap fits, rates, percentiles. */
static int cycle_stats(struct gm_gc_report *r)
{
    uint32_t n = r->log.cycles_nr;
    const struct gm_gc_cycle *c = r->log.cycles;
    double *x = gm_xmalloc((size_t)n * sizeof(double));
    double *y = gm_xmalloc((size_t)n * sizeof(double));
    double *stw = gm_xmalloc((size_t)n * sizeof(double));
    double *mark = gm_xmalloc((size_t)n * sizeof(double));
    double *scratch = gm_xmalloc(GM_CHANGEPOINT_SCRATCH(n) * sizeof(double));
    if (!x || !y || !stw || !mark || !scratch) {
        free(scratch);
        free(x);
        free(y);
        free(stw);
        free(mark);
        return GM_ENOMEM;
    }
    double cpu = 0, assist = 0, cpu_recent = 0;
    uint32_t half = n / 2;
    for (uint32_t i = 0; i < n; i++) {
        x[i] = c[i].at_s;
        y[i] = c[i].heap_live;
        stw[i] = c[i].stw_ms;
        mark[i] = c[i].mark_ms;
        cpu += c[i].cpu_ms;
        assist += c[i].assist_ms;
        if (i >= half) {
            cpu_recent += c[i].cpu_ms;
        }
        if (c[i].stw_ms > r->stw_max || i == 0) {
            r->stw_max = c[i].stw_ms;
            r->stw_max_line = c[i].line;
        }
        r->pct_max = GM_MAX(r->pct_max, c[i].pct);
        r->live_max = GM_MAX(r->live_max, c[i].heap_live);
        r->forced += (uint32_t)c[i].forced;
        if (i && c[i].procs != c[i - 1].procs) {
            r->procs_changes++;
        }
    }
    r->procs_last = c[n - 1].procs;
    r->pct_last = c[n - 1].pct;
    r->duration_s = c[n - 1].at_s - c[0].at_s;
    r->cycles_per_s = r->duration_s > 0 ? (n - 1) / r->duration_s : 0;
    double procs = GM_MAX(c[n - 1].procs, 1u);
    r->cpu_share = c[n - 1].at_s > 0 ? 100 * cpu / (c[n - 1].at_s * 1000 * procs) : 0;
    double span = c[n - 1].at_s - c[half].at_s;
    r->cpu_share_recent = span > 0 ? 100 * cpu_recent / (span * 1000 * procs) : r->cpu_share;
    if (r->cpu_share_recent > 100) {
        r->cpu_share_recent = 100;
    }
    r->assist_share = cpu > 0 ? 100 * assist / cpu : 0;
    r->live_first = c[0].heap_live;
    r->live_last = c[n - 1].heap_live;
    r->live_slope = gm_linfit(x, y, n, &r->live_r2);
    r->change_idx = gm_changepoint(x, y, n, scratch);
    free(scratch);
    r->rise_slope = gm_linfit(x + r->change_idx, y + r->change_idx, n - r->change_idx, &r->rise_r2);
    if (r->duration_s > 0) {
        cycle_rates(r);
    }
    qsort(stw, n, sizeof(double), cmp_double);
    qsort(mark, n, sizeof(double), cmp_double);
    r->stw_p50 = pct_of(stw, n, 0.5);
    r->stw_p99 = pct_of(stw, n, 0.99);
    r->mark_p50 = pct_of(mark, n, 0.5);
    r->mark_max = mark[n - 1];
    free(x);
    free(y);
    free(stw);
    free(mark);
    return 0;
}

/* The run-queue and thread statistics over the SCHED lines. */
static void sched_stats(struct gm_gc_report *r)
{
    double sum = 0;
    for (uint32_t i = 0; i < r->log.sched_nr; i++) {
        const struct gm_sched_line *s = &r->log.sched[i];
        int64_t q64 =
            (int64_t)GM_MAX(s->runqueue, 0) + (int64_t)GM_MIN(s->local_sum, (uint64_t)INT32_MAX);
        int32_t q = q64 > INT32_MAX ? INT32_MAX : (int32_t)q64;
        r->runq_max = GM_MAX(r->runq_max, q);
        r->threads_max = GM_MAX(r->threads_max, s->threads);
        sum += q;
    }
    r->runq_mean = r->log.sched_nr ? sum / r->log.sched_nr : 0;
}

int gm_gc_analyze(const char *p, size_t len, uint32_t max_cycles, struct gm_gc_report *r)
{
    memset(r, 0, sizeof(*r));
    r->log.max = max_cycles ? max_cycles : DEFAULT_MAX_CYCLES;
    struct collect cl = {r, 0, {0}, 0};
    struct gm_gctrace_visitor v = {&cl, on_cycle, on_sched, on_scav};
    int rc = gm_gctrace_parse(p, len, &v, &r->stats);
    /* the longest process is analysed (a restart's one-cycle tail says nothing) */
    r->process = r->processes;
    if (rc >= 0 && cl.best.cycles_nr > r->log.cycles_nr) {
        struct gm_gc_log t = r->log;
        r->log = cl.best;
        cl.best = t;
        r->process = cl.best_no;
    }
    gm_gc_log_release(&cl.best);
    if (rc < 0) {
        gm_gc_report_release(r);
        return rc;
    }
    if (r->log.cycles_nr && cycle_stats(r) < 0) {
        gm_gc_report_release(r);
        return GM_ENOMEM;
    }
    sched_stats(r);
    find_gc(r);
    find_sched(r);
    /* most severe first; insertion sort keeps the catalogue order among equals */
    for (uint32_t i = 1; i < r->findings_nr; i++) {
        struct gm_gc_finding f = r->findings[i];
        uint32_t j = i;
        while (j > 0 && r->findings[j - 1].severity < f.severity) {
            r->findings[j] = r->findings[j - 1];
            j--;
        }
        r->findings[j] = f;
    }
    return 0;
}

void gm_gc_report_release(struct gm_gc_report *r)
{
    gm_gc_log_release(&r->log);
}
