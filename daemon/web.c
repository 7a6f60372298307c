/*
 * The web UI: HTML pages rendered here from the daemon's state and store, no script needed,
 * nothing loaded from elsewhere (the style is inline; the flame graph page is the file
 * commands' renderer, whose script is embedded). Every string that comes from a target, a
 * dump or a profile (names, functions, paths, labels, evidence) goes through html_escape.
 *   /                      the targets: state, goroutines, heap, GC, open findings
 *   /targets/ID            a timeline (goroutines by wait class, heap, GC share, triggers and
 *                          captures marked), open findings, events, captures
 *   /captures/ID           the findings of that capture's analysis, its goroutine buckets,
 *                          links to its flame graph and the file
 *   /captures/ID/flame     the flame graph of a captured profile or dump
 *   /captures/ID/file      the captured file (by store id only: no path reaches the store)
 */
#define _GNU_SOURCE
#include "server.h"
#include "state.h"
#include "gm/alloc.h"
#include "gm/artifact.h"
#include "gm/bucket.h"
#include "gm/calltree.h"
#include "gm/flame.h"
#include "gm/out.h"
#include "gm/profile.h"
#include "gm/record.h"

#include <cjson/cJSON.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static const char *const class_color[GM_WAIT_NR] = {"#9e9e9e", "#e4572e", "#f3a712", "#a8c686",
                                                    "#669bbc", "#8e6c8a", "#29335c", "#17bebb",
                                                    "#c5b358", "#7a9e7e", "#b5838d", "#2a9d8f"};

static void head(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width\"><title>",
          f);
    html_escape(f, title);
    fputs(" - gomedic watch</title><style>"
          "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
          "table{border-collapse:collapse;margin:.5em 0 1.5em}"
          "th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:left;"
          "vertical-align:top}th{background:#f4f4f4}td.n{text-align:right;"
          "font-variant-numeric:tabular-nums}"
          ".up{color:#1b7f3b;font-weight:600}.down{color:#b00020;font-weight:600}"
          ".sev-critical,.sev-high{color:#b00020;font-weight:600}.sev-medium{color:#b26a00}"
          "a{color:#0b57d0}code{font-size:13px}nav{margin-bottom:1em}"
          "td:first-child,td code{white-space:nowrap}"
          ".legend span{display:inline-block;margin-right:1em}"
          ".legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em}"
          "</style></head><body><nav><a href=\"/\">gomedic watch</a></nav>\n",
          f);
}

static void foot(FILE *f)
{
    fputs("</body></html>\n", f);
}

static void local_time(int64_t ms, char *buf, size_t cap)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&secs, &tm);
    strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm);
}

static void mb(FILE *f, int64_t bytes)
{
    fprintf(f, "%.1f MB", (double)bytes / 1048576);
}

/* ---------------------------------------------------------------- / */

