/* Report and JSON for `gomedic trace`. */
#include "gm/render_trace.h"
#include "gm/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static void dur(char *buf, size_t n, uint64_t ns)
{
    if (ns >= 10000000000ull) {
        (void)snprintf(buf, n, "%.1fs", (double)ns / 1e9);
    } else if (ns >= 1000000000ull) {
        (void)snprintf(buf, n, "%.2fs", (double)ns / 1e9);
    } else if (ns >= 1000000ull) {
        (void)snprintf(buf, n, "%.1fms", (double)ns / 1e6);
    } else if (ns >= 1000ull) {
        (void)snprintf(buf, n, "%.0fµs", (double)ns / 1e3);
    } else {
        (void)snprintf(buf, n, "%lluns", (unsigned long long)ns);
    }
}

static void bytes_h(char *buf, size_t n, uint64_t b)
{
    if (b >= 1ull << 30) {
        (void)snprintf(buf, n, "%.1f GB", (double)b / (double)(1ull << 30));
    } else if (b >= 1ull << 20) {
        (void)snprintf(buf, n, "%.1f MB", (double)b / (double)(1ull << 20));
    } else if (b >= 1ull << 10) {
        (void)snprintf(buf, n, "%.1f kB", (double)b / 1024.0);
    } else {
        (void)snprintf(buf, n, "%llu B", (unsigned long long)b);
    }
}

/* s padded to width columns (characters, not bytes: "µs" is one column wide), left or right
 * aligned. */
static void cell(struct gm_out *o, const char *s, int width, int left)
{
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        cols += (*p & 0xc0) != 0x80;
    }
    if (!left) {
        for (int i = cols; i < width; i++) {
            gm_out_puts(o, " ");
        }
    }
    gm_out_puts(o, s);
    if (left) {
        for (int i = cols; i < width; i++) {
            gm_out_puts(o, " ");
        }
    }
}

static uint64_t stuck(const struct gm_tgroup *g)
{
    uint64_t n = 0;
    for (int w = 0; w < GM_TW_NR; w++) {
        n += g->waiting[w];
    }
    return n;
}

static const char *fmt_name(const struct gm_trace_result *r, const struct gm_trace_info *in)
{
    GM_UNUSED(r);
    return in->format == GM_TRACE_V1 ? "v1" : "v2";
}

/* "chan send 9 since 14.1ms" for the biggest wait at the end, or the states. */
static void at_end(char *buf, size_t n, const struct gm_tgroup *g)
{
    int best = -1;
    for (int w = 0; w < GM_TW_NR; w++) {
        if (g->waiting[w] && (best < 0 || g->waiting[w] > g->waiting[best])) {
            best = w;
        }
    }
    size_t o = 0;
    buf[0] = 0;
    if (best >= 0) {
        char s[24];
        dur(s, sizeof(s), g->waiting_since[best]);
        int k = snprintf(buf, n, "%llu %s since %s", (unsigned long long)g->waiting[best],
                         gm_twait_name((enum gm_twait)best), s);
        o = k > 0 ? (size_t)k : 0;
        uint64_t rest = stuck(g) - g->waiting[best];
        if (rest && o < n) {
            k = snprintf(buf + o, n - o, " +%llu waiting", (unsigned long long)rest);
            o += k > 0 ? (size_t)k : 0;
        }
    }
    uint64_t act = g->running + g->runnable + g->in_syscall;
    if (act && o < n) {
        (void)snprintf(buf + o, n - o, "%s%llu active", o ? ", " : "", (unsigned long long)act);
    }
    if (!buf[0]) {
        (void)snprintf(buf, n, "%s", g->count == g->ended ? "all ended" : "-");
    }
}

/* The two largest block reasons: "chan send 1.2s, sync.Mutex 3ms". */
static void blocked(char *buf, size_t n, const struct gm_tgroup *g)
{
    int a = -1, b = -1;
    for (int w = 0; w < GM_TW_NR; w++) {
        if (!g->block_ns[w]) {
            continue;
        }
        if (a < 0 || g->block_ns[w] > g->block_ns[a]) {
            b = a;
            a = w;
        } else if (b < 0 || g->block_ns[w] > g->block_ns[b]) {
            b = w;
        }
    }
    if (a < 0) {
        (void)snprintf(buf, n, "-");
        return;
    }
    char x[24], y[24];
    dur(x, sizeof(x), g->block_ns[a]);
    if (b < 0) {
        (void)snprintf(buf, n, "%s %s", gm_twait_name((enum gm_twait)a), x);
    } else {
        dur(y, sizeof(y), g->block_ns[b]);
        (void)snprintf(buf, n, "%s %s, %s %s", gm_twait_name((enum gm_twait)a), x,
                       gm_twait_name((enum gm_twait)b), y);
    }
}

