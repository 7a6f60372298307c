/*
 * gomedic watch: the daemon (daemon/watch.c) from the command line; gomedic history and
 * gomedic captures: what its store holds.
 */
#include "cmd.h"
#include "watch_cmds.h"
#include "gm/out.h"
#include "../daemon/config.h"
#include "../daemon/server.h"
#include "../daemon/store.h"
#include "../daemon/targets.h"
#include "../daemon/watch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define TARGETS_MAX 4096

static int64_t duration_opt(const char *cmd, const char *name, const char *v, int64_t dflt,
                            int64_t min)
{
    if (!v) {
        return dflt;
    }
    int64_t ms = watch_parse_duration(v);
    if (ms < min) {
        cli_err("%s: --%s '%s': expected a duration of at least %lldms (250ms, 10s, 5m, 2h)", cmd,
                name, v, (long long)min);
        exit(2);
    }
    return ms;
}

static void db_path(const char *opt, char *buf, size_t cap)
{
    if (opt) {
        snprintf(buf, cap, "%s", opt);
    } else {
        store_default_path(buf, cap);
    }
}

/* ---------------------------------------------------------------- watch */

struct watch_cli {
    const char *config, *targets_file, *interval, *window, *cooldown, *for_, *timeout, *db;
    const char *retention;
    const char *listen, *auth_token, *auth_token_file, *alertmanager, *external_url;
    const char *source_root;
    int insecure_listen;
    uint64_t max_body, min_heap, max_heap, max_rss, max_captures;
    long cpu_seconds, min_goroutines, heap_every, max_goroutines, max_gc_cpu;
    int json, quiet;
};

static struct watch_cli wo;

static const struct cli_opt watch_options[] = {
    CLI_OPT_STRING('c', "config", &wo.config, "FILE",
                   "read defaults, targets (with auth and TLS) and hooks from an INI FILE"),
    CLI_OPT_STRING(0, "targets", &wo.targets_file, "FILE",
                   "read targets from FILE: URL or NAME=URL lines, or Prometheus file_sd "
                   "JSON/YAML"),
    CLI_OPT_STRING('i', "interval", &wo.interval, "DUR",
                   "sample each target every DUR (default 10s)"),
    CLI_OPT_STRING(0, "window", &wo.window, "DUR",
                   "a rule judges the last DUR of samples (default 40 intervals)"),
    CLI_OPT_STRING(0, "cooldown", &wo.cooldown, "DUR",
                   "after an episode ends, wait DUR before the next trigger (default 5m)"),
    CLI_OPT_STRING(0, "for", &wo.for_, "DUR", "stop after DUR (default: until SIGINT/SIGTERM)"),
    CLI_OPT_STRING(0, "timeout", &wo.timeout, "DUR", "one request may take DUR (default 10s)"),
    CLI_OPT_SIZE(0, "max-body", &wo.max_body, "SIZE",
                 "a response larger than SIZE fails the sample (default 64M)", 64.0 * 1048576),
    CLI_OPT_INT(0, "cpu-seconds", &wo.cpu_seconds, "N",
                "CPU profile of N seconds on a trigger (0: none; default 10)", 0, 300, 10),
    CLI_OPT_INT(0, "heap-every", &wo.heap_every, "N",
                "take the heap profile every Nth sample (default 2)", 1, 1000, 2),
    CLI_OPT_INT(0, "min-goroutines", &wo.min_goroutines, "N",
                "a goroutine floor must rise by N over the window (default 10)", 1, 1000000, 10),
    CLI_OPT_SIZE(0, "min-heap", &wo.min_heap, "SIZE",
                 "the heap floor must rise by SIZE (and 10%) over the window (default 1M)",
                 1048576.0),
    CLI_OPT_INT(0, "max-gc-cpu", &wo.max_gc_cpu, "PCT",
                "trigger when the GC's share of CPU (expvar memstats) stays over PCT "
                "(0: never; default 25)",
                0, 100, 25),
    CLI_OPT_INT(0, "max-goroutines", &wo.max_goroutines, "N",
                "trigger when the goroutines stay over N for a quarter window (default: no limit)",
                0, 1000000000, 0),
    CLI_OPT_SIZE(0, "max-heap", &wo.max_heap, "SIZE",
                 "trigger when the heap in use stays over SIZE (default: no limit)", 0.0),
    CLI_OPT_SIZE(0, "max-rss", &wo.max_rss, "SIZE",
                 "trigger when the resident set of a target with a pid (--config) stays over "
                 "SIZE (default: no limit)",
                 0.0),
    CLI_OPT_STRING(0, "source-root", &wo.source_root, "DIR",
                   "the targets' source (their go.mod's directory): findings say what it shows "
                   "and whether gomedic lint confirms them (a target's own: source_root in "
                   "--config)"),
    CLI_OPT_STRING(0, "retention", &wo.retention, "DUR",
                   "drop samples, events and captures older than DUR (default 7d)"),
    CLI_OPT_SIZE(0, "max-captures", &wo.max_captures, "SIZE",
                 "keep at most SIZE of captured files, the oldest dropped first (default 1G)",
                 1073741824.0),
    CLI_OPT_STRING(0, "db", &wo.db, "PATH",
                   "the store (default $XDG_STATE_HOME/gomedic/watch.db); captures go to "
                   "PATH.captures/"),
    CLI_OPT_STRING('l', "listen", &wo.listen, "ADDR",
                   "serve /metrics, the web UI and /api/ on ADDR (PORT or :PORT: loopback; "
                   "HOST:PORT, [IPV6]:PORT; port 0 picks one)"),
    CLI_OPT_STRING(0, "auth-token", &wo.auth_token, "TOKEN",
                   "require TOKEN of every request (Authorization: Bearer TOKEN, or Basic auth "
                   "with TOKEN as the password)"),
    CLI_OPT_STRING(0, "auth-token-file", &wo.auth_token_file, "FILE",
                   "read the token from FILE (its first line)"),
    CLI_OPT_BOOL(0, "insecure-listen", &wo.insecure_listen,
                 "allow a non-loopback --listen address without a token"),
    CLI_OPT_STRING(0, "alertmanager", &wo.alertmanager, "URL",
                   "post findings as alerts to the Alertmanager at URL (v2 API), resolved when "
                   "their episode ends"),
    CLI_OPT_STRING(0, "external-url", &wo.external_url, "URL",
                   "the base of the UI links in alerts (default: the --listen address)"),
    CLI_OPT_BOOL('j', "json", &wo.json, "print each event as one JSON object a line"),
    CLI_OPT_BOOL('q', "quiet", &wo.quiet, "do not report failed parts of samples on stderr"),
    CLI_OPT_END,
};

