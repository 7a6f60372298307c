/* The static rules of gomedic lint over Go syntax trees (gm/lint.h). */
#include "gm/lint.h"
#include "gm/alloc.h"
#include "gm/findings.h"
#include "gm/source.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* ---- small helpers ---------------------------------------------------------------------- */

/* Null-safe: tree-sitter's own calls fault on a null node (a field a construct lacks). */
static TSNode nkid(TSNode n, uint32_t i)
{
    return ts_node_is_null(n) ? n : ts_node_named_child(n, i);
}
static uint32_t nkids(TSNode n)
{
    return ts_node_is_null(n) ? 0 : ts_node_named_child_count(n);
}
static TSNode nparent(TSNode n)
{
    return ts_node_is_null(n) ? n : ts_node_parent(n);
}

struct names { /* a set of identifiers (slices into the package's files) */
    struct gm_str *v;
    uint32_t nr, alloc;
};

static int names_has(const struct names *s, struct gm_str n)
{
    for (uint32_t i = 0; i < s->nr; i++) {
        if (s->v[i].len == n.len && memcmp(s->v[i].p, n.p, n.len) == 0) {
            return 1;
        }
    }
    return 0;
}

static int names_add(struct names *s, struct gm_str n)
{
    if (n.len == 0 || names_has(s, n)) {
        return 0;
    }
    if (GM_RESERVE(s->v, s->alloc, s->nr + 1) < 0) {
        return GM_ENOMEM;
    }
    s->v[s->nr++] = n;
    return 0;
}

static int str_eq(struct gm_str a, struct gm_str b)
{
    return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

static int str_is(struct gm_str s, const char *c)
{
    size_t l = strlen(c);
    return s.len == l && memcmp(s.p, c, l) == 0;
}

static int str_has(struct gm_str s, const char *needle)
{
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= s.len; i++) {
        if (memcmp(s.p + i, needle, l) == 0) {
            return 1;
        }
    }
    return 0;
}

static int ident_char(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* needle occurs in s followed by something that does not continue it (an identifier char or
 * a '.': "return resp" matches "return resp, nil", not "return resp.StatusCode"). */
static int str_has_word(struct gm_str s, const char *needle)
{
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= s.len; i++) {
        if (memcmp(s.p + i, needle, l) == 0 &&
            (i + l == s.len || (!ident_char(s.p[i + l]) && s.p[i + l] != '.'))) {
            return 1;
        }
    }
    return 0;
}

/* "s.jobs" -> "jobs", "ch" -> "ch", "(*p).ch" -> "ch": the last identifier of an operand. */
static struct gm_str last_ident(struct gm_str s)
{
    size_t e = s.len;
    while (e > 0 && (s.p[e - 1] == ')' || s.p[e - 1] == ' ')) {
        e--;
    }
    size_t b = e;
    while (b > 0 &&
           (s.p[b - 1] == '_' || (s.p[b - 1] >= 'a' && s.p[b - 1] <= 'z') ||
            (s.p[b - 1] >= 'A' && s.p[b - 1] <= 'Z') || (s.p[b - 1] >= '0' && s.p[b - 1] <= '9'))) {
        b--;
    }
    return (struct gm_str){s.p + b, e - b};
}

/* ---- the package being linted ----------------------------------------------------------- */

/* A producer whose return skips its close(ch) (close_skipped), for the range it feeds. */
struct skipper {
    struct gm_str fn;
    uint32_t ret_line, close_line;
};
/* A ranged channel handed to a function that closes its channel parameter: produce(.., ch). */
struct handoff {
    struct gm_str ch, fn;
};

struct pending {
    struct {
        TSNode n;
        uint32_t file; /* index in pkg.files */
    } * v;
    uint32_t nr, alloc;
};

struct pkg {
    struct gm_go *g;
    struct gm_gofile *files;
    uint32_t files_nr;
    const char *pkgpath;
    unsigned go_minor;
    struct gm_lint *out;
    int err;
    /* facts of the whole package (phase 1) */
    struct names closed;      /* close(X): the last identifier of X */
    struct names chans;       /* identifiers declared or made as channels */
    struct names signalled;   /* X.Signal() / X.Broadcast() */
    struct names conds;       /* sync.NewCond / sync.Cond values */
    struct names waitgroups;  /* X.Wait() / X.Done() on sync.WaitGroup-looking values */
    struct names started;     /* functions and methods started by a go statement: go x.run() */
    struct names started_any; /* the same, from anywhere (started: outside main.main, init) */
    struct names maps;        /* struct fields and package-level variables of map type */
    struct names deleted;     /* delete(X, k), clear(X) */
    struct names reset;       /* X = make(map..) / X = map..{} outside constructors */
    struct names pools;       /* sync.Pool values */
    struct names grown;       /* maps already reported */
    struct names factories;   /* functions whose result is used for one request at once:
                                 x.newClient().Get(..) */
    struct names ranged;      /* for range X: the last identifier of X */
    struct names sent;        /* X <- v: the last identifier of X */
    struct names made;        /* channels this package makes: X := make(chan ..), X: make(..) */
    struct names made_buf;    /* ... with a buffer */
    struct names read;        /* of the sent: received, ranged over, handed on, returned */
    struct names closers;     /* functions that close a channel parameter: produce(.., out) */
    struct {
        struct handoff *v;
        uint32_t nr, alloc;
    } handoffs; /* which ranged channel went to which closer */
    struct {
        struct skipper *v;
        uint32_t nr, alloc;
    } skippers;
    struct pending pend_send, pend_range; /* judged after the rules walk (judge_deferred) */
    struct visit {
        const void *id; /* the node walk() hands its callback, and its symbol */
        TSSymbol sym;
    } * cur;
    const struct gm_gofile *f; /* the file being walked */
};

static int is(const struct pkg *p, TSNode n, enum gm_gk k)
{
    /* the node being visited: its symbol was read once by walk() */
    if (n.id == p->cur->id && n.id) {
        return p->cur->sym == p->g->sym[k];
    }
    return gm_go_is(p->g, n, k);
}
static TSNode field(const struct pkg *p, TSNode n, enum gm_gf f)
{
    return gm_go_field(p->g, n, f);
}
static struct gm_str text(const struct pkg *p, TSNode n)
{
    return gm_go_text(p->f, n);
}
static int is_fn(const struct pkg *p, TSNode n)
{
    return is(p, n, GK_FUNCTION_DECLARATION) || is(p, n, GK_METHOD_DECLARATION) ||
           is(p, n, GK_FUNC_LITERAL);
}
static TSNode enclosing(const struct pkg *p, TSNode n)
{
    for (TSNode q = nparent(n); !ts_node_is_null(q); q = nparent(q)) {
        if (is_fn(p, q)) {
            return q;
        }
    }
    return (TSNode){0};
}
/* The outermost function around n (a declaration), or null. */
static TSNode outermost(const struct pkg *p, TSNode n)
{
    TSNode top = (TSNode){0};
    for (TSNode q = nparent(n); !ts_node_is_null(q); q = nparent(q)) {
        if (is_fn(p, q)) {
            top = q;
        }
    }
    return top;
}

/* n is in main.main or an init function (code that runs once, for the process's life). */
static int in_main_or_init(const struct pkg *p, TSNode n)
{
    TSNode top = outermost(p, n);
    if (ts_node_is_null(top) || !is(p, top, GK_FUNCTION_DECLARATION)) {
        return ts_node_is_null(top); /* package level: initialisation */
    }
    struct gm_str name = gm_go_text(p->f, gm_go_field(p->g, top, GF_NAME));
    return (name.len == 4 && !memcmp(name.p, "init", 4)) ||
           (name.len == 4 && !memcmp(name.p, "main", 4) && !strcmp(p->pkgpath, "main"));
}

/* fn is main.main itself (not a closure in it). */
static int is_main_main(const struct pkg *p, TSNode fn)
{
    return is(p, fn, GK_FUNCTION_DECLARATION) && !strcmp(p->pkgpath, "main") &&
           str_is(gm_go_text(p->f, gm_go_field(p->g, fn, GF_NAME)), "main");
}

/* n is in a constructor (New*, new*) or an init function: code that sets a value up once. */
static int in_setup(const struct pkg *p, TSNode n)
{
    struct gm_str fn = gm_go_text(p->f, gm_go_field(p->g, outermost(p, n), GF_NAME));
    return (fn.len >= 3 && (!memcmp(fn.p, "New", 3) || !memcmp(fn.p, "new", 3))) ||
           str_is(fn, "init");
}

/* A call's callee as text ("time.NewTicker", "close", "s.mu.Lock"), and for a selector its
 * operand and field. */
struct callee {
    struct gm_str full, operand, method;
};
static int callee_of(const struct pkg *p, TSNode call, struct callee *c)
{
    if (!is(p, call, GK_CALL_EXPRESSION)) {
        return 0;
    }
    TSNode fn = field(p, call, GF_FUNCTION);
    c->full = text(p, fn);
    c->operand = (struct gm_str){"", 0};
    c->method = c->full;
    if (is(p, fn, GK_SELECTOR_EXPRESSION)) {
        c->operand = text(p, field(p, fn, GF_OPERAND));
        c->method = text(p, field(p, fn, GF_FIELD));
    }
    return 1;
}

static TSNode arg(const struct pkg *p, TSNode call, uint32_t i)
{
    TSNode args = field(p, call, GF_ARGUMENTS);
    return ts_node_is_null(args) ? args : nkid(args, i);
}

/* Depth-first walk of n's named nodes (gm_go_cursor_next); f returns 0 to go on, 1 to skip
 * the children, <0 to stop. Closures are entered unless no_closures. */
typedef int (*walk_fn)(struct pkg *p, TSNode n, void *ctx);
static int walk(struct pkg *p, TSNode n, int no_closures, walk_fn f, void *ctx)
{
    TSTreeCursor c = ts_tree_cursor_new(n);
    int rc = 0;
    for (;;) {
        TSNode cur = ts_tree_cursor_current_node(&c);
        int down = 1;
        if (ts_node_is_named(cur)) {
            if (no_closures && !ts_node_eq(cur, n) && is(p, cur, GK_FUNC_LITERAL)) {
                down = 0;
            } else {
                struct visit saved = *p->cur; /* a callback may walk a subtree itself */
                p->cur->id = cur.id;
                p->cur->sym = ts_node_symbol(cur);
                rc = f(p, cur, ctx);
                *p->cur = saved;
                if (rc < 0) {
                    break;
                }
                down = rc == 0;
                rc = 0;
            }
        }
        if (!gm_go_cursor_next(&c, n, down)) {
            break;
        }
    }
    ts_tree_cursor_delete(&c);
    return rc;
}

/* ---- findings ---------------------------------------------------------------------------- */

__attribute__((format(printf, 1, 0))) static char *xvprintf(const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    return gm_xstrdup(buf);
}

__attribute__((format(printf, 7, 8))) static void report(struct pkg *p, const char *id,
                                                         enum gm_severity sev, const char *rule,
                                                         TSNode at, TSNode related, const char *fmt,
                                                         ...)
{
    if (p->err) {
        return;
    }
    struct gm_lint *l = p->out;
    if (GM_RESERVE(l->v, l->alloc, l->nr + 1) < 0) {
        p->err = GM_ENOMEM;
        return;
    }
    struct gm_lint_finding *x = &l->v[l->nr];
    memset(x, 0, sizeof(*x));
    x->kind = gm_finding_kind(id);
    x->severity = sev;
    x->rule = rule;
    x->line = gm_go_line(at);
    x->col = gm_go_col(at);
    x->related_line = ts_node_is_null(related) ? 0 : gm_go_line(related);
    char fn[1024];
    TSNode e = enclosing(p, at);
    if (ts_node_is_null(e)) {
        snprintf(fn, sizeof(fn), "%s", p->pkgpath);
    } else {
        gm_go_funcname(p->g, p->f, p->pkgpath, p->go_minor, e, fn, sizeof(fn));
        x->fn_line = gm_go_line(e);
        x->fn_end = ts_node_end_point(e).row + 1;
    }
    va_list ap;
    va_start(ap, fmt);
    x->message = xvprintf(fmt, ap);
    va_end(ap);
    x->function = gm_xstrdup(fn);
    x->file = gm_xstrdup(p->f->path);
    x->fix = gm_xstrdup(x->kind ? x->kind->fix : "");
    if (!x->kind || !x->message || !x->function || !x->file || !x->fix) {
        free(x->message);
        free(x->function);
        free(x->file);
        free(x->fix);
        p->err = GM_ENOMEM;
        return;
    }
    l->nr++;
}