void gm_render_trace_table(struct gm_out *o, const char *file, const struct gm_trace_result *r,
                           enum gm_severity min_sev, uint32_t max_groups)
{
    const struct gm_trace_info *in = &r->info;
    char d[24], a[24], b[24], c[24];
    if (!max_groups) {
        max_groups = 20;
    }
    dur(d, sizeof(d), in->duration_ns);
    gm_out_color(o, GM_C_BOLD);
    gm_out_printf(o, "%s", file);
    gm_out_color(o, GM_C_RESET);
    gm_out_printf(o, ": Go 1.%u execution trace (%s), %s, %llu bytes, ", in->minor, fmt_name(r, in),
                  d, (unsigned long long)in->bytes);
    if (in->format == GM_TRACE_V2) {
        gm_out_printf(o, "%llu generation%s, ", (unsigned long long)in->generations,
                      in->generations == 1 ? "" : "s");
    }
    gm_out_printf(o, "%llu events\n", (unsigned long long)in->events);
    if (r->rc < 0) {
        gm_out_color(o, GM_C_RED);
        gm_out_printf(o,
                      "warning: the trace is %s at byte %llu: %s; this is what was read "
                      "before it\n",
                      r->rc == GM_ETRUNC ? "cut" : "unreadable", (unsigned long long)r->diag.off,
                      r->diag.msg);
        gm_out_color(o, GM_C_RESET);
    }
    /* the most frequent event types */
    {
        unsigned top[6] = {0};
        int ntop = 0;
        for (unsigned t = 0; t < GM_TRACE_TYPES; t++) {
            if (!in->counts[t] || !gm_trace_type_name(in->format, t)) {
                continue;
            }
            int k = ntop < 6 ? ntop++ : 5;
            if (k == 5 && in->counts[t] <= in->counts[top[5]]) {
                continue;
            }
            top[k] = t;
            for (; k > 0 && in->counts[top[k]] > in->counts[top[k - 1]]; k--) {
                unsigned x = top[k];
                top[k] = top[k - 1];
                top[k - 1] = x;
            }
        }
        gm_out_printf(o, "%-11s", "events");
        for (int k = 0; k < ntop; k++) {
            gm_out_printf(o, "%s %s %llu", k ? "," : "", gm_trace_type_name(in->format, top[k]),
                          (unsigned long long)in->counts[top[k]]);
        }
        gm_out_puts(o, ntop == 6 ? " ... (--json: every type)\n" : "\n");
    }
    gm_out_printf(o,
                  "%-11s %llu seen: %llu created during the trace, %llu ended, %llu alive at "
                  "the end\n",
                  "goroutines", (unsigned long long)r->goroutines, (unsigned long long)r->created,
                  (unsigned long long)r->ended, (unsigned long long)r->alive);
    dur(a, sizeof(a), r->run_ns);
    dur(b, sizeof(b), r->p_busy_ns);
    gm_out_printf(o,
                  "%-11s GOMAXPROCS %llu; goroutines ran %s (%.1f%% of the Ps' time), Ps "
                  "were started for %s\n",
                  "procs", (unsigned long long)r->gomaxprocs, a, r->utilisation * 100, b);
    if (r->lat.n) {
        dur(a, sizeof(a), gm_tlat_quantile(&r->lat, 0.5));
        dur(b, sizeof(b), gm_tlat_quantile(&r->lat, 0.99));
        dur(c, sizeof(c), r->lat.max);
        gm_out_printf(o,
                      "%-11s runnable to running: p50 %s, p99 %s, max %s over %llu "
                      "wake-ups\n",
                      "scheduler", a, b, c, (unsigned long long)r->lat.n);
    }
    dur(a, sizeof(a), r->gc_ns);
    gm_out_printf(o, "%-11s %llu cycle%s, GC running %s (%.1f%% of the trace)", "GC",
                  (unsigned long long)r->gc_cycles, r->gc_cycles == 1 ? "" : "s", a,
                  in->duration_ns ? (double)r->gc_ns * 100 / (double)in->duration_ns : 0.0);
    if (r->stw_nr) {
        dur(b, sizeof(b), r->stw_ns);
        dur(c, sizeof(c), r->stw_max_ns);
        gm_out_printf(
            o, "; %llu stop-the-world pause%s, %s in all, longest %s (%s)",
            (unsigned long long)r->stw_nr, r->stw_nr == 1 ? "" : "s", b, c,
            r->stw_max_kind == UINT32_MAX ? "?" : gm_strtab_cstr(&r->stacks.strs, r->stw_max_kind));
    }
    gm_out_puts(o, "\n");
    if (r->assist_nr) {
        dur(a, sizeof(a), r->assist_ns);
        dur(b, sizeof(b), r->gc_worker_ns);
        gm_out_printf(o,
                      "%-11s %llu mark assists took %s of user goroutines' time; mark "
                      "workers ran %s\n",
                      "", (unsigned long long)r->assist_nr, a, b);
    }
    if (r->heap_max) {
        bytes_h(a, sizeof(a), r->heap_last);
        bytes_h(b, sizeof(b), r->heap_max);
        bytes_h(c, sizeof(c), r->goal_last);
        gm_out_printf(o, "%-11s %s at the end (max %s)", "heap", a, b);
        if (r->goal_last) {
            gm_out_printf(o, ", goal %s", c);
        }
        gm_out_puts(o, "\n");
    }
    if (r->cpu_samples) {
        gm_out_printf(o, "%-11s %llu CPU profile samples\n", "cpu",
                      (unsigned long long)r->cpu_samples);
    }
    /* groups */
    const uint32_t *ord = r->order;
    if (r->groups_nr) {
        gm_out_puts(o, "\n");
        gm_out_color(o, GM_C_BOLD);
        gm_out_printf(o, "%-44s %5s %5s %9s %9s %9s  %-30s %s\n", "GOROUTINES (start function)",
                      "N", "ENDED", "RUNNING", "SCHED p99", "SYSCALL", "BLOCKED", "AT THE END");
        gm_out_color(o, GM_C_RESET);
        uint32_t shown = 0, rt_n = 0;
        uint64_t rt_count = 0;
        for (uint32_t k = 0; k < r->groups_nr; k++) {
            const struct gm_tgroup *g = &r->groups[ord[k]];
            if (g->runtime) {
                rt_n++;
                rt_count += g->count;
                continue;
            }
            if (shown++ >= max_groups) {
                continue;
            }
            char name[45], run[24], lat[24], sys[24], blk[64], end[64];
            const char *nm = gm_tgroup_name(r, g);
            size_t nl = strlen(nm);
            if (nl > 44) {
                (void)snprintf(name, sizeof(name), "…%s", nm + nl - 41);
            } else {
                (void)snprintf(name, sizeof(name), "%s", nm);
            }
            dur(run, sizeof(run), g->run_ns);
            if (g->lat.n) {
                dur(lat, sizeof(lat), gm_tlat_quantile(&g->lat, 0.99));
            } else {
                (void)snprintf(lat, sizeof(lat), "-");
            }
            if (g->syscall_ns) {
                dur(sys, sizeof(sys), g->syscall_ns);
            } else {
                (void)snprintf(sys, sizeof(sys), "-");
            }
            blocked(blk, sizeof(blk), g);
            at_end(end, sizeof(end), g);
            cell(o, name, 44, 1);
            gm_out_printf(o, " %5llu %5llu ", (unsigned long long)g->count,
                          (unsigned long long)g->ended);
            cell(o, run, 9, 0);
            gm_out_puts(o, " ");
            cell(o, lat, 9, 0);
            gm_out_puts(o, " ");
            cell(o, sys, 9, 0);
            gm_out_puts(o, "  ");
            cell(o, blk, 30, 1);
            gm_out_printf(o, " %s\n", end);
        }
        if (shown > max_groups) {
            gm_out_printf(o, "(%u more groups; --groups N shows more)\n", shown - max_groups);
        }
        if (rt_n) {
            gm_out_color(o, GM_C_DIM);
            gm_out_printf(o,
                          "(%llu runtime goroutines in %u groups not shown: GC workers, "
                          "sweeper, tracer ...)\n",
                          (unsigned long long)rt_count, rt_n);
            gm_out_color(o, GM_C_RESET);
        }
    }
    /* findings */
    uint32_t shown = 0, below = 0;
    for (uint32_t i = 0; i < r->findings_nr; i++) {
        const struct gm_tfinding *f = &r->findings[i];
        if (f->severity < min_sev) {
            below++;
            continue;
        }
        if (shown++ == 0) {
            gm_out_puts(o, "\n");
            gm_out_color(o, GM_C_BOLD);
            gm_out_printf(o, "%-9s %-20s %s\n", "SEVERITY", "FINDING", "WHY");
            gm_out_color(o, GM_C_RESET);
        }
        gm_out_color(o, f->severity >= GM_SEV_HIGH ? GM_C_RED : GM_C_YELLOW);
        gm_out_printf(o, "%-9s", gm_severity_name(f->severity));
        gm_out_color(o, GM_C_RESET);
        gm_out_printf(o, " %-20s %s\n", f->kind->id, f->why);
        if (f->ids_nr) {
            gm_out_printf(o, "%-30s goroutines", "");
            for (uint32_t k = 0; k < f->ids_nr; k++) {
                gm_out_printf(o, " %llu", (unsigned long long)f->ids[k]);
            }
            gm_out_puts(o, f->count > f->ids_nr ? " ...\n" : "\n");
        }
        gm_out_printf(o, "%-30s fix: %s\n", "", f->kind->fix);
    }
    if (!shown) {
        gm_out_printf(o, "\nno findings at or above %s\n", gm_severity_name(min_sev));
    }
    if (below) {
        gm_out_printf(o, "(%u more below %s)\n", below, gm_severity_name(min_sev));
    }
}

