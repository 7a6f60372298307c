/* The one loader (gm/artifact.h). */
#include "gm/artifact.h"

#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* "a" or "an" before a kind's name ("an execution trace"). */
static const char *article(const char *noun)
{
    return strchr("aeiou", noun[0]) && noun[0] ? "an" : "a";
}

static int wanted(const struct gm_artifact *a, const struct gm_artifact_opts *o,
                  struct gm_diag *diag)
{
    if (!o || !o->want || (o->want & GM_WANT(a->kind))) {
        return 0;
    }
    /* bytes no sniffer recognises go to the dump parser when dumps are wanted, else to the
     * profile decoder when only profiles are: its message says where they stop making sense */
    if (a->kind == GM_KIND_UNKNOWN &&
        ((o->want & ~GM_WANT_PROFILE) == 0 || (o->want & GM_WANT_DUMPS))) {
        return 0;
    }
    if (a->kind == GM_KIND_UNKNOWN) {
        return gm_diag_set(diag, GM_EFORMAT, 0, 0,
                           "expected %s; this is not a Go artifact gomedic knows",
                           o->want_text ? o->want_text : "another kind of artifact");
    }
    return gm_diag_set(diag, GM_EFORMAT, 0, 0, "expected %s, found %s %s",
                       o->want_text ? o->want_text : "another kind of artifact",
                       article(gm_kind_name(a->kind)), gm_kind_name(a->kind));
}

/* Whether the first bytes are text (printable ASCII, UTF-8, tabs and newlines): an HTML error
 * page or a log where a profile was expected. */
/* After the bytes are in: sniff once, decode a profile once. */
static int finish_open(struct gm_artifact *a, const struct gm_artifact_opts *o,
                       struct gm_diag *diag)
{
    if (a->in.len >= 2 &&
        (((unsigned char)a->in.p[0] == 0xff && (unsigned char)a->in.p[1] == 0xfe) ||
         ((unsigned char)a->in.p[0] == 0xfe && (unsigned char)a->in.p[1] == 0xff))) {
        gm_artifact_close(a);
        return gm_diag_set(diag, GM_EFORMAT, 0, 0,
                           "UTF-16 text (a Windows editor or PowerShell redirection saved it): "
                           "convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8)");
    }
    const char *legacy = gm_sniff_legacy(a->in.p, a->in.len);
    if (legacy) {
        gm_artifact_close(a);
        return gm_diag_set(diag, GM_EFORMAT, 0, 0,
                           "%s, which gomedic does not read: convert it with 'go tool pprof "
                           "-proto FILE > FILE.pb.gz' (with the binary, for the CPU profile)",
                           legacy);
    }
    if (a->in.len == 0 && o && o->want_text) {
        gm_artifact_close(a);
        return gm_diag_set(diag, GM_EFORMAT, 0, 0, "empty input: expected %s", o->want_text);
    }
    /* profile.proto starts with field 1 (sample_type, length-delimited): tag byte 0x0a */
    if (o && o->expect_pprof && a->in.len > 0 && a->in.p[0] == 0x0a) {
        a->kind = GM_KIND_PPROF;
    } else {
        a->kind = gm_sniff(a->in.p, a->in.len);
    }
    int rc = wanted(a, o, diag);
    int forced = 0;
    if (rc == 0 && a->kind == GM_KIND_UNKNOWN && o && o->want &&
        (o->want & ~GM_WANT_PROFILE) == 0) {
        a->kind = GM_KIND_PPROF; /* decoded as profile.proto: its errors say where it fails */
        forced = 1;
    }
    if (rc == 0 && (a->kind == GM_KIND_PPROF || a->kind == GM_KIND_HEAPTEXT)) {
        rc = a->kind == GM_KIND_PPROF
                 ? gm_pprof_parse(&a->profile, a->in.p, a->in.len, &a->lim, diag)
                 : gm_heaptext_parse(&a->profile, a->in.p, a->in.len, &a->lim, diag);
        a->has_profile = rc >= 0;
        if (rc < 0 && rc != GM_ENOMEM && !forced && a->kind == GM_KIND_PPROF && o && o->want_text &&
            diag && (o->want == 0 || (o->want & ~GM_WANT_PROFILE) != 0)) {
            /* binary bytes that only looked like a profile, where more than a profile would
             * do: say what was expected first (a profile command keeps the decoder's words) */
            char why[sizeof(diag->msg)];
            memcpy(why, diag->msg, sizeof(why));
            gm_diag_set(diag, rc, diag->off, 0,
                        "expected %s; these bytes are binary and not a "
                        "pprof profile either (%s)",
                        o->want_text, why);
        } else if (rc < 0 && rc != GM_ENOMEM && a->kind == GM_KIND_PPROF && diag && o &&
                   o->want == GM_WANT_PROFILE) {
            /* a profile command: the decoder's words, after what the bytes are not */
            char why[sizeof(diag->msg)];
            memcpy(why, diag->msg, sizeof(why));
            gm_diag_set(diag, rc, diag->off, 0, "not a valid pprof profile: %s", why);
        }
        if (rc < 0 && rc != GM_ENOMEM && forced) {
            struct gm_diag t = {0};
            if (gm_sniff_found_text(a->in.p, a->in.len,
                                    o->want_text ? o->want_text : "a pprof profile", &t) < 0) {
                if (diag) {
                    *diag = t;
                }
                rc = t.code;
            }
        }
    }
    if (rc < 0) {
        gm_artifact_close(a);
        return rc;
    }
    return 0;
}

static void start(struct gm_artifact *a, const char *name, const struct gm_artifact_opts *o)
{
    memset(a, 0, sizeof(*a));
    a->name = name;
    if (o && o->lim) {
        a->lim = *o->lim;
    } else {
        gm_limits_default(&a->lim);
    }
}

