/*
 * gm/lint.h - the static half of goroutine-guard: rules over the syntax trees of Go packages
 * (gm/gosrc.h) that find the leak and blocking patterns the dump analysis names, with the
 * same catalogue ids (gm/catalogue.h), so a finding of one half can be joined to the other by
 * id and function:
 *
 *   chan-send-blocked     a goroutine sends on an unbuffered channel whose reader can return
 *                         before reading every value (first answer wins, a timeout case); a
 *                         send on a channel the package never receives from or hands on
 *   range-never-closed    range over a channel that no code of the package closes; a return
 *                         that skips the producer's close(ch) (every path)
 *   ticker-loop           time.NewTicker without Stop; time.Tick, or time.After in a loop
 *   mutex-wait            Lock with a return before its Unlock and no defer
 *   waitgroup-wait        wg.Add inside the goroutine it counts; Done skipped by a return
 *   cond-wait             sync.Cond.Wait with no Signal or Broadcast in the package
 *   context-not-propagated  context.Background()/TODO() in a function that has a context
 *                         (a context.Context parameter or an *http.Request)
 *   select-forever        select {} outside main.main
 *   goroutine-leak        a goroutine's endless loop with no way out (no return, no break
 *                         out, no ctx.Done()/quit case)
 *   http-client-body-leak an http.Response whose Body is not closed in the function, or a
 *                         return that skips its Close (every path)
 *   http-transport-per-request  an http.Transport (or a Client with its own) built per call
 *   http-server-idle-conns      an http.Server without timeouts, http.ListenAndServe
 *   heap-growth           a sync.Pool buffer put back without Reset; a long-lived map that
 *                         only gets entries (info)
 *
 * A package is one directory: its files are read together (a close or a Signal anywhere in
 * the package counts). Function names are the runtime's (gm_go_funcname), the package path
 * from go.mod. Layer: analyze.
 */
#ifndef GM_LINT_H
#define GM_LINT_H

#include "gm/catalogue.h"
#include "gm/gosrc.h"
#include "gm/leak.h"

struct gm_lint_finding {
    const struct gm_finding_kind *kind;
    enum gm_severity severity;
    const char *rule;         /* the rule's own name ("fanout-first-answer" ...) */
    char *function;           /* as Go's runtime prints it */
    char *file;               /* as found (relative to the current directory when given so) */
    uint32_t line, col;       /* 1-based */
    char *message;            /* what the source shows */
    char *fix;                /* what to change */
    uint32_t related_line;    /* a second line of the story (the reader that returns ...), or 0 */
    uint32_t fn_line, fn_end; /* the lines the function spans (its declaration or literal) */
    uint64_t stuck;           /* with a dump (gm_lint_rank): goroutines stuck in this function */
};

struct gm_lint_opts {
    int tests;      /* also read _test.go files */
    int vendor;     /* also walk vendor/ and testdata/ directories */
    int no_recurse; /* a directory is one package: its subdirectories are not walked */
    int threads;    /* 2: a directory's files are parsed by two threads; 1: one; 0: two when
                       there are two CPUs or more */
    const struct gm_limits *lim;
};

struct gm_lint {
    struct gm_lint_finding *v;
    uint32_t nr, alloc;
    uint64_t files, lines, packages;
    uint64_t parse_errors; /* files with ERROR nodes (their broken declarations skipped) */
    int ranked;            /* gm_lint_rank ran: the stuck counts of the findings are meaningful */
    char **warnings;       /* one line each: unreadable file, grammar gaps */
    uint32_t warnings_nr, warnings_alloc;
};

void gm_lint_init(struct gm_lint *l);
void gm_lint_release(struct gm_lint *l);

/* Lints files and directories (directories recursively; vendor/, testdata/ and directories
 * starting with '.' or '_' skipped unless o->vendor). A path that cannot be read is a warning,
 * not an error. Findings sorted by file, line, id. GM_ENOMEM, GM_EUNSUPP (grammar refused),
 * GM_EIO when no path exists. */
int gm_lint_paths(struct gm_lint *l, const char *const *paths, size_t n,
                  const struct gm_lint_opts *o, struct gm_diag *diag);

/* Lints one package given as in-memory files (tests, fuzzing): names[i], srcs[i], lens[i];
 * pkgpath as gm_go_funcname takes it, go_minor of its go.mod (0: unknown). */
int gm_lint_buffers(struct gm_lint *l, const char *pkgpath, unsigned go_minor,
                    const char *const *names, const char *const *srcs, const size_t *lens,
                    size_t n);

/* Dump to source: for each finding with a catalogue kind whose user frame's file resolves
 * (gm_source_path), lints the package directory of that file (once per directory) and fills
 * f->source.line/rule/file when a static finding has the same id in the same function: by
 * name (the user frame or the culprit, or a closure of either: a worker's skipped Done for the
 * waiter in Wait), or by position when the runtime names the frame otherwise (a closure the
 * compiler inlined: Go 1.26 prints "main.main.mk.func1" for "main.mk.func1"; Go 1.19
 * "main.main.func1") and the frame's line lies in the static finding's closure. The file is
 * named in the dump's terms (its directory, the static file's name). Returns the number
 * confirmed, or GM_ENOMEM. */
int gm_lint_confirm(struct gm_findings *fd, const struct gm_stacks *stacks, struct gm_source *src);
/* The same for the leak rows of gomedic diff (and the watch daemon's diff): res->notes gets
 * one note per leak row (row->note points at it) with the statement (gm_source_statement) and
 * the confirmation. */
int gm_lint_confirm_leak(struct gm_leak_result *res, const struct gm_gdump_set *set,
                         struct gm_source *src);

/* Source to dump: for each static finding, the goroutines of dump that are stuck in its
 * function now (user frame or culprit; same id or not) into x->stuck; the findings are
 * then sorted by it (most first), then by severity. */
void gm_lint_rank(struct gm_lint *l, const struct gm_findings *fd, const struct gm_stacks *stacks);

#endif