static void json_lat(struct gm_out *o, const struct gm_tlat *l)
{
    gm_out_printf(o, "{\"samples\":%llu,\"p50_ns\":%llu,\"p99_ns\":%llu,\"max_ns\":%llu}",
                  (unsigned long long)l->n, (unsigned long long)gm_tlat_quantile(l, 0.5),
                  (unsigned long long)gm_tlat_quantile(l, 0.99), (unsigned long long)l->max);
}

static void json_frame(struct gm_out *o, const struct gm_trace_result *r, const char *key,
                       uint32_t frame)
{
    gm_out_printf(o, ",\"%s\":", key);
    if (frame == GM_NO_FRAME) {
        gm_out_puts(o, "null");
        return;
    }
    gm_out_puts(o, "{\"function\":");
    gm_out_json_cstr(o, gm_stacks_func(&r->stacks, frame));
    gm_out_puts(o, ",\"file\":");
    gm_out_json_cstr(o, gm_stacks_file(&r->stacks, frame));
    gm_out_printf(o, ",\"line\":%u}", r->stacks.frames[frame].line);
}

void gm_render_trace_join_table(struct gm_out *o, const char *dump_file,
                                const struct gm_gdump_set *set, const struct gm_trace_result *r,
                                const struct gm_tjoin *j, enum gm_severity min_sev)
{
    gm_out_puts(o, "\n");
    gm_out_color(o, GM_C_BOLD);
    gm_out_printf(o, "THE DUMP'S FINDINGS IN THE TRACE");
    gm_out_color(o, GM_C_RESET);
    gm_out_printf(o, " (%s: %llu of its %llu goroutines are in the trace)\n", dump_file,
                  (unsigned long long)j->common_ids, (unsigned long long)j->dump_ids);
    if (j->dump_ids && (j->common_ids * 2 < j->dump_ids || j->other_ids)) {
        gm_out_color(o, GM_C_RED);
        gm_out_printf(o,
                      "warning: %llu of the dump's goroutine ids are other goroutines in the "
                      "trace%s: are they of the same process, taken at the same time?\n",
                      (unsigned long long)j->other_ids,
                      j->common_ids * 2 < j->dump_ids ? ", and fewer than half are in it" : "");
        gm_out_color(o, GM_C_RESET);
    }
    uint32_t shown = 0, below = 0;
    for (uint32_t i = 0; i < j->nr; i++) {
        const struct gm_tj_finding *jf = &j->v[i];
        const struct gm_finding *f = jf->f;
        if (f->severity < min_sev) {
            below++;
            continue;
        }
        shown++;
        gm_out_color(o, f->severity >= GM_SEV_HIGH ? GM_C_RED : GM_C_YELLOW);
        gm_out_printf(o, "%-9s", gm_severity_name(f->severity));
        gm_out_color(o, GM_C_RESET);
        gm_out_printf(
            o, " %-20s %llu goroutines in %s\n", f->kind->id, (unsigned long long)f->count,
            f->user_frame == GM_NO_FRAME ? "?" : gm_stacks_func(&set->stacks, f->user_frame));
        gm_out_color(o, jf->verdict == GM_TJV_CONFIRMED     ? GM_C_RED
                        : jf->verdict == GM_TJV_FALSE_ALARM ? GM_C_GREEN
                                                            : GM_C_RESET);
        gm_out_printf(o, "%-30s %s\n", "", jf->why);
        gm_out_color(o, GM_C_RESET);
        for (uint32_t k = 0; k < jf->g_nr; k++) {
            char line[320];
            gm_tj_describe(r, &jf->g[k], line, sizeof(line));
            gm_out_printf(o, "%-30s goroutine %llu: %s\n", "", (unsigned long long)jf->g[k].id,
                          line);
        }
        if (jf->goroutines > jf->g_nr) {
            gm_out_printf(o, "%-30s (%llu more)\n", "",
                          (unsigned long long)(jf->goroutines - jf->g_nr));
        }
    }
    if (!shown) {
        gm_out_printf(o, "no dump findings at or above %s\n", gm_severity_name(min_sev));
    }
    if (below) {
        gm_out_printf(o, "(%u more below %s)\n", below, gm_severity_name(min_sev));
    }
}

