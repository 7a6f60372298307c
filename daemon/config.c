/* The watch config file (config.h), read with inih. */
#include "config.h"
#include "gm/alloc.h"
#include "gm/catalogue.h"

#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct parse {
    struct watch_config *c;
    char err[512];
    char section[160]; /* the section being read, to tell a new one from the same */
    struct watch_target *t;
    struct hook *h;
};

__attribute__((format(printf, 2, 3))) static int fail(struct parse *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, sizeof(p->err), fmt, ap);
    va_end(ap);
    return 0; /* inih stops and returns the line */
}

/* "512K", "64M", "1G" or plain bytes; -1 if malformed. */
static double parse_size(const char *s)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || v < 0) {
        return -1;
    }
    double m = *end == 'K' || *end == 'k'   ? 1024.0
               : *end == 'M' || *end == 'm' ? 1048576.0
               : *end == 'G' || *end == 'g' ? 1073741824.0
               : *end == '\0'               ? 1
                                            : -1;
    if (m < 0 || (*end && end[1] && !(end[1] == 'B' && !end[2]))) {
        return -1;
    }
    return v * m;
}

static int duration(struct parse *p, const char *key, const char *v, int64_t *out, int64_t min)
{
    int64_t ms = watch_parse_duration(v);
    if (ms < min) {
        return fail(p, "%s = '%s': expected a duration (250ms, 10s, 5m, 2h)", key, v);
    }
    *out = ms;
    return 1;
}

static int number(struct parse *p, const char *key, const char *v, double lo, double hi,
                  double *out)
{
    char *end = NULL;
    double d = strtod(v, &end);
    if (end == v || *end || !(d >= lo && d <= hi)) { /* NaN is out of range too */
        return fail(p, "%s = '%s': expected a number in range", key, v);
    }
    *out = d;
    return 1;
}

static int copy(struct parse *p, const char *key, const char *v, char *dst, size_t cap)
{
    if (strlen(v) >= cap) {
        return fail(p, "%s = '%.40s...': too long", key, v);
    }
    memcpy(dst, v, strlen(v) + 1);
    return 1;
}

static int watch_key(struct parse *p, const char *k, const char *v)
{
    struct watch_opts *o = p->c->opts;
    double d = 0;
    int64_t ms = 0;
    if (strcmp(k, "interval") == 0) {
        return duration(p, k, v, &o->interval_ms, 100);
    }
    if (strcmp(k, "window") == 0) {
        return duration(p, k, v, &o->window_ms, 1000);
    }
    if (strcmp(k, "cooldown") == 0) {
        return duration(p, k, v, &o->cooldown_ms, 0);
    }
    if (strcmp(k, "retention") == 0) {
        return duration(p, k, v, &o->retention_ms, 60000);
    }
    if (strcmp(k, "timeout") == 0) {
        int r = duration(p, k, v, &ms, 100);
        o->timeout_ms = (long)ms;
        return r;
    }
    static const char *const sizes[] = {"max_body", "min_heap", "max_heap", "max_rss",
                                        "max_captures"};
    for (int i = 0; i < 5; i++) {
        if (strcmp(k, sizes[i]) != 0) {
            continue;
        }
        if ((d = parse_size(v)) <= 0) {
            return fail(p, "%s = '%s': expected a size (64M, 512K)", k, v);
        }
        if (i == 0) {
            o->max_body = (size_t)d;
        } else if (i == 4) {
            o->max_captures = (int64_t)d;
        } else {
            *(i == 1 ? &o->min_heap : i == 2 ? &o->max_heap : &o->max_rss) = d;
        }
        return 1;
    }
    if (strcmp(k, "max_goroutines") == 0) {
        return number(p, k, v, 0, 1e9, &o->max_goroutines);
    }
    if (strcmp(k, "max_gc_cpu") == 0) {
        return number(p, k, v, 0, 100, &o->max_gc_cpu);
    }
    if (strcmp(k, "cpu_seconds") == 0) {
        int r = number(p, k, v, 0, 300, &d);
        o->cpu_seconds = (int)d;
        return r;
    }
    if (strcmp(k, "heap_every") == 0) {
        int r = number(p, k, v, 1, 1000, &d);
        o->heap_every = (int)d;
        return r;
    }
    if (strcmp(k, "min_goroutines") == 0) {
        return number(p, k, v, 1, 1e6, &o->min_goroutines);
    }
    if (strcmp(k, "db") == 0) {
        return copy(p, k, v, p->c->db, sizeof(p->c->db));
    }
    return fail(p, "unknown key '%s' in [%s]", k, "watch");
}

