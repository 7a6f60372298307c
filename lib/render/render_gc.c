/* Terminal report (with sparklines) and JSON for `gomedic gc`. */
#include "gm/render_gc.h"

#include <stdio.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* Writes a sparkline of n values in at most width cells (each cell the max of its span). */
static void sparkline(struct gm_out *o, const double *v, size_t stride, uint32_t n, uint32_t width)
{
    static const char *const bars[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                       "\u2585", "\u2586", "\u2587", "\u2588"};
    if (n == 0) {
        gm_out_puts(o, "-");
        return;
    }
    uint32_t cells = n < width ? n : width;
    double lo = 0, hi = 0;
    for (uint32_t i = 0; i < n; i++) {
        double x = *(const double *)((const char *)v + (size_t)i * stride);
        hi = i == 0 || x > hi ? x : hi;
    }
    for (uint32_t cidx = 0; cidx < cells; cidx++) {
        uint32_t a = (uint32_t)((uint64_t)cidx * n / cells);
        uint32_t b = (uint32_t)((uint64_t)(cidx + 1) * n / cells);
        double m = 0;
        for (uint32_t i = a; i < b; i++) {
            double x = *(const double *)((const char *)v + (size_t)i * stride);
            m = i == a || x > m ? x : m;
        }
        int level = hi > lo ? (int)((m - lo) / (hi - lo) * 7.0 + 0.5) : 0;
        gm_out_puts(o, bars[level < 0 ? 0 : level > 7 ? 7 : level]);
    }
}

