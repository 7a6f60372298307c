/* The counted allocator (gm/alloc.h). */
#include "gm/alloc.h"
#include "gm/base.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#ifndef NDEBUG
static atomic_long fail_at = -1; /* -1: not read yet; 0: off */
static atomic_long alloc_nr;

static long fail_point(void)
{
    long f = atomic_load_explicit(&fail_at, memory_order_relaxed);
    if (f < 0) {
        const char *s = getenv("GM_FAIL_ALLOC_AT");
        f = s ? strtol(s, NULL, 10) : 0;
        atomic_store_explicit(&fail_at, f > 0 ? f : 0, memory_order_relaxed);
    }
    return f;
}
#endif

int gm_fail_alloc_now_at(const char *site)
{
#ifndef NDEBUG
    long f = fail_point();
    if (f > 0 && atomic_fetch_add_explicit(&alloc_nr, 1, memory_order_relaxed) + 1 == f) {
        const char *log = getenv("GM_FAIL_ALLOC_LOG");
        FILE *fp = log ? fopen(log, "a") : NULL;
        if (fp) {
            fprintf(fp, "%s\n", site);
            fclose(fp);
        }
        return 1;
    }
#else
    (void)site;
#endif
    return 0;
}

void *gm_xmalloc_at(size_t n, const char *site)
{
    return gm_fail_alloc_now_at(site) ? NULL : malloc(n ? n : 1);
}

void *gm_xcalloc_at(size_t nr, size_t size, const char *site)
{
    return gm_fail_alloc_now_at(site) ? NULL : calloc(nr ? nr : 1, size ? size : 1);
}

void *gm_xrealloc_at(void *p, size_t n, const char *site)
{
    return gm_fail_alloc_now_at(site) ? NULL : realloc(p, n ? n : 1);
}

char *gm_xstrdup_at(const char *s, const char *site)
{
    size_t n = strlen(s) + 1;
    char *d = gm_xmalloc_at(n, site);
    return d ? memcpy(d, s, n) : NULL;
}

int gm_grow_at(void *arrp, uint32_t *cap, uint64_t need, size_t elem, uint32_t min,
               const char *site)
{
    if (need <= *cap) {
        return 0;
    }
    uint64_t na = *cap ? *cap : (min ? min : 1);
    while (na < need) {
        na *= 2;
    }
    if (na > UINT32_MAX || na > SIZE_MAX / elem) {
        return GM_ETOOBIG;
    }
    void *old;
    memcpy(&old, arrp, sizeof(old));
    void *nw = gm_xrealloc_at(old, (size_t)na * elem, site);
    if (!nw) {
        return GM_ENOMEM;
    }
    memcpy(arrp, &nw, sizeof(nw));
    *cap = (uint32_t)na;
    return 0;
}
