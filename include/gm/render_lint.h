/*
 * gm/render_lint.h - what `gomedic lint` prints: the report, JSON (gomedic.lint/1,
 * docs/json/lint.schema.json) and SARIF 2.1.0 (what GitHub code scanning reads: one rule per
 * catalogue id used, a result per finding with its file, line, column and the function as a
 * logical location, a partial fingerprint that survives lines moving). Only formats: the
 * findings are gm_lint_paths()'s, in their order. Layer: render.
 */
#ifndef GM_RENDER_LINT_H
#define GM_RENDER_LINT_H

#include "gm/lint.h"
#include "gm/out.h"

#define GM_SCHEMA_LINT "gomedic.lint/1"

/* The findings from min_sev up, then one line of totals; warnings go to the caller. */
void gm_render_lint_table(struct gm_out *o, const struct gm_lint *l, enum gm_severity min_sev);
void gm_render_lint_json(struct gm_out *o, const struct gm_lint *l);
/* root: the directory the file paths are relative to (originalUriBaseIds %SRCROOT%), an
 * absolute path; version: gomedic's. */
void gm_render_lint_sarif(struct gm_out *o, const struct gm_lint *l, const char *root,
                          const char *version);

#endif