static void page_index(struct watcher *w, FILE *f)
{
    head(f, "targets");
    fprintf(f, "<h1>Targets</h1>\n<p>%u target%s watched.</p>\n", w->n, w->n == 1 ? "" : "s");
    fputs("<table id=\"targets\"><thead><tr><th>target</th><th>state</th><th>goroutines</th>"
          "<th>heap in use</th><th>GC share</th><th>open findings</th></tr></thead><tbody>\n",
          f);
    for (uint32_t i = 0; i < w->n; i++) {
        const struct target *t = &w->t[i];
        fputs("<tr class=\"target\" data-name=\"", f);
        html_escape(f, t->w.name);
        fprintf(f, "\"><td><a class=\"target-link\" href=\"/targets/%lld\">", (long long)t->id);
        html_escape(f, t->w.name);
        fputs("</a><br><small>", f);
        html_escape(f, t->w.url);
        fprintf(f, "</small></td><td class=\"%s\">%s</td><td class=\"n\">",
                !t->known ? ""
                : t->up   ? "up"
                          : "down",
                !t->known ? "-"
                : t->up   ? "up"
                          : "down");
        if (t->last.t_ms && t->last.goroutines >= 0) {
            fprintf(f, "%lld", (long long)t->last.goroutines);
        }
        fputs("</td><td class=\"n\">", f);
        if (t->last.t_ms && t->last.heap >= 0) {
            mb(f, t->last.heap);
        }
        fputs("</td><td class=\"n\">", f);
        if (t->last.t_ms && t->last.gc_cpu >= 0) {
            fprintf(f, "%.1f%%", t->last.gc_cpu);
        }
        fputs("</td><td>", f);
        for (uint32_t k = 0; k < t->open_nr; k++) {
            const struct open_finding *o = &t->open[k];
            if (o->ended_ms) {
                continue;
            }
            const char *sev = gm_severity_name((enum gm_severity)o->severity);
            if (o->capture > 0) {
                fprintf(f, "<a class=\"finding sev-%s\" href=\"/captures/%lld\">", sev,
                        (long long)o->capture);
            } else {
                fprintf(f, "<a class=\"finding sev-%s\" href=\"/targets/%lld\">", sev,
                        (long long)t->id);
            }
            html_escape(f, o->id);
            fputs("</a> <code>", f);
            html_escape(f, o->function);
            fputs("</code><br>", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n<p><a href=\"/metrics\">/metrics</a> &middot; <a "
          "href=\"/api/targets\">/api/targets</a></p>\n",
          f);
    foot(f);
}

/* ---------------------------------------------------------------- /targets/ID */

struct pts {
    struct store_row *v;
    int64_t (*st)[GM_WAIT_NR];
    uint32_t nr, cap;
};

static int add_point(void *ctx, const struct store_row *r)
{
    struct pts *p = ctx;
    if (p->nr == p->cap) {
        uint32_t cap = p->cap ? p->cap * 2 : 256;
        struct store_row *v = gm_xrealloc(p->v, cap * sizeof(*v));
        if (!v) {
            return 1;
        }
        p->v = v;
        int64_t(*st)[GM_WAIT_NR] = gm_xrealloc(p->st, cap * sizeof(*st));
        if (!st) {
            return 1;
        }
        p->st = st;
        p->cap = cap;
    }
    p->v[p->nr] = *r;
    p->v[p->nr].states = NULL;
    memset(p->st[p->nr], 0, sizeof(p->st[p->nr]));
    const char *s = r->states;
    if (s && *s) {
        for (int c = 0; c < GM_WAIT_NR && *s; c++) {
            char *end = NULL;
            p->st[p->nr][c] = strtoll(s, &end, 10);
            s = *end == ',' ? end + 1 : end;
        }
    } else if (r->goroutines >= 0) {
        p->st[p->nr][GM_WAIT_OTHER] = r->goroutines;
    }
    p->nr++;
    return 0;
}

struct marks {
    FILE *f;
    int64_t t0, t1;
    double x0, w;
    int h;
    const char *event; /* "trigger" or NULL: captures */
};

static double xpos(const struct marks *m, int64_t t)
{
    return m->x0 + m->w * (double)(t - m->t0) / (double)(m->t1 > m->t0 ? m->t1 - m->t0 : 1);
}

static int mark_trigger(void *ctx, int64_t t_ms, const char *target, const char *event,
                        const char *json)
{
    struct marks *m = ctx;
    (void)target;
    if (strcmp(event, "trigger") != 0 || t_ms < m->t0) {
        return 0;
    }
    cJSON *j = cJSON_Parse(json);
    const cJSON *rule = cJSON_GetObjectItemCaseSensitive(j, "rule");
    double x = xpos(m, t_ms);
    fprintf(m->f,
            "<g class=\"mark trigger\"><line x1=\"%.1f\" x2=\"%.1f\" y1=\"10\" y2=\"%d\" "
            "stroke=\"#b00020\" stroke-width=\"2\"/><title>trigger: ",
            x, x, m->h - 30);
    html_escape(m->f, cJSON_IsString(rule) ? rule->valuestring : "");
    fputs("</title></g>\n", m->f);
    cJSON_Delete(j);
    return 0;
}

static int mark_capture(void *ctx, int64_t id, int64_t t_ms, const char *target, const char *kind,
                        const char *path, int64_t bytes)
{
    struct marks *m = ctx;
    (void)target;
    (void)path;
    (void)bytes;
    if (t_ms < m->t0) {
        return 0;
    }
    double x = xpos(m, t_ms);
    int y = m->h - 30;
    fprintf(m->f,
            "<a href=\"/captures/%lld\"><g class=\"mark capture\"><path d=\"M%.1f %d l-5 10 h10 "
            "z\" fill=\"#0b57d0\"/><title>capture: ",
            (long long)id, x, y);
    html_escape(m->f, kind);
    fputs("</title></g></a>\n", m->f);
    return 0;
}

static void timeline(struct watcher *w, const struct target *t, int64_t since, FILE *f)
{
    struct pts p = {0};
    store_samples(w->st, t->id, since, add_point, &p);
    const int W = 960, H = 300, X0 = 60, PW = 820, PH = H - 50;
    int64_t now = now_ms();
    double gmax = 1, hmax = 1;
    for (uint32_t i = 0; i < p.nr; i++) {
        double g = 0;
        for (int c = 0; c < GM_WAIT_NR; c++) {
            g += (double)p.st[i][c];
        }
        gmax = g > gmax ? g : gmax;
        hmax = (double)p.v[i].heap_inuse > hmax ? (double)p.v[i].heap_inuse : hmax;
    }
    fprintf(f,
            "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"timeline\">\n"
            "<rect x=\"%d\" y=\"10\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" "
            "stroke=\"#ccc\"/>\n",
            W, H, W, H, X0, PW, PH - 10);
    if (p.nr && p.v[0].t_ms - 5000 > since) { /* a young target fills the width (the first
                                                  capture is a few ms older than its sample) */
        since = p.v[0].t_ms - 5000;
    }
    struct marks m = {f, since, now, X0, PW, H, NULL};
    double ybase = PH;
#define Y(v, max) (ybase - (PH - 20) * (v) / (max))
    /* goroutines by class, stacked: each class a polygon between its floor and its top */
    for (int c = GM_WAIT_NR - 1; c >= 0 && p.nr; c--) {
        fprintf(f,
                "<polygon class=\"area\" data-state=\"%s\" fill=\"%s\" fill-opacity=\".85\" "
                "points=\"",
                gm_wait_class_name((enum gm_wait_class)c), class_color[c]);
        for (uint32_t i = 0; i < p.nr; i++) { /* the top, left to right */
            double top = 0;
            for (int k = 0; k <= c; k++) {
                top += (double)p.st[i][k];
            }
            fprintf(f, "%.1f,%.1f ", xpos(&m, p.v[i].t_ms), Y(top, gmax));
        }
        for (uint32_t i = p.nr; i-- > 0;) { /* the floor, right to left */
            double bottom = 0;
            for (int k = 0; k < c; k++) {
                bottom += (double)p.st[i][k];
            }
            fprintf(f, "%.1f,%.1f ", xpos(&m, p.v[i].t_ms), Y(bottom, gmax));
        }
        fputs("\"/>\n", f);
    }
    /* heap in use (right axis) and the GC share (0-100% of the height) */
    fputs("<polyline class=\"heap\" fill=\"none\" stroke=\"#111\" stroke-width=\"2\" points=\"", f);
    for (uint32_t i = 0; i < p.nr; i++) {
        if (p.v[i].heap_inuse >= 0) {
            fprintf(f, "%.1f,%.1f ", xpos(&m, p.v[i].t_ms), Y((double)p.v[i].heap_inuse, hmax));
        }
    }
    fputs("\"/>\n<polyline class=\"gc\" fill=\"none\" stroke=\"#b00020\" stroke-dasharray=\"4 3\" "
          "points=\"",
          f);
    for (uint32_t i = 0; i < p.nr; i++) {
        if (p.v[i].gc_cpu >= 0) {
            fprintf(f, "%.1f,%.1f ", xpos(&m, p.v[i].t_ms), Y(p.v[i].gc_cpu, 100.0));
        }
    }
    fputs("\"/>\n", f);
#undef Y
    char t0[32], t1[32];
    local_time(since, t0, sizeof(t0));
    local_time(now, t1, sizeof(t1));
    fprintf(f,
            "<text x=\"%d\" y=\"22\" font-size=\"11\" text-anchor=\"end\">%.0f</text>"
            "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">0</text>"
            "<text x=\"%d\" y=\"22\" font-size=\"11\">%.1f MB</text>"
            "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
            "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
            X0 - 4, gmax, X0 - 4, PH, X0 + PW + 4, hmax / 1048576, X0, H - 5, t0, X0 + PW, H - 5,
            t1);
    store_events(w->st, t->w.name, since, mark_trigger, &m);
    store_captures(w->st, t->w.name, since, mark_capture, &m);
    fputs("</svg>\n<p class=\"legend\">", f);
    for (int c = 0; c < GM_WAIT_NR; c++) {
        fprintf(f, "<span><i style=\"background:%s\"></i>%s</span>", class_color[c],
                gm_wait_class_name((enum gm_wait_class)c));
    }
    fputs("<span>&#9644; heap in use (right scale)</span><span style=\"color:#b00020\">- - GC "
          "share of CPU (0-100%)</span><span style=\"color:#b00020\">| trigger</span><span "
          "style=\"color:#0b57d0\">&#9650; capture</span></p>\n",
          f);
    free(p.v);
    free(p.st);
}

struct rows {
    FILE *f;
    int n;
};

/* What the source says of a finding event (its "statement" and "source" members, present
 * when the target has a source root), under its evidence. */
static void source_note(FILE *f, const cJSON *j)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "statement");
    if (cJSON_IsString(st) && st->valuestring[0]) {
        fputs("<br><small class=\"statement\">source: ", f);
        html_escape(f, st->valuestring);
        fputs("</small>", f);
    }
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(j, "source");
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(src, "file");
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(src, "line");
    const cJSON *rule = cJSON_GetObjectItemCaseSensitive(src, "rule");
    if (cJSON_IsString(file) && cJSON_IsNumber(line) && cJSON_IsString(rule)) {
        fputs("<br><small class=\"confirmed\">confirmed by the source: ", f);
        html_escape(f, file->valuestring);
        fprintf(f, ":%lld (gomedic lint, ", (long long)line->valuedouble);
        html_escape(f, rule->valuestring);
        fputs(")", f);
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(src, "message");
        if (cJSON_IsString(msg) && msg->valuestring[0]) {
            fputs(": ", f);
            html_escape(f, msg->valuestring);
        }
        fputs("</small>", f);
    }
}

