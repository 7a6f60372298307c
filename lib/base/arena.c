/*
 * Arena: chunk list with an inline bump path. Large requests get their own chunk so a single
 * huge allocation does not waste the rest of the current one.
 */
#include "gm/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct gm_arena_chunk {
    struct gm_arena_chunk *next;
    size_t size;
    /* payload follows, 16-byte aligned */
};

#define CHUNK_HDR ((sizeof(struct gm_arena_chunk) + 15u) & ~(size_t)15u)
#define MIN_CHUNK ((size_t)64 * 1024)
#define MAX_CHUNK ((size_t)16 * 1024 * 1024)

static long fail_at = -1;
static long alloc_nr;

int gm_fail_alloc_now(void)
{
#ifndef NDEBUG
    if (fail_at < 0) {
        const char *s = getenv("GM_FAIL_ALLOC_AT");
        fail_at = 0;
        if (s) {
            fail_at = strtol(s, NULL, 10);
        }
    }
    if (fail_at > 0 && ++alloc_nr == fail_at) {
        return 1;
    }
#else
    (void)fail_at;
    (void)alloc_nr;
#endif
    return 0;
}

void *gm_xrealloc(void *p, size_t n)
{
    if (gm_fail_alloc_now()) {
        return NULL;
    }
    return realloc(p, n);
}

void gm_arena_init(struct gm_arena *a)
{
    memset(a, 0, sizeof(*a));
}

void gm_arena_release(struct gm_arena *a)
{
    struct gm_arena_chunk *c = a->head;
    while (c) {
        struct gm_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    gm_arena_init(a);
}

static void *arena_slow(struct gm_arena *a, size_t n)
{
    size_t want = a->head ? a->head->size * 2 : MIN_CHUNK;
    if (want > MAX_CHUNK) {
        want = MAX_CHUNK;
    }
    if (want < n + CHUNK_HDR) {
        want = n + CHUNK_HDR;
    }
    if (gm_fail_alloc_now()) {
        return NULL;
    }
    struct gm_arena_chunk *c = malloc(want);
    if (!c) {
        return NULL;
    }
    c->size = want;
    a->reserved += want;
    char *payload = (char *)c + CHUNK_HDR;
    if (n + CHUNK_HDR > want / 2 && a->head) {
        /* big one-off: keep bumping in the current chunk */
        c->next = a->head->next;
        a->head->next = c;
        a->used += n;
        return payload;
    }
    c->next = a->head;
    a->head = c;
    a->cur = payload + n;
    a->end = (char *)c + want;
    a->used += n;
    return payload;
}

void *gm_arena_alloc(struct gm_arena *a, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0) {
        n = 16;
    }
    if ((size_t)(a->end - a->cur) >= n && a->cur) {
        void *p = a->cur;
        a->cur += n;
        a->used += n;
        return p;
    }
    return arena_slow(a, n);
}

void *gm_arena_zalloc(struct gm_arena *a, size_t n)
{
    void *p = gm_arena_alloc(a, n);
    if (p) {
        memset(p, 0, n);
    }
    return p;
}

char *gm_arena_strndup(struct gm_arena *a, const char *s, size_t n)
{
    char *p = gm_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}
