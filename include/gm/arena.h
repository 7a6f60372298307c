/*
 * gm/arena.h - bump allocator that owns everything one artifact's model points to.
 *
 * Memory is taken from the system in chunks that grow geometrically; allocation is a pointer
 * bump aligned to 16 bytes. Nothing is freed individually: gm_arena_release() frees all of it.
 * gm_arena_alloc_count() tracks the bytes handed out so callers can report peak usage.
 * Debug builds honour GM_FAIL_ALLOC_AT=N (the N-th allocation fails) for torture tests.
 * Not thread-safe.
 */
#ifndef GM_ARENA_H
#define GM_ARENA_H

#include <stddef.h>

struct gm_arena_chunk;

struct gm_arena {
    struct gm_arena_chunk *head; /* newest chunk */
    char *cur;                   /* bump pointer into head */
    char *end;                   /* end of head */
    size_t used;                 /* bytes handed out */
    size_t reserved;             /* bytes taken from the system */
};

void gm_arena_init(struct gm_arena *a);
/* Frees every chunk; the arena can be used again afterwards. */
void gm_arena_release(struct gm_arena *a);
/* Returns 16-byte aligned memory of n bytes, or NULL when out of memory. Not zeroed. */
void *gm_arena_alloc(struct gm_arena *a, size_t n);
/* As gm_arena_alloc, zero-filled. */
void *gm_arena_zalloc(struct gm_arena *a, size_t n);
/* Copies n bytes into the arena and appends a NUL; NULL when out of memory. */
char *gm_arena_strndup(struct gm_arena *a, const char *s, size_t n);

/* Counts allocations so GM_FAIL_ALLOC_AT can inject a failure; also used by gm_xrealloc. */
int gm_fail_alloc_now(void);
/* realloc() that honours GM_FAIL_ALLOC_AT; for growable arrays outside arenas. */
void *gm_xrealloc(void *p, size_t n);

#endif