static int event_row(void *ctx, int64_t t_ms, const char *target, const char *event,
                     const char *json)
{
    struct rows *r = ctx;
    (void)target;
    char ts[32];
    local_time(t_ms, ts, sizeof(ts));
    cJSON *j = cJSON_Parse(json);
    fprintf(r->f, "<tr class=\"event\" data-event=\"%s\"><td>%s</td><td>", event, ts);
    html_escape(r->f, event);
    fputs("</td><td>", r->f);
    static const char *const keys[] = {"rule",     "what", "id",      "severity", "function",
                                       "evidence", "kind", "message", "hook",     "result"};
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, keys[k]);
        if (cJSON_IsString(v) && v->valuestring[0]) {
            fprintf(r->f, "<b>%s</b> ", keys[k]);
            html_escape(r->f, v->valuestring);
            fputs(" ", r->f);
        }
    }
    source_note(r->f, j);
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(j, "capture");
    if (cJSON_IsNumber(cap)) {
        fprintf(r->f, "<a href=\"/captures/%lld\">capture %lld</a>", (long long)cap->valuedouble,
                (long long)cap->valuedouble);
    }
    fputs("</td></tr>\n", r->f);
    cJSON_Delete(j);
    r->n++;
    return 0;
}

static int capture_row(void *ctx, int64_t id, int64_t t_ms, const char *target, const char *kind,
                       const char *path, int64_t bytes)
{
    struct rows *r = ctx;
    (void)target;
    (void)path;
    char ts[32];
    local_time(t_ms, ts, sizeof(ts));
    fprintf(r->f, "<tr><td>%s</td><td><a class=\"capture-link\" href=\"/captures/%lld\">", ts,
            (long long)id);
    html_escape(r->f, kind);
    fprintf(r->f,
            "</a></td><td class=\"n\">%lld</td><td><a href=\"/captures/%lld/file\">"
            "download</a></td></tr>\n",
            (long long)bytes, (long long)id);
    r->n++;
    return 0;
}

