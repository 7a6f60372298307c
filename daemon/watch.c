/*
 * The watch loop (watch.h). A target's life: sample -> series -> rules -> trigger -> capture
 * -> findings, each step an event. Nothing here blocks: requests go through the multi handle
 * and their callbacks advance the target.
 */
#define _GNU_SOURCE
#include "watch.h"
#include "alert.h"
#include "hook.h"
#include "server.h"
#include "state.h"
#include "gm/alloc.h"
#include "gm/artifact.h"
#include "gm/bucket.h"
#include "gm/catalogue.h"
#include "gm/findings.h"
#include "gm/heapgrowth.h"
#include "gm/input.h"
#include "gm/pprof.h"
#include "gm/leak.h"
#include "gm/lint.h"
#include "gm/out.h"
#include "gm/pview.h"
#include "gm/record.h"
#include "gm/series.h"
#include "gm/sniff.h"
#include "gm/source.h"
#include "gm/strtab.h"
#include "gm/tracejoin.h"
#include "gm/trend.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define SERIES_CAP 4096

const char *const rule_name[RULE_NR] = {"goroutine-growth", "heap-growth", "gc-cpu", "limit"};
const char *const cap_kind_name[CAP_NR] = {"goroutine-debug2", "heap", "cpu", "trace", "goroutine"};
const char *const hook_result_name[HOOKR_NR] = {"ok", "failed", "timeout", "skipped"};
const char *const scrape_err_name[ERR_NR] = {"refused", "timeout", "http", "too_big", "format"};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void utc_time(int64_t ms, char *buf, size_t cap)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char ts[32];
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, cap, "%s.%03dZ", ts, (int)(ms % 1000));
}

void watch_opts_default(struct watch_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->interval_ms = 10000;
    o->cooldown_ms = 300000;
    o->timeout_ms = 10000;
    o->max_body = (size_t)64 << 20;
    o->cpu_seconds = 10;
    o->heap_every = 2;
    o->min_goroutines = 10;
    o->min_heap = 1 << 20;
    o->max_gc_cpu = 25;
    o->retention_ms = 7 * 86400000LL;
    o->max_captures = (int64_t)1 << 30;
}

int64_t watch_parse_duration(const char *s)
{
    if (!s || !*s) {
        return -1;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0 || v > 1e9) {
        return -1;
    }
    double mult = 1000;
    if (strcmp(end, "ms") == 0) {
        mult = 1;
    } else if (strcmp(end, "s") == 0 || *end == '\0') {
        mult = 1000;
    } else if (strcmp(end, "m") == 0) {
        mult = 60000;
    } else if (strcmp(end, "h") == 0) {
        mult = 3600000;
    } else if (strcmp(end, "d") == 0) {
        mult = 86400000;
    } else {
        return -1;
    }
    return (int64_t)(v * mult);
}

int watch_target_parse(const char *spec, struct watch_target *t)
{
    memset(t, 0, sizeof(*t));
    const char *eq = strchr(spec, '=');
    const char *url = spec;
    if (eq && strncmp(spec, "http", 4) != 0) {
        snprintf(t->name, sizeof(t->name), "%.*s", (int)(eq - spec), spec);
        url = eq + 1;
    }
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        return -1;
    }
    size_t n = strlen(url);
    while (n > 8 && url[n - 1] == '/') {
        n--;
    }
    if (n >= sizeof(t->url)) {
        return -1;
    }
    memcpy(t->url, url, n);
    t->url[n] = '\0';
    if (!t->name[0]) { /* host:port */
        const char *h = strstr(t->url, "://") + 3;
        snprintf(t->name, sizeof(t->name), "%.*s", (int)strcspn(h, "/"), h);
    }
    return 0;
}

/* ---------------------------------------------------------------- events */

/* An event under construction: a JSON object in memory. */
struct ev {
    char *buf;
    size_t len;
    FILE *f;
    struct gm_out o;
    const char *event;
    const struct target *t;
    int64_t t_ms;
    int sev;                /* a finding's severity, else -1 */
    char id[64], func[256]; /* a finding's id and function (for hook environments) */
};

static void hooks_fire(struct watcher *w, const struct ev *e);

static void ev_begin(struct ev *e, const struct target *t, const char *event, int64_t t_ms)
{
    memset(e, 0, sizeof(*e));
    e->f = open_memstream(&e->buf, &e->len);
    gm_out_init(&e->o, e->f ? e->f : stderr, 0);
    e->event = event;
    e->t = t;
    e->t_ms = t_ms;
    e->sev = -1;
    char ts[40];
    utc_time(t_ms, ts, sizeof(ts));
    gm_out_printf(&e->o, "{\"time\": \"%s\", \"target\": ", ts);
    gm_out_json_cstr(&e->o, t->w.name);
    gm_out_puts(&e->o, ", \"url\": ");
    gm_out_json_cstr(&e->o, t->w.url);
    gm_out_printf(&e->o, ", \"event\": \"%s\"", event);
}

static void ev_str(struct ev *e, const char *key, const char *v)
{
    gm_out_printf(&e->o, ", \"%s\": ", key);
    gm_out_json_cstr(&e->o, v);
}

static void ev_num(struct ev *e, const char *key, double v)
{
    if (v == (double)(int64_t)v) {
        gm_out_printf(&e->o, ", \"%s\": %lld", key, (long long)v);
    } else {
        gm_out_printf(&e->o, ", \"%s\": %.3f", key, v);
    }
}

/* The readable line of an event for the log (without --json). */
static void log_line(const struct watcher *w, const struct ev *e, const char *text)
{
    time_t secs = (time_t)(e->t_ms / 1000);
    struct tm tm;
    localtime_r(&secs, &tm);
    char ts[16];
    strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
    (void)w;
    printf("%s  %-16s %-9s %s\n", ts, e->t->w.name, e->event, text);
    fflush(stdout);
}

/* Closes the object, stores it and prints it (JSON line or readable text). */
static void ev_end(struct watcher *w, struct ev *e, const char *text)
{
    gm_out_puts(&e->o, "}");
    if (e->f) {
        fclose(e->f);
    }
    if (!e->buf) {
        return;
    }
    if (store_event(w->st, e->t_ms, e->t->w.name, e->event, e->buf) < 0) {
        fprintf(stderr, "gomedic watch: %s: cannot store an event: %s\n", w->st->path,
                store_errmsg(w->st));
    }
    if (w->o->json) {
        printf("%s\n", e->buf);
        fflush(stdout);
    } else {
        log_line(w, e, text);
    }
    hooks_fire(w, e);
    free(e->buf);
}

static void event_simple(struct watcher *w, struct target *t, const char *event, const char *text)
{
    struct ev e;
    ev_begin(&e, t, event, now_ms());
    if (text && *text) {
        ev_str(&e, "message", text);
    }
    ev_end(w, &e, text ? text : "");
}

/* ---------------------------------------------------------------- sampling */

/* The series of the stack with this key, made when new (NULL when it cannot be followed). */
static struct stack_track *track(struct target *t, uint64_t key, int64_t now)
{
    for (uint32_t i = 0; i < t->stacks_nr; i++) {
        if (t->stacks[i].key == key) {
            return &t->stacks[i];
        }
    }
    struct stack_track *s = NULL;
    if (t->stacks_nr < STACKS_MAX) {
        s = &t->stacks[t->stacks_nr];
        if (gm_series_init(&s->s, t->series_cap) < 0) {
            return NULL;
        }
        t->stacks_nr++;
    } else { /* replace the one seen longest ago */
        s = &t->stacks[0];
        for (uint32_t i = 1; i < t->stacks_nr; i++) {
            if (t->stacks[i].seen_ms < s->seen_ms) {
                s = &t->stacks[i];
            }
        }
        if (s->seen_ms >= now) {
            return NULL; /* all in this very sample: follow the ones we have */
        }
        gm_series_clear(&s->s);
    }
    s->key = key;
    s->func[0] = '\0';
    /* a stack not in the earlier samples had no goroutines then */
    if (t->first_ms && t->first_ms < now) {
        gm_series_push(&s->s, t->first_ms, 0);
    }
    return s;
}

