/*
 * gm/render_trace.h - the report and JSON of `gomedic trace` (execution traces).
 *
 * Renderers only format: the numbers are gm_trace_analyze()'s. Deterministic output (groups
 * in a stable order, fixed number formats). The JSON schema is docs/json/trace.schema.json.
 */
#ifndef GM_RENDER_TRACE_H
#define GM_RENDER_TRACE_H

#include "gm/out.h"
#include "gm/tracesum.h"

#define GM_SCHEMA_TRACE "gomedic.trace/1"

/* The summary, the group table (at most max_groups rows; 0: 20) and findings from min_sev. */
void gm_render_trace_table(struct gm_out *o, const char *file, const struct gm_trace_result *r,
                           enum gm_severity min_sev, uint32_t max_groups);
void gm_render_trace_json(struct gm_out *o, const char *file, const struct gm_trace_result *r);

#endif
