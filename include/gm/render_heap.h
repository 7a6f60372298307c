/*
 * gm/render_heap.h - the table and JSON of `gomedic heap` over a series.
 *
 * Renderers only format: all numbers are computed by the analyzers beforehand. Output is
 * deterministic (stable sorts upstream, fixed number formats), so golden tests compare bytes.
 * JSON schemas are versioned by the "schema" member and documented in docs/json/.
 */
#ifndef GM_RENDER_HEAP_H
#define GM_RENDER_HEAP_H

#include "gm/heapgrowth.h"
#include "gm/out.h"

#define GM_SCHEMA_HEAP "gomedic.heap/1"

/* gomedic heap over a series: totals, unbounded sites as findings, the site table (the first
 * max_sites rows; 0 = all). files are indexed as the profiles were given. */
void gm_render_heap_table(struct gm_out *o, const struct gm_heap_result *r,
                          const char *const *files, uint32_t max_sites);
void gm_render_heap_json(struct gm_out *o, const struct gm_heap_result *r,
                         const char *const *files);

#endif
