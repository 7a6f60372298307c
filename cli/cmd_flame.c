/* gomedic flame: interactive flame graphs (SVG/HTML) or folded stacks of a profile or dump. */
#include "cmd.h"
#include "gm/artifact.h"
#include "gm/flame.h"
#include "gm/gdump.h"
#include "gm/input.h"
#include "gm/pview.h"
#include "gm/sniff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct opts {
    int icicle;
    const char *out, *index, *base, *title;
    int format; /* -1: from the -o name */
    long width;
};

static struct opts o;

static const struct cli_opt options[] = {
    CLI_OPT_STRING('o', "output", &o.out, "FILE",
                   "write to FILE; .svg, .html or anything else (folded) picks the format"),
    /* the order of enum gm_flame_format */
    CLI_OPT_ENUM('f', "format", &o.format, "FMT", "svg, html or folded (default: from -o)",
                 "svg|html|folded", -1),
    CLI_OPT_STRING('i', "sample-index", &o.index, "NAME|N",
                   "profile sample type (default: the profile's default, else the last)"),
    CLI_OPT_STRING(0, "base", &o.base, "FILE",
                   "differential graph against FILE (same kind): red grew, blue shrank"),
    CLI_OPT_STRING(0, "title", &o.title, "TEXT", "title of the graph"),
    CLI_OPT_INT(0, "width", &o.width, "PX", "width in pixels (default 1200)", 100, 100000, 1200),
    CLI_OPT_BOOL(0, "icicle", &o.icicle, "root at the top instead of the bottom"),
    CLI_OPT_END,
};

struct input {
    int is_profile;
    struct gm_profile prof;
    struct gm_gdump_set set;
};

static int load(struct input *in, const char *file, struct gm_diag *diag)
{
    struct gm_limits lim;
    gm_limits_default(&lim);
    memset(in, 0, sizeof(*in));
    struct gm_artifact a;
    struct gm_artifact_opts ao = {.lim = &lim,
                                  .want = GM_WANT_DUMPS | GM_WANT_PROFILE,
                                  .want_text = "a pprof profile or a goroutine dump"};
    GM_TRY(cli_open(&a, file, &ao, diag));
    int rc;
    if (a.has_profile) {
        in->is_profile = 1;
        in->prof = a.profile;
        a.has_profile = 0;
        rc = 0;
    } else if ((rc = gm_gdump_set_init(&in->set, &lim, GM_SIM_AGGRESSIVE)) >= 0) {
        rc = gm_artifact_dumps(&a, &in->set, diag);
        if (rc < 0) {
            gm_gdump_set_release(&in->set);
        }
    }
    gm_artifact_close(&a);
    return rc;
}

static void unload(struct input *in)
{
    if (in->is_profile) {
        gm_profile_release(&in->prof);
    } else {
        gm_gdump_set_release(&in->set);
    }
}

/* The output format: --format (svg|html|folded: GM_FLAME_SVG.. in order), else the -o name's
 * extension, else folded. */
static enum gm_flame_format out_format(void)
{
    enum gm_flame_format fmt = GM_FLAME_FOLDED;
    if (o.format >= 0) {
        fmt = (enum gm_flame_format)(o.format + GM_FLAME_SVG);
    } else if (o.out) {
        size_t l = strlen(o.out);
        fmt = l > 4 && strcmp(o.out + l - 4, ".svg") == 0    ? GM_FLAME_SVG
              : l > 5 && strcmp(o.out + l - 5, ".html") == 0 ? GM_FLAME_HTML
                                                             : GM_FLAME_FOLDED;
    }
    return fmt;
}

/* The sample type (a profile's, from --sample-index), its unit and the default title; 0, or 2
 * when the sample type is not there (reported). */
static int pick_sample(const struct input *in, const char *file, uint32_t *index, const char **unit,
                       char *title, size_t cap)
{
    if (!in->is_profile) {
        snprintf(title, cap, "%s (goroutines per stack)", file);
        return 0;
    }
    *index = gm_profile_default_index(&in->prof);
    if (o.index) {
        int i = gm_profile_type_index(&in->prof, o.index);
        char *end;
        long v = strtol(o.index, &end, 10);
        if (i < 0 && (*end || v < 0 || v >= (long)in->prof.types_nr)) {
            cli_err("%s: no sample type '%s'", file, o.index);
            return 2;
        }
        *index = i >= 0 ? (uint32_t)i : (uint32_t)v;
    }
    if (in->prof.types_nr == 0) {
        cli_err("%s: the profile has no sample types", file);
        return 2;
    }
    *unit = gm_profile_str(&in->prof, in->prof.types[*index].unit_id);
    snprintf(title, cap, "%s (%s)", file,
             gm_profile_str(&in->prof, in->prof.types[*index].type_id));
    return 0;
}

