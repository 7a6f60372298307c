/*
 * gm/render_race.h - the table and JSON of `gomedic race`.
 *
 * Renderers only format: all numbers are computed by the analyzers beforehand. Output is
 * deterministic (stable sorts upstream, fixed number formats), so golden tests compare bytes.
 * JSON schemas are versioned by the "schema" member and documented in docs/json/.
 */
#ifndef GM_RENDER_RACE_H
#define GM_RENDER_RACE_H

#include "gm/racegroup.h"
#include "gm/out.h"

#define GM_SCHEMA_RACE "gomedic.race/1"

/* gomedic race: one block per distinct race (both accesses, creators, hint); baseline != 0
 * marks races as NEW or (in baseline). */
void gm_render_race_table(struct gm_out *o, const char *file, const struct gm_race_result *r,
                          const struct gm_paths *paths, int max_frames, int baseline);
void gm_render_race_json(struct gm_out *o, const char *file, const struct gm_race_result *r,
                         const struct gm_paths *paths);

#endif
