/* gomedic diff: goroutine leaks across snapshots. */
#include "cmd.h"
#include "gm/record.h"
#include "gm/artifact.h"
#include "gm/lint.h"
#include "gm/render_diff.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct opts {
    int json, all, full_path, no_source;
    const char *out, *color;
    double interval;
    long min_growth;
    uint64_t max_mem;
    struct gm_fail_policy fail;
    struct cli_strlist ignore_top, ignore_any, ignore_created, ignore_files, trims, source_roots;
};

static struct opts o;

static const struct cli_opt options[] = {
    CLI_OPTS_OUTPUT(&o.json, &o.out, &o.color, GM_SCHEMA_DIFF),
    CLI_OPT_FAIL(&o.fail, "leak", "exit 1 when a leak is found", GM_FAIL_LEAK),
    CLI_OPT_LIST(0, "ignore-top", &o.ignore_top, "FUNC",
                 "ignore stacks whose first non-runtime function is FUNC (goleak "
                 "IgnoreTopFunction)"),
    CLI_OPT_LIST(0, "ignore-any", &o.ignore_any, "FUNC", "ignore stacks with FUNC in any frame"),
    CLI_OPT_LIST(0, "ignore-created-by", &o.ignore_created, "FUNC",
                 "ignore goroutines created by FUNC"),
    CLI_OPT_LIST(0, "ignore-file", &o.ignore_files, "FILE",
                 "read ignore rules from FILE: 'top FUNC', 'any FUNC', 'created-by FUNC'"),
    CLI_OPT_DOUBLE(0, "interval", &o.interval, "SECONDS",
                   "time between snapshots, when they carry no timestamp", 0.001, 1e9, 0),
    CLI_OPT_INT(0, "min-growth", &o.min_growth, "N",
                "goroutines a bucket must grow by to count as a leak (default 1)", 1, UINT32_MAX,
                1),
    CLI_OPT_LIST(0, "source-root", &o.source_roots, "DIR",
                 "look for the dumps' source files under DIR too (hints, confirmation)"),
    CLI_OPT_BOOL(0, "no-source", &o.no_source, "never read source files for hints"),
    CLI_OPT_BOOL(0, "all", &o.all, "table: also list buckets that did not grow"),
    CLI_OPT_LIST(0, "trim-path", &o.trims, "PREFIX", "remove PREFIX from source paths"),
    CLI_OPT_BOOL(0, "full-path", &o.full_path, "print source paths as in the dump"),
    CLI_OPT_MAX_MEM(&o.max_mem),
    CLI_OPT_END,
};

/* Ignore-file lines live as long as the process: they are parsed into this buffer. */
static char *ignore_buf;

static void read_ignore_file(const char *path, struct cli_strlist *top, struct cli_strlist *any,
                             struct cli_strlist *cb)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_die("diff: --ignore-file '%s': cannot open", path);
    }
    char line[1024];
    unsigned lineno = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        size_t n = strcspn(line, "\r\n");
        while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t')) {
            n--;
        }
        line[n] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (!*s || *s == '#') {
            continue;
        }
        struct cli_strlist *dst = top;
        const char *func = s;
        char *sp = strpbrk(s, " \t");
        if (sp) {
            *sp = '\0';
            func = sp + 1;
            while (*func == ' ' || *func == '\t') {
                func++;
            }
            if (strcmp(s, "top") == 0) {
                dst = top;
            } else if (strcmp(s, "any") == 0) {
                dst = any;
            } else if (strcmp(s, "created-by") == 0) {
                dst = cb;
            } else {
                cli_die("%s:%u: expected 'top FUNC', 'any FUNC' or 'created-by FUNC', got '%s'",
                        path, lineno, s);
            }
        }
        if (dst->nr == GM_ARRAY_NR(dst->v)) {
            cli_die("%s:%u: too many ignore rules (at most %zu per kind)", path, lineno,
                    GM_ARRAY_NR(dst->v));
        }
        size_t fl = strlen(func);
        char *copy = malloc(fl + 1);
        if (!copy) {
            cli_die("out of memory");
        }
        memcpy(copy, func, fl + 1);
        dst->v[dst->nr++] = copy;
        ignore_buf = copy; /* kept until exit */
    }
    fclose(f);
}

