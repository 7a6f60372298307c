/* Go source files as syntax trees, their modules, their functions' runtime names
 * (gm/gosrc.h). */
#include "gm/gosrc.h"
#include "gm/alloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

const TSLanguage *tree_sitter_go(void); /* the grammar (third_party/, tools/fetch-grammar.sh) */

static const char *const gk_names[] = {
    "source_file",
    "package_clause",
    "package_identifier",
    "function_declaration",
    "method_declaration",
    "func_literal",
    "block",
    "go_statement",
    "defer_statement",
    "return_statement",
    "call_expression",
    "selector_expression",
    "identifier",
    "field_identifier",
    "type_identifier",
    "send_statement",
    "receive_statement",
    "unary_expression",
    "for_statement",
    "range_clause",
    "select_statement",
    "communication_case",
    "default_case",
    "short_var_declaration",
    "assignment_statement",
    "var_declaration",
    "var_spec",
    "expression_list",
    "if_statement",
    "parameter_list",
    "parameter_declaration",
    "qualified_type",
    "pointer_type",
    "generic_type",
    "composite_literal",
    "literal_value",
    "keyed_element",
    "literal_element",
    "argument_list",
    "break_statement",
    "goto_statement",
    "expression_statement",
    "labeled_statement",
    "int_literal",
    "channel_type",
    "type_parameter_list",
    "map_type",
    "field_declaration",
    "index_expression",
    "ERROR",
};

static const char *const gf_names[] = {
    "name",        "body",          "receiver", "parameters", "type",
    "function",    "arguments",     "operand",  "field",      "channel",
    "value",       "left",          "right",    "condition",  "consequence",
    "alternative", "communication", "operator", "package",    "type_parameters",
};

/* one name per enum value, in order */
_Static_assert(sizeof(gk_names) / sizeof(gk_names[0]) == GK_NR, "gk_names and enum gm_gk differ");
_Static_assert(sizeof(gf_names) / sizeof(gf_names[0]) == GF_NR, "gf_names and enum gm_gf differ");

int gm_go_init(struct gm_go *g, struct gm_diag *diag)
{
    memset(g, 0, sizeof(*g));
    g->lang = tree_sitter_go();
    g->parser = ts_parser_new();
    if (!g->parser || !ts_parser_set_language(g->parser, g->lang)) {
        gm_go_release(g);
        return gm_diag_set(diag, GM_EUNSUPP, 0, 0,
                           "the Go grammar (ABI %u) is not one this tree-sitter runtime loads "
                           "(ABI %u at most)",
                           ts_language_version(tree_sitter_go()), TREE_SITTER_LANGUAGE_VERSION);
    }
    for (int k = 0; k < GK_NR; k++) {
        g->sym[k] = k == GK_ERROR ? (TSSymbol)-1
                                  : ts_language_symbol_for_name(g->lang, gk_names[k],
                                                                (uint32_t)strlen(gk_names[k]), 1);
    }
    for (int k = 0; k < GF_NR; k++) {
        g->field[k] =
            ts_language_field_id_for_name(g->lang, gf_names[k], (uint32_t)strlen(gf_names[k]));
    }
    return 0;
}

void gm_go_release(struct gm_go *g)
{
    if (g->parser) {
        ts_parser_delete(g->parser);
    }
    memset(g, 0, sizeof(*g));
}

int gm_go_text_is(const struct gm_gofile *f, TSNode n, const char *s)
{
    struct gm_str t = gm_go_text(f, n);
    size_t l = strlen(s);
    return t.len == l && memcmp(t.p, s, l) == 0;
}

int gm_go_cursor_next(TSTreeCursor *c, TSNode top, int down)
{
    if (down && ts_tree_cursor_goto_first_child(c)) {
        return 1;
    }
    for (;;) {
        if (ts_node_eq(ts_tree_cursor_current_node(c), top)) {
            return 0;
        }
        if (ts_tree_cursor_goto_next_sibling(c)) {
            return 1;
        }
        if (!ts_tree_cursor_goto_parent(c)) {
            return 0;
        }
    }
}