static int watch_main(int argc, char **argv, int first)
{
    struct watch_opts o, dflt;
    watch_opts_default(&o);
    dflt = o;
    static struct watch_target targets[TARGETS_MAX];
    struct watch_config cfg = {.opts = &o, .targets = targets, .targets_max = TARGETS_MAX};
    char err[4600];
    if (wo.config && config_read(&cfg, wo.config, err, sizeof(err)) < 0) {
        cli_err("watch: --config %s", err);
        config_release(&cfg);
        return 2;
    }
    /* the command line wins over the config (a typed option left at its default does not) */
    o.interval_ms = duration_opt("watch", "interval", wo.interval, o.interval_ms, 100);
    o.window_ms = duration_opt("watch", "window", wo.window, o.window_ms, 1000);
    o.cooldown_ms = duration_opt("watch", "cooldown", wo.cooldown, o.cooldown_ms, 0);
    o.for_ms = duration_opt("watch", "for", wo.for_, 0, 1);
    o.timeout_ms = (long)duration_opt("watch", "timeout", wo.timeout, o.timeout_ms, 100);
    o.retention_ms = duration_opt("watch", "retention", wo.retention, o.retention_ms, 60000);
    if ((int64_t)wo.max_captures != dflt.max_captures) {
        o.max_captures = (int64_t)wo.max_captures;
    }
    if ((size_t)wo.max_body != dflt.max_body) {
        o.max_body = (size_t)wo.max_body;
    }
    if ((int)wo.cpu_seconds != dflt.cpu_seconds) {
        o.cpu_seconds = (int)wo.cpu_seconds;
    }
    if ((int)wo.heap_every != dflt.heap_every) {
        o.heap_every = (int)wo.heap_every;
    }
    if ((double)wo.min_goroutines != dflt.min_goroutines) {
        o.min_goroutines = (double)wo.min_goroutines;
    }
    if ((double)wo.min_heap != dflt.min_heap) {
        o.min_heap = (double)wo.min_heap;
    }
    if ((double)wo.max_gc_cpu != dflt.max_gc_cpu) {
        o.max_gc_cpu = (double)wo.max_gc_cpu;
    }
    if (wo.max_goroutines) {
        o.max_goroutines = (double)wo.max_goroutines;
    }
    if (wo.max_heap) {
        o.max_heap = (double)wo.max_heap;
    }
    if (wo.max_rss) {
        o.max_rss = (double)wo.max_rss;
    }
    o.json = wo.json;
    o.quiet = wo.quiet;
    static char token[512];
    if (wo.auth_token_file) {
        FILE *tf = fopen(wo.auth_token_file, "r");
        if (!tf || !fgets(token, sizeof(token), tf)) {
            cli_err("watch: --auth-token-file %s: %s", wo.auth_token_file,
                    tf ? "empty" : strerror(errno));
            if (tf) {
                fclose(tf);
            }
            config_release(&cfg);
            return 2;
        }
        fclose(tf);
        token[strcspn(token, "\r\n")] = '\0';
        wo.auth_token = token;
    }
    if (wo.auth_token && !*wo.auth_token) {
        cli_die("watch: --auth-token: the token is empty");
    }
    if (wo.insecure_listen && !wo.listen) {
        cli_die("watch: --insecure-listen needs --listen");
    }
    if (wo.auth_token && !wo.listen) {
        cli_die("watch: --auth-token needs --listen");
    }
    if (wo.alertmanager && strncmp(wo.alertmanager, "http://", 7) != 0 &&
        strncmp(wo.alertmanager, "https://", 8) != 0) {
        cli_die("watch: --alertmanager '%s': expected an http(s) URL (http://127.0.0.1:9093)",
                wo.alertmanager);
    }
    if (wo.listen) {
        struct server_opts so = {wo.listen, wo.auth_token, wo.insecure_listen};
        if (server_check(&so, err, sizeof(err)) < 0) {
            cli_err("watch: --listen %s: %s", wo.listen, err);
            config_release(&cfg);
            return 2;
        }
    }
    o.listen = wo.listen;
    o.auth_token = wo.auth_token;
    o.insecure_listen = wo.insecure_listen;
    o.alertmanager = wo.alertmanager;
    o.external_url = wo.external_url;
    o.hooks = cfg.hooks;
    o.hooks_nr = cfg.hooks_nr;
    if (o.window_ms && o.window_ms < 4 * o.interval_ms) {
        cli_die("watch: --window must hold at least 4 intervals (a rule compares 4 parts)");
    }
    uint32_t n = cfg.targets_nr;
    for (int i = first; i < argc; i++) {
        if (n == TARGETS_MAX || watch_target_parse(argv[i], &targets[n]) < 0) {
            cli_err("watch: '%s': expected the base URL of a service's net/http/pprof "
                    "(http://127.0.0.1:6060) or NAME=URL (NAME ends at the first '='; a name "
                    "with one goes in --config as [target NAME])",
                    argv[i]);
            config_release(&cfg);
            return 2;
        }
        n++;
    }
    if (wo.targets_file) {
        int r = targets_read(wo.targets_file, targets, n, TARGETS_MAX, err, sizeof(err));
        if (r < 0) {
            cli_err("watch: --targets %s", err);
            config_release(&cfg);
            return 2;
        }
        n = (uint32_t)r;
    }
    if (n == 0) {
        cli_err("watch: no target: give URLs, --targets FILE or [target NAME] in --config");
        config_release(&cfg);
        return 2;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (wo.source_root && !targets[i].source_root[0]) {
            snprintf(targets[i].source_root, sizeof(targets[i].source_root), "%s", wo.source_root);
        }
        for (uint32_t k = 0; k < i; k++) {
            if (strcmp(targets[i].name, targets[k].name) == 0) {
                cli_err("watch: two targets are called '%s': name them (NAME=URL)",
                        targets[i].name);
                config_release(&cfg);
                return 2;
            }
        }
    }
    char path[4096];
    db_path(wo.db ? wo.db : cfg.db[0] ? cfg.db : NULL, path, sizeof(path));
    struct store st;
    if (store_open(&st, path, 1, err, sizeof(err)) < 0) {
        cli_err("watch: %s: %s", path, err);
        config_release(&cfg);
        return 2;
    }
    if (!o.json) {
        printf("gomedic watch: %u target%s every %.3gs, store %s\n", n, n == 1 ? "" : "s",
               (double)o.interval_ms / 1000, path);
        fflush(stdout);
    }
    int rc = watch_run(&o, targets, n, &st);
    store_close(&st);
    config_release(&cfg);
    return rc;
}

