/* gomedic pprof: top, traces, raw and folded views of any pprof profile, with a base. */
#include "cmd.h"
#include "gm/artifact.h"
#include "gm/render_pprof.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct opts {
    int json, traces, raw, folded;
    const char *out, *color, *index, *base, *diff_base, *focus, *ignore;
    long nodes;
    double node_fraction;
    uint64_t max_mem;
};

static struct opts o;

static const struct cli_opt options[] = {
    CLI_OPTS_OUTPUT(&o.json, &o.out, &o.color, GM_SCHEMA_PPROF),
    CLI_OPT_BOOL(0, "traces", &o.traces, "every sample with its stack (like pprof -traces)"),
    CLI_OPT_BOOL(0, "raw", &o.raw, "samples, locations and mappings (like pprof -raw)"),
    CLI_OPT_BOOL(0, "folded", &o.folded, "folded stacks: 'root;...;leaf value' per sample"),
    CLI_OPT_INT('n', "nodes", &o.nodes, "N", "top: show the first N functions (default all)", 0,
                UINT32_MAX, 0),
    CLI_OPT_DOUBLE(0, "node-fraction", &o.node_fraction, "F",
                   "top table: drop functions whose cum is under F of the total (default 0.005, "
                   "as pprof; 0 keeps all)",
                   0, 1, 0.005),
    CLI_OPT_STRING('i', "sample-index", &o.index, "NAME|N",
                   "sample type to show (default: the profile's default, else the last)"),
    CLI_OPT_STRING(0, "base", &o.base, "PROFILE", "subtract PROFILE (like pprof -base)"),
    CLI_OPT_STRING(0, "diff-base", &o.diff_base, "PROFILE",
                   "subtract PROFILE, percentages of its total (like pprof -diff_base)"),
    CLI_OPT_STRING(0, "focus", &o.focus, "REGEX", "keep samples with a function matching"),
    CLI_OPT_STRING(0, "ignore", &o.ignore, "REGEX", "drop samples with a function matching"),
    CLI_OPT_MAX_MEM(&o.max_mem),
    CLI_OPT_END,
};

static int pick_index(const struct gm_profile *p, const char *want, uint32_t *out)
{
    if (!want) {
        *out = gm_profile_default_index(p);
        return p->types_nr ? 0 : -1;
    }
    int i = gm_profile_type_index(p, want);
    if (i < 0) {
        char *end;
        long v = strtol(want, &end, 10);
        if (*end || v < 0 || v >= (long)p->types_nr) {
            return -1;
        }
        i = (int)v;
    }
    *out = (uint32_t)i;
    return 0;
}

/* The sample type to show (vo->sample_index) and, with a base, the base's of the same name;
 * 0, or 2 when either is not there (reported). */
static int pick_types(const struct gm_profile *prof, const struct gm_profile *base,
                      const char *file, const char *base_file, struct gm_pview_opts *vo)
{
    if (pick_index(prof, o.index, &vo->sample_index) < 0) {
        cli_err("%s: no sample type '%s' (the profile has %u types)", file, o.index ? o.index : "",
                prof->types_nr);
        return 2;
    }
    if (base_file) {
        const char *name = gm_profile_str(prof, prof->types[vo->sample_index].type_id);
        int bi = gm_profile_type_index(base, name);
        if (bi < 0) {
            cli_err("%s: has no sample type '%s' to subtract", base_file, name);
            return 2;
        }
        vo->base = base;
        vo->base_index = (uint32_t)bi;
        vo->diff_base = o.diff_base != NULL;
    }
    return 0;
}

