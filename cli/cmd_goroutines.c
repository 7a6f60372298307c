/* gomedic goroutines: bucket, classify and rank the goroutines of a dump. */
#include "cmd.h"
#include "gm/record.h"
#include "gm/artifact.h"
#include "gm/render_goroutines.h"
#include "gm/lint.h"
#include "gm/sniff.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct opts {
    int json, aggressive, exact, full_path, no_buckets, no_source, stats;
    struct cli_strlist source_roots;
    const char *out, *color, *state, *match, *exclude, *dump;
    int similarity, min_sev;
    long max_frames, max_buckets;
    uint64_t max_mem;
    struct gm_fail_policy fail;
    struct cli_strlist trims;
};

static struct opts o;

static const struct cli_opt options[] = {
    CLI_OPTS_OUTPUT(&o.json, &o.out, &o.color, GM_SCHEMA_GOROUTINES),
    CLI_OPT_BOOL('a', "aggressive", &o.aggressive,
                 "group ignoring argument values (the default; same as --similarity aggressive)"),
    CLI_OPT_BOOL(0, "exact", &o.exact,
                 "one bucket per distinct argument values too (same as --similarity exact)"),
    /* the order of enum gm_similarity */
    CLI_OPT_ENUM(0, "similarity", &o.similarity, "MODE",
                 "bucket grouping: aggressive (default: argument values ignored), pointer, exact",
                 "exact|pointer|aggressive", -1),
    CLI_OPT_STRING('s', "state", &o.state, "REGEX", "keep goroutines whose state matches"),
    CLI_OPT_STRING('m', "match", &o.match, "REGEX", "keep stacks with a function matching"),
    CLI_OPT_STRING('x', "exclude", &o.exclude, "REGEX", "drop stacks with a function matching"),
    CLI_OPT_LIST(0, "trim-path", &o.trims, "PREFIX", "remove PREFIX from source paths"),
    CLI_OPT_BOOL(0, "full-path", &o.full_path, "print source paths as in the dump"),
    CLI_OPT_LIST(0, "source-root", &o.source_roots, "DIR",
                 "look for the dump's source files under DIR too (for hints)"),
    CLI_OPT_BOOL(0, "no-source", &o.no_source, "never read source files for hints"),
    CLI_OPT_STRING(0, "dump", &o.dump, "N|last|all",
                   "which dump of a file holding several (default last)"),
    CLI_OPT_SEV(0, "min-severity", &o.min_sev, "table: list findings from SEV up (default low)",
                GM_SEV_LOW),
    CLI_OPT_FAIL(&o.fail, "SEV", "exit 1 if a finding is SEV or worse", GM_FAIL_SEVERITY),
    CLI_OPT_BOOL(0, "no-buckets", &o.no_buckets, "table: findings only"),
    CLI_OPT_INT(0, "max-buckets", &o.max_buckets, "N",
                "table: list the N largest buckets (default 100, 0 = all)", 0, UINT32_MAX, 100),
    CLI_OPT_INT(0, "max-frames", &o.max_frames, "N", "table: frames per bucket (default all)", 0,
                100000, 0),
    CLI_OPT_BOOL(0, "stats", &o.stats,
                 "print time, throughput and memory (heap vs mapped input) to stderr"),
    CLI_OPT_MAX_MEM(&o.max_mem),
    CLI_OPT_END,
};

struct filter {
    int have_state, have_match, have_exclude;
    regex_t state, match, exclude;
};

static int stack_matches(const struct gm_gdump_set *set, uint32_t stack_id, const regex_t *re)
{
    const struct gm_stack *st = gm_stacks_get(&set->stacks, stack_id);
    const uint32_t *ids = gm_stack_frames(&set->stacks, st);
    for (uint32_t k = 0; k < st->nr; k++) {
        if (regexec(re, gm_stacks_func(&set->stacks, ids[k]), 0, NULL, 0) == 0) {
            return 1;
        }
    }
    return st->created_by != GM_NO_FRAME &&
           regexec(re, gm_stacks_func(&set->stacks, st->created_by), 0, NULL, 0) == 0;
}

static int keep(const struct filter *f, const struct gm_gdump_set *set, uint32_t stack_id,
                uint32_t state_id)
{
    if (f->have_state &&
        regexec(&f->state, gm_strtab_cstr(&set->stacks.strs, state_id), 0, NULL, 0) != 0) {
        return 0;
    }
    if (f->have_match && !stack_matches(set, stack_id, &f->match)) {
        return 0;
    }
    if (f->have_exclude && stack_matches(set, stack_id, &f->exclude)) {
        return 0;
    }
    return 1;
}

struct keep_ctx {
    const struct filter *f;
    const struct gm_gdump_set *set;
};

static int keep_bucket(void *ctx, uint32_t stack_id, uint32_t state_id)
{
    const struct keep_ctx *k = ctx;
    return keep(k->f, k->set, stack_id, state_id);
}

static void compile(regex_t *re, const char *src, const char *opt)
{
    int rc = regcomp(re, src, REG_EXTENDED | REG_NOSUB);
    if (rc) {
        char msg[128];
        regerror(rc, re, msg, sizeof(msg));
        cli_die("goroutines: --%s '%s': %s", opt, src, msg);
    }
}

