/* Text views (top, traces, raw, folded) and JSON for `gomedic pprof`. */
#include "gm/render_pprof.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* Percentages as pprof prints them: "0%", "100%", otherwise two decimals. */
static void pct(char *buf, size_t cap, int64_t v, int64_t total)
{
    if (total == 0 || v == 0) {
        snprintf(buf, cap, "0%%");
        return;
    }
    double p = 100.0 * (double)v / (double)total;
    p = p < 0 ? -p : p; /* as pprof: a share of the absolute total, never negative */
    if (p == 100.0) {
        snprintf(buf, cap, "100%%");
    } else {
        snprintf(buf, cap, "%.2f%%", p);
    }
}

static void when(char *buf, size_t cap, int64_t nanos)
{
    time_t t = (time_t)(nanos / 1000000000);
    struct tm tm;
    if (!nanos || !gmtime_r(&t, &tm)) {
        snprintf(buf, cap, "-");
        return;
    }
    strftime(buf, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static const char *type_name(const struct gm_profile *p, uint32_t i)
{
    return gm_profile_str(p, p->types[i].type_id);
}

static const char *unit_name(const struct gm_profile *p, uint32_t i)
{
    return gm_profile_str(p, p->types[i].unit_id);
}

void gm_render_pprof_header(struct gm_out *o, const char *file, const struct gm_profile *p,
                            uint32_t index)
{
    char t[64];
    when(t, sizeof(t), p->time_nanos);
    gm_out_color(o, GM_C_BOLD);
    gm_out_printf(o, "%s", file);
    gm_out_color(o, GM_C_RESET);
    gm_out_printf(o, ": %s profile, %u samples, time %s", p->legacy ? "legacy heap" : "pprof",
                  p->samples_nr, t);
    if (p->duration_nanos) {
        char d[32];
        gm_pview_format(d, sizeof(d), p->duration_nanos, "nanoseconds");
        gm_out_printf(o, ", duration %s", d);
    }
    gm_out_printf(o, "\nType: %s (%s); sample types:", type_name(p, index), unit_name(p, index));
    for (uint32_t i = 0; i < p->types_nr; i++) {
        gm_out_printf(o, " %s%s", type_name(p, i), i == index ? "*" : "");
    }
    gm_out_puts(o, "\n");
}

void gm_render_pprof_top(struct gm_out *o, const struct gm_profile *p, uint32_t index,
                         const struct gm_ptop *t, uint32_t n, int diff_base)
{
    const char *unit = unit_name(p, index);
    char a[48], b[48], c[48], d[48], e[48];
    int64_t denom = diff_base ? t->base_total : t->total;
    uint32_t shown = n && n < t->nr ? n : t->nr;
    int64_t shown_flat = 0;
    for (uint32_t i = 0; i < shown; i++) {
        gm_sat_add(&shown_flat, t->rows[i].flat);
    }
    /* pprof prints the total of a difference without its sign (it sums the absolute values
     * of the merged samples; the net sum's magnitude is that whenever no stack's samples
     * cancel across the two profiles) */
    int64_t shown_total = diff_base ? t->base_total : t->total; /* -diff_base: the base's */
    gm_pview_format(a, sizeof(a),
                    shown_total == INT64_MIN ? INT64_MAX
                    : shown_total < 0        ? -shown_total
                                             : shown_total,
                    unit);
    gm_pview_format(b, sizeof(b), shown_flat, unit);
    pct(c, sizeof(c), shown_flat, denom);
    gm_out_printf(o, "Showing nodes accounting for %s, %s of %s total", b, c, a);
    if (t->samples_dropped) {
        gm_out_printf(o, "; %llu samples filtered out", (unsigned long long)t->samples_dropped);
    }
    gm_out_puts(o, "\n");
    if (t->dropped) {
        gm_pview_format(a, sizeof(a), t->cutoff, unit);
        gm_out_printf(o, "Dropped %u function%s (cum <= %s): --node-fraction 0 keeps them\n",
                      t->dropped, t->dropped == 1 ? "" : "s", a);
    }
    if (shown < t->nr) {
        gm_out_printf(o, "Showing top %u functions out of %u\n", shown, t->nr);
    }
    gm_out_color(o, GM_C_BOLD);
    gm_out_printf(o, "%10s %6s %6s %10s %6s\n", "flat", "flat%", "sum%", "cum", "cum%");
    gm_out_color(o, GM_C_RESET);
    int64_t sum = 0;
    for (uint32_t i = 0; i < shown; i++) {
        const struct gm_ptop_row *r = &t->rows[i];
        gm_sat_add(&sum, r->flat);
        gm_pview_format(a, sizeof(a), r->flat, unit);
        pct(b, sizeof(b), r->flat, denom);
        pct(c, sizeof(c), sum, denom);
        gm_pview_format(d, sizeof(d), r->cum, unit);
        pct(e, sizeof(e), r->cum, denom);
        gm_out_printf(o, "%10s %6s %6s %10s %6s  %s\n", a, b, c, d, e,
                      gm_strtab_cstr(&t->names, r->name_id));
    }
}

struct trace_ctx {
    struct gm_out *o;
    int first;
    const char *value;
};

static int trace_frame(void *ctx, const char *func, const struct gm_pprof_line *line,
                       const struct gm_pprof_location *loc)
{
    struct trace_ctx *c = ctx;
    (void)line;
    char addr[32];
    if (!func) {
        snprintf(addr, sizeof(addr), "%#llx", (unsigned long long)loc->address);
        func = addr;
    }
    gm_out_printf(c->o, "%11s   %s\n", c->first ? c->value : "", func);
    c->first = 0;
    return 0;
}

void gm_render_pprof_traces(struct gm_out *o, const struct gm_profile *p, uint32_t index,
                            const struct gm_pview_opts *opts)
{
    const char *unit = unit_name(p, index);
    const char *sep = "-----------+-------------------------------------------------------\n";
    for (uint32_t i = 0; i < p->samples_nr; i++) {
        if (!gm_pview_keep(p, i, opts)) {
            continue;
        }
        const struct gm_pprof_sample *s = &p->samples[i];
        gm_out_puts(o, sep);
        for (uint32_t l = 0; l < s->label_nr; l++) {
            const struct gm_pprof_label *lb = &p->labels[s->label_off + l];
            if (lb->str_id) {
                gm_out_printf(o, "%10s:  %s\n", gm_profile_str(p, lb->key_id),
                              gm_profile_str(p, lb->str_id));
            } else {
                char v[48];
                gm_pview_format(v, sizeof(v), lb->num,
                                lb->num_unit_id ? gm_profile_str(p, lb->num_unit_id) : "");
                gm_out_printf(o, "%10s:  %s\n", gm_profile_str(p, lb->key_id), v);
            }
        }
        char v[48];
        gm_pview_format(v, sizeof(v), p->values[s->val_off + index], unit);
        struct trace_ctx c = {o, 1, v};
        gm_pview_frames(p, opts->drop, i, trace_frame, &c);
        if (c.first) {
            gm_out_printf(o, "%11s   (no frames)\n", v);
        }
    }
    gm_out_puts(o, sep);
}

void gm_render_pprof_raw(struct gm_out *o, const struct gm_profile *p)
{
    char t[64];
    gm_out_printf(o, "PeriodType: %s %s\nPeriod: %lld\n", gm_profile_str(p, p->period_type.type_id),
                  gm_profile_str(p, p->period_type.unit_id), (long long)p->period);
    if (p->time_nanos) {
        when(t, sizeof(t), p->time_nanos);
        gm_out_printf(o, "Time: %s\n", t);
    }
    if (p->duration_nanos) {
        gm_pview_format(t, sizeof(t), p->duration_nanos, "nanoseconds");
        gm_out_printf(o, "Duration: %s\n", t);
    }
    gm_out_puts(o, "Samples:\n");
    uint32_t dflt = gm_profile_default_index(p);
    for (uint32_t i = 0; i < p->types_nr; i++) {
        gm_out_printf(o, "%s%s/%s%s", i ? " " : "", type_name(p, i), unit_name(p, i),
                      p->default_type >= 0 && i == dflt ? "[dflt]" : "");
    }
    gm_out_puts(o, "\n");
    for (uint32_t i = 0; i < p->samples_nr; i++) {
        const struct gm_pprof_sample *s = &p->samples[i];
        for (uint32_t k = 0; k < p->types_nr; k++) {
            gm_out_printf(o, " %10lld", (long long)p->values[s->val_off + k]);
        }
        gm_out_puts(o, ":");
        for (uint32_t k = 0; k < s->loc_nr; k++) {
            gm_out_printf(o, " %llu", (unsigned long long)p->locations[p->locs[s->loc_off + k]].id);
        }
        gm_out_puts(o, " \n");
        for (uint32_t l = 0; l < s->label_nr; l++) {
            const struct gm_pprof_label *lb = &p->labels[s->label_off + l];
            if (lb->str_id) {
                gm_out_printf(o, "                %s:[%s]\n", gm_profile_str(p, lb->key_id),
                              gm_profile_str(p, lb->str_id));
            } else {
                gm_out_printf(o, "                %s:[%lld]\n", gm_profile_str(p, lb->key_id),
                              (long long)lb->num);
            }
        }
    }
    gm_out_puts(o, "Locations\n");
    for (uint32_t i = 0; i < p->locations_nr; i++) {
        const struct gm_pprof_location *loc = &p->locations[i];
        gm_out_printf(o, "%6llu: %#llx M=%llu", (unsigned long long)loc->id,
                      (unsigned long long)loc->address, (unsigned long long)loc->mapping_id);
        for (uint32_t l = 0; l < loc->line_nr; l++) {
            const struct gm_pprof_line *ln = &p->lines[loc->line_off + l];
            const char *file = ln->func < p->functions_nr
                                   ? gm_profile_str(p, p->functions[ln->func].filename_id)
                                   : "";
            gm_out_printf(o, "%s %s %s:%lld", l ? "\n             " : "",
                          gm_profile_func_name(p, ln), file, (long long)ln->line);
        }
        gm_out_puts(o, "\n");
    }
    gm_out_puts(o, "Mappings\n");
    for (uint32_t i = 0; i < p->mappings_nr; i++) {
        const struct gm_pprof_mapping *m = &p->mappings[i];
        gm_out_printf(o, "%llu: %#llx/%#llx/%#llx %s %s\n", (unsigned long long)m->id,
                      (unsigned long long)m->memory_start, (unsigned long long)m->memory_limit,
                      (unsigned long long)m->file_offset, gm_profile_str(p, m->filename_id),
                      gm_profile_str(p, m->build_id_id));
    }
}

struct fold_ctx {
    const char *names[512];
    uint32_t nr;
    char addr[512][20];
};

static int fold_frame(void *ctx, const char *func, const struct gm_pprof_line *line,
                      const struct gm_pprof_location *loc)
{
    struct fold_ctx *c = ctx;
    (void)line;
    if (c->nr == GM_ARRAY_NR(c->names)) {
        return 1;
    }
    if (!func) {
        snprintf(c->addr[c->nr], sizeof(c->addr[0]), "%#llx", (unsigned long long)loc->address);
        func = c->addr[c->nr];
    }
    c->names[c->nr++] = func;
    return 0;
}

void gm_render_pprof_folded(struct gm_out *o, const struct gm_profile *p, uint32_t index,
                            const struct gm_pview_opts *opts)
{
    static struct fold_ctx c;
    for (uint32_t i = 0; i < p->samples_nr; i++) {
        int64_t v = p->values[p->samples[i].val_off + index];
        if (v == 0 || !gm_pview_keep(p, i, opts)) {
            continue;
        }
        c.nr = 0;
        gm_pview_frames(p, opts->drop, i, fold_frame, &c);
        if (c.nr == 0) {
            continue; /* no frames: nothing a folded-stack tool can place */
        }
        for (uint32_t k = c.nr; k-- > 0;) {
            /* folded stacks use ';' between frames: a name must not contain it */
            for (const char *s = c.names[k]; *s; s++) {
                gm_out_write(o, *s == ';' ? ":" : s, 1);
            }
            if (k) {
                gm_out_write(o, ";", 1);
            }
        }
        gm_out_printf(o, " %lld\n", (long long)v);
    }
}

void gm_render_pprof_json(struct gm_out *o, const char *file, const struct gm_profile *p,
                          uint32_t index, const struct gm_ptop *t, uint32_t n)
{
    gm_out_puts(o, "{\"schema\":\"" GM_SCHEMA_PPROF "\",\"file\":");
    gm_out_json_cstr(o, file);
    gm_out_printf(o, ",\"legacy\":%s,\"samples\":%u,\"sample_types\":[",
                  p->legacy ? "true" : "false", p->samples_nr);
    for (uint32_t i = 0; i < p->types_nr; i++) {
        gm_out_puts(o, i ? ",{\"type\":" : "{\"type\":");
        gm_out_json_cstr(o, type_name(p, i));
        gm_out_puts(o, ",\"unit\":");
        gm_out_json_cstr(o, unit_name(p, i));
        gm_out_puts(o, "}");
    }
    gm_out_puts(o, "],\"totals\":[");
    for (uint32_t i = 0; i < p->types_nr; i++) {
        gm_out_printf(o, "%s%lld", i ? "," : "", (long long)gm_profile_total(p, i));
    }
    gm_out_printf(o, "],\"sample_index\":%u,\"period_type\":{\"type\":", index);
    gm_out_json_cstr(o, gm_profile_str(p, p->period_type.type_id));
    gm_out_puts(o, ",\"unit\":");
    gm_out_json_cstr(o, gm_profile_str(p, p->period_type.unit_id));
    gm_out_printf(o, "},\"period\":%lld,\"time_nanos\":%lld,\"duration_nanos\":%lld,",
                  (long long)p->period, (long long)p->time_nanos, (long long)p->duration_nanos);
    gm_out_printf(o, "\"total\":%lld,\"functions\":%u,\"top\":[", (long long)t->total, t->nr);
    uint32_t shown = n && n < t->nr ? n : t->nr;
    for (uint32_t i = 0; i < shown; i++) {
        gm_out_puts(o, i ? ",{\"function\":" : "{\"function\":");
        gm_out_json_cstr(o, gm_strtab_cstr(&t->names, t->rows[i].name_id));
        gm_out_printf(o, ",\"flat\":%lld,\"cum\":%lld}", (long long)t->rows[i].flat,
                      (long long)t->rows[i].cum);
    }
    gm_out_puts(o, "]}");
}
