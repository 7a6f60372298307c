/*
 * gm/pview.h - what `go tool pprof` shows about a profile, computed directly: flat/cum per
 * function (top), stacks with values (traces), folded stacks, and the same against a base.
 *
 * Frames of a sample are its locations' lines, leaf first (inlined functions expanded, as
 * pprof does). Flat is the value of samples whose leaf frame is the function; cum is the value
 * of samples that have the function anywhere in the stack, counted once per sample. A base
 * profile is subtracted sample by sample (its values negated), as with pprof -base; with
 * diff_base the percentages are relative to the base total (pprof -diff_base).
 * Focus/ignore filter samples by a regex on the function names of their frames. A profile's
 * drop_frames (kept in the model as a string) is a view concern: gm_pview_drop_compile() makes
 * the regex and the options carry it; frames it matches are dropped with everything they call.
 * Functions are identified by name, so a profile and its base (separate string tables)
 * combine. Memory: one entry per distinct function name.
 */
#ifndef GM_PVIEW_H
#define GM_PVIEW_H

#include <regex.h>

#include "gm/pprof.h"

struct gm_pview_opts {
    uint32_t sample_index;         /* which value of each sample */
    const struct gm_profile *base; /* subtracted, or NULL */
    uint32_t base_index;           /* sample index in the base */
    int diff_base;                 /* percentages relative to the base total */
    const regex_t *focus;          /* keep samples with a matching frame, or NULL */
    const regex_t *ignore;         /* drop samples with a matching frame, or NULL */
    const regex_t *drop;           /* the profile's drop_frames (gm_pview_drop_compile), or NULL */
    const regex_t *base_drop;      /* the base's drop_frames, or NULL */
    double node_fraction;          /* top: leave out functions whose |cum| is under this share of
                                      |total| (pprof's -nodefraction; 0 keeps all) */
};

struct gm_ptop_row {
    uint32_t name_id; /* in gm_ptop.names */
    int64_t flat, cum;
};

struct gm_ptop {
    struct gm_strtab names;
    struct gm_ptop_row *rows; /* sorted by |flat|, then name (pprof's FlatNameOrder) */
    uint32_t nr;
    int64_t total;      /* sum of the selected values of the kept samples */
    int64_t base_total; /* total of the base (for diff_base) */
    int64_t cutoff;     /* |cum| under this was left out (node_fraction), or 0 */
    uint32_t dropped;   /* functions left out by node_fraction */
    uint64_t samples_kept, samples_dropped;
};

/* Computes the top table. Errors: GM_ENOMEM, GM_EINVAL (sample index out of range). */
int gm_ptop_compute(const struct gm_profile *prof, const struct gm_pview_opts *o,
                    struct gm_ptop *out);
void gm_ptop_release(struct gm_ptop *t);

/* 1 if sample i of the profile (not the base) passes the focus/ignore filters. */
int gm_pview_keep(const struct gm_profile *prof, uint32_t i, const struct gm_pview_opts *o);

/* Calls fn for each frame of sample i, leaf first; stops if fn returns non-zero. */
typedef int (*gm_frame_fn)(void *ctx, const char *func, const struct gm_pprof_line *line,
                           const struct gm_pprof_location *loc);
int gm_pview_frames(const struct gm_profile *prof, const regex_t *drop, uint32_t i, gm_frame_fn fn,
                    void *ctx);

/* The profile's drop_frames as pprof applies it (a full match of a function name): *out is a
 * new regex for gm_pview_drop_free(), or NULL when the profile has none or it does not compile
 * (pprof then drops nothing either). 0 or GM_ENOMEM. */
int gm_pview_drop_compile(const struct gm_profile *prof, regex_t **out);
void gm_pview_drop_free(regex_t *re);

/* Total of one sample type over all samples, before any filter (saturating). */
int64_t gm_profile_total(const struct gm_profile *prof, uint32_t index);

/* Formats a value with its unit the way pprof does ("1.50MB", "10ms", "1234"). */
void gm_pview_format(char *buf, size_t cap, int64_t v, const char *unit);

#endif
