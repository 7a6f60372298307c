/* A time series in a bounded ring (gm/series.h). */
#include "gm/series.h"
#include "gm/alloc.h"
#include "gm/base.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

int gm_series_init(struct gm_series *s, uint32_t cap)
{
    memset(s, 0, sizeof(*s));
    if (cap == 0) {
        return GM_EINVAL;
    }
    s->t = gm_xmalloc((size_t)cap * sizeof(*s->t));
    s->v = gm_xmalloc((size_t)cap * sizeof(*s->v));
    if (!s->t || !s->v) {
        gm_series_release(s);
        return GM_ENOMEM;
    }
    s->cap = cap;
    return 0;
}

void gm_series_release(struct gm_series *s)
{
    free(s->t);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

void gm_series_push(struct gm_series *s, int64_t t_ms, double v)
{
    if (s->nr && t_ms < gm_series_t(s, s->nr - 1)) {
        t_ms = gm_series_t(s, s->nr - 1);
    }
    uint32_t k;
    if (s->nr < s->cap) {
        k = s->head + s->nr;
        s->nr++;
    } else {
        k = s->head;
        s->head = s->head + 1 == s->cap ? 0 : s->head + 1;
    }
    if (k >= s->cap) {
        k -= s->cap;
    }
    s->t[k] = t_ms;
    s->v[k] = v;
}

void gm_series_clear(struct gm_series *s)
{
    s->nr = 0;
    s->head = 0;
}
