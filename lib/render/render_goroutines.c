/* Terminal table and JSON for `gomedic goroutines`. */
#include "gm/render_goroutines.h"
#include "gm/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static void age(char *buf, size_t cap, uint32_t lo, uint32_t hi)
{
    if (hi == 0) {
        snprintf(buf, cap, "-");
    } else if (lo == hi) {
        snprintf(buf, cap, "%um", hi);
    } else {
        snprintf(buf, cap, "%u-%um", lo, hi);
    }
}

static enum gm_color sev_color(enum gm_severity s)
{
    switch (s) {
    case GM_SEV_CRITICAL:
    case GM_SEV_HIGH:
        return GM_C_RED;
    case GM_SEV_MEDIUM:
        return GM_C_YELLOW;
    case GM_SEV_LOW:
        return GM_C_CYAN;
    default:
        return GM_C_DIM;
    }
}

static const char *func_name(const struct gm_stacks *s, uint32_t frame_id)
{
    return frame_id == GM_NO_FRAME ? "-" : gm_stacks_func(s, frame_id);
}

/* Frame lines are formatted once per frame and reused by every bucket that shows the frame:
 * an exact-mode listing of 10^5 goroutines prints millions of frame lines from a few hundred
 * distinct frames. */
struct frame_lines {
    char **line; /* by frame id; NULL until first used */
    size_t *len;
    uint32_t nr;
};

static const char *frame_line(struct frame_lines *fl, const struct gm_stacks *s,
                              const struct gm_paths *paths, uint32_t fid, size_t *len)
{
    if (fl->line && fid < fl->nr && fl->line[fid]) {
        *len = fl->len[fid];
        return fl->line[fid];
    }
    char loc[600], buf[1200];
    int n = snprintf(buf, sizeof(buf), "%-48s %s", gm_stacks_func(s, fid),
                     gm_render_location(s, paths, fid, loc, sizeof(loc)));
    size_t l = n < 0 ? 0 : (size_t)n >= sizeof(buf) ? sizeof(buf) - 1 : (size_t)n;
    if (fl->line && fid < fl->nr) {
        fl->line[fid] = gm_xmalloc(l + 1);
        if (fl->line[fid]) {
            memcpy(fl->line[fid], buf, l + 1);
            fl->len[fid] = l;
            *len = l;
            return fl->line[fid];
        }
    }
    /* no cache (out of memory): format into a static buffer */
    static char fallback[1200];
    memcpy(fallback, buf, l + 1);
    *len = l;
    return fallback;
}

static void print_frames(struct gm_out *o, const struct gm_gdump_set *set,
                         const struct gm_paths *paths, struct frame_lines *fl, uint32_t stack_id,
                         int max_frames)
{
    const struct gm_stacks *s = &set->stacks;
    const struct gm_stack *st = gm_stacks_get(s, stack_id);
    const uint32_t *ids = gm_stack_frames(s, st);
    uint32_t shown = st->nr;
    if (max_frames > 0 && shown > (uint32_t)max_frames) {
        shown = (uint32_t)max_frames;
    }
    for (uint32_t k = 0; k < shown; k++) {
        const struct gm_frame *f = gm_stacks_get_frame(s, ids[k]);
        size_t len;
        const char *line = frame_line(fl, s, paths, ids[k], &len);
        gm_out_write(o, "    ", 4);
        gm_out_color(o, (f->flags & GM_FRAME_USER) ? GM_C_BOLD : GM_C_DIM);
        gm_out_write(o, line, len);
        gm_out_color(o, GM_C_RESET);
        gm_out_write(o, "\n", 1);
    }
    if (shown < st->nr) {
        gm_out_printf(o, "    ... %u more frames\n", st->nr - shown);
    }
}

