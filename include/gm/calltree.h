/*
 * gm/calltree.h - the call tree model: weighted stacks merged by equal prefixes (struct
 * gm_flame, the flame graph's tree; lib/model/calltree.c). Built from any source of stacks:
 * profile samples, goroutine buckets (goroutines per stack), or folded text. Frames are
 * interned strings (ids in a gm_strtab owned by the caller), given root first; memory is
 * O(distinct frames on paths), not O(samples).
 *
 * Children are found through one open-addressing table keyed by (parent, name_id), so adding
 * a stack costs O(depth) whatever the fan-out. Values are non-negative and saturate at
 * INT64_MAX instead of overflowing. Not thread-safe.
 */
#ifndef GM_CALLTREE_H
#define GM_CALLTREE_H

#include "gm/base.h"
#include "gm/hashtab.h"
#include "gm/strtab.h"

struct gm_flame_node {
    uint32_t name_id;     /* interned frame name */
    uint32_t parent;      /* node index, UINT32_MAX for the root */
    uint32_t first_child; /* node index or UINT32_MAX */
    uint32_t next;        /* next sibling or UINT32_MAX */
    int64_t value;        /* total (self + children) */
    int64_t self;         /* value of stacks ending here */
};

/* The base profile's totals of a node (differential graphs only). */
struct gm_flame_base {
    int64_t value, self;
};

struct gm_flame {
    const struct gm_strtab *names; /* borrowed */
    struct gm_flame_node *nodes;   /* [0] is the root ("all") */
    uint32_t nr, alloc;
    struct gm_flame_base *base; /* NULL until a base stack is added; else one per node */
    int has_base;               /* a base was added: render as differential */
    char title[128];
    char unit[32];           /* "samples", "bytes", "goroutines", "nanoseconds" ... */
    struct gm_htab children; /* hash of (parent, name_id) -> node; released once sealed */
    uint32_t max_nodes;      /* cap on nr (GM_ETOOBIG); GM_FLAME_MAX_NODES after init */
    int icicle;              /* SVG/HTML: 1 = root at the top, 0 = flame (root at the bottom) */
};

#define GM_FLAME_MAX_NODES (UINT32_C(1) << 31)

/* Starts an empty tree (just the root "all"). title and unit are copied (truncated to fit);
 * NULL gives "Flame Graph" and "samples". Errors: GM_ENOMEM. */
int gm_flame_init(struct gm_flame *f, const struct gm_strtab *names, const char *title,
                  const char *unit);
/* Frees the nodes and the index; f can be initialised again. */
void gm_flame_release(struct gm_flame *f);

/* Adds one stack (frames root first) with its value; base != 0 adds to the base totals
 * instead (differential graph). nr == 0 adds to the root's self value. A failed call adds no
 * value (nodes it created stay, with zero values). Errors: GM_EINVAL (value < 0, or frames
 * NULL with nr > 0), GM_ENOMEM, GM_ETOOBIG (over max_nodes nodes, by default 2^31). */
int gm_flame_add(struct gm_flame *f, const uint32_t *frames_root_first, uint32_t nr, int64_t value,
                 int is_base);
/* Ends the adding: frees the child index (4 bytes per node and slack), which rendering does
 * not need. gm_flame_add() afterwards is GM_EINVAL. */
void gm_flame_seal(struct gm_flame *f);

struct gm_profile;
struct gm_gdump_set;
/* Adds every sample of a profile with a positive value of sample type index (frames interned
 * into names; a root-first stack per sample) to f, as the base when is_base. 0 or an error. */
int gm_flame_add_profile(struct gm_flame *f, struct gm_strtab *names, const struct gm_profile *p,
                         uint32_t index, int is_base);
/* Adds every goroutine of the last dump of set, weighted by its count. 0 or an error. */
int gm_flame_add_dump(struct gm_flame *f, struct gm_strtab *names, const struct gm_gdump_set *set,
                      int is_base);

#endif
