/*
 * gm/gosrc.h - Go source files as syntax trees: tree-sitter's runtime (Debian's
 * libtree-sitter 0.20) with its Go grammar (the npm package tree-sitter-go 0.23.4, fetched by
 * tools/fetch-grammar.sh; docs/design/tree-sitter.md says why that version), the module a
 * file belongs to (its go.mod: module path, go version), and the names Go's runtime prints
 * for the functions in it ("example.com/svc/db.(*DB).Query", "main.main.func2").
 *
 * Node kinds and field names are looked up once (gm_go_init) and compared as numbers. A file
 * is mapped (gm/input.h) and parsed whole; the syntax tree is tree-sitter's (its allocations
 * go through plain malloc: tree-sitter cannot survive a failed one). A declaration the
 * grammar cannot read becomes an ERROR node: it is counted and skipped, the rest of the file
 * is read. Not thread-safe (one parser per gm_go). Layer: parse.
 */
#ifndef GM_GOSRC_H
#define GM_GOSRC_H

#include "gm/input.h"

#include <tree_sitter/api.h>

/* The node kinds the analyses look at. */
enum gm_gk {
    GK_SOURCE_FILE,
    GK_PACKAGE_CLAUSE,
    GK_PACKAGE_IDENTIFIER,
    GK_FUNCTION_DECLARATION,
    GK_METHOD_DECLARATION,
    GK_FUNC_LITERAL,
    GK_BLOCK,
    GK_GO_STATEMENT,
    GK_DEFER_STATEMENT,
    GK_RETURN_STATEMENT,
    GK_CALL_EXPRESSION,
    GK_SELECTOR_EXPRESSION,
    GK_IDENTIFIER,
    GK_FIELD_IDENTIFIER,
    GK_TYPE_IDENTIFIER,
    GK_SEND_STATEMENT,
    GK_RECEIVE_STATEMENT,
    GK_UNARY_EXPRESSION,
    GK_FOR_STATEMENT,
    GK_RANGE_CLAUSE,
    GK_SELECT_STATEMENT,
    GK_COMMUNICATION_CASE,
    GK_DEFAULT_CASE,
    GK_SHORT_VAR_DECLARATION,
    GK_ASSIGNMENT_STATEMENT,
    GK_VAR_DECLARATION,
    GK_VAR_SPEC,
    GK_EXPRESSION_LIST,
    GK_IF_STATEMENT,
    GK_PARAMETER_LIST,
    GK_PARAMETER_DECLARATION,
    GK_QUALIFIED_TYPE,
    GK_POINTER_TYPE,
    GK_GENERIC_TYPE,
    GK_COMPOSITE_LITERAL,
    GK_LITERAL_VALUE,
    GK_KEYED_ELEMENT,
    GK_LITERAL_ELEMENT,
    GK_ARGUMENT_LIST,
    GK_BREAK_STATEMENT,
    GK_GOTO_STATEMENT,
    GK_EXPRESSION_STATEMENT,
    GK_LABELED_STATEMENT,
    GK_INT_LITERAL,
    GK_CHANNEL_TYPE,
    GK_TYPE_PARAMETER_LIST,
    GK_MAP_TYPE,
    GK_FIELD_DECLARATION,
    GK_INDEX_EXPRESSION,
    GK_ERROR,
    GK_NR
};

/* The field names the analyses read. */
enum gm_gf {
    GF_NAME,
    GF_BODY,
    GF_RECEIVER,
    GF_PARAMETERS,
    GF_TYPE,
    GF_FUNCTION,
    GF_ARGUMENTS,
    GF_OPERAND,
    GF_FIELD,
    GF_CHANNEL,
    GF_VALUE,
    GF_LEFT,
    GF_RIGHT,
    GF_CONDITION,
    GF_CONSEQUENCE,
    GF_ALTERNATIVE,
    GF_COMMUNICATION,
    GF_OPERATOR,
    GF_PACKAGE,
    GF_TYPE_PARAMETERS,
    GF_NR
};

/* One parser, the grammar's symbols and fields. */
struct gm_go {
    TSParser *parser;
    const TSLanguage *lang;
    TSSymbol sym[GK_NR];
    TSFieldId field[GF_NR];
};

/* 0, or GM_EUNSUPP when the runtime refuses the grammar (an ABI it does not know). */
int gm_go_init(struct gm_go *g, struct gm_diag *diag);
void gm_go_release(struct gm_go *g);

/* A parsed file. */
struct gm_gofile {
    const char *path; /* borrowed */
    struct gm_input in;
    TSTree *tree;
    TSNode root;
    struct gm_str pkg; /* the package clause's name */
    uint32_t errors;   /* ERROR nodes (declarations skipped) */
    uint32_t lines;
};

/* Maps and parses path. GM_EIO, GM_ETOOBIG (over lim), GM_ENOMEM. */
int gm_gofile_open(struct gm_gofile *f, struct gm_go *g, const char *path,
                   const struct gm_limits *lim, struct gm_diag *diag);