/* The heading: file, dump, goroutine count, kind of dump and what it cannot show. */
static void print_heading(struct gm_out *o, const struct gm_goroutines_report *r)
{
    const struct gm_gdump_set *set = r->set;
    const struct gm_stacks *s = &set->stacks;
    const struct gm_dump *d = &set->dumps[r->dump];

    gm_out_color(o, GM_C_BOLD);
    gm_out_printf(o, "%s", r->file);
    gm_out_color(o, GM_C_RESET);
    if (r->dumps_in_file > 1) {
        gm_out_printf(o, " (dump %u of %u)", r->dump_no, r->dumps_in_file);
    }
    gm_out_printf(o, ": %llu goroutine%s, %s", (unsigned long long)d->goroutines,
                  d->goroutines == 1 ? "" : "s",
                  d->from_profile                 ? "goroutine profile (pprof, debug=0)"
                  : d->kind == GM_DUMP_AGGREGATED ? "aggregated (debug=1) dump"
                                                  : "full dump");
    if (d->truncated) {
        gm_out_puts(o, ", truncated");
    }
    if (d->dress) {
        gm_out_printf(o, " (read through %s)", d->dress);
    }
    gm_out_puts(o, "\n");
    if (d->preamble_id) {
        gm_out_printf(o, "%s\n", gm_strtab_cstr(&s->strs, d->preamble_id));
    }
    if (d->from_profile) {
        gm_out_puts(o, "note: goroutine profiles carry no wait states, ages or goroutine ids; "
                       "states are inferred from the innermost frames\n");
    } else if (d->kind == GM_DUMP_AGGREGATED) {
        gm_out_puts(o, "note: debug=1 dumps carry no wait states or ages; states are inferred "
                       "from the library frames and the blocking line's source, when it is here\n");
    }
}

/* The findings table (at or above the minimum severity) and a count of those below it. */
static void print_findings(struct gm_out *o, const struct gm_goroutines_report *r)
{
    const struct gm_stacks *s = &r->set->stacks;
    char loc[600], agebuf[32];
    uint32_t shown = 0, below = 0;
    uint64_t below_g = 0;
    for (uint32_t i = 0; i < r->findings->nr; i++) {
        const struct gm_finding *f = &r->findings->v[i];
        if (f->severity < r->min_severity) {
            below++;
            below_g += f->count;
            continue;
        }
        if (shown++ == 0) {
            gm_out_puts(o, "\n");
            gm_out_color(o, GM_C_BOLD);
            gm_out_printf(o, "%-9s %-26s %6s %-7s %s\n", "SEVERITY", "FINDING", "COUNT", "AGE",
                          "WHERE");
            gm_out_color(o, GM_C_RESET);
        }
        age(agebuf, sizeof(agebuf), f->min_minutes, f->max_minutes);
        gm_out_color(o, sev_color(f->severity));
        gm_out_printf(o, "%-9s", gm_severity_name(f->severity));
        gm_out_color(o, GM_C_RESET);
        gm_out_printf(o, " %-26s %6llu %-7s ", f->kind->id, (unsigned long long)f->count, agebuf);
        gm_out_color(o, GM_C_BOLD);
        gm_out_printf(o, "%s", func_name(s, f->user_frame));
        gm_out_color(o, GM_C_RESET);
        gm_out_printf(o, " %s\n", gm_render_location(s, r->paths, f->user_frame, loc, sizeof(loc)));
        gm_out_printf(o, "%-44s %s%s\n", "", f->proven ? "proven leak: " : "", f->why);
        if (f->culprit != GM_NO_FRAME) {
            const char *cl = gm_render_location(s, r->paths, f->culprit, loc, sizeof(loc));
            gm_out_printf(o, "%-44s culprit: %s%s%s ", "", func_name(s, f->culprit),
                          strcmp(cl, "-") ? " " : "", strcmp(cl, "-") ? cl : "");
            if (f->culprit_of != GM_NO_FRAME) {
                gm_out_printf(o,
                              "(called %s, which created them, with a replaced request: "
                              "the context they wait on is the one it made)\n",
                              func_name(s, f->culprit_of));
            } else {
                gm_out_puts(o, "(created them)\n");
            }
        }
        gm_render_srcnote_text(o, r->paths, &f->source);
        gm_out_printf(o, "%-44s fix: %s\n", "", gm_finding_fix(f));
    }
    if (shown == 0) {
        gm_out_printf(o, "\nno findings at or above %s\n", gm_severity_name(r->min_severity));
    }
    if (below) {
        gm_out_printf(
            o, "(%u more finding%s below %s, %llu goroutine%s: --min-severity info lists them)\n",
            below, below == 1 ? "" : "s", gm_severity_name(r->min_severity),
            (unsigned long long)below_g, below_g == 1 ? "" : "s");
    }
}

