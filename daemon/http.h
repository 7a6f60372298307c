/*
 * daemon/http.h - the watch daemon's HTTP client: many GETs at once on one libcurl multi
 * handle, driven from the daemon's single loop (no thread per target).
 *
 * Every request is bounded: the body is cut at max_bytes (the request then fails with
 * "body larger than N bytes", and nothing more is read), the whole transfer at timeout_ms, the
 * connection at the connect timeout; only http(s) URLs are followed, at most 3 redirects.
 * The body is handed to the callback, which owns nothing: the request and its body are freed
 * after it returns.
 */
#ifndef GM_DAEMON_HTTP_H
#define GM_DAEMON_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct http_req;
/* ok: a 2xx response read whole; else err says why (status, timeout, refused, too big), or is
 * NULL when the request was cancelled by http_cleanup (free the context, report nothing). */
typedef void (*http_done_fn)(void *ctx, const struct http_req *r, int ok, const char *err);

struct http_req {
    char *body;
    size_t len, cap, max;
    long status;
    int too_big;
    double seconds; /* the transfer's time */
    http_done_fn done;
    void *ctx;
    void *easy;
    struct curl_slist *headers;
    char *post; /* the body posted (owned) */
    char errbuf[256];
    struct http_req *prev, *next; /* the active requests */
};

struct http {
    void *multi;
    int active;
    struct http_req *reqs; /* active requests */
    void *idle[256];       /* easy handles done with, reset, for the next requests */
    int idle_nr;
};

/* What a request carries besides its URL; NULL or "" fields are not used. */
struct http_opts {
    const char *auth;                           /* a header line: "Authorization: Bearer ..." */
    const char *ca_file, *cert_file, *key_file; /* TLS: CA bundle, client certificate, key */
    const char *post;                           /* a JSON body to POST instead of a GET */
};

int http_init(struct http *h);
void http_cleanup(struct http *h);
/* Starts a GET (or a POST with o->post). 0, or -1 (out of memory, bad URL). */
int http_get(struct http *h, const char *url, const struct http_opts *o, size_t max_bytes,
             long timeout_ms, http_done_fn done, void *ctx);
/* Waits up to timeout_ms for network activity (or extra_fd readable, when >= 0: the HTTP
 * server's), then runs transfers and calls the callbacks of finished ones. Returns the
 * transfers still active. */
int http_run(struct http *h, int timeout_ms, int extra_fd);

#endif
