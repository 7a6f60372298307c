/* Findings as Alertmanager v2 alerts (alert.h). */
#include "alert.h"
#include "state.h"
#include "gm/alloc.h"
#include "gm/out.h"
#include "gm/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define REPEAT_MS 60000
#define RETRY_MS  10000

struct alerts {
    char url[700];
    char ui[300];
    struct watcher *w;
    int inflight;
    int64_t posted_ms; /* when the last POST started */
    int64_t retry_ms;  /* a failed POST: the next try */
    int64_t sent_ms;   /* the POST in flight covers findings ended up to here */
};

struct alerts *alerts_new(const char *url, const char *ui)
{
    struct alerts *a = gm_xcalloc(1, sizeof(*a));
    if (a) {
        size_t n = strlen(url);
        while (n && url[n - 1] == '/') {
            n--;
        }
        snprintf(a->url, sizeof(a->url), "%.*s/api/v2/alerts", (int)n, url);
        n = strlen(ui);
        while (n && ui[n - 1] == '/') {
            n--;
        }
        snprintf(a->ui, sizeof(a->ui), "%.*s", (int)n, ui);
    }
    return a;
}

void alerts_free(struct alerts *a)
{
    free(a);
}

static void kv(struct gm_out *o, const char *k, const char *v, int first)
{
    gm_out_printf(o, "%s\"%s\": ", first ? "" : ", ", k);
    gm_out_json_cstr(o, v);
}

/* The alerts of every finding open or ended (not yet taken): a JSON array; NULL when none. */
static char *payload(struct alerts *a, struct watcher *w)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        return NULL;
    }
    struct gm_out o;
    gm_out_init(&o, f, 0);
    gm_out_puts(&o, "[");
    int n = 0;
    for (uint32_t i = 0; i < w->n; i++) {
        const struct target *t = &w->t[i];
        for (uint32_t k = 0; k < t->open_nr; k++) {
            const struct open_finding *fd = &t->open[k];
            char ts[40], link[400], summary[600];
            snprintf(link, sizeof(link), "%s/captures/%lld", a->ui, (long long)fd->capture);
            if (!a->ui[0] || fd->capture <= 0) {
                snprintf(link, sizeof(link), "%s/targets/%lld", a->ui, (long long)t->id);
            }
            if (fd->function[0]) {
                snprintf(summary, sizeof(summary), "%s in %s on %s", fd->id, fd->function,
                         t->w.name);
            } else { /* heap-growth of the total: no one function */
                snprintf(summary, sizeof(summary), "%s on %s", fd->id, t->w.name);
            }
            gm_out_puts(&o, n++ ? ",\n{\"labels\": {" : "\n{\"labels\": {");
            kv(&o, "alertname", "GomedicFinding", 1);
            kv(&o, "target", t->w.name, 0);
            kv(&o, "id", fd->id, 0);
            kv(&o, "severity", gm_severity_name((enum gm_severity)fd->severity), 0);
            kv(&o, "function", fd->function, 0);
            kv(&o, "rule", rule_name[fd->rule], 0);
            gm_out_puts(&o, "}, \"annotations\": {");
            kv(&o, "summary", summary, 1);
            kv(&o, "evidence", fd->evidence, 0);
            kv(&o, "fix", fd->fix ? fd->fix : "", 0);
            kv(&o, "capture_url", link, 0);
            kv(&o, "target_url", t->w.url, 0);
            gm_out_puts(&o, "}");
            utc_time(fd->since_ms, ts, sizeof(ts));
            kv(&o, "startsAt", ts, 0);
            if (fd->ended_ms) {
                utc_time(fd->ended_ms, ts, sizeof(ts));
                kv(&o, "endsAt", ts, 0);
            }
            if (a->ui[0]) {
                kv(&o, "generatorURL", link, 0);
            }
            gm_out_puts(&o, "}");
        }
    }
    gm_out_puts(&o, "\n]\n");
    fclose(f);
    if (!n) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Alertmanager took the alerts: the findings that had ended by then are done. */
static void forget_ended(struct watcher *w, int64_t upto)
{
    for (uint32_t i = 0; i < w->n; i++) {
        struct target *t = &w->t[i];
        uint32_t k = 0;
        for (uint32_t j = 0; j < t->open_nr; j++) {
            if (!t->open[j].ended_ms || t->open[j].ended_ms > upto) {
                t->open[k++] = t->open[j];
            }
        }
        t->open_nr = k;
    }
}

static void on_posted(void *ctx, const struct http_req *r, int ok, const char *err)
{
    struct alerts *a = ctx;
    (void)r;
    if (!err) {
        return; /* cancelled at exit */
    }
    a->inflight = 0;
    if (ok) {
        forget_ended(a->w, a->sent_ms);
        a->retry_ms = 0;
    } else {
        fprintf(stderr, "gomedic watch: alertmanager %s: %s\n", a->url, err);
        a->retry_ms = now_ms() + RETRY_MS;
        a->w->alerts_dirty = 1;
    }
}

static void post(struct alerts *a, struct watcher *w, int64_t now)
{
    a->w = w;
    a->posted_ms = now;
    w->alerts_dirty = 0;
    char *body = payload(a, w);
    if (!body) {
        return;
    }
    a->sent_ms = now;
    struct http_opts ho = {NULL, NULL, NULL, NULL, body};
    if (http_get(&w->http, a->url, &ho, 1 << 20, 10000, on_posted, a) == 0) {
        a->inflight = 1;
    } else {
        a->retry_ms = now + RETRY_MS;
        w->alerts_dirty = 1;
    }
    free(body);
}

void alerts_tick(struct alerts *a, struct watcher *w, int64_t now)
{
    if (a->inflight || (a->retry_ms && now < a->retry_ms)) {
        return;
    }
    if (w->alerts_dirty || now - a->posted_ms >= REPEAT_MS) {
        post(a, w, now);
    }
}

void alerts_flush(struct alerts *a, struct watcher *w)
{
    int64_t until = now_ms() + 5000;
    while (a->inflight && now_ms() < until) {
        http_run(&w->http, 100, -1);
    }
    if (w->alerts_dirty && !a->inflight) {
        post(a, w, now_ms());
        while (a->inflight && now_ms() < until) {
            http_run(&w->http, 100, -1);
        }
    }
}
