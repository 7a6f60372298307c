/*
 * The JSON API (/api/): the targets with their last sample and open findings, a target's
 * samples, events and captures from the store, and what a capture's analysis found. The same
 * data as the pages (web.c), for scripts; every string through the JSON writer of gm/out.h.
 */
#include "server.h"
#include "state.h"
#include "gm/out.h"
#include "gm/record.h"

#include <cjson/cJSON.h>

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct target *target_by_id(struct watcher *w, int64_t id)
{
    for (uint32_t i = 0; i < w->n; i++) {
        if (w->t[i].id == id) {
            return &w->t[i];
        }
    }
    return NULL;
}

int path_id(const char *path, const char *prefix, int64_t *id, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0 || path[n] < '0' || path[n] > '9') {
        return -1;
    }
    char *end = NULL;
    long long v = strtoll(path + n, &end, 10);
    if (v <= 0 || (*end && *end != '/')) {
        return -1;
    }
    *id = v;
    *rest = end;
    return 0;
}

struct cf {
    int64_t id;
    finding_fn fn;
    void *ctx;
};

static int cf_event(void *ctx, int64_t t_ms, const char *target, const char *event,
                    const char *json)
{
    struct cf *c = ctx;
    (void)t_ms;
    (void)target;
    if (strcmp(event, "finding") != 0) {
        return 0;
    }
    cJSON *j = cJSON_Parse(json);
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(j, "capture");
    int mine = cJSON_IsNumber(cap) && (int64_t)cap->valuedouble == c->id;
    cJSON_Delete(j);
    return mine ? c->fn(c->ctx, json) : 0;
}

int capture_findings(struct watcher *w, int64_t id, const char *target, int64_t t_ms, finding_fn fn,
                     void *ctx)
{
    struct cf c = {id, fn, ctx};
    /* a goroutine diff's findings name the newest of the kept profiles, saved as captures
     * with their own (earlier) times: look a day back */
    return store_events(w->st, target, t_ms - 86400000, cf_event, &c);
}

/* The target as an object; left open (no closing brace) unless close. */
static void target_json(struct gm_out *o, const struct target *t, int close)
{
    gm_out_printf(o, "{\"id\": %lld, \"name\": ", (long long)t->id);
    gm_out_json_cstr(o, t->w.name);
    gm_out_puts(o, ", \"url\": ");
    gm_out_json_cstr(o, t->w.url);
    gm_out_printf(o, ", \"up\": %s, \"last_sample_ms\": %lld", t->up ? "true" : "false",
                  (long long)t->last.t_ms);
    if (t->last.t_ms && t->last.goroutines >= 0) {
        gm_out_printf(o, ", \"goroutines\": %lld, \"states\": {", (long long)t->last.goroutines);
        for (int c = 0; c < GM_WAIT_NR; c++) {
            gm_out_printf(o, "%s\"%s\": %lld", c ? ", " : "",
                          gm_wait_class_name((enum gm_wait_class)c), (long long)t->last.states[c]);
        }
        gm_out_puts(o, "}");
    }
    if (t->last.t_ms && t->last.heap >= 0) {
        gm_out_printf(o, ", \"heap_inuse_bytes\": %lld", (long long)t->last.heap);
    }
    if (t->last.t_ms && t->last.gc_cpu >= 0) {
        gm_out_printf(o, ", \"gc_cpu_fraction\": %.6g", t->last.gc_cpu / 100);
    }
    gm_out_puts(o, ", \"findings\": [");
    int n = 0;
    for (uint32_t k = 0; k < t->open_nr; k++) {
        const struct open_finding *f = &t->open[k];
        if (f->ended_ms) {
            continue;
        }
        gm_out_puts(o, n++ ? ", {\"id\": " : "{\"id\": ");
        gm_out_json_cstr(o, f->id);
        gm_out_puts(o, ", \"severity\": ");
        gm_out_json_cstr(o, gm_severity_name((enum gm_severity)f->severity));
        gm_out_puts(o, ", \"function\": ");
        gm_out_json_cstr(o, f->function);
        gm_out_printf(o, ", \"rule\": \"%s\", \"evidence\": ", rule_name[f->rule]);
        gm_out_json_cstr(o, f->evidence);
        gm_out_puts(o, ", \"fix\": ");
        gm_out_json_cstr(o, f->fix ? f->fix : "");
        gm_out_printf(o, ", \"since_ms\": %lld, \"capture\": %lld}", (long long)f->since_ms,
                      (long long)f->capture);
    }
    gm_out_puts(o, close ? "]}" : "]");
}

struct list {
    struct gm_out *o;
    int n;
    int open; /* leave an object open (capture_json) */
};

