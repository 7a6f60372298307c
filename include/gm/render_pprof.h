/*
 * gm/render_pprof.h - the views of `gomedic pprof` (header, top, traces, raw, folded, JSON).
 *
 * Renderers only format: all numbers are computed by the analyzers beforehand. Output is
 * deterministic (stable sorts upstream, fixed number formats), so golden tests compare bytes.
 * JSON schemas are versioned by the "schema" member and documented in docs/json/.
 */
#ifndef GM_RENDER_PPROF_H
#define GM_RENDER_PPROF_H

#include "gm/pview.h"
#include "gm/out.h"

#define GM_SCHEMA_PPROF "gomedic.pprof/1"

/* gomedic pprof views. index is the sample type shown; n limits the top rows (0 = all). The
 * top table says how many functions the node fraction left out (struct gm_ptop.dropped). */
void gm_render_pprof_header(struct gm_out *o, const char *file, const struct gm_profile *p,
                            uint32_t index);
void gm_render_pprof_top(struct gm_out *o, const struct gm_profile *p, uint32_t index,
                         const struct gm_ptop *t, uint32_t n, int diff_base);
void gm_render_pprof_traces(struct gm_out *o, const struct gm_profile *p, uint32_t index,
                            const struct gm_pview_opts *opts);
/* Like `go tool pprof -raw`: every sample with all its values and location ids, then the
 * locations and mappings. */
void gm_render_pprof_raw(struct gm_out *o, const struct gm_profile *p);
void gm_render_pprof_folded(struct gm_out *o, const struct gm_profile *p, uint32_t index,
                            const struct gm_pview_opts *opts);
void gm_render_pprof_json(struct gm_out *o, const char *file, const struct gm_profile *p,
                          uint32_t index, const struct gm_ptop *t, uint32_t n);

#endif