static void json_join(struct gm_out *o, const struct gm_trace_result *r, const char *dump_file,
                      const struct gm_gdump_set *set, const struct gm_tjoin *j)
{
    gm_out_puts(o, ",\"dump\":");
    if (!j) {
        gm_out_puts(o, "null");
        return;
    }
    gm_out_puts(o, "{\"file\":");
    gm_out_json_cstr(o, dump_file);
    gm_out_printf(o,
                  ",\"goroutines\":%llu,\"in_trace\":%llu,\"other_in_trace\":%llu,\"findings\":[",
                  (unsigned long long)j->dump_ids, (unsigned long long)j->common_ids,
                  (unsigned long long)j->other_ids);
    for (uint32_t i = 0; i < j->nr; i++) {
        const struct gm_tj_finding *jf = &j->v[i];
        const struct gm_finding *f = jf->f;
        gm_out_printf(o, "%s{\"id\":\"%s\",\"severity\":\"%s\",\"function\":", i ? "," : "",
                      f->kind->id, gm_severity_name(f->severity));
        if (f->user_frame == GM_NO_FRAME) {
            gm_out_puts(o, "null");
        } else {
            gm_out_json_cstr(o, gm_stacks_func(&set->stacks, f->user_frame));
        }
        gm_out_printf(o,
                      ",\"goroutines\":%llu,\"stuck\":%llu,\"progress\":%llu,\"ended\":%llu,"
                      "\"not_seen\":%llu,\"verdict\":\"%s\",\"why\":",
                      (unsigned long long)jf->goroutines, (unsigned long long)jf->n[GM_TJ_STUCK],
                      (unsigned long long)jf->n[GM_TJ_PROGRESS],
                      (unsigned long long)jf->n[GM_TJ_ENDED],
                      (unsigned long long)jf->n[GM_TJ_NOT_SEEN], gm_tj_verdict_name(jf->verdict));
        gm_out_json_cstr(o, jf->why);
        gm_out_puts(o, ",\"sample\":[");
        for (uint32_t k = 0; k < jf->g_nr; k++) {
            const struct gm_tj_g *g = &jf->g[k];
            const struct gm_tgor *t = g->t;
            gm_out_printf(o, "%s{\"id\":%llu,\"state\":\"%s\"", k ? "," : "",
                          (unsigned long long)g->id, gm_tj_state_name(g->state));
            if (t) {
                gm_out_puts(o, ",\"created_ns\":");
                if (t->created_ns == UINT64_MAX) {
                    gm_out_puts(o, "null");
                } else {
                    gm_out_printf(o, "%llu", (unsigned long long)t->created_ns);
                }
                gm_out_printf(o,
                              ",\"creator\":%llu,\"last_run_ns\":", (unsigned long long)t->creator);
                if (t->last_run_ns == UINT64_MAX) {
                    gm_out_puts(o, "null");
                } else {
                    gm_out_printf(o, "%llu", (unsigned long long)t->last_run_ns);
                }
                gm_out_printf(o, ",\"since_ns\":%llu,\"wait\":", (unsigned long long)t->since_ns);
                if (t->state == GM_TS_WAITING) {
                    gm_out_printf(o, "\"%s\"", gm_twait_key((enum gm_twait)t->wait));
                } else {
                    gm_out_puts(o, "null");
                }
                gm_out_printf(o, ",\"wakes\":%llu", (unsigned long long)t->wakes);
            }
            gm_out_puts(o, "}");
        }
        gm_out_puts(o, "]}");
    }
    gm_out_puts(o, "]}");
    (void)r;
}