/* Replaces the catalogue's fix of the last finding with a sharper one. */
static void refix(struct pkg *p, const char *fix)
{
    if (p->err || !p->out->nr) {
        return;
    }
    struct gm_lint_finding *x = &p->out->v[p->out->nr - 1];
    char *s = gm_xstrdup(fix);
    if (!s) {
        p->err = GM_ENOMEM;
        return;
    }
    free(x->fix);
    x->fix = s;
}

#define SEV_BY_GO(p) ((p)->go_minor >= 23 ? GM_SEV_LOW : GM_SEV_MEDIUM)

static int chan_param(struct pkg *p, TSNode fn, struct gm_str name);

/* ---- phase 1: facts of the package -------------------------------------------------------- */

static int is_make_chan(const struct pkg *p, TSNode e, int *buffered)
{
    struct callee c;
    if (!callee_of(p, e, &c) || !str_is(c.full, "make")) {
        return 0;
    }
    TSNode t = arg(p, e, 0);
    if (!is(p, t, GK_CHANNEL_TYPE)) {
        return 0;
    }
    TSNode n = arg(p, e, 1);
    *buffered = !ts_node_is_null(n) && !(is(p, n, GK_INT_LITERAL) && str_is(text(p, n), "0"));
    return 1;
}

static int facts(struct pkg *p, TSNode n, void *ctx)
{
    (void)ctx;
    struct callee c;
    if (is(p, n, GK_GO_STATEMENT) && callee_of(p, nkid(n, 0), &c)) {
        GM_TRY(names_add(&p->started_any, last_ident(c.full)));
        if (!in_main_or_init(p, n)) {
            GM_TRY(names_add(&p->started, last_ident(c.full)));
        }
    }
    if (callee_of(p, n, &c)) {
        TSNode fn = field(p, n, GF_FUNCTION);
        TSNode opnd = field(p, fn, GF_OPERAND);
        struct callee inner;
        if ((str_is(c.method, "Get") || str_is(c.method, "Do") || str_is(c.method, "Post") ||
             str_is(c.method, "Head") || str_is(c.method, "PostForm") ||
             str_is(c.method, "RoundTrip")) &&
            callee_of(p, opnd, &inner)) {
            GM_TRY(names_add(&p->factories, last_ident(inner.full)));
        }
        if (str_is(c.full, "delete") || str_is(c.full, "clear")) {
            GM_TRY(names_add(&p->deleted, last_ident(text(p, arg(p, n, 0)))));
        }
        if (str_is(c.full, "close")) {
            GM_TRY(names_add(&p->closed, last_ident(text(p, arg(p, n, 0)))));
            TSNode encl = enclosing(p, n);
            if (!ts_node_is_null(encl) && !is(p, encl, GK_FUNC_LITERAL) &&
                chan_param(p, encl, text(p, arg(p, n, 0)))) {
                GM_TRY(names_add(&p->closers, text(p, field(p, encl, GF_NAME))));
            }
        } else if (str_is(c.method, "Signal") || str_is(c.method, "Broadcast")) {
            GM_TRY(names_add(&p->signalled, last_ident(c.operand)));
        } else if (str_is(c.full, "sync.NewCond")) {
            /* x := sync.NewCond(..) / x.c = sync.NewCond(..) / c: sync.NewCond(..) */
            TSNode up = nparent(n);
            if (is(p, up, GK_EXPRESSION_LIST)) {
                up = nparent(up);
            }
            TSNode left = field(p, up, GF_LEFT);
            if (ts_node_is_null(left)) {
                left = field(p, up, GF_NAME);
            }
            if (is(p, up, GK_KEYED_ELEMENT)) {
                left = nkid(up, 0);
            }
            GM_TRY(names_add(&p->conds, last_ident(text(p, left))));
        }
        return 0;
    }
    if (is(p, n, GK_CHANNEL_TYPE)) { /* a field, parameter or variable of channel type */
        TSNode up = nparent(n);
        TSNode name = field(p, up, GF_NAME);
        if (!ts_node_is_null(name)) {
            GM_TRY(names_add(&p->chans, text(p, name)));
        }
        return 0;
    }
    if (is(p, n, GK_SHORT_VAR_DECLARATION) || is(p, n, GK_ASSIGNMENT_STATEMENT) ||
        is(p, n, GK_VAR_SPEC)) {
        TSNode l = field(p, n, is(p, n, GK_VAR_SPEC) ? GF_NAME : GF_LEFT);
        TSNode r = field(p, n, is(p, n, GK_VAR_SPEC) ? GF_VALUE : GF_RIGHT);
        uint32_t nr = nkids(r);
        for (uint32_t i = 0; i < nr; i++) {
            int buf;
            if (is_make_chan(p, nkid(r, i), &buf)) {
                struct gm_str x = last_ident(text(p, is(p, n, GK_VAR_SPEC) ? l : nkid(l, i)));
                if (!is(p, n, GK_VAR_SPEC)) { /* a package's channel lives as long as it */
                    GM_TRY(names_add(&p->chans, x));
                }
                GM_TRY(names_add(buf ? &p->made_buf : &p->made, x));
            }
        }
    }
    if (is(p, n, GK_KEYED_ELEMENT)) { /* T{ch: make(chan ..)} */
        int buf;
        if (is_make_chan(p, nkid(nkid(n, 1), 0), &buf) || is_make_chan(p, nkid(n, 1), &buf)) {
            struct gm_str x = last_ident(text(p, nkid(n, 0)));
            GM_TRY(names_add(buf ? &p->made_buf : &p->made, x));
        }
    }
    if (is(p, n, GK_SEND_STATEMENT)) {
        GM_TRY(names_add(&p->sent, last_ident(text(p, field(p, n, GF_CHANNEL)))));
    }
    if (is(p, n, GK_RANGE_CLAUSE)) {
        GM_TRY(names_add(&p->ranged, last_ident(text(p, field(p, n, GF_RIGHT)))));
    }
    if (is(p, n, GK_MAP_TYPE)) { /* a struct field, or a package-level variable */
        TSNode up = nparent(n);
        TSNode name = field(p, up, GF_NAME);
        /* long-lived: a package-level variable, or a field of a struct guarded by a mutex
         * (a value shared between goroutines: a cache, a registry, a session store) */
        struct gm_str owner = text(p, nparent(nparent(up)));
        if (!ts_node_is_null(name) &&
            ((is(p, up, GK_FIELD_DECLARATION) &&
              (str_has(owner, "sync.Mutex") || str_has(owner, "sync.RWMutex"))) ||
             (is(p, up, GK_VAR_SPEC) && ts_node_is_null(enclosing(p, up))))) {
            GM_TRY(names_add(&p->maps, text(p, name)));
        }
    }
    if (is(p, n, GK_VAR_SPEC) && ts_node_is_null(enclosing(p, n))) {
        struct gm_str v = text(p, field(p, n, GF_VALUE));
        struct gm_str t = text(p, field(p, n, GF_TYPE));
        if (str_has(v, "map[") || str_has(t, "map[")) {
            GM_TRY(names_add(&p->maps, text(p, field(p, n, GF_NAME))));
        }
        if (str_has(v, "sync.Pool{") || str_is(t, "sync.Pool")) {
            GM_TRY(names_add(&p->pools, text(p, field(p, n, GF_NAME))));
        }
    }
    if (is(p, n, GK_FIELD_DECLARATION) && str_has(text(p, field(p, n, GF_TYPE)), "sync.Pool")) {
        GM_TRY(names_add(&p->pools, text(p, field(p, n, GF_NAME))));
    }
    if (is(p, n, GK_ASSIGNMENT_STATEMENT)) {
        struct gm_str r = text(p, field(p, n, GF_RIGHT));
        if (str_has(r, "make(map") || (r.len > 4 && !memcmp(r.p, "map[", 4))) {
            if (!in_setup(p, n)) {
                GM_TRY(names_add(&p->reset, last_ident(text(p, nkid(field(p, n, GF_LEFT), 0)))));
            }
        }
    }
    int cond = 0;
    if (is(p, n, GK_QUALIFIED_TYPE) &&
        ((cond = str_is(text(p, n), "sync.Cond")) || str_is(text(p, n), "sync.WaitGroup"))) {
        /* a field, parameter or variable of that type (or a pointer to it) */
        TSNode up = nparent(n);
        if (is(p, up, GK_POINTER_TYPE)) {
            up = nparent(up);
        }
        TSNode name = field(p, up, GF_NAME);
        if (!ts_node_is_null(name)) {
            GM_TRY(names_add(cond ? &p->conds : &p->waitgroups, text(p, name)));
        }
    }
    return 0;
}

/* The ranged channel x was handed to a function that closes its channel parameter. */
static int handed(const struct pkg *p, struct gm_str x)
{
    for (uint32_t i = 0; i < p->handoffs.nr; i++) {
        if (str_eq(p->handoffs.v[i].ch, x)) {
            return 1;
        }
    }
    return 0;
}

/* Phase 1b: how the package uses the channels it sends on. A use that is not the send itself,
 * a declaration, a composite literal's key, an assignment to it, or close/len/cap of it reads
 * it: a receive, a range, an argument, a return value, a copy. */
static int uses(struct pkg *p, TSNode n, void *ctx)
{
    (void)ctx;
    if (!is(p, n, GK_IDENTIFIER) && !is(p, n, GK_FIELD_IDENTIFIER)) {
        return 0;
    }
    struct gm_str name = text(p, n);
    int sent = names_has(&p->sent, name) && !names_has(&p->read, name);
    int ranged = names_has(&p->ranged, name) && !handed(p, name);
    if (!sent && !ranged) {
        return 0;
    }
    TSNode e = n, up = nparent(n);
    if (is(p, up, GK_SELECTOR_EXPRESSION)) {
        if (!ts_node_eq(field(p, up, GF_FIELD), n)) {
            return 0; /* x in x.f */
        }
        e = up;
        up = nparent(up);
    }
    struct callee c;
    if (ranged && is(p, up, GK_ARGUMENT_LIST) && callee_of(p, nparent(up), &c) &&
        names_has(&p->closers, last_ident(c.full))) {
        /* the callee closes its parameter */
        if (GM_RESERVE(p->handoffs.v, p->handoffs.alloc, p->handoffs.nr + 1) < 0) {
            return GM_ENOMEM;
        }
        p->handoffs.v[p->handoffs.nr++] = (struct handoff){name, last_ident(c.full)};
    }
    if (!sent) {
        return 0;
    }
    if ((is(p, up, GK_SEND_STATEMENT) && ts_node_eq(field(p, up, GF_CHANNEL), e)) ||
        is(p, up, GK_FIELD_DECLARATION) || is(p, up, GK_PARAMETER_DECLARATION) ||
        (is(p, up, GK_VAR_SPEC) && ts_node_eq(field(p, up, GF_NAME), e))) {
        return 0;
    }
    if (is(p, up, GK_LITERAL_ELEMENT) && is(p, nparent(up), GK_KEYED_ELEMENT) &&
        ts_node_eq(nkid(nparent(up), 0), up)) {
        return 0; /* T{ch: ...} */
    }
    if (is(p, up, GK_KEYED_ELEMENT) && ts_node_eq(nkid(up, 0), e)) {
        return 0;
    }
    if (is(p, up, GK_EXPRESSION_LIST) &&
        (is(p, nparent(up), GK_ASSIGNMENT_STATEMENT) ||
         is(p, nparent(up), GK_SHORT_VAR_DECLARATION)) &&
        ts_node_eq(field(p, nparent(up), GF_LEFT), up)) {
        return 0; /* ch = make(..) */
    }
    if (is(p, up, GK_ARGUMENT_LIST) && callee_of(p, nparent(up), &c) &&
        (str_is(c.full, "close") || str_is(c.full, "len") || str_is(c.full, "cap"))) {
        return 0;
    }
    return names_add(&p->read, name);
}