void gm_render_gc_table(struct gm_out *o, const char *file, const struct gm_gc_report *r,
                        enum gm_severity min_sev)
{
    const struct gm_gctrace_stats *st = &r->stats;
    gm_out_color(o, GM_C_BOLD);
    gm_out_printf(o, "%s", file);
    gm_out_color(o, GM_C_RESET);
    gm_out_printf(o,
                  ": %llu lines, %llu GC cycles, %llu SCHED lines, %llu scavenger lines, %llu "
                  "other lines skipped\n",
                  (unsigned long long)st->lines, (unsigned long long)st->gc_lines,
                  (unsigned long long)st->sched_lines, (unsigned long long)st->scav_lines,
                  (unsigned long long)st->skipped_lines);
    if (r->processes > 1) {
        gm_out_printf(o,
                      "note: %u processes (gc numbering restarts); analysing process %u, the "
                      "%s (%u cycles)\n",
                      r->processes, r->process, r->process == r->processes ? "last" : "longest",
                      r->log.cycles_nr);
    }
    if (st->truncated) {
        gm_out_puts(o, "note: the log ends inside a runtime line (truncated)\n");
    }
    if (r->log.cut) {
        gm_out_puts(o, "note: more cycles than the cap; the rest were not analysed\n");
    }
    if (!r->log.cycles_nr && r->scav_nr) {
        /* a quiet program: the scavenger spoke, the collector did not */
        gm_out_printf(o,
                      "\n%-11s %u scavenger lines, %.1f MB returned to the OS; no GC cycle in "
                      "the log\n",
                      "scavenger", r->scav_nr, r->scav_released_kib / 1024);
    }
    if (st->go14) {
        gm_out_puts(o, "note: Go 1.4 lines (gcN(P): ... us): no start times and no CPU shares, "
                       "so no rates; the whole collection stopped the world\n");
    }
    if (r->log.cycles_nr) {
        const struct gm_gc_cycle *c = r->log.cycles;
        uint32_t n = r->log.cycles_nr;
        if (st->go14) {
            gm_out_printf(o, "\n%-11s %u cycles\n", "cycles", n);
        } else {
            gm_out_printf(o, "\n%-11s %u cycles over %.1f s: %.1f per second; over time ", "cycles",
                          n, r->duration_s, r->cycles_per_s);
            sparkline(o, r->rate, sizeof(double), GM_GC_WINDOWS, GM_GC_WINDOWS);
            gm_out_printf(o,
                          "\n%-11s %u%% of CPU since start (runtime), %.0f%% over the last half "
                          "(recomputed); assists %.0f%% of GC CPU\n",
                          "GC CPU", r->pct_last, r->cpu_share_recent, r->assist_share);
        }
        gm_out_printf(o, "%-11s p50 %.3g ms, p99 %.3g ms, max %.3g ms (line %llu)  ", "STW pause",
                      r->stw_p50, r->stw_p99, r->stw_max, (unsigned long long)r->stw_max_line);
        sparkline(o, &c[0].stw_ms, sizeof(*c), n, 40);
        gm_out_printf(o, "\n%-11s p50 %.3g ms, max %.3g ms\n", "mark", r->mark_p50, r->mark_max);
        gm_out_printf(o, "%-11s %.0f -> %.0f MB (max %.0f), %+.2f MB/s (R^2 %.2f)", "live heap",
                      r->live_first, r->live_last, r->live_max, r->live_slope, r->live_r2);
        if (r->change_idx && r->rise_slope > 0) {
            gm_out_printf(o, "; rising from gc %u (line %llu) at %+.2f MB/s", c[r->change_idx].num,
                          (unsigned long long)c[r->change_idx].line, r->rise_slope);
        }
        gm_out_printf(o, "\n%-11s ", "");
        sparkline(o, &c[0].heap_live, sizeof(*c), n, 60);
        gm_out_printf(o, "\n%-11s %.0f -> %.0f MB (goal)\n", "heap goal", c[0].goal, c[n - 1].goal);
        gm_out_printf(o, "%-11s %u forced, GOMAXPROCS %u (%u changes)\n", "other", r->forced,
                      r->procs_last, r->procs_changes);
    }
    if (r->log.sched_nr) {
        gm_out_printf(o, "%-11s max %d runnable, mean %.1f; threads up to %d  ", "run queue",
                      r->runq_max, r->runq_mean, r->threads_max);
        double series[256];
        uint32_t m = r->log.sched_nr < 256 ? r->log.sched_nr : 256;
        for (uint32_t i = 0; i < m; i++) {
            const struct gm_sched_line *s = &r->log.sched[(uint64_t)i * r->log.sched_nr / m];
            series[i] = (double)(GM_MAX(s->runqueue, 0) + (int64_t)s->local_sum);
        }
        sparkline(o, series, sizeof(double), m, 40);
        gm_out_puts(o, "\n");
    }
    uint32_t shown = 0, below = 0;
    for (uint32_t i = 0; i < r->findings_nr; i++) {
        const struct gm_gc_finding *f = &r->findings[i];
        if (f->severity < min_sev) {
            below++;
            continue;
        }
        if (shown++ == 0) {
            gm_out_puts(o, "\n");
            gm_out_color(o, GM_C_BOLD);
            gm_out_printf(o, "%-9s %-24s %s\n", "SEVERITY", "FINDING", "LINES");
            gm_out_color(o, GM_C_RESET);
        }
        gm_out_color(o, f->severity >= GM_SEV_HIGH ? GM_C_RED : GM_C_YELLOW);
        gm_out_printf(o, "%-9s", gm_severity_name(f->severity));
        gm_out_color(o, GM_C_RESET);
        gm_out_printf(o, " %-24s", f->kind->id);
        for (uint32_t k = 0; k < f->lines_nr; k++) {
            gm_out_printf(o, "%s%llu", k ? "," : " ", (unsigned long long)f->lines[k]);
        }
        gm_out_printf(o, "\n%-35s%s\n%-35sfix: %s\n", "", f->why, "", f->kind->fix);
    }
    if (!shown) {
        gm_out_printf(o, "\nno findings at or above %s\n", gm_severity_name(min_sev));
    }
    if (below) {
        gm_out_printf(o, "(%u more below %s)\n", below, gm_severity_name(min_sev));
    }
}