void gm_render_trace_json(struct gm_out *o, const char *file, const struct gm_trace_result *r,
                          const char *dump_file, const struct gm_gdump_set *set,
                          const struct gm_tjoin *j)
{
    const struct gm_trace_info *in = &r->info;
    gm_out_puts(o, "{\"schema\":\"" GM_SCHEMA_TRACE "\",\"file\":");
    gm_out_json_cstr(o, file);
    gm_out_printf(o,
                  ",\"format\":\"%s\",\"go_version\":\"1.%u\",\"bytes\":%llu,\"duration_ns\":%llu,"
                  "\"generations\":%llu,\"batches\":%llu,\"events\":%llu,",
                  in->format == GM_TRACE_V1 ? "v1" : "v2", in->minor, (unsigned long long)in->bytes,
                  (unsigned long long)in->duration_ns, (unsigned long long)in->generations,
                  (unsigned long long)in->batches, (unsigned long long)in->events);
    if (r->rc < 0) {
        gm_out_printf(o, "\"error\":{\"offset\":%llu,\"kind\":\"%s\",\"message\":",
                      (unsigned long long)r->diag.off,
                      r->rc == GM_ETRUNC ? "truncated" : "corrupt");
        gm_out_json_cstr(o, r->diag.msg);
        gm_out_puts(o, "},");
    } else {
        gm_out_puts(o, "\"error\":null,");
    }
    gm_out_puts(o, "\"event_counts\":{");
    int first = 1;
    for (unsigned t = 0; t < GM_TRACE_TYPES; t++) {
        const char *nm = gm_trace_type_name(in->format, t);
        if (!in->counts[t] || !nm) {
            continue;
        }
        gm_out_printf(o, "%s\"%s\":%llu", first ? "" : ",", nm, (unsigned long long)in->counts[t]);
        first = 0;
    }
    gm_out_printf(o,
                  "},\"goroutines\":%llu,\"goroutines_created\":%llu,\"goroutines_ended\":%llu,"
                  "\"goroutines_alive\":%llu,\"gomaxprocs\":%llu,\"running_ns\":%llu,"
                  "\"p_busy_ns\":%llu,\"utilisation\":%.4f,\"sched_latency\":",
                  (unsigned long long)r->goroutines, (unsigned long long)r->created,
                  (unsigned long long)r->ended, (unsigned long long)r->alive,
                  (unsigned long long)r->gomaxprocs, (unsigned long long)r->run_ns,
                  (unsigned long long)r->p_busy_ns, r->utilisation);
    json_lat(o, &r->lat);
    gm_out_printf(o,
                  ",\"gc\":{\"cycles\":%llu,\"gc_ns\":%llu,\"worker_ns\":%llu,\"stw\":{\"count\":"
                  "%llu,\"total_ns\":%llu,\"max_ns\":%llu,\"max_kind\":",
                  (unsigned long long)r->gc_cycles, (unsigned long long)r->gc_ns,
                  (unsigned long long)r->gc_worker_ns, (unsigned long long)r->stw_nr,
                  (unsigned long long)r->stw_ns, (unsigned long long)r->stw_max_ns);
    if (r->stw_max_kind == UINT32_MAX) {
        gm_out_puts(o, "null");
    } else {
        gm_out_json_cstr(o, gm_strtab_cstr(&r->stacks.strs, r->stw_max_kind));
    }
    gm_out_printf(o,
                  "},\"assist\":{\"count\":%llu,\"total_ns\":%llu}},\"heap\":{\"last\":%llu,"
                  "\"max\":%llu,\"goal\":%llu},\"cpu_samples\":%llu,\"groups\":[",
                  (unsigned long long)r->assist_nr, (unsigned long long)r->assist_ns,
                  (unsigned long long)r->heap_last, (unsigned long long)r->heap_max,
                  (unsigned long long)r->goal_last, (unsigned long long)r->cpu_samples);
    const uint32_t *ord = r->order;
    for (uint32_t k = 0; k < r->groups_nr; k++) {
        const struct gm_tgroup *g = &r->groups[ord[k]];
        gm_out_puts(o, k ? ",{\"start_function\":" : "{\"start_function\":");
        if (g->start_frame == GM_NO_FRAME) {
            gm_out_puts(o, "null");
        } else {
            gm_out_json_cstr(o, gm_tgroup_name(r, g));
        }
        json_frame(o, r, "creator", g->creator_frame);
        gm_out_printf(o,
                      ",\"runtime\":%s,\"count\":%llu,\"created\":%llu,\"ended\":%llu,"
                      "\"alive\":%llu,\"running_ns\":%llu,\"runnable_ns\":%llu,\"syscall_ns\":"
                      "%llu,\"syscalls\":%llu,\"sched_latency\":",
                      g->runtime ? "true" : "false", (unsigned long long)g->count,
                      (unsigned long long)g->created, (unsigned long long)g->ended,
                      (unsigned long long)g->alive, (unsigned long long)g->run_ns,
                      (unsigned long long)g->runnable_ns, (unsigned long long)g->syscall_ns,
                      (unsigned long long)g->syscalls);
        json_lat(o, &g->lat);
        gm_out_puts(o, ",\"blocked_ns\":{");
        first = 1;
        for (int w = 0; w < GM_TW_NR; w++) {
            if (!g->block_ns[w] && !g->blocks[w]) {
                continue;
            }
            gm_out_printf(o, "%s\"%s\":%llu", first ? "" : ",", gm_twait_key((enum gm_twait)w),
                          (unsigned long long)g->block_ns[w]);
            first = 0;
        }
        gm_out_printf(o,
                      "},\"at_end\":{\"running\":%llu,\"runnable\":%llu,\"syscall\":%llu,"
                      "\"waiting\":[",
                      (unsigned long long)g->running, (unsigned long long)g->runnable,
                      (unsigned long long)g->in_syscall);
        first = 1;
        for (int w = 0; w < GM_TW_NR; w++) {
            if (!g->waiting[w]) {
                continue;
            }
            gm_out_printf(o, "%s{\"reason\":\"%s\",\"count\":%llu,\"since_ns\":%llu",
                          first ? "" : ",", gm_twait_key((enum gm_twait)w),
                          (unsigned long long)g->waiting[w],
                          (unsigned long long)g->waiting_since[w]);
            uint32_t fr = g->waiting_stack[w] == GM_TRACE_NO_STACK
                              ? GM_NO_FRAME
                              : gm_stack_user_frame(&r->stacks, g->waiting_stack[w]);
            json_frame(o, r, "at", fr);
            gm_out_puts(o, "}");
            first = 0;
        }
        gm_out_puts(o, "]}}");
    }
    gm_out_puts(o, "],\"findings\":[");
    for (uint32_t i = 0; i < r->findings_nr; i++) {
        const struct gm_tfinding *f = &r->findings[i];
        gm_out_printf(o, "%s{\"id\":\"%s\",\"severity\":\"%s\",\"title\":", i ? "," : "",
                      f->kind->id, gm_severity_name(f->severity));
        gm_out_json_cstr(o, f->kind->title);
        gm_out_puts(o, ",\"why\":");
        gm_out_json_cstr(o, f->why);
        gm_out_puts(o, ",\"fix\":");
        gm_out_json_cstr(o, f->kind->fix);
        gm_out_printf(o, ",\"count\":%llu,\"group\":", (unsigned long long)f->count);
        if (f->group >= 0) {
            gm_out_json_cstr(o, gm_tgroup_name(r, &r->groups[f->group]));
        } else {
            gm_out_puts(o, "null");
        }
        json_frame(o, r, "at", f->frame);
        gm_out_puts(o, ",\"goroutine_ids\":[");
        for (uint32_t k = 0; k < f->ids_nr; k++) {
            gm_out_printf(o, "%s%llu", k ? "," : "", (unsigned long long)f->ids[k]);
        }
        gm_out_puts(o, "]}");
    }
    gm_out_puts(o, "]");
    json_join(o, r, dump_file, set, j);
    gm_out_puts(o, "}");
}

