/* The watch daemon's HTTP client on libcurl multi (http.h). */
#include "http.h"
#include "gm/alloc.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    struct http_req *r = ctx;
    size_t len = size * n;
    if (r->len + len > r->max) {
        r->too_big = 1;
        return 0; /* curl stops the transfer: CURLE_WRITE_ERROR */
    }
    if (r->len + len + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 64 * 1024;
        while (cap < r->len + len + 1) {
            cap *= 2;
        }
        char *b = gm_xrealloc(r->body, cap);
        if (!b) {
            return 0;
        }
        r->body = b;
        r->cap = cap;
    }
    memcpy(r->body + r->len, p, len);
    r->len += len;
    r->body[r->len] = '\0';
    return len;
}

int http_init(struct http *h)
{
    memset(h, 0, sizeof(*h));
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return -1;
    }
    h->multi = curl_multi_init();
    if (!h->multi) {
        return -1;
    }
    curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 2L);
    /* A small connection cache: a sample's second request reuses the connection its first
     * left, and nothing is kept for the next interval (libcurl checks every cached connection
     * with a poll() before each request: a cache as large as the target list cost 1.7 M polls
     * in 30 s at 1000 targets). */
    curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, 16L);
    return 0;
}

static void req_free(struct http_req *r)
{
    if (r->easy) {
        curl_easy_cleanup(r->easy);
    }
    curl_slist_free_all(r->headers);
    free(r->post);
    free(r->body);
    free(r);
}

/* A finished request's handle goes back to the idle list (its buffers and state kept: setting
 * up a handle costs more than the transfer of a small profile). */
static void req_recycle(struct http *h, struct http_req *r)
{
    if (r->easy && h->idle_nr < (int)(sizeof(h->idle) / sizeof(h->idle[0]))) {
        curl_easy_reset(r->easy);
        h->idle[h->idle_nr++] = r->easy;
        r->easy = NULL;
    }
    req_free(r);
}

void http_cleanup(struct http *h)
{
    if (h->multi) {
        while (h->reqs) {
            struct http_req *r = h->reqs;
            h->reqs = r->next;
            curl_multi_remove_handle(h->multi, r->easy);
            r->done(r->ctx, r, 0, NULL); /* cancelled: the owner frees its context */
            req_free(r);
        }
        curl_multi_cleanup(h->multi);
    }
    while (h->idle_nr > 0) {
        curl_easy_cleanup(h->idle[--h->idle_nr]);
    }
    curl_global_cleanup();
    memset(h, 0, sizeof(*h));
}

int http_get(struct http *h, const char *url, const struct http_opts *o, size_t max_bytes,
             long timeout_ms, http_done_fn done, void *ctx)
{
    struct http_req *r = gm_xcalloc(1, sizeof(*r));
    if (!r) {
        return -1;
    }
    r->max = max_bytes;
    r->done = done;
    r->ctx = ctx;
    CURL *e = h->idle_nr ? h->idle[--h->idle_nr] : curl_easy_init();
    r->easy = e;
    if (!e) {
        req_free(r);
        return -1;
    }
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "gomedic-watch");
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_bytes);
    if (o && o->auth && *o->auth) {
        r->headers = curl_slist_append(r->headers, o->auth);
    }
    if (o && o->post) {
        r->post = gm_xstrdup(o->post);
        if (!r->post) {
            req_free(r);
            return -1;
        }
        r->headers = curl_slist_append(r->headers, "Content-Type: application/json");
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->post);
    }
    if (r->headers) {
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    }
    if (o && o->ca_file && *o->ca_file) {
        curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
    }
    if (o && o->cert_file && *o->cert_file) {
        curl_easy_setopt(e, CURLOPT_SSLCERT, o->cert_file);
    }
    if (o && o->key_file && *o->key_file) {
        curl_easy_setopt(e, CURLOPT_SSLKEY, o->key_file);
    }
    if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
        req_free(r);
        return -1;
    }
    h->active++;
    r->next = h->reqs;
    if (h->reqs) {
        h->reqs->prev = r;
    }
    h->reqs = r;
    return 0;
}

/* Calls the callback of a finished transfer and frees it. */
static void finish(struct http *h, CURL *e, CURLcode code)
{
    struct http_req *r = NULL;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(e, CURLINFO_TOTAL_TIME, &r->seconds);
    curl_multi_remove_handle(h->multi, e);
    h->active--;
    if (r->prev) {
        r->prev->next = r->next;
    } else {
        h->reqs = r->next;
    }
    if (r->next) {
        r->next->prev = r->prev;
    }
    char err[320];
    int ok = 0;
    if (r->too_big || code == CURLE_FILESIZE_EXCEEDED) {
        snprintf(err, sizeof(err), "body larger than %zu bytes", r->max);
    } else if (code != CURLE_OK) {
        snprintf(err, sizeof(err), "%s", r->errbuf[0] ? r->errbuf : curl_easy_strerror(code));
    } else if (r->status < 200 || r->status > 299) {
        snprintf(err, sizeof(err), "HTTP status %ld", r->status);
    } else {
        ok = 1;
        err[0] = '\0';
    }
    r->done(r->ctx, r, ok, err);
    req_recycle(h, r);
}

int http_run(struct http *h, int timeout_ms, int extra_fd)
{
    int running = 0;
    struct curl_waitfd wfd = {extra_fd, CURL_WAIT_POLLIN, 0};
    curl_multi_poll(h->multi, extra_fd >= 0 ? &wfd : NULL, extra_fd >= 0 ? 1 : 0, timeout_ms, NULL);
    curl_multi_perform(h->multi, &running);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
        if (m->msg == CURLMSG_DONE) {
            finish(h, m->easy_handle, m->data.result);
        }
    }
    return h->active;
}
