/* gomedic lint: the static leak and blocking patterns of Go source (gm/lint.h). */
#include "cmd.h"
#include "gm/findings.h"
#include "gm/gdump.h"
#include "gm/lint.h"
#include "gm/out.h"
#include "gm/record.h"
#include "gm/render_lint.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#ifndef GM_VERSION
#define GM_VERSION "0.1.0"
#endif

struct opts {
    int json, sarif, tests, vendor;
    const char *out, *color, *dump;
    int min_sev;
    long threads;
    struct gm_fail_policy fail;
};

static struct opts o;

static const struct cli_opt options[] = {
    CLI_OPTS_OUTPUT(&o.json, &o.out, &o.color, GM_SCHEMA_LINT),
    CLI_OPT_BOOL(0, "sarif", &o.sarif, "print SARIF 2.1.0 (GitHub code scanning)"),
    CLI_OPT_SEV(0, "min-severity", &o.min_sev, "report: list findings from SEV up (default low)",
                GM_SEV_LOW),
    CLI_OPT_STRING(0, "dump", &o.dump, "DUMP",
                   "rank the findings by the goroutines a dump of the program shows stuck in "
                   "their function now"),
    CLI_OPT_BOOL(0, "tests", &o.tests, "also read _test.go files"),
    CLI_OPT_BOOL(0, "vendor", &o.vendor, "also walk vendor/ and testdata/ directories"),
    CLI_OPT_INT(0, "threads", &o.threads, "N",
                "1: parse on one thread; 2: a second thread parses every other file of a "
                "directory (default: 2 on two CPUs or more)",
                0, 2, 0),
    CLI_OPT_FAIL(&o.fail, "SEV", "exit 1 if a finding is SEV or worse", GM_FAIL_SEVERITY),
    CLI_OPT_END,
};

static int run(int argc, char **argv, int first)
{
    if (o.json && o.sarif) {
        fprintf(stderr, "gomedic lint: --json and --sarif: choose one\n");
        return 2;
    }
    struct gm_lint l;
    gm_lint_init(&l);
    /* the allocation-failure tests (GM_FAIL_ALLOC_AT) need one deterministic order */
    struct gm_lint_opts lo = {.tests = o.tests,
                              .vendor = o.vendor,
                              .threads = getenv("GM_FAIL_ALLOC_AT") ? 1 : (int)o.threads};
    struct gm_diag d;
    memset(&d, 0, sizeof(d));
    int r = gm_lint_paths(&l, (const char *const *)(argv + first), (size_t)(argc - first), &lo, &d);
    for (uint32_t i = 0; i < l.warnings_nr; i++) {
        fprintf(stderr, "gomedic lint: %s\n", l.warnings[i]);
    }
    if (r == GM_ENOMEM) {
        fprintf(stderr, "gomedic lint: out of memory\n");
        gm_lint_release(&l);
        return 2;
    }
    if (r < 0) {
        fprintf(stderr, "gomedic lint: %s\n", d.msg[0] ? d.msg : gm_strerror(r));
        gm_lint_release(&l);
        return 2;
    }
    if (o.dump) { /* the runtime evidence: goroutines stuck in each finding's function */
        struct gm_limits lim;
        gm_limits_default(&lim);
        struct gm_gdump_set set;
        if (gm_gdump_set_init(&set, &lim, GM_SIM_POINTER) < 0) {
            cli_die("out of memory");
        }
        memset(&d, 0, sizeof(d));
        int n = cli_load_dumps(&set, o.dump, &d);
        if (n <= 0) {
            if (n < 0) {
                cli_err_diag(o.dump, n, &d);
            } else {
                cli_err("%s: no goroutine dump in it", o.dump);
            }
            gm_gdump_set_release(&set);
            gm_lint_release(&l);
            return 2;
        }
        struct gm_findings fd;
        if (gm_findings_goroutines(&set, (uint32_t)n - 1, NULL, &fd) < 0) {
            cli_die("out of memory");
        }
        gm_lint_rank(&l, &fd, &set.stacks);
        l.ranked = 1;
        gm_findings_release(&fd);
        gm_gdump_set_release(&set);
    }
    struct gm_out w;
    cli_out_open(&w, "lint", o.out, o.color, o.json || o.sarif);
    if (o.json) {
        gm_render_lint_json(&w, &l);
        gm_out_puts(&w, "\n");
    } else if (o.sarif) {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof(cwd))) {
            snprintf(cwd, sizeof(cwd), "/");
        }
        gm_render_lint_sarif(&w, &l, cwd, GM_VERSION);
        gm_out_puts(&w, "\n");
    } else {
        gm_render_lint_table(&w, &l, (enum gm_severity)o.min_sev);
    }
    int rc = 0;
    if (o.fail.min_severity >= 0) {
        for (uint32_t i = 0; i < l.nr; i++) {
            rc |= (int)l.v[i].severity >= o.fail.min_severity;
        }
    }
    gm_lint_release(&l);
    if (cli_out_close(&w, "lint")) {
        return 2;
    }
    return rc;
}

const struct cli_cmd cmd_lint = {
    .name = "lint",
    .state = &o,
    .state_size = sizeof(o),
    .summary = "Go source: the leak and blocking patterns the dump analysis names, found "
               "statically (tree-sitter).",
    .usage = "gomedic lint [options] [--dump DUMP] PATH...",
    .opts = options,
    .run = run,
    .flags = CLI_CMD_READS_FILES,
    .min_operands = 1,
    .max_operands = 0,
    .operands_error = "no file or directory given",
};
