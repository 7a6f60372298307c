/*
 * gm/artifact.h - the one loader: from bytes (a file, standard input or a memory buffer such
 * as an HTTP body) to the kind of artifact and its model, each step done once.
 *
 *   gm_artifact_open(&a, path, &opts, &diag)      reads the bytes (mmap, pipe, gzip inflated
 *                                                  once), sniffs the kind, and decodes what
 *                                                  needs no further choice: a pprof profile or a
 *                                                  legacy heap profile becomes a.profile
 *   gm_artifact_dumps(&a, &set, &diag)             a goroutine dump (either text form) is
 *                                                  parsed into the caller's set, whose options
 *                                                  (similarity, limits) are the caller's; a
 *                                                  goroutine profile is converted into it
 *   a.in.p, a.in.len                               the bytes of a streaming kind (gctrace, race,
 *                                                  execution trace), for its visitor
 *   gm_artifact_close(&a)
 *
 * Standard input is read once, into memory, so "-" can be any kind. opts.want restricts the
 * kinds a caller accepts: any other kind fails with GM_EFORMAT and "expected ..., found a
 * <kind>". Layer: the top of parse (it calls every parser; nothing in parse calls it).
 */
#ifndef GM_ARTIFACT_H
#define GM_ARTIFACT_H

#include <pthread.h>

#include "gm/base.h"
#include "gm/gdump.h"
#include "gm/input.h"
#include "gm/pprof.h"
#include "gm/sniff.h"

/* Bits of opts.want, one per enum gm_kind; 0 accepts every kind. */
#define GM_WANT(kind)   (1u << (kind))
#define GM_WANT_DUMPS   (GM_WANT(GM_KIND_GDUMP) | GM_WANT(GM_KIND_GDUMP_AGG))
#define GM_WANT_PROFILE (GM_WANT(GM_KIND_PPROF) | GM_WANT(GM_KIND_HEAPTEXT))

struct gm_artifact_opts {
    const struct gm_limits *lim; /* NULL: gm_limits_default() */
    unsigned want;               /* GM_WANT() bits of the kinds accepted; 0 = any */
    const char *want_text;       /* what the error says was expected, e.g. "a goroutine dump" */
    int expect_pprof;            /* the caller asked for a pprof profile (an HTTP endpoint): when
                                    the bytes start like profile.proto, skip sniffing them */
};

struct gm_artifact {
    const char *name;          /* borrowed path, "-" or the name given for a buffer */
    enum gm_kind kind;         /* after inflation; never GM_KIND_GZIP */
    struct gm_input in;        /* the bytes; released by gm_artifact_close */
    int has_profile;           /* kind is PPROF or HEAPTEXT: profile is decoded */
    struct gm_profile profile; /* the decoded profile */
    struct gm_limits lim;
};

int gm_artifact_open(struct gm_artifact *a, const char *path, const struct gm_artifact_opts *o,
                     struct gm_diag *diag);
/* As gm_artifact_open on a buffer that is not copied and must outlive the artifact. */
int gm_artifact_open_mem(struct gm_artifact *a, const char *name, const char *p, size_t len,
                         const struct gm_artifact_opts *o, struct gm_diag *diag);
void gm_artifact_close(struct gm_artifact *a);

/* Whether the artifact is a goroutine dump or a goroutine (or goroutineleak) profile. */
int gm_artifact_is_goroutines(const struct gm_artifact *a);
/* Adds the artifact's goroutines to set: parses a dump (releasing the bytes it has passed) or
 * converts a goroutine profile. Returns the number of dumps added, or a negative error
 * (GM_EFORMAT with the diag filled, for any other kind). */
int gm_artifact_dumps(struct gm_artifact *a, struct gm_gdump_set *set, struct gm_diag *diag);

/* A series of profiles read ahead: while the caller works on profile i, a thread decodes
 * profile i + 1, so at most two decoded profiles are in memory however long the series.
 * threaded = 0 decodes in the caller's thread (the allocation-failure sweep needs one order).
 *   gm_series_open(&s, files, n, lim, 1, NULL);
 *   while ((rc = gm_series_next(&s, &prof, &file, &diag)) == 1) { ...; gm_profile_release(&prof); }
 *   gm_series_close(&s);                     (also after an error or an early stop)
 * gm_series_next returns 1 with the next profile (the caller owns it), 0 after the last, or a
 * negative error with file naming the profile that failed and diag saying why. */
struct gm_series_slot {
    pthread_t th;
    int running;
    const char *file;
    const struct gm_limits *lim;
    struct gm_profile prof;
    struct gm_diag diag;
    int rc;
};

struct gm_profile_series {
    const char *const *files;
    uint32_t n, next;
    const struct gm_limits *lim;
    int threaded;
    struct gm_series_slot slot[2];
};

/* first, when not NULL, is files[0] already decoded (moved into the series). */
void gm_series_open(struct gm_profile_series *s, const char *const *files, uint32_t n,
                    const struct gm_limits *lim, int threaded, struct gm_profile *first);
int gm_series_next(struct gm_profile_series *s, struct gm_profile *out, const char **file,
                   struct gm_diag *diag);
void gm_series_close(struct gm_profile_series *s);

/* Shorthands for callers that want one model of one file: open, take the model, close.
 * gm_load_dumps adds a goroutine dump or goroutine profile to set (returns dumps added);
 * gm_load_profile fills prof with a pprof or legacy heap profile (released with
 * gm_profile_release). */
int gm_load_dumps(struct gm_gdump_set *set, const char *path, struct gm_diag *diag);
int gm_load_profile(struct gm_profile *prof, const char *path, const struct gm_limits *lim,
                    struct gm_diag *diag);

#endif