/* ---- the HTML page ------------------------------------------------------------------- */

extern const char gm_trace_js[];
extern const char gm_trace_css[];

#define TL_LEFT  250
#define TL_WIDTH 900
#define TL_TOP   20

struct tl_row {
    const char *name;
    const float *v; /* kind 1: [cols] */
    int kind;       /* 0 group, 1 GC/STW/P fraction */
    uint32_t y, h;
    uint32_t tl_row; /* kind 0: the timeline row */
};

static void fnum(struct gm_out *o, double v)
{
    if (v == 0) {
        gm_out_puts(o, "0");
    } else {
        gm_out_printf(o, "%.2f", v);
    }
}

/* A fraction row: runs of equal (rounded) opacity as one rect each. */
static void frac_rects(struct gm_out *o, const struct gm_ttimeline *tl, const float *v, uint32_t y,
                       uint32_t h, const char *color)
{
    uint32_t c = 0;
    while (c < tl->cols) {
        int q = (int)(v[c] * 20 + 0.5f);
        uint32_t e = c + 1;
        while (e < tl->cols && (int)(v[e] * 20 + 0.5f) == q) {
            e++;
        }
        if (q > 0) {
            gm_out_printf(o,
                          "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\" "
                          "fill-opacity=\"%.2f\"/>",
                          c, y, e - c, h, color, q > 20 ? 1.0 : q / 20.0);
        }
        c = e;
    }
    gm_out_puts(o, "\n");
}

static const char *const state_color[GM_TL_STATES] = {"#2e9e44", "#f0a030", "#8e5fc2", "#c8463c"};
static const char *const state_label[GM_TL_STATES] = {"running", "runnable", "in a system call",
                                                      "waiting"};

