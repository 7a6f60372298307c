/*
 * gm/racelog.h - a data race report of the Go race detector (model layer): the two accesses
 * (kind, address, goroutine, stack and creation stack, as stack ids of a gm_stacks) and the
 * test it happened in. Filled by the race log reader (gm/race.h), read by the grouping
 * (gm/racegroup.h); header only.
 */
#ifndef GM_RACELOG_H
#define GM_RACELOG_H

#include <stdint.h>

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

#endif
