/*
 * gm/idset.h - a set of goroutine ids (model layer): the ids of one dump, so a parser sees a
 * second dump begin when an id repeats. Ids below GM_IDSET_BITS live in a bitmap (dumps list
 * goroutines roughly in id order, so the accesses are sequential and the bitmap is sized by
 * the largest id seen); larger ids go to the hash table (gm/hashtab.h). Clearing touches only
 * the words in use, so one set serves every dump of a file.
 */
#ifndef GM_IDSET_H
#define GM_IDSET_H

#include <stddef.h>
#include <stdint.h>

#include "gm/hashtab.h"

#define GM_IDSET_BITS ((uint64_t)1 << 28)

struct gm_idset {
    uint64_t *bits;     /* ids < GM_IDSET_BITS */
    size_t used, alloc; /* words of bits written since the last clear, and allocated */
    uint64_t *big;      /* larger ids, in insertion order */
    uint32_t big_nr, big_alloc;
    struct gm_htab big_idx; /* gm_hash_u64(id) -> index in big */
};

/* An empty set (allocates nothing). */
void gm_idset_init(struct gm_idset *s);
void gm_idset_release(struct gm_idset *s);
/* Empties the set, keeping its memory. */
void gm_idset_clear(struct gm_idset *s);
int gm_idset_has(const struct gm_idset *s, uint64_t id);
/* Adds id (adding an id already there is harmless). 0 or GM_ENOMEM/GM_ETOOBIG, set unchanged. */
int gm_idset_add(struct gm_idset *s, uint64_t id);

#endif