static uint32_t count_errors(TSNode n)
{
    if (!ts_node_has_error(n)) {
        return 0;
    }
    if (ts_node_symbol(n) == (TSSymbol)-1 || ts_node_is_missing(n)) {
        return 1;
    }
    uint32_t c = 0, nr = ts_node_child_count(n);
    for (uint32_t i = 0; i < nr; i++) {
        c += count_errors(ts_node_child(n, i));
    }
    return c;
}

int gm_gofile_parse(struct gm_gofile *f, struct gm_go *g, const char *name, const char *p,
                    size_t len)
{
    memset(f, 0, sizeof(*f));
    f->path = name;
    f->in.name = name;
    f->in.p = p;
    f->in.len = len;
    if (len > UINT32_MAX) {
        return GM_ETOOBIG;
    }
    f->tree = ts_parser_parse_string(g->parser, NULL, p, (uint32_t)len);
    if (!f->tree) {
        return GM_ENOMEM;
    }
    f->root = ts_tree_root_node(f->tree);
    f->errors = count_errors(f->root);
    f->lines = ts_node_end_point(f->root).row + (len && p[len - 1] != '\n');
    uint32_t nr = ts_node_named_child_count(f->root);
    for (uint32_t i = 0; i < nr; i++) {
        TSNode c = ts_node_named_child(f->root, i);
        if (gm_go_is(g, c, GK_PACKAGE_CLAUSE)) {
            TSNode id = ts_node_named_child(c, 0);
            f->pkg = gm_go_text(f, id);
            break;
        }
    }
    return 0;
}

int gm_gofile_open(struct gm_gofile *f, struct gm_go *g, const char *path,
                   const struct gm_limits *lim, struct gm_diag *diag)
{
    struct gm_input in;
    GM_TRY(gm_input_open(&in, path, lim, diag));
    int rc = gm_gofile_parse(f, g, path, in.p, in.len);
    f->in = in;
    if (rc < 0) {
        gm_gofile_close(f);
        return gm_diag_set(diag, rc, 0, 0, "%s", rc == GM_ETOOBIG ? "over 4 GB" : "out of memory");
    }
    return 0;
}

void gm_gofile_close(struct gm_gofile *f)
{
    if (f->tree) {
        ts_tree_delete(f->tree);
    }
    if (f->in.map || f->in.owned) {
        gm_input_close(&f->in);
    }
    memset(f, 0, sizeof(*f));
}

/* ---- modules ---------------------------------------------------------------------------- */

static int read_gomod(const char *file, struct gm_gomod *m)
{
    FILE *fp = fopen(file, "r");
    if (!fp) {
        return 0;
    }
    char line[1024];
    while (fgets(line, sizeof(line), fp)) {
        char *s = line;
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (!strncmp(s, "module", 6) && (s[6] == ' ' || s[6] == '\t')) {
            s += 6;
            while (*s == ' ' || *s == '\t') {
                s++;
            }
            int quoted = *s == '"';
            s += quoted;
            size_t n = strcspn(s, quoted ? "\"" : " \t\r\n/");
            if (!quoted) { /* a path: up to blanks, slashes included */
                n = strcspn(s, " \t\r\n");
            }
            if (n >= sizeof(m->path)) {
                n = sizeof(m->path) - 1;
            }
            memcpy(m->path, s, n);
            m->path[n] = 0;
        } else if (!strncmp(s, "go", 2) && (s[2] == ' ' || s[2] == '\t')) {
            unsigned major = 0, minor = 0;
            if (sscanf(s + 3, " %u.%u", &major, &minor) == 2 && major == 1) {
                m->go_minor = minor;
            }
        }
    }
    fclose(fp);
    return 1;
}

int gm_gomod_find(const char *dir, struct gm_gomod *m)
{
    memset(m, 0, sizeof(*m));
    char abs[PATH_MAX];
    if (!realpath(dir, abs)) {
        return 0;
    }
    for (;;) {
        char file[PATH_MAX + 8];
        snprintf(file, sizeof(file), "%s/go.mod", abs);
        if (read_gomod(file, m)) {
            snprintf(m->dir, sizeof(m->dir), "%s", abs);
            return 1;
        }
        char *slash = strrchr(abs, '/');
        if (!slash || slash == abs) {
            return 0;
        }
        *slash = 0;
    }
}

