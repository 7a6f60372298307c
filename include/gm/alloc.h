/*
 * gm/alloc.h - the counted allocator. Every allocation of the library goes through these
 * calls (free() stays free()), so one switch fails any of them on purpose:
 *
 *   GM_FAIL_ALLOC_AT=N        the N-th allocation of the process returns NULL (debug builds)
 *   GM_FAIL_ALLOC_LOG=FILE    the site ("lib/parse/gdump.c:280") of that failed allocation is
 *                             appended to FILE, so tests/torture.sh can tell which allocation
 *                             sites its sweep reached
 *
 * The counter is atomic: allocations of several threads (the heap series loader) are counted
 * and failed like the others. Callers handle NULL as GM_ENOMEM. An allocation made by another
 * library on the library's behalf (libdeflate, regcomp) asks gm_fail_alloc_now() first.
 */
#ifndef GM_ALLOC_H
#define GM_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define GM_SITE_STR2(x) #x
#define GM_SITE_STR(x)  GM_SITE_STR2(x)
#define GM_SITE         __FILE__ ":" GM_SITE_STR(__LINE__)

void *gm_xmalloc_at(size_t n, const char *site);
void *gm_xcalloc_at(size_t nr, size_t size, const char *site);
void *gm_xrealloc_at(void *p, size_t n, const char *site);
char *gm_xstrdup_at(const char *s, const char *site);
/* 1 when the allocation counted now is to fail (the caller then fails it); else 0. */
int gm_fail_alloc_now_at(const char *site);

/* The one growable array: makes room for need elements in the array whose address is arrp
 * (a T **) and whose capacity is *cap, doubling it (from min the first time) until it fits,
 * through the counted allocator. 0; GM_ENOMEM, or GM_ETOOBIG past 2^32 elements, with the
 * array and *cap unchanged. GM_GROW grows a full array (nr == cap) by one step; GM_RESERVE
 * makes room for need. */
int gm_grow_at(void *arrp, uint32_t *cap, uint64_t need, size_t elem, uint32_t min,
               const char *site);
#define GM_GROW(arr, cap, min)                                                                     \
    gm_grow_at(&(arr), &(cap), (uint64_t)(cap) + 1, sizeof(*(arr)), (min), GM_SITE)
#define GM_RESERVE(arr, cap, need) gm_grow_at(&(arr), &(cap), (need), sizeof(*(arr)), 64, GM_SITE)

#define gm_xmalloc(n)        gm_xmalloc_at((n), GM_SITE)
#define gm_xcalloc(nr, size) gm_xcalloc_at((nr), (size), GM_SITE)
#define gm_xrealloc(p, n)    gm_xrealloc_at((p), (n), GM_SITE)
#define gm_xstrdup(s)        gm_xstrdup_at((s), GM_SITE)
#define gm_fail_alloc_now()  gm_fail_alloc_now_at(GM_SITE)

#endif
