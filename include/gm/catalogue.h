/*
 * gm/catalogue.h - the diagnosis catalogue (SPEC §3): every finding id gomedic can report,
 * with its one-line title and fix, and the severity scale. One static table
 * (lib/analyze/catalogue.c); docs/findings.md documents each id.
 */
#ifndef GM_CATALOGUE_H
#define GM_CATALOGUE_H

#include <stddef.h>

enum gm_severity {
    GM_SEV_INFO = 0,
    GM_SEV_LOW = 1,
    GM_SEV_MEDIUM = 2,
    GM_SEV_HIGH = 3,
    GM_SEV_CRITICAL = 4,
};

const char *gm_severity_name(enum gm_severity s);
/* Parses "info".."critical"; returns -1 if unknown. */
int gm_severity_parse(const char *s);

struct gm_finding_kind {
    const char *id;    /* stable catalogue id, e.g. "chan-send-blocked" */
    const char *title; /* one line: what the goroutines are doing */
    const char *fix;   /* one line: what to change */
};

/* Looks up a catalogue entry by id; NULL if unknown. */
const struct gm_finding_kind *gm_finding_kind(const char *id);
/* The whole catalogue (for docs and tests). */
const struct gm_finding_kind *gm_finding_kinds(size_t *nr);

#endif