static int sample_json(void *ctx, const struct store_row *r)
{
    struct list *l = ctx;
    struct gm_out *o = l->o;
    gm_out_printf(o, "%s\n  {\"t_ms\": %lld, \"up\": %s", l->n++ ? "," : "", (long long)r->t_ms,
                  r->up ? "true" : "false");
    const char *k[] = {"goroutines", "heap_inuse", "heap_alloc", "rss"};
    const int64_t v[] = {r->goroutines, r->heap_inuse, r->heap_alloc, r->rss};
    for (int i = 0; i < 4; i++) {
        if (v[i] >= 0) {
            gm_out_printf(o, ", \"%s\": %lld", k[i], (long long)v[i]);
        }
    }
    if (r->gc_cpu >= 0) {
        gm_out_printf(o, ", \"gc_cpu\": %.6g", r->gc_cpu / 100);
    }
    if (r->states) {
        gm_out_puts(o, ", \"states\": {");
        const char *p = r->states;
        for (int c = 0; c < GM_WAIT_NR && *p; c++) {
            char *end = NULL;
            long long n = strtoll(p, &end, 10);
            gm_out_printf(o, "%s\"%s\": %lld", c ? ", " : "",
                          gm_wait_class_name((enum gm_wait_class)c), n);
            p = *end == ',' ? end + 1 : end;
        }
        gm_out_puts(o, "}");
    }
    gm_out_puts(o, "}");
    return 0;
}

static int event_json(void *ctx, int64_t t_ms, const char *target, const char *event,
                      const char *json)
{
    struct list *l = ctx;
    (void)t_ms;
    (void)target;
    (void)event;
    gm_out_printf(l->o, "%s\n  %s", l->n++ ? "," : "", json);
    return 0;
}

static int finding_json(void *ctx, const char *json)
{
    return event_json(ctx, 0, NULL, NULL, json);
}

static int capture_json(void *ctx, int64_t id, int64_t t_ms, const char *target, const char *kind,
                        const char *path, int64_t bytes)
{
    struct list *l = ctx;
    (void)path; /* not shown: the file is served by id */
    const char *sep = l->n < 0 ? "" : l->n ? ",\n  " : "\n  ";
    l->n++;
    gm_out_printf(l->o, "%s{\"id\": %lld, \"time_ms\": %lld, \"target\": ", sep, (long long)id,
                  (long long)t_ms);
    gm_out_json_cstr(l->o, target);
    gm_out_puts(l->o, ", \"kind\": ");
    gm_out_json_cstr(l->o, kind);
    gm_out_printf(l->o, ", \"bytes\": %lld, \"file\": \"/captures/%lld/file\"%s", (long long)bytes,
                  (long long)id, l->open ? "" : "}");
    return 0;
}

static int capture_row_of(void *ctx, int64_t id, int64_t t_ms, const char *target, const char *kind,
                          const char *path, int64_t bytes)
{
    struct capture_row *c = ctx;
    c->id = id;
    c->t_ms = t_ms;
    c->bytes = bytes;
    snprintf(c->target, sizeof(c->target), "%s", target);
    snprintf(c->kind, sizeof(c->kind), "%s", kind);
    snprintf(c->path, sizeof(c->path), "%s", path);
    return 0;
}

int capture_get(struct watcher *w, int64_t id, struct capture_row *c)
{
    memset(c, 0, sizeof(*c));
    return store_capture_get(w->st, id, capture_row_of, c);
}

int api_serve(struct watcher *w, const struct request *rq, struct reply *rp)
{
    if (strncmp(rq->path, "/api/", 5) != 0) {
        return -1;
    }
    struct gm_out o;
    gm_out_init(&o, rp->f, 0);
    rp->type = "application/json";
    int64_t id = 0;
    const char *rest = "";
    struct list l = {&o, 0, 0};
    int64_t since = now_ms() - request_since(rq, 3600000);
    const char *target = request_arg(rq, "target");
    if (strcmp(rq->path, "/api/targets") == 0) {
        gm_out_puts(&o, "{\"targets\": [");
        for (uint32_t i = 0; i < w->n; i++) {
            gm_out_puts(&o, i ? ",\n  " : "\n  ");
            target_json(&o, &w->t[i], 1);
        }
        gm_out_puts(&o, "\n]}\n");
    } else if (path_id(rq->path, "/api/targets/", &id, &rest) == 0 && !*rest &&
               target_by_id(w, id)) {
        const struct target *t = target_by_id(w, id);
        target_json(&o, t, 0);
        gm_out_puts(&o, ", \"samples\": [");
        store_samples(w->st, t->id, since, sample_json, &l);
        gm_out_puts(&o, "\n]}\n");
    } else if (strcmp(rq->path, "/api/events") == 0) {
        gm_out_puts(&o, "{\"events\": [");
        store_events(w->st, target, since, event_json, &l);
        gm_out_puts(&o, "\n]}\n");
    } else if (strcmp(rq->path, "/api/captures") == 0) {
        gm_out_puts(&o, "{\"captures\": [");
        store_captures(w->st, target, since, capture_json, &l);
        gm_out_puts(&o, "\n]}\n");
    } else if (path_id(rq->path, "/api/captures/", &id, &rest) == 0 && !*rest) {
        struct capture_row c;
        if (capture_get(w, id, &c) <= 0) {
            rp->status = 404;
            gm_out_puts(&o, "{\"error\": \"no such capture\"}\n");
            return 0;
        }
        l.open = 1;
        l.n = -1; /* no separator before the object */
        capture_json(&l, c.id, c.t_ms, c.target, c.kind, c.path, c.bytes);
        gm_out_puts(&o, ", \"findings\": [");
        l.n = 0;
        capture_findings(w, id, c.target, c.t_ms, finding_json, &l);
        gm_out_puts(&o, "\n]}\n");
    } else {
        rp->status = 404;
        gm_out_puts(&o, "{\"error\": \"not found\"}\n");
    }
    return 0;
}
