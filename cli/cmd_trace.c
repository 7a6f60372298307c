/* gomedic trace: execution traces (runtime/trace, go test -trace, /debug/pprof/trace). */
#include "cmd.h"
#include "gm/alloc.h"
#include "gm/artifact.h"
#include "gm/record.h"
#include "gm/render_trace.h"
#include "gm/sniff.h"
#include "gm/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct opts {
    int json;
    const char *out, *color;
    int min_sev;
    long groups;
    const char *dump;
    const char *html;
    long threads;
    uint64_t max_mem;
    struct gm_fail_policy fail;
};

static struct opts o;

static const struct cli_opt options[] = {
    CLI_OPTS_OUTPUT(&o.json, &o.out, &o.color, GM_SCHEMA_TRACE),
    CLI_OPT_SEV(0, "min-severity", &o.min_sev, "table: list findings from SEV up (default low)",
                GM_SEV_LOW),
    CLI_OPT_INT(0, "groups", &o.groups, "N",
                "table: show the N largest goroutine groups "
                "(default 20)",
                1, 1000000, 20),
    CLI_OPT_STRING(0, "dump", &o.dump, "DUMP",
                   "read the findings of a goroutine dump (or profile) of the same process "
                   "against the trace"),
    CLI_OPT_STRING(0, "html", &o.html, "FILE",
                   "also write one self-contained page: findings, a zoomable timeline, the "
                   "report (one TRACE)"),
    CLI_OPT_INT(0, "threads", &o.threads, "N",
                "1: read and analyse on one thread; 2: a reader thread feeds the analysis "
                "(default: 2 for a trace of 1 MB or more on two CPUs or more)",
                0, 2, 0),
    CLI_OPT_FAIL(&o.fail, "SEV", "exit 1 if a finding is SEV or worse", GM_FAIL_SEVERITY),
    CLI_OPT_MAX_MEM(&o.max_mem),
    CLI_OPT_END,
};

static int id_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* --html: the timeline (a second pass over the trace), the text report, the page. */
static int write_html(const struct gm_artifact *a, const char *file,
                      const struct gm_trace_result *res, const struct gm_limits *lim, int threads)
{
    struct gm_ttimeline tl;
    int r = gm_trace_timeline(a->in.p, a->in.len, lim, res, 800, 12, threads, &tl);
    if (r == GM_ENOMEM) {
        cli_die("out of memory");
    }
    if (r < 0) {
        memset(&tl, 0, sizeof(tl));
    }
    char *text = NULL;
    size_t text_len = 0;
    FILE *mf = open_memstream(&text, &text_len);
    if (!mf) {
        cli_die("out of memory");
    }
    struct gm_out t;
    gm_out_init(&t, mf, 0);
    gm_render_trace_table(&t, file, res, GM_SEV_INFO, (uint32_t)o.groups);
    if (fclose(mf) != 0 || !text) {
        cli_die("out of memory");
    }
    struct gm_out h;
    cli_out_open(&h, "trace", o.html, "never", 1);
    gm_render_trace_html(&h, file, res, &tl, text, text_len);
    free(text);
    gm_ttimeline_release(&tl);
    return cli_out_close(&h, "trace") ? -1 : 0;
}

