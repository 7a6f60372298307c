/* Terminal table and JSON for `gomedic diff`. */
#include "gm/render_diff.h"
#include "gm/render_goroutines.h"

#include <stdio.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static void counts_str(char *buf, size_t cap, const uint64_t *c, uint32_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (uint32_t s = 0; s < n && len + 24 < cap; s++) {
        len += (size_t)snprintf(buf + len, cap - len, "%s%llu", s ? "->" : "",
                                (unsigned long long)c[s]);
    }
}

void gm_render_diff_table(struct gm_out *o, const struct gm_diff_report *r)
{
    const struct gm_leak_result *res = r->res;
    const struct gm_stacks *s = &r->set->stacks;
    char loc[600], cnt[256];
    for (uint32_t i = 0; i < res->snaps_nr; i++) {
        const struct gm_dump *d = &r->set->dumps[res->dumps[i]];
        gm_out_printf(o, "snapshot %u: %s: %llu goroutine%s", i + 1, r->files[i],
                      (unsigned long long)d->goroutines, d->goroutines == 1 ? "" : "s");
        if (res->timed) {
            gm_out_printf(o, ", t=+%llds", (long long)(res->times[i] - res->times[0]));
        }
        gm_out_puts(o, "\n");
    }
    if (!res->timed) {
        gm_out_puts(o, "note: no timestamps in the snapshots (use --interval SECONDS): growth "
                       "is per snapshot\n");
    }
    const char *unit = res->timed ? "/min" : "/snap";
    gm_out_puts(o, "\n");
    uint32_t possible = 0;
    for (uint32_t i = 0; i < res->rows_nr; i++) {
        possible += res->rows[i].possible;
    }
    if (res->leaks_nr == 0 && !possible) {
        gm_out_puts(o, "no leak: no blocked goroutine group grew from the first to the last "
                       "snapshot without ever shrinking\n");
    } else {
        if (res->leaks_nr == 0) {
            gm_out_printf(o,
                          "no leak proven: %u group%s grew, without the evidence of a leak "
                          "(below)\n\n",
                          possible, possible == 1 ? "" : "s");
        }
        gm_out_color(o, GM_C_BOLD);
        gm_out_printf(o, "%-9s %-26s %-16s %11s %5s %10s %s\n", "SEVERITY", "FINDING", "COUNTS",
                      "GROWTH", "SCORE", "PERSISTENT", "WHERE");
        gm_out_color(o, GM_C_RESET);
    }
    for (uint32_t i = 0; i < res->rows_nr; i++) {
        const struct gm_leak_row *row = &res->rows[i];
        if (!row->leak && !row->possible && !r->show_all) {
            continue;
        }
        if (row->possible && (i == 0 || !res->rows[i - 1].possible) && res->leaks_nr) {
            gm_out_puts(o, "\n");
        }
        if (row->possible && (i == 0 || !res->rows[i - 1].possible)) {
            gm_out_puts(o, "grew, without the evidence of a leak (no goroutine alive in every "
                           "snapshot, growth in fewer than 3 snapshots): below the --fail-on gate; "
                           "take another snapshot\n");
        }
        if (!row->leak && !row->possible &&
            (i == 0 || res->rows[i - 1].leak || res->rows[i - 1].possible)) {
            gm_out_puts(o, "\nnot growing:\n");
        }
        counts_str(cnt, sizeof(cnt), row->counts, res->snaps_nr);
        char growth[32];
        snprintf(growth, sizeof(growth), "%+.1f%s", row->growth, unit);
        gm_out_color(o, row->leak ? (row->severity >= GM_SEV_HIGH ? GM_C_RED : GM_C_YELLOW)
                                  : GM_C_DIM);
        gm_out_printf(o, "%-9s", row->leak ? gm_severity_name(row->severity) : "-");
        gm_out_color(o, GM_C_RESET);
        gm_out_printf(o, " %-26s %-16s %11s %5.2f %10llu ", row->kind ? row->kind->id : "-", cnt,
                      growth, row->score, (unsigned long long)row->persistent);
        gm_out_color(o, GM_C_BOLD);
        gm_out_printf(o, "%s",
                      row->user_frame == GM_NO_FRAME ? "-" : gm_stacks_func(s, row->user_frame));
        gm_out_color(o, GM_C_RESET);
        gm_out_printf(o, " %s", gm_render_location(s, r->paths, row->user_frame, loc, sizeof(loc)));
        gm_out_printf(o, " [%s]%s%s\n", gm_strtab_cstr(&s->strs, row->state_id),
                      row->is_new ? " new" : "", row->ignored ? " ignored" : "");
        if (row->leak && row->persistent_ids_nr) {
            gm_out_printf(o, "%-44s alive and blocked in every snapshot: goroutine", "");
            for (uint32_t k = 0; k < row->persistent_ids_nr; k++) {
                gm_out_printf(o, "%s%llu", k ? "," : " ",
                              (unsigned long long)row->persistent_ids[k]);
            }
            gm_out_puts(o, row->persistent > row->persistent_ids_nr ? ",...\n" : "\n");
        }
        if (row->leak) {
            gm_render_srcnote_text(o, r->paths, row->note);
        }
        if (row->leak && row->kind) {
            gm_out_printf(o, "%-44s fix: %s\n", "", row->kind->fix);
        }
    }
}