/* Parses a buffer (not copied: it must outlive f). */
int gm_gofile_parse(struct gm_gofile *f, struct gm_go *g, const char *name, const char *p,
                    size_t len);
void gm_gofile_close(struct gm_gofile *f);

static inline int gm_go_is(const struct gm_go *g, TSNode n, enum gm_gk k)
{
    return !ts_node_is_null(n) && ts_node_symbol(n) == g->sym[k];
}
/* The child in field f, or a null node (also for a null n). */
static inline TSNode gm_go_field(const struct gm_go *g, TSNode n, enum gm_gf f)
{
    return ts_node_is_null(n) ? n : ts_node_child_by_field_id(n, g->field[f]);
}
/* The bytes of a node. */
static inline struct gm_str gm_go_text(const struct gm_gofile *f, TSNode n)
{
    if (ts_node_is_null(n)) {
        return (struct gm_str){"", 0};
    }
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    return (struct gm_str){f->in.p + a, b - a};
}
/* 1-based line and column of a node's start. */
static inline uint32_t gm_go_line(TSNode n)
{
    return ts_node_start_point(n).row + 1;
}
static inline uint32_t gm_go_col(TSNode n)
{
    return ts_node_start_point(n).column + 1;
}
int gm_go_text_is(const struct gm_gofile *f, TSNode n, const char *s);

/* One step of a pre-order walk of top's subtree with a cursor made on top: into the current
 * node's first child when down, else to the next node after the current one's subtree. 0 when
 * the walk is over. (A cursor, not ts_node_child(i) in a loop: tree-sitter finds the i-th
 * child by walking its siblings, which makes indexed walks quadratic.) */
int gm_go_cursor_next(TSTreeCursor *c, TSNode top, int down);

/* ---- modules ---------------------------------------------------------------------------- */

/* The go.mod that governs a directory: the nearest one in it or above it. */
struct gm_gomod {
    char dir[4096];    /* the directory holding go.mod ("" when none was found) */
    char path[512];    /* its module path ("" when none) */
    unsigned go_minor; /* N of its "go 1.N" line, 0 when absent */
};
/* 1 when found, 0 when no go.mod is in dir or above, GM_EIO. dir need not exist as given
 * (it is made absolute with realpath). */
int gm_gomod_find(const char *dir, struct gm_gomod *m);

/* The import path of the package in directory dir (absolute) under module m:
 * "example.com/svc/internal/db"; the module path itself at its root; "" without a module. */
void gm_gomod_pkgpath(const struct gm_gomod *m, const char *dir, char *out, size_t cap);

/* ---- the statement a goroutine blocks in ----------------------------------------------- */

/* What the syntax tree says of the statement starting on a line (the line a dump's user
 * frame points at). */
enum gm_gb_kind { GM_GB_NONE, GM_GB_SELECT, GM_GB_RANGE, GM_GB_RECV, GM_GB_SEND };
struct gm_go_block {
    enum gm_gb_kind kind;
    uint32_t line;      /* the statement's first line */
    uint32_t cases;     /* select: its communication cases (default not counted) */
    int has_default;    /* select: a default case */
    int done_case;      /* select: a case receives from X.Done() (a context, a done channel) */
    int timer_case;     /* a case (or the receive) waits on time.After or a Timer's .C */
    int ticker;         /* a case, the receive or the range reads a ticker: time.Tick, a
                           time.NewTicker value's .C */
    int in_loop;        /* the statement is in a for loop of its function */
    char done_expr[64]; /* the Done() case's expression: "ctx.Done()" */
};
/* 1 and *b filled when a select, range, receive or send starts on line (1-based), else 0. */
int gm_go_block_at(const struct gm_go *g, const struct gm_gofile *f, uint32_t line,
                   struct gm_go_block *b);

/* ---- function names as Go's runtime prints them ---------------------------------------- */

/* The name of a function_declaration, method_declaration or func_literal node as a
 * goroutine dump prints it, in out: "pkg.F", "pkg.(*T).M", "pkg.T.M", "pkg.F[...]",
 * "pkg.F.func2" (the second closure directly in F, in source order), "pkg.F.func1.3" (the
 * third closure inside that one), and for a closure outside any function "pkg.glob..func1"
 * (Go before 1.22) or "pkg.init.func1" (go_minor 22 and later: the toolchain decides; the
 * go line of go.mod stands for it). pkgpath is the package's import path; "main" for package
 * main. A closure the compiler inlines is printed under another name (the caller's, with a
 * number of its own): that name is not predicted. Returns the length (cut at cap - 1). */
size_t gm_go_funcname(const struct gm_go *g, const struct gm_gofile *f, const char *pkgpath,
                      unsigned go_minor, TSNode fn, char *out, size_t cap);

#endif
