/*
 * gm/record.h - one findings record for every analysis, and the one place that turns records
 * into a worst severity, a --min-severity count and a --fail-on exit status.
 *
 * Each analysis keeps its own result for its renderer (struct gm_findings, gm_leak_result,
 * gm_heap_result, gm_gc_report, gm_race_result); gm_records_from_*() turn any of them into
 * the same records, which is what a caller that stores, serves or gates on findings (the CI
 * exit codes, the watch daemon) reads:
 *
 *   id/kind    catalogue entry (gm/findings.h): id, title, fix
 *   severity   info .. critical
 *   count      goroutines (goroutines, diff, trace), race reports (race), cycles in the evidence
 *              window (gc), profiles (heap)
 *   function   the user function, file:line where it was seen (may be empty: gc)
 *   evidence   one sentence: why
 *   num[]      up to four kind-specific numbers with their names (e.g. "growth_per_min")
 *   is_new     not in the baseline (race --baseline), or absent from the first snapshot (diff)
 *   proven     the Go runtime itself proved it (goroutines)
 *   source     what the source says, when it was read (goroutines, diff): the blocking
 *              statement, the static finding that confirms it (gm/findings.h gm_srcnote)
 */
#ifndef GM_RECORD_H
#define GM_RECORD_H

#include "gm/findings.h"
#include "gm/gcpressure.h"
#include "gm/heapgrowth.h"
#include "gm/leak.h"
#include "gm/racegroup.h"
#include "gm/tracesum.h"

#define GM_RECORD_NUMS 4

struct gm_record {
    const struct gm_finding_kind *kind;
    enum gm_severity severity;
    uint64_t count;
    char function[256];
    char file[256];
    uint32_t line;
    char evidence[320];
    const char *num_name[GM_RECORD_NUMS]; /* static names, NULL after the last */
    double num[GM_RECORD_NUMS];
    int is_new;
    int proven;
    struct gm_srcnote source;
};

struct gm_records {
    struct gm_record *v;
    uint32_t nr, alloc;
};

void gm_records_init(struct gm_records *r);
void gm_records_release(struct gm_records *r);
/* A new zeroed record of kind at the end, or NULL (out of memory). */
struct gm_record *gm_records_add(struct gm_records *r, const struct gm_finding_kind *kind,
                                 enum gm_severity sev);

int gm_records_from_goroutines(const struct gm_gdump_set *set, const struct gm_findings *f,
                               struct gm_records *out);
int gm_records_from_leak(const struct gm_gdump_set *set, const struct gm_leak_result *l,
                         struct gm_records *out);
int gm_records_from_heap(const struct gm_heap_result *h, struct gm_records *out);
int gm_records_from_gc(const struct gm_gc_report *g, struct gm_records *out);
int gm_records_from_race(const struct gm_race_result *r, struct gm_records *out);
int gm_records_from_trace(const struct gm_trace_result *t, struct gm_records *out);

/* The worst severity among the records, or -1 when there are none. */
int gm_records_worst(const struct gm_records *r);
/* Records below min (what a table leaves out at --min-severity min). */
uint32_t gm_records_below(const struct gm_records *r, enum gm_severity min);

/* --fail-on: exit 1 when a record is at least min_severity (and new, with only_new). */
struct gm_fail_policy {
    int min_severity; /* -1: never fail */
    int only_new;
};
/* Words a command accepts after --fail-on. */
enum {
    GM_FAIL_SEVERITY = 1u << 0, /* info, low, medium, high, critical */
    GM_FAIL_LEAK = 1u << 1,     /* leak: any finding (diff) */
    GM_FAIL_ANY = 1u << 2,      /* any: any finding (race) */
    GM_FAIL_NEW = 1u << 3,      /* new: any finding not in the baseline (race) */
};
/* Parses spec (NULL = never fail) among the allowed words; -1 when it is not one of them. */
int gm_fail_parse(const char *spec, unsigned allowed, struct gm_fail_policy *out);
/* The exit status the policy gives the records: 1 (fail) or 0. */
int gm_fail_exit(const struct gm_fail_policy *p, const struct gm_records *r);

#endif
