/*
 * daemon/state.h - what the watch daemon knows while it runs: its targets (the last sample,
 * the series the rules judge, the open findings, the counters) and the watcher that owns them.
 * Written by the loop (watch.c); read by what serves it (server.c: metrics.c, ui.c, alert.c)
 * from the same thread, between two turns of the loop: no locks.
 */
#ifndef GM_DAEMON_STATE_H
#define GM_DAEMON_STATE_H

#include "history.h"
#include "http.h"
#include "store.h"
#include "watch.h"
#include "gm/series.h"
#include "gm/waitclass.h"

#define STACKS_MAX 32  /* goroutine stacks followed per target */
#define LEARN_MAX  128 /* stack key -> wait class, from the last binary goroutine profile */
#define OPEN_MAX   8   /* open findings kept per target */

struct stack_track {
    uint64_t key; /* hash of the stack's frames, stable across samples */
    char func[200];
    struct gm_series s;
    int64_t seen_ms;
};

enum rule { RULE_GOROUTINES, RULE_HEAP, RULE_GC, RULE_LIMIT, RULE_NR };
extern const char *const rule_name[RULE_NR];

/* Capture kinds, in the order of cap_kind_name. */
enum cap_kind { CAP_GOROUTINES, CAP_HEAP, CAP_CPU, CAP_TRACE, CAP_PROFILE, CAP_NR };
extern const char *const cap_kind_name[CAP_NR]; /* "goroutine-debug2" ... "goroutine" */

enum hook_result { HOOKR_OK, HOOKR_FAILED, HOOKR_TIMEOUT, HOOKR_SKIPPED, HOOKR_NR };
extern const char *const hook_result_name[HOOKR_NR];

enum scrape_err { ERR_REFUSED, ERR_TIMEOUT, ERR_HTTP, ERR_TOO_BIG, ERR_FORMAT, ERR_NR };
extern const char *const scrape_err_name[ERR_NR];

/* A finding open while its rule's episode is: what /metrics, the UI and Alertmanager show. */
struct open_finding {
    char id[64];
    char function[200];
    char evidence[320];
    const char *fix; /* the catalogue's (static) */
    int severity;    /* enum gm_severity */
    enum rule rule;
    int64_t since_ms;
    int64_t ended_ms; /* resolved, its alert not posted yet (0: open) */
    int64_t capture;  /* the capture its analysis read (store id), or 0 */
};

struct target {
    struct watch_target w;
    const char *src_roots[1]; /* w.source_root, as gm_source's list of roots */
    struct watcher *wt;
    int64_t id;        /* in the store */
    int64_t first_ms;  /* the first sample since the target came up */
    int64_t window_ms; /* what the rules judge */
    int64_t next_ms;
    /* the sample being taken */
    int64_t full_ms;   /* when the last sample of the binary forms was taken */
    int64_t saved_ms;  /* the newest kept goroutine profile already saved as a capture */
    int64_t saved_id;  /* its capture id */
    int64_t sample_ms; /* when the sample being read arrived */
    int64_t start_ms;  /* when the sample being taken was started */
    int64_t goroutines, heap;
    int64_t heap_alloc, rss;    /* expvar memstats.HeapAlloc; /proc RSS (-1: not measured) */
    double gc_cpu;              /* expvar memstats.GCCPUFraction, % (-1: not measured) */
    int64_t states[GM_WAIT_NR]; /* goroutines by wait class, this sample */
    /* the last sample that answered (what is served) */
    struct {
        int64_t t_ms, goroutines, heap, states[GM_WAIT_NR];
        double gc_cpu, seconds;
    } last;
    struct gm_series total, heap_s, gc_s, rss_s;
    struct stack_track stacks[STACKS_MAX];
    struct {
        uint64_t key;
        uint8_t cls;
    } learn[LEARN_MAX]; /* open addressing on the key; key 0 = empty */
    struct history dbg1, heaps;
    struct open_finding open[OPEN_MAX];
    /* counters since the start (gomedic_*_total) */
    uint64_t n_samples, n_triggers[RULE_NR], n_captures[CAP_NR], n_hooks[HOOKR_NR],
        n_errors[ERR_NR];
    /* rules */
    int64_t quiet_since[RULE_NR]; /* when the rule stopped holding, in an episode */
    int64_t cooldown_until[RULE_NR];
    int64_t captured_ms[CAP_NR]; /* when each capture kind was last asked for */
    int64_t heap_again_ms;       /* another heap capture of this episode is due (heap_findings) */
    char *last_dump;             /* the last goroutine?debug=2 capture, for the trace captured
                                    with it (trace_findings); NULL when there is none */
    size_t last_dump_len;
    int64_t last_dump_ms;
    char err[320], err_h[320]; /* why the goroutine / heap part failed */
    int episode[RULE_NR];
    int known, up, fails;
    uint32_t series_cap; /* points a series keeps: a window and a few */
    uint32_t stacks_nr;
    uint32_t open_nr;
    uint32_t samples; /* taken since the start */
    int ok_g, ok_h;
    int full;                 /* this sample takes the binary forms, kept for the analysis */
    int want_heap, want_vars; /* parts of this sample still to ask for */
    int no_vars;              /* /debug/vars answered 404: not asked again until a restart */
    int captures_pending;
    int heap_agains; /* re-captures this heap episode had */
};

struct server;
struct alerts;

struct watcher {
    const struct watch_opts *o;
    struct store *st;
    struct http http;
    struct target *t;
    uint32_t n;
    int64_t t0_ms;
    struct hook_child *children; /* hook commands running */
    int64_t *due;                /* when each target is due (INT64_MAX: sampling): scanned
                                    without touching the targets */
    int64_t wake_ms;             /* when the next target is due */
    struct server *srv;          /* --listen (NULL: none) */
    struct alerts *am;           /* --alertmanager (NULL: none) */
    int alerts_dirty;            /* a finding opened or ended since the last post */
};

/* Wall-clock milliseconds. */
int64_t now_ms(void);
/* ms as RFC 3339 UTC with milliseconds ("2026-12-06T11:00:26.219Z"): the events' and the
 * alerts' time. */
void utc_time(int64_t ms, char *buf, size_t cap);
/* The resident set of a process, bytes (/proc/PID/statm), or -1. */
int64_t proc_rss(int pid);

#endif
