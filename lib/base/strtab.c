/*
 * String interning. Lookups compare a 32-bit hash tag before touching the blob, so a probe
 * costs one cache miss in the common case; the table is kept at most half full.
 */
#include "gm/strtab.h"
#include "gm/alloc.h"

#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

uint64_t gm_hash(const void *p, size_t len)
{
    return XXH3_64bits(p, len);
}

uint64_t gm_hash_seed(const void *p, size_t len, uint64_t seed)
{
    return XXH3_64bits_withSeed(p, len, seed);
}

static int blob_append(struct gm_strtab *st, const char *p, size_t len, uint32_t *off)
{
    size_t need = st->len + 4 + len + 1;
    if (need > st->max_bytes || need > UINT32_MAX) {
        return GM_ETOOBIG;
    }
    if (need > st->alloc) {
        size_t n = st->alloc ? st->alloc * 2 : 4096;
        while (n < need) {
            n *= 2;
        }
        char *b = gm_xrealloc(st->blob, n);
        if (!b) {
            return GM_ENOMEM;
        }
        st->blob = b;
        st->alloc = n;
    }
    uint32_t l32 = (uint32_t)len;
    memcpy(st->blob + st->len, &l32, 4);
    if (len) {
        memcpy(st->blob + st->len + 4, p, len);
    }
    st->blob[st->len + 4 + len] = '\0';
    *off = (uint32_t)st->len;
    st->len = need;
    return 0;
}

static int grow(struct gm_strtab *st)
{
    uint32_t nslots = (st->mask + 1) * 2;
    uint32_t *slots = gm_xcalloc(nslots, sizeof(*slots));
    uint32_t *hashes = gm_xcalloc(nslots, sizeof(*hashes));
    if (!slots || !hashes) {
        free(slots);
        free(hashes);
        return GM_ENOMEM;
    }
    uint32_t mask = nslots - 1;
    for (uint32_t i = 0; i <= st->mask; i++) {
        if (!st->slots[i]) {
            continue;
        }
        uint32_t j = st->hashes[i] & mask;
        while (slots[j]) {
            j = (j + 1) & mask;
        }
        slots[j] = st->slots[i];
        hashes[j] = st->hashes[i];
    }
    free(st->slots);
    free(st->hashes);
    st->slots = slots;
    st->hashes = hashes;
    st->mask = mask;
    return 0;
}

int gm_strtab_init(struct gm_strtab *st, uint64_t max_bytes)
{
    memset(st, 0, sizeof(*st));
    st->max_bytes = max_bytes ? max_bytes : UINT32_MAX;
    st->mask = 1023;
    st->slots = gm_xcalloc(st->mask + 1, sizeof(*st->slots));
    st->hashes = gm_xcalloc(st->mask + 1, sizeof(*st->hashes));
    uint32_t id;
    if (!st->slots || !st->hashes || blob_append(st, "", 0, &id) < 0) {
        gm_strtab_release(st);
        return GM_ENOMEM;
    }
    return 0;
}

void gm_strtab_release(struct gm_strtab *st)
{
    free(st->blob);
    free(st->slots);
    free(st->hashes);
    memset(st, 0, sizeof(*st));
}

int gm_strtab_intern_h(struct gm_strtab *st, const char *p, size_t len, uint64_t h, uint32_t *id)
{
    if (len == 0) {
        *id = 0;
        return 0;
    }
    uint32_t tag = (uint32_t)h;
    uint32_t i = tag & st->mask;
    for (;;) {
        uint32_t s = st->slots[i];
        if (!s) {
            break;
        }
        if (st->hashes[i] == tag) {
            const char *e = st->blob + (s - 1);
            uint32_t elen;
            memcpy(&elen, e, 4);
            if (elen == len && memcmp(e + 4, p, len) == 0) {
                *id = s - 1;
                return 0;
            }
        }
        i = (i + 1) & st->mask;
    }
    uint32_t off;
    GM_TRY(blob_append(st, p, len, &off));
    st->slots[i] = off + 1;
    st->hashes[i] = tag;
    st->nr++;
    *id = off;
    if (st->nr * 2 > st->mask) {
        GM_TRY(grow(st));
    }
    return 0;
}

int gm_strtab_intern(struct gm_strtab *st, const char *p, size_t len, uint32_t *id)
{
    return gm_strtab_intern_h(st, p, len, gm_hash(p, len), id);
}

struct gm_str gm_strtab_get(const struct gm_strtab *st, uint32_t id)
{
    uint32_t len;
    memcpy(&len, st->blob + id, 4);
    return (struct gm_str){st->blob + id + 4, len};
}

const char *gm_strtab_cstr(const struct gm_strtab *st, uint32_t id)
{
    return st->blob + id + 4;
}
