/* Terminal report and JSON for `gomedic heap`. */
#include "gm/pview.h"
#include "gm/render_heap.h"

#include <stdio.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static void fmt_bytes(char *b, size_t cap, double v)
{
    /* a double out of int64 range (or NaN) must not be converted: clamp first */
    int64_t i = !(v == v) ? 0 : v >= 9.2e18 ? INT64_MAX : v <= -9.2e18 ? INT64_MIN : (int64_t)v;
    gm_pview_format(b, cap, i, "bytes");
}

static void spark(struct gm_out *o, const double *v, uint32_t n)
{
    static const char *const bars[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                       "\u2585", "\u2586", "\u2587", "\u2588"};
    double hi = 0;
    for (uint32_t i = 0; i < n; i++) {
        hi = v[i] > hi ? v[i] : hi;
    }
    for (uint32_t i = 0; i < n; i++) {
        int l = hi > 0 ? (int)(v[i] / hi * 7.0 + 0.5) : 0;
        gm_out_puts(o, bars[l < 0 ? 0 : l > 7 ? 7 : l]);
    }
}

static const char *nm(const struct gm_heap_result *r, uint32_t id)
{
    return gm_strtab_cstr(&r->names, id);
}

void gm_render_heap_table(struct gm_out *o, const struct gm_heap_result *r,
                          const char *const *files, uint32_t max_sites)
{
    char a[48], b[48], c[48];
    uint32_t n = r->profiles;
    fmt_bytes(a, sizeof(a), r->total[0]);
    fmt_bytes(b, sizeof(b), r->total[n - 1]);
    gm_out_printf(o, "%u heap profiles over %.1f %s; inuse_space %s -> %s: %s", n, r->t[n - 1],
                  r->timed ? "s" : "steps", a, b, gm_heap_verdict_name(r->total_verdict));
    if (r->total_verdict == GM_HEAP_UNBOUNDED) {
        fmt_bytes(c, sizeof(c), r->total_slope);
        gm_out_printf(o, " (+%s/%s, R^2 %.2f, rising after %s)", c, r->timed ? "s" : "step",
                      r->total_r2, files[r->order[r->total_change]]);
    }
    gm_out_puts(o, "\n  ");
    spark(o, r->total, n);
    gm_out_puts(o, "\n");
    for (uint32_t i = 0; i < r->findings_nr; i++) {
        const struct gm_heap_finding *f = &r->findings[i];
        if (i == 0) {
            gm_out_puts(o, "\n");
            gm_out_color(o, GM_C_BOLD);
            gm_out_printf(o, "%-9s %-12s %12s  %s\n", "SEVERITY", "FINDING", "GROWTH/HOUR",
                          "WHERE (ALLOCATES IN)");
            gm_out_color(o, GM_C_RESET);
        }
        fmt_bytes(a, sizeof(a), f->per_hour);
        gm_out_color(o, f->severity >= GM_SEV_HIGH ? GM_C_RED : GM_C_YELLOW);
        gm_out_printf(o, "%-9s", gm_severity_name(f->severity));
        gm_out_color(o, GM_C_RESET);
        gm_out_printf(o, " %-12s %12s  ", "heap-growth", r->timed ? a : "-");
        gm_out_color(o, GM_C_BOLD);
        gm_out_puts(o, f->scope == GM_HEAP_SCOPE_TOTAL ? "the total" : nm(r, f->func_id));
        gm_out_color(o, GM_C_RESET);
        if (f->scope == GM_HEAP_SCOPE_FUNC && f->alloc_id != f->func_id) {
            gm_out_printf(o, " (allocates in %s)", nm(r, f->alloc_id));
        } else if (f->scope == GM_HEAP_SCOPE_ALLOC) {
            gm_out_printf(o, " (called from %u function%s)", f->sites_nr,
                          f->sites_nr == 1 ? "" : "s");
        }
        gm_out_puts(o, "\n");
        fmt_bytes(a, sizeof(a), f->space[f->change]);
        fmt_bytes(b, sizeof(b), f->space[n - 1]);
        gm_out_printf(o, "%-23s %s -> %s, rising after %s (t=+%.1fs), R^2 %.2f  ", "", a, b,
                      files[r->order[f->change]], r->t[f->change], f->r2);
        spark(o, f->space, n);
        gm_out_puts(o, "\n");
        if (f->scope == GM_HEAP_SCOPE_FUNC && f->sites_nr > 1) {
            gm_out_printf(o,
                          "%-23s %u allocation sites of this function grow together (one "
                          "structure): one finding\n",
                          "", f->sites_nr);
        } else if (f->scope == GM_HEAP_SCOPE_FUNC && f->sites_nr == 0) {
            gm_out_printf(o, "%-23s no one site of it grows steadily; their sum does\n", "");
        }
        gm_out_printf(o, "%-23s hint: %s\n", "", f->hint);
        gm_out_printf(o, "%-23s fix: %s\n", "", gm_finding_kind("heap-growth")->fix);
    }
    if (!r->findings_nr) {
        gm_out_puts(o, "\nno allocation site grows without bound\n");
    }
    gm_out_printf(o, "\n%-10s %10s %10s %12s %5s  %s\n", "VERDICT", "FIRST", "LAST", "SLOPE/S",
                  "R^2", "SITE (leaf first)");
    uint32_t listed = 0, zero = 0;
    for (uint32_t i = 0; i < r->sites_nr; i++) {
        const struct gm_heap_site *s = &r->sites[i];
        int any = 0;
        for (uint32_t k = 0; k < n && !any; k++) {
            any = s->space[k] != 0;
        }
        if (!any) {
            zero++;
            continue;
        }
        if (max_sites && listed == max_sites) {
            continue;
        }
        listed++;
        fmt_bytes(a, sizeof(a), s->space[0]);
        fmt_bytes(b, sizeof(b), s->space[n - 1]);
        fmt_bytes(c, sizeof(c), s->slope);
        gm_out_printf(o, "%-10s %10s %10s %12s %5.2f  ", gm_heap_verdict_name(s->verdict), a, b, c,
                      s->r2);
        for (uint32_t k = 0; k < s->frames_nr && k < 3; k++) {
            gm_out_printf(o, "%s%s", k ? " <- " : "", nm(r, s->frames[k]));
            if (k == 0 && s->line) {
                gm_out_printf(o, ":%u", s->line);
            }
        }
        gm_out_puts(o, s->frames_nr > 3 ? " ...\n" : "\n");
    }
    if (listed + zero < r->sites_nr) {
        gm_out_printf(o, "(%u more sites; --sites N shows more)\n", r->sites_nr - listed - zero);
    }
    if (zero) {
        gm_out_printf(o, "(%u sites with nothing in use in any profile not listed)\n", zero);
    }
}