/* One bucket: count, state, age, flags, goroutine ids, labels, frames and creator. */
static void print_bucket(struct gm_out *o, const struct gm_goroutines_report *r,
                         struct frame_lines *fl, const struct gm_bucket *b)
{
    const struct gm_stacks *s = &r->set->stacks;
    const struct gm_stack *st = gm_stacks_get(s, b->stack_id);
    const char *state = gm_strtab_cstr(&s->strs, b->state_id);
    char agebuf[32];
    gm_out_puts(o, "\n");
    gm_out_color(o, GM_C_BOLD);
    gm_out_printf(o, "%llu", (unsigned long long)b->count);
    gm_out_color(o, GM_C_RESET);
    gm_out_printf(o, ": %s", *state ? state : "(no state)");
    if (b->max_minutes) {
        age(agebuf, sizeof(agebuf), b->min_minutes, b->max_minutes);
        gm_out_printf(o, " [%s]", agebuf);
    }
    if (b->flags & GM_G_LEAKED) {
        gm_out_puts(o, " (leaked)");
    }
    if (b->flags & GM_G_LOCKED) {
        gm_out_puts(o, " [locked to thread]");
    }
    if (b->ids_nr) {
        gm_out_puts(o, b->records == 1 ? "  (goroutine" : "  (goroutines");
        for (uint32_t k = 0; k < b->ids_nr; k++) {
            gm_out_printf(o, "%s%llu", k ? "," : " ", (unsigned long long)b->ids[k]);
        }
        gm_out_puts(o, b->records > b->ids_nr ? ",...)" : ")");
    }
    gm_out_puts(o, "\n");
    if (b->labels_id) {
        gm_out_printf(o, "    labels: %s\n", gm_strtab_cstr(&s->strs, b->labels_id));
    }
    print_frames(o, r->set, r->paths, fl, b->stack_id, r->max_frames);
    if (b->flags & GM_G_ELIDED) {
        gm_out_puts(o, "    ...frames elided by the runtime...\n");
    }
    if (st->created_by != GM_NO_FRAME) {
        gm_out_printf(o, "    created by %s\n", gm_stacks_func(s, st->created_by));
    }
}

/* The buckets: a count, the first --max-buckets of them, and a count of the rest. */
static void print_buckets(struct gm_out *o, const struct gm_goroutines_report *r)
{
    const struct gm_stacks *s = &r->set->stacks;
    struct frame_lines fl;
    fl.nr = s->frames_nr;
    fl.line = gm_xcalloc(fl.nr ? fl.nr : 1, sizeof(*fl.line));
    fl.len = gm_xcalloc(fl.nr ? fl.nr : 1, sizeof(*fl.len));
    if (!fl.line || !fl.len) {
        free(fl.line);
        free(fl.len);
        fl.line = NULL;
        fl.len = NULL;
    }
    gm_out_printf(o, "\n");
    gm_out_color(o, GM_C_BOLD);
    uint32_t total = r->buckets->total;
    gm_out_printf(o, "%u bucket%s", total, total == 1 ? "" : "s");
    gm_out_color(o, GM_C_RESET);
    if (r->analysis_buckets && total >= 2 * r->analysis_buckets) {
        gm_out_printf(o, " (%u when argument values are ignored: the default)",
                      r->analysis_buckets);
    } else if (r->exact_buckets > total) {
        gm_out_printf(o, " (argument values ignored: %u exact groups merged, --exact lists them)",
                      r->exact_buckets);
    }
    gm_out_puts(o, "\n");
    uint32_t listed = r->buckets->nr;
    if (r->max_buckets && listed > r->max_buckets) {
        listed = r->max_buckets;
    }
    for (uint32_t i = 0; i < listed; i++) {
        print_bucket(o, r, &fl, &r->buckets->v[i]);
    }
    if (listed < total) {
        uint64_t rest = r->buckets->rest;
        for (uint32_t i = listed; i < r->buckets->nr; i++) {
            rest += r->buckets->v[i].count;
        }
        uint32_t more = total - listed;
        gm_out_printf(o, "\n(%u more bucket%s, %llu goroutine%s: --max-buckets 0 lists them all)\n",
                      more, more == 1 ? "" : "s", (unsigned long long)rest, rest == 1 ? "" : "s");
    }
    for (uint32_t i = 0; fl.line && i < fl.nr; i++) {
        free(fl.line[i]);
    }
    free(fl.line);
    free(fl.len);
}

