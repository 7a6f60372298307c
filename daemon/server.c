/* The watch daemon's HTTP server on libmicrohttpd (server.h). */
#define _GNU_SOURCE
#include "server.h"
#include "state.h"
#include "gm/alloc.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define RATE_PER_S 100.0
#define RATE_BURST 200.0

struct server {
    struct MHD_Daemon *d;
    struct watcher *w;
    char token[512];
    int has_token;
    uint64_t streamed; /* bytes made by streamed bodies (server_run's progress) */
    double tokens;     /* the rate limit's bucket */
    int64_t refilled_ms;
};

const char *request_arg(const struct request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int64_t request_since(const struct request *r, int64_t dflt)
{
    const char *v = request_arg(r, "since");
    int64_t ms = v ? watch_parse_duration(v) : -1;
    return ms > 0 ? ms : dflt;
}

void html_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* Equal in time that depends on the lengths only, not on where they differ. */
static int same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), n = la > lb ? la : lb;
    unsigned char d = (unsigned char)(la != lb);
    for (size_t i = 0; i < n; i++) {
        d |= (unsigned char)(a[i < la ? i : 0] ^ b[i < lb ? i : 0]);
    }
    return d == 0;
}

static int authorized(struct server *s, struct MHD_Connection *c)
{
    if (!s->has_token) {
        return 1;
    }
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (h && strncmp(h, "Bearer ", 7) == 0) {
        return same_secret(h + 7, s->token);
    }
    char *pass = NULL;
    char *user = MHD_basic_auth_get_username_password(c, &pass);
    int ok = pass && same_secret(pass, s->token);
    MHD_free(user);
    MHD_free(pass);
    return ok;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) {
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    } else if (status == MHD_HTTP_TOO_MANY_REQUESTS) {
        MHD_add_response_header(r, "Retry-After", "1");
    }
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

/* The rate limit: a bucket of RATE_BURST requests refilled at RATE_PER_S. */
static int rate_ok(struct server *s)
{
    int64_t now = now_ms();
    s->tokens += (double)(now - s->refilled_ms) * RATE_PER_S / 1000;
    s->tokens = s->tokens > RATE_BURST ? RATE_BURST : s->tokens;
    s->refilled_ms = now;
    if (s->tokens < 1) {
        return 0;
    }
    s->tokens -= 1;
    return 1;
}

/* A body made as it is sent (reply.gen). */
struct stream {
    reply_gen_fn gen;
    void *ctx;
    struct server *s;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *st = cls;
    (void)pos;
    long n = st->gen(st->ctx, buf, max);
    st->s->streamed += n > 0 ? (uint64_t)n : 0;
    return n > 0 ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void stream_free(void *cls)
{
    struct stream *st = cls;
    free(st->ctx);
    free(st);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *s = cls;
    (void)version;
    (void)upload_data;
    (void)con_cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
    }
    if (*upload_data_size) {
        return send_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "no request body\n");
    }
    if (!rate_ok(s)) {
        return send_text(c, MHD_HTTP_TOO_MANY_REQUESTS, "too many requests\n");
    }
    if (!authorized(s, c)) {
        static const char msg[] = "a token is needed (Authorization: Bearer TOKEN)\n";
        struct MHD_Response *r =
            MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
        enum MHD_Result rc = MHD_queue_basic_auth_fail_response(c, "gomedic watch", r);
        MHD_destroy_response(r);
        return rc;
    }
    char *buf = NULL;
    size_t len = 0;
    struct request rq = {url, c};
    struct reply rp = {.status = 200, .type = "text/html; charset=utf-8", .fd = -1};
    rp.f = open_memstream(&buf, &len);
    if (!rp.f) {
        return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    }
    if (strcmp(url, "/healthz") == 0) {
        rp.type = "text/plain; charset=utf-8";
        fputs("ok\n", rp.f);
    } else if (metrics_serve(s->w, &rq, &rp) < 0 && api_serve(s->w, &rq, &rp) < 0 &&
               web_serve(s->w, &rq, &rp) < 0) {
        rp.status = 404;
        rp.type = "text/plain; charset=utf-8";
        fputs("not found\n", rp.f);
    }
    fclose(rp.f);
    struct MHD_Response *r;
    if (rp.gen) {
        free(buf);
        struct stream *st = gm_xcalloc(1, sizeof(*st));
        r = NULL;
        if (st) {
            st->gen = rp.gen;
            st->ctx = rp.gen_ctx;
            st->s = s;
            r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 256 * 1024, stream_read, st,
                                                  stream_free);
        }
        if (!r) {
            free(st);
            free(rp.gen_ctx);
        }
    } else if (rp.fd >= 0) {
        free(buf);
        r = MHD_create_response_from_fd64(rp.fd_size, rp.fd);
        if (r) {
            char cd[300];
            snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"", rp.filename);
            MHD_add_response_header(r, "Content-Disposition", cd);
        } else {
            close(rp.fd);
        }
    } else {
        r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
        if (!r) {
            free(buf);
        }
    }
    if (!r) {
        return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    }
    MHD_add_response_header(r, "Content-Type", rp.type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'; script-src "
                            "'unsafe-inline'; img-src data:; frame-ancestors 'none'");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)rp.status, r);
    MHD_destroy_response(r);
    return rc;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Decodes %XX in place, except %00: a NUL would cut the path short of what was asked
 * ("/captures/1/file%00.html" must not be "/captures/1/file"), so it stays "%00" and the path
 * matches nothing. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (*r == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0 && (hi | lo)) {
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static int is_loopback(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)a;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
}