static void json_series(struct gm_out *o, const double *v, uint32_t n)
{
    gm_out_puts(o, "[");
    for (uint32_t i = 0; i < n; i++) {
        gm_out_printf(o, "%s%.0f", i ? "," : "", v[i]);
    }
    gm_out_puts(o, "]");
}

void gm_render_heap_json(struct gm_out *o, const struct gm_heap_result *r, const char *const *files)
{
    uint32_t n = r->profiles;
    gm_out_printf(o, "{\"schema\":\"" GM_SCHEMA_HEAP "\",\"profiles\":%u,\"timed\":%s,\"files\":[",
                  n, r->timed ? "true" : "false");
    for (uint32_t k = 0; k < n; k++) {
        if (k) {
            gm_out_puts(o, ",");
        }
        gm_out_json_cstr(o, files[r->order[k]]);
    }
    gm_out_puts(o, "],\"t_s\":[");
    for (uint32_t k = 0; k < n; k++) {
        gm_out_printf(o, "%s%.3f", k ? "," : "", r->t[k]);
    }
    gm_out_puts(o, "],\"inuse_space\":");
    json_series(o, r->total, n);
    gm_out_printf(o, ",\"verdict\":\"%s\",\"findings\":[", gm_heap_verdict_name(r->total_verdict));
    for (uint32_t i = 0; i < r->findings_nr; i++) {
        const struct gm_heap_finding *f = &r->findings[i];
        gm_out_printf(o,
                      "%s{\"id\":\"heap-growth\",\"severity\":\"%s\",\"scope\":\"%s\","
                      "\"function\":",
                      i ? "," : "", gm_severity_name(f->severity), gm_heap_scope_name(f->scope));
        if (f->scope == GM_HEAP_SCOPE_TOTAL) {
            gm_out_puts(o, "null,\"alloc_function\":null");
        } else {
            gm_out_json_cstr(o, nm(r, f->func_id));
            gm_out_puts(o, ",\"alloc_function\":");
            gm_out_json_cstr(o, nm(r, f->alloc_id));
        }
        gm_out_printf(o,
                      ",\"sites\":%u,\"growth_bytes_per_hour\":%.0f,\"changepoint\":%u,"
                      "\"changepoint_s\":%.3f,\"r2\":%.4f,\"hint\":",
                      f->sites_nr, r->timed ? f->per_hour : 0, f->change, r->t[f->change], f->r2);
        gm_out_json_cstr(o, f->hint);
        gm_out_puts(o, ",\"inuse_space\":");
        json_series(o, f->space, n);
        gm_out_puts(o, "}");
    }
    gm_out_puts(o, "],\"sites\":[");
    for (uint32_t i = 0; i < r->sites_nr; i++) {
        const struct gm_heap_site *s = &r->sites[i];
        gm_out_printf(o, "%s{\"verdict\":\"%s\",\"function\":", i ? "," : "",
                      gm_heap_verdict_name(s->verdict));
        gm_out_json_cstr(o, nm(r, s->func_id));
        gm_out_puts(o, ",\"alloc_function\":");
        gm_out_json_cstr(o, nm(r, s->alloc_id));
        gm_out_printf(o,
                      ",\"line\":%u,\"slope_bytes_per_s\":%.1f,\"r2\":%.4f,\"changepoint\":%u,"
                      "\"frames\":[",
                      s->line, s->slope, s->r2, s->change);
        for (uint32_t k = 0; k < s->frames_nr; k++) {
            if (k) {
                gm_out_puts(o, ",");
            }
            gm_out_json_cstr(o, nm(r, s->frames[k]));
        }
        gm_out_puts(o, "],\"inuse_space\":");
        json_series(o, s->space, n);
        gm_out_puts(o, ",\"inuse_objects\":");
        json_series(o, s->objects, n);
        gm_out_puts(o, "}");
    }
    gm_out_puts(o, "],\"functions\":[");
    for (uint32_t i = 0; i < r->funcs_nr; i++) {
        const struct gm_heap_func *f = &r->funcs[i];
        gm_out_printf(o, "%s{\"function\":", i ? "," : "");
        gm_out_json_cstr(o, nm(r, f->func_id));
        gm_out_printf(o,
                      ",\"verdict\":\"%s\",\"slope_bytes_per_s\":%.1f,\"r2\":%.4f,"
                      "\"inuse_space\":",
                      gm_heap_verdict_name(f->verdict), f->slope, f->r2);
        json_series(o, f->space, n);
        gm_out_puts(o, "}");
    }
    gm_out_puts(o, "]}");
}