/* ---- helpers of the rules ----------------------------------------------------------------- */

struct find {
    enum gm_gk kind;
    const char *text; /* the node's text must contain this, or NULL */
    TSNode hit;
    uint32_t n;
};
static int find_cb(struct pkg *p, TSNode n, void *ctx)
{
    struct find *f = ctx;
    if (is(p, n, f->kind) && (!f->text || str_has(text(p, n), f->text))) {
        if (f->n++ == 0) {
            f->hit = n;
        }
    }
    return 0;
}
/* The first node of a kind (containing text) in n, closures excluded; how many. */
static uint32_t find(struct pkg *p, TSNode n, enum gm_gk k, const char *t, TSNode *hit)
{
    struct find f;
    memset(&f, 0, sizeof(f));
    f.kind = k;
    f.text = t;
    (void)walk(p, n, 1, find_cb, &f);
    if (hit) {
        *hit = f.hit;
    }
    return f.n;
}

/* n is inside a for_statement below top (closures stop the search). */
static int in_loop(const struct pkg *p, TSNode n, TSNode top)
{
    for (TSNode q = nparent(n); !ts_node_is_null(q) && !ts_node_eq(q, top); q = nparent(q)) {
        if (is(p, q, GK_FOR_STATEMENT)) {
            return 1;
        }
        if (is(p, q, GK_FUNC_LITERAL)) {
            return 0;
        }
    }
    return 0;
}

/* The function has a context in scope: a context.Context or *http.Request parameter, its own
 * or an enclosing function's. */
static int has_context(struct pkg *p, TSNode fn)
{
    for (TSNode q = fn; !ts_node_is_null(q); q = enclosing(p, q)) {
        struct gm_str params = text(p, field(p, q, GF_PARAMETERS));
        if (str_has(params, "context.Context") || str_has(params, "*http.Request")) {
            return 1;
        }
        if (!is(p, q, GK_FUNC_LITERAL)) {
            break;
        }
    }
    return 0;
}

/* ---- the rules ---------------------------------------------------------------------------- */

/* chan-send-blocked: in fn, ch := make(chan T) unbuffered; a goroutine started in fn sends on
 * ch outside a select; fn's reading can stop before every sender is read. */
struct sendctx {
    struct gm_str ch;
    TSNode send;
};
static int send_cb(struct pkg *p, TSNode n, void *ctx)
{
    struct sendctx *s = ctx;
    if (is(p, n, GK_SEND_STATEMENT) && ts_node_is_null(s->send)) {
        struct gm_str c = text(p, field(p, n, GF_CHANNEL));
        if (c.len == s->ch.len && memcmp(c.p, s->ch.p, c.len) == 0 &&
            !is(p, nparent(n), GK_COMMUNICATION_CASE)) {
            s->send = n;
        }
    }
    return 0;
}

struct recvctx {
    struct gm_str ch;
    TSNode fn;
    TSNode first; /* a receive of ch in fn (not in its goroutines) */
    uint32_t n;
    TSNode select_exit; /* a select holding a receive of ch, with another case */
    TSNode loop_return; /* a return inside the loop that receives, on what it received */
    int in_loop;
};
static int recv_cb(struct pkg *p, TSNode n, void *ctx)
{
    struct recvctx *r = ctx;
    if (is(p, n, GK_GO_STATEMENT)) {
        return 1; /* the senders' own code */
    }
    int recv = 0;
    if (is(p, n, GK_UNARY_EXPRESSION) && str_is(text(p, field(p, n, GF_OPERATOR)), "<-")) {
        struct gm_str c = text(p, field(p, n, GF_OPERAND));
        recv = c.len == r->ch.len && memcmp(c.p, r->ch.p, c.len) == 0;
    }
    if (!recv) {
        return 0;
    }
    if (r->n++ == 0) {
        r->first = n;
    }
    /* what the receive assigns to: v := <-ch, case r := <-ch, err := <-ch */
    struct gm_str var = {"", 0};
    TSNode up = nparent(n);
    if (is(p, up, GK_EXPRESSION_LIST)) {
        up = nparent(up);
    }
    if (is(p, up, GK_SHORT_VAR_DECLARATION) || is(p, up, GK_ASSIGNMENT_STATEMENT) ||
        is(p, up, GK_RECEIVE_STATEMENT)) {
        var = text(p, nkid(field(p, up, GF_LEFT), 0));
    }
    /* Leaks: a select with another case that returns (a timeout); a return on what was
     * received (if err := <-ch; err != nil { return }). A select in a loop whose other
     * cases do not return comes back for the next value. */
    TSNode sel = (TSNode){0}, other_return = (TSNode){0}, if_return = (TSNode){0};
    for (TSNode q = nparent(n), below = n; !ts_node_is_null(q) && !ts_node_eq(q, r->fn);
         below = q, q = nparent(q)) {
        if (is(p, q, GK_IF_STATEMENT) && ts_node_is_null(if_return)) {
            TSNode cons = field(p, q, GF_CONSEQUENCE);
            TSNode ret;
            if (!ts_node_eq(below, cons) && !ts_node_eq(below, field(p, q, GF_ALTERNATIVE)) &&
                find(p, cons, GK_RETURN_STATEMENT, NULL, &ret)) {
                if_return = ret;
            }
        }
        if (is(p, q, GK_COMMUNICATION_CASE) && var.len && ts_node_is_null(if_return)) {
            /* case r := <-ch: if r.Err != nil { return } */
            uint32_t nr = nkids(q);
            for (uint32_t i = 0; i < nr; i++) {
                TSNode st = nkid(q, i);
                TSNode ret;
                if (is(p, st, GK_IF_STATEMENT) &&
                    find(p, field(p, st, GF_CONSEQUENCE), GK_RETURN_STATEMENT, NULL, &ret)) {
                    char w[128];
                    snprintf(w, sizeof(w), "%.*s", (int)var.len, var.p);
                    struct gm_str cond = text(p, field(p, st, GF_CONDITION));
                    if (str_has_word(cond, w) ||
                        (snprintf(w, sizeof(w), "%.*s.", (int)var.len, var.p) > 0 &&
                         str_has(cond, w))) {
                        if_return = ret;
                        break;
                    }
                }
            }
        }
        if (is(p, q, GK_SELECT_STATEMENT) && ts_node_is_null(sel)) {
            uint32_t cases = 0, nr = nkids(q);
            for (uint32_t i = 0; i < nr; i++) {
                TSNode c = nkid(q, i);
                int cs = is(p, c, GK_COMMUNICATION_CASE) || is(p, c, GK_DEFAULT_CASE);
                cases += cs;
                TSNode ret;
                if (cs && !ts_node_eq(c, below) && ts_node_is_null(other_return) &&
                    find(p, c, GK_RETURN_STATEMENT, NULL, &ret)) {
                    other_return = ret;
                }
            }
            if (cases > 1) {
                sel = q;
            }
        }
        if (is(p, q, GK_FOR_STATEMENT)) {
            r->in_loop = 1;
            if (!ts_node_is_null(if_return) && ts_node_is_null(r->loop_return)) {
                r->loop_return = if_return;
            }
            if (!ts_node_is_null(sel) && !ts_node_is_null(other_return) &&
                ts_node_is_null(r->select_exit)) {
                r->select_exit = sel; /* the timeout case leaves the loop */
            }
            return 0;
        }
    }
    if (!ts_node_is_null(sel) && ts_node_is_null(r->select_exit)) {
        r->select_exit = sel;
    }
    return 0;
}

static void rule_unbuffered_senders(struct pkg *p, TSNode fn, struct gm_str ch, TSNode made)
{
    TSNode body = field(p, fn, GF_BODY);
    if (!find(p, body, GK_GO_STATEMENT, NULL, NULL)) {
        return;
    }
    struct recvctx r = {.ch = ch, .fn = fn};
    (void)walk(p, body, 1, recv_cb, &r);
    if (r.n == 0) {
        return; /* nobody here reads it: handed on, another rule's business */
    }
    /* every go statement of fn (not of its closures) whose closure sends on ch */
    TSNode stack[256];
    uint32_t sp = 0;
    stack[sp++] = body;
    while (sp) {
        TSNode n = stack[--sp];
        if (is(p, n, GK_GO_STATEMENT)) {
            TSNode call = nkid(n, 0);
            TSNode lit = field(p, call, GF_FUNCTION);
            if (!is(p, lit, GK_FUNC_LITERAL)) {
                continue;
            }
            struct sendctx s = {.ch = ch};
            (void)walk(p, field(p, lit, GF_BODY), 0, send_cb, &s);
            if (ts_node_is_null(s.send)) {
                continue;
            }
            int many = in_loop(p, n, fn);
            if (!ts_node_is_null(r.select_exit) && r.n == 1) {
                report(p, "chan-send-blocked", GM_SEV_HIGH, "send-after-timeout", s.send,
                       r.select_exit,
                       "this goroutine sends on %.*s (unbuffered, made at line %u); its reader "
                       "receives it in a select with another case (line %u): when that case "
                       "wins, nobody ever receives and the send blocks forever",
                       (int)ch.len, ch.p, gm_go_line(made), gm_go_line(r.select_exit));
                refix(p, "make the channel buffered (make(chan T, 1)) so the send completes "
                         "when nobody waits, or select on the context in the sender too");
            } else if (many && !r.in_loop && r.n == 1) {
                report(p, "chan-send-blocked", GM_SEV_HIGH, "fanout-first-answer", s.send, r.first,
                       "goroutines started in a loop send on %.*s (unbuffered, made at line "
                       "%u), but it is received once (line %u): the first answer wins and "
                       "every other sender blocks forever",
                       (int)ch.len, ch.p, gm_go_line(made), gm_go_line(r.first));
                refix(p, "give the channel room for every sender (make(chan T, n)), or let "
                         "the senders select on a done channel closed when the answer is in");
            } else if (many && r.in_loop && !ts_node_is_null(r.loop_return)) {
                report(p, "chan-send-blocked", GM_SEV_MEDIUM, "early-return", s.send, r.loop_return,
                       "goroutines started in a loop send on %.*s (unbuffered, made at line "
                       "%u); the loop that receives them returns early (line %u): the "
                       "senders not yet read block forever",
                       (int)ch.len, ch.p, gm_go_line(made), gm_go_line(r.loop_return));
                refix(p, "make the channel buffered for every sender (make(chan T, n)), or "
                         "use errgroup.WithContext and select on ctx.Done() when sending");
            }
            continue;
        }
        uint32_t cn = nkids(n);
        for (uint32_t i = cn; i > 0 && sp < 256; i--) {
            TSNode c = nkid(n, i - 1);
            if (!is(p, c, GK_FUNC_LITERAL)) {
                stack[sp++] = c;
            }
        }
    }
}

