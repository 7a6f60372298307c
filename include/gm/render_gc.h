/*
 * gm/render_gc.h - the table (with sparklines) and JSON of `gomedic gc`.
 *
 * Renderers only format: all numbers are computed by the analyzers beforehand. Output is
 * deterministic (stable sorts upstream, fixed number formats), so golden tests compare bytes.
 * JSON schemas are versioned by the "schema" member and documented in docs/json/.
 */
#ifndef GM_RENDER_GC_H
#define GM_RENDER_GC_H

#include "gm/gcpressure.h"
#include "gm/out.h"

#define GM_SCHEMA_GC "gomedic.gc/1"

/* gomedic gc: summary with sparklines, findings from min_sev up. */
void gm_render_gc_table(struct gm_out *o, const char *file, const struct gm_gc_report *r,
                        enum gm_severity min_sev);
void gm_render_gc_json(struct gm_out *o, const char *file, const struct gm_gc_report *r);

#endif