static int run(int argc, char **argv, int first)
{
    int nfiles = argc - first;
    struct gm_leak_opts lo;
    memset(&lo, 0, sizeof(lo));
    struct gm_source src;
    gm_source_init(&src);
    src.disabled = o.no_source;
    src.roots = o.source_roots.v;
    src.roots_nr = o.source_roots.nr;
    lo.src = &src;
    for (size_t i = 0; i < o.ignore_files.nr; i++) {
        read_ignore_file(o.ignore_files.v[i], &o.ignore_top, &o.ignore_any, &o.ignore_created);
    }
    lo.ignore_top = o.ignore_top.v;
    lo.ignore_top_nr = o.ignore_top.nr;
    lo.ignore_any = o.ignore_any.v;
    lo.ignore_any_nr = o.ignore_any.nr;
    lo.ignore_created_by = o.ignore_created.v;
    lo.ignore_created_by_nr = o.ignore_created.nr;
    lo.interval_s = o.interval;
    lo.min_growth = (uint64_t)o.min_growth;
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = o.max_mem;
    struct gm_gdump_set set;
    if (gm_gdump_set_init(&set, &lim, GM_SIM_AGGRESSIVE) < 0) {
        cli_die("out of memory");
    }
    uint32_t *dumps = calloc((size_t)nfiles, sizeof(uint32_t));
    if (!dumps) {
        cli_die("out of memory");
    }
    int rc = 0;
    for (int i = 0; i < nfiles; i++) {
        struct gm_diag diag;
        memset(&diag, 0, sizeof(diag));
        const char *file = argv[first + i];
        int n = cli_load_dumps(&set, file, &diag);
        if (n < 0) {
            cli_err_diag(file, n, &diag);
            rc = 2;
            goto out;
        }
        if (n > 1) {
            cli_err("%s: holds %d dumps; using the last", file, n);
        }
        dumps[i] = set.dumps_nr - 1;
    }
    struct gm_leak_result res;
    if (gm_leak_diff(&set, dumps, (uint32_t)nfiles, &lo, &res) < 0) {
        cli_die("out of memory");
    }
    /* the source's word on each leak: its statement, the static finding that confirms it */
    if (gm_lint_confirm_leak(&res, &set, &src) == GM_ENOMEM) {
        cli_die("out of memory");
    }
    struct gm_out w;
    cli_out_open(&w, "diff", o.out, o.color, o.json);
    struct gm_paths paths;
    memset(&paths, 0, sizeof(paths));
    paths.mode = o.full_path ? GM_PATH_FULL : GM_PATH_SHORT;
    for (size_t i = 0; i < o.trims.nr && i < GM_MAX_TRIMS; i++) {
        paths.trims[paths.trims_nr++] = o.trims.v[i];
    }
    gm_paths_learn(&paths, &set.stacks);
    struct gm_diff_report rep = {
        .files = (const char *const *)(argv + first),
        .set = &set,
        .res = &res,
        .paths = &paths,
        .show_all = o.all,
    };
    if (o.json) {
        gm_render_diff_json(&w, &rep);
        gm_out_puts(&w, "\n");
    } else {
        gm_render_diff_table(&w, &rep);
    }
    struct gm_records recs;
    gm_records_init(&recs);
    if (gm_records_from_leak(&set, &res, &recs) < 0) {
        cli_die("out of memory");
    }
    rc = cli_out_close(&w, "diff") ? 2 : gm_fail_exit(&o.fail, &recs);
    gm_records_release(&recs);
    gm_leak_release(&res);
out:
    gm_source_release(&src);
    free(dumps);
    gm_gdump_set_release(&set);
    return rc;
}

const struct cli_cmd cmd_diff = {
    .name = "diff",
    .state = &o,
    .state_size = sizeof(o),
    .summary = "Find goroutine leaks across snapshots of one process: buckets that grow, "
               "goroutines blocked in every snapshot.",
    .usage = "gomedic diff [options] BEFORE AFTER [MORE...]",
    .opts = options,
    .run = run,
    .flags = CLI_CMD_READS_FILES,
    .min_operands = 2,
    .max_operands = 0,
    .operands_error = "needs at least two snapshots, oldest first",
};