/* The contents of a token file, first line, without the newline. */
static int read_token(struct parse *p, const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f || !fgets(out, (int)cap, f)) {
        if (f) {
            fclose(f);
        }
        return fail(p, "bearer_token_file = '%s': cannot read it", path);
    }
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    return 1;
}

static int target_key(struct parse *p, const char *k, const char *v)
{
    struct watch_target *t = p->t;
    char tok[800];
    int64_t ms = 0;
    if (strcmp(k, "url") == 0) {
        char name[128];
        snprintf(name, sizeof(name), "%s", t->name);
        struct watch_target parsed;
        if (watch_target_parse(v, &parsed) < 0 || strchr(v, '=')) {
            return fail(p, "url = '%s': expected an http:// or https:// URL", v);
        }
        snprintf(t->url, sizeof(t->url), "%s", parsed.url);
        return 1;
    }
    if (strcmp(k, "interval") == 0) {
        return duration(p, k, v, &t->interval_ms, 100);
    }
    if (strcmp(k, "timeout") == 0) {
        int r = duration(p, k, v, &ms, 100);
        t->timeout_ms = (long)ms;
        return r;
    }
    if (strcmp(k, "bearer_token") == 0 || strcmp(k, "bearer_token_file") == 0) {
        if (k[12] == '_' && !read_token(p, v, tok, sizeof(tok))) {
            return 0;
        }
        snprintf(t->auth, sizeof(t->auth), "Authorization: Bearer %s", k[12] == '_' ? tok : v);
        return 1;
    }
    if (strcmp(k, "basic_auth") == 0) { /* user:password, sent as curl would */
        static const char b64[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t n = strlen(v), o = 0;
        if (!strchr(v, ':') || n > 500) {
            return fail(p, "basic_auth: expected user:password");
        }
        for (size_t i = 0; i < n; i += 3) {
            uint32_t x = (uint32_t)(unsigned char)v[i] << 16;
            x |= i + 1 < n ? (uint32_t)(unsigned char)v[i + 1] << 8 : 0;
            x |= i + 2 < n ? (uint32_t)(unsigned char)v[i + 2] : 0;
            tok[o++] = b64[(x >> 18) & 63];
            tok[o++] = b64[(x >> 12) & 63];
            tok[o++] = i + 1 < n ? b64[(x >> 6) & 63] : '=';
            tok[o++] = i + 2 < n ? b64[x & 63] : '=';
        }
        tok[o] = '\0';
        snprintf(t->auth, sizeof(t->auth), "Authorization: Basic %s", tok);
        return 1;
    }
    if (strcmp(k, "pid") == 0) {
        double d = 0;
        int r = number(p, k, v, 1, 4194304, &d);
        t->pid = (int)d;
        return r;
    }
    if (strcmp(k, "ca_file") == 0) {
        return copy(p, k, v, t->ca_file, sizeof(t->ca_file));
    }
    if (strcmp(k, "cert_file") == 0) {
        return copy(p, k, v, t->cert_file, sizeof(t->cert_file));
    }
    if (strcmp(k, "key_file") == 0) {
        return copy(p, k, v, t->key_file, sizeof(t->key_file));
    }
    if (strcmp(k, "source_root") == 0) {
        return copy(p, k, v, t->source_root, sizeof(t->source_root));
    }
    return fail(p, "unknown key '%s' in [target %s]", k, t->name);
}

static int hook_key(struct parse *p, const char *k, const char *v)
{
    struct hook *h = p->h;
    int64_t ms = 0;
    double d = 0;
    if (strcmp(k, "on") == 0) {
        h->on = 0;
        char buf[256];
        snprintf(buf, sizeof(buf), "%s", v);
        for (char *save = NULL, *w = strtok_r(buf, ", ", &save); w;
             w = strtok_r(NULL, ", ", &save)) {
            unsigned bit = strcmp(w, "finding") == 0   ? HOOK_ON_FINDING
                           : strcmp(w, "trigger") == 0 ? HOOK_ON_TRIGGER
                           : strcmp(w, "down") == 0    ? HOOK_ON_DOWN
                                                       : 0;
            if (!bit) {
                return fail(p, "on = '%s': expected finding, trigger or down", v);
            }
            h->on |= bit;
        }
        return 1;
    }
    if (strcmp(k, "min_severity") == 0) {
        int sev = gm_severity_parse(v);
        if (sev < 0) {
            return fail(p, "min_severity = '%s': expected info, low, medium, high or critical", v);
        }
        h->min_severity = sev;
        return 1;
    }
    if (strcmp(k, "target") == 0) {
        return copy(p, k, v, h->target, sizeof(h->target));
    }
    if (strcmp(k, "exec") == 0 || strcmp(k, "arg") == 0) {
        if ((k[0] == 'e') != (h->argc == 0)) {
            return fail(p, "%s: the command is one 'exec = PROGRAM' then 'arg = ...' lines", k);
        }
        if (h->argc == HOOK_ARGS_MAX) {
            return fail(p, "more than %d arguments", HOOK_ARGS_MAX);
        }
        h->argv[h->argc] = gm_xstrdup(v);
        if (!h->argv[h->argc]) {
            return fail(p, "out of memory");
        }
        h->argc++;
        return 1;
    }
    if (strcmp(k, "webhook") == 0) {
        if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) {
            return fail(p, "webhook = '%s': expected an http:// or https:// URL", v);
        }
        return copy(p, k, v, h->webhook, sizeof(h->webhook));
    }
    if (strcmp(k, "timeout") == 0) {
        int r = duration(p, k, v, &ms, 100);
        h->timeout_ms = ms;
        return r;
    }
    if (strcmp(k, "max_per_hour") == 0) {
        int r = number(p, k, v, 0, 3600, &d);
        h->max_per_hour = (int)d;
        return r;
    }
    return fail(p, "unknown key '%s' in [hook %s]", k, h->name);
}

