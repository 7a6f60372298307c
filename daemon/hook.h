/*
 * daemon/hook.h - self-heal hooks of `gomedic watch`: on an event of a chosen kind and severity,
 * run a command (an argv list from the config, never a shell string) with the event as JSON on
 * its standard input and in environment variables, or POST the event to a webhook. Each hook
 * has a timeout (the command is killed when it runs longer) and a rate limit (runs per hour,
 * per target). Nothing blocks the watch loop: children are reaped and their output read from
 * hooks_poll(); the result (exit status, the first 4 KB of output) becomes a "hook" event.
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
struct target;
struct hook_child {
    pid_t pid;
    int out; /* its stdout+stderr, non-blocking */
    int64_t started;
    int64_t deadline; /* killed after */
    int killed;
    char output[4096];
    size_t len;
    const struct hook *h;
    struct target *t;
    struct hook_child *next;
};

/* Frees what a hook owns. */
void hook_release(struct hook *h);

#endif