/* Counts n goroutines of a stack in this sample (a stack may come twice: with labels). */
static void track_count(struct target *t, uint64_t key, uint64_t n, struct gm_str func, int64_t now)
{
    struct stack_track *s = track(t, key, now);
    if (!s) {
        return;
    }
    if (!s->func[0]) {
        snprintf(s->func, sizeof(s->func), "%.*s",
                 func.len ? (int)GM_MIN(func.len, sizeof(s->func) - 1) : 1,
                 func.len ? func.p : "?");
    }
    if (s->seen_ms == now && s->s.nr) {
        gm_series_add_last(&s->s, (double)n);
    } else {
        gm_series_push(&s->s, now, (double)n);
    }
    s->seen_ms = now;
}

/* A stack gone from the dump counts 0. */
static void track_absent(struct target *t, int64_t now)
{
    for (uint32_t i = 0; i < t->stacks_nr; i++) {
        if (t->stacks[i].seen_ms != now) {
            gm_series_push(&t->stacks[i].s, now, 0);
        }
    }
}

/* The wait class of a stack the last binary profile classed (learn_put), else "other". */
static enum gm_wait_class learned(const struct target *t, uint64_t key)
{
    key = key ? key : 1; /* 0 marks an empty slot: learn_put keeps key 0 as 1 */
    uint32_t i = (uint32_t)key % LEARN_MAX;
    for (uint32_t n = 0; n < LEARN_MAX && t->learn[i].key; n++, i = (i + 1) % LEARN_MAX) {
        if (t->learn[i].key == key) {
            return (enum gm_wait_class)t->learn[i].cls;
        }
    }
    return GM_WAIT_OTHER;
}

static void learn_put(struct target *t, uint64_t key, enum gm_wait_class c)
{
    key = key ? key : 1;
    uint32_t i = (uint32_t)key % LEARN_MAX;
    for (uint32_t n = 0; n < LEARN_MAX; n++, i = (i + 1) % LEARN_MAX) {
        if (!t->learn[i].key || t->learn[i].key == key) {
            t->learn[i].key = key;
            t->learn[i].cls = (uint8_t)c;
            return;
        }
    }
}

static void on_gpeek(void *ctx, const struct gm_gpeek *g)
{
    struct target *t = ctx;
    enum gm_wait_class c = g->wait != GM_WAIT_OTHER ? g->wait : learned(t, g->key);
    t->states[c] += (int64_t)(g->count > INT64_MAX / 2 ? INT64_MAX / 2 : g->count);
    track_count(t, g->key, g->count, g->func, t->sample_ms);
}

/* A goroutine profile: the goroutine total and the count of each stack. Most samples are
 * debug=1 text, read without a model (gm_gdump_peek): no gzip on either side and a few
 * microseconds here. Every window/5 the binary form (debug=0: the same runtime call, plus
 * the runtime frames that tell each stack's wait state) is taken instead and kept for the
 * diff of a capture; both give the same stack keys (gm_stack_key). */
static int read_goroutines(struct target *t, const char *body, size_t len, int64_t now)
{
    struct gm_diag d = {0};
    t->sample_ms = now;
    if (len && body[0] == 'g') {
        uint64_t total = 0;
        if (gm_gdump_peek(body, len, &total, on_gpeek, t, &d) < 0) {
            snprintf(t->err, sizeof(t->err), "goroutine: %s", d.msg);
            return -1;
        }
        t->goroutines = total > INT64_MAX ? INT64_MAX : (int64_t)total;
        track_absent(t, now);
        return 0;
    }
    struct gm_gdump_set set;
    struct gm_artifact a;
    struct gm_artifact_opts ao = {.want = GM_WANT_DUMPS | GM_WANT(GM_KIND_PPROF),
                                  .want_text = "a goroutine profile",
                                  .expect_pprof = 1};
    if (gm_gdump_set_init(&set, NULL, GM_SIM_AGGRESSIVE) < 0) {
        return -1;
    }
    int rc = gm_artifact_open_mem(&a, t->w.name, body, len, &ao, &d);
    if (rc == 0) {
        rc = gm_artifact_dumps(&a, &set, &d);
        gm_artifact_close(&a);
    }
    if (rc <= 0 || set.dumps_nr == 0) {
        snprintf(t->err, sizeof(t->err), "goroutine: %s", d.msg[0] ? d.msg : "no goroutines");
        gm_gdump_set_release(&set);
        return -1;
    }
    const struct gm_dump *dump = &set.dumps[0];
    t->goroutines = (int64_t)(dump->total_declared ? dump->total_declared : dump->goroutines);
    struct gm_buckets b;
    if (gm_bucket_dump(&set, 0, GM_BUCKET_IGNORE_ARGS, &b) == 0) {
        memset(t->learn, 0, sizeof(t->learn)); /* the classes of the stacks there are now */
        for (uint32_t i = 0; i < b.nr; i++) {
            uint32_t f = gm_stack_user_frame(&set.stacks, b.v[i].stack_id);
            const char *fn = f == GM_NO_FRAME ? "" : gm_stacks_func(&set.stacks, f);
            uint64_t key = gm_stack_key(&set.stacks, b.v[i].stack_id);
            enum gm_wait_class c = gm_wait_class_stack(
                &set.stacks, b.v[i].stack_id, gm_strtab_cstr(&set.stacks.strs, b.v[i].state_id));
            t->states[c] += (int64_t)b.v[i].count;
            learn_put(t, key, c);
            track_count(t, key, b.v[i].count, (struct gm_str){fn, strlen(fn)}, now);
        }
        gm_buckets_release(&b);
    }
    track_absent(t, now);
    gm_gdump_set_release(&set);
    return 0;
}

/* A heap profile body: the bytes in use, summed without decoding the profile (the kept bodies
 * are decoded when a trigger needs them). Always the binary form: debug=1 text lists every
 * allocation site since the start, in use or not (1 MB where the gzipped proto is 20 kB). */
static int read_heap(struct target *t, const char *body, size_t len)
{
    struct gm_diag d = {0};
    struct gm_input in;
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = t->wt->o->max_body * 16 + 1;
    int rc = gm_input_from_mem(&in, t->w.name, body, len, &lim, &d);
    if (rc == 0) {
        rc = gm_pprof_sum(in.p, in.len, "inuse_space", &t->heap, &d);
        if (rc < 0) {
            gm_sniff_found_text(in.p, in.len, "a heap profile", &d);
        }
        gm_input_close(&in);
    }
    if (rc < 0) {
        snprintf(t->err_h, sizeof(t->err_h), "heap: %s", d.msg[0] ? d.msg : "not a profile");
        return -1;
    }
    return 0;
}

static void sample_done(struct watcher *w, struct target *t);
static void get(struct watcher *w, struct target *t, const char *path, long timeout_ms,
                http_done_fn fn, void *ctx);
static void on_heap(void *ctx, const struct http_req *r, int ok, const char *err);
static void next_part(struct target *t);

/* What kind of failure a request's was (gomedic_scrape_errors_total). */
static enum scrape_err err_kind(const struct http_req *r, const char *err)
{
    if (r->too_big) {
        return ERR_TOO_BIG;
    }
    if (r->status >= 300) {
        return ERR_HTTP;
    }
    return strstr(err, "timed out") || strstr(err, "Timeout") ? ERR_TIMEOUT : ERR_REFUSED;
}

static void on_goroutines(void *ctx, const struct http_req *r, int ok, const char *err)
{
    struct target *t = ctx;
    int64_t now = now_ms();
    if (!err) {
        return; /* cancelled at exit */
    }
    if (!ok) {
        t->n_errors[err_kind(r, err)]++;
        snprintf(t->err, sizeof(t->err), "goroutine: %s", err);
        if (r->status == 0) { /* no answer at all (refused, timed out): the rest would wait too */
            t->want_heap = t->want_vars = 0;
        } else { /* up or down is judged on the heap too, every sample alike */
            t->want_heap = 1;
        }
    } else if (read_goroutines(t, r->body, r->len, now) < 0) {
        t->n_errors[ERR_FORMAT]++;
    } else {
        t->ok_g = 1;
        if (t->full) {
            history_keep(&t->dbg1, r->body, r->len, now);
        }
    }
    next_part(t);
}

