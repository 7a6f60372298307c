/* A set of goroutine ids (gm/idset.h). */
#include "gm/idset.h"
#include "gm/alloc.h"
#include "gm/base.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

void gm_idset_init(struct gm_idset *s)
{
    memset(s, 0, sizeof(*s));
}

void gm_idset_release(struct gm_idset *s)
{
    free(s->bits);
    free(s->big);
    gm_htab_release(&s->big_idx);
    memset(s, 0, sizeof(*s));
}

void gm_idset_clear(struct gm_idset *s)
{
    if (s->used) {
        memset(s->bits, 0, s->used * sizeof(uint64_t));
    }
    s->used = 0;
    gm_htab_clear(&s->big_idx);
    s->big_nr = 0;
}

int gm_idset_has(const struct gm_idset *s, uint64_t id)
{
    if (id < GM_IDSET_BITS) {
        size_t w = (size_t)(id >> 6);
        return w < s->used && (s->bits[w] >> (id & 63)) & 1;
    }
    if (!s->big_nr) {
        return 0;
    }
    uint32_t h = gm_hash_u64(id), pos = gm_htab_probe(&s->big_idx, h), v;
    while ((v = gm_htab_next(&s->big_idx, h, &pos)) != GM_HTAB_END) {
        if (s->big[v] == id) {
            return 1;
        }
    }
    return 0;
}

static int add_big(struct gm_idset *s, uint64_t id)
{
    if (gm_idset_has(s, id)) {
        return 0;
    }
    if (!s->big_idx.slots) {
        GM_TRY(gm_htab_init(&s->big_idx, 32));
    }
    if (s->big_nr == s->big_alloc) {
        GM_TRY(GM_GROW(s->big, s->big_alloc, 32));
    }
    GM_TRY(gm_htab_add(&s->big_idx, gm_hash_u64(id), s->big_nr));
    s->big[s->big_nr++] = id;
    return 0;
}

int gm_idset_add(struct gm_idset *s, uint64_t id)
{
    if (id >= GM_IDSET_BITS) {
        return add_big(s, id);
    }
    size_t w = (size_t)(id >> 6);
    if (w >= s->alloc) {
        size_t na = s->alloc ? s->alloc : 1024;
        while (na <= w) {
            na *= 2;
        }
        uint64_t *nb = gm_xrealloc(s->bits, na * sizeof(uint64_t));
        if (!nb) {
            return GM_ENOMEM;
        }
        memset(nb + s->alloc, 0, (na - s->alloc) * sizeof(uint64_t));
        s->bits = nb;
        s->alloc = na;
    }
    s->bits[w] |= (uint64_t)1 << (id & 63);
    if (w >= s->used) {
        s->used = w + 1;
    }
    return 0;
}
