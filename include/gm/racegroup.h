/*
 * gm/racegroup.h - data race reports grouped into one finding per racing pair of locations
 * (analysis layer, lib/analyze/racegroup.c; gomedic race).
 *
 * A racing location is an access's first frame outside the runtime (function and line, not
 * the path, so ids are stable across machines); a race id is a hash of the unordered pair.
 */
#ifndef GM_RACEGROUP_H
#define GM_RACEGROUP_H

#include "gm/race.h"

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
    const char *hint;    /* static text or hint_text, or NULL */
    char hint_text[240]; /* a hint read from the source (gm_race_source_hints) */
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

struct gm_source;
/* Hints only the source says, where the racing functions' files can be read (gm/source.h):
 * a value receiver locking a copy of its mutex (go vet copylocks), and `if x == nil { x = ...
 * }` racing with itself (lazy initialisation: sync.Once). They replace the hints read from the
 * frames. Returns GM_ENOMEM when reading the source ran out of memory, else 0. */
int gm_race_source_hints(struct gm_race_result *r, struct gm_source *src);

/* Marks groups whose id does not appear (as a quoted string) in a previous JSON report, e.g.
 * `gomedic race --json` output kept as a baseline. Returns the number of new groups. */
uint32_t gm_race_baseline(struct gm_race_result *r, const char *json, size_t len);

#endif