/* ch := make(chan T) (unbuffered) in a function: the rules of its senders. The function is
 * looked up only for such a statement (a parent walk costs). */
static void chan_made(struct pkg *p, TSNode n)
{
    TSNode l = field(p, n, GF_LEFT), r = field(p, n, GF_RIGHT);
    TSNode fn = (TSNode){0};
    uint32_t nr = nkids(r);
    for (uint32_t i = 0; i < nr; i++) {
        int buf = 0;
        if (is_make_chan(p, nkid(r, i), &buf) && !buf) {
            TSNode name = nkid(l, i);
            if (ts_node_is_null(fn)) {
                fn = enclosing(p, n);
            }
            if (is(p, name, GK_IDENTIFIER) && !ts_node_is_null(fn)) {
                rule_unbuffered_senders(p, fn, text(p, name), n);
            }
        }
    }
}

/* v appears in s as a value handed on: "return resp", "f(resp)", not "resp.StatusCode". */
static int hands_on(struct gm_str s, struct gm_str v)
{
    for (size_t i = 0; v.len && i + v.len <= s.len; i++) {
        if (memcmp(s.p + i, v.p, v.len) == 0 && (i == 0 || !ident_char(s.p[i - 1])) &&
            (i + v.len == s.len || (!ident_char(s.p[i + v.len]) && s.p[i + v.len] != '.'))) {
            return 1;
        }
    }
    return 0;
}

/* What return_skipping lets through besides `want` on the way. */
struct skip_opts {
    struct gm_str owner;   /* a return that hands this on passes it to its caller */
    struct gm_str errname; /* an if testing this (the call's error) returns before it exists */
};

/* want is done on the way to n: in a node before it among its siblings, or before one of its
 * ancestors among theirs, up to top (another case of a switch is another path: it is not
 * before n on the way down). */
static int on_the_way(struct pkg *p, TSNode n, TSNode top, const char *want)
{
    for (TSNode c = n, b = nparent(n); !ts_node_is_null(b) && !ts_node_eq(c, top);
         c = b, b = nparent(b)) {
        uint32_t nr = nkids(b);
        for (uint32_t i = 0; i < nr; i++) {
            TSNode k = nkid(b, i);
            if (ts_node_eq(k, c)) {
                break;
            }
            const char *type = ts_node_type(k);
            size_t tl = strlen(type);
            if (tl >= 5 && strcmp(type + tl - 5, "_case") == 0) {
                continue; /* another case of a switch or select: another path */
            }
            if (str_has(text(p, k), want)) {
                return 1;
            }
        }
    }
    return 0;
}

struct retscan {
    TSNode stmt_node; /* the statement scanned */
    const char *want;
    const struct skip_opts *so;
    TSNode hit; /* the first return that skips want */
};
static int ret_cb(struct pkg *p, TSNode n, void *ctx)
{
    struct retscan *r = ctx;
    if (!ts_node_is_null(r->hit) || !is(p, n, GK_RETURN_STATEMENT)) {
        return 0;
    }
    /* fine: want on the way (before it in its own block or case, or in an enclosing one up to
     * the statement scanned), or in the return's own text (return func() { mu.Unlock() }); a
     * return of the block itself when the block does want anywhere (the release handed over:
     * a goroutine, a closure, a func value, a branch of an earlier if/else); or a return that
     * hands the value on */
    if (on_the_way(p, n, r->stmt_node, r->want) || str_has(text(p, n), r->want) ||
        (ts_node_eq(n, r->stmt_node) && str_has(text(p, nparent(n)), r->want)) ||
        (r->so && hands_on(text(p, n), r->so->owner))) {
        return 0;
    }
    r->hit = n;
    return 0;
}

/* Every path: the first return in statements [from, to) of block that leaves without `want`
 * on its way (want earlier in the return's statement, or in the return's own block, counts;
 * so do so's exemptions), or a null node; the scan stops at a statement (or defer) that does
 * want. Every return of a compound statement is looked at, closures excepted. */
static TSNode return_skipping(struct pkg *p, TSNode block, uint32_t from, uint32_t to,
                              const char *want, const struct skip_opts *so)
{
    for (uint32_t k = from; k < to; k++) {
        TSNode s = nkid(block, k);
        struct gm_str t = text(p, s);
        if ((is(p, s, GK_DEFER_STATEMENT) || is(p, s, GK_EXPRESSION_STATEMENT)) &&
            str_has(t, want)) {
            break;
        }
        if (so && so->errname.len && is(p, s, GK_IF_STATEMENT) &&
            hands_on(text(p, field(p, s, GF_CONDITION)), so->errname)) {
            continue; /* if getErr != nil { return ... }: nothing to close yet */
        }
        struct retscan r = {.stmt_node = s, .want = want, .so = so};
        if (is(p, s, GK_RETURN_STATEMENT)) {
            (void)ret_cb(p, s, &r);
        } else {
            (void)walk(p, s, 1, ret_cb, &r);
        }
        if (!ts_node_is_null(r.hit)) {
            return r.hit;
        }
    }
    return (TSNode){0};
}

/* fn has a parameter called name of channel type (a pipeline stage's output). */
static int chan_param(struct pkg *p, TSNode fn, struct gm_str name)
{
    TSNode params = field(p, fn, GF_PARAMETERS);
    uint32_t nr = nkids(params);
    for (uint32_t i = 0; i < nr; i++) {
        TSNode d = nkid(params, i);
        if (!is(p, d, GK_PARAMETER_DECLARATION) || !is(p, field(p, d, GF_TYPE), GK_CHANNEL_TYPE)) {
            continue;
        }
        uint32_t k = nkids(d);
        for (uint32_t j = 0; j < k; j++) {
            TSNode id = nkid(d, j);
            if (is(p, id, GK_IDENTIFIER) && str_eq(text(p, id), name)) {
                return 1;
            }
        }
    }
    return 0;
}

/* range-never-closed: a function that sends on a channel and closes it (close(ch) as a
 * statement of its body, not deferred; a channel some code ranges over, or its own channel
 * parameter) returns after its first send and before the close on some path: the range never
 * ends after that return. The function is noted (skippers) for the range it feeds. */
static void close_skipped(struct pkg *p, TSNode fn, TSNode body)
{
    uint32_t nr = nkids(body);
    for (uint32_t i = 0; i < nr; i++) {
        TSNode st = nkid(body, i);
        struct callee c;
        TSNode x = arg(p, nkid(st, 0), 0);
        if (!is(p, st, GK_EXPRESSION_STATEMENT) || !callee_of(p, nkid(st, 0), &c) ||
            !str_is(c.full, "close") ||
            (!names_has(&p->ranged, last_ident(text(p, x))) && !chan_param(p, fn, text(p, x)))) {
            continue;
        }
        char want[256], send[256];
        snprintf(want, sizeof(want), "close(%.*s)", (int)text(p, x).len, text(p, x).p);
        snprintf(send, sizeof(send), "%.*s <-", (int)text(p, x).len, text(p, x).p);
        /* a producer: it sends on the channel; the returns before its first send leave
         * before the channel is in use (an argument check, a Close guard) */
        uint32_t first = 0;
        while (first < i && !find(p, nkid(body, first), GK_SEND_STATEMENT, send, NULL)) {
            first++;
        }
        TSNode ret = first < i ? return_skipping(p, body, first, i, want, NULL) : (TSNode){0};
        if (!ts_node_is_null(ret)) {
            if (GM_RESERVE(p->skippers.v, p->skippers.alloc, p->skippers.nr + 1) < 0) {
                p->err = GM_ENOMEM;
                return;
            }
            p->skippers.v[p->skippers.nr++] =
                (struct skipper){text(p, field(p, fn, GF_NAME)), gm_go_line(ret), gm_go_line(st)};
            report(p, "range-never-closed", GM_SEV_HIGH, "close-skipped", ret, st,
                   "this return skips %s (line %u): on this path the channel stays open and "
                   "the range over it never ends",
                   want, gm_go_line(st));
            refix(p, "defer close(ch) as the producer's first statement, so every return "
                     "closes it");
        }
        return;
    }
}

/* http-client-body-leak: resp.Body.Close() as a later statement of the block that got resp
 * (not deferred), with a return between them that skips it (a test of the call's error
 * excepted: resp is nil there; and a return that hands resp on). */
static void body_close_skipped(struct pkg *p, TSNode got, struct gm_str v, const char *want)
{
    TSNode block = nparent(got);
    uint32_t nr = nkids(block), at = nr, closes = nr;
    for (uint32_t i = 0; i < nr; i++) {
        TSNode s = nkid(block, i);
        if (ts_node_eq(s, got)) {
            at = i;
        } else if (at < nr && is(p, s, GK_EXPRESSION_STATEMENT) && str_has(text(p, s), want)) {
            closes = i;
            break;
        }
        if (at < nr && is(p, s, GK_DEFER_STATEMENT) && str_has(text(p, s), want)) {
            return;
        }
    }
    if (closes == nr) {
        return;
    }
    /* the call's error tested (resp is nil there), resp returned or handed to a call that
     * takes it over: not a skipped close */
    struct skip_opts so = {.owner = v, .errname = text(p, nkid(field(p, got, GF_LEFT), 1))};
    TSNode ret = return_skipping(p, block, at + 1, closes, want, &so);
    if (!ts_node_is_null(ret)) {
        report(p, "http-client-body-leak", GM_SEV_HIGH, "body-close-skipped", ret,
               nkid(block, closes),
               "this return skips %.*s.Body.Close() (line %u): on this path the response's "
               "connection (and the transport's two goroutines) stay until the server drops it",
               (int)v.len, v.p, gm_go_line(nkid(block, closes)));
        refix(p, "defer resp.Body.Close() right after the error check, so every return "
                 "closes it");
    }
}

/* mutex-wait: X.Lock() followed, in its block, by a return before X.Unlock(), no defer. */
static void rule_lock(struct pkg *p, TSNode block)
{
    uint32_t nr = nkids(block);
    for (uint32_t i = 0; i < nr; i++) {
        TSNode st = nkid(block, i);
        if (!is(p, st, GK_EXPRESSION_STATEMENT)) {
            continue;
        }
        struct callee c;
        TSNode call = nkid(st, 0);
        if (!callee_of(p, call, &c) || (!str_is(c.method, "Lock") && !str_is(c.method, "RLock")) ||
            !c.operand.len) {
            continue;
        }
        const char *un = str_is(c.method, "Lock") ? "Unlock" : "RUnlock";
        char want[256];
        snprintf(want, sizeof(want), "%.*s.%s", (int)c.operand.len, c.operand.p, un);
        /* no unlock after it in the block at all: the lock is handed over (returned held,
         * released by a callback or the caller), not forgotten on one path */
        int unlocks = 0;
        for (uint32_t k = i + 1; k < nr && !unlocks; k++) {
            unlocks = str_has(text(p, nkid(block, k)), want);
        }
        if (!unlocks) {
            continue;
        }
        TSNode ret = return_skipping(p, block, i + 1, nr, want, NULL);
        if (!ts_node_is_null(ret)) {
            report(p, "mutex-wait", GM_SEV_HIGH, "lock-return-without-unlock", ret, st,
                   "this return leaves %.*s locked (%.*s() at line %u, %s() only later, "
                   "no defer): every later %.*s() waits forever",
                   (int)c.operand.len, c.operand.p, (int)c.method.len, c.method.p, gm_go_line(st),
                   un, (int)c.method.len, c.method.p);
            refix(p, "defer the unlock right after locking (defer mu.Unlock()), or unlock "
                     "before this return");
        }
    }
}

/* waitgroup-wait: X.Done() (deferred or not) in a function body after a return of that
 * body: the return skips it. */
