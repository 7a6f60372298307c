/*
 * gm/profile.h - the profile model: what a pprof profile (profile.proto) or a legacy heap
 * text profile becomes, in flat arrays (lib/model/profile.c; filled by lib/parse/pprof.c and
 * heaptext.c; read by the views, the heap series and the flame graph).
 *
 * Stacks: a sample's locations are stored leaf first; a location's lines are stored as the
 * profile has them, line[0] = innermost (inlined) function, so "frames" of a sample, leaf
 * first, are: for each location, its lines in order. drop_frames/keep_frames are kept as the
 * profile wrote them (ids in the string table); the views apply them.
 */
#ifndef GM_PROFILE_H
#define GM_PROFILE_H

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

/* runtime.MemStats from a legacy heap text profile ("# Name = value" lines); -1 = absent.
 * max_rss ("# MaxRSS", Go 1.21+) is the process's peak resident set (getrusage); the
 * gc_cpu_fraction is the share of CPU the GC has used since the program started. */
struct gm_memstats {
    int64_t alloc, total_alloc, sys, heap_alloc, heap_sys, heap_idle, heap_inuse, heap_released,
        heap_objects, stack_inuse, stack_sys, mspan_inuse, mcache_inuse, gc_sys, other_sys, next_gc,
        num_gc, pause_total_ns, max_rss;
    double gc_cpu_fraction;
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
    int has_memstats;
    struct gm_memstats memstats;
};

void gm_profile_release(struct gm_profile *prof);

/* Index of the sample type named name ("inuse_space"), or -1. */
int gm_profile_type_index(const struct gm_profile *prof, const char *name);
/* The in-use bytes of a heap profile: "inuse_space", or "space" of a legacy heap text profile
 * that prints one pair (its alloc figures equal its inuse ones, as pprof reads it); -1 when
 * the profile is no heap profile. */
int gm_profile_inuse_index(const struct gm_profile *prof);
/* The type pprof shows by default: default_sample_type if set, else the last type. */
uint32_t gm_profile_default_index(const struct gm_profile *prof);

static inline const char *gm_profile_str(const struct gm_profile *prof, uint32_t id)
{
    return gm_strtab_cstr(&prof->strs, id);
}

/* Function name of a line, "?" when unknown. */
const char *gm_profile_func_name(const struct gm_profile *prof, const struct gm_pprof_line *l);

#endif