static int run(int argc, char **argv, int first)
{
    struct gm_records recs;
    gm_records_init(&recs);
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = o.max_mem;
    struct gm_out w;
    cli_out_open(&w, "trace", o.out, o.color, o.json);
    int nfiles = argc - first, rc = 0;
    /* the allocation-failure tests (GM_FAIL_ALLOC_AT) need one deterministic order */
    int threads = getenv("GM_FAIL_ALLOC_AT") ? 1 : (int)o.threads;
    if (o.html && nfiles > 1) {
        cli_err("--html draws one trace; %d given", nfiles);
        cli_out_close(&w, "trace");
        return 2;
    }
    /* --dump: the dump's findings, once, read against each trace */
    struct gm_gdump_set set;
    struct gm_findings fd;
    struct gm_source src;
    uint32_t di = 0;
    uint64_t *keep = NULL;
    size_t keep_nr = 0;
    memset(&fd, 0, sizeof(fd));
    gm_source_init(&src);
    if (o.dump) {
        struct gm_diag dd;
        memset(&dd, 0, sizeof(dd));
        if (gm_gdump_set_init(&set, &lim, GM_SIM_POINTER) < 0) {
            cli_die("out of memory");
        }
        int n = cli_load_dumps(&set, o.dump, &dd);
        if (n <= 0) {
            if (n < 0) {
                cli_err_diag(o.dump, n, &dd);
            } else {
                cli_err("%s: no goroutine dump in it", o.dump);
            }
            gm_gdump_set_release(&set);
            gm_source_release(&src);
            cli_out_close(&w, "trace");
            return 2;
        }
        di = (uint32_t)n - 1; /* the last dump of the file */
        if (gm_findings_goroutines(&set, di, &src, &fd) < 0) {
            cli_die("out of memory");
        }
        /* the trace keeps the records of the dump's goroutines even when they end */
        const struct gm_dump *d = &set.dumps[di];
        keep = gm_xmalloc(sizeof(uint64_t) * (d->nr ? d->nr : 1));
        if (!keep) {
            cli_die("out of memory");
        }
        for (uint32_t k = 0; k < d->nr; k++) {
            uint64_t id = gm_g_id(gm_gdump_g(&set, d->first + k));
            if (id) {
                keep[keep_nr++] = id;
            }
        }
        qsort(keep, keep_nr, sizeof(uint64_t), id_cmp);
    }
    if (o.json && nfiles > 1) {
        gm_out_puts(&w, "[");
    }
    for (int i = first; i < argc; i++) {
        const char *file = argv[i];
        struct gm_artifact a;
        struct gm_diag diag;
        memset(&diag, 0, sizeof(diag));
        struct gm_artifact_opts ao = {.lim = &lim,
                                      .want = GM_WANT(GM_KIND_TRACE),
                                      .want_text = "an execution trace ('go 1.N trace' header: "
                                                   "runtime/trace, go test -trace, "
                                                   "/debug/pprof/trace)"};
        int r = cli_open(&a, file, &ao, &diag);
        if (r < 0) {
            cli_err_diag(file, r, &diag);
            rc = 2;
            break;
        }
        struct gm_trace_result res;
        struct gm_trace_opts to = {.keep = keep, .keep_nr = keep_nr, .threads = threads};
        r = gm_trace_analyze_input(&a.in, &lim, &to, &res);
        if (r == 0 && o.html && write_html(&a, file, &res, &lim, threads) < 0) {
            rc = 2;
        }
        if (r == GM_ENOMEM) {
            cli_die("out of memory");
        }
        if (r < 0) {
            cli_err("%s: %s at byte %llu: %s", file,
                    r == GM_EUNSUPP ? "unsupported trace" : "not a readable execution trace",
                    (unsigned long long)res.diag.off, res.diag.msg);
            gm_trace_result_release(&res);
            gm_artifact_close(&a);
            rc = 2;
            break;
        }
        if (res.rc < 0 && o.json) { /* the table says it in its second line */
            cli_err("%s: byte %llu: %s (the report covers what was read before it)", file,
                    (unsigned long long)res.diag.off, res.diag.msg);
        }
        if (gm_records_from_trace(&res, &recs) < 0) {
            cli_die("out of memory");
        }
        struct gm_tjoin join;
        memset(&join, 0, sizeof(join));
        if (o.dump && gm_trace_join(&res, &set, di, &fd, &join) < 0) {
            cli_die("out of memory");
        }
        if (o.json) {
            if (i > first) {
                gm_out_puts(&w, ",");
            }
            gm_render_trace_json(&w, file, &res, o.dump, o.dump ? &set : NULL,
                                 o.dump ? &join : NULL);
        } else {
            if (i > first) {
                gm_out_puts(&w, "\n");
            }
            gm_render_trace_table(&w, file, &res, (enum gm_severity)o.min_sev, (uint32_t)o.groups);
            if (o.dump) {
                gm_render_trace_join_table(&w, o.dump, &set, &res, &join,
                                           (enum gm_severity)o.min_sev);
            }
        }
        gm_tjoin_release(&join);
        gm_trace_result_release(&res);
        gm_artifact_close(&a);
    }
    if (o.json && (rc == 0 || nfiles > 1)) {
        gm_out_puts(&w, nfiles > 1 ? "]\n" : "\n");
    }
    if (o.dump) {
        gm_findings_release(&fd);
        gm_gdump_set_release(&set);
    }
    gm_source_release(&src);
    free(keep);
    int fail_rc = gm_fail_exit(&o.fail, &recs);
    gm_records_release(&recs);
    if (cli_out_close(&w, "trace")) {
        return 2;
    }
    return rc ? rc : fail_rc;
}

const struct cli_cmd cmd_trace = {
    .name = "trace",
    .state = &o,
    .state_size = sizeof(o),
    .summary = "Execution traces (Go 1.5-1.26): goroutine groups, scheduler latency, blocking "
               "by reason, GC and STW, leaks the trace proves.",
    .usage = "gomedic trace [options] [--dump DUMP] [--html FILE] TRACE...",
    .opts = options,
    .run = run,
    .flags = CLI_CMD_READS_FILES,
    .min_operands = 1,
    .max_operands = 0,
    .operands_error = "no trace given",
};