static void done_skipped(struct pkg *p, TSNode body)
{
    uint32_t nr = nkids(body);
    for (uint32_t i = 0; i < nr; i++) {
        TSNode st = nkid(body, i);
        TSNode call = nkid(st, 0);
        struct callee c;
        if ((!is(p, st, GK_EXPRESSION_STATEMENT) && !is(p, st, GK_DEFER_STATEMENT)) ||
            !callee_of(p, call, &c) || !str_is(c.method, "Done") ||
            !names_has(&p->waitgroups, last_ident(c.operand)) || str_has(c.operand, "ctx") ||
            str_has(c.operand, "Context")) {
            continue;
        }
        for (uint32_t k = 0; k < i; k++) {
            TSNode ret = nkid(body, k);
            if (is(p, ret, GK_RETURN_STATEMENT) || find(p, ret, GK_RETURN_STATEMENT, NULL, &ret)) {
                report(p, "waitgroup-wait", GM_SEV_HIGH, "done-skipped", ret, st,
                       "this return skips %.*s.Done() (line %u): the WaitGroup never reaches "
                       "zero and Wait blocks forever",
                       (int)c.operand.len, c.operand.p, gm_go_line(st));
                refix(p, "defer wg.Done() as the first statement, before any return");
                return;
            }
        }
    }
}

/* goroutine-leak / sleep-loop / ticker-loop: body (a goroutine's) has an endless for {} with
 * no way out. site: the go statement or the function declaration started by one. */
static void endless_loop(struct pkg *p, TSNode body, TSNode site)
{
    uint32_t nr = nkids(body);
    TSNode n = site;
    for (uint32_t i = 0; i < nr; i++) {
        TSNode st = nkid(body, i);
        if (!is(p, st, GK_FOR_STATEMENT) || nkids(st) != 1) {
            continue; /* for { ... } has its body only */
        }
        TSNode lb = field(p, st, GF_BODY);
        struct gm_str t = text(p, lb);
        if (find(p, lb, GK_RETURN_STATEMENT, NULL, NULL) ||
            find(p, lb, GK_GOTO_STATEMENT, NULL, NULL) || str_has(t, "Done()") ||
            str_has(t, "os.Exit") || str_has(t, "panic(") || str_has(t, "log.Fatal")) {
            continue;
        }
        /* a break that leaves this loop: one not inside a nested for/select/switch */
        TSNode brk;
        int leaves = 0;
        if (find(p, lb, GK_BREAK_STATEMENT, NULL, &brk)) {
            leaves = 1; /* any labelled break, or one directly in the loop */
            for (TSNode q = nparent(brk); !ts_node_eq(q, st); q = nparent(q)) {
                const char *ty = ts_node_type(q);
                if (nkids(brk) == 0 &&
                    (!strcmp(ty, "for_statement") || !strcmp(ty, "select_statement") ||
                     !strcmp(ty, "expression_switch_statement") ||
                     !strcmp(ty, "type_switch_statement"))) {
                    leaves = 0;
                    break;
                }
            }
        }
        if (leaves) {
            continue;
        }
        char outer[512];
        TSNode top = is_fn(p, n) ? n : outermost(p, n);
        outer[0] = 0;
        if (!ts_node_is_null(top)) {
            gm_go_funcname(p->g, p->f, p->pkgpath, p->go_minor, top, outer, sizeof(outer));
        }
        if (!is_fn(p, n) && in_main_or_init(p, n)) {
            continue; /* a loop for the life of the process */
        }
        const char *id = str_has(t, "time.Sleep") ? "sleep-loop"
                         : (str_has(t, ".C") || str_has(t, "time.After") || str_has(t, "time.Tick"))
                             ? "ticker-loop"
                             : "goroutine-leak";
        report(p, id, GM_SEV_MEDIUM, "endless-goroutine", st, n,
               "this goroutine loops forever: no return, no break out, no ctx.Done() or "
               "quit case; each call of %s leaves one more behind",
               outer[0] ? outer : "its function");
        refix(p, "give the loop a way out: select on ctx.Done() (or a quit channel) and "
                 "return");
        break;
    }
}

/* A node whose rule needs the facts of the whole rules walk (how the package uses its
 * channels): kept with its file, judged by judge_deferred after the walk. */
static void defer(struct pkg *p, struct pending *v, TSNode n)
{
    if (p->err || GM_RESERVE(v->v, v->alloc, v->nr + 1) < 0) {
        p->err = p->err ? p->err : GM_ENOMEM;
        return;
    }
    v->v[v->nr].n = n;
    v->v[v->nr].file = (uint32_t)(p->f - p->files);
    v->nr++;
}

/* chan-send-blocked (send-unreceived): a send on a channel the package makes and never reads. */
static void send_unreceived(struct pkg *p, TSNode n)
{
    TSNode ch = field(p, n, GF_CHANNEL);
    struct gm_str x = last_ident(text(p, ch));
    int buf = names_has(&p->made_buf, x);
    if (!x.len || isupper((unsigned char)x.p[0]) || (!buf && !names_has(&p->made, x)) ||
        names_has(&p->read, x)) {
        return;
    }
    /* out <- v on a parameter: the caller's channel (another of that name was made here) */
    TSNode fn = enclosing(p, n);
    if (is(p, ch, GK_IDENTIFIER) && !ts_node_is_null(fn) && chan_param(p, fn, x)) {
        return;
    }
    /* a buffer may hold every value sent: then nothing blocks */
    report(p, "chan-send-blocked", buf ? GM_SEV_LOW : GM_SEV_HIGH, "send-unreceived", n,
           (TSNode){0},
           "sends on %.*s, which no code of this package receives from (no receive, no range, "
           "never handed on): %s",
           (int)text(p, ch).len, text(p, ch).p,
           buf ? "the sender blocks once its buffer is full (if more values are sent than it "
                 "holds)"
               : "the sender blocks forever at the first send");
    refix(p, "receive from the channel where its values are wanted, or stop sending once the "
             "receiver is gone (select on a done channel or ctx.Done())");
}

/* range-never-closed (range-unclosed): for range over a channel nothing closes, not even a
 * function it is handed to. */
static void range_unclosed(struct pkg *p, TSNode n)
{
    TSNode rc = (TSNode){0};
    uint32_t nr = nkids(n);
    for (uint32_t i = 0; i < nr; i++) {
        if (is(p, nkid(n, i), GK_RANGE_CLAUSE)) {
            rc = nkid(n, i);
        }
    }
    TSNode right = field(p, rc, GF_RIGHT);
    struct gm_str x = last_ident(text(p, right));
    /* handed to a closer: a finding only when that closer skips its close on a path */
    int to_closer = 0;
    for (uint32_t i = 0; i < p->handoffs.nr; i++) {
        if (!str_eq(p->handoffs.v[i].ch, x)) {
            continue;
        }
        to_closer = 1;
        for (uint32_t k = 0; k < p->skippers.nr; k++) {
            const struct skipper *sk = &p->skippers.v[k];
            if (str_eq(p->handoffs.v[i].fn, sk->fn)) {
                report(p, "range-never-closed", GM_SEV_HIGH, "close-skipped", n, (TSNode){0},
                       "ranges over %.*s, which %.*s closes on some paths only (its return at "
                       "line %u skips the close at line %u): after that return the loop never "
                       "ends",
                       (int)text(p, right).len, text(p, right).p, (int)sk->fn.len, sk->fn.p,
                       sk->ret_line, sk->close_line);
                refix(p, "defer close(ch) as the producer's first statement, so every return "
                         "closes it");
                return;
            }
        }
    }
    if (to_closer) {
        return;
    }
    report(p, "range-never-closed", GM_SEV_HIGH, "range-unclosed", n, (TSNode){0},
           "ranges over the channel %.*s, which no code of this package closes: the loop never "
           "ends, it waits for the next value forever",
           (int)text(p, right).len, text(p, right).p);
    refix(p, "close the channel when its last value is sent (defer close(ch) in the producer), "
             "or leave the loop on a done channel");
}

static void judge_deferred(struct pkg *p)
{
    for (uint32_t i = 0; i < p->pend_send.nr; i++) {
        p->f = &p->files[p->pend_send.v[i].file];
        send_unreceived(p, p->pend_send.v[i].n);
    }
    for (uint32_t i = 0; i < p->pend_range.nr; i++) {
        p->f = &p->files[p->pend_range.v[i].file];
        range_unclosed(p, p->pend_range.v[i].n);
    }
}