/* Adds the stacks of the input, then of the base (NULL: none) to the graph; 2 when the base
 * lacks the sample type (reported), else as gm_flame_add. */
static int fill_graph(struct gm_flame *f, struct gm_strtab *names, const struct input *in,
                      const struct input *base, uint32_t index)
{
    int rc;
    if (in->is_profile) {
        rc = gm_flame_add_profile(f, names, &in->prof, index, 0);
        if (rc >= 0 && base) {
            const char *tn = gm_profile_str(&in->prof, in->prof.types[index].type_id);
            int bi = gm_profile_type_index(&base->prof, tn);
            if (bi < 0) {
                cli_err("%s: has no sample type '%s'", o.base, tn);
                rc = 2;
            } else {
                rc = gm_flame_add_profile(f, names, &base->prof, (uint32_t)bi, 1);
            }
        }
    } else {
        rc = gm_flame_add_dump(f, names, &in->set, 0);
        if (rc >= 0 && base) {
            rc = gm_flame_add_dump(f, names, &base->set, 1);
        }
    }
    return rc;
}

/* Renders the graph to -o (or stdout) unless filling it failed (rc); returns the exit code. */
static int write_graph(const struct gm_flame *f, enum gm_flame_format fmt, int width, int rc)
{
    if (rc == 2) {
        /* already reported (the base lacks the sample type): no half-made graph */
    } else if (rc >= 0) {
        struct gm_out w;
        cli_out_open(&w, "flame", o.out, NULL, 1);
        gm_flame_render(&w, f, fmt, width, 0.1);
        if (w.err == ENOMEM) {
            cli_die("out of memory"); /* the renderer's scratch stack could not grow */
        }
        rc = cli_out_close(&w, "flame");
    } else if (rc < 0) {
        cli_err("flame: %s", gm_strerror(rc));
        rc = 2;
    }
    return rc;
}

static int run(int argc, char **argv, int first)
{
    (void)argc; /* one operand (min = max = 1) */
    enum gm_flame_format fmt = out_format();
    int width = (int)o.width;
    const char *file = argv[first];
    struct input in, base;
    struct gm_diag diag;
    memset(&diag, 0, sizeof(diag));
    int rc = load(&in, file, &diag);
    if (rc < 0) {
        cli_err_diag(file, rc, &diag);
        return 2;
    }
    int have_base = 0, loaded = 1;
    if (o.base) {
        memset(&diag, 0, sizeof(diag));
        rc = load(&base, o.base, &diag);
        if (rc < 0) {
            cli_err_diag(o.base, rc, &diag);
            unload(&in);
            return 2;
        }
        have_base = 1;
        if (base.is_profile != in.is_profile) {
            cli_err("flame: %s and %s are not the same kind of input", file, o.base);
            rc = 2;
            goto out;
        }
    }
    struct gm_strtab names;
    if (gm_strtab_init(&names, 0) < 0) {
        cli_die("out of memory");
    }
    uint32_t index = 0;
    const char *unit = "goroutines";
    char title[128];
    if (pick_sample(&in, file, &index, &unit, title, sizeof(title)) == 2) {
        rc = 2;
        gm_strtab_release(&names);
        goto out;
    }
    struct gm_flame f;
    if (gm_flame_init(&f, &names, o.title ? o.title : title, unit) < 0) {
        cli_die("out of memory");
    }
    f.icicle = o.icicle;
    rc = fill_graph(&f, &names, &in, have_base ? &base : NULL, index);
    if (rc == GM_ENOMEM) {
        cli_die("out of memory");
    }
    /* the graph holds its own names and values: drop its index and the inputs before the
       render, so the peak is the graph, not the graph plus the decoded profiles */
    gm_flame_seal(&f);
    if (have_base) {
        unload(&base);
        have_base = 0;
    }
    unload(&in);
    loaded = 0;
    rc = write_graph(&f, fmt, width, rc);
    gm_flame_release(&f);
    gm_strtab_release(&names);
out:
    if (have_base) {
        unload(&base);
    }
    if (loaded) {
        unload(&in);
    }
    return rc;
}

const struct cli_cmd cmd_flame = {
    .name = "flame",
    .state = &o,
    .state_size = sizeof(o),
    .summary = "Flame graph (interactive SVG/HTML, or folded stacks) of a profile or a goroutine "
               "dump; differential against a base.",
    .usage = "gomedic flame [options] PROFILE|DUMP",
    .opts = options,
    .run = run,
    .flags = CLI_CMD_READS_FILES,
    .min_operands = 1,
    .max_operands = 1,
    .operands_error = "expected one profile or dump",
};