const struct cli_cmd cmd_watch = {
    .name = "watch",
    .state = &wo,
    .state_size = sizeof(wo),
    .summary = WATCH_SUMMARY,
    .usage = WATCH_USAGE,
    .opts = watch_options,
    .run = watch_main,
    .min_operands = 0,
    .max_operands = TARGETS_MAX,
    .operands_error = "too many targets",
};

/* ---------------------------------------------------------------- history, captures */

struct hist_cli {
    const char *db, *target, *since;
    int json;
};

static struct hist_cli ho;

static const struct cli_opt hist_options[] = {
    CLI_OPT_STRING(0, "db", &ho.db, "PATH", "the store (default as gomedic watch)"),
    CLI_OPT_STRING('t', "target", &ho.target, "NAME", "only this target"),
    CLI_OPT_STRING('s', "since", &ho.since, "DUR", "only the last DUR (default: everything)"),
    CLI_OPT_BOOL('j', "json", &ho.json, "print {\"events\": [...]} (the objects of watch --json)"),
    CLI_OPT_END,
};

struct hist_ctx {
    int json, nr;
};

static void local_time(int64_t t_ms, char *buf, size_t cap)
{
    time_t secs = (time_t)(t_ms / 1000);
    struct tm tm;
    localtime_r(&secs, &tm);
    strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm);
}

