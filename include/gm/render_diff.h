/*
 * gm/render_diff.h - the table and JSON of `gomedic diff`.
 *
 * Renderers only format: all numbers are computed by the analyzers beforehand. Output is
 * deterministic (stable sorts upstream, fixed number formats), so golden tests compare bytes.
 * JSON schemas are versioned by the "schema" member and documented in docs/json/.
 */
#ifndef GM_RENDER_DIFF_H
#define GM_RENDER_DIFF_H

#include "gm/leak.h"
#include "gm/out.h"

#define GM_SCHEMA_DIFF "gomedic.diff/1"

struct gm_diff_report {
    const char *const *files;
    const struct gm_gdump_set *set;
    const struct gm_leak_result *res;
    const struct gm_paths *paths;
    int show_all; /* table: also list buckets that did not grow */
};

void gm_render_diff_table(struct gm_out *o, const struct gm_diff_report *r);
void gm_render_diff_json(struct gm_out *o, const struct gm_diff_report *r);

#endif