void gm_gomod_pkgpath(const struct gm_gomod *m, const char *dir, char *out, size_t cap)
{
    if (!m->path[0]) {
        snprintf(out, cap, "%s", "");
        return;
    }
    size_t dl = strlen(m->dir);
    if (strncmp(dir, m->dir, dl) != 0 || (dir[dl] != 0 && dir[dl] != '/')) {
        snprintf(out, cap, "%s", m->path);
        return;
    }
    if (!strcmp(m->path, "std")) { /* GOROOT/src: the runtime prints "net/http", not "std/.." */
        snprintf(out, cap, "%s", dir[dl] ? dir + dl + 1 : "std");
        return;
    }
    snprintf(out, cap, "%s%s", m->path, dir + dl);
}

/* ---- function names --------------------------------------------------------------------- */

/* The enclosing function_declaration, method_declaration or func_literal of n, or null. */
static TSNode enclosing_fn(const struct gm_go *g, TSNode n)
{
    for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
        if (gm_go_is(g, p, GK_FUNCTION_DECLARATION) || gm_go_is(g, p, GK_METHOD_DECLARATION) ||
            gm_go_is(g, p, GK_FUNC_LITERAL)) {
            return p;
        }
    }
    return (TSNode){0};
}

/* The 1-based index of closure lit among the closures directly in fn (source order); fn
 * the file's root for a package-level closure (counted in this file only: Go numbers them
 * across the package's files). */
static uint32_t closure_index(const struct gm_go *g, TSNode fn, TSNode lit)
{
    uint32_t idx = 0;
    uint32_t target = ts_node_start_byte(lit);
    TSTreeCursor c = ts_tree_cursor_new(fn);
    /* pre-order walk of fn's subtree, not descending into closures; from the file's root
     * (package-level closures), not into functions either */
    int more = gm_go_cursor_next(&c, fn, 1);
    while (more) {
        TSNode n = ts_tree_cursor_current_node(&c);
        int is_lit = gm_go_is(g, n, GK_FUNC_LITERAL);
        if (is_lit) {
            idx++;
            if (ts_node_start_byte(n) == target) {
                break;
            }
        }
        int skip = is_lit || gm_go_is(g, n, GK_FUNCTION_DECLARATION) ||
                   gm_go_is(g, n, GK_METHOD_DECLARATION);
        more = gm_go_cursor_next(&c, fn, !skip);
    }
    ts_tree_cursor_delete(&c);
    return idx;
}

static size_t put(char *out, size_t cap, size_t at, const char *s, size_t n)
{
    if (at + 1 >= cap) {
        return at;
    }
    if (n > cap - 1 - at) {
        n = cap - 1 - at;
    }
    memcpy(out + at, s, n);
    out[at + n] = 0;
    return at + n;
}

size_t gm_go_funcname(const struct gm_go *g, const struct gm_gofile *f, const char *pkgpath,
                      unsigned go_minor, TSNode fn, char *out, size_t cap)
{
    if (cap == 0) {
        return 0;
    }
    out[0] = 0;
    if (gm_go_is(g, fn, GK_FUNC_LITERAL)) {
        TSNode parent = enclosing_fn(g, fn);
        size_t at;
        char num[16];
        if (ts_node_is_null(parent)) { /* a closure in a package-level declaration */
            at = put(out, cap, 0, pkgpath, strlen(pkgpath));
            at = go_minor >= 22 ? put(out, cap, at, ".init.func", 10)
                                : put(out, cap, at, ".glob..func", 11);
            snprintf(num, sizeof(num), "%u", closure_index(g, f->root, fn));
            return put(out, cap, at, num, strlen(num));
        }
        at = gm_go_funcname(g, f, pkgpath, go_minor, parent, out, cap);
        int nested = gm_go_is(g, parent, GK_FUNC_LITERAL);
        snprintf(num, sizeof(num), "%s%u", nested ? "." : ".func", closure_index(g, parent, fn));
        return put(out, cap, at, num, strlen(num));
    }
    size_t at = put(out, cap, 0, pkgpath, strlen(pkgpath));
    at = put(out, cap, at, ".", 1);
    if (gm_go_is(g, fn, GK_METHOD_DECLARATION)) {
        /* receiver: (r *T), (T), (r *T[K, V]) */
        TSNode recv = gm_go_field(g, fn, GF_RECEIVER);
        TSNode decl = ts_node_named_child(recv, 0);
        TSNode t = gm_go_field(g, decl, GF_TYPE);
        int ptr = gm_go_is(g, t, GK_POINTER_TYPE);
        if (ptr) {
            t = ts_node_named_child(t, 0);
        }
        int generic = gm_go_is(g, t, GK_GENERIC_TYPE);
        if (generic) {
            t = gm_go_field(g, t, GF_TYPE);
        }
        struct gm_str tn = gm_go_text(f, t);
        if (ptr) {
            at = put(out, cap, at, "(*", 2);
        }
        at = put(out, cap, at, tn.p, tn.len);
        if (generic) {
            at = put(out, cap, at, "[...]", 5);
        }
        if (ptr) {
            at = put(out, cap, at, ")", 1);
        }
        at = put(out, cap, at, ".", 1);
    }
    struct gm_str name = gm_go_text(f, gm_go_field(g, fn, GF_NAME));
    at = put(out, cap, at, name.p, name.len);
    if (gm_go_is(g, fn, GK_FUNCTION_DECLARATION) &&
        !ts_node_is_null(gm_go_field(g, fn, GF_TYPE_PARAMETERS))) {
        at = put(out, cap, at, "[...]", 5);
    }
    return at;
}