void gm_render_gc_json(struct gm_out *o, const char *file, const struct gm_gc_report *r)
{
    const struct gm_gctrace_stats *st = &r->stats;
    gm_out_puts(o, "{\"schema\":\"" GM_SCHEMA_GC "\",\"file\":");
    gm_out_json_cstr(o, file);
    gm_out_printf(
        o,
        ",\"lines\":%llu,\"cycles\":%llu,\"analysed_cycles\":%u,\"processes\":%u,"
        "\"process\":%u,\"skipped_lines\":%llu,\"malformed_lines\":%llu,\"sched_lines\":%llu,"
        "\"scav_lines\":%llu,\"truncated\":%s,",
        (unsigned long long)st->lines, (unsigned long long)st->gc_lines, r->log.cycles_nr,
        r->processes, r->process, (unsigned long long)st->skipped_lines,
        (unsigned long long)st->malformed, (unsigned long long)st->sched_lines,
        (unsigned long long)st->scav_lines, st->truncated ? "true" : "false");
    gm_out_printf(o,
                  "\"duration_s\":%.3f,\"cycles_per_s\":%.3f,\"gc_cpu_percent\":%u,"
                  "\"gc_cpu_percent_recomputed\":%.2f,\"gc_cpu_percent_recent\":%.2f,"
                  "\"assist_percent\":%.2f,",
                  r->duration_s, r->cycles_per_s, r->pct_last, r->cpu_share, r->cpu_share_recent,
                  r->assist_share);
    gm_out_printf(o,
                  "\"stw_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"max_line\":%llu},"
                  "\"mark_ms\":{\"p50\":%.3f,\"max\":%.3f},",
                  r->stw_p50, r->stw_p99, r->stw_max, (unsigned long long)r->stw_max_line,
                  r->mark_p50, r->mark_max);
    gm_out_printf(o,
                  "\"live_heap_mb\":{\"first\":%.1f,\"last\":%.1f,\"max\":%.1f,"
                  "\"slope_mb_per_s\":%.4f,\"r2\":%.4f,\"rising_from_line\":",
                  r->live_first, r->live_last, r->live_max, r->live_slope, r->live_r2);
    if (r->change_idx && r->rise_slope > 0) {
        gm_out_printf(o, "%llu", (unsigned long long)r->log.cycles[r->change_idx].line);
    } else {
        gm_out_puts(o, "null");
    }
    gm_out_printf(o,
                  "},\"forced\":%u,\"gomaxprocs\":%u,\"gomaxprocs_changes\":%u,"
                  "\"runqueue\":{\"max\":%d,\"mean\":%.2f},\"cycles_per_s_windows\":[",
                  r->forced, r->procs_last, r->procs_changes, r->runq_max, r->runq_mean);
    for (uint32_t i = 0; i < GM_GC_WINDOWS; i++) {
        gm_out_printf(o, "%s%.3f", i ? "," : "", r->rate[i]);
    }
    gm_out_puts(o, "],\"findings\":[");
    for (uint32_t i = 0; i < r->findings_nr; i++) {
        const struct gm_gc_finding *f = &r->findings[i];
        gm_out_printf(o, "%s{\"id\":\"%s\",\"severity\":\"%s\",\"lines\":[", i ? "," : "",
                      f->kind->id, gm_severity_name(f->severity));
        for (uint32_t k = 0; k < f->lines_nr; k++) {
            gm_out_printf(o, "%s%llu", k ? "," : "", (unsigned long long)f->lines[k]);
        }
        gm_out_puts(o, "],\"title\":");
        gm_out_json_cstr(o, f->kind->title);
        gm_out_puts(o, ",\"why\":");
        gm_out_json_cstr(o, f->why);
        gm_out_puts(o, ",\"fix\":");
        gm_out_json_cstr(o, f->kind->fix);
        gm_out_puts(o, "}");
    }
    gm_out_puts(o, "]}");
}