static void on_heap(void *ctx, const struct http_req *r, int ok, const char *err)
{
    struct target *t = ctx;
    if (!err) {
        return;
    }
    if (!ok) {
        t->n_errors[err_kind(r, err)]++;
        snprintf(t->err_h, sizeof(t->err_h), "heap: %s", err);
        t->want_vars = t->want_vars && r->status != 0;
    } else if (read_heap(t, r->body, r->len) < 0) {
        t->n_errors[ERR_FORMAT]++;
    } else {
        t->ok_h = 1;
        if (t->full) {
            history_keep(&t->heaps, r->body, r->len, now_ms());
        }
    }
    next_part(t);
}

/* expvar's /debug/vars: the runtime.MemStats the service publishes (GC CPU share, heap
 * allocated). A service without expvar answers 404 once and is not asked again. */
static void on_vars(void *ctx, const struct http_req *r, int ok, const char *err)
{
    struct target *t = ctx;
    if (!err) {
        return;
    }
    if (!ok) {
        t->no_vars = r->status == 404;
    } else {
        cJSON *j = cJSON_ParseWithLength(r->body, r->len);
        const cJSON *ms = cJSON_GetObjectItemCaseSensitive(j, "memstats");
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(ms, "GCCPUFraction");
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(ms, "HeapAlloc");
        if (cJSON_IsNumber(f) && f->valuedouble >= 0 && f->valuedouble <= 1) {
            t->gc_cpu = f->valuedouble * 100;
        }
        if (cJSON_IsNumber(a) && a->valuedouble >= 0) {
            t->heap_alloc = (int64_t)a->valuedouble;
        }
        cJSON_Delete(j);
    }
    next_part(t);
}

/* The next part of the sample, on the connection the last one leaves open; or the end. */
static void next_part(struct target *t)
{
    if (t->want_heap) {
        t->want_heap = 0;
        get(t->wt, t, "/debug/pprof/heap", t->w.timeout_ms, on_heap, t);
    } else if (t->want_vars) {
        t->want_vars = 0;
        get(t->wt, t, "/debug/vars", t->w.timeout_ms, on_vars, t);
    } else {
        sample_done(t->wt, t);
    }
}

static void get(struct watcher *w, struct target *t, const char *path, long timeout_ms,
                http_done_fn fn, void *ctx)
{
    char url[1024];
    snprintf(url, sizeof(url), "%s%s", t->w.url, path);
    struct http_opts ho = {t->w.auth, t->w.ca_file, t->w.cert_file, t->w.key_file, NULL};
    if (http_get(&w->http, url, &ho, w->o->max_body, timeout_ms, fn, ctx) == 0) {
        return;
    }
    struct http_req r;
    memset(&r, 0, sizeof(r));
    fn(ctx, &r, 0, "cannot start the request");
}

/* Takes a sample, one request after the other on one connection: the goroutine profile, then
 * every heap_every samples the heap profile and expvar's memstats. The goroutine profile is
 * debug=1 text (cheaper for the target and for us: no gzip), except when a body is due for the
 * history (every window/5): then the binary form, and the heap with it. */
static void sample_start(struct watcher *w, struct target *t)
{
    int64_t now = now_ms();
    t->full = !t->full_ms || now - t->full_ms >= t->window_ms / (HISTORY_MAX - 1);
    if (t->full) {
        t->full_ms = now;
    }
    t->want_heap = t->full || t->samples % (uint32_t)w->o->heap_every == 0;
    t->want_vars = t->want_heap && !t->no_vars;
    t->samples++;
    t->ok_g = t->ok_h = 0;
    t->goroutines = t->heap = t->heap_alloc = -1;
    t->gc_cpu = -1;
    t->err[0] = t->err_h[0] = '\0';
    t->start_ms = now;
    memset(t->states, 0, sizeof(t->states));
    get(w, t, t->full ? "/debug/pprof/goroutine" : "/debug/pprof/goroutine?debug=1",
        t->w.timeout_ms, on_goroutines, t);
}

/* ---------------------------------------------------------------- captures and findings */

struct capture {
    struct target *t;
    enum rule rule;
    enum cap_kind ck;
    int64_t id; /* in the store, once saved */
    char path[4400];
};

/* Writes body to the capture directory; the path in c->path. 0 or -1. */
static int save(struct watcher *w, struct capture *c, const char *ext, const char *body, size_t len,
                int64_t t_ms)
{
    char name[200];
    snprintf(name, sizeof(name), "%s", c->t->w.name);
    for (char *p = name; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '.')) {
            *p = '_';
        }
    }
    snprintf(c->path, sizeof(c->path), "%s/%s-%lld-%s%s", w->st->capdir, name, (long long)t_ms,
             cap_kind_name[c->ck], ext);
    char tmp[4500];
    snprintf(tmp, sizeof(tmp), "%s.tmp", c->path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        return -1;
    }
    size_t wrote = fwrite(body, 1, len, f);
    int bad = wrote != len || fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, c->path) < 0) {
        unlink(tmp);
        return -1;
    }
    c->id = store_capture(w->st, t_ms, c->t->w.name, cap_kind_name[c->ck], c->path, (int64_t)len);
    c->t->n_captures[c->ck]++;
    store_prune_captures(w->st, now_ms(), w->o->retention_ms, w->o->max_captures);
    return 0;
}

static void emit_capture(struct watcher *w, struct capture *c, size_t len)
{
    struct ev e;
    ev_begin(&e, c->t, "capture", now_ms());
    ev_str(&e, "rule", rule_name[c->rule]);
    ev_str(&e, "kind", cap_kind_name[c->ck]);
    ev_str(&e, "file", c->path);
    if (c->id > 0) {
        ev_num(&e, "capture", (double)c->id);
    }
    ev_num(&e, "bytes", (double)len);
    char text[4500];
    snprintf(text, sizeof(text), "%s (%zu bytes) -> %s", cap_kind_name[c->ck], len, c->path);
    ev_end(w, &e, text);
}

/* A finding stays open while the episode of its rule does: the same id and function again
 * (the next capture of the episode) updates it; a full table gives way to a worse finding. */
static void finding_open(struct target *t, enum rule rule, const struct gm_record *r,
                         const char *evidence, int64_t capture_id)
{
    struct open_finding *f = NULL;
    for (uint32_t i = 0; i < t->open_nr && !f; i++) {
        struct open_finding *o = &t->open[i];
        if (!o->ended_ms && strcmp(o->id, r->kind->id) == 0 &&
            strcmp(o->function, r->function) == 0) {
            f = o;
        }
    }
    if (!f && t->open_nr < OPEN_MAX) {
        f = &t->open[t->open_nr++];
        memset(f, 0, sizeof(*f));
        f->since_ms = now_ms();
    } else if (!f) {
        for (uint32_t i = 0; i < t->open_nr; i++) { /* the least severe, if less than this */
            if (t->open[i].severity < (int)r->severity &&
                (!f || t->open[i].severity < f->severity)) {
                f = &t->open[i];
            }
        }
        if (!f) {
            return;
        }
        memset(f, 0, sizeof(*f));
        f->since_ms = now_ms();
    }
    snprintf(f->id, sizeof(f->id), "%s", r->kind->id);
    snprintf(f->function, sizeof(f->function), "%s", r->function);
    snprintf(f->evidence, sizeof(f->evidence), "%s", evidence);
    f->fix = r->kind->fix;
    f->severity = (int)r->severity;
    f->rule = rule;
    f->capture = capture_id > 0 ? capture_id : f->capture;
    t->wt->alerts_dirty = 1;
}

/* The findings of a rule (every rule when rule is RULE_NR) end: kept until their alert says
 * so (with --alertmanager), else gone. */
