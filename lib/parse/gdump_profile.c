/*
 * Goroutine profiles (pprof, debug=0; Go 1.26's goroutineleak) as aggregated dumps: one record
 * per sample, weighted by its count, its wait state inferred from the innermost frames.
 */
#include "gdump_build.h"
#include "gm/alloc.h"
#include "gm/pprof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* The wait state a goroutine profile's frames imply (debug=0 and debug=1 carry no state). */
static const char *infer_state(const struct gm_profile *p, const struct gm_pprof_sample *s)
{
    static const struct {
        const char *prefix;
        const char *state;
    } rules[] = {
        {"runtime.chanrecv", "chan receive"},
        {"runtime.chansend", "chan send"},
        {"runtime.selectgo", "select"},
        {"runtime.block", "select (no cases)"},
        {"sync.runtime_notifyListWait", "sync.Cond.Wait"},
        {"sync.runtime_Semacquire", "semacquire"},
        {"internal/sync.runtime_Semacquire", "semacquire"},
        {"internal/poll.runtime_pollWait", "IO wait"},
        {"time.Sleep", "sleep"},
        {"syscall.Syscall", "syscall"},
        {"syscall.RawSyscall", "syscall"},
        {"runtime/pprof.runtime_goroutineProfileWithLabels", "running"},
    };
    /* only the innermost frames speak for the state */
    uint32_t seen = 0;
    for (uint32_t k = 0; k < s->loc_nr && seen < 6; k++) {
        const struct gm_pprof_location *loc = &p->locations[p->locs[s->loc_off + k]];
        for (uint32_t l = 0; l < loc->line_nr && seen < 6; l++, seen++) {
            const char *f = gm_profile_func_name(p, &p->lines[loc->line_off + l]);
            for (size_t r = 0; r < GM_ARRAY_NR(rules); r++) {
                size_t n = strlen(rules[r].prefix);
                /* "runtime.block" names one function; the others are families */
                if (strncmp(f, rules[r].prefix, n) == 0 &&
                    (strcmp(rules[r].prefix, "runtime.block") != 0 || f[n] == '\0')) {
                    return rules[r].state;
                }
            }
        }
    }
    return "";
}

int gm_gdump_add_profile(struct gm_gdump_set *set, const struct gm_profile *p, struct gm_diag *diag)
{
    int idx = gm_profile_type_index(p, "goroutine"), leakprof = 0;
    if (idx < 0 && (idx = gm_profile_type_index(p, "goroutineleak")) >= 0) {
        leakprof = 1; /* Go 1.26 /debug/pprof/goroutineleak: only the leaked goroutines */
    }
    if (idx < 0) {
        return gm_diag_set(diag, GM_EFORMAT, 0, 0,
                           "a pprof profile, but not a goroutine profile (no 'goroutine' or "
                           "'goroutineleak' sample type): use gomedic pprof");
    }
    struct parser ps;
    memset(&ps, 0, sizeof(ps));
    ps.set = set;
    ps.diag = diag;
    ps.last_time = p->time_nanos ? p->time_nanos / 1000000000 : -1;
    int rc = 0;
    uint32_t dumps_before = set->dumps_nr, g_before = set->g_nr;
    ps.frames = gm_xrealloc(NULL, set->limits.max_frames * sizeof(uint32_t));
    if (!ps.frames || (rc = gd_start_dump(&ps, GM_DUMP_AGGREGATED)) < 0) {
        rc = rc < 0 ? rc : GM_ENOMEM;
        goto out;
    }
    struct gm_dump *d = &set->dumps[ps.dump];
    if (leakprof) {
        d->proof = GM_PROOF_LEAKPROF;
    }
    for (uint32_t i = 0; i < p->samples_nr; i++) {
        const struct gm_pprof_sample *s = &p->samples[i];
        int64_t v = p->values[s->val_off + (uint32_t)idx];
        if (v <= 0) {
            continue;
        }
        d->total_declared += (uint64_t)v;
        gd_begin_g(&ps);
        ps.g.flags |= GM_G_RECORD;
        ps.g.u.rec.weight = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
        const char *st = infer_state(p, s);
        if ((rc = gm_strtab_intern(&set->stacks.strs, st, strlen(st), &ps.g.state_id)) < 0) {
            goto out;
        }
        for (uint32_t k = 0; k < s->loc_nr; k++) {
            const struct gm_pprof_location *loc = &p->locations[p->locs[s->loc_off + k]];
            for (uint32_t l = 0; l < loc->line_nr; l++) {
                const struct gm_pprof_line *ln = &p->lines[loc->line_off + l];
                const char *fn = gm_profile_func_name(p, ln);
                const char *file = ln->func < p->functions_nr
                                       ? gm_profile_str(p, p->functions[ln->func].filename_id)
                                       : "";
                uint32_t line = ln->line < 0            ? 0
                                : ln->line > UINT32_MAX ? UINT32_MAX
                                                        : (uint32_t)ln->line;
                if ((rc = gd_add_frame(&ps, (struct gm_str){fn, strlen(fn)},
                                       (struct gm_str){file, strlen(file)}, line)) < 0) {
                    goto out;
                }
            }
        }
        if (s->label_nr) {
            /* the same text debug=1 prints: {"k":"v", "k2":"v2"} */
            char buf[1024];
            size_t n = 0;
            buf[n++] = '{';
            for (uint32_t l = 0; l < s->label_nr && n + 8 < sizeof(buf); l++) {
                const struct gm_pprof_label *lb = &p->labels[s->label_off + l];
                int w = snprintf(buf + n, sizeof(buf) - n, "%s\"%s\":\"%s\"", l ? ", " : "",
                                 gm_profile_str(p, lb->key_id),
                                 lb->str_id ? gm_profile_str(p, lb->str_id) : "");
                n = w < 0 || (size_t)w >= sizeof(buf) - n ? sizeof(buf) - 2 : n + (size_t)w;
            }
            buf[n++] = '}';
            if ((rc = gm_strtab_intern(&set->stacks.strs, buf, n, &ps.g.u.rec.labels_id)) < 0) {
                goto out;
            }
        }
        ps.mode = M_AGG_REC;
        if ((rc = gd_finish_g(&ps)) < 0) {
            goto out;
        }
        d = &set->dumps[ps.dump];
    }
    gd_end_dump(&ps);
    set->dumps[ps.dump].from_profile = 1;
    rc = 1;
out:
    if (rc < 0) {
        set->dumps_nr = dumps_before;
        set->g_nr = g_before;
    }
    free(ps.frames);
    gm_idset_release(&ps.ids);
    return rc;
}
