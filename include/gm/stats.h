/*
 * gm/stats.h - the statistics every analysis shares: least squares (streamed or over two
 * arrays) and the two-segment changepoint (flat, then linear). Used by the GC analysis (live
 * heap trend), the heap series (growth per site) and the snapshot diff (goroutine growth).
 */
#ifndef GM_STATS_H
#define GM_STATS_H

#include <stddef.h>
#include <stdint.h>

/* A least-squares line fitted one point at a time: no arrays needed. */
struct gm_fit {
    double n, sx, sy, sxx, sxy, syy;
};

static inline void gm_fit_add(struct gm_fit *f, double x, double y)
{
    f->n += 1;
    f->sx += x;
    f->sy += y;
    f->sxx += x * x;
    f->sxy += x * y;
    f->syy += y * y;
}

/* The slope b of y = a + b x; stores R^2 when r2 is not NULL. 0 (and R^2 0) when fewer than
 * two distinct x. */
double gm_fit_slope(const struct gm_fit *f, double *r2);

/* Least-squares line over (x[i], y[i]) (x taken relative to x[0]); returns b, stores R^2. */
double gm_linfit(const double *x, const double *y, uint32_t n, double *r2);

/* Doubles of scratch gm_changepoint needs for n points. */
#define GM_CHANGEPOINT_SCRATCH(n) (6 * ((size_t)(n) + 1))

/* Two-segment fit used for the changepoint: y is flat up to k, linear after. Returns k (the
 * first index of the rising segment), or 0 when a single line fits as well. scratch holds
 * GM_CHANGEPOINT_SCRATCH(n) doubles, allocated by the caller (once for many series), so the
 * fit itself cannot fail. */
uint32_t gm_changepoint(const double *x, const double *y, uint32_t n, double *scratch);

#endif
