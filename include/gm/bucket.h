/*
 * gm/bucket.h - grouping goroutines with identical stacks (panicparse-style buckets).
 *
 * A bucket key is (stack_id, state_id, labels_id, locked) plus, unless the grouping ignores
 * arguments, the goroutine's argument hash computed at parse time with the set's similarity
 * (exact / pointer / aggressive). Keys are integers, so grouping is a hash-table pass:
 * O(goroutines), never the pairwise comparison panicparse does.
 * Buckets come out sorted: most goroutines first, ties by first appearance in the dump.
 *
 * Memory: a bucket costs 8 bytes while counting; only the buckets asked for (the largest
 * `max`) get a struct gm_bucket. A dump of a million goroutines with a million distinct
 * argument sets costs 16 MB of table, not a million records.
 */
#ifndef GM_BUCKET_H
#define GM_BUCKET_H

#include "gm/gdump.h"

#define GM_BUCKET_IDS 8

struct gm_bucket {
    uint32_t stack_id;
    uint32_t state_id;
    uint32_t labels_id;
    uint32_t first_g;     /* index (in the set) of its first goroutine */
    uint64_t args_hash;   /* 0 when arguments are ignored */
    uint64_t count;       /* goroutines (sum of weights) */
    uint32_t records;     /* goroutine records */
    uint32_t min_minutes; /* age range from ", N minutes" */
    uint32_t max_minutes;
    uint32_t flags;     /* OR of the goroutines' enum gm_goroutine_flags */
    uint32_t key_flags; /* flags that are part of the key: leaked (+ locked unless arguments
                           are ignored) */
    uint32_t ids_nr;    /* goroutine ids kept (at most GM_BUCKET_IDS) */
    uint64_t ids[GM_BUCKET_IDS];
    uint32_t objects; /* distinct wait objects; counted only with GM_BUCKET_IGNORE_ARGS */
    uint64_t object;  /* the wait object when there is exactly one, else 0 */
};

struct gm_buckets {
    struct gm_bucket *v; /* the buckets kept, largest first */
    uint32_t nr;         /* buckets in v */
    uint32_t total;      /* buckets in the dump (that the filter kept), >= nr */
    uint64_t rest;       /* goroutines in the buckets not in v */
};

enum gm_bucket_flags {
    GM_BUCKET_IGNORE_ARGS = 1u << 0, /* key on stack and state only (the analysis grouping) */
    GM_BUCKET_KEEP_LABELS = 1u << 1, /* with IGNORE_ARGS: pprof labels and being locked to a
                                        thread still part of the key (the listing's grouping) */
};

struct gm_bucket_opts {
    unsigned flags; /* enum gm_bucket_flags */
    uint32_t max;   /* keep the max largest buckets in out->v; 0 keeps them all */
    /* When set, a bucket is counted only if keep() returns nonzero; called once per bucket. */
    int (*keep)(void *ctx, uint32_t stack_id, uint32_t state_id);
    void *keep_ctx;
};

/* Groups the goroutines of set->dumps[dump] as o asks. Caller releases out with
 * gm_buckets_release(). Errors: GM_ENOMEM. */
int gm_bucket_select(const struct gm_gdump_set *set, uint32_t dump, const struct gm_bucket_opts *o,
                     struct gm_buckets *out);
/* Every bucket: gm_bucket_select() with only flags set. */
int gm_bucket_dump(const struct gm_gdump_set *set, uint32_t dump, unsigned flags,
                   struct gm_buckets *out);
void gm_buckets_release(struct gm_buckets *b);

#endif
