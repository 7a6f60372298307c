#define _GNU_SOURCE
/* gomedic race: deduplicate -race reports into one finding per racing pair of locations. */
#include "cmd.h"
#include "gm/record.h"
#include "gm/artifact.h"
#include "gm/input.h"
#include "gm/render_race.h"
#include "gm/source.h"
#include "gm/sniff.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct opts {
    int json, full_path, no_source;
    const char *out, *color, *baseline;
    long max_frames;
    uint64_t max_mem;
    struct gm_fail_policy fail;
    struct cli_strlist trims, source_roots;
};

static struct opts o;

static const struct cli_opt options[] = {
    CLI_OPTS_OUTPUT(&o.json, &o.out, &o.color, GM_SCHEMA_RACE),
    CLI_OPT_STRING(0, "baseline", &o.baseline, "FILE",
                   "a previous 'gomedic race --json' report: races in it are known"),
    CLI_OPT_FAIL(&o.fail, "any|new", "exit 1 if there is any race, or any race not in the baseline",
                 GM_FAIL_ANY | GM_FAIL_NEW),
    CLI_OPT_INT(0, "max-frames", &o.max_frames, "N", "table: frames per stack (default 8)", 0,
                100000, 8),
    CLI_OPT_LIST(0, "trim-path", &o.trims, "PREFIX", "remove PREFIX from source paths"),
    CLI_OPT_BOOL(0, "full-path", &o.full_path, "print source paths as in the log"),
    CLI_OPT_LIST(0, "source-root", &o.source_roots, "DIR",
                 "look for the log's source files under DIR too (for hints)"),
    CLI_OPT_BOOL(0, "no-source", &o.no_source, "never read source files for hints"),
    CLI_OPT_MAX_MEM(&o.max_mem),
    CLI_OPT_END,
};

static int run(int argc, char **argv, int first)
{
    (void)argc; /* one operand (min = max = 1) */
    if (o.fail.only_new && !o.baseline) {
        cli_die("race: --fail-on new needs --baseline FILE");
    }
    int max_frames = (int)o.max_frames;
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = o.max_mem;
    const char *file = argv[first];
    struct gm_artifact a;
    struct gm_diag diag;
    memset(&diag, 0, sizeof(diag));
    /* any text: race reports are found inside go test output and logs */
    struct gm_artifact_opts ao = {
        .lim = &lim, .want_text = "a race detector log ('WARNING: DATA RACE' reports)"};
    int r = cli_open(&a, file, &ao, &diag);
    if (r < 0) {
        cli_err_diag(file, r, &diag);
        return 2;
    }
    struct gm_race_result res;
    if (gm_sniff_binary(a.in.p, a.in.len)) {
        cli_err("%s: expected a race detector log ('WARNING: DATA RACE' reports); this is binary "
                "data",
                file);
        gm_artifact_close(&a);
        return 2;
    }
    r = gm_race_analyze(a.in.p, a.in.len, &lim, &res);
    gm_artifact_close(&a);
    if (r < 0) {
        cli_die("out of memory");
    }
    if (res.stats.reports == 0 && res.stats.unread) {
        /* never "no data races" for a log whose reports could not be read */
        cli_err("%s:%llu: %llu race report%s inside lines gomedic cannot undress (a log prefix "
                "it does not know): strip the prefix (e.g. cut -c N-) and try again",
                file, (unsigned long long)res.stats.unread_line,
                (unsigned long long)res.stats.unread, res.stats.unread == 1 ? "" : "s");
        gm_race_result_release(&res);
        return 2;
    }
    struct gm_source src;
    gm_source_init(&src);
    src.disabled = o.no_source;
    src.roots = o.source_roots.v;
    src.roots_nr = o.source_roots.nr;
    r = gm_race_source_hints(&res, &src);
    gm_source_release(&src);
    if (r < 0) {
        cli_die("out of memory");
    }
    if (res.stats.unreadable) {
        cli_err("%s:%llu: %llu race report%s whose stacks could not be read: each is listed as "
                "its own race",
                file, (unsigned long long)res.stats.unreadable_line,
                (unsigned long long)res.stats.unreadable, res.stats.unreadable == 1 ? "" : "s");
    }
    if (o.baseline) {
        struct gm_artifact bl;
        memset(&diag, 0, sizeof(diag));
        r = cli_open(&bl, o.baseline, &ao, &diag);
        if (r < 0) {
            cli_err_diag(o.baseline, r, &diag);
            gm_race_result_release(&res);
            return 2;
        }
        if (!memmem(bl.in.p, bl.in.len, "\"gomedic.race/", 14)) {
            cli_err("%s: expected a 'gomedic race --json' report as the baseline", o.baseline);
            gm_artifact_close(&bl);
            gm_race_result_release(&res);
            return 2;
        }
        (void)gm_race_baseline(&res, bl.in.p, bl.in.len); /* marks the groups that are new */
        gm_artifact_close(&bl);
    }
    struct gm_out w;
    cli_out_open(&w, "race", o.out, o.color, o.json);
    struct gm_paths paths;
    memset(&paths, 0, sizeof(paths));
    paths.mode = o.full_path ? GM_PATH_FULL : GM_PATH_SHORT;
    for (size_t i = 0; i < o.trims.nr && i < GM_MAX_TRIMS; i++) {
        paths.trims[paths.trims_nr++] = o.trims.v[i];
    }
    gm_paths_learn(&paths, &res.stacks);
    if (o.json) {
        gm_render_race_json(&w, file, &res, &paths);
        gm_out_puts(&w, "\n");
    } else {
        gm_render_race_table(&w, file, &res, &paths, max_frames, o.baseline != NULL);
    }
    struct gm_records recs;
    gm_records_init(&recs);
    if (gm_records_from_race(&res, &recs) < 0) {
        cli_die("out of memory");
    }
    int rc = cli_out_close(&w, "race") ? 2 : gm_fail_exit(&o.fail, &recs);
    gm_records_release(&recs);
    gm_race_result_release(&res);
    return rc;
}

const struct cli_cmd cmd_race = {
    .name = "race",
    .state = &o,
    .state_size = sizeof(o),
    .summary = "Group race detector reports by racing pair of locations, map them to tests, "
               "gate CI on new races.",
    .usage = "gomedic race [options] LOG",
    .opts = options,
    .run = run,
    .flags = CLI_CMD_READS_FILES,
    .min_operands = 1,
    .max_operands = 1,
    .operands_error = "expected one log",
};