/* The rules run on each node. */
static int rules(struct pkg *p, TSNode n, void *ctx)
{
    if (is(p, n, GK_IDENTIFIER) || is(p, n, GK_FIELD_IDENTIFIER)) {
        return uses(p, n, ctx) < 0 ? (p->err = GM_ENOMEM) : 0;
    }
    if (is(p, n, GK_SHORT_VAR_DECLARATION) || is(p, n, GK_ASSIGNMENT_STATEMENT)) {
        chan_made(p, n); /* and on: an assignment may be what other rules look at */
    }
    if (is(p, n, GK_BLOCK)) {
        rule_lock(p, n);
        return 0;
    }
    if (is_fn(p, n)) {
        TSNode body = field(p, n, GF_BODY);
        if (ts_node_is_null(body)) {
            return 0;
        }
        struct gm_str name = text(p, field(p, n, GF_NAME));
        int started = !is(p, n, GK_FUNC_LITERAL) && names_has(&p->started, name);
        if ((!is(p, n, GK_FUNC_LITERAL) && names_has(&p->started_any, name)) ||
            (is(p, n, GK_FUNC_LITERAL) && is(p, nparent(nparent(n)), GK_GO_STATEMENT))) {
            done_skipped(p, body); /* a goroutine's body: its Done is what Wait waits for */
        }
        if (started) {
            endless_loop(p, body, n); /* started by go x.f() outside main */
        }
        close_skipped(p, n, body);
        return 0;
    }
    if (is(p, n, GK_FOR_STATEMENT)) {
        TSNode rc = (TSNode){0};
        uint32_t nr = nkids(n);
        for (uint32_t i = 0; i < nr; i++) {
            if (is(p, nkid(n, i), GK_RANGE_CLAUSE)) {
                rc = nkid(n, i);
            }
        }
        if (!ts_node_is_null(rc)) {
            TSNode right = field(p, rc, GF_RIGHT);
            struct gm_str x = last_ident(text(p, right));
            if (x.len && names_has(&p->chans, x) && !names_has(&p->closed, x)) {
                defer(p, &p->pend_range, n); /* unless a callee closes it: judged at the end */
            }
        }
        return 0;
    }
    if (is(p, n, GK_SEND_STATEMENT) &&
        !ts_node_eq(field(p, nparent(n), GF_COMMUNICATION), n)) { /* not a select's case */
        defer(p, &p->pend_send, n); /* judged when every use of the channel is known */
        return 0;
    }
    if (is(p, n, GK_SELECT_STATEMENT) && nkids(n) == 0) {
        TSNode e = enclosing(p, n);
        if (!ts_node_is_null(e) && !is_main_main(p, e)) {
            report(p, "select-forever", GM_SEV_MEDIUM, "empty-select", n, (TSNode){0},
                   "select {} parks this goroutine forever: outside main.main nothing can "
                   "end it");
        }
        return 0;
    }
    if (is(p, n, GK_GO_STATEMENT)) {
        TSNode call = nkid(n, 0);
        TSNode lit = field(p, call, GF_FUNCTION);
        struct gm_str args = text(p, field(p, call, GF_ARGUMENTS));
        if ((str_has(args, "context.Background()") || str_has(args, "context.TODO()")) &&
            !in_main_or_init(p, n) && !has_context(p, enclosing(p, n))) {
            report(p, "context-not-propagated", GM_SEV_MEDIUM, "go-with-background", n, (TSNode){0},
                   "this goroutine is given a context nobody cancels (%s): it runs until "
                   "the process ends, whatever its caller's lifetime",
                   str_has(args, "context.TODO()") ? "context.TODO()" : "context.Background()");
            refix(p, "take a context.Context parameter and pass it on (or a context you cancel "
                     "when the goroutine's owner stops)");
        }
        if (!is(p, lit, GK_FUNC_LITERAL)) {
            return 0;
        }
        TSNode body = field(p, lit, GF_BODY);
        /* wg.Add inside the goroutine it counts */
        uint32_t nr = nkids(body);
        for (uint32_t i = 0; i < nr; i++) {
            TSNode st = nkid(body, i);
            struct callee c;
            if (is(p, st, GK_EXPRESSION_STATEMENT) && callee_of(p, nkid(st, 0), &c) &&
                str_is(c.method, "Add") && names_has(&p->waitgroups, last_ident(c.operand))) {
                report(p, "waitgroup-wait", GM_SEV_HIGH, "add-in-goroutine", st, n,
                       "%.*s.Add runs inside the goroutine it counts: Wait can return before "
                       "it runs, or wait for a count that was never added",
                       (int)c.operand.len, c.operand.p);
                refix(p, "call wg.Add(1) before the go statement, in the goroutine that "
                         "waits");
            }
        }
        endless_loop(p, body, n);
        return 0;
    }
    if (is(p, n, GK_ASSIGNMENT_STATEMENT)) {
        /* m[k] = v on a long-lived map no code deletes from */
        TSNode lhs = nkid(field(p, n, GF_LEFT), 0);
        if (is(p, lhs, GK_INDEX_EXPRESSION)) {
            struct gm_str m = last_ident(text(p, field(p, lhs, GF_OPERAND)));
            int setup = in_setup(p, n) || in_main_or_init(p, n);
            if (m.len && !setup && names_has(&p->maps, m) && !names_has(&p->deleted, m) &&
                !names_has(&p->reset, m) && !names_has(&p->grown, m)) {
                if (names_add(&p->grown, m) < 0) {
                    p->err = GM_ENOMEM;
                    return GM_ENOMEM;
                }
                report(p, "heap-growth", GM_SEV_INFO, "map-only-grows", n, (TSNode){0},
                       "the map %.*s of a long-lived value gets entries here, and no code of "
                       "this package deletes or replaces them: it grows as long as the process "
                       "lives",
                       (int)m.len, m.p);
                refix(p, "bound it: delete entries when they are done (or expire them), or use "
                         "a size-bounded cache");
            }
        }
        return 0;
    }
    struct callee c;
    if (callee_of(p, n, &c) && str_is(c.method, "Put") &&
        names_has(&p->pools, last_ident(c.operand))) {
        /* buf := pool.Get().(*bytes.Buffer) ... pool.Put(buf) with no buf.Reset() */
        struct gm_str v = text(p, arg(p, n, 0));
        TSNode top = outermost(p, n);
        struct gm_str body = text(p, top);
        char want[200], reset[200];
        snprintf(want, sizeof(want), "%.*s := %.*s.Get().(", (int)v.len, v.p, (int)c.operand.len,
                 c.operand.p);
        snprintf(reset, sizeof(reset), "%.*s.Reset()", (int)v.len, v.p);
        if (v.len && str_has(body, want) &&
            (str_has(body, "(*bytes.Buffer)") || str_has(body, "(*strings.Builder)")) &&
            !str_has(body, reset)) {
            report(p, "heap-growth", GM_SEV_MEDIUM, "pool-no-reset", n, (TSNode){0},
                   "%.*s goes back to the pool without Reset: the next Get appends to what it "
                   "holds, so pooled buffers only grow (and carry old data)",
                   (int)v.len, v.p);
            refix(p, "call buf.Reset() after Get (or before Put), and drop buffers that grew "
                     "past a cap instead of putting them back");
        }
        return 0;
    }
    if (!callee_of(p, n, &c)) {
        if (is(p, n, GK_COMPOSITE_LITERAL)) {
            struct gm_str ty = text(p, field(p, n, GF_TYPE));
            struct gm_str body = text(p, field(p, n, GF_BODY));
            if (str_is(ty, "http.Server") && !str_has(body, "ReadTimeout") &&
                !str_has(body, "ReadHeaderTimeout") && !str_has(body, "IdleTimeout")) {
                report(p, "http-server-idle-conns", GM_SEV_LOW, "server-no-timeouts", n,
                       (TSNode){0},
                       "an http.Server with no ReadHeaderTimeout, ReadTimeout or IdleTimeout: "
                       "a client that opens a connection and sends nothing holds a goroutine "
                       "forever");
                refix(p, "set ReadHeaderTimeout and IdleTimeout (and ReadTimeout / "
                         "WriteTimeout) on the http.Server");
            } else if (str_is(ty, "http.Transport") || str_is(ty, "http.Client")) {
                TSNode fn = outermost(p, n);
                if (ts_node_is_null(fn)) {
                    return 0; /* a package-level value: made once */
                }
                struct gm_str name = text(p, field(p, fn, GF_NAME));
                int handler = has_context(p, enclosing(p, n)) &&
                              str_has(text(p, field(p, fn, GF_PARAMETERS)), "http.Request");
                int loop = in_loop(p, n, fn);
                int own = str_is(ty, "http.Transport") || str_has(body, "Transport:");
                int factory = names_has(&p->factories, name);
                /* c := &http.Client{..}; c.Get(..) in the same function */
                int used_here = 0;
                TSNode up = nparent(n);
                if (is(p, up, GK_UNARY_EXPRESSION)) {
                    up = nparent(up);
                }
                if (is(p, up, GK_EXPRESSION_LIST)) {
                    up = nparent(up);
                }
                if (is(p, up, GK_SHORT_VAR_DECLARATION)) {
                    struct gm_str v = text(p, nkid(field(p, up, GF_LEFT), 0));
                    const char *verbs[] = {".Get(", ".Do(", ".Post(", ".Head(", ".PostForm("};
                    for (size_t k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++) {
                        char want[256];
                        snprintf(want, sizeof(want), "%.*s%s", (int)v.len, v.p, verbs[k]);
                        used_here |= str_has(text(p, fn), want);
                    }
                }
                if (own && !str_is(ty, "http.Transport") && !str_has(body, "&http.Transport") &&
                    !str_has(body, "http.Transport{")) {
                    own = 0; /* a Client sharing a Transport built elsewhere */
                }
                for (TSNode q = nparent(n); !ts_node_is_null(q) && !is_fn(p, q); q = nparent(q)) {
                    if (is(p, q, GK_COMPOSITE_LITERAL) &&
                        str_is(text(p, field(p, q, GF_TYPE)), "http.Client")) {
                        own = 0; /* inside a Client literal: reported there */
                    }
                }
                if (own && !str_is(name, "main") && !str_is(name, "init") &&
                    (handler || loop || factory || used_here)) {
                    report(p, "http-transport-per-request", GM_SEV_MEDIUM, "transport-per-call", n,
                           (TSNode){0},
                           "a new %.*s with its own connection pool for each %s: idle "
                           "connections and their goroutines pile up",
                           (int)ty.len, ty.p,
                           handler ? "request handled"
                           : loop  ? "loop iteration"
                                   : "call (the client is used for one request)");
                }
            }
        }
        return 0;
    }
    if (str_is(c.full, "context.Background") || str_is(c.full, "context.TODO")) {
        TSNode fn = enclosing(p, n);
        if (!ts_node_is_null(fn) && has_context(p, fn)) {
            report(p, "context-not-propagated", GM_SEV_MEDIUM, "background-with-ctx", n,
                   (TSNode){0},
                   "%.*s() in a function that has a context: what it starts is not cancelled "
                   "when the caller's request or context ends",
                   (int)c.full.len, c.full.p);
            refix(p, "pass the context you were given (ctx, or r.Context() in an HTTP handler)");
        }
        return 0;
    }
    if (str_is(c.full, "time.Tick")) {
        if (!is_main_main(p, enclosing(p, n))) {
            report(p, "ticker-loop", SEV_BY_GO(p), "time-tick", n, (TSNode){0},
                   "time.Tick's ticker can never be stopped%s",
                   p->go_minor >= 23 ? " (Go 1.23+ collects it once unreferenced, but "
                                       "the loop reading it runs on)"
                                     : ": before Go 1.23 it is never collected either");
            refix(p, "use time.NewTicker and defer ticker.Stop()");
        }
        return 0;
    }
    if (str_is(c.full, "time.After") && p->go_minor < 23) {
        TSNode fn = enclosing(p, n);
        if (in_loop(p, n, fn)) {
            report(p, "ticker-loop", GM_SEV_LOW, "after-in-loop", n, (TSNode){0},
                   "time.After in a loop makes a new timer each iteration, kept until it "
                   "fires (before Go 1.23, which go.mod targets)");
            refix(p, "make one time.NewTimer (or Ticker) outside the loop and Reset it");
        }
        return 0;
    }
    if (str_is(c.full, "time.NewTicker")) {
        TSNode up = nparent(n);
        if (is(p, up, GK_EXPRESSION_LIST)) {
            up = nparent(up);
        }
        if (is(p, up, GK_SHORT_VAR_DECLARATION)) {
            struct gm_str v = text(p, nkid(field(p, up, GF_LEFT), 0));
            char want[256], ret[256];
            snprintf(want, sizeof(want), "%.*s.Stop", (int)v.len, v.p);
            snprintf(ret, sizeof(ret), "return %.*s", (int)v.len, v.p);
            TSNode fn = outermost(p, n);
            struct gm_str body = text(p, fn);
            if (!str_has(body, want) && !str_has_word(body, ret) && !is_main_main(p, fn)) {
                report(p, "ticker-loop", SEV_BY_GO(p), "ticker-no-stop", n, (TSNode){0},
                       "the ticker %.*s is never stopped%s", (int)v.len, v.p,
                       p->go_minor >= 23 ? " (Go 1.23+ collects it once unreferenced; the "
                                           "goroutine reading it is another matter)"
                                         : ": before Go 1.23 it ticks, and is kept, forever");
                refix(p, "defer ticker.Stop() right after time.NewTicker");
            }
        }
        return 0;
    }
    if (str_is(c.full, "http.ListenAndServe") || str_is(c.full, "http.ListenAndServeTLS")) {
        report(p, "http-server-idle-conns", GM_SEV_LOW, "server-no-timeouts", n, (TSNode){0},
               "%.*s serves with no timeouts: a client that opens a connection and sends "
               "nothing holds a goroutine forever",
               (int)c.full.len, c.full.p);
        refix(p, "build an http.Server with ReadHeaderTimeout and IdleTimeout, and call its "
                 "ListenAndServe");
        return 0;
    }
    if (str_is(c.method, "Wait") && c.operand.len && names_has(&p->conds, last_ident(c.operand)) &&
        !names_has(&p->signalled, last_ident(c.operand))) {
        report(p, "cond-wait", GM_SEV_HIGH, "cond-never-signalled", n, (TSNode){0},
               "%.*s.Wait() on a sync.Cond that no code of this package signals or broadcasts: "
               "it waits forever",
               (int)c.operand.len, c.operand.p);
        return 0;
    }
    /* resp, err := http.Get(..) / client.Do(..): Body closed somewhere in the function? */
    if (str_is(c.method, "Get") || str_is(c.method, "Do") || str_is(c.method, "Post") ||
        str_is(c.method, "PostForm") || str_is(c.method, "Head")) {
        TSNode up = nparent(n);
        if (is(p, up, GK_EXPRESSION_LIST)) {
            up = nparent(up);
        }
        if (!is(p, up, GK_SHORT_VAR_DECLARATION) && !is(p, up, GK_ASSIGNMENT_STATEMENT)) {
            return 0;
        }
        TSNode l = field(p, up, GF_LEFT);
        if (nkids(l) != 2) {
            return 0; /* resp, err */
        }
        struct gm_str file = {p->f->in.p, p->f->in.len};
        int http = str_has(file, "\"net/http\"") &&
                   (str_is(c.operand, "http") || str_has(c.operand, "client") ||
                    str_has(c.operand, "Client")) &&
                   !str_has(c.operand, "Cache");
        struct gm_str v = text(p, nkid(l, 0));
        if (!http || str_is(v, "_")) {
            return 0;
        }
        TSNode fn = outermost(p, n);
        struct gm_str body = text(p, fn);
        char a[256], b[256], d[256];
        snprintf(a, sizeof(a), "%.*s.Body.Close", (int)v.len, v.p);
        snprintf(b, sizeof(b), "return %.*s", (int)v.len, v.p);
        snprintf(d, sizeof(d), "(%.*s)", (int)v.len, v.p);
        if (!str_has(body, a) && !str_has_word(body, b) && !str_has(body, d)) {
            report(p, "http-client-body-leak", GM_SEV_HIGH, "body-not-closed", n, (TSNode){0},
                   "the response %.*s's Body is never closed here: its connection (and the "
                   "transport's two goroutines) stay until the server drops it",
                   (int)v.len, v.p);
            refix(p, "defer resp.Body.Close() right after the error check (and drain it with "
                     "io.Copy(io.Discard, resp.Body) to reuse the connection)");
        } else {
            body_close_skipped(p, up, v, a);
        }
    }
    return 0;
}