/* ---- the statement a goroutine blocks in ------------------------------------------------ */

static int text_has(const struct gm_gofile *f, TSNode n, const char *needle)
{
    struct gm_str t = gm_go_text(f, n);
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= t.len; i++) {
        if (!memcmp(t.p + i, needle, l)) {
            return 1;
        }
    }
    return 0;
}

/* The innermost named node of a kind that starts on row (0-based). */
static TSNode starting_on(const struct gm_go *g, TSNode n, uint32_t row, const enum gm_gk *kinds,
                          size_t nk)
{
    TSNode best = (TSNode){0};
    TSTreeCursor c = ts_tree_cursor_new(n);
    for (;;) {
        TSNode cur = ts_tree_cursor_current_node(&c);
        uint32_t a = ts_node_start_point(cur).row, b = ts_node_end_point(cur).row;
        int down = a <= row && row <= b;
        if (down && a == row) {
            for (size_t k = 0; k < nk; k++) {
                if (gm_go_is(g, cur, kinds[k]) && ts_node_is_null(best)) {
                    best = cur; /* the outermost on the line: the statement */
                }
            }
        }
        if (!gm_go_cursor_next(&c, n, down)) {
            break;
        }
    }
    ts_tree_cursor_delete(&c);
    return best;
}

/* What channel expression X in <-X is: a ticker's, a timer's, a Done(). */
static void classify_chan(const struct gm_go *g, const struct gm_gofile *f, TSNode fn,
                          TSNode operand, struct gm_go_block *b)
{
    struct gm_str t = gm_go_text(f, operand);
    if (text_has(f, operand, "time.Tick(")) {
        b->ticker = 1;
    } else if (text_has(f, operand, "time.After(")) {
        b->timer_case = 1;
    } else if (t.len > 7 && !memcmp(t.p + t.len - 7, ".Done()", 7)) {
        b->done_case = 1;
        if (!b->done_expr[0]) {
            snprintf(b->done_expr, sizeof(b->done_expr), "%.*s", (int)(t.len < 60 ? t.len : 60),
                     t.p);
        }
    } else if (t.len > 2 && !memcmp(t.p + t.len - 2, ".C", 2)) {
        /* X.C: how the function made X */
        char mk[160];
        snprintf(mk, sizeof(mk), "%.*s := time.NewTimer", (int)(t.len - 2 < 100 ? t.len - 2 : 100),
                 t.p);
        if (text_has(f, fn, mk)) {
            b->timer_case = 1;
        } else {
            b->ticker = 1; /* a NewTicker value, or a field holding one */
        }
    } else {
        /* a variable: tick := time.Tick(..) or timeout := time.After(..) in the function */
        char mk[160];
        snprintf(mk, sizeof(mk), "%.*s := time.Tick(", (int)(t.len < 100 ? t.len : 100), t.p);
        if (t.len && text_has(f, fn, mk)) {
            b->ticker = 1;
        }
        snprintf(mk, sizeof(mk), "%.*s := time.After(", (int)(t.len < 100 ? t.len : 100), t.p);
        if (t.len && text_has(f, fn, mk)) {
            b->timer_case = 1;
        }
    }
    (void)g;
}

