/*
 * daemon/hook.h - self-heal hooks of `gomedic watch`: on an event of a chosen kind and severity,
 * run a command (an argv list from the config, never a shell string) with the event as JSON on
 * its standard input and in environment variables, or POST the event to a webhook. Each hook
 * has a timeout (the command is killed when it runs longer) and a rate limit (runs per hour,
 * per target). Nothing blocks the watch loop: children are reaped and their output read by
 * hook_poll(); the watch makes the result (exit status, the first 4 KB of output) a "hook"
 * event, and POSTs to webhooks itself (its HTTP client).
 */
#ifndef GM_DAEMON_HOOK_H
#define GM_DAEMON_HOOK_H

#include <stdint.h>
#include <sys/types.h>

#define HOOK_ARGS_MAX 32
#define HOOK_RUNS_MAX 64 /* rate-limit memory per hook */

enum hook_on { HOOK_ON_FINDING = 1, HOOK_ON_TRIGGER = 2, HOOK_ON_DOWN = 4 };

struct hook {
    char name[64];
    unsigned on;      /* enum hook_on bits (default: findings) */
    int min_severity; /* findings below are ignored (default high) */
    char target[128]; /* only this target ("" = any) */
    char *argv[HOOK_ARGS_MAX + 1];
    int argc;
    char webhook[512];  /* POST the event here instead */
    int64_t timeout_ms; /* default 30 s */
    int max_per_hour;   /* per target (default 4) */
    struct {
        char target[128];
        int64_t t_ms;
    } runs[HOOK_RUNS_MAX];
    int runs_nr;
};

/* A command that is running. */
struct hook_child {
    pid_t pid;
    int out; /* its stdout+stderr, non-blocking */
    int64_t started;
    int64_t deadline; /* killed after */
    int killed;
    char output[4096];
    size_t len;
    const struct hook *h;
    void *owner; /* the caller's (the watch: the target) */
    struct hook_child *next;
};

/* What a command hook is given: the event's JSON on its standard input and in GOMEDIC_EVENT,
 * the rest in GOMEDIC_EVENT_KIND, GOMEDIC_TARGET, GOMEDIC_URL, GOMEDIC_ID, GOMEDIC_SEVERITY,
 * GOMEDIC_FUNCTION ("" when the event has none). */
struct hook_env {
    const char *json;
    size_t len;
    const char *kind, *target, *url, *id, *severity, *function;
};

/* Whether h wants an event of kind (enum hook_on) for target (a finding: of severity sev). */
int hook_wants(const struct hook *h, unsigned kind, const char *target, int sev);
/* Counts a run of h for target at now_ms: 0, or -1 (nothing counted) when max_per_hour runs
 * within the last hour were for target. */
int hook_take(struct hook *h, const char *target, int64_t now_ms);
/* Starts h's command with env; the running child is put first on *children, with owner.
 * 0, or -1 when it cannot be started (no pipe, no fork). */
int hook_spawn(const struct hook *h, const struct hook_env *env, int64_t now_ms, void *owner,
               struct hook_child **children);
/* Reads what the children wrote, kills those past their deadline (all of them when final, and
 * then waits for them), and for each that has ended calls done with its result ("exit status
 * N", "killed after the timeout", "killed by signal N") and exit status (-1 if none), then
 * frees it. Never blocks unless final. */
typedef void (*hook_done_fn)(void *ctx, const struct hook_child *c, int status, const char *result);
void hook_poll(struct hook_child **children, int64_t now_ms, int final, hook_done_fn done,
               void *ctx);

/* Frees what a hook owns. */
void hook_release(struct hook *h);

#endif
