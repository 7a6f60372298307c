/*
 * heaptext.h - private to lib/parse: what the legacy heap text reader (heaptext.c) and its
 * memory-map reader (heapmap.c) share.
 */
#ifndef GM_PARSE_HEAPTEXT_H
#define GM_PARSE_HEAPTEXT_H

#include "gm/alloc.h"
#include "gm/profile.h"

#define NONE UINT32_MAX

static inline int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Hex digits (no prefix) into *out: 1 when there are none, -1 past 64 bits. */
static inline int hex_digits(const char **s, const char *e, uint64_t *out)
{
    const char *p = *s;
    uint64_t v = 0;
    for (; p < e && gm_hexval(*p) >= 0; p++) {
        if (v >> 60) {
            return -1;
        }
        v = (v << 4) | (uint64_t)gm_hexval(*p);
    }
    if (p == *s) {
        return 1;
    }
    *out = v;
    *s = p;
    return 0;
}

static inline int intern(struct gm_profile *p, const char *s, size_t n, uint32_t *id)
{
    return gm_strtab_intern(&p->strs, s, n, id);
}

/* The "--- Memory map: ---" / "MAPPED_LIBRARIES:" section from s to e: the profile's
 * mappings, as pprof builds them, and the mapping of every location. */
int gm_heaptext_mappings(struct gm_profile *prof, const char *s, const char *e);

#endif