void gm_render_goroutines_table(struct gm_out *o, const struct gm_goroutines_report *r)
{
    print_heading(o, r);
    print_findings(o, r);
    if (r->no_buckets) {
        return;
    }
    print_buckets(o, r);
}

static void json_frame(struct gm_out *o, const struct gm_stacks *s, const struct gm_paths *paths,
                       uint32_t fid)
{
    const struct gm_frame *f = gm_stacks_get_frame(s, fid);
    gm_out_puts(o, "{\"function\":");
    gm_out_json_cstr(o, gm_stacks_func(s, fid));
    gm_out_puts(o, ",\"file\":");
    gm_out_json_cstr(o, gm_paths_show(paths, gm_strtab_cstr(&s->strs, f->file_id), f->flags));
    gm_out_printf(o, ",\"line\":%u,\"user\":%s}", f->line,
                  (f->flags & GM_FRAME_USER) ? "true" : "false");
}

/* A stack's frames as a JSON array, innermost first. */
static void json_frames(struct gm_out *o, const struct gm_stacks *s, const struct gm_paths *paths,
                        const struct gm_stack *st)
{
    const uint32_t *ids = gm_stack_frames(s, st);
    gm_out_puts(o, "[");
    for (uint32_t k = 0; k < st->nr; k++) {
        if (k) {
            gm_out_puts(o, ",");
        }
        json_frame(o, s, paths, ids[k]);
    }
    gm_out_puts(o, "]");
}

static void json_ids(struct gm_out *o, const uint64_t *ids, uint32_t nr)
{
    gm_out_puts(o, "[");
    for (uint32_t k = 0; k < nr; k++) {
        gm_out_printf(o, "%s%llu", k ? "," : "", (unsigned long long)ids[k]);
    }
    gm_out_puts(o, "]");
}

/* ,"crash":{kind, message, detail, goroutine, function, location, recovered_in, test} or
 * null (gm/crash.h). */
static void json_crash(struct gm_out *o, const struct gm_goroutines_report *r,
                       const struct gm_crash *c)
{
    const struct gm_stacks *s = &r->set->stacks;
    char loc[600];
    if (c->kind == GM_CRASH_NONE) {
        gm_out_puts(o, ",\"crash\":null");
        return;
    }
    gm_out_printf(o, ",\"crash\":{\"kind\":\"%s\",\"message\":", c->id);
    gm_out_json_cstr(o, c->message);
    gm_out_puts(o, ",\"detail\":");
    if (c->detail) {
        gm_out_json_cstr(o, c->detail);
    } else {
        gm_out_puts(o, "null");
    }
    if (c->goroutine) {
        gm_out_printf(o, ",\"goroutine\":%llu", (unsigned long long)c->goroutine);
    } else {
        gm_out_puts(o, ",\"goroutine\":null");
    }
    gm_out_puts(o, ",\"function\":");
    const char *cl = gm_render_location(s, r->paths, c->frame, loc, sizeof(loc));
    if (c->frame != GM_NO_FRAME) {
        gm_out_json_cstr(o, func_name(s, c->frame));
        gm_out_puts(o, ",\"location\":");
        if (strcmp(cl, "-") != 0) {
            gm_out_json_cstr(o, cl);
        } else {
            gm_out_puts(o, "null");
        }
    } else {
        gm_out_puts(o, "null,\"location\":null");
    }
    gm_out_printf(o, ",\"recovered\":%s,\"recovered_in\":", c->recovered ? "true" : "false");
    if (c->recovered_in != GM_NO_FRAME) {
        gm_out_json_cstr(o, func_name(s, c->recovered_in));
    } else {
        gm_out_puts(o, "null");
    }
    gm_out_puts(o, ",\"test\":");
    if (c->test[0]) {
        gm_out_json_cstr(o, c->test);
    } else {
        gm_out_puts(o, "null");
    }
    gm_out_puts(o, "}");
}