/* Writes the view the options ask for: raw, folded, traces, or the top table (text or JSON). */
static void render_view(struct gm_out *w, const char *file, const char *base_file,
                        const struct gm_profile *prof, struct gm_pview_opts *vo)
{
    if (o.raw) {
        gm_render_pprof_raw(w, prof);
    } else if (o.folded) {
        gm_render_pprof_folded(w, prof, vo->sample_index, vo);
    } else if (o.traces) {
        gm_render_pprof_header(w, file, prof, vo->sample_index);
        gm_render_pprof_traces(w, prof, vo->sample_index, vo);
    } else {
        uint32_t nodes = (uint32_t)o.nodes;
        struct gm_ptop top;
        vo->node_fraction = o.json ? 0 : o.node_fraction; /* JSON lists every function */
        if (gm_ptop_compute(prof, vo, &top) < 0) {
            cli_die("out of memory");
        }
        if (o.json) {
            gm_render_pprof_json(w, file, prof, vo->sample_index, &top, nodes);
            gm_out_puts(w, "\n");
        } else {
            gm_render_pprof_header(w, file, prof, vo->sample_index);
            if (base_file) {
                gm_out_printf(w, "Base: %s subtracted\n", base_file);
            }
            gm_render_pprof_top(w, prof, vo->sample_index, &top, nodes, vo->diff_base);
        }
        gm_ptop_release(&top);
    }
}

static int run(int argc, char **argv, int first)
{
    (void)argc; /* one operand (min = max = 1) */
    if (o.base && o.diff_base) {
        cli_die("pprof: --base and --diff-base exclude each other");
    }
    regex_t focus, ignore;
    if (o.focus && regcomp(&focus, o.focus, REG_EXTENDED | REG_NOSUB)) {
        cli_die("pprof: --focus '%s': not a regular expression", o.focus);
    }
    if (o.ignore && regcomp(&ignore, o.ignore, REG_EXTENDED | REG_NOSUB)) {
        cli_die("pprof: --ignore '%s': not a regular expression", o.ignore);
    }
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = o.max_mem;
    const char *file = argv[first];
    struct gm_profile prof, base;
    struct gm_diag diag;
    memset(&diag, 0, sizeof(diag));
    int rc = cli_load_profile(&prof, file, &lim, &diag);
    if (rc < 0) {
        cli_err_diag(file, rc, &diag);
        return 2;
    }
    const char *base_file = o.base ? o.base : o.diff_base;
    if (base_file) {
        memset(&diag, 0, sizeof(diag));
        rc = cli_load_profile(&base, base_file, &lim, &diag);
        if (rc < 0) {
            cli_err_diag(base_file, rc, &diag);
            gm_profile_release(&prof);
            return 2;
        }
    }
    struct gm_pview_opts vo;
    memset(&vo, 0, sizeof(vo));
    if (pick_types(&prof, &base, file, base_file, &vo) == 2) {
        rc = 2;
        goto out;
    }
    vo.focus = o.focus ? &focus : NULL;
    regex_t *drop = NULL, *base_drop = NULL;
    if (gm_pview_drop_compile(&prof, &drop) < 0 ||
        (base_file && gm_pview_drop_compile(&base, &base_drop) < 0)) {
        cli_die("out of memory");
    }
    vo.drop = drop;
    vo.base_drop = base_drop;
    vo.ignore = o.ignore ? &ignore : NULL;
    struct gm_out w;
    cli_out_open(&w, "pprof", o.out, o.color, o.json);
    render_view(&w, file, base_file, &prof, &vo);
    if (cli_out_close(&w, "pprof")) {
        rc = 2;
    }
    gm_pview_drop_free(drop);
    gm_pview_drop_free(base_drop);
out:
    if (o.focus) {
        regfree(&focus);
    }
    if (o.ignore) {
        regfree(&ignore);
    }
    if (base_file) {
        gm_profile_release(&base);
    }
    gm_profile_release(&prof);
    return rc;
}

const struct cli_cmd cmd_pprof = {
    .name = "pprof",
    .state = &o,
    .state_size = sizeof(o),
    .summary = "Any pprof profile: top functions, traces, raw samples, folded stacks; against "
               "a base.",
    .usage = "gomedic pprof [options] PROFILE",
    .opts = options,
    .run = run,
    .flags = CLI_CMD_READS_FILES,
    .min_operands = 1,
    .max_operands = 1,
    .operands_error = "expected one profile",
};
