/*
 * mkflame - writes the pages the browser check loads, and what it should find in them.
 *
 *   mkflame DIR
 *
 * DIR/out.html and DIR/out.svg: a few hundred synthetic Go stacks with known names;
 * DIR/diff.html: a differential graph of the same stacks against shifted values;
 * DIR/big.html: 10^5 distinct stacks of depth 20 to 30.
 * Prints one JSON object on stdout: the frame count, a search and its expected matches, a
 * frame to zoom with expectations, and build/render times of the big graph.
 */
#define _POSIX_C_SOURCE 200809L
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gm/flame.h"

#define WIDTH  1200
#define MIN_PX 0.1

static void die(const char *what)
{
    fprintf(stderr, "mkflame: %s\n", what);
    exit(1);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Adds "a;b;c" (root first). */
static void add(struct gm_flame *f, struct gm_strtab *st, const char *folded, int64_t v, int base)
{
    uint32_t ids[64], nr = 0;
    for (const char *p = folded; *p;) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (nr == 64 || gm_strtab_intern(st, p, len, &ids[nr++]) != 0) {
            die("intern");
        }
        p += len + (e ? 1 : 0);
    }
    if (gm_flame_add(f, ids, nr, v, base) != 0) {
        die("add");
    }
}

static void write_file(const char *dir, const char *name, const struct gm_flame *f,
                       enum gm_flame_format fmt)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    if (!fp) {
        die(path);
    }
    struct gm_out o;
    gm_out_init(&o, fp, 0);
    gm_flame_render(&o, f, fmt, WIDTH, MIN_PX);
    if (gm_out_error(&o) != 0 || fclose(fp) != 0) {
        die(path);
    }
}

#define ROOT "runtime.goexit;"
#define HTTP ROOT "net/http.(*conn).serve;net/http.serverHandler.ServeHTTP;"
#define API  HTTP "github.com/acme/shop/api.(*Router).ServeHTTP;"
#define WORK                                                                                       \
    ROOT "github.com/acme/shop/worker.(*Pool).run;github.com/acme/shop/worker.(*Pool).process;"
#define DB    "github.com/acme/shop/db.(*Conn).Query;database/sql.(*DB).QueryContext;"
#define PQ    "github.com/lib/pq.(*conn).query;net.(*conn).Read;internal/poll.(*FD).Read;"
#define CACHE ROOT "github.com/acme/shop/cache.(*LRU).janitor;"

/* Each stack is a template plus an optional leaf; weights vary with the index. */
static const char *const templates[] = {
    API "github.com/acme/shop/api.(*Server).handleOrders;" DB PQ "syscall.Syscall",
    API "github.com/acme/shop/api.(*Server).handleOrders;encoding/json.Marshal;"
        "encoding/json.(*encodeState).marshal;encoding/json.(*encodeState).reflectValue",
    API "github.com/acme/shop/api.(*Server).handleCart;sync.(*Mutex).Lock;"
        "sync.(*Mutex).lockSlow;runtime.semacquire1;runtime.gopark",
    API "github.com/acme/shop/api.(*Server).handleCart;" DB PQ "runtime.gopark",
    API "github.com/acme/shop/api.(*Server).handleSearch;github.com/acme/shop/search.(*Index)."
        "Lookup;github.com/acme/shop/search.tokenize;strings.Fields",
    API "github.com/acme/shop/api.(*Server).handleSearch;github.com/acme/shop/search.(*Index)."
        "Lookup;github.com/acme/shop/search.score;math.Log",
    API "github.com/acme/shop/api.(*Server).handleLogin;crypto/sha256.Sum256;"
        "crypto/sha256.block",
    API "github.com/acme/shop/api.(*Server).handleLogin;github.com/acme/shop/db.(*Conn).Exec",
    HTTP "main.(*T).<lambda>&\"x\";github.com/acme/shop/i18n.\xc3\x9c"
         "bersetze;main.bad\xff",
    WORK "github.com/acme/shop/mail.Send;net/smtp.(*Client).Data;crypto/tls.(*Conn).Write",
    WORK "github.com/acme/shop/img.Resize;image/draw.Draw;image/draw.drawRGBA",
    WORK "github.com/acme/shop/db.(*Conn).Exec;database/sql.(*DB).ExecContext;" PQ
         "syscall.Syscall",
    CACHE "github.com/acme/shop/cache.(*LRU).evict;runtime.mapdelete_faststr",
    CACHE "time.Sleep;runtime.timeSleep;runtime.gopark",
    ROOT "runtime.main;main.main;github.com/acme/shop/server.Run;net/http.(*Server).Serve;"
         "net.(*TCPListener).Accept;internal/poll.(*FD).Accept;runtime.gopark",
    ROOT "runtime.gcBgMarkWorker;runtime.gcDrain;runtime.scanobject",
};
static const char *const leaves[] = {"", ";runtime.mallocgc", ";runtime.morestack"};

#define SMALL_STACKS 400

static void build_small(struct gm_flame *f, struct gm_strtab *st, int diff)
{
    char buf[1024];
    for (int i = 0; i < SMALL_STACKS; i++) {
        int t = i % (int)(sizeof(templates) / sizeof(templates[0]));
        snprintf(buf, sizeof(buf), "%s%s", templates[t], leaves[i / 16 % 3]);
        int64_t v = 1 + (i * 7) % 13;
        add(f, st, buf, v, 0);
        if (diff) {
            /* the base had less of the handlers and more of the workers */
            int64_t b = strstr(buf, "handle") ? v / 2 : strstr(buf, "worker") ? v * 2 : v;
            add(f, st, buf, b, 1);
        }
    }
}