void gm_render_goroutines_json(struct gm_out *o, const struct gm_goroutines_report *r)
{
    const struct gm_gdump_set *set = r->set;
    const struct gm_stacks *s = &set->stacks;
    const struct gm_dump *d = &set->dumps[r->dump];
    char loc[600];
    gm_out_puts(o, "{\"schema\":\"" GM_SCHEMA_GOROUTINES "\",\"file\":");
    gm_out_json_cstr(o, r->file);
    gm_out_printf(o, ",\"dump\":%u,\"dumps\":%u,\"kind\":\"%s\",\"goroutines\":%llu,", r->dump_no,
                  r->dumps_in_file,
                  d->from_profile                 ? "profile"
                  : d->kind == GM_DUMP_AGGREGATED ? "aggregated"
                                                  : "full",
                  (unsigned long long)d->goroutines);
    gm_out_printf(o, "\"truncated\":%s,\"preamble\":", d->truncated ? "true" : "false");
    if (d->preamble_id) {
        gm_out_json_cstr(o, gm_strtab_cstr(&s->strs, d->preamble_id));
    } else {
        gm_out_puts(o, "null");
    }
    if (d->time >= 0) {
        gm_out_printf(o, ",\"time\":%lld", (long long)d->time);
    } else {
        gm_out_puts(o, ",\"time\":null");
    }
    json_crash(o, r, &r->findings->crash);
    gm_out_puts(o, ",\"findings\":[");
    for (uint32_t i = 0; i < r->findings->nr; i++) {
        const struct gm_finding *f = &r->findings->v[i];
        gm_out_puts(o, i ? ",{" : "{");
        gm_out_printf(o, "\"id\":\"%s\",\"severity\":\"%s\",\"count\":%llu,", f->kind->id,
                      gm_severity_name(f->severity), (unsigned long long)f->count);
        gm_out_puts(o, "\"function\":");
        gm_out_json_cstr(o, func_name(s, f->user_frame));
        gm_out_puts(o, ",\"location\":");
        gm_out_json_cstr(o, gm_render_location(s, r->paths, f->user_frame, loc, sizeof(loc)));
        gm_out_puts(o, ",\"state\":");
        gm_out_json_cstr(o, gm_strtab_cstr(&s->strs, f->state_id));
        gm_out_printf(o, ",\"min_minutes\":%u,\"max_minutes\":%u,\"proven\":%s,", f->min_minutes,
                      f->max_minutes, f->proven ? "true" : "false");
        gm_out_printf(o, "\"wait_objects\":%u,\"title\":", f->objects);
        gm_out_json_cstr(o, f->kind->title);
        gm_out_puts(o, ",\"why\":");
        gm_out_json_cstr(o, f->why);
        gm_out_puts(o, ",\"fix\":");
        gm_out_json_cstr(o, gm_finding_fix(f));
        gm_out_puts(o, ",\"culprit\":");
        if (f->culprit != GM_NO_FRAME) {
            gm_out_puts(o, "{\"function\":");
            gm_out_json_cstr(o, func_name(s, f->culprit));
            const char *cl = gm_render_location(s, r->paths, f->culprit, loc, sizeof(loc));
            gm_out_puts(o, ",\"location\":");
            if (strcmp(cl, "-") != 0) {
                gm_out_json_cstr(o, cl);
            } else {
                gm_out_puts(o, "null");
            }
            gm_out_puts(o, ",\"why\":");
            if (f->culprit_of != GM_NO_FRAME) {
                char why[400];
                snprintf(why, sizeof(why),
                         "called %s, which created these goroutines, with a replaced request "
                         "(r.WithContext): the context they wait on is the one it made",
                         func_name(s, f->culprit_of));
                gm_out_json_cstr(o, why);
            } else {
                gm_out_puts(o, "\"created these goroutines\"");
            }
            gm_out_puts(o, "}");
        } else {
            gm_out_puts(o, "null");
        }
        gm_render_srcnote_json(o, r->paths, &f->source);
        gm_out_puts(o, ",\"goroutine_ids\":");
        json_ids(o, f->ids, f->ids_nr);
        gm_out_puts(o, ",\"stack\":");
        json_frames(o, s, r->paths, gm_stacks_get(s, f->stack_id));
        gm_out_puts(o, "}");
    }
    gm_out_puts(o, "],\"buckets\":[");
    for (uint32_t i = 0; i < r->buckets->nr; i++) {
        const struct gm_bucket *b = &r->buckets->v[i];
        const struct gm_stack *st = gm_stacks_get(s, b->stack_id);
        gm_out_puts(o, i ? ",{" : "{");
        gm_out_printf(o, "\"count\":%llu,\"state\":", (unsigned long long)b->count);
        gm_out_json_cstr(o, gm_strtab_cstr(&s->strs, b->state_id));
        gm_out_printf(o, ",\"min_minutes\":%u,\"max_minutes\":%u,\"locked\":%s,\"leaked\":%s,",
                      b->min_minutes, b->max_minutes, (b->flags & GM_G_LOCKED) ? "true" : "false",
                      (b->flags & GM_G_LEAKED) ? "true" : "false");
        gm_out_puts(o, "\"labels\":");
        if (b->labels_id) {
            gm_out_json_cstr(o, gm_strtab_cstr(&s->strs, b->labels_id));
        } else {
            gm_out_puts(o, "null");
        }
        gm_out_puts(o, ",\"goroutine_ids\":");
        json_ids(o, b->ids, b->ids_nr);
        gm_out_puts(o, ",\"created_by\":");
        if (st->created_by != GM_NO_FRAME) {
            gm_out_json_cstr(o, gm_stacks_func(s, st->created_by));
        } else {
            gm_out_puts(o, "null");
        }
        gm_out_puts(o, ",\"frames\":");
        json_frames(o, s, r->paths, st);
        gm_out_puts(o, "}");
    }
    gm_out_puts(o, "]}");
}