/* What run() keeps across files and dumps. */
struct run_ctx {
    struct filter flt;
    struct gm_paths *paths;
    struct gm_source *src;
    struct gm_records *recs;
    struct gm_out *w;
    enum gm_similarity sim; /* how the dumps are parsed */
    unsigned list_flags;    /* how the listing groups: GM_BUCKET_IGNORE_ARGS by default */
    int min_sev, max_frames, reports;
    uint32_t max_buckets;
};

/* Buckets, findings and the report (table or JSON) of dump di of a file holding n. */
static void report_dump(struct run_ctx *c, const char *file, struct gm_gdump_set *set, uint32_t di,
                        uint32_t n)
{
    const struct gm_dump *d = &set->dumps[di];
    if (d->truncated) {
        cli_err("%s: the dump is truncated at byte %llu (analysing what is there)", file,
                (unsigned long long)d->trunc_off);
    }
    if (d->kind == GM_DUMP_AGGREGATED && !d->from_profile && d->total_declared &&
        d->total_declared != d->goroutines) {
        /* a debug=1 paste cut short (or records dropped by hand): say what is missing */
        cli_err("%s:%llu: the header says %llu goroutines, the records hold %llu (a cut paste? "
                "analysing what is there)",
                file, (unsigned long long)d->line_first, (unsigned long long)d->total_declared,
                (unsigned long long)d->goroutines);
    }
    struct gm_buckets bk;
    struct gm_findings fd;
    memset(&bk, 0, sizeof(bk));
    struct gm_bucket_opts bo = {
        .flags = c->list_flags,
        .max = o.json ? 0 : c->max_buckets,
        .keep = c->flt.have_state || c->flt.have_match || c->flt.have_exclude ? keep_bucket : NULL,
        .keep_ctx = &(struct keep_ctx){&c->flt, set},
    };
    if ((!o.no_buckets || o.json) && gm_bucket_select(set, di, &bo, &bk) < 0) {
        cli_die("out of memory");
    }
    if (gm_findings_goroutines(set, di, c->src, &fd) < 0) {
        cli_die("out of memory");
    }
    /* the static half: a finding the source shows too (gomedic lint's rules) */
    if (!c->src->disabled && gm_lint_confirm(&fd, &set->stacks, c->src) == GM_ENOMEM) {
        cli_die("out of memory");
    }
    /* the hint under the listing: how many groups the other grouping would make */
    uint32_t agg_nr = c->sim != GM_SIM_AGGRESSIVE && !c->list_flags ? fd.groups : 0;
    uint32_t exact_nr = 0;
    if (c->list_flags && c->sim == GM_SIM_EXACT && !o.no_buckets && !o.json) {
        struct gm_buckets ex;
        struct gm_bucket_opts eo = bo; /* the same filter, exact groups, none kept */
        eo.flags = 0;
        eo.max = 1;
        if (gm_bucket_select(set, di, &eo, &ex) < 0) {
            cli_die("out of memory");
        }
        exact_nr = ex.total;
        gm_buckets_release(&ex);
    }
    uint32_t w2 = 0;
    for (uint32_t i = 0; i < fd.nr; i++) {
        if (keep(&c->flt, set, fd.v[i].stack_id, fd.v[i].state_id)) {
            fd.v[w2++] = fd.v[i];
        }
    }
    fd.nr = w2;
    if (gm_records_from_goroutines(set, &fd, c->recs) < 0) {
        cli_die("out of memory");
    }
    struct gm_goroutines_report rep = {
        .file = file,
        .set = set,
        .dump = di,
        .dump_no = di + 1,
        .dumps_in_file = n,
        .buckets = &bk,
        .findings = &fd,
        .paths = c->paths,
        .min_severity = (enum gm_severity)c->min_sev,
        .max_frames = c->max_frames,
        .no_buckets = o.no_buckets,
        .max_buckets = c->max_buckets,
        .analysis_buckets = agg_nr,
        .exact_buckets = exact_nr,
    };
    if (o.json) {
        if (c->reports) {
            gm_out_puts(c->w, ",");
        }
        gm_render_goroutines_json(c->w, &rep);
    } else {
        if (c->reports) {
            gm_out_puts(c->w, "\n");
        }
        gm_render_goroutines_table(c->w, &rep);
    }
    c->reports++;
    gm_buckets_release(&bk);
    gm_findings_release(&fd);
}

/* --dump: -1 the last, 0 all, else N (from 1). */
static long dump_choice(void)
{
    if (!o.dump || strcmp(o.dump, "last") == 0) {
        return -1;
    }
    if (strcmp(o.dump, "all") == 0) {
        return 0;
    }
    char *end;
    long n = strtol(o.dump, &end, 10);
    if (*end || n < 1) {
        cli_die("goroutines: --dump '%s': expected a number from 1, last or all", o.dump);
    }
    return n;
}