/* ---- packages ----------------------------------------------------------------------------- */

static void pkg_release(struct pkg *p)
{
    free(p->closed.v);
    free(p->chans.v);
    free(p->signalled.v);
    free(p->conds.v);
    free(p->waitgroups.v);
    free(p->started.v);
    free(p->started_any.v);
    free(p->maps.v);
    free(p->deleted.v);
    free(p->reset.v);
    free(p->pools.v);
    free(p->grown.v);
    free(p->factories.v);
    free(p->ranged.v);
    free(p->sent.v);
    free(p->made.v);
    free(p->made_buf.v);
    free(p->read.v);
    free(p->closers.v);
    free(p->handoffs.v);
    free(p->skippers.v);
    free(p->pend_send.v);
    free(p->pend_range.v);
}

static int lint_pkg(struct pkg *p)
{
    for (uint32_t i = 0; i < p->files_nr && !p->err; i++) {
        p->f = &p->files[i];
        int rc = walk(p, p->files[i].root, 0, facts, NULL);
        if (rc < 0) {
            p->err = rc;
        }
    }
    for (uint32_t i = 0; i < p->files_nr && !p->err; i++) {
        p->f = &p->files[i];
        (void)walk(p, p->files[i].root, 0, rules, NULL);
    }
    if (!p->err) {
        judge_deferred(p);
    }
    p->out->packages++;
    return p->err;
}

void gm_lint_init(struct gm_lint *l)
{
    memset(l, 0, sizeof(*l));
}

void gm_lint_release(struct gm_lint *l)
{
    for (uint32_t i = 0; i < l->nr; i++) {
        free(l->v[i].function);
        free(l->v[i].file);
        free(l->v[i].message);
        free(l->v[i].fix);
    }
    free(l->v);
    for (uint32_t i = 0; i < l->warnings_nr; i++) {
        free(l->warnings[i]);
    }
    free(l->warnings);
    memset(l, 0, sizeof(*l));
}

__attribute__((format(printf, 2, 3))) static int warn(struct gm_lint *l, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (GM_RESERVE(l->warnings, l->warnings_alloc, l->warnings_nr + 1) < 0) {
        return GM_ENOMEM;
    }
    if (!(l->warnings[l->warnings_nr] = gm_xstrdup(buf))) {
        return GM_ENOMEM;
    }
    l->warnings_nr++;
    return 0;
}

static int find_cmp(const void *x, const void *y)
{
    const struct gm_lint_finding *a = x, *b = y;
    int c = strcmp(a->file, b->file);
    if (c) {
        return c;
    }
    if (a->line != b->line) {
        return a->line < b->line ? -1 : 1;
    }
    return strcmp(a->kind->id, b->kind->id);
}

int gm_lint_buffers(struct gm_lint *l, const char *pkgpath, unsigned go_minor,
                    const char *const *names, const char *const *srcs, const size_t *lens, size_t n)
{
    struct gm_go g;
    GM_TRY(gm_go_init(&g, NULL));
    struct gm_gofile *files = gm_xcalloc(n ? n : 1, sizeof(*files));
    if (!files) {
        gm_go_release(&g);
        return GM_ENOMEM;
    }
    int rc = 0;
    size_t ok = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = gm_gofile_parse(&files[i], &g, names[i], srcs[i], lens[i]);
        ok += rc == 0;
        l->files++;
        l->lines += files[i].lines;
        l->parse_errors += files[i].errors > 0;
    }
    if (rc == 0) {
        char path[512];
        snprintf(path, sizeof(path), "%s", pkgpath && *pkgpath ? pkgpath : (n ? "main" : ""));
        struct visit cur = {0};
        struct pkg p = {.g = &g,
                        .cur = &cur,
                        .files = files,
                        .files_nr = (uint32_t)ok,
                        .pkgpath = path,
                        .go_minor = go_minor,
                        .out = l};
        rc = lint_pkg(&p);
        pkg_release(&p);
    }
    for (size_t i = 0; i < ok; i++) {
        gm_gofile_close(&files[i]);
    }
    free(files);
    gm_go_release(&g);
    if (l->nr > 1) {
        qsort(l->v, l->nr, sizeof(*l->v), find_cmp);
    }
    return rc;
}

/* ---- walking directories ------------------------------------------------------------------ */

struct walker {
    struct gm_lint *l;
    struct gm_go *g;
    struct gm_go *g2; /* a second parser for a helper thread (o->threads 2), or NULL */
    const struct gm_lint_opts *o;
    struct gm_limits lim;
};

/* The files of a directory are parsed by two threads, each with its own parser, when there
 * is a second one (every other file; results in their own slots, used in order after). */
struct parsed {
    int r;
    struct gm_diag d;
};
struct parse_job {
    struct gm_go *g;
    char **paths;
    struct gm_gofile *files;
    struct parsed *res;
    const struct gm_limits *lim;
    uint32_t n, from, step;
};

static void *parse_files(void *arg)
{
    struct parse_job *j = arg;
    for (uint32_t i = j->from; i < j->n; i += j->step) {
        memset(&j->res[i].d, 0, sizeof(j->res[i].d));
        j->res[i].r = gm_gofile_open(&j->files[i], j->g, j->paths[i], j->lim, &j->res[i].d);
    }
    return NULL;
}

static int is_go_file(const char *name, int tests)
{
    size_t n = strlen(name);
    if (n < 4 || strcmp(name + n - 3, ".go") != 0 || name[0] == '.' || name[0] == '_') {
        return 0;
    }
    return tests || n < 8 || strcmp(name + n - 8, "_test.go") != 0;
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Lints the package of the files (paths) in dir; the files are sorted. */
static int lint_files(struct walker *w, const char *dir, char **paths, uint32_t n)
{
    struct gm_gofile *files = gm_xcalloc(n ? n : 1, sizeof(*files));
    if (!files) {
        return GM_ENOMEM;
    }
    struct parsed *res = gm_xcalloc(n ? n : 1, sizeof(*res));
    if (!res) {
        free(files);
        return GM_ENOMEM;
    }
    struct parse_job main_job = {w->g, paths, files, res, &w->lim, n, 0, 1};
    struct parse_job helper = main_job;
    pthread_t th;
    int threaded = w->g2 && n >= 2;
    if (threaded) {
        main_job.step = helper.step = 2;
        helper.from = 1;
        helper.g = w->g2;
        threaded = pthread_create(&th, NULL, parse_files, &helper) == 0;
        if (!threaded) {
            main_job.step = 1; /* no thread: this one parses them all */
        }
    }
    parse_files(&main_job);
    if (threaded) {
        pthread_join(th, NULL);
    }
    uint32_t ok = 0;
    int rc = 0;
    for (uint32_t i = 0; i < n; i++) {
        int r = res[i].r;
        if (r == 0 && rc < 0) {
            gm_gofile_close(&files[i]); /* parsed, but an error came first */
            continue;
        }
        if (rc < 0) {
            continue;
        }
        if (r == GM_ENOMEM) {
            rc = r;
            continue;
        }
        if (r < 0) {
            rc = warn(w->l, "%s: %s", paths[i], res[i].d.msg);
            continue;
        }
        if (ok != i) {
            files[ok] = files[i];
            memset(&files[i], 0, sizeof(files[i]));
        }
        w->l->files++;
        w->l->lines += files[ok].lines;
        if (files[ok].errors) {
            w->l->parse_errors++;
            rc = warn(w->l,
                      "%s: %u part%s the Go grammar could not read (skipped; a construct "
                      "newer than tree-sitter-go 0.23.4, or not Go)",
                      paths[i], files[ok].errors, files[ok].errors == 1 ? "" : "s");
        }
        ok++;
    }
    free(res);
    /* files of several packages in one directory (package x and x_test, or a main with
     * //go:build ignore tools) are linted package by package */
    uint32_t done = 0;
    while (rc == 0 && done < ok) {
        struct gm_str name = files[done].pkg;
        /* gather the files of this package to the front */
        uint32_t k = done;
        for (uint32_t i = done; i < ok; i++) {
            if (files[i].pkg.len == name.len && !memcmp(files[i].pkg.p, name.p, name.len)) {
                struct gm_gofile t = files[k];
                files[k] = files[i];
                files[i] = t;
                k++;
            }
        }
        struct gm_gomod m;
        char pkgpath[1024];
        if (gm_gomod_find(dir, &m) == 1) {
            char abs[PATH_MAX];
            if (!realpath(dir, abs)) {
                snprintf(abs, sizeof(abs), "%s", dir);
            }
            gm_gomod_pkgpath(&m, abs, pkgpath, sizeof(pkgpath));
        } else {
            snprintf(pkgpath, sizeof(pkgpath), "%.*s", (int)name.len, name.p);
            m.go_minor = 0;
        }
        if (str_is(name, "main")) {
            snprintf(pkgpath, sizeof(pkgpath), "main");
        } else if (name.len > 5 && !memcmp(name.p + name.len - 5, "_test", 5)) {
            size_t pl = strlen(pkgpath);
            snprintf(pkgpath + pl, sizeof(pkgpath) - pl, "_test");
        }
        struct visit cur = {0};
        struct pkg p = {.g = w->g,
                        .cur = &cur,
                        .files = files + done,
                        .files_nr = k - done,
                        .pkgpath = pkgpath,
                        .go_minor = m.go_minor,
                        .out = w->l};
        rc = lint_pkg(&p);
        pkg_release(&p);
        done = k;
    }
    for (uint32_t i = 0; i < ok; i++) {
        gm_gofile_close(&files[i]);
    }
    free(files);
    return rc;
}

static int lint_dir(struct walker *w, const char *dir, int top)
{
    DIR *d = opendir(dir);
    if (!d) {
        return warn(w->l, "%s: cannot be read", dir);
    }
    char **files = NULL, **dirs = NULL;
    uint32_t nf = 0, af = 0, nd = 0, ad = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) && rc == 0) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..")) {
            continue;
        }
        char path[PATH_MAX];
        int pl = snprintf(path, sizeof(path), "%s/%s", dir, n);
        if (pl < 0 || (size_t)pl >= sizeof(path)) {
            continue;
        }
        struct stat st;
        if (stat(path, &st) != 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (w->o->no_recurse || n[0] == '.' || n[0] == '_' ||
                (!w->o->vendor && (!strcmp(n, "vendor") || !strcmp(n, "testdata")))) {
                continue;
            }
            if (GM_RESERVE(dirs, ad, nd + 1) < 0 || !(dirs[nd] = gm_xstrdup(path))) {
                rc = GM_ENOMEM;
                break;
            }
            nd++;
        } else if (S_ISREG(st.st_mode) && is_go_file(n, w->o->tests)) {
            if (GM_RESERVE(files, af, nf + 1) < 0 || !(files[nf] = gm_xstrdup(path))) {
                rc = GM_ENOMEM;
                break;
            }
            nf++;
        }
    }
    closedir(d);
    (void)top;
    if (nf > 1) {
        qsort(files, nf, sizeof(char *), str_cmp);
    }
    if (nd > 1) {
        qsort(dirs, nd, sizeof(char *), str_cmp);
    }
    if (rc == 0 && nf) {
        rc = lint_files(w, dir, files, nf);
    }
    for (uint32_t i = 0; i < nd && rc == 0; i++) {
        rc = lint_dir(w, dirs[i], 0);
    }
    for (uint32_t i = 0; i < nf; i++) {
        free(files[i]);
    }
    for (uint32_t i = 0; i < nd; i++) {
        free(dirs[i]);
    }
    free(files);
    free(dirs);
    return rc;
}

