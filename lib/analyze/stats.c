/* Least squares and the changepoint (gm/stats.h). */
#include "gm/stats.h"

#include <math.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

double gm_fit_slope(const struct gm_fit *f, double *r2)
{
    double den = f->n * f->sxx - f->sx * f->sx;
    if (f->n < 2 || den <= 0) {
        if (r2) {
            *r2 = 0;
        }
        return 0;
    }
    double b = (f->n * f->sxy - f->sx * f->sy) / den;
    if (r2) {
        double sst = f->syy - f->sy * f->sy / f->n;
        double ssr = b * (f->sxy - f->sx * f->sy / f->n);
        *r2 = sst > 0 ? ssr / sst : 0;
    }
    return b;
}

double gm_linfit(const double *x, const double *y, uint32_t n, double *r2)
{
    struct gm_fit f = {0};
    for (uint32_t i = 0; i < n; i++) {
        gm_fit_add(&f, x[i] - x[0], y[i]);
    }
    return gm_fit_slope(&f, r2);
}

uint32_t gm_changepoint(const double *x, const double *y, uint32_t n, double *scratch)
{
    const uint32_t min_seg = 3;
    if (n < 2 * min_seg + 1) {
        return 0;
    }
    /* suffix sums for the linear part, prefix sums for the flat part */
    double *suf = scratch;
    memset(suf + (size_t)n * 6, 0, 6 * sizeof(double));
    for (uint32_t i = n; i-- > 0;) {
        double xi = x[i] - x[0], yi = y[i];
        double *s = suf + (size_t)i * 6, *t = suf + (size_t)(i + 1) * 6;
        s[0] = t[0] + 1;
        s[1] = t[1] + xi;
        s[2] = t[2] + yi;
        s[3] = t[3] + xi * xi;
        s[4] = t[4] + xi * yi;
        s[5] = t[5] + yi * yi;
    }
    double best = INFINITY;
    uint32_t best_k = 0;
    double py = 0, pyy = 0;
    for (uint32_t k = 0; k < n - min_seg; k++) {
        if (k >= min_seg) {
            double flat = pyy - py * py / k;
            const double *s = suf + (size_t)k * 6;
            double m = s[0], den = m * s[3] - s[1] * s[1];
            double lin = s[5] - s[2] * s[2] / m;
            if (den > 0) {
                double b = (m * s[4] - s[1] * s[2]) / den;
                lin -= b * (s[4] - s[1] * s[2] / m);
            }
            if (flat + lin < best) {
                best = flat + lin;
                best_k = k;
            }
        }
        py += y[k];
        pyy += y[k] * y[k];
    }
    /* a single line over everything */
    const double *s = suf;
    double m = s[0], den = m * s[3] - s[1] * s[1];
    double single = s[5] - s[2] * s[2] / m;
    if (den > 0) {
        double b = (m * s[4] - s[1] * s[2]) / den;
        single -= b * (s[4] - s[1] * s[2] / m);
    }
    /* the split must explain clearly more than one line does, and there must be something
     * to explain: a flat series leaves only rounding noise in both fits */
    double scale_y = 0;
    for (uint32_t i = 0; i < n; i++) {
        scale_y += y[i] * y[i];
    }
    if (single <= 1e-9 * (scale_y + 1)) {
        return 0;
    }
    return best < single * 0.8 ? best_k : 0;
}
