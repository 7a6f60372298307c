/*
 * gm/pprof.h - pprof profiles (profile.proto, gzipped or raw) and the legacy heap text format,
 * decoded into the profile model of gm/profile.h.
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
#include "gm/profile.h"

/* Decodes a raw (not gzipped) profile.proto. Errors: GM_EFORMAT/GM_ETRUNC with the byte offset
 * in diag, GM_ETOOBIG, GM_ENOMEM. On error the profile is released. */
int gm_pprof_parse(struct gm_profile *prof, const char *p, size_t len, const struct gm_limits *lim,
                   struct gm_diag *diag);

/* The sum over all samples of the values of the sample type called type (e.g. "inuse_space")
 * of an uncompressed profile.proto, without decoding anything else: what a live watch needs
 * every interval (the full model only when it captures). 0, GM_EFORMAT (malformed, or no
 * such sample type; diag says which), GM_ETRUNC. Saturates at INT64_MAX. */
int gm_pprof_sum(const char *p, size_t len, const char *type, int64_t *total, struct gm_diag *diag);

/* Decodes "heap profile: ..." text (runtime/pprof debug=1) with its MemStats block. */
int gm_heaptext_parse(struct gm_profile *prof, const char *p, size_t len,
                      const struct gm_limits *lim, struct gm_diag *diag);

#endif
