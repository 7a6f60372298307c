/*
 * gm/render_goroutines.h - the table and JSON of `gomedic goroutines`.
 *
 * Renderers only format: all numbers are computed by the analyzers beforehand. Output is
 * deterministic (stable sorts upstream, fixed number formats), so golden tests compare bytes.
 * JSON schemas are versioned by the "schema" member and documented in docs/json/.
 */
#ifndef GM_RENDER_GOROUTINES_H
#define GM_RENDER_GOROUTINES_H

#include "gm/bucket.h"
#include "gm/findings.h"
#include "gm/out.h"

#define GM_SCHEMA_GOROUTINES "gomedic.goroutines/1"

/* Which buckets/findings a report shows; a NULL keep array shows everything. */
struct gm_goroutines_report {
    const char *file; /* input name as given */
    const struct gm_gdump_set *set;
    uint32_t dump;                      /* index of the analysed dump in set */
    uint32_t dump_no, dumps_in_file;    /* 1-based position of the dump in its file, total */
    const struct gm_buckets *buckets;   /* display buckets (already filtered) */
    const struct gm_findings *findings; /* already filtered */
    const struct gm_paths *paths;
    enum gm_severity min_severity; /* table: findings below are summarised in one line */
    int max_frames;                /* frames printed per bucket (0 = all) */
    int no_buckets;                /* table: findings only */
    uint32_t max_buckets;          /* table: buckets listed, largest first (0 = all) */
    uint32_t analysis_buckets;     /* buckets when argument values are ignored (hint), or 0 */
    uint32_t exact_buckets;        /* buckets by exact argument values (hint), or 0 */
};

void gm_render_goroutines_table(struct gm_out *o, const struct gm_goroutines_report *r);
/* One JSON object (no trailing newline). */
void gm_render_goroutines_json(struct gm_out *o, const struct gm_goroutines_report *r);

/* What the source says of a finding (n may be NULL): the "source: ..." and "confirmed by the
 * source: FILE:LINE (gomedic lint, RULE)" lines under a table row, or the JSON members
 * ,"statement":...,"source":{file,line,rule} (null when absent). goroutines and diff. */
void gm_render_srcnote_text(struct gm_out *o, const struct gm_paths *paths,
                            const struct gm_srcnote *n);
void gm_render_srcnote_json(struct gm_out *o, const struct gm_paths *paths,
                            const struct gm_srcnote *n);

#endif
