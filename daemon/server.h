/*
 * daemon/server.h - the watch daemon's HTTP server (--listen): libmicrohttpd in external
 * select mode, driven by the daemon's loop (its epoll fd is polled beside libcurl's sockets,
 * server_run serves what is ready), so pages are rendered in the loop's thread and read the
 * daemon's state (state.h) and store without locks.
 *
 * What it serves is routed to metrics.c (/metrics), web.c (the HTML pages) and api.c (/api/).
 * Security: loopback unless told otherwise (a non-loopback address needs a token or
 * insecure); a token (Bearer, or Basic auth's password) compared in constant time; GET and
 * HEAD only, no request body; at most 64 connections, 8 per client address, 10 s each, 32 kB
 * of request; 100 requests a second beyond a burst of 200 (then 429).
 */
#ifndef GM_DAEMON_SERVER_H
#define GM_DAEMON_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct watcher;
struct server;

struct server_opts {
    const char *listen; /* PORT, :PORT, HOST:PORT, [V6]:PORT */
    const char *token;  /* NULL: no authentication */
    int insecure;       /* a non-loopback address without a token is allowed */
};

/* Whether o->listen parses and may be used with the token given: 0, or -1 with a message (the
 * front end checks before it creates anything). */
int server_check(const struct server_opts *o, char *err, size_t errcap);
/* Parses ADDR and listens: the server, with url its base ("http://127.0.0.1:9100/"), or NULL
 * with a message in err. */
struct server *server_start(const struct server_opts *o, struct watcher *w, char *url,
                            size_t urlcap, char *err, size_t errcap);
/* The descriptor to poll for reading (the server's epoll set). */
int server_fd(const struct server *s);
/* Accepts, reads and answers whatever is ready; never blocks. */
void server_run(struct server *s);
void server_stop(struct server *s);

/* A request as the renderers see it. */
struct request {
    const char *path; /* without the query */
    void *conn;       /* the connection (for request_arg) */
};
/* A query argument ("?since=1h"), or NULL. */
const char *request_arg(const struct request *r, const char *name);

/* What a renderer answers: a body written to f (a memory stream), a file to send, or a body
 * made as it is sent by gen (up to max bytes into out; 0 at the end; gen_ctx freed after). */
typedef long (*reply_gen_fn)(void *ctx, char *out, size_t max);
struct reply {
    int status;       /* 200 unless set */
    const char *type; /* content type */
    FILE *f;          /* the body; the server owns the buffer */
    int fd;           /* or this file (>= 0), of fd_size bytes, sent as an attachment */
    uint64_t fd_size;
    char filename[200]; /* the attachment's name */
    reply_gen_fn gen;
    void *gen_ctx;
};

/* The renderers (0: handled, -1: not this module's path). */
int metrics_serve(struct watcher *w, const struct request *rq, struct reply *rp);
int web_serve(struct watcher *w, const struct request *rq, struct reply *rp);
int api_serve(struct watcher *w, const struct request *rq, struct reply *rp);

/* The target with this store id, or NULL. */
struct target *target_by_id(struct watcher *w, int64_t id);
/* A captured file as the store indexes it. */
struct capture_row {
    int64_t id, t_ms, bytes;
    char target[128], kind[32], path[4400];
};
/* The capture with this store id into c: 1, 0 when there is none, -1 on a store error. */
int capture_get(struct watcher *w, int64_t id, struct capture_row *c);
/* Calls fn with the JSON object of every finding event whose analysis read capture id (of
 * target, taken at t_ms). 0 or -1. */
typedef int (*finding_fn)(void *ctx, const char *json);
int capture_findings(struct watcher *w, int64_t id, const char *target, int64_t t_ms, finding_fn fn,
                     void *ctx);
/* The id of "/PREFIX/ID[/REST]" into *id with *rest pointing at "/REST" or ""; -1 if not. */
int path_id(const char *path, const char *prefix, int64_t *id, const char **rest);

/* Writes s escaped for HTML text and attribute values. */
void html_escape(FILE *f, const char *s);
/* "1h", "30m" ... of ?since=, in milliseconds before now (default dflt). */
int64_t request_since(const struct request *r, int64_t dflt);

#endif