static void findings_close(struct target *t, int rule, int64_t now)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->open_nr; i++) {
        struct open_finding *f = &t->open[i];
        if (!f->ended_ms && (rule == RULE_NR || (int)f->rule == rule)) {
            f->ended_ms = now;
            t->wt->alerts_dirty = 1;
        }
        if (!f->ended_ms || t->wt->am) {
            t->open[k++] = *f;
        }
    }
    t->open_nr = k;
}

/* The source a target's findings are read against: its source_root (and the paths as its
 * dumps print them), or none: a daemon reads no file a target names unless told where its
 * source is. */
static void source_open(struct gm_source *src, const struct target *t)
{
    gm_source_init(src);
    src->disabled = !t->w.source_root[0];
    src->roots = t->src_roots;
    src->roots_nr = t->w.source_root[0] ? 1 : 0;
}

/* The findings of recs at low severity or above, at most max: how many were emitted. */
static uint32_t emit_records(struct watcher *w, struct target *t, enum rule rule,
                             const struct gm_records *recs, const char *from, int64_t capture_id,
                             uint32_t max)
{
    uint32_t shown = 0;
    for (uint32_t i = 0; i < recs->nr && shown < max; i++) {
        const struct gm_record *r = &recs->v[i];
        if (r->severity < GM_SEV_LOW) {
            continue;
        }
        shown++;
        struct ev e;
        ev_begin(&e, t, "finding", now_ms());
        e.sev = (int)r->severity;
        snprintf(e.id, sizeof(e.id), "%s", r->kind->id);
        snprintf(e.func, sizeof(e.func), "%s", r->function);
        ev_str(&e, "rule", rule_name[rule]);
        ev_str(&e, "id", r->kind->id);
        ev_str(&e, "severity", gm_severity_name(r->severity));
        ev_str(&e, "function", r->function);
        char loc[300];
        snprintf(loc, sizeof(loc), "%s:%u", r->file, r->line);
        ev_str(&e, "location", r->file[0] ? loc : "");
        ev_num(&e, "count", (double)r->count);
        char ev[sizeof(r->evidence)];
        snprintf(ev, sizeof(ev), "%s", r->evidence);
        if (!ev[0] && strcmp(r->kind->id, "heap-growth") == 0 && r->num_name[1]) {
            snprintf(
                ev, sizeof(ev), "in use grew %.1f MB over %llu profiles (%+.1f MB/h, R^2 %.2f)",
                r->num[0] / 1048576, (unsigned long long)r->count, r->num[1] / 1048576, r->num[2]);
        }
        ev_str(&e, "evidence", ev);
        ev_str(&e, "fix", r->kind->fix);
        if (r->source.said[0]) {
            ev_str(&e, "statement", r->source.said);
        }
        char confirmed[300] = "";
        if (r->source.line) {
            gm_out_puts(&e.o, ", \"source\": {\"file\": ");
            gm_out_json_cstr(&e.o, r->source.file);
            gm_out_printf(&e.o, ", \"line\": %u, \"rule\": ", r->source.line);
            gm_out_json_cstr(&e.o, r->source.rule ? r->source.rule : "");
            gm_out_puts(&e.o, ", \"message\": ");
            gm_out_json_cstr(&e.o, r->source.what);
            gm_out_puts(&e.o, "}");
            snprintf(confirmed, sizeof(confirmed), " (confirmed by the source: %s:%u, %s)",
                     r->source.file, r->source.line, r->source.rule ? r->source.rule : "");
        }
        ev_str(&e, "from", from);
        if (capture_id > 0) {
            ev_num(&e, "capture", (double)capture_id);
        }
        finding_open(t, rule, r, ev, capture_id);
        char text[900];
        snprintf(text, sizeof(text), "%-8s %s  %s  %s  x%llu: %s%s", gm_severity_name(r->severity),
                 r->kind->id, r->function, r->file[0] ? loc : "", (unsigned long long)r->count, ev,
                 confirmed);
        ev_end(w, &e, text);
    }
    return shown;
}

/* The goroutine diff over the kept goroutine profiles, written as capture files first (the
 * same diff is then `gomedic diff FILE...` on them). */
static void diff_history(struct watcher *w, struct target *t)
{
    struct gm_gdump_set set;
    if (t->dbg1.nr < 2 || gm_gdump_set_init(&set, NULL, GM_SIM_AGGRESSIVE) < 0) {
        return;
    }
    uint32_t dumps[HISTORY_MAX], n = 0;
    for (uint32_t i = 0; i < t->dbg1.nr; i++) {
        size_t len = 0;
        char *body = history_load(&t->dbg1, i, &len);
        if (!body) {
            continue;
        }
        struct capture c = {.t = t, .rule = RULE_GOROUTINES, .ck = CAP_PROFILE};
        if (t->dbg1.v[i].t_ms > t->saved_ms && /* not saved by an earlier trigger */
            save(w, &c, ".pb.gz", body, len, t->dbg1.v[i].t_ms) == 0) {
            emit_capture(w, &c, len);
            t->saved_ms = t->dbg1.v[i].t_ms;
            t->saved_id = c.id;
        }
        struct gm_artifact a;
        struct gm_diag d = {0};
        if (gm_artifact_open_mem(&a, t->w.name, body, len, NULL, &d) == 0) {
            uint32_t before = set.dumps_nr;
            if (gm_artifact_dumps(&a, &set, &d) > 0) {
                set.dumps[before].time = t->dbg1.v[i].t_ms / 1000;
                dumps[n++] = before;
            }
            gm_artifact_close(&a);
        }
        free(body);
    }
    struct gm_source src;
    source_open(&src, t);
    struct gm_leak_opts lo = {.min_growth = (uint64_t)w->o->min_goroutines, .src = &src};
    struct gm_leak_result res;
    if (n >= 2 && gm_leak_diff(&set, dumps, n, &lo, &res) == 0) {
        gm_lint_confirm_leak(&res, &set, &src); /* out of memory: the rows stay unconfirmed */
        struct gm_records recs;
        gm_records_init(&recs);
        if (gm_records_from_leak(&set, &res, &recs) == 0) {
            emit_records(w, t, RULE_GOROUTINES, &recs, "goroutine profiles", t->saved_id, 5);
        }
        gm_records_release(&recs);
        gm_leak_release(&res);
    }
    gm_source_release(&src);
    gm_gdump_set_release(&set);
}

/* Proofs and deadlocks in a debug=2 dump (growth is the diff's to tell). */
static void debug2_findings(struct watcher *w, const struct capture *c, const char *body,
                            size_t len)
{
    struct gm_gdump_set set;
    struct gm_artifact a;
    struct gm_diag d = {0};
    struct gm_findings fd;
    struct gm_records recs, keep;
    if (gm_gdump_set_init(&set, NULL, GM_SIM_POINTER) < 0) {
        return;
    }
    gm_records_init(&recs);
    gm_records_init(&keep);
    struct gm_source src;
    source_open(&src, c->t);
    if (gm_artifact_open_mem(&a, c->path, body, len, NULL, &d) == 0) {
        if (gm_artifact_dumps(&a, &set, &d) > 0 &&
            gm_findings_goroutines(&set, 0, &src, &fd) == 0) {
            if (!src.disabled) {
                gm_lint_confirm(&fd, &set.stacks, &src); /* out of memory: unconfirmed */
            }
            if (gm_records_from_goroutines(&set, &fd, &recs) == 0) {
                for (uint32_t i = 0; i < recs.nr; i++) {
                    const struct gm_record *x = &recs.v[i];
                    struct gm_record *k = NULL;
                    if ((x->proven || strcmp(x->kind->id, "lock-order-deadlock") == 0) &&
                        (k = gm_records_add(&keep, x->kind, x->severity)) != NULL) {
                        *k = *x;
                    }
                }
                emit_records(w, c->t, c->rule, &keep, "goroutine?debug=2", c->id, 5);
            }
            gm_findings_release(&fd);
        }
        gm_artifact_close(&a);
    }
    gm_records_release(&keep);
    gm_records_release(&recs);
    gm_source_release(&src);
    gm_gdump_set_release(&set);
}