static void group_areas(struct gm_out *o, const struct gm_ttimeline *tl, uint32_t row, uint32_t y,
                        uint32_t h)
{
    const float *v = tl->occ + (size_t)row * GM_TL_STATES * tl->cols;
    double max = 0;
    for (uint32_t c = 0; c < tl->cols; c++) {
        double t = 0;
        for (int s = 0; s < GM_TL_STATES; s++) {
            t += v[(size_t)s * tl->cols + c];
        }
        max = t > max ? t : max;
    }
    if (max <= 0) {
        return;
    }
    double scale = (double)(h - 2) / max, base = (double)(y + h);
    for (int s = 0; s < GM_TL_STATES; s++) {
        gm_out_printf(o, "<path fill=\"%s\" d=\"M0,%.1f", state_color[s], base);
        for (uint32_t c = 0; c < tl->cols; c++) { /* the top of this state's band */
            double cum = 0;
            for (int k = 0; k <= s; k++) {
                cum += v[(size_t)k * tl->cols + c];
            }
            double yy = base - cum * scale;
            gm_out_printf(o, "L%u,%.1fL%u,%.1f", c, yy, c + 1, yy);
        }
        for (uint32_t c = tl->cols; c-- > 0;) { /* back along the band below */
            double cum = 0;
            for (int k = 0; k < s; k++) {
                cum += v[(size_t)k * tl->cols + c];
            }
            double yy = base - cum * scale;
            gm_out_printf(o, "L%u,%.1fL%u,%.1f", c + 1, yy, c, yy);
        }
        gm_out_puts(o, "Z\"/>\n");
    }
}

static void json_floats(struct gm_out *o, const float *v, uint32_t n)
{
    gm_out_puts(o, "[");
    for (uint32_t c = 0; c < n; c++) {
        if (c) {
            gm_out_puts(o, ",");
        }
        fnum(o, v[c]);
    }
    gm_out_puts(o, "]");
}

