/*
 * gm/race.h - Go race detector output (FORMATS.md §4), streamed report by report into the
 * records of gm/racelog.h; gm/racegroup.h groups them (gomedic race).
 *
 * Reads "WARNING: DATA RACE" blocks wherever they sit in a log (go test -v output, service
 * logs, CRLF, indentation lost when pasted): the current access ("Read at"/"Write at"/
 * "Atomic ..."), the previous one, both goroutines (or "main goroutine") and their creation
 * stacks, "[failed to restore the stack]", and the test context ("=== RUN", "=== CONT",
 * "--- FAIL:", "testing.go:N: race detected during execution of test"). Frames are interned
 * into a gm_stacks, so a 100 MB log of repeated races costs a few stacks.
 */
#ifndef GM_RACE_H
#define GM_RACE_H

#include "gm/base.h"
#include "gm/racelog.h"
#include "gm/stack.h"

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
    uint64_t reports;         /* WARNING: DATA RACE blocks */
    uint64_t found_total;     /* sum of "Found N data race(s)" */
    uint64_t skipped_lines;   /* lines outside reports */
    int truncated;            /* the log ends inside a report */
    uint64_t unread;          /* "WARNING: DATA RACE" inside a line not undressed to start with it
                                 (a log prefix gm/paste.h does not know): reports not read */
    uint64_t unread_line;     /* the first such line */
    uint64_t unreadable;      /* reports of which no stack could be read (each its own race) */
    uint64_t unreadable_line; /* the first one's line */
};

/* Parses (p, len) into stacks (frames interned) calling v. Returns 0, the visitor's negative
 * code, GM_ENOMEM/GM_ETOOBIG from interning. Never fails on content. */
int gm_race_parse(const char *p, size_t len, struct gm_stacks *stacks,
                  const struct gm_race_visitor *v, struct gm_race_stats *stats);

#endif
