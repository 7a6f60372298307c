/* Terminal report and JSON for `gomedic race`. */
#include "gm/render_race.h"

#include <stdio.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static const char *kind_name(const struct gm_race_access *a)
{
    if (a->atomic) {
        return a->kind == GM_RACE_WRITE ? "atomic write" : "atomic read";
    }
    return a->kind == GM_RACE_WRITE ? "write" : "read";
}

static void who(char *buf, size_t cap, const struct gm_race_access *a)
{
    if (a->main) {
        snprintf(buf, cap, "main goroutine");
    } else {
        snprintf(buf, cap, "goroutine %llu%s", (unsigned long long)a->goroutine,
                 a->finished ? " (finished)" : "");
    }
}

static void print_stack(struct gm_out *o, const struct gm_stacks *s, const struct gm_paths *paths,
                        uint32_t stack_id, const char *indent, int max)
{
    if (stack_id == UINT32_MAX) {
        gm_out_printf(o, "%s(no stack)\n", indent);
        return;
    }
    const struct gm_stack *st = gm_stacks_get(s, stack_id);
    const uint32_t *ids = gm_stack_frames(s, st);
    char loc[600];
    uint32_t shown = max > 0 && st->nr > (uint32_t)max ? (uint32_t)max : st->nr;
    for (uint32_t k = 0; k < shown; k++) {
        const struct gm_frame *f = gm_stacks_get_frame(s, ids[k]);
        gm_out_color(o, (f->flags & GM_FRAME_USER) ? GM_C_BOLD : GM_C_DIM);
        gm_out_printf(o, "%s%-46s %s", indent, gm_stacks_func(s, ids[k]),
                      gm_render_location(s, paths, ids[k], loc, sizeof(loc)));
        gm_out_color(o, GM_C_RESET);
        gm_out_puts(o, "\n");
    }
    if (shown < st->nr) {
        gm_out_printf(o, "%s... %u more frames\n", indent, st->nr - shown);
    }
}

/* "global", "heap", or "unknown" when the report printed no address (Go 1.1-1.5). */
static const char *address_kind(const struct gm_race_group *g)
{
    return g->first.acc[0].addr == 0 && g->first.acc[1].addr == 0 ? "unknown"
           : g->global                                            ? "global"
                                                                  : "heap";
}

void gm_render_race_table(struct gm_out *o, const char *file, const struct gm_race_result *r,
                          const struct gm_paths *paths, int max_frames, int baseline)
{
    const struct gm_stacks *s = &r->stacks;
    gm_out_color(o, GM_C_BOLD);
    gm_out_printf(o, "%s", file);
    gm_out_color(o, GM_C_RESET);
    gm_out_printf(o, ": %llu lines, %llu race report%s, %u distinct race%s",
                  (unsigned long long)r->stats.lines, (unsigned long long)r->stats.reports,
                  r->stats.reports == 1 ? "" : "s", r->groups_nr, r->groups_nr == 1 ? "" : "s");
    if (r->stats.found_total) {
        gm_out_printf(o, " (the runtime counted %llu)", (unsigned long long)r->stats.found_total);
    }
    if (baseline) {
        uint32_t fresh = 0;
        for (uint32_t i = 0; i < r->groups_nr; i++) {
            fresh += (uint32_t)r->groups[i].is_new;
        }
        gm_out_printf(o, ", %u not in the baseline", fresh);
    }
    gm_out_puts(o, "\n");
    if (r->stats.truncated) {
        gm_out_puts(o, "note: the log ends inside a report (truncated)\n");
    }
    char loc[600], w[64];
    for (uint32_t i = 0; i < r->groups_nr; i++) {
        const struct gm_race_group *g = &r->groups[i];
        gm_out_puts(o, "\n");
        gm_out_color(o, GM_C_RED);
        gm_out_printf(o, "race %s", g->id);
        gm_out_color(o, GM_C_RESET);
        gm_out_printf(o, "  %llu report%s", (unsigned long long)g->count, g->count == 1 ? "" : "s");
        if (baseline) {
            gm_out_puts(o, g->is_new ? "  NEW" : "  (in baseline)");
        }
        if (g->tests_nr) {
            gm_out_puts(o, "  tests:");
            for (uint32_t k = 0; k < g->tests_nr; k++) {
                gm_out_printf(o, " %s", gm_strtab_cstr(&s->strs, g->tests[k]));
            }
        }
        gm_out_printf(o, "  %s\n",
                      address_kind(g)[0] == 'u' ? "address not printed (Go 1.5 or older)"
                      : g->global               ? "global address"
                                                : "heap address");
        for (int a = 0; a < 2; a++) {
            const struct gm_race_access *acc = &g->first.acc[a];
            who(w, sizeof(w), acc);
            uint32_t uf = g->user[a] != GM_NO_FRAME ? g->user[a] : g->acc_loc[a];
            gm_out_printf(o, "  %-13s %-40s %s  by %s\n", kind_name(acc),
                          uf == GM_NO_FRAME ? "?" : gm_stacks_func(s, uf),
                          gm_render_location(s, paths, uf, loc, sizeof(loc)), w);
        }
        if (g->hint) {
            gm_out_printf(o, "  hint: %s\n", g->hint);
        }
        for (int a = 0; a < 2; a++) {
            const struct gm_race_access *acc = &g->first.acc[a];
            who(w, sizeof(w), acc);
            gm_out_printf(o, "  %s %s:\n", a ? "previous" : "access", kind_name(acc));
            print_stack(o, s, paths, acc->stack_id, "      ", max_frames);
            if (acc->creator != UINT32_MAX) {
                gm_out_printf(o, "    %s created at:\n", w);
                print_stack(o, s, paths, acc->creator, "      ", max_frames);
            }
        }
    }
    if (r->groups_nr == 0) {
        gm_out_puts(o, "\nno data races\n");
    }
}