int gm_lint_paths(struct gm_lint *l, const char *const *paths, size_t n,
                  const struct gm_lint_opts *o, struct gm_diag *diag)
{
    struct gm_go g, g2;
    GM_TRY(gm_go_init(&g, diag));
    struct walker w = {.l = l, .g = &g, .o = o};
    int threads = o->threads;
    if (threads == 0) {
        threads = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
    }
    if (threads > 1 && gm_go_init(&g2, NULL) == 0) {
        w.g2 = &g2;
    }
    if (o->lim) {
        w.lim = *o->lim;
    } else {
        gm_limits_default(&w.lim);
    }
    int rc = 0, found = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        /* "./..." and "dir/..." (Go's package patterns) name the directory: it is walked */
        char pat[PATH_MAX];
        snprintf(pat, sizeof(pat), "%s", paths[i]);
        size_t pl = strlen(pat);
        if (pl >= 3 && !strcmp(pat + pl - 3, "...")) {
            pat[pl - 3] = 0;
            if (pl > 3 && pat[pl - 4] == '/') {
                pat[pl - 4] = 0;
            }
            if (!pat[0]) {
                snprintf(pat, sizeof(pat), ".");
            }
        }
        const char *path = pat;
        struct stat st;
        if (stat(path, &st) != 0) {
            rc = warn(l, "%s: no such file or directory", paths[i]);
            continue;
        }
        found++;
        if (S_ISDIR(st.st_mode)) {
            /* "./..." style is what the user typed for Go tools: the directory */
            rc = lint_dir(&w, path, 1);
        } else {
            /* a file: its package is the files given together from one directory */
            char dir[PATH_MAX];
            snprintf(dir, sizeof(dir), "%s", path);
            char *slash = strrchr(dir, '/');
            if (slash) {
                *slash = 0;
            } else {
                snprintf(dir, sizeof(dir), ".");
            }
            char *one = gm_xstrdup(path);
            if (!one) {
                rc = GM_ENOMEM;
                break;
            }
            rc = lint_files(&w, dir, &one, 1);
            free(one);
        }
    }
    gm_go_release(&g);
    if (w.g2) {
        gm_go_release(w.g2);
    }
    if (rc == 0 && !found && n) {
        rc = gm_diag_set(diag, GM_EIO, 0, 0, "none of the paths exists");
    }
    if (l->nr > 1) {
        qsort(l->v, l->nr, sizeof(*l->v), find_cmp);
    }
    return rc;
}

/* ---- cross-validation --------------------------------------------------------------------- */

static int same_func(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* The name of a closure of fn: "fn.func2", "fn.func1.3". */
static int closure_of(const char *x, const char *fn)
{
    size_t n = strlen(fn);
    return fn[0] && strncmp(x, fn, n) == 0 && strncmp(x + n, ".func", 5) == 0;
}

/* 1 when the runtime's name ends in a closure number (".func3", ".func1.2"). */
static int is_closure_name(const char *fn)
{
    const char *d = NULL;
    for (const char *q = strstr(fn, ".func"); q; q = strstr(q + 1, ".func")) {
        d = q; /* the last: "pkg.funcMap.func1" */
    }
    if (!d) {
        return 0;
    }
    for (const char *p = d + 5; *p; p++) {
        if (!isdigit((unsigned char)*p) && *p != '.') {
            return 0;
        }
    }
    return isdigit((unsigned char)d[5]);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* One lint per package directory the findings of one analysis point into. */
struct dirlint {
    char dir[PATH_MAX];
    struct gm_lint l;
};
struct dirlints {
    struct dirlint *v;
    uint32_t nr, alloc;
};

static void dirlints_release(struct dirlints *d)
{
    for (uint32_t k = 0; k < d->nr; k++) {
        gm_lint_release(&d->v[k].l);
    }
    free(d->v);
}

/* The static finding that confirms a dump finding of kind in frame (or culprit) into *note:
 * 1 when one was found, 0 when not, GM_ENOMEM. */
static int confirm_one(struct dirlints *d, struct gm_source *src, const struct gm_stacks *stacks,
                       const struct gm_finding_kind *kind, uint32_t frame, uint32_t culprit,
                       struct gm_srcnote *note)
{
    /* the standard library's own frames (net/http.(*conn).serve names a library pattern)
     * are not linted: the fix is in the user's code, and net/http alone is 25 files */
    if (frame == GM_NO_FRAME || !kind ||
        !(gm_stacks_get_frame(stacks, frame)->flags & GM_FRAME_USER)) {
        return 0;
    }
    const char *df = gm_stacks_file(stacks, frame);
    char local[PATH_MAX];
    if (!gm_source_path(src, df, local, sizeof(local))) {
        return 0;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", local);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = 0;
    } else {
        snprintf(dir, sizeof(dir), ".");
    }
    uint32_t k = 0;
    while (k < d->nr && strcmp(d->v[k].dir, dir) != 0) {
        k++;
    }
    if (k == d->nr) {
        if (GM_RESERVE(d->v, d->alloc, d->nr + 1) < 0) {
            return GM_ENOMEM;
        }
        snprintf(d->v[k].dir, sizeof(d->v[k].dir), "%s", dir);
        gm_lint_init(&d->v[k].l);
        d->nr++;
        struct gm_lint_opts o = {.no_recurse = 1, .threads = 1}; /* one package */
        const char *one[] = {dir};
        if (gm_lint_paths(&d->v[k].l, one, 1, &o, NULL) == GM_ENOMEM) {
            return GM_ENOMEM;
        }
    }
    const char *fn = gm_stacks_func(stacks, frame);
    const char *cf = culprit != GM_NO_FRAME ? gm_stacks_func(stacks, culprit) : "";
    uint32_t line = gm_stacks_get_frame(stacks, frame)->line;
    const struct gm_lint *l = &d->v[k].l;
    const struct gm_lint_finding *hit = NULL;
    for (uint32_t j = 0; j < l->nr && !hit; j++) {
        const struct gm_lint_finding *x = &l->v[j];
        if (x->kind == kind && (same_func(x->function, fn) || same_func(x->function, cf))) {
            hit = x;
        }
    }
    /* a closure of the function (the worker whose Done a return skips, for the waiter) */
    for (uint32_t j = 0; j < l->nr && !hit; j++) {
        const struct gm_lint_finding *x = &l->v[j];
        if (x->kind == kind && (closure_of(x->function, fn) || closure_of(x->function, cf))) {
            hit = x;
        }
    }
    /* an inlined closure: the runtime's name is the caller's, the position is the closure's */
    for (uint32_t j = 0; j < l->nr && !hit; j++) {
        const struct gm_lint_finding *x = &l->v[j];
        if (x->kind == kind && is_closure_name(fn) && is_closure_name(x->function) &&
            line >= x->fn_line && line <= x->fn_end &&
            strcmp(base_name(x->file), base_name(df)) == 0) {
            hit = x;
        }
    }
    if (!hit) {
        return 0;
    }
    /* named in the dump's terms (its directory, the static finding's file), so the report
     * reads the same wherever the source was found */
    const char *ds = strrchr(df, '/');
    note->line = hit->line;
    note->rule = hit->rule;
    snprintf(note->what, sizeof(note->what), "%s", hit->message);
    snprintf(note->file, sizeof(note->file), "%.*s%s", ds ? (int)(ds - df + 1) : 0, df,
             base_name(hit->file));
    return 1;
}

int gm_lint_confirm(struct gm_findings *fd, const struct gm_stacks *stacks, struct gm_source *src)
{
    struct dirlints d = {0};
    int rc = 0, confirmed = 0;
    for (uint32_t i = 0; i < fd->nr && rc >= 0; i++) {
        struct gm_finding *f = &fd->v[i];
        rc = confirm_one(&d, src, stacks, f->kind, f->user_frame, f->culprit, &f->source);
        confirmed += rc > 0;
    }
    dirlints_release(&d);
    if (rc >= 0 && src->nomem) {
        rc = GM_ENOMEM; /* a statement could not be read: not reported as if it were absent */
    }
    return rc < 0 ? rc : confirmed;
}

int gm_lint_confirm_leak(struct gm_leak_result *res, const struct gm_gdump_set *set,
                         struct gm_source *src)
{
    if (!res->leaks_nr || src->disabled) {
        return 0;
    }
    free(res->notes);
    res->notes = gm_xcalloc(res->leaks_nr, sizeof(*res->notes));
    if (!res->notes) {
        return GM_ENOMEM;
    }
    struct dirlints d = {0};
    int rc = 0, confirmed = 0;
    for (uint32_t i = 0; i < res->leaks_nr && rc >= 0; i++) {
        struct gm_leak_row *r = &res->rows[i];
        r->note = &res->notes[i];
        gm_source_statement(&set->stacks, src, r->kind, r->user_frame, &res->notes[i]);
        rc =
            confirm_one(&d, src, &set->stacks, r->kind, r->user_frame, GM_NO_FRAME, &res->notes[i]);
        confirmed += rc > 0;
    }
    dirlints_release(&d);
    if (rc >= 0 && src->nomem) {
        rc = GM_ENOMEM; /* a statement could not be read: not reported as if it were absent */
    }
    return rc < 0 ? rc : confirmed;
}

static int rank_cmp(const void *x, const void *y)
{
    const struct gm_lint_finding *a = x, *b = y;
    if (a->stuck != b->stuck) {
        return a->stuck > b->stuck ? -1 : 1;
    }
    if (a->severity != b->severity) {
        return a->severity > b->severity ? -1 : 1;
    }
    return find_cmp(x, y);
}

void gm_lint_rank(struct gm_lint *l, const struct gm_findings *fd, const struct gm_stacks *stacks)
{
    for (uint32_t i = 0; i < l->nr; i++) {
        struct gm_lint_finding *x = &l->v[i];
        x->stuck = 0;
        for (uint32_t k = 0; k < fd->nr; k++) {
            const struct gm_finding *f = &fd->v[k];
            const char *fn =
                f->user_frame != GM_NO_FRAME ? gm_stacks_func(stacks, f->user_frame) : NULL;
            const char *cl = f->culprit != GM_NO_FRAME ? gm_stacks_func(stacks, f->culprit) : NULL;
            if (same_func(x->function, fn) || same_func(x->function, cl)) {
                x->stuck += f->count;
            }
        }
    }
    if (l->nr > 1) {
        qsort(l->v, l->nr, sizeof(*l->v), rank_cmp);
    }
}