void gm_render_diff_json(struct gm_out *o, const struct gm_diff_report *r)
{
    const struct gm_leak_result *res = r->res;
    const struct gm_stacks *s = &r->set->stacks;
    char loc[600];
    gm_out_printf(o, "{\"schema\":\"" GM_SCHEMA_DIFF "\",\"timed\":%s,\"snapshots\":[",
                  res->timed ? "true" : "false");
    for (uint32_t i = 0; i < res->snaps_nr; i++) {
        const struct gm_dump *d = &r->set->dumps[res->dumps[i]];
        gm_out_puts(o, i ? ",{\"file\":" : "{\"file\":");
        gm_out_json_cstr(o, r->files[i]);
        gm_out_printf(o, ",\"goroutines\":%llu,\"time\":", (unsigned long long)d->goroutines);
        if (res->timed && !res->times_from_interval) {
            gm_out_printf(o, "%lld", (long long)res->times[i]);
        } else {
            gm_out_puts(o, "null");
        }
        if (res->timed) {
            gm_out_printf(o, ",\"offset_s\":%lld}", (long long)(res->times[i] - res->times[0]));
        } else {
            gm_out_puts(o, ",\"offset_s\":null}");
        }
    }
    gm_out_puts(o, "],\"leaks\":[");
    int first = 1;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            gm_out_puts(o, "],\"buckets\":[");
            first = 1;
        }
        for (uint32_t i = 0; i < res->rows_nr; i++) {
            const struct gm_leak_row *row = &res->rows[i];
            if (pass == 0 && !row->leak) {
                continue;
            }
            gm_out_puts(o, first ? "{" : ",{");
            first = 0;
            gm_out_printf(o,
                          "\"id\":\"%s\",\"severity\":\"%s\",\"leak\":%s,\"possible\":%s,"
                          "\"function\":",
                          row->kind ? row->kind->id : "unclassified",
                          gm_severity_name(row->severity), row->leak ? "true" : "false",
                          row->possible ? "true" : "false");
            gm_out_json_cstr(
                o, row->user_frame == GM_NO_FRAME ? "-" : gm_stacks_func(s, row->user_frame));
            gm_out_puts(o, ",\"location\":");
            gm_out_json_cstr(o, gm_render_location(s, r->paths, row->user_frame, loc, sizeof(loc)));
            gm_out_puts(o, ",\"state\":");
            gm_out_json_cstr(o, gm_strtab_cstr(&s->strs, row->state_id));
            gm_out_puts(o, ",\"counts\":[");
            for (uint32_t k = 0; k < res->snaps_nr; k++) {
                gm_out_printf(o, "%s%llu", k ? "," : "", (unsigned long long)row->counts[k]);
            }
            gm_out_printf(o, "],\"growth\":%.3f,\"growth_unit\":\"%s\",\"score\":%.3f,",
                          row->growth, res->timed ? "per_minute" : "per_snapshot", row->score);
            gm_out_printf(o, "\"persistent\":%llu,\"persistent_ids\":[",
                          (unsigned long long)row->persistent);
            for (uint32_t k = 0; k < row->persistent_ids_nr; k++) {
                gm_out_printf(o, "%s%llu", k ? "," : "",
                              (unsigned long long)row->persistent_ids[k]);
            }
            gm_out_printf(o, "],\"new\":%s,\"ignored\":%s", row->is_new ? "true" : "false",
                          row->ignored ? "true" : "false");
            gm_render_srcnote_json(o, r->paths, row->note);
            gm_out_puts(o, "}");
        }
    }
    gm_out_puts(o, "]}");
}
