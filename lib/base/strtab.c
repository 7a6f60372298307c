/*
 * String interning: the bytes in one blob, an index of their offsets in the library's hash
 * table (gm/hashtab.h), which compares a 32-bit hash tag before touching the blob.
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

int gm_strtab_init(struct gm_strtab *st, uint64_t max_bytes)
{
    memset(st, 0, sizeof(*st));
    st->max_bytes = max_bytes ? max_bytes : UINT32_MAX;
    uint32_t id;
    if (gm_htab_init(&st->index, 64) < 0 || blob_append(st, "", 0, &id) < 0) {
        gm_strtab_release(st);
        return GM_ENOMEM;
    }
    return 0;
}

void gm_strtab_release(struct gm_strtab *st)
{
    free(st->blob);
    gm_htab_release(&st->index);
    memset(st, 0, sizeof(*st));
}

int gm_strtab_intern_h(struct gm_strtab *st, const char *p, size_t len, uint64_t h, uint32_t *id)
{
    if (len == 0) {
        *id = 0;
        return 0;
    }
    uint32_t tag = (uint32_t)h, pos = gm_htab_probe(&st->index, tag), off;
    while ((off = gm_htab_next(&st->index, tag, &pos)) != GM_HTAB_END) {
        const char *e = st->blob + off;
        uint32_t elen;
        memcpy(&elen, e, 4);
        if (elen == len && memcmp(e + 4, p, len) == 0) {
            *id = off;
            return 0;
        }
    }
    size_t used = st->len;
    GM_TRY(blob_append(st, p, len, &off));
    int rc = gm_htab_add(&st->index, tag, off);
    if (rc < 0) {
        st->len = used; /* not interned after all */
        return rc;
    }
    *id = off;
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