/* 10^5 distinct stacks: five levels branch on the decimal digits of i, then each stack goes
 * on alone for 15 to 25 more frames drawn from a pool of realistic names. */
static void build_big(struct gm_flame *f, struct gm_strtab *st)
{
    static const char *const pkgs[] = {"github.com/acme/big/api",
                                       "github.com/acme/big/store",
                                       "github.com/acme/big/rpc",
                                       "encoding/json",
                                       "net/http",
                                       "runtime",
                                       "sync",
                                       "github.com/acme/big/cache"};
    uint32_t pool[8][10][30];
    char name[128];
    for (int p = 0; p < 8; p++) {
        for (int k = 0; k < 10; k++) {
            for (int d = 0; d < 30; d++) {
                int n = snprintf(name, sizeof(name), "%s.(*T%d).Step%d", pkgs[p], k, d);
                if (gm_strtab_intern(st, name, (size_t)n, &pool[p][k][d]) != 0) {
                    die("intern");
                }
            }
        }
    }
    for (uint32_t i = 0; i < 100000; i++) {
        uint32_t frames[30], depth = 20 + i % 11, div = 10000;
        for (uint32_t d = 0; d < depth; d++) {
            uint32_t digit = d < 5 ? i / div % 10 : (i + d) % 10;
            div = div > 1 ? div / 10 : 1;
            frames[d] = pool[(d + digit) % 8][digit][d];
        }
        if (gm_flame_add(f, frames, depth, 1 + i % 9, 0) != 0) {
            die("add");
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        die("usage: mkflame DIR");
    }
    const char *dir = argv[1];
    struct gm_strtab st;
    struct gm_flame f;
    if (gm_strtab_init(&st, UINT64_C(1) << 30) != 0 ||
        gm_flame_init(&f, &st, "gomedic flame graph test", "samples") != 0) {
        die("init");
    }
    build_small(&f, &st, 0);
    write_file(dir, "out.html", &f, GM_FLAME_HTML);
    write_file(dir, "out.svg", &f, GM_FLAME_SVG);

    /* expectations: every node is wide enough to be drawn */
    const char *search = "^github\\.com/acme/shop/db\\.";
    regex_t re;
    if (regcomp(&re, "^github\\.com/acme/shop/db\\.", REG_EXTENDED | REG_NOSUB) != 0) {
        die("regcomp");
    }
    uint32_t matches = 0;
    int64_t matched = 0;
    double min_value = MIN_PX * (double)f.nodes[0].value / WIDTH;
    uint32_t zoom = 0, sibling = 0, deep = 0;
    for (uint32_t n = 1; n < f.nr; n++) {
        const char *nm = gm_strtab_cstr(&st, f.nodes[n].name_id);
        if ((double)f.nodes[n].value < min_value) {
            die("a frame would be dropped; make the weights larger");
        }
        if (regexec(&re, nm, 0, NULL, 0) == 0) {
            matches++;
            /* count a match once, not again under a matching ancestor */
            int nested = 0;
            for (uint32_t a = f.nodes[n].parent; a != 0; a = f.nodes[a].parent) {
                nested |= regexec(&re, gm_strtab_cstr(&st, f.nodes[a].name_id), 0, NULL, 0) == 0;
            }
            matched += nested ? 0 : f.nodes[n].value;
        }
        if (strcmp(nm, "github.com/acme/shop/worker.(*Pool).run") == 0) {
            zoom = n;
        } else if (strcmp(nm, "net/http.(*conn).serve") == 0) {
            sibling = n;
        } else if (strcmp(nm, "github.com/acme/shop/img.Resize") == 0) {
            deep = n;
        }
    }
    regfree(&re);
    if (!zoom || !sibling || !deep) {
        die("missing test frames");
    }

    struct gm_flame d;
    if (gm_flame_init(&d, &st, "gomedic differential test", "samples") != 0) {
        die("init");
    }
    build_small(&d, &st, 1);
    write_file(dir, "diff.html", &d, GM_FLAME_HTML);
    gm_flame_release(&d);

    struct gm_flame big;
    if (gm_flame_init(&big, &st, "10^5 stacks", "samples") != 0) {
        die("init");
    }
    double t0 = now_ms();
    build_big(&big, &st);
    double t1 = now_ms();
    write_file(dir, "big.html", &big, GM_FLAME_HTML);
    double t2 = now_ms();

    printf("{\"width\":%d,\"frames\":%u,\"search\":\"", WIDTH, f.nr);
    for (const char *p = search; *p; p++) {
        printf("%s%c", *p == '\\' ? "\\" : "", *p);
    }
    printf("\",\"matches\":%u,\"matched\":\"Matched: %.1f%%\",", matches,
           100.0 * (double)matched / (double)f.nodes[0].value);
    printf("\"zoom\":\"%s\",\"sibling\":\"%s\",\"deep\":\"%s\",\"deep_width\":%.3f,",
           gm_strtab_cstr(&st, f.nodes[zoom].name_id),
           gm_strtab_cstr(&st, f.nodes[sibling].name_id),
           gm_strtab_cstr(&st, f.nodes[deep].name_id),
           (double)WIDTH * (double)f.nodes[deep].value / (double)f.nodes[zoom].value);
    printf("\"big_stacks\":100000,\"big_nodes\":%u,\"big_build_ms\":%.1f,\"big_render_ms\":%.1f}\n",
           big.nr, t1 - t0, t2 - t1);
    gm_flame_release(&big);
    gm_flame_release(&f);
    gm_strtab_release(&st);
    return 0;
}