void gm_render_trace_html(struct gm_out *o, const char *file, const struct gm_trace_result *r,
                          const struct gm_ttimeline *tl, const char *report, size_t report_len)
{
    /* the rows, top to bottom */
    struct tl_row rows[GM_TL_MAX_ROWS + GM_TL_MAX_PS + 2];
    uint32_t nr = 0, y = 0;
    static const char *const pnames[] = {
        "P0",  "P1",  "P2",  "P3",  "P4",  "P5",  "P6",  "P7",  "P8",  "P9",  "P10", "P11", "P12",
        "P13", "P14", "P15", "P16", "P17", "P18", "P19", "P20", "P21", "P22", "P23", "P24", "P25",
        "P26", "P27", "P28", "P29", "P30", "P31", "P32", "P33", "P34", "P35", "P36", "P37", "P38",
        "P39", "P40", "P41", "P42", "P43", "P44", "P45", "P46", "P47", "P48", "P49", "P50", "P51",
        "P52", "P53", "P54", "P55", "P56", "P57", "P58", "P59", "P60", "P61", "P62", "P63"};
    rows[nr++] =
        (struct tl_row){.name = "GC running", .v = tl->gc, .kind = 1, .y = y, .h = 12, .tl_row = 0};
    y += 14;
    rows[nr++] = (struct tl_row){
        .name = "stop-the-world", .v = tl->stw, .kind = 1, .y = y, .h = 12, .tl_row = 0};
    y += 14;
    for (uint32_t p = 0; p < tl->ps && p < GM_TL_MAX_PS; p++) {
        rows[nr++] = (struct tl_row){.name = pnames[p],
                                     .v = tl->pbusy + (size_t)p * tl->cols,
                                     .kind = 1,
                                     .y = y,
                                     .h = 12,
                                     .tl_row = 0};
        y += 14;
    }
    y += 8;
    for (uint32_t k = 0; k < tl->rows; k++) {
        rows[nr++] = (struct tl_row){.name = gm_tgroup_name(r, &r->groups[tl->group[k]]),
                                     .v = NULL,
                                     .kind = 0,
                                     .y = y,
                                     .h = 44,
                                     .tl_row = k};
        y += 50;
    }
    uint32_t height = y;
    char d[24];
    dur(d, sizeof(d), r->info.duration_ns);

    gm_out_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "script-src 'unsafe-inline'; style-src 'unsafe-inline'\">\n<title>");
    gm_out_xml(o, file, strlen(file), SIZE_MAX);
    gm_out_printf(o, " - gomedic trace</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>",
                  gm_trace_css);
    gm_out_xml(o, file, strlen(file), SIZE_MAX);
    gm_out_printf(o,
                  "</h1>\n<p class=\"sub\">Go 1.%u execution trace (%s), %s, %llu goroutines, "
                  "GOMAXPROCS %llu</p>\n",
                  r->info.minor, r->info.format == GM_TRACE_V1 ? "v1" : "v2", d,
                  (unsigned long long)r->goroutines, (unsigned long long)r->gomaxprocs);
    /* findings first: what the page is for */
    gm_out_puts(o, "<h2>Findings</h2>\n");
    if (!r->findings_nr) {
        gm_out_puts(o, "<p>No findings.</p>\n");
    } else {
        gm_out_puts(o, "<table id=\"findings\"><tr><th class=\"l\">severity</th><th "
                       "class=\"l\">finding</th><th class=\"l\">why</th><th "
                       "class=\"l\">fix</th></tr>\n");
        for (uint32_t i = 0; i < r->findings_nr; i++) {
            const struct gm_tfinding *f = &r->findings[i];
            gm_out_printf(
                o, "<tr><td class=\"l sev-%s\">%s</td><td class=\"l\">%s</td><td class=\"l\">",
                gm_severity_name(f->severity), gm_severity_name(f->severity), f->kind->id);
            gm_out_xml(o, f->why, strlen(f->why), SIZE_MAX);
            gm_out_puts(o, "</td><td class=\"l\">");
            gm_out_xml(o, f->kind->fix, strlen(f->kind->fix), SIZE_MAX);
            gm_out_puts(o, "</td></tr>\n");
        }
        gm_out_puts(o, "</table>\n");
    }
    /* the timeline */
    gm_out_puts(o, "<h2>Timeline</h2>\n<div class=\"legend\">");
    for (int s = 0; s < GM_TL_STATES; s++) {
        gm_out_printf(o, "<span><i style=\"background:%s\"></i>%s</span>", state_color[s],
                      state_label[s]);
    }
    gm_out_puts(o, "<span><i style=\"background:#3b7dd8\"></i>GC running</span>"
                   "<span><i style=\"background:#222\"></i>stop-the-world</span>"
                   "<span><i style=\"background:#777\"></i>P busy</span></div>\n"
                   "<div class=\"bar\"><button id=\"reset\" type=\"button\">Reset zoom</button> "
                   "wheel: zoom, drag: pan, double click: reset; the largest groups, goroutines "
                   "by state (average per column)</div>\n");
    gm_out_printf(o,
                  "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" "
                  "height=\"%u\" viewBox=\"0 0 %u %u\">\n<g id=\"ticks\"></g>\n",
                  TL_LEFT + TL_WIDTH + 10, TL_TOP + height + 4, TL_LEFT + TL_WIDTH + 10,
                  TL_TOP + height + 4);
    for (uint32_t i = 0; i < nr; i++) {
        char name[96];
        size_t l = strlen(rows[i].name);
        (void)snprintf(name, sizeof(name), "%s%s", l > 34 ? "…" : "",
                       l > 34 ? rows[i].name + l - 33 : rows[i].name);
        if (rows[i].kind == 0) {
            size_t nl = strlen(name);
            (void)snprintf(name + nl, sizeof(name) - nl, " ×%llu",
                           (unsigned long long)r->groups[tl->group[rows[i].tl_row]].count);
        }
        gm_out_printf(o, "<text class=\"lbl\" x=\"%u\" y=\"%u\" text-anchor=\"end\">", TL_LEFT - 6,
                      TL_TOP + rows[i].y + rows[i].h / 2 + 4);
        gm_out_xml(o, name, strlen(name), SIZE_MAX);
        gm_out_puts(o, "</text>\n");
    }
    gm_out_printf(o,
                  "<svg id=\"plot\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u "
                  "%u\" preserveAspectRatio=\"none\">\n",
                  TL_LEFT, TL_TOP, TL_WIDTH, height, tl->cols, height);
    for (uint32_t i = 0; i < nr; i++) {
        if (rows[i].kind == 1) {
            const char *color = i == 0 ? "#3b7dd8" : i == 1 ? "#222" : "#777";
            gm_out_printf(o, "<rect x=\"0\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"#f4f4f4\"/>",
                          rows[i].y, tl->cols, rows[i].h);
            frac_rects(o, tl, rows[i].v, rows[i].y, rows[i].h, color);
        } else {
            gm_out_printf(o,
                          "<rect x=\"0\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"#f8f8f8\"/>\n",
                          rows[i].y, tl->cols, rows[i].h);
            group_areas(o, tl, rows[i].tl_row, rows[i].y, rows[i].h);
        }
    }
    gm_out_puts(o, "</svg>\n</svg>\n<div id=\"tip\"></div>\n");
    /* the data for the script */
    gm_out_printf(o,
                  "<script type=\"application/json\" id=\"tl-data\">{\"cols\":%u,\"col_ns\":%llu,"
                  "\"left\":%u,\"width\":%u,\"top\":%u,\"height\":%u,\"rows\":[",
                  tl->cols, (unsigned long long)tl->col_ns, TL_LEFT, TL_WIDTH, TL_TOP, height);
    for (uint32_t i = 0; i < nr; i++) {
        gm_out_puts(o, i ? ",{\"name\":" : "{\"name\":");
        /* JSON inside a script element: "</" must not appear; names never hold it escaped */
        gm_out_json_cstr(o, rows[i].name);
        gm_out_printf(o,
                      ",\"kind\":\"%s\",\"y\":%u,\"h\":%u,\"v\":", rows[i].kind ? "frac" : "group",
                      rows[i].y, rows[i].h);
        if (rows[i].kind) {
            json_floats(o, rows[i].v, tl->cols);
        } else {
            gm_out_puts(o, "[");
            for (int s = 0; s < GM_TL_STATES; s++) {
                if (s) {
                    gm_out_puts(o, ",");
                }
                json_floats(
                    o, tl->occ + ((size_t)rows[i].tl_row * GM_TL_STATES + (size_t)s) * tl->cols,
                    tl->cols);
            }
            gm_out_puts(o, "]");
        }
        gm_out_puts(o, "}");
    }
    gm_out_puts(o, "]}</script>\n");
    /* the report, as the terminal shows it */
    gm_out_puts(o, "<h2>Report</h2>\n<pre id=\"report\">");
    for (size_t at = 0; at < report_len;) { /* line by line: the newlines stay */
        const char *nl = memchr(report + at, '\n', report_len - at);
        size_t l = nl ? (size_t)(nl - (report + at)) : report_len - at;
        gm_out_xml(o, report + at, l, SIZE_MAX);
        gm_out_puts(o, "\n");
        at += l + 1;
    }
    gm_out_printf(o, "</pre>\n<script>\n%s</script>\n</body>\n</html>\n", gm_trace_js);
}
