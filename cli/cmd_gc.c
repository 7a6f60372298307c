/* gomedic gc: GC pressure and scheduler backlog from GODEBUG=gctrace=1/schedtrace logs. */
#include "cmd.h"
#include "gm/record.h"
#include "gm/artifact.h"
#include "gm/sniff.h"
#include "gm/input.h"
#include "gm/render_gc.h"

#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct opts {
    int json;
    const char *out, *color;
    int min_sev;
    uint64_t max_mem;
    struct gm_fail_policy fail;
};

static struct opts o;

static const struct cli_opt options[] = {
    CLI_OPTS_OUTPUT(&o.json, &o.out, &o.color, GM_SCHEMA_GC),
    CLI_OPT_SEV(0, "min-severity", &o.min_sev, "table: list findings from SEV up (default low)",
                GM_SEV_LOW),
    CLI_OPT_FAIL(&o.fail, "SEV", "exit 1 if a finding is SEV or worse", GM_FAIL_SEVERITY),
    CLI_OPT_MAX_MEM(&o.max_mem),
    CLI_OPT_END,
};

static int run(int argc, char **argv, int first)
{
    int min_sev = o.min_sev;
    struct gm_records recs;
    gm_records_init(&recs);
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = o.max_mem;
    struct gm_out w;
    cli_out_open(&w, "gc", o.out, o.color, o.json);
    int nfiles = argc - first, rc = 0;
    if (o.json && nfiles > 1) {
        gm_out_puts(&w, "[");
    }
    for (int i = first; i < argc; i++) {
        const char *file = argv[i];
        struct gm_artifact a;
        struct gm_diag diag;
        memset(&diag, 0, sizeof(diag));
        /* any text: gctrace lines are found inside application logs */
        struct gm_artifact_opts ao = {.lim = &lim,
                                      .want_text = "GODEBUG=gctrace=1 lines ('gc N @T s P%: "
                                                   "...')"};
        int r = cli_open(&a, file, &ao, &diag);
        if (r < 0) {
            cli_err_diag(file, r, &diag);
            rc = 2;
            break;
        }
        if (gm_sniff_binary(a.in.p, a.in.len)) {
            cli_err("%s: expected GODEBUG=gctrace=1 lines ('gc N @T s P%%: ...'); this is binary "
                    "data",
                    file);
            gm_artifact_close(&a);
            rc = 2;
            break;
        }
        struct gm_gc_report rep;
        r = gm_gc_analyze(a.in.p, a.in.len, 0, &rep);
        gm_artifact_close(&a);
        if (r < 0) {
            cli_die("out of memory");
        }
        if (rep.stats.gc_lines == 0 && rep.stats.sched_lines == 0 && rep.stats.scav_lines == 0) {
            /* scavenger lines alone (a quiet program's gctrace) are a valid log */
            cli_err("%s: expected GODEBUG=gctrace=1 lines ('gc N @T s P%%: ...'), scavenger "
                    "lines ('scvg...') or schedtrace lines ('SCHED Nms: ...'), found none in "
                    "%llu lines",
                    file, (unsigned long long)rep.stats.lines);
            gm_gc_report_release(&rep);
            rc = 2;
            break;
        }
        if (gm_records_from_gc(&rep, &recs) < 0) {
            cli_die("out of memory");
        }
        if (o.json) {
            if (i > first) {
                gm_out_puts(&w, ",");
            }
            gm_render_gc_json(&w, file, &rep);
        } else {
            if (i > first) {
                gm_out_puts(&w, "\n");
            }
            gm_render_gc_table(&w, file, &rep, (enum gm_severity)min_sev);
        }
        gm_gc_report_release(&rep);
    }
    if (o.json && (rc == 0 || nfiles > 1)) {
        gm_out_puts(&w, nfiles > 1 ? "]\n" : "\n");
    }
    int fail_rc = gm_fail_exit(&o.fail, &recs);
    gm_records_release(&recs);
    if (cli_out_close(&w, "gc")) {
        return 2;
    }
    return rc ? rc : fail_rc;
}

const struct cli_cmd cmd_gc = {
    .name = "gc",
    .state = &o,
    .state_size = sizeof(o),
    .summary = "GC pressure from GODEBUG=gctrace=1 (and schedtrace) logs: CPU share, pauses, "
               "live-heap trend, GOMEMLIMIT spirals.",
    .usage = "gomedic gc [options] LOG...",
    .opts = options,
    .run = run,
    .flags = CLI_CMD_READS_FILES,
    .min_operands = 1,
    .max_operands = 0,
    .operands_error = "no log given",
};