/* The operand X of the receive <-X inside n (n itself, or a statement holding one). */
static TSNode recv_operand(const struct gm_go *g, TSNode n)
{
    TSTreeCursor c = ts_tree_cursor_new(n);
    TSNode out = (TSNode){0};
    for (;;) {
        TSNode cur = ts_tree_cursor_current_node(&c);
        if (gm_go_is(g, cur, GK_UNARY_EXPRESSION)) {
            TSNode op = ts_node_child_by_field_id(cur, g->field[GF_OPERATOR]);
            if (!ts_node_is_null(op) && ts_node_end_byte(op) - ts_node_start_byte(op) == 2) {
                out = ts_node_child_by_field_id(cur, g->field[GF_OPERAND]);
                break;
            }
        }
        int down = !gm_go_is(g, cur, GK_FUNC_LITERAL) || ts_node_eq(cur, n); /* not closures */
        if (!gm_go_cursor_next(&c, n, down)) {
            break;
        }
    }
    ts_tree_cursor_delete(&c);
    return out;
}

int gm_go_block_at(const struct gm_go *g, const struct gm_gofile *f, uint32_t line,
                   struct gm_go_block *b)
{
    memset(b, 0, sizeof(*b));
    if (!line || ts_node_is_null(f->root)) {
        return 0;
    }
    static const enum gm_gk kinds[] = {GK_SELECT_STATEMENT,     GK_FOR_STATEMENT,
                                       GK_SEND_STATEMENT,       GK_SHORT_VAR_DECLARATION,
                                       GK_ASSIGNMENT_STATEMENT, GK_EXPRESSION_STATEMENT,
                                       GK_RETURN_STATEMENT,     GK_IF_STATEMENT};
    TSNode st = starting_on(g, f->root, line - 1, kinds, sizeof(kinds) / sizeof(kinds[0]));
    if (ts_node_is_null(st)) {
        return 0;
    }
    TSNode fn = enclosing_fn(g, st);
    for (TSNode q = ts_node_parent(st); !ts_node_is_null(q) && !ts_node_eq(q, fn);
         q = ts_node_parent(q)) {
        b->in_loop |= gm_go_is(g, q, GK_FOR_STATEMENT);
    }
    b->line = line;
    if (gm_go_is(g, st, GK_SELECT_STATEMENT)) {
        b->kind = GM_GB_SELECT;
        uint32_t nr = ts_node_named_child_count(st);
        for (uint32_t i = 0; i < nr; i++) {
            TSNode c = ts_node_named_child(st, i);
            if (gm_go_is(g, c, GK_DEFAULT_CASE)) {
                b->has_default = 1;
                continue;
            }
            if (!gm_go_is(g, c, GK_COMMUNICATION_CASE)) {
                continue;
            }
            b->cases++;
            TSNode comm = ts_node_child_by_field_id(c, g->field[GF_COMMUNICATION]);
            TSNode x = recv_operand(g, comm);
            if (!ts_node_is_null(x)) {
                classify_chan(g, f, fn, x, b);
            }
        }
        return 1;
    }
    if (gm_go_is(g, st, GK_FOR_STATEMENT)) {
        uint32_t nr = ts_node_named_child_count(st);
        for (uint32_t i = 0; i < nr; i++) {
            TSNode rc = ts_node_named_child(st, i);
            if (gm_go_is(g, rc, GK_RANGE_CLAUSE)) {
                b->kind = GM_GB_RANGE;
                TSNode x = ts_node_child_by_field_id(rc, g->field[GF_RIGHT]);
                struct gm_str t = gm_go_text(f, x);
                if (t.len > 2 && !memcmp(t.p + t.len - 2, ".C", 2)) {
                    b->ticker = 1;
                } else {
                    classify_chan(g, f, fn, x, b);
                }
                return 1;
            }
        }
        return 0;
    }
    if (gm_go_is(g, st, GK_SEND_STATEMENT)) {
        b->kind = GM_GB_SEND;
        return 1;
    }
    TSNode x = recv_operand(g, st);
    if (ts_node_is_null(x)) {
        return 0;
    }
    b->kind = GM_GB_RECV;
    classify_chan(g, f, fn, x, b);
    return 1;
}
