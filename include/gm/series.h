/*
 * gm/series.h - a time series of one quantity (model layer): a bounded ring of (time, value)
 * points, the oldest dropped first, allocated once. The watch daemon keeps one per target and
 * quantity (goroutines, goroutines per stack, heap in use); analyses (gm/trend.h) read it
 * oldest first. Times are milliseconds on any clock that only moves forward.
 */
#ifndef GM_SERIES_H
#define GM_SERIES_H

#include <stdint.h>

struct gm_series {
    int64_t *t;    /* times, ms */
    double *v;     /* values */
    uint32_t cap;  /* points kept */
    uint32_t nr;   /* points held (<= cap) */
    uint32_t head; /* ring index of the oldest point */
};

/* An empty series keeping the last cap (>= 1) points. 0 or GM_ENOMEM. */
int gm_series_init(struct gm_series *s, uint32_t cap);
void gm_series_release(struct gm_series *s);
/* Appends a point; when full, the oldest is dropped. A time earlier than the last point's is
 * taken as the last point's (the clock never runs backwards here). Never allocates. */
void gm_series_push(struct gm_series *s, int64_t t_ms, double v);
void gm_series_clear(struct gm_series *s);
/* Adds dv to the newest point (nr >= 1). */
static inline void gm_series_add_last(struct gm_series *s, double dv)
{
    uint32_t k = s->head + s->nr - 1;
    s->v[k >= s->cap ? k - s->cap : k] += dv;
}

/* Point i, oldest first (i < nr). */
static inline int64_t gm_series_t(const struct gm_series *s, uint32_t i)
{
    uint32_t k = s->head + i;
    return s->t[k >= s->cap ? k - s->cap : k];
}

static inline double gm_series_v(const struct gm_series *s, uint32_t i)
{
    uint32_t k = s->head + i;
    return s->v[k >= s->cap ? k - s->cap : k];
}

#endif