static void page_target(struct watcher *w, const struct target *t, int64_t span, FILE *f)
{
    head(f, t->w.name);
    int64_t since = now_ms() - span;
    fputs("<h1>", f);
    html_escape(f, t->w.name);
    fprintf(f, " <small class=\"%s\">%s</small></h1>\n<p>", t->up ? "up" : "down",
            t->up ? "up" : "down");
    html_escape(f, t->w.url);
    if (t->last.t_ms && t->last.goroutines >= 0) {
        fprintf(f, " &middot; %lld goroutines", (long long)t->last.goroutines);
    }
    if (t->last.t_ms && t->last.heap >= 0) {
        fputs(" &middot; heap in use ", f);
        mb(f, t->last.heap);
    }
    fputs(" &middot; <a href=\"?since=15m\">15m</a> <a href=\"?since=1h\">1h</a> "
          "<a href=\"?since=6h\">6h</a> <a href=\"?since=1d\">1d</a></p>\n",
          f);
    timeline(w, t, since, f);
    fputs("<h2>Open findings</h2>\n<table id=\"open\"><thead><tr><th>finding</th><th>severity"
          "</th><th>function</th><th>evidence</th><th>fix</th></tr></thead><tbody>\n",
          f);
    for (uint32_t k = 0; k < t->open_nr; k++) {
        const struct open_finding *o = &t->open[k];
        if (o->ended_ms) {
            continue;
        }
        const char *sev = gm_severity_name((enum gm_severity)o->severity);
        fprintf(f, "<tr><td><a class=\"finding\" href=\"/captures/%lld\">", (long long)o->capture);
        html_escape(f, o->id);
        fprintf(f, "</a></td><td class=\"sev-%s\">%s</td><td><code>", sev, sev);
        html_escape(f, o->function);
        fputs("</code></td><td>", f);
        html_escape(f, o->evidence);
        fputs("</td><td>", f);
        html_escape(f, o->fix ? o->fix : "");
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n<h2>Captures</h2>\n<table id=\"captures\"><thead><tr><th>time</th>"
          "<th>kind</th><th>bytes</th><th>file</th></tr></thead><tbody>\n",
          f);
    struct rows r = {f, 0};
    store_captures(w->st, t->w.name, since, capture_row, &r);
    fputs("</tbody></table>\n<h2>Events</h2>\n<table id=\"events\"><thead><tr><th>time</th><th>"
          "event</th><th>what</th></tr></thead><tbody>\n",
          f);
    store_events(w->st, t->w.name, since, event_row, &r);
    fputs("</tbody></table>\n", f);
    foot(f);
}

