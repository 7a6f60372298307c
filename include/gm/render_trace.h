/*
 * gm/render_trace.h - the report and JSON of `gomedic trace` (execution traces).
 *
 * Renderers only format: the numbers are gm_trace_analyze()'s. Deterministic output (groups
 * in a stable order, fixed number formats). The JSON schema is docs/json/trace.schema.json.
 */
#ifndef GM_RENDER_TRACE_H
#define GM_RENDER_TRACE_H

#include "gm/out.h"
#include "gm/tracejoin.h"
#include "gm/tracesum.h"

#define GM_SCHEMA_TRACE "gomedic.trace/1"

/* The summary, the group table (at most max_groups rows; 0: 20) and findings from min_sev. */
void gm_render_trace_table(struct gm_out *o, const char *file, const struct gm_trace_result *r,
                           enum gm_severity min_sev, uint32_t max_groups);
/* With --dump: the dump's findings read against the trace (j from gm_trace_join on set). */
void gm_render_trace_join_table(struct gm_out *o, const char *dump_file,
                                const struct gm_gdump_set *set, const struct gm_trace_result *r,
                                const struct gm_tjoin *j, enum gm_severity min_sev);
/* j, dump_file and set may be NULL (no --dump): "dump" is then null. */
void gm_render_trace_json(struct gm_out *o, const char *file, const struct gm_trace_result *r,
                          const char *dump_file, const struct gm_gdump_set *set,
                          const struct gm_tjoin *j);

/* One self-contained page (no network: script and style inline, a CSP that forbids the
 * rest): the findings, a zoomable timeline (GC, stop-the-world, each P, the largest groups'
 * goroutines by state, from tl), and report (the text report, shown as it is). */
void gm_render_trace_html(struct gm_out *o, const char *file, const struct gm_trace_result *r,
                          const struct gm_ttimeline *tl, const char *report, size_t report_len);

#endif