/* The heap analysis over the kept heap bodies and this capture. When a heap rule triggers early
 * in a leak, the kept profiles are mostly from before it and no site is graded yet: then
 * another heap profile is captured a quarter window later and analysed with the newer history
 * (at most 3 times an episode). */
static void heap_findings(struct watcher *w, struct target *t, enum rule rule, int64_t capture_id,
                          const char *body, size_t len)
{
    uint32_t found = 0;
    struct gm_profile profs[HISTORY_MAX + 1];
    uint32_t n = 0;
    for (uint32_t i = 0; i <= t->heaps.nr; i++) {
        size_t l = len;
        char *kept = i < t->heaps.nr ? history_load(&t->heaps, i, &l) : NULL;
        const char *p = i < t->heaps.nr ? kept : body;
        if (!p) {
            continue;
        }
        struct gm_artifact a;
        struct gm_diag d = {0};
        struct gm_artifact_opts ao = {.want = GM_WANT_PROFILE};
        if (gm_artifact_open_mem(&a, t->w.name, p, l, &ao, &d) == 0) {
            profs[n++] = a.profile; /* taken over: released below */
            memset(&a.profile, 0, sizeof(a.profile));
            a.has_profile = 0;
            gm_artifact_close(&a);
        }
        free(kept);
    }
    struct gm_heap_result res;
    if (n >= 2 && gm_heap_analyze(profs, n, &res) == 0) {
        struct gm_records recs;
        gm_records_init(&recs);
        if (gm_records_from_heap(&res, &recs) == 0) {
            found = emit_records(w, t, rule, &recs, "heap profiles", capture_id, 5);
        }
        gm_records_release(&recs);
        gm_heap_release(&res);
    }
    for (uint32_t i = 0; i < n; i++) {
        gm_profile_release(&profs[i]);
    }
    if (!found && rule == RULE_HEAP && t->heap_agains < 3 && t->episode[RULE_HEAP]) {
        t->heap_again_ms = now_ms() + t->window_ms / 4;
    }
}

/* The dump a trigger captured, kept until the trace captured with it arrives. */
static void keep_dump(struct target *t, const char *body, size_t len)
{
    free(t->last_dump);
    t->last_dump = gm_xmalloc(len ? len : 1);
    t->last_dump_len = 0;
    if (t->last_dump) {
        memcpy(t->last_dump, body, len);
        t->last_dump_len = len;
        t->last_dump_ms = now_ms();
    }
}

/* A trace capture: its own findings (goroutines blocked through it, lock convoys, scheduler
 * backlog, GC share, long pauses), then the findings of the dump captured with it read against
 * it (gomedic trace --dump): one trace-evidence event per dump finding of low severity or more,
 * "confirmed" or "a false alarm" by the trace. */
static void trace_findings(struct watcher *w, const struct capture *c, const char *body, size_t len)
{
    struct gm_trace_result tr;
    struct gm_input in;
    struct gm_diag d = {0};
    if (gm_input_from_mem(&in, c->path, body, len, NULL, &d) < 0) {
        return;
    }
    /* the dump taken with this trace (within a minute), and its goroutine ids */
    struct target *t = c->t;
    int with_dump = t->last_dump && now_ms() - t->last_dump_ms < 60000;
    struct gm_gdump_set set;
    struct gm_findings fd;
    uint64_t *keep = NULL;
    size_t keep_nr = 0;
    memset(&fd, 0, sizeof(fd));
    int have_set = with_dump && gm_gdump_set_init(&set, NULL, GM_SIM_POINTER) == 0;
    with_dump = have_set;
    if (with_dump) {
        struct gm_artifact a;
        with_dump = 0;
        if (gm_artifact_open_mem(&a, "dump", t->last_dump, t->last_dump_len, NULL, &d) == 0) {
            with_dump = gm_artifact_dumps(&a, &set, &d) > 0 &&
                        gm_findings_goroutines(&set, 0, NULL, &fd) == 0;
            gm_artifact_close(&a);
        }
        const struct gm_dump *dm = with_dump ? &set.dumps[0] : NULL;
        if (dm && (keep = gm_xmalloc(sizeof(uint64_t) * (dm->nr ? dm->nr : 1))) != NULL) {
            for (uint32_t k = 0; k < dm->nr; k++) {
                uint64_t id = gm_g_id(gm_gdump_g(&set, dm->first + k));
                if (id) {
                    keep[keep_nr++] = id;
                }
            }
            for (size_t x = 1; x < keep_nr; x++) { /* sorted, for the analysis */
                uint64_t v = keep[x];
                size_t y = x;
                for (; y > 0 && keep[y - 1] > v; y--) {
                    keep[y] = keep[y - 1];
                }
                keep[y] = v;
            }
        }
    }
    struct gm_trace_opts to = {.keep = keep, .keep_nr = keep_nr, .threads = 1};
    if (gm_trace_analyze_input(&in, NULL, &to, &tr) == 0) {
        struct gm_records recs;
        gm_records_init(&recs);
        if (gm_records_from_trace(&tr, &recs) == 0) {
            /* what the trace adds: a finding the diff or the dump has open already (same id,
             * same function) keeps its evidence; the trace's word on it is the trace-evidence
             * event below. A low-severity trace finding (a few goroutines blocked for a part
             * of a short trace: a WaitGroup still waiting on its workers when the capture
             * ended) stays in the capture for gomedic trace, it is not an event */
            uint32_t k = 0;
            for (uint32_t i = 0; i < recs.nr; i++) {
                if (recs.v[i].severity < GM_SEV_MEDIUM) {
                    continue;
                }
                int known = 0;
                for (uint32_t o = 0; o < t->open_nr && !known; o++) {
                    known = !t->open[o].ended_ms && !strcmp(t->open[o].id, recs.v[i].kind->id) &&
                            !strcmp(t->open[o].function, recs.v[i].function);
                }
                if (!known) {
                    recs.v[k++] = recs.v[i];
                }
            }
            recs.nr = k;
            emit_records(w, t, c->rule, &recs, "execution trace", c->id, 5);
        }
        gm_records_release(&recs);
        struct gm_tjoin j;
        if (with_dump && gm_trace_join(&tr, &set, 0, &fd, &j) == 0) {
            for (uint32_t i = 0; i < j.nr; i++) {
                const struct gm_tj_finding *jf = &j.v[i];
                if (jf->f->severity < GM_SEV_LOW ||
                    (jf->verdict != GM_TJV_CONFIRMED && jf->verdict != GM_TJV_FALSE_ALARM)) {
                    continue;
                }
                char text[600];
                snprintf(text, sizeof(text), "%s in %s: %s", jf->f->kind->id,
                         jf->f->user_frame == GM_NO_FRAME
                             ? "?"
                             : gm_stacks_func(&set.stacks, jf->f->user_frame),
                         jf->why);
                struct ev e;
                ev_begin(&e, t, "trace-evidence", now_ms());
                ev_str(&e, "id", jf->f->kind->id);
                ev_str(&e, "verdict", gm_tj_verdict_name(jf->verdict));
                ev_num(&e, "capture", (double)c->id);
                ev_end(w, &e, text);
            }
            gm_tjoin_release(&j);
        }
        gm_trace_result_release(&tr);
    }
    free(keep);
    if (with_dump) {
        gm_findings_release(&fd);
    }
    if (have_set) {
        gm_gdump_set_release(&set);
    }
    gm_input_close(&in);
}

/* A capture arrived: stored as a file, then analysed as its kind allows. */
static void on_capture(void *ctx, const struct http_req *r, int ok, const char *err)
{
    struct capture *c = ctx;
    if (!err) {
        free(c); /* cancelled at exit */
        return;
    }
    struct watcher *w = c->t->wt;
    c->t->captures_pending--;
    const char *ext = c->ck == CAP_GOROUTINES ? ".txt" : c->ck == CAP_TRACE ? ".trace" : ".pb.gz";
    if (!ok) {
        event_simple(w, c->t, "capture-failed", err);
    } else if (save(w, c, ext, r->body, r->len, now_ms()) < 0) {
        event_simple(w, c->t, "capture-failed", strerror(errno));
    } else {
        emit_capture(w, c, r->len);
        if (c->ck == CAP_GOROUTINES) {
            debug2_findings(w, c, r->body, r->len);
            keep_dump(c->t, r->body, r->len);
        } else if (c->ck == CAP_TRACE) {
            trace_findings(w, c, r->body, r->len);
        } else if (c->ck == CAP_HEAP && c->rule != RULE_GOROUTINES) {
            heap_findings(w, c->t, c->rule, c->id, r->body, r->len);
        }
    }
    free(c);
}

