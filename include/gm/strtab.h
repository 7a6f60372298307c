/*
 * gm/strtab.h - string interning: one growable blob plus an open-addressing hash table.
 *
 * An interned string's id is its byte offset in the blob (id 0 is the empty string), so ids
 * are stable, dense enough to index side tables, and cost 4 bytes. Each entry is stored as a
 * 4-byte length, the bytes and a NUL, so gm_strtab_cstr() can hand out C strings.
 * The blob is capped at max_bytes (GM_ETOOBIG). Pointers returned by gm_strtab_get() stay
 * valid only until the next gm_strtab_intern() (the blob may move); ids stay valid forever.
 * Not thread-safe.
 */
#ifndef GM_STRTAB_H
#define GM_STRTAB_H

#include "gm/base.h"
#include "gm/hashtab.h"

struct gm_strtab {
    char *blob;           /* entries: u32 len, bytes, NUL */
    size_t len, alloc;    /* used and allocated bytes of blob */
    struct gm_htab index; /* low 32 bits of the hash -> id (the entry's offset in blob) */
    uint64_t max_bytes;   /* cap on len */
};

int gm_strtab_init(struct gm_strtab *st, uint64_t max_bytes);
void gm_strtab_release(struct gm_strtab *st);
/* Interns (p, len) and stores its id in *id. Errors: GM_ENOMEM, GM_ETOOBIG. */
int gm_strtab_intern(struct gm_strtab *st, const char *p, size_t len, uint32_t *id);
/* Interns with a precomputed 64-bit hash from gm_hash(). */
int gm_strtab_intern_h(struct gm_strtab *st, const char *p, size_t len, uint64_t h, uint32_t *id);
struct gm_str gm_strtab_get(const struct gm_strtab *st, uint32_t id);
const char *gm_strtab_cstr(const struct gm_strtab *st, uint32_t id);

/* The library's one hash function (XXH3, 64 bits). */
uint64_t gm_hash(const void *p, size_t len);
uint64_t gm_hash_seed(const void *p, size_t len, uint64_t seed);

#endif
