/* Loading operands: the one loader (gm/artifact.h) plus the artifact the bare-file mode has
 * already opened (cmd.h). */
#include "cmd.h"
#include "gm/artifact.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static struct gm_artifact pre;
static int have_pre;

void cli_preopen(struct gm_artifact *a)
{
    cli_preopened_close();
    pre = *a;
    have_pre = 1;
    memset(a, 0, sizeof(*a));
}

void cli_preopened_close(void)
{
    if (have_pre) {
        gm_artifact_close(&pre);
        have_pre = 0;
    }
}

/* The pre-opened artifact when it is path, opened under the same limits (a command's
 * --max-mem must hold as if it had opened the file itself). */
static int take(struct gm_artifact *a, const char *path, const struct gm_limits *lim)
{
    struct gm_limits dl;
    if (!lim) {
        gm_limits_default(&dl);
        lim = &dl;
    }
    if (!have_pre || strcmp(pre.name, path) != 0 || memcmp(&pre.lim, lim, sizeof(*lim)) != 0) {
        return 0;
    }
    *a = pre;
    have_pre = 0;
    return 1;
}

int cli_open(struct gm_artifact *a, const char *path, const struct gm_artifact_opts *o,
             struct gm_diag *diag)
{
    if (take(a, path, o ? o->lim : NULL)) {
        return 0;
    }
    return gm_artifact_open(a, path, o, diag);
}

int cli_load_dumps(struct gm_gdump_set *set, const char *path, struct gm_diag *diag)
{
    struct gm_artifact a;
    uint64_t no_file = set->no_file;
    int rc;
    if (!take(&a, path, &set->limits)) {
        rc = gm_load_dumps(set, path, diag);
    } else {
        rc = gm_artifact_dumps(&a, set, diag);
        gm_artifact_close(&a);
    }
    if (rc >= 0 && set->no_file > no_file) {
        /* an edited paste: never drop what is there, never stay silent about it */
        cli_err("%s:%llu: %llu frame%s without its '\\tFILE:LINE' line (read without a "
                "location)",
                path, (unsigned long long)set->no_file_line,
                (unsigned long long)(set->no_file - no_file),
                set->no_file - no_file == 1 ? "" : "s");
    }
    return rc;
}

int cli_take_profile(const char *path, const struct gm_limits *lim, struct gm_profile *out)
{
    struct gm_artifact a;
    if (!take(&a, path, lim)) {
        return 0;
    }
    if (!a.has_profile) {
        cli_preopen(&a); /* not a profile: leave it for whoever asks */
        return 0;
    }
    *out = a.profile;
    a.has_profile = 0;
    gm_artifact_close(&a);
    return 1;
}

int cli_load_profile(struct gm_profile *prof, const char *path, const struct gm_limits *lim,
                     struct gm_diag *diag)
{
    if (cli_take_profile(path, lim, prof)) {
        return 0;
    }
    return gm_load_profile(prof, path, lim, diag);
}