static void capture(struct watcher *w, struct target *t, enum rule rule, enum cap_kind ck,
                    const char *path, long timeout_ms, http_done_fn fn)
{
    int64_t now = now_ms();
    if (t->captured_ms[ck] && now - t->captured_ms[ck] < w->o->cooldown_ms / 2 + 1000) {
        return; /* another rule of this target just asked for it (a CPU profile at a time) */
    }
    t->captured_ms[ck] = now;
    struct capture *c = gm_xcalloc(1, sizeof(*c));
    if (!c) {
        return;
    }
    c->t = t;
    c->rule = rule;
    c->ck = ck;
    t->captures_pending++;
    get(w, t, path, timeout_ms, fn, c);
}

static void trigger(struct watcher *w, struct target *t, enum rule rule, const struct gm_floor *f,
                    const char *what)
{
    struct ev e;
    t->n_triggers[rule]++;
    ev_begin(&e, t, "trigger", now_ms());
    ev_str(&e, "rule", rule_name[rule]);
    ev_str(&e, "what", what);
    ev_num(&e, "from", f->first);
    ev_num(&e, "to", f->last);
    ev_num(&e, "per_minute", f->per_min);
    char text[600];
    int mb = rule == RULE_HEAP || strstr(what, " MB");
    double u = mb ? 1048576 : 1;
    if (rule == RULE_HEAP) {
        snprintf(text, sizeof(text), "%s: in-use heap floor %.1f -> %.1f MB (%+.1f MB/min)",
                 rule_name[rule], f->first / u, f->last / u, f->per_min / u);
    } else if (rule == RULE_GC) {
        snprintf(text, sizeof(text),
                 "%s: the GC has used %.1f%% of the CPU since the start (over "
                 "%.0f%% for a quarter window)",
                 rule_name[rule], f->last, w->o->max_gc_cpu);
    } else if (rule == RULE_LIMIT) {
        snprintf(text, sizeof(text), "%s: %s for a quarter window (lowest %.*f, now %.*f%s)",
                 rule_name[rule], what, mb, f->first / u, mb, f->last / u, mb ? " MB" : "");
    } else {
        snprintf(text, sizeof(text), "%s: %s floor %.0f -> %.0f (%+.0f/min)", rule_name[rule], what,
                 f->first, f->last, f->per_min);
    }
    ev_end(w, &e, text);
    long cap_timeout = t->w.timeout_ms * 3;
    if (rule == RULE_GOROUTINES || (rule == RULE_LIMIT && strncmp(what, "goroutines", 10) == 0)) {
        diff_history(w, t);
        capture(w, t, rule, CAP_GOROUTINES, "/debug/pprof/goroutine?debug=2", cap_timeout,
                on_capture);
    }
    if (rule == RULE_HEAP) { /* the heap analysis needs this one even if another rule got one */
        t->captured_ms[CAP_HEAP] = 0;
    }
    capture(w, t, rule, CAP_HEAP, "/debug/pprof/heap", cap_timeout, on_capture);
    /* a short execution trace, where the service serves one (a 404 is a capture-failed event) */
    capture(w, t, rule, CAP_TRACE, "/debug/pprof/trace?seconds=1", cap_timeout + 1000L, on_capture);
    if (w->o->cpu_seconds > 0) {
        char path[64];
        snprintf(path, sizeof(path), "/debug/pprof/profile?seconds=%d", w->o->cpu_seconds);
        capture(w, t, rule, CAP_CPU, path, cap_timeout + w->o->cpu_seconds * 1000L, on_capture);
    }
}

/* ---------------------------------------------------------------- rules */

/* Every point of s in the last span over limit, and s reaching back that far: in f, the lowest
 * (first) and the newest (last). */
static int held_over(const struct gm_series *s, int64_t now, int64_t span, double limit,
                     struct gm_floor *f)
{
    if (limit <= 0 || !s->nr || gm_series_t(s, 0) > now - span ||
        gm_series_t(s, s->nr - 1) < now - span) {
        return 0; /* too short, or nothing measured within the span */
    }
    f->first = f->last = gm_series_v(s, s->nr - 1);
    for (uint32_t i = s->nr; i-- > 0 && gm_series_t(s, i) >= now - span;) {
        double v = gm_series_v(s, i);
        if (v <= limit) {
            return 0;
        }
        f->first = v < f->first ? v : f->first;
    }
    return 1;
}

/* The goroutine rule: the stack whose floor rose most, else the total. */
static int goroutines_rising(const struct watcher *w, const struct target *t, int64_t now,
                             struct gm_floor *best, char *what, size_t cap)
{
    struct gm_floor_opts go = {
        .window_ms = t->window_ms, .parts = 4, .min_rise = w->o->min_goroutines};
    struct gm_floor f;
    const char *most = NULL; /* the stack whose floor rose most, rising or not */
    double most_rise = 0;
    int holds = 0;
    for (uint32_t i = 0; i < t->stacks_nr; i++) {
        gm_floor_rise(&t->stacks[i].s, now, &go, &f);
        if (f.full && f.last - f.first > most_rise) {
            most_rise = f.last - f.first;
            most = t->stacks[i].func;
        }
        if (f.rising && (!holds || f.last - f.first > best->last - best->first)) {
            *best = f;
            holds = 1;
            snprintf(what, cap, "goroutines in %s", t->stacks[i].func);
        }
    }
    if (!holds) {
        gm_floor_rise(&t->total, now, &go, &f);
        if (f.rising) {
            *best = f;
            holds = 1;
            snprintf(what, cap, most ? "goroutines (most in %s)" : "goroutines", most);
        }
    }
    return holds;
}

/* Whether rule r holds for t now; what it saw in best and what. */
static int rule_holds(const struct watcher *w, const struct target *t, int r, int64_t now,
                      struct gm_floor *best, char *what, size_t cap)
{
    const struct watch_opts *o = w->o;
    int64_t sustain = t->window_ms / 4;
    struct gm_floor_opts ho = {
        .window_ms = t->window_ms, .parts = 4, .min_rise = o->min_heap, .min_frac = 0.1};
    switch (r) {
    case RULE_GOROUTINES:
        return goroutines_rising(w, t, now, best, what, cap);
    case RULE_HEAP:
        gm_floor_rise(&t->heap_s, now, &ho, best);
        snprintf(what, cap, "heap in use");
        return best->rising;
    case RULE_GC:
        snprintf(what, cap, "GC share of CPU");
        return held_over(&t->gc_s, now, sustain, o->max_gc_cpu, best);
    default: /* RULE_LIMIT */
        if (held_over(&t->total, now, sustain, o->max_goroutines, best)) {
            snprintf(what, cap, "goroutines over %.0f", o->max_goroutines);
        } else if (held_over(&t->heap_s, now, sustain, o->max_heap, best)) {
            snprintf(what, cap, "heap in use over %.1f MB", o->max_heap / 1048576);
        } else if (held_over(&t->rss_s, now, sustain, o->max_rss, best)) {
            snprintf(what, cap, "resident set over %.1f MB", o->max_rss / 1048576);
        } else {
            return 0;
        }
        return 1;
    }
}