/* PORT, :PORT, HOST:PORT, [V6]:PORT into a; -1 when malformed. */
static int parse_addr(const char *s, struct sockaddr_storage *a, socklen_t *alen)
{
    char host[256] = "127.0.0.1";
    const char *port = s;
    memset(a, 0, sizeof(*a));
    if (s[0] == '[') {
        const char *e = strchr(s, ']');
        if (!e || e[1] != ':' || (size_t)(e - s - 1) >= sizeof(host)) {
            return -1;
        }
        snprintf(host, sizeof(host), "%.*s", (int)(e - s - 1), s + 1);
        port = e + 2;
    } else if (strrchr(s, ':')) {
        const char *c = strrchr(s, ':');
        if (c > s) {
            if ((size_t)(c - s) >= sizeof(host)) {
                return -1;
            }
            snprintf(host, sizeof(host), "%.*s", (int)(c - s), s);
        }
        port = c + 1;
    }
    char *end = NULL;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535) {
        return -1;
    }
    struct sockaddr_in *in = (struct sockaddr_in *)a;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)a;
    if (strcmp(host, "localhost") == 0) {
        snprintf(host, sizeof(host), "127.0.0.1");
    }
    if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)p);
        *alen = sizeof(*in);
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)p);
        *alen = sizeof(*in6);
    } else {
        return -1;
    }
    return 0;
}

/* The address of o, checked: 0, or -1 with a message. */
static int check(const struct server_opts *o, struct sockaddr_storage *a, socklen_t *alen,
                 char *err, size_t errcap)
{
    if (parse_addr(o->listen, a, alen) < 0) {
        snprintf(err, errcap,
                 "expected PORT, HOST:PORT or [IPV6]:PORT with a numeric address (127.0.0.1:9100)");
        return -1;
    }
    if (!is_loopback(a) && !(o->token && *o->token) && !o->insecure) {
        snprintf(err, errcap,
                 "not a loopback address: anyone who reaches it would see the targets and their "
                 "captures; give --auth-token (or --auth-token-file), or --insecure-listen");
        return -1;
    }
    if (o->token && strlen(o->token) >= 512) {
        snprintf(err, errcap, "the token is longer than 511 bytes");
        return -1;
    }
    return 0;
}

int server_check(const struct server_opts *o, char *err, size_t errcap)
{
    struct sockaddr_storage a;
    socklen_t alen = 0;
    return check(o, &a, &alen, err, errcap);
}

struct server *server_start(const struct server_opts *o, struct watcher *w, char *url,
                            size_t urlcap, char *err, size_t errcap)
{
    struct sockaddr_storage a;
    socklen_t alen = 0;
    if (check(o, &a, &alen, err, errcap) < 0) {
        return NULL;
    }
    int fd = socket(a.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    }
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, alen) < 0 || listen(fd, 64) < 0) {
        snprintf(err, errcap, "cannot listen: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    alen = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &alen);
    char host[INET6_ADDRSTRLEN] = "";
    unsigned port;
    if (a.ss_family == AF_INET) {
        inet_ntop(AF_INET, &((struct sockaddr_in *)&a)->sin_addr, host, sizeof(host));
        port = ntohs(((struct sockaddr_in *)&a)->sin_port);
        snprintf(url, urlcap, "http://%s:%u/", host, port);
    } else {
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&a)->sin6_addr, host, sizeof(host));
        port = ntohs(((struct sockaddr_in6 *)&a)->sin6_port);
        snprintf(url, urlcap, "http://[%s]:%u/", host, port);
    }
    struct server *s = gm_xcalloc(1, sizeof(*s));
    if (!s) {
        close(fd);
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    s->w = w;
    s->tokens = RATE_BURST;
    s->refilled_ms = now_ms();
    if (o->token && *o->token) {
        snprintf(s->token, sizeof(s->token), "%s", o->token);
        s->has_token = 1;
    }
    unsigned flags = MHD_USE_EPOLL;
    if (a.ss_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)8,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)32768, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errcap, "libmicrohttpd could not start");
        close(fd);
        free(s);
        return NULL;
    }
    return s;
}

int server_fd(const struct server *s)
{
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD);
    return i ? i->epoll_fd : -1;
}

/* A streamed body goes out a connection buffer (the 32 kB of the memory limit) per MHD_run:
 * while one makes progress, run again, for at most 20 ms of the loop's turn (1000 targets'
 * /metrics is 1.8 MB: a turn of the loop per 16 kB made it 100 ms). */
void server_run(struct server *s)
{
    int64_t t0 = now_ms();
    uint64_t before;
    do {
        before = s->streamed;
        MHD_run(s->d);
    } while (s->streamed != before && now_ms() - t0 < 20);
}

void server_stop(struct server *s)
{
    if (s) {
        MHD_stop_daemon(s->d);
        free(s);
    }
}
