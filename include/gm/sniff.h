/*
 * gm/sniff.h - what kind of Go artifact a buffer holds, from its first bytes (SPEC §1).
 *
 * Looks at most at the first 64 KiB: magic numbers first (gzip is reported as such: callers
 * inflate and sniff again), then line shapes. Never fails; GM_KIND_UNKNOWN when unsure.
 */
#ifndef GM_SNIFF_H
#define GM_SNIFF_H

#include "gm/base.h"

enum gm_kind {
    GM_KIND_UNKNOWN = 0,
    GM_KIND_GZIP,
    GM_KIND_GDUMP,     /* full goroutine dump (text) */
    GM_KIND_GDUMP_AGG, /* debug=1 aggregated goroutine dump */
    GM_KIND_PPROF,     /* profile.proto (uncompressed) */
    GM_KIND_HEAPTEXT,  /* legacy "heap profile:" text */
    GM_KIND_GCTRACE,   /* GODEBUG=gctrace=1 lines */
    GM_KIND_RACE,      /* -race reports */
    GM_KIND_TRACE,     /* runtime/trace execution trace */
};

enum gm_kind gm_sniff(const char *p, size_t len);
const char *gm_kind_name(enum gm_kind k);

/* The name of a legacy profile format gomedic does not read (the binary CPU profile of Go 1.8
 * and older; the text contention, mutex and threadcreate profiles), or NULL. go tool pprof
 * converts each to profile.proto. */
const char *gm_sniff_legacy(const char *p, size_t len);

/* Whether p looks like binary data rather than text: a NUL, or more than one byte in 32 a
 * control character (other than tab, CR, LF, FF, ESC) among its first 4 KiB. */
int gm_sniff_binary(const char *p, size_t len);

/* When p starts with text (its first 512 bytes printable): GM_EFORMAT with "expected WANT,
 * found text: '<its first line>'" in diag, the error of a body that is not the profile asked
 * for (an HTML error page, a login form). Else 0 and diag untouched. */
int gm_sniff_found_text(const char *p, size_t len, const char *want, struct gm_diag *diag);

#endif
