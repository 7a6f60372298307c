/*
 * daemon/watch.h - `gomedic watch`: samples running Go services through their net/http/pprof
 * endpoints, finds leaks while they happen, captures the evidence and says what is wrong.
 *
 * One process, one loop: every interval each target is sampled (the goroutine profile for the
 * goroutine count per stack, /debug/pprof/heap for the bytes in use), each quantity goes into a
 * time series (gm/series.h), and the rising-floor test (gm/trend.h) judges the last window. A
 * rule that holds opens an episode: one trigger, a capture (goroutine?debug=2, heap, CPU
 * profile), findings from the same analyzers and catalogue as the file commands, and no
 * second trigger until the episode resolves and the cooldown has passed. Every event is a JSON
 * object (printed with --json, stored in the database).
 */
#ifndef GM_DAEMON_WATCH_H
#define GM_DAEMON_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct watch_target {
    char name[128];
    char url[512];       /* base URL, no trailing slash: http://127.0.0.1:6060 */
    int64_t interval_ms; /* 0: the watch's */
    long timeout_ms;     /* 0: the watch's */
    char auth[1024];     /* a header sent with every request ("Authorization: ..."), or "" */
    char ca_file[512], cert_file[512], key_file[512]; /* TLS, or "" */
    int pid;               /* a local process: its RSS from /proc (0: none) */
    char source_root[512]; /* the service's source (a directory with its go.mod), or "": its
                              findings are read against it (the statement, gomedic lint) */
};

struct hook;

struct watch_opts {
    int64_t interval_ms;   /* between samples of a target */
    int64_t window_ms;     /* the stretch a rule judges (default 40 intervals) */
    int64_t cooldown_ms;   /* after an episode resolves, before the next trigger */
    int64_t for_ms;        /* stop after this long (0: until a signal) */
    long timeout_ms;       /* one request */
    size_t max_body;       /* bytes of one response */
    int cpu_seconds;       /* CPU profile on a trigger (0: none) */
    int heap_every;        /* the heap profile every Nth sample (and with every kept one) */
    double min_goroutines; /* rise of a goroutine floor that counts */
    double min_heap;       /* rise of the heap floor that counts, bytes */
    double max_gc_cpu;     /* GC share of CPU (GCCPUFraction, %) that triggers (0: none) */
    /* absolute limits, sustained for a quarter window (0: none) */
    double max_goroutines, max_heap, max_rss;
    int64_t retention_ms; /* samples, events and captures older are dropped (default 7 days) */
    int64_t max_captures; /* bytes of captured files kept, the oldest dropped first */
    int json;             /* events as JSON lines on stdout */
    int quiet;            /* no readable log of samples (events only) */
    struct hook *hooks;   /* self-heal hooks (daemon/hook.h), run on their events */
    uint32_t hooks_nr;
    /* the HTTP side (server.h, alert.h) */
    const char *listen;       /* --listen ADDR (NULL: none) */
    const char *auth_token;   /* required of every request (NULL: none) */
    int insecure_listen;      /* a non-loopback address without a token is allowed */
    const char *alertmanager; /* base URL (NULL: none) */
    const char *external_url; /* base of links in alerts (NULL: http://LISTEN) */
};

void watch_opts_default(struct watch_opts *o);
/* "250ms", "10s", "5m", "2h", "1d" or plain seconds, in milliseconds; -1 if malformed. */
int64_t watch_parse_duration(const char *s);
/* Parses "URL" or "NAME=URL" into t: 0, or -1 (not an http(s) URL). */
int watch_target_parse(const char *spec, struct watch_target *t);
/* Runs until for_ms passes or SIGINT/SIGTERM. 0 when it ran, 2 on a fatal error (message on
 * stderr). */
int watch_run(const struct watch_opts *o, const struct watch_target *targets, uint32_t n,
              struct store *st);

#endif
