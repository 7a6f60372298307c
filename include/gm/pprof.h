/*
 * gm/pprof.h - pprof profiles (profile.proto, gzipped or raw) and the legacy heap text format,
 * decoded into one arena-free model of flat arrays.
 *
 * Decoding (FORMATS.md §2): a first pass records where every top-level message is, so field
 * order does not matter (Go writes string_table last and Sample.value before location_id);
 * the string table is interned once into a gm_strtab and every string index is remapped;
 * location and function ids are mapped to array indices (ids are arbitrary non-zero uint64).
 * Negative int64 values are plain 10-byte varints. Unknown fields of any wire type are skipped.
 * Every error names the byte offset and what was expected: truncated varints, varints over
 * 10 bytes, lengths past the end, string/location/function ids out of range, wrong wire types.
 * Sizes are bounded by struct gm_limits (max_input for the inflated bytes; counts follow).
 *
 * Stacks: a sample's locations are stored leaf first; a location's lines are stored as the
 * profile has them, line[0] = innermost (inlined) function, so "frames" of a sample, leaf
 * first, are: for each location, its lines in order.
 */
#ifndef GM_PPROF_H
#define GM_PPROF_H

#include "gm/base.h"
#include "gm/strtab.h"

struct gm_pprof_type {
    uint32_t type_id; /* interned, e.g. "inuse_space" */
    uint32_t unit_id; /* interned, e.g. "bytes" */
};

struct gm_pprof_label {
    uint32_t key_id;
    uint32_t str_id; /* 0 when numeric */
    int64_t num;
    uint32_t num_unit_id; /* 0 when absent */
};

struct gm_pprof_sample {
    uint32_t loc_off, loc_nr;     /* in locs[] (location indices, leaf first) */
    uint32_t val_off;             /* in values[], types_nr values */
    uint32_t label_off, label_nr; /* in labels[] */
};

struct gm_pprof_line {
    uint32_t func; /* function index, or UINT32_MAX if function_id was 0 */
    int64_t line;
};

struct gm_pprof_location {
    uint64_t id;
    uint64_t mapping_id;
    uint64_t address;
    uint32_t line_off, line_nr; /* in lines[] */
    int is_folded;
};

struct gm_pprof_function {
    uint64_t id;
    uint32_t name_id, system_name_id, filename_id;
    int64_t start_line;
};

struct gm_pprof_mapping {
    uint64_t id, memory_start, memory_limit, file_offset;
    uint32_t filename_id, build_id_id;
};

/* runtime.MemStats from a legacy heap text profile ("# Name = value" lines); -1 = absent. */
struct gm_memstats {
    int64_t alloc, total_alloc, sys, heap_alloc, heap_sys, heap_idle, heap_inuse, heap_released,
        heap_objects, stack_inuse, stack_sys, mspan_inuse, mcache_inuse, gc_sys, other_sys, next_gc,
        num_gc, pause_total_ns;
};

struct gm_profile {
    struct gm_strtab strs;
    struct gm_pprof_type *types;
    uint32_t types_nr;
    struct gm_pprof_sample *samples;
    uint32_t samples_nr;
    int64_t *values;
    uint32_t *locs;
    struct gm_pprof_label *labels;
    struct gm_pprof_location *locations;
    uint32_t locations_nr;
    struct gm_pprof_line *lines;
    uint32_t lines_nr;
    struct gm_pprof_function *functions;
    uint32_t functions_nr;
    struct gm_pprof_mapping *mappings;
    uint32_t mappings_nr;
    uint32_t *comments; /* interned comment strings */
    uint32_t comments_nr;
    struct gm_pprof_type period_type;
    int64_t period;
    int64_t time_nanos, duration_nanos;
    uint32_t drop_frames_id, keep_frames_id;
    int32_t default_type; /* index in types[] of default_sample_type, or -1 */
    int legacy;           /* decoded from the legacy heap text format */
    void *drop_re;        /* compiled drop_frames (regex_t *), or NULL */
    int has_memstats;
    struct gm_memstats memstats;
};

/* Decodes a raw (not gzipped) profile.proto. Errors: GM_EFORMAT/GM_ETRUNC with the byte offset
 * in diag, GM_ETOOBIG, GM_ENOMEM. On error the profile is released. */
int gm_pprof_parse(struct gm_profile *prof, const char *p, size_t len, const struct gm_limits *lim,
                   struct gm_diag *diag);

/* Decodes "heap profile: ..." text (runtime/pprof debug=1) with its MemStats block. */
int gm_heaptext_parse(struct gm_profile *prof, const char *p, size_t len,
                      const struct gm_limits *lim, struct gm_diag *diag);

/* Opens a file ("-" = stdin), inflates gzip, and decodes whichever of the two it is. */
int gm_profile_load(struct gm_profile *prof, const char *path, const struct gm_limits *lim,
                    struct gm_diag *diag);

void gm_profile_release(struct gm_profile *prof);

/* Index of the sample type named name ("inuse_space"), or -1. */
int gm_profile_type_index(const struct gm_profile *prof, const char *name);
/* The type pprof shows by default: default_sample_type if set, else the last type. */
uint32_t gm_profile_default_index(const struct gm_profile *prof);

static inline const char *gm_profile_str(const struct gm_profile *prof, uint32_t id)
{
    return gm_strtab_cstr(&prof->strs, id);
}

/* Function name of a line, "?" when unknown. */
const char *gm_profile_func_name(const struct gm_profile *prof, const struct gm_pprof_line *l);

#endif
