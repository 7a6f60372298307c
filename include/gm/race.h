/*
 * gm/race.h - Go race detector output (FORMATS.md §4), streamed report by report, and the
 * grouping of reports into one finding per racing pair of locations (gomedic race).
 *
 * Reads "WARNING: DATA RACE" blocks wherever they sit in a log (go test -v output, service
 * logs, CRLF, indentation lost when pasted): the current access ("Read at"/"Write at"/
 * "Atomic ..."), the previous one, both goroutines (or "main goroutine") and their creation
 * stacks, "[failed to restore the stack]", and the test context ("=== RUN", "=== CONT",
 * "--- FAIL:", "testing.go:N: race detected during execution of test"). Frames are interned
 * into a gm_stacks, so a 100 MB log of repeated races costs a few stacks.
 *
 * A racing location is an access's first frame outside the runtime (function and line, not
 * the path, so ids are stable across machines); a race id is a hash of the unordered pair.
 */
#ifndef GM_RACE_H
#define GM_RACE_H

#include "gm/base.h"
#include "gm/stack.h"

enum gm_race_kind {
    GM_RACE_READ = 0,
    GM_RACE_WRITE = 1,
};

struct gm_race_access {
    enum gm_race_kind kind;
    int atomic;         /* "Atomic read/write at" */
    uint64_t addr;      /* the racing address */
    uint64_t goroutine; /* goroutine id, 0 for the main goroutine */
    int main;           /* "by main goroutine" */
    uint32_t stack_id;  /* access stack (GM_NO_FRAME created_by) */
    uint32_t creator;   /* stack_id of "Goroutine N (...) created at", or UINT32_MAX */
    int finished;       /* the goroutine had finished */
    int no_stack;       /* "[failed to restore the stack]" */
};

struct gm_race_report {
    uint64_t line;                /* line of "WARNING: DATA RACE" */
    struct gm_race_access acc[2]; /* [0] current access, [1] previous access */
    uint32_t test_id;             /* interned test name, 0 if unknown yet */
    int complete;                 /* closed by the "==================" line */
};

struct gm_race_visitor {
    void *ctx;
    /* Called for every report; test_id may still be 0 when the test is named later. */
    int (*report)(void *ctx, const struct gm_race_report *r);
    /* "--- FAIL: TestX" after reports that had no "=== RUN" context (non -v output): the
     * reports since the previous test line belong to it. */
    int (*failed_test)(void *ctx, uint32_t test_id, uint64_t line);
};

struct gm_race_stats {
    uint64_t lines;
    uint64_t reports;       /* WARNING: DATA RACE blocks */
    uint64_t found_total;   /* sum of "Found N data race(s)" */
    uint64_t skipped_lines; /* lines outside reports */
    int truncated;          /* the log ends inside a report */
};

/* Parses (p, len) into stacks (frames interned) calling v. Returns 0, the visitor's negative
 * code, GM_ENOMEM/GM_ETOOBIG from interning. Never fails on content. */
int gm_race_parse(const char *p, size_t len, struct gm_stacks *stacks,
                  const struct gm_race_visitor *v, struct gm_race_stats *stats);

/* ---------------------------------------------------------------- grouping */

struct gm_race_group {
    uint64_t hash;               /* id: hash of the unordered pair of locations */
    char id[17];                 /* hex of hash */
    uint32_t loc[2];             /* frame ids of the two racing locations (sorted) */
    uint32_t user[2];            /* frame ids of the first user frames of the two accesses */
    struct gm_race_report first; /* the first report, for the stacks */
    uint64_t count;              /* reports */
    uint32_t tests[8];           /* interned test names */
    uint32_t tests_nr;
    uint32_t acc_loc[2]; /* locations of the first report's accesses, in its order */
    const char *hint;    /* static text, or NULL */
    int hint_prio;       /* how specific the hint is (lower = more) */
    int global;          /* the address is not on the Go heap (a package variable) */
    int is_new;          /* not in the baseline */
};

struct gm_race_result {
    struct gm_stacks stacks;
    struct gm_race_stats stats;
    struct gm_race_group *groups; /* sorted by count, then id */
    uint32_t groups_nr, groups_alloc;
    uint32_t *pending; /* groups of reports without a test yet */
    uint32_t pending_nr, pending_alloc;
};

/* Parses and groups. Errors: GM_ENOMEM, GM_ETOOBIG. Release with gm_race_result_release. */
int gm_race_analyze(const char *p, size_t len, const struct gm_limits *lim,
                    struct gm_race_result *out);
void gm_race_result_release(struct gm_race_result *r);

/* Marks groups whose id does not appear (as a quoted string) in a previous JSON report, e.g.
 * `gomedic race --json` output kept as a baseline. Returns the number of new groups. */
uint32_t gm_race_baseline(struct gm_race_result *r, const char *json, size_t len);

#endif