int gm_artifact_open(struct gm_artifact *a, const char *path, const struct gm_artifact_opts *o,
                     struct gm_diag *diag)
{
    start(a, path, o);
    GM_TRY(gm_input_open(&a->in, path, &a->lim, diag));
    return finish_open(a, o, diag);
}

int gm_artifact_open_mem(struct gm_artifact *a, const char *name, const char *p, size_t len,
                         const struct gm_artifact_opts *o, struct gm_diag *diag)
{
    start(a, name, o);
    GM_TRY(gm_input_from_mem(&a->in, name, p, len, &a->lim, diag));
    return finish_open(a, o, diag);
}

void gm_artifact_close(struct gm_artifact *a)
{
    if (a->has_profile) {
        gm_profile_release(&a->profile);
    }
    gm_input_close(&a->in);
    memset(a, 0, sizeof(*a));
}

int gm_artifact_is_goroutines(const struct gm_artifact *a)
{
    return a->kind == GM_KIND_GDUMP || a->kind == GM_KIND_GDUMP_AGG ||
           (a->has_profile && (gm_profile_type_index(&a->profile, "goroutine") >= 0 ||
                               gm_profile_type_index(&a->profile, "goroutineleak") >= 0));
}

int gm_artifact_dumps(struct gm_artifact *a, struct gm_gdump_set *set, struct gm_diag *diag)
{
    if (a->has_profile) {
        return gm_gdump_add_profile(set, &a->profile, diag);
    }
    if (a->kind != GM_KIND_GDUMP && a->kind != GM_KIND_GDUMP_AGG && a->kind != GM_KIND_UNKNOWN) {
        return gm_diag_set(diag, GM_EFORMAT, 0, 0,
                           "expected a goroutine dump ('goroutine N [state]:' or 'goroutine "
                           "profile: total N'), found %s %s",
                           article(gm_kind_name(a->kind)), gm_kind_name(a->kind));
    }
    /* unknown text goes to the dump parser, whose message says what it expected */
    return gm_gdump_parse_input(set, &a->in, diag);
}

int gm_load_dumps(struct gm_gdump_set *set, const char *path, struct gm_diag *diag)
{
    struct gm_artifact a;
    struct gm_artifact_opts o = {.lim = &set->limits,
                                 .want = GM_WANT_DUMPS | GM_WANT_PROFILE,
                                 .want_text = "a goroutine dump or goroutine profile"};
    GM_TRY(gm_artifact_open(&a, path, &o, diag));
    int rc = gm_artifact_dumps(&a, set, diag);
    gm_artifact_close(&a);
    return rc;
}

int gm_load_profile(struct gm_profile *prof, const char *path, const struct gm_limits *lim,
                    struct gm_diag *diag)
{
    struct gm_artifact a;
    struct gm_artifact_opts o = {.lim = lim,
                                 .want = GM_WANT_PROFILE,
                                 .want_text = "a pprof profile (profile.proto, gzipped or not) "
                                              "or a legacy heap profile"};
    memset(prof, 0, sizeof(*prof));
    prof->default_type = -1;
    GM_TRY(gm_artifact_open(&a, path, &o, diag));
    *prof = a.profile; /* moved out: the artifact no longer owns it */
    a.has_profile = 0;
    gm_artifact_close(&a);
    return 0;
}

/* ---------------------------------------------------------------- series */

static void *slot_main(void *arg)
{
    struct gm_series_slot *l = arg;
    memset(&l->diag, 0, sizeof(l->diag));
    l->rc = gm_load_profile(&l->prof, l->file, l->lim, &l->diag);
    return NULL;
}

/* Starts decoding file i into its slot: on a thread, or here when threads are off or cannot be
 * made. */
static void slot_start(struct gm_profile_series *s, uint32_t i)
{
    struct gm_series_slot *l = &s->slot[i % 2];
    memset(l, 0, sizeof(*l));
    l->file = s->files[i];
    l->lim = s->lim;
    if (s->threaded && pthread_create(&l->th, NULL, slot_main, l) == 0) {
        l->running = 1;
        return;
    }
    slot_main(l);
}

static void slot_wait(struct gm_series_slot *l)
{
    if (l->running) {
        pthread_join(l->th, NULL);
        l->running = 0;
    }
}

void gm_series_open(struct gm_profile_series *s, const char *const *files, uint32_t n,
                    const struct gm_limits *lim, int threaded, struct gm_profile *first)
{
    memset(s, 0, sizeof(*s));
    s->files = files;
    s->n = n;
    s->lim = lim;
    s->threaded = threaded;
    if (n && first) {
        s->slot[0].file = files[0];
        s->slot[0].prof = *first;
        memset(first, 0, sizeof(*first));
    } else if (n) {
        slot_start(s, 0);
    }
}

int gm_series_next(struct gm_profile_series *s, struct gm_profile *out, const char **file,
                   struct gm_diag *diag)
{
    if (s->next >= s->n) {
        return 0;
    }
    struct gm_series_slot *l = &s->slot[s->next % 2];
    slot_wait(l);
    *file = l->file;
    if (l->rc < 0) {
        *diag = l->diag;
        s->n = s->next; /* nothing more after an error */
        return l->rc;
    }
    *out = l->prof;
    l->rc = -1; /* handed over: close must not release it */
    if (++s->next < s->n) {
        slot_start(s, s->next);
    }
    return 1;
}

void gm_series_close(struct gm_profile_series *s)
{
    for (int i = 0; i < 2; i++) {
        struct gm_series_slot *l = &s->slot[i];
        slot_wait(l);
        if (l->file && l->rc == 0) {
            gm_profile_release(&l->prof);
        }
    }
    memset(s, 0, sizeof(*s));
}