/* A new [target NAME] or [hook NAME] section. */
static int begin_section(struct parse *p, const char *section)
{
    struct watch_config *c = p->c;
    p->t = NULL;
    p->h = NULL;
    if (strcmp(section, "watch") == 0) {
        return 1;
    }
    if (strncmp(section, "target ", 7) == 0 && section[7]) {
        if (c->targets_nr == c->targets_max) {
            return fail(p, "too many targets");
        }
        p->t = &c->targets[c->targets_nr++];
        memset(p->t, 0, sizeof(*p->t));
        snprintf(p->t->name, sizeof(p->t->name), "%s", section + 7);
        return 1;
    }
    if (strncmp(section, "hook ", 5) == 0 && section[5]) {
        struct hook *nh = gm_xrealloc(c->hooks, (c->hooks_nr + 1) * sizeof(*nh));
        if (!nh) {
            return fail(p, "out of memory");
        }
        c->hooks = nh;
        p->h = &c->hooks[c->hooks_nr++];
        memset(p->h, 0, sizeof(*p->h));
        snprintf(p->h->name, sizeof(p->h->name), "%s", section + 5);
        p->h->on = HOOK_ON_FINDING;
        p->h->min_severity = GM_SEV_HIGH;
        p->h->timeout_ms = 30000;
        p->h->max_per_hour = 4;
        return 1;
    }
    return fail(p, "unknown section [%s]: expected [watch], [target NAME] or [hook NAME]", section);
}

/* Checks the section that just ended. */
static int end_section(struct parse *p)
{
    if (p->t && !p->t->url[0]) {
        return fail(p, "[target %s] has no url", p->t->name);
    }
    if (p->h && !p->h->argc == !p->h->webhook[0]) {
        return fail(p, "[hook %s] needs exec (with args) or webhook, one of them", p->h->name);
    }
    return 1;
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
    struct parse *p = user;
    if (strcmp(section, p->section) != 0) {
        if (p->section[0] && !end_section(p)) {
            return 0;
        }
        snprintf(p->section, sizeof(p->section), "%s", section);
        if (!begin_section(p, section)) {
            return 0;
        }
    }
    if (!key) { /* an empty section */
        return 1;
    }
    return p->t   ? target_key(p, key, value)
           : p->h ? hook_key(p, key, value)
                  : watch_key(p, key, value);
}

int config_read(struct watch_config *c, const char *path, char *err, size_t errcap)
{
    struct parse p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errcap, "%s: cannot open it", path);
        return -1;
    }
    int line = ini_parse_file(f, on_entry, &p);
    fclose(f);
    if (line == 0 && p.section[0] && !end_section(&p)) {
        line = -2;
    }
    if (line != 0) {
        if (line > 0) {
            snprintf(err, errcap, "%s:%d: %s", path, line,
                     p.err[0] ? p.err : "expected [section], key = value or a comment");
        } else {
            snprintf(err, errcap, "%s: %s", path, p.err[0] ? p.err : "cannot read it");
        }
        return -1;
    }
    return 0;
}

void config_release(struct watch_config *c)
{
    for (uint32_t i = 0; i < c->hooks_nr; i++) {
        hook_release(&c->hooks[i]);
    }
    free(c->hooks);
    c->hooks = NULL;
    c->hooks_nr = 0;
}
