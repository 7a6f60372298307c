/*
 * gm/findings.h - the diagnosis catalogue (SPEC §3) and the goroutine classifier.
 *
 * The catalogue is one static table: id, title, what to fix. The classifier turns the
 * analysis buckets of one dump (stack + state, arguments ignored) into findings: it names the
 * pattern from the wait state and the frames, picks the user function (first frame that is
 * neither runtime nor standard library), counts distinct wait objects (a pool of workers on
 * one channel is healthy; many goroutines each on their own channel is a leak), and grades
 * severity from the count, the age and the pattern. Runtime and framework goroutines (GC
 * workers, finalizers, signal loop, timers, listeners, testing) are recognised and never
 * reported. Findings come out sorted by severity, then count; the crash the dump was printed
 * for (gm/crash.h: panic, fatal-error, fatal-signal, all-goroutines-asleep) comes first.
 */
#ifndef GM_FINDINGS_H
#define GM_FINDINGS_H

#include "gm/bucket.h"
#include "gm/catalogue.h"
#include "gm/crash.h"
#include "gm/gdump.h"
#include "gm/source.h"

/* What the source says about a finding, when its files are on this machine:
 *   said   what the syntax tree of the blocking statement shows (the select's cases, the
 *          range's channel): gm_source_statement(); "" when nothing was read
 *   line   the source confirms it (gm_lint_confirm*): a static finding of the same id in the
 *          same function (or the culprit, or a closure of it) at file:line, found by gomedic
 *          lint's rule, which says what it shows in what; 0: not confirmed */
struct gm_srcnote {
    char said[400];
    uint32_t line;
    const char *rule;
    char file[256];
    char what[320]; /* the static finding's message: what the source shows */
};

struct gm_finding {
    const struct gm_finding_kind *kind;
    const char *inferred; /* the wait a stateless dump's frames or source gave, or NULL */
    enum gm_severity severity;
    uint64_t count;       /* goroutines */
    uint32_t min_minutes; /* age range */
    uint32_t max_minutes;
    uint32_t stack_id; /* the biggest bucket's stack (evidence) */
    uint32_t state_id;
    uint32_t user_frame; /* frame id of the user function, or GM_NO_FRAME */
    uint32_t buckets;    /* analysis buckets merged into it */
    uint32_t objects;    /* distinct wait objects (0 = unknown) */
    uint32_t culprit;    /* frame id of the user function that created these goroutines, when
                            it is not the one they block in (the function to change), or
                            GM_NO_FRAME; or the middleware that replaced the request their
                            creator (culprit_of) received */
    uint32_t culprit_of; /* with a middleware culprit: the handler it called (their creator);
                            else GM_NO_FRAME */
    uint64_t object;     /* the single wait object, or 0 */
    int proven;          /* the runtime marked these goroutines "(leaked)" */
    int obj_args;        /* objects were told apart by user-frame arguments, not addresses */
    int obj_doubt;       /* ... some with values Go marks '?' (GM_G_OBJ_DOUBT) */
    uint64_t ids[GM_BUCKET_IDS];
    uint32_t ids_nr;
    int per_call;    /* the source shows each goroutine waits on a channel its own call made */
    int crash;       /* the crash of the dump (findings->crash) */
    const char *fix; /* the fix for this mechanism (static text) when more precise than the
                        kind's, or NULL: read it with gm_finding_fix() */
    char why[320];   /* evidence in one sentence */
    struct gm_srcnote source; /* what the source says, when it is on this machine */
};

struct gm_findings {
    struct gm_finding *v;
    uint32_t nr;
    uint64_t runtime_goroutines; /* recognised runtime/framework goroutines (never reported) */
    uint32_t groups;             /* analysis buckets (stacks and states, arguments ignored) */
    struct gm_crash crash;       /* the crash the dump was printed for (kind GM_CRASH_NONE) */
};

/* Lock-order deadlocks of set->dumps[dump] (deadlock.c): appends a lock-order-deadlock
 * finding per cycle of two goroutines to out (whose array holds *alloc), and takes those
 * goroutines out of the mutex-wait findings. Called by gm_findings_goroutines. */
int gm_deadlocks_add(const struct gm_gdump_set *set, uint32_t dump, struct gm_findings *out,
                     uint32_t *alloc);

/* Classifies the goroutines of set->dumps[dump]. Caller releases with gm_findings_release.
 * Findings of severity info are kept (renderers decide whether to show them). */
int gm_findings_goroutines(const struct gm_gdump_set *set, uint32_t dump, struct gm_source *src,
                           struct gm_findings *out);
void gm_findings_release(struct gm_findings *f);

/* What the syntax tree of the statement a finding's goroutines block in (its user frame's
 * line) shows, for the kinds whose diagnosis it decides (the select's cases, the range's
 * channel), into out->said ("" when the source is not here or shows nothing). */
void gm_source_statement(const struct gm_stacks *stacks, struct gm_source *src,
                         const struct gm_finding_kind *kind, uint32_t user_frame,
                         struct gm_srcnote *out);

/* Classification of one analysis bucket: the catalogue id, or NULL for runtime/framework
 * goroutines and states that are not a pattern (running code, plain "waiting").
 * src (may be NULL) lets it read the blocking statement's source line for hints: a range
 * loop (range-never-closed) or a Ticker/time.After (ticker-loop). */
const struct gm_finding_kind *gm_classify_bucket(const struct gm_gdump_set *set,
                                                 const struct gm_bucket *b, struct gm_source *src);
/* The frame a finding of kind k on this stack points at (its WHERE): the user frame, or for
 * library patterns whose stacks have no user code (net/http server and client connections,
 * database/sql) the library function that names the pattern. The same in every command. */
uint32_t gm_finding_frame(const struct gm_gdump_set *set, uint32_t stack_id,
                          const struct gm_finding_kind *k);

/* 1 if the stack is the runtime's or the Go toolchain's own (GC, finalizers, signals ...). */
int gm_is_runtime_stack(const struct gm_gdump_set *set, uint32_t stack_id, uint32_t state_id);

/* The fix to print for f: its own when it has one, else its kind's. */
static inline const char *gm_finding_fix(const struct gm_finding *f)
{
    return f->fix ? f->fix : f->kind->fix;
}

#endif
