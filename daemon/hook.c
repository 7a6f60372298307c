/* Self-heal hooks (hook.h): which events a hook wants, its rate limit, running its command. */
#define _GNU_SOURCE
#include "hook.h"
#include "gm/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

int hook_wants(const struct hook *h, unsigned kind, const char *target, int sev)
{
    return (h->on & kind) && !(h->target[0] && strcmp(h->target, target) != 0) &&
           !(kind == HOOK_ON_FINDING && sev < h->min_severity);
}

int hook_take(struct hook *h, const char *target, int64_t now_ms)
{
    int n = 0, w = 0;
    for (int i = 0; i < h->runs_nr; i++) { /* forget runs older than an hour */
        if (now_ms - h->runs[i].t_ms >= 3600000) {
            continue;
        }
        h->runs[w++] = h->runs[i];
        n += strcmp(h->runs[i].target, target) == 0;
    }
    h->runs_nr = w;
    if (n >= h->max_per_hour) {
        return -1;
    }
    if (h->runs_nr < HOOK_RUNS_MAX) {
        snprintf(h->runs[h->runs_nr].target, sizeof(h->runs[0].target), "%s", target);
        h->runs[h->runs_nr++].t_ms = now_ms;
    }
    return 0;
}

/* The environment of the command: ours and the GOMEDIC_ variables, made before the fork (the
 * child of a process that may have threads only execs). NULL when out of memory. */
static char **hook_environ(const struct hook_env *env)
{
    extern char **environ;
    const char *var[][2] = {{"GOMEDIC_EVENT", env->json},
                            {"GOMEDIC_EVENT_KIND", env->kind},
                            {"GOMEDIC_TARGET", env->target},
                            {"GOMEDIC_URL", env->url},
                            {"GOMEDIC_ID", env->id},
                            {"GOMEDIC_SEVERITY", env->severity},
                            {"GOMEDIC_FUNCTION", env->function}};
    size_t n = 0, k = 0, nv = sizeof(var) / sizeof(var[0]);
    while (environ[n]) {
        n++;
    }
    char **e = gm_xcalloc(n + nv + 1, sizeof(*e));
    for (size_t i = 0; e && i < n; i++) {
        if (strncmp(environ[i], "GOMEDIC_", 8) != 0) {
            e[k++] = environ[i]; /* borrowed */
        }
    }
    for (size_t i = 0; e && i < nv; i++) {
        size_t len = strlen(var[i][0]) + strlen(var[i][1]) + 2;
        if ((e[k] = gm_xmalloc(len)) == NULL) {
            return e; /* the caller frees what was made */
        }
        snprintf(e[k++], len, "%s=%s", var[i][0], var[i][1]);
    }
    return e;
}

static void environ_free(char **e)
{
    if (!e) {
        return;
    }
    for (size_t i = 0; e[i]; i++) {
        if (strncmp(e[i], "GOMEDIC_", 8) == 0) {
            free(e[i]);
        }
    }
    free(e);
}

static void child_exec(const struct hook *h, char **envp, int in[2], int out[2], const char *msg)
{
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(out[1], 2);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    execvpe(h->argv[0], h->argv, envp);
    ssize_t wr = write(2, msg, strlen(msg));
    (void)wr;
    _exit(127);
}

int hook_spawn(const struct hook *h, const struct hook_env *env, int64_t now_ms, void *owner,
               struct hook_child **children)
{
    int in[2], out[2];
    if (pipe(in) < 0) {
        return -1;
    }
    if (pipe(out) < 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    struct hook_child *c = gm_xcalloc(1, sizeof(*c));
    char **envp = c ? hook_environ(env) : NULL;
    char msg[700]; /* made before the fork, like the environment */
    snprintf(msg, sizeof(msg), "gomedic watch: hook %s: cannot run %s\n", h->name, h->argv[0]);
    pid_t pid = envp ? fork() : -1;
    if (pid == 0) {
        child_exec(h, envp, in, out, msg);
    }
    environ_free(envp);
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        free(c);
        return -1;
    }
    /* the event is small (a few KB): the pipe takes it whole */
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    ssize_t wr = write(in[1], env->json, env->len);
    (void)wr;
    close(in[1]);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    c->pid = pid;
    c->out = out[0];
    c->started = now_ms;
    c->deadline = now_ms + h->timeout_ms;
    c->h = h;
    c->owner = owner;
    c->next = *children;
    *children = c;
    return 0;
}

/* Appends what the child wrote (up to its output buffer; the rest is read and dropped). */
static void drain(struct hook_child *c)
{
    char buf[1024];
    ssize_t n;
    while ((n = read(c->out, buf, sizeof(buf))) > 0) {
        size_t room = sizeof(c->output) - 1 - c->len;
        size_t k = (size_t)n < room ? (size_t)n : room;
        memcpy(c->output + c->len, buf, k);
        c->len += k;
    }
    c->output[c->len] = '\0';
}

void hook_poll(struct hook_child **children, int64_t now_ms, int final, hook_done_fn done,
               void *ctx)
{
    struct hook_child **pp = children;
    while (*pp) {
        struct hook_child *c = *pp;
        drain(c);
        int status = 0;
        pid_t r = waitpid(c->pid, &status, WNOHANG);
        if (r < 0 && errno == EINTR) {
            pp = &c->next; /* again at the next poll */
            continue;
        }
        if (r == 0) {
            if (!c->killed && (final || now_ms > c->deadline)) {
                kill(c->pid, SIGKILL);
                c->killed = 1;
            }
            if (!final) {
                pp = &c->next;
                continue;
            }
            waitpid(c->pid, &status, 0);
        }
        drain(c);
        char result[200];
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (r < 0) { /* not our child any more (SIGCHLD ignored by whoever started us) */
            code = -1;
            snprintf(result, sizeof(result), "exit status unknown");
        } else if (c->killed) {
            snprintf(result, sizeof(result), "killed after the timeout");
        } else if (WIFEXITED(status)) {
            snprintf(result, sizeof(result), "exit status %d", code);
        } else {
            snprintf(result, sizeof(result), "killed by signal %d", WTERMSIG(status));
        }
        done(ctx, c, code, result);
        close(c->out);
        *pp = c->next;
        free(c);
    }
}

void hook_release(struct hook *h)
{
    for (int i = 0; i < h->argc; i++) {
        free(h->argv[i]);
        h->argv[i] = NULL;
    }
    h->argc = 0;
}
