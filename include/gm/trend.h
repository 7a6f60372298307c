/*
 * gm/trend.h - is a live quantity leaking? (analysis layer, used by `gomedic watch`)
 *
 * A threshold on one sample ("goroutines > 1000", what holmes and autopprof do) fires on every
 * burst of short-lived work and misses a slow leak under the line. A leak shows in the floor:
 * the lowest value of each stretch of time. Short-lived goroutines finish and a saw-toothing
 * heap is collected back down, so their floors stay level however high the peaks go; leaked
 * goroutines and retained memory never come back, so every stretch's floor is above the one
 * before. gm_floor_rise() splits the last window of a series into parts, takes the minimum of
 * each (a part without points takes the value the series held: its last point before), and
 * calls the series rising when the floors never fall, rise in most steps, and the last floor is
 * above the first by the required amount.
 */
#ifndef GM_TREND_H
#define GM_TREND_H

#include <stdint.h>

#include "gm/series.h"

#define GM_FLOOR_PARTS_MAX 16

struct gm_floor_opts {
    int64_t window_ms; /* the stretch judged, ending at now */
    uint32_t parts;    /* sub-windows (2..GM_FLOOR_PARTS_MAX) */
    double min_rise;   /* last floor - first floor must reach this ... */
    double min_frac;   /* ... and this fraction of the first floor (0: none) */
};

struct gm_floor {
    int rising;                        /* the verdict */
    int full;                          /* the series covers the window */
    double floors[GM_FLOOR_PARTS_MAX]; /* minimum of each part, oldest first */
    uint32_t parts;
    double first, last; /* floors[0], floors[parts - 1] */
    double per_min;     /* (last - first) per minute between the first and last parts */
};

/* Judges the points of s in (now_ms - window_ms, now_ms]. Never allocates. */
void gm_floor_rise(const struct gm_series *s, int64_t now_ms, const struct gm_floor_opts *o,
                   struct gm_floor *out);

#endif