static int print_event(void *ctx, int64_t t_ms, const char *target, const char *event,
                       const char *json)
{
    struct hist_ctx *h = ctx;
    if (h->json) {
        printf("%s\n  %s", h->nr ? "," : "", json);
    } else {
        char ts[32];
        local_time(t_ms, ts, sizeof(ts));
        printf("%s  %-16s %-9s %s\n", ts, target, event, json);
    }
    h->nr++;
    return 0;
}

/* Opens the store for reading: exits 2 with a clear message when it is not there. */
static void open_read(const char *cmd, struct store *st)
{
    char path[4096], err[512];
    db_path(ho.db, path, sizeof(path));
    if (store_open(st, path, 0, err, sizeof(err)) < 0) {
        cli_die("%s: %s: %s (gomedic watch --db PATH creates it)", cmd, path, err);
    }
}

static int64_t since_ms(const char *cmd)
{
    if (!ho.since) {
        return 0;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 - duration_opt(cmd, "since", ho.since, 0, 1);
}

static int print_capture(void *ctx, int64_t id, int64_t t_ms, const char *target, const char *kind,
                         const char *path, int64_t bytes)
{
    struct hist_ctx *h = ctx;
    if (h->json) {
        struct gm_out o;
        gm_out_init(&o, stdout, 0);
        gm_out_printf(&o, "%s\n  {\"id\": %lld, \"time_ms\": %lld, \"target\": ", h->nr ? "," : "",
                      (long long)id, (long long)t_ms);
        gm_out_json_cstr(&o, target);
        gm_out_puts(&o, ", \"kind\": ");
        gm_out_json_cstr(&o, kind);
        gm_out_puts(&o, ", \"file\": ");
        gm_out_json_cstr(&o, path);
        gm_out_printf(&o, ", \"bytes\": %lld}", (long long)bytes);
    } else {
        char ts[32];
        local_time(t_ms, ts, sizeof(ts));
        printf("%s  %-16s %-17s %9lld  %s\n", ts, target, kind, (long long)bytes, path);
    }
    h->nr++;
    return 0;
}

/* gomedic history and gomedic captures: the store's events or captures, oldest first. */
static int list(const char *cmd, int argc, char **argv, int first)
{
    if (first < argc) {
        cli_err("%s: '%s': takes no operands (--target NAME picks a target)", cmd, argv[first]);
        return 2;
    }
    int events = strcmp(cmd, "history") == 0;
    struct store st;
    int64_t since = since_ms(cmd);
    open_read(cmd, &st);
    struct hist_ctx h = {ho.json, 0};
    if (h.json) {
        printf("{\"%s\": [", events ? "events" : "captures");
    }
    int rc = events ? store_events(&st, ho.target, since, print_event, &h)
                    : store_captures(&st, ho.target, since, print_capture, &h);
    if (h.json) {
        printf("%s]}\n", h.nr ? "\n" : "");
    }
    if (rc < 0) {
        cli_err("%s: %s: %s", cmd, st.path, store_errmsg(&st));
    }
    store_close(&st);
    return rc < 0 ? 2 : 0;
}

static int history_main(int argc, char **argv, int first)
{
    return list("history", argc, argv, first);
}

static int captures_main(int argc, char **argv, int first)
{
    return list("captures", argc, argv, first);
}

const struct cli_cmd cmd_history = {
    .name = "history",
    .state = &ho,
    .state_size = sizeof(ho),
    .summary = HISTORY_SUMMARY,
    .usage = HISTORY_USAGE,
    .opts = hist_options,
    .run = history_main,
    .min_operands = 0,
    .max_operands = 0,
    .operands_error = "takes no operands",
};

const struct cli_cmd cmd_captures = {
    .name = "captures",
    .state = &ho,
    .state_size = sizeof(ho),
    .summary = CAPTURES_SUMMARY,
    .usage = CAPTURES_USAGE,
    .opts = hist_options,
    .run = captures_main,
    .min_operands = 0,
    .max_operands = 0,
    .operands_error = "takes no operands",
};