static void filter_compile(struct filter *flt)
{
    memset(flt, 0, sizeof(*flt));
    if (o.state) {
        compile(&flt->state, o.state, "state");
        flt->have_state = 1;
    }
    if (o.match) {
        compile(&flt->match, o.match, "match");
        flt->have_match = 1;
    }
    if (o.exclude) {
        compile(&flt->exclude, o.exclude, "exclude");
        flt->have_exclude = 1;
    }
}

static void filter_free(struct filter *flt)
{
    if (flt->have_state) {
        regfree(&flt->state);
    }
    if (flt->have_match) {
        regfree(&flt->match);
    }
    if (flt->have_exclude) {
        regfree(&flt->exclude);
    }
}

/* Loads one file and reports the dumps --dump asks for; 0, or 2 after an error message. */
static int one_file(struct run_ctx *c, const char *file, const struct gm_limits *lim, long want)
{
    struct gm_gdump_set set;
    struct gm_diag diag;
    memset(&diag, 0, sizeof(diag));
    if (gm_gdump_set_init(&set, lim, c->sim) < 0) {
        cli_die("out of memory");
    }
    double t0 = cli_now();
    int n = cli_load_dumps(&set, file, &diag);
    double t_parse = cli_now() - t0;
    int rc = 0;
    if (n < 0) {
        cli_err_diag(file, n, &diag);
        rc = 2;
    } else if (want > n) {
        cli_err("%s: --dump %ld: the file holds %d dumps", file, want, n);
        rc = 2;
    } else {
        gm_paths_learn(c->paths, &set.stacks);
        if (n > 1 && want == -1) {
            cli_err("%s: holds %d dumps; analysing the last (--dump N|all to choose)", file, n);
        }
        for (int di = 0; di < n; di++) {
            if ((want == -1 && di == n - 1) || want == 0 || di == want - 1) {
                report_dump(c, file, &set, (uint32_t)di, (uint32_t)n);
            }
        }
        if (o.stats) {
            uint64_t gs = 0;
            for (uint32_t di = 0; di < set.dumps_nr; di++) {
                gs += set.dumps[di].goroutines;
            }
            cli_print_stats(file, set.input_bytes, gs, t_parse, cli_now() - t0);
        }
    }
    gm_gdump_set_release(&set);
    return rc;
}

static int run(int argc, char **argv, int first)
{
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = o.max_mem;
    long want = dump_choice();
    struct gm_records recs; /* every file's and dump's findings, for --fail-on */
    gm_records_init(&recs);
    struct gm_out w;
    struct gm_paths paths;
    memset(&paths, 0, sizeof(paths));
    paths.mode = o.full_path ? GM_PATH_FULL : GM_PATH_SHORT;
    for (size_t i = 0; i < o.trims.nr && i < GM_MAX_TRIMS; i++) {
        paths.trims[paths.trims_nr++] = o.trims.v[i];
    }
    struct gm_source src;
    gm_source_init(&src);
    src.disabled = o.no_source;
    src.roots = o.source_roots.v;
    src.roots_nr = o.source_roots.nr;
    struct run_ctx c = {
        .paths = &paths,
        .src = &src,
        .recs = &recs,
        .w = &w,
        /* by default the dumps keep their argument values (the exact groups are counted)
         * and the listing ignores them */
        .sim = o.similarity >= 0 ? (enum gm_similarity)o.similarity
               : o.aggressive    ? GM_SIM_AGGRESSIVE
                                 : GM_SIM_EXACT,
        .list_flags = o.similarity < 0 && !o.exact && !o.aggressive
                          ? GM_BUCKET_IGNORE_ARGS | GM_BUCKET_KEEP_LABELS
                          : 0,
        .min_sev = o.min_sev,
        .max_frames = (int)o.max_frames,
        .max_buckets = (uint32_t)o.max_buckets,
    };
    filter_compile(&c.flt);
    cli_out_open(&w, "goroutines", o.out, o.color, o.json);
    int rc = 0, nfiles = argc - first, array = o.json && (nfiles > 1 || want == 0);
    if (array) {
        gm_out_puts(&w, "[");
    }
    for (int fi = first; fi < argc && rc == 0; fi++) {
        rc = one_file(&c, argv[fi], &lim, want);
    }
    if (o.json && (rc == 0 || c.reports)) {
        /* close what was written, also after a later file failed, so stdout stays JSON */
        gm_out_puts(&w, array ? "]\n" : "\n");
    }
    if (cli_out_close(&w, "goroutines")) {
        return 2;
    }
    gm_source_release(&src);
    filter_free(&c.flt);
    int fail_rc = gm_fail_exit(&o.fail, &recs);
    gm_records_release(&recs);
    return rc ? rc : fail_rc;
}

const struct cli_cmd cmd_goroutines = {
    .name = "goroutines",
    .state = &o,
    .state_size = sizeof(o),
    .summary = "Group the goroutines of a dump by stack, name the leak patterns, rank them.",
    .usage = "gomedic goroutines [options] DUMP...",
    .opts = options,
    .run = run,
    .flags = CLI_CMD_READS_FILES,
    .min_operands = 1,
    .max_operands = 0,
    .operands_error = "no dump given",
};