/* ---------------------------------------------------------------- /captures/ID */

static int finding_row(void *ctx, const char *json)
{
    struct rows *r = ctx;
    cJSON *j = cJSON_Parse(json);
    const char *k[] = {"id", "severity", "function", "location", "evidence", "fix"};
    const char *v[6];
    for (int i = 0; i < 6; i++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, k[i]);
        v[i] = cJSON_IsString(x) ? x->valuestring : "";
    }
    fprintf(r->f, "<tr class=\"finding\"><td>");
    html_escape(r->f, v[0]);
    fprintf(r->f, "</td><td class=\"sev-");
    html_escape(r->f, v[1]);
    fputs("\">", r->f);
    html_escape(r->f, v[1]);
    fputs("</td><td><code>", r->f);
    html_escape(r->f, v[2]);
    fputs("</code><br><small>", r->f);
    html_escape(r->f, v[3]);
    fputs("</small></td><td>", r->f);
    html_escape(r->f, v[4]);
    source_note(r->f, j);
    fputs("</td><td>", r->f);
    html_escape(r->f, v[5]);
    fputs("</td></tr>\n", r->f);
    cJSON_Delete(j);
    r->n++;
    return 0;
}

/* The goroutine buckets of a captured dump or goroutine profile, largest first (at most 50). */
static void buckets(const struct capture_row *c, FILE *f)
{
    struct gm_gdump_set set;
    struct gm_diag d = {0};
    if (gm_gdump_set_init(&set, NULL, GM_SIM_AGGRESSIVE) < 0) {
        return;
    }
    struct gm_buckets b;
    if (gm_load_dumps(&set, c->path, &d) <= 0 ||
        gm_bucket_dump(&set, set.dumps_nr - 1, GM_BUCKET_IGNORE_ARGS, &b) < 0) {
        fputs("<p>Cannot read the goroutines: ", f);
        html_escape(f, d.msg);
        fputs("</p>\n", f);
        gm_gdump_set_release(&set);
        return;
    }
    fputs("<h2>Goroutines</h2>\n<table id=\"buckets\"><thead><tr><th>goroutines</th><th>state"
          "</th><th>class</th><th>stack (innermost first)</th></tr></thead><tbody>\n",
          f);
    for (uint32_t i = 0; i < b.nr && i < 50; i++) {
        const char *state = gm_strtab_cstr(&set.stacks.strs, b.v[i].state_id);
        enum gm_wait_class wc = gm_wait_class_stack(&set.stacks, b.v[i].stack_id, state);
        fprintf(f, "<tr class=\"bucket\"><td class=\"n\">%llu</td><td>",
                (unsigned long long)b.v[i].count);
        html_escape(f, state[0] ? state : "(no state)");
        fprintf(f, "</td><td>%s</td><td><code>", gm_wait_class_name(wc));
        const struct gm_stack *st = gm_stacks_get(&set.stacks, b.v[i].stack_id);
        const uint32_t *ids = gm_stack_frames(&set.stacks, st);
        if (!st->nr) {
            fputs("(no frames)", f);
        }
        for (uint32_t k = 0; ids && k < st->nr && k < 12; k++) {
            const struct gm_frame *fr = gm_stacks_get_frame(&set.stacks, ids[k]);
            int user = (fr->flags & GM_FRAME_USER) != 0;
            fputs(user ? "<b>" : "", f);
            html_escape(f, gm_strtab_cstr(&set.stacks.strs, fr->func_id));
            fputs(user ? "</b>" : "", f);
            fputs(" <small>", f);
            html_escape(f, gm_strtab_cstr(&set.stacks.strs, fr->file_id));
            fprintf(f, ":%u</small><br>", fr->line);
        }
        if (st->nr > 12) {
            fprintf(f, "<small>... %u more frames</small>", st->nr - 12);
        }
        fputs("</code></td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    gm_buckets_release(&b);
    gm_gdump_set_release(&set);
}

static int is_goroutines(const char *kind)
{
    return strncmp(kind, "goroutine", 9) == 0;
}

static void page_capture(struct watcher *w, const struct capture_row *c, FILE *f)
{
    char title[200], ts[32];
    snprintf(title, sizeof(title), "capture %lld", (long long)c->id);
    head(f, title);
    local_time(c->t_ms, ts, sizeof(ts));
    fprintf(f, "<h1>Capture %lld: ", (long long)c->id);
    html_escape(f, c->kind);
    fputs("</h1>\n<p>", f);
    const struct target *t = NULL;
    for (uint32_t i = 0; i < w->n && !t; i++) {
        t = strcmp(w->t[i].w.name, c->target) == 0 ? &w->t[i] : NULL;
    }
    if (t) {
        fprintf(f, "<a href=\"/targets/%lld\">", (long long)t->id);
    }
    html_escape(f, c->target);
    fprintf(f,
            "%s &middot; %s &middot; %lld bytes &middot; <a id=\"download\" "
            "href=\"/captures/%lld/file\">download</a>",
            t ? "</a>" : "", ts, (long long)c->bytes, (long long)c->id);
    if (strcmp(c->kind, "trace") != 0) {
        fprintf(f, " &middot; <a id=\"flame\" href=\"/captures/%lld/flame\">flame graph</a>",
                (long long)c->id);
    }
    fputs("</p>\n<h2>Findings</h2>\n<table id=\"findings\"><thead><tr><th>finding</th><th>"
          "severity</th><th>function</th><th>evidence</th><th>fix</th></tr></thead><tbody>\n",
          f);
    struct rows r = {f, 0};
    capture_findings(w, c->id, c->target, c->t_ms, finding_row, &r);
    fputs("</tbody></table>\n", f);
    if (!r.n) {
        fputs("<p>No finding names this capture (it may be evidence kept for a finding of "
              "another capture of the same trigger).</p>\n",
              f);
    }
    if (is_goroutines(c->kind)) {
        buckets(c, f);
    }
    foot(f);
}

/* The flame graph page of a captured profile (its default sample type) or dump. */
static int page_flame(const struct capture_row *c, FILE *f)
{
    struct gm_strtab names;
    struct gm_flame fl;
    struct gm_diag d = {0};
    char title[300];
    if (gm_strtab_init(&names, 0) < 0) {
        return -1;
    }
    int rc = -1;
    if (is_goroutines(c->kind)) {
        struct gm_gdump_set set;
        if (gm_gdump_set_init(&set, NULL, GM_SIM_AGGRESSIVE) == 0) {
            snprintf(title, sizeof(title), "%s %s (goroutines per stack)", c->target, c->kind);
            if (gm_load_dumps(&set, c->path, &d) > 0 &&
                gm_flame_init(&fl, &names, title, "goroutines") == 0) {
                rc = gm_flame_add_dump(&fl, &names, &set, 0);
            }
            gm_gdump_set_release(&set);
        }
    } else {
        struct gm_profile p;
        if (gm_load_profile(&p, c->path, NULL, &d) == 0) {
            uint32_t idx = gm_profile_default_index(&p);
            snprintf(title, sizeof(title), "%s %s (%s)", c->target, c->kind,
                     p.types_nr ? gm_profile_str(&p, p.types[idx].type_id) : "");
            if (p.types_nr &&
                gm_flame_init(&fl, &names, title, gm_profile_str(&p, p.types[idx].unit_id)) == 0) {
                rc = gm_flame_add_profile(&fl, &names, &p, idx, 0);
            }
            gm_profile_release(&p);
        }
    }
    if (rc == 0) {
        gm_flame_seal(&fl);
        struct gm_out o;
        gm_out_init(&o, f, 0);
        gm_flame_render(&o, &fl, GM_FLAME_HTML, 1200, 0.5);
        gm_flame_release(&fl);
    } else {
        head(f, "flame graph");
        fputs("<p>Cannot draw this capture: ", f);
        html_escape(f, d.msg[0] ? d.msg : "not a profile");
        fputs("</p>", f);
        foot(f);
    }
    gm_strtab_release(&names);
    return 0;
}

int web_serve(struct watcher *w, const struct request *rq, struct reply *rp)
{
    int64_t id = 0;
    const char *rest = "";
    if (strcmp(rq->path, "/") == 0) {
        page_index(w, rp->f);
        return 0;
    }
    if (path_id(rq->path, "/targets/", &id, &rest) == 0 && !*rest) {
        const struct target *t = target_by_id(w, id);
        if (!t) {
            return -1;
        }
        page_target(w, t, request_since(rq, 3600000), rp->f);
        return 0;
    }
    if (path_id(rq->path, "/captures/", &id, &rest) < 0) {
        return -1;
    }
    struct capture_row c;
    if (capture_get(w, id, &c) <= 0) {
        return -1;
    }
    if (!*rest) {
        page_capture(w, &c, rp->f);
    } else if (strcmp(rest, "/flame") == 0) {
        page_flame(&c, rp->f);
    } else if (strcmp(rest, "/file") == 0) {
        int fd = open(c.path, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (fd < 0 || fstat(fd, &sb) < 0) {
            if (fd >= 0) {
                close(fd);
            }
            rp->status = 410;
            rp->type = "text/plain; charset=utf-8";
            fputs("the file is gone (retention)\n", rp->f);
            return 0;
        }
        rp->fd = fd;
        rp->fd_size = (uint64_t)sb.st_size;
        rp->type = "application/octet-stream";
        const char *base = strrchr(c.path, '/');
        snprintf(rp->filename, sizeof(rp->filename), "%.190s", base ? base + 1 : c.path);
    } else {
        return -1;
    }
    return 0;
}
