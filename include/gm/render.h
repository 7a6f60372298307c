/*
 * gm/render.h - terminal tables and JSON documents for the goroutine and diff analyses.
 *
 * Renderers only format: all numbers are computed by the analyzers beforehand. Output is
 * deterministic (stable sorts upstream, fixed number formats), so golden tests compare bytes.
 * JSON schemas are versioned by the "schema" member and documented in docs/json/.
 */
#ifndef GM_RENDER_H
#define GM_RENDER_H

#include "gm/bucket.h"
#include "gm/findings.h"
#include "gm/gcpressure.h"
#include "gm/heapgrowth.h"
#include "gm/leak.h"
#include "gm/pview.h"
#include "gm/race.h"
#include "gm/out.h"

#define GM_SCHEMA_GOROUTINES "gomedic.goroutines/1"
#define GM_SCHEMA_DIFF       "gomedic.diff/1"
#define GM_SCHEMA_GC         "gomedic.gc/1"
#define GM_SCHEMA_RACE       "gomedic.race/1"
#define GM_SCHEMA_PPROF      "gomedic.pprof/1"
#define GM_SCHEMA_HEAP       "gomedic.heap/1"

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
};

void gm_render_goroutines_table(struct gm_out *o, const struct gm_goroutines_report *r);
/* One JSON object (no trailing newline). */
void gm_render_goroutines_json(struct gm_out *o, const struct gm_goroutines_report *r);

struct gm_diff_report {
    const char *const *files;
    const struct gm_gdump_set *set;
    const struct gm_leak_result *res;
    const struct gm_paths *paths;
    int show_all; /* table: also list buckets that did not grow */
};

void gm_render_diff_table(struct gm_out *o, const struct gm_diff_report *r);
void gm_render_diff_json(struct gm_out *o, const struct gm_diff_report *r);

/* gomedic gc: summary with sparklines, findings from min_sev up. */
void gm_render_gc_table(struct gm_out *o, const char *file, const struct gm_gc_report *r,
                        enum gm_severity min_sev);
void gm_render_gc_json(struct gm_out *o, const char *file, const struct gm_gc_report *r);

/* gomedic race: one block per distinct race (both accesses, creators, hint); baseline != 0
 * marks races as NEW or (in baseline). */
void gm_render_race_table(struct gm_out *o, const char *file, const struct gm_race_result *r,
                          const struct gm_paths *paths, int max_frames, int baseline);
void gm_render_race_json(struct gm_out *o, const char *file, const struct gm_race_result *r,
                         const struct gm_paths *paths);

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

/* gomedic heap over a series: totals, unbounded sites as findings, the site table (the first
 * max_sites rows; 0 = all). files are indexed as the profiles were given. */
void gm_render_heap_table(struct gm_out *o, const struct gm_heap_result *r,
                          const char *const *files, uint32_t max_sites);
void gm_render_heap_json(struct gm_out *o, const struct gm_heap_result *r,
                         const char *const *files);

/* "main.go:42" style location of a frame (shortened path), written into buf. */
const char *gm_render_location(const struct gm_stacks *s, const struct gm_paths *paths,
                               uint32_t frame_id, char *buf, size_t cap);

#endif
