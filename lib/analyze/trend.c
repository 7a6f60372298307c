/* Rising floors: the leak test of live series (gm/trend.h). */
#include "gm/trend.h"

#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

void gm_floor_rise(const struct gm_series *s, int64_t now_ms, const struct gm_floor_opts *o,
                   struct gm_floor *out)
{
    memset(out, 0, sizeof(*out));
    uint32_t parts = o->parts < 2                    ? 2
                     : o->parts > GM_FLOOR_PARTS_MAX ? GM_FLOOR_PARTS_MAX
                                                     : o->parts;
    int64_t start = now_ms - o->window_ms;
    if (o->window_ms <= 0 || s->nr == 0 || gm_series_t(s, 0) > start + o->window_ms / parts) {
        return; /* not a window's worth yet */
    }
    int seen[GM_FLOOR_PARTS_MAX] = {0}, have_prev = 0;
    double lastv[GM_FLOOR_PARTS_MAX] = {0}, prev = 0;
    for (uint32_t i = 0; i < s->nr; i++) {
        int64_t t = gm_series_t(s, i);
        double v = gm_series_v(s, i);
        if (t <= start) {
            prev = v; /* what the series held when the window opened */
            have_prev = 1;
            continue;
        }
        if (t > now_ms) {
            break;
        }
        uint32_t k = (uint32_t)((t - start - 1) * (int64_t)parts / o->window_ms);
        if (!seen[k] || v < out->floors[k]) {
            out->floors[k] = v;
        }
        seen[k] = 1;
        lastv[k] = v;
    }
    out->parts = parts;
    /* the series is a step function: a part also holds, from its start, the value of the last
     * point before it (all of the part when it has no points) */
    for (uint32_t k = 0; k < parts; k++) {
        if (have_prev && (!seen[k] || prev < out->floors[k])) {
            out->floors[k] = prev;
        } else if (!seen[k]) {
            return;
        }
        if (seen[k]) {
            prev = lastv[k];
            have_prev = 1;
        }
    }
    out->full = 1;
    out->first = out->floors[0];
    out->last = out->floors[parts - 1];
    /* the first and last floors are (parts - 1) parts apart */
    out->per_min =
        (out->last - out->first) * 60000.0 * parts / ((double)o->window_ms * (parts - 1));
    uint32_t ups = 0;
    for (uint32_t k = 1; k < parts; k++) {
        if (out->floors[k] < out->floors[k - 1]) {
            return; /* a floor fell: what was there went away */
        }
        ups += out->floors[k] > out->floors[k - 1];
    }
    double rise = out->last - out->first;
    out->rising = ups * 2 >= parts - 1 && rise >= o->min_rise && rise > 0 &&
                  (o->min_frac <= 0 || rise >= o->min_frac * out->first);
}