void gm_render_srcnote_text(struct gm_out *o, const struct gm_paths *paths,
                            const struct gm_srcnote *n)
{
    if (!n) {
        return;
    }
    if (n->said[0]) {
        gm_out_printf(o, "%-44s source: %s\n", "", n->said);
    }
    if (n->line) {
        gm_out_printf(o, "%-44s confirmed by the source: %s:%u (gomedic lint, %s): %s\n", "",
                      gm_paths_show(paths, n->file, GM_FRAME_USER), n->line, n->rule ? n->rule : "",
                      n->what);
    }
}

void gm_render_srcnote_json(struct gm_out *o, const struct gm_paths *paths,
                            const struct gm_srcnote *n)
{
    gm_out_puts(o, ",\"statement\":");
    if (n && n->said[0]) {
        gm_out_json_cstr(o, n->said);
    } else {
        gm_out_puts(o, "null");
    }
    gm_out_puts(o, ",\"source\":");
    if (n && n->line) {
        gm_out_puts(o, "{\"file\":");
        gm_out_json_cstr(o, gm_paths_show(paths, n->file, GM_FRAME_USER));
        gm_out_printf(o, ",\"line\":%u,\"rule\":", n->line);
        gm_out_json_cstr(o, n->rule ? n->rule : "");
        gm_out_puts(o, ",\"message\":");
        gm_out_json_cstr(o, n->what);
        gm_out_puts(o, "}");
    } else {
        gm_out_puts(o, "null");
    }
}