static void json_stack(struct gm_out *o, const struct gm_stacks *s, const struct gm_paths *paths,
                       uint32_t stack_id)
{
    gm_out_puts(o, "[");
    if (stack_id != UINT32_MAX) {
        const struct gm_stack *st = gm_stacks_get(s, stack_id);
        const uint32_t *ids = gm_stack_frames(s, st);
        for (uint32_t k = 0; k < st->nr; k++) {
            const struct gm_frame *f = gm_stacks_get_frame(s, ids[k]);
            gm_out_puts(o, k ? ",{\"function\":" : "{\"function\":");
            gm_out_json_cstr(o, gm_stacks_func(s, ids[k]));
            gm_out_puts(o, ",\"file\":");
            gm_out_json_cstr(o,
                             gm_paths_show(paths, gm_strtab_cstr(&s->strs, f->file_id), f->flags));
            gm_out_printf(o, ",\"line\":%u,\"user\":%s}", f->line,
                          (f->flags & GM_FRAME_USER) ? "true" : "false");
        }
    }
    gm_out_puts(o, "]");
}

void gm_render_race_json(struct gm_out *o, const char *file, const struct gm_race_result *r,
                         const struct gm_paths *paths)
{
    const struct gm_stacks *s = &r->stacks;
    char loc[600];
    gm_out_puts(o, "{\"schema\":\"" GM_SCHEMA_RACE "\",\"file\":");
    gm_out_json_cstr(o, file);
    gm_out_printf(o,
                  ",\"lines\":%llu,\"reports\":%llu,\"found_total\":%llu,\"skipped_lines\":%llu,"
                  "\"truncated\":%s,\"findings\":[",
                  (unsigned long long)r->stats.lines, (unsigned long long)r->stats.reports,
                  (unsigned long long)r->stats.found_total,
                  (unsigned long long)r->stats.skipped_lines,
                  r->stats.truncated ? "true" : "false");
    for (uint32_t i = 0; i < r->groups_nr; i++) {
        const struct gm_race_group *g = &r->groups[i];
        gm_out_printf(o, "%s{\"id\":\"%s\",\"kind\":\"data-race\",\"count\":%llu,\"new\":%s,",
                      i ? "," : "", g->id, (unsigned long long)g->count,
                      g->is_new ? "true" : "false");
        gm_out_puts(o, "\"functions\":[");
        for (int a = 0; a < 2; a++) {
            uint32_t uf = g->user[a] != GM_NO_FRAME ? g->user[a] : g->acc_loc[a];
            if (a) {
                gm_out_puts(o, ",");
            }
            gm_out_json_cstr(o, uf == GM_NO_FRAME ? "?" : gm_stacks_func(s, uf));
        }
        gm_out_puts(o, "],\"locations\":[");
        for (int a = 0; a < 2; a++) {
            uint32_t uf = g->user[a] != GM_NO_FRAME ? g->user[a] : g->acc_loc[a];
            if (a) {
                gm_out_puts(o, ",");
            }
            gm_out_json_cstr(o, gm_render_location(s, paths, uf, loc, sizeof(loc)));
        }
        gm_out_puts(o, "],\"tests\":[");
        for (uint32_t k = 0; k < g->tests_nr; k++) {
            if (k) {
                gm_out_puts(o, ",");
            }
            gm_out_json_cstr(o, gm_strtab_cstr(&s->strs, g->tests[k]));
        }
        gm_out_printf(o, "],\"address\":\"%s\",\"hint\":", address_kind(g));
        if (g->hint) {
            gm_out_json_cstr(o, g->hint);
        } else {
            gm_out_puts(o, "null");
        }
        gm_out_puts(o, ",\"accesses\":[");
        for (int a = 0; a < 2; a++) {
            const struct gm_race_access *acc = &g->first.acc[a];
            gm_out_printf(o, "%s{\"kind\":\"%s\",\"goroutine\":", a ? "," : "", kind_name(acc));
            if (acc->main) {
                gm_out_puts(o, "\"main\"");
            } else {
                gm_out_printf(o, "%llu", (unsigned long long)acc->goroutine);
            }
            gm_out_printf(o, ",\"finished\":%s,\"stack\":", acc->finished ? "true" : "false");
            json_stack(o, s, paths, acc->stack_id);
            gm_out_puts(o, ",\"created_at\":");
            json_stack(o, s, paths, acc->creator);
            gm_out_puts(o, "}");
        }
        gm_out_puts(o, "]}");
    }
    gm_out_puts(o, "]}");
}