static void judge(struct watcher *w, struct target *t, int64_t now)
{
    const struct watch_opts *o = w->o;
    for (int r = 0; r < RULE_NR; r++) {
        struct gm_floor best;
        char what[256] = "";
        memset(&best, 0, sizeof(best));
        int holds = rule_holds(w, t, r, now, &best, what, sizeof(what));
        if (holds) {
            t->quiet_since[r] = 0;
            if (!t->episode[r] && now >= t->cooldown_until[r]) {
                t->episode[r] = 1;
                if (r == RULE_HEAP) {
                    t->heap_again_ms = 0;
                    t->heap_agains = 0;
                }
                trigger(w, t, (enum rule)r, &best, what);
            }
        } else if (t->episode[r]) {
            if (!t->quiet_since[r]) {
                t->quiet_since[r] = now;
            } else if (now - t->quiet_since[r] >= t->window_ms) {
                t->episode[r] = 0;
                if (r == RULE_HEAP) {
                    t->heap_again_ms = 0; /* no late re-capture after the episode */
                }
                t->cooldown_until[r] = now + o->cooldown_ms;
                findings_close(t, r, now);
                struct ev e;
                ev_begin(&e, t, "resolved", now);
                ev_str(&e, "rule", rule_name[r]);
                char text[300];
                snprintf(text, sizeof(text), "%s: %s for a window", rule_name[r],
                         r < RULE_GC ? "no longer rising" : "back under the limit");
                ev_end(w, &e, text);
            }
        }
    }
}

/* The target is due again at its next_ms. */
static void schedule(struct watcher *w, struct target *t)
{
    w->due[t - w->t] = t->next_ms;
    w->wake_ms = t->next_ms < w->wake_ms ? t->next_ms : w->wake_ms;
}

int64_t proc_rss(int pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/statm", pid);
    FILE *f = fopen(path, "r");
    long long size = 0, res = -1;
    if (f) {
        if (fscanf(f, "%lld %lld", &size, &res) != 2) {
            res = -1;
        }
        fclose(f);
    }
    return res < 0 ? -1 : (int64_t)res * sysconf(_SC_PAGESIZE);
}

static void sample_done(struct watcher *w, struct target *t)
{
    int64_t now = now_ms();
    schedule(w, t);
    int up = t->ok_g || t->ok_h;
    char why[700];
    snprintf(why, sizeof(why), "%s%s%s", t->err, t->err[0] && t->err_h[0] ? "; " : "", t->err_h);
    t->rss = up && t->w.pid > 0 ? proc_rss(t->w.pid) : -1;
    t->n_samples++;
    if (up) { /* what is served until the next sample that answers */
        t->last.t_ms = now;
        t->last.goroutines = t->ok_g ? t->goroutines : -1;
        t->last.heap = t->ok_h ? t->heap : t->last.heap;
        t->last.gc_cpu = t->gc_cpu >= 0 ? t->gc_cpu : t->last.gc_cpu;
        t->last.seconds = (double)(now - t->start_ms) / 1000;
        memcpy(t->last.states, t->states, sizeof(t->states));
    }
    char states[GM_WAIT_NR * 21] = "";
    for (int c = 0, at = 0; t->ok_g && c < GM_WAIT_NR && at < (int)sizeof(states); c++) {
        at += snprintf(states + at, sizeof(states) - (size_t)at, "%s%lld", c ? "," : "",
                       (long long)t->states[c]);
    }
    struct store_row row = {now,
                            up,
                            t->ok_g ? t->goroutines : -1,
                            t->ok_h ? t->heap : -1,
                            t->heap_alloc,
                            t->gc_cpu,
                            t->rss,
                            states};
    store_sample(w->st, t->id, &row);
    if (!up) {
        t->fails++;
        if (t->up || !t->known) {
            event_simple(w, t, "down", why);
        }
        t->up = 0;
        t->known = 1;
        /* back off: 2, 4, 8 ... intervals, at most a minute (or one interval if longer) */
        int64_t back = t->w.interval_ms << (t->fails < 6 ? t->fails : 6);
        int64_t cap = t->w.interval_ms > 60000 ? t->w.interval_ms : 60000;
        t->next_ms = now + (back < cap ? back : cap);
        schedule(w, t);
        return;
    }
    if (!t->up) {
        char text[128];
        if (t->ok_h) {
            snprintf(text, sizeof(text), "%lld goroutines, %.1f MB heap in use",
                     (long long)t->goroutines, (double)t->heap / 1048576);
        } else {
            snprintf(text, sizeof(text), "%lld goroutines", (long long)t->goroutines);
        }
        if (t->known) { /* came back: a restart resets every count */
            gm_series_clear(&t->total);
            gm_series_clear(&t->heap_s);
            gm_series_clear(&t->gc_s);
            gm_series_clear(&t->rss_s);
            t->no_vars = 0;
            t->full_ms = 0; /* the history starts again */
            for (uint32_t i = 0; i < t->stacks_nr; i++) {
                gm_series_clear(&t->stacks[i].s);
            }
            history_clear(&t->dbg1);
            history_clear(&t->heaps);
            findings_close(t, RULE_NR, now); /* a restart ends what the process had */
        }
        event_simple(w, t, "up", text);
    } else if (why[0] && !w->o->quiet) {
        fprintf(stderr, "gomedic watch: %s: %s\n", t->w.name, why);
    }
    if (!t->up) {
        t->first_ms = now;
    }
    t->up = 1;
    t->known = 1;
    t->fails = 0;
    if (t->ok_g) {
        gm_series_push(&t->total, now, (double)t->goroutines);
    }
    if (t->ok_h) {
        gm_series_push(&t->heap_s, now, (double)t->heap);
    }
    if (t->gc_cpu >= 0) {
        gm_series_push(&t->gc_s, now, t->gc_cpu);
    }
    if (t->rss >= 0) {
        gm_series_push(&t->rss_s, now, (double)t->rss);
    }
    if (t->heap_again_ms > 0 && now >= t->heap_again_ms) {
        t->heap_again_ms = 0;
        t->heap_agains++; /* at most 3 an episode */
        t->captured_ms[CAP_HEAP] = 0;
        capture(w, t, RULE_HEAP, CAP_HEAP, "/debug/pprof/heap", t->w.timeout_ms * 3, on_capture);
    }
    judge(w, t, now);
}

/* ---------------------------------------------------------------- hooks */

/* A "hook" event: what a hook's run came to. */
static void hook_event(struct watcher *w, struct target *t, const struct hook *h, int status,
                       const char *result, const char *output, int64_t started)
{
    struct ev e;
    t->n_hooks[strncmp(result, "skipped", 7) == 0                         ? HOOKR_SKIPPED
               : strstr(result, "timeout") || strstr(result, "timed out") ? HOOKR_TIMEOUT
               : strcmp(result, "posted") == 0 || strcmp(result, "exit status 0") == 0
                   ? HOOKR_OK
                   : HOOKR_FAILED]++;
    ev_begin(&e, t, "hook", now_ms());
    ev_str(&e, "hook", h->name);
    ev_str(&e, "result", result);
    if (status >= 0) {
        ev_num(&e, "status", status);
    }
    ev_num(&e, "seconds", (double)(now_ms() - started) / 1000);
    if (output) {
        ev_str(&e, "output", output);
    }
    char text[400];
    snprintf(text, sizeof(text), "%s: %s", h->name, result);
    ev_end(w, &e, text);
}

struct webhook_call {
    struct watcher *w;
    struct target *t;
    const struct hook *h;
    int64_t started;
};

static void on_webhook(void *ctx, const struct http_req *r, int ok, const char *err)
{
    struct webhook_call *c = ctx;
    if (err) {
        char result[400];
        snprintf(result, sizeof(result), "%s", ok ? "posted" : err);
        hook_event(c->w, c->t, c->h, (int)r->status, result, NULL, c->started);
    }
    free(c);
}

/* Runs the hooks that want this event (not the hooks' own events). */
static void hooks_fire(struct watcher *w, const struct ev *e)
{
    unsigned kind = strcmp(e->event, "finding") == 0   ? HOOK_ON_FINDING
                    : strcmp(e->event, "trigger") == 0 ? HOOK_ON_TRIGGER
                    : strcmp(e->event, "down") == 0    ? HOOK_ON_DOWN
                                                       : 0;
    if (!kind || !e->buf) {
        return;
    }
    struct target *t = (struct target *)e->t;
    int64_t now = now_ms();
    for (uint32_t i = 0; i < w->o->hooks_nr; i++) {
        struct hook *h = &w->o->hooks[i];
        if (!hook_wants(h, kind, t->w.name, e->sev)) {
            continue;
        }
        if (hook_take(h, t->w.name, now) < 0) {
            hook_event(w, t, h, -1, "skipped: max_per_hour reached", NULL, now);
        } else if (h->webhook[0]) {
            struct webhook_call *c = gm_xcalloc(1, sizeof(*c));
            struct http_opts ho = {NULL, NULL, NULL, NULL, e->buf};
            if (c) {
                *c = (struct webhook_call){w, t, h, now};
                if (http_get(&w->http, h->webhook, &ho, 1 << 20, (long)h->timeout_ms, on_webhook,
                             c) < 0) {
                    free(c);
                }
            }
        } else {
            const struct hook_env env = {e->buf,
                                         e->len,
                                         e->event,
                                         t->w.name,
                                         t->w.url,
                                         e->id,
                                         e->sev >= 0 ? gm_severity_name((enum gm_severity)e->sev)
                                                     : "",
                                         e->func};
            if (hook_spawn(h, &env, now, t, &w->children) < 0) {
                hook_event(w, t, h, -1, "cannot start the command", NULL, now);
            }
        }
    }
}

static void on_hook_done(void *ctx, const struct hook_child *c, int status, const char *result)
{
    hook_event(ctx, c->owner, c->h, status, result, c->output, c->started);
}

/* ---------------------------------------------------------------- the loop */

static void target_release(struct target *t)
{
    gm_series_release(&t->total);
    gm_series_release(&t->heap_s);
    gm_series_release(&t->gc_s);
    gm_series_release(&t->rss_s);
    for (uint32_t i = 0; i < t->stacks_nr; i++) {
        gm_series_release(&t->stacks[i].s);
    }
    history_clear(&t->dbg1);
    history_clear(&t->heaps);
    free(t->last_dump);
    t->last_dump = NULL;
}

static void watch_release(struct watcher *w)
{
    if (w->srv) {
        server_stop(w->srv);
    }
    http_cleanup(&w->http); /* pending requests are dropped, not reported */
    alerts_free(w->am);
    for (uint32_t i = 0; i < w->n; i++) {
        target_release(&w->t[i]);
    }
    free(w->t);
    free(w->due);
}

int watch_run(const struct watch_opts *o, const struct watch_target *targets, uint32_t n,
              struct store *st)
{
    struct watcher w = {.o = o, .st = st, .n = n};
    struct watch_opts eff = *o;
    w.o = &eff;
    if (http_init(&w.http) < 0) {
        fprintf(stderr, "gomedic watch: cannot start libcurl\n");
        return 2;
    }
    w.t = gm_xcalloc(n ? n : 1, sizeof(*w.t));
    w.due = gm_xcalloc(n ? n : 1, sizeof(*w.due));
    if (!w.t || !w.due) {
        free(w.t);
        free(w.due);
        http_cleanup(&w.http);
        fprintf(stderr, "gomedic watch: out of memory\n");
        return 2;
    }
    int64_t start = now_ms();
    w.t0_ms = start;
    char hdir[4200]; /* the kept bodies (history.h) */
    snprintf(hdir, sizeof(hdir), "%s.history", st->path);
    if (mkdir(hdir, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "gomedic watch: cannot create %s (%s): captures are analysed alone\n", hdir,
                strerror(errno));
    }
    for (uint32_t i = 0; i < n; i++) {
        struct target *t = &w.t[i];
        t->w = targets[i];
        t->src_roots[0] = t->w.source_root;
        t->wt = &w;
        if (!t->w.interval_ms) {
            t->w.interval_ms = eff.interval_ms;
        }
        if (!t->w.timeout_ms) {
            t->w.timeout_ms = eff.timeout_ms;
        }
        t->window_ms = eff.window_ms > 0 ? eff.window_ms : 40 * t->w.interval_ms;
        uint32_t cap = (uint32_t)(t->window_ms / t->w.interval_ms) + 8; /* a window and a bit */
        cap = cap > SERIES_CAP ? SERIES_CAP : cap;
        t->series_cap = cap;
        t->id = store_target(st, t->w.name, t->w.url);
        history_init(&t->dbg1, hdir, t->id, "goroutine");
        history_init(&t->heaps, hdir, t->id, "heap");
        t->next_ms = start + (int64_t)i * t->w.interval_ms / (n ? n : 1); /* spread the polls */
        w.due[i] = t->next_ms;
        if (t->id < 0 || gm_series_init(&t->total, cap) < 0 ||
            gm_series_init(&t->heap_s, cap) < 0 || gm_series_init(&t->gc_s, cap) < 0 ||
            gm_series_init(&t->rss_s, cap) < 0) {
            fprintf(stderr, "gomedic watch: %s: %s\n", st->path, store_errmsg(st));
            for (uint32_t k = 0; k <= i; k++) {
                target_release(&w.t[k]);
            }
            free(w.t);
            free(w.due);
            http_cleanup(&w.http);
            return 2;
        }
    }
    if (o->listen) {
        char url[300], err[600];
        struct server_opts so = {o->listen, o->auth_token, o->insecure_listen};
        w.srv = server_start(&so, &w, url, sizeof(url), err, sizeof(err));
        if (!w.srv) {
            fprintf(stderr, "gomedic watch: --listen %s: %s\n", o->listen, err);
            watch_release(&w);
            return 2;
        }
        fprintf(stderr, "gomedic watch: serving %s\n", url);
        if (o->json) {
            printf("{\"event\": \"listening\", \"url\": \"%s\"}\n", url);
            fflush(stdout);
        }
        if (o->alertmanager) {
            w.am = alerts_new(o->alertmanager, o->external_url ? o->external_url : url);
        }
    } else if (o->alertmanager) {
        w.am = alerts_new(o->alertmanager, o->external_url ? o->external_url : "");
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int64_t next_prune = start, next_prune_samples = start + 60000, committed = start;
    w.wake_ms = start;
    store_begin(st);
    while (!stop_signal) {
        int64_t now = now_ms();
        if (eff.for_ms > 0 && now - start >= eff.for_ms) {
            break;
        }
        if (now >= w.wake_ms) { /* a target is due: start it, and find the next one due */
            w.wake_ms = now + 1000;
            for (uint32_t i = 0; i < n; i++) {
                if (now >= w.due[i]) {
                    struct target *t = &w.t[i];
                    t->next_ms += t->w.interval_ms;
                    if (t->next_ms <= now) {
                        t->next_ms = now + t->w.interval_ms;
                    }
                    w.due[i] = INT64_MAX; /* until the sample is done */
                    sample_start(&w, t);
                }
                if (w.due[i] < w.wake_ms) {
                    w.wake_ms = w.due[i];
                }
            }
        }
        if (now >= next_prune) { /* captures every minute, samples and events every hour */
            store_prune_captures(st, now, eff.retention_ms, eff.max_captures);
            if (now >= next_prune_samples) {
                store_prune(st, now, 3600000, eff.retention_ms);
                next_prune_samples = now + 3600000;
            }
            next_prune = now + 60000;
        }
        if (now - committed >= 1000) { /* a transaction a second */
            store_commit(st);
            store_begin(st);
            committed = now;
        }
        if (w.am) {
            alerts_tick(w.am, &w, now);
        }
        int wait = (int)(w.wake_ms - now_ms());
        http_run(&w.http, wait < 0 ? 0 : wait > 200 ? 200 : wait, w.srv ? server_fd(w.srv) : -1);
        if (w.srv) {
            server_run(w.srv);
        }
        if (w.children) {
            hook_poll(&w.children, now_ms(), 0, on_hook_done, &w);
        }
    }
    store_commit(st);
    /* hooks still running get until their timeout */
    while (w.children && !stop_signal) {
        http_run(&w.http, 100, -1);
        hook_poll(&w.children, now_ms(), 0, on_hook_done, &w);
    }
    hook_poll(&w.children, now_ms(), 1, on_hook_done, &w);
    if (w.am) { /* the last word: what ended is resolved */
        alerts_flush(w.am, &w);
    }
    watch_release(&w);
    return 0;
}
