/* gomedic heap: one heap profile (top inuse vs alloc, MemStats) or a series (growth). */
#include "cmd.h"
#include "gm/record.h"
#include "gm/artifact.h"
#include "gm/render_heap.h"
#include "gm/render_pprof.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct opts {
    int json;
    const char *out, *color;
    long nodes, sites;
    uint64_t max_mem;
    struct gm_fail_policy fail;
};

static struct opts o;

static const struct cli_opt options[] = {
    CLI_OPTS_OUTPUT(&o.json, &o.out, &o.color, GM_SCHEMA_HEAP),
    CLI_OPT_INT('n', "nodes", &o.nodes, "N", "one profile: functions per table (default 10)", 0,
                UINT32_MAX, 10),
    CLI_OPT_INT(0, "sites", &o.sites, "N", "series: allocation sites listed (default 15)", 0,
                UINT32_MAX, 15),
    CLI_OPT_FAIL(&o.fail, "SEV", "series: exit 1 if a heap-growth finding is SEV or worse",
                 GM_FAIL_SEVERITY),
    CLI_OPT_MAX_MEM(&o.max_mem),
    CLI_OPT_END,
};

static void single(struct gm_out *w, const char *file, const struct gm_profile *p, uint32_t n)
{
    /* in use, then allocated (a legacy profile with one pair has only the in-use "space") */
    const int views[] = {gm_profile_inuse_index(p), gm_profile_type_index(p, "alloc_space")};
    gm_render_pprof_header(w, file, p, gm_profile_default_index(p));
    for (size_t v = 0; v < GM_ARRAY_NR(views); v++) {
        int idx = views[v];
        if (idx < 0) {
            continue;
        }
        struct gm_pview_opts vo;
        memset(&vo, 0, sizeof(vo));
        vo.sample_index = (uint32_t)idx;
        regex_t *drop = NULL;
        struct gm_ptop top;
        if (gm_pview_drop_compile(p, &drop) < 0) {
            cli_die("out of memory");
        }
        vo.drop = drop;
        int rc = gm_ptop_compute(p, &vo, &top);
        gm_pview_drop_free(drop);
        if (rc < 0) {
            cli_die("out of memory");
        }
        gm_out_printf(w, "\n%s:\n", gm_profile_str(p, p->types[idx].type_id));
        gm_render_pprof_top(w, p, (uint32_t)idx, &top, n, 0);
        gm_ptop_release(&top);
    }
    if (p->has_memstats) {
        const struct gm_memstats *m = &p->memstats;
        char a[32], b[32], c[32], d[32], e[32];
        gm_pview_format(a, sizeof(a), m->sys, "bytes");
        gm_pview_format(b, sizeof(b), m->heap_inuse, "bytes");
        gm_pview_format(c, sizeof(c), m->heap_idle - m->heap_released, "bytes");
        gm_pview_format(d, sizeof(d), m->heap_released, "bytes");
        gm_pview_format(e, sizeof(e), m->stack_inuse, "bytes");
        gm_out_printf(w,
                      "\nMemStats: the process holds %s (Sys); heap in use %s, idle but kept %s, "
                      "returned to the OS %s; goroutine stacks %s; %lld GCs\n",
                      a, b, c, d, e, (long long)m->num_gc);
        if (m->sys > 0 && m->heap_inuse >= 0 && m->heap_idle - m->heap_released > m->heap_inuse) {
            gm_out_puts(w, "note: more heap is idle than in use: fragmentation or a past peak; "
                           "RSS will not drop until the scavenger returns it\n");
        }
    }
}

static int run(int argc, char **argv, int first)
{
    int n = argc - first;
    struct gm_records recs;
    gm_records_init(&recs);
    uint32_t nodes = (uint32_t)o.nodes, sites = (uint32_t)o.sites;
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = o.max_mem;
    /* profiles are released once added, the next one decoded meanwhile (gm_series_next):
     * memory is two profiles plus the sites' series, however long the series */
    int series = n > 1 || o.json;
    struct gm_heap_builder *b = series ? gm_heap_begin((uint32_t)n) : NULL;
    if (series && !b) {
        cli_die("out of memory");
    }
    /* the allocation-failure tests (GM_FAIL_ALLOC_AT) need one deterministic order */
    int threaded = series && !getenv("GM_FAIL_ALLOC_AT");
    struct gm_profile_series ser;
    struct gm_profile prof;
    memset(&prof, 0, sizeof(prof));
    int pre = cli_take_profile(argv[first], &lim, &prof); /* decoded by gomedic FILE... */
    gm_series_open(&ser, (const char *const *)(argv + first), (uint32_t)n, &lim, threaded,
                   pre ? &prof : NULL);
    const char *file = NULL;
    struct gm_diag diag;
    int r;
    while ((r = gm_series_next(&ser, &prof, &file, &diag)) == 1) {
        if (gm_profile_inuse_index(&prof) < 0) {
            cli_err("%s: not a heap profile (no inuse_space sample type)", file);
            gm_profile_release(&prof);
            gm_series_close(&ser);
            gm_heap_abort(b);
            return 2;
        }
        if (b) {
            r = gm_heap_add(b, &prof);
            gm_profile_release(&prof);
            if (r < 0) {
                gm_series_close(&ser);
                gm_heap_abort(b);
                cli_die("heap: %s: %s", file, gm_strerror(r));
            }
        }
    }
    gm_series_close(&ser);
    if (r < 0) {
        cli_err_diag(file, r, &diag);
        gm_heap_abort(b);
        return 2;
    }
    struct gm_out w;
    cli_out_open(&w, "heap", o.out, o.color, o.json);
    if (!b) {
        single(&w, argv[first], &prof, nodes);
        gm_profile_release(&prof);
    } else {
        struct gm_heap_result res;
        if (gm_heap_finish(b, &res) < 0) {
            cli_die("out of memory");
        }
        if (gm_records_from_heap(&res, &recs) < 0) {
            cli_die("out of memory");
        }
        if (o.json) {
            gm_render_heap_json(&w, &res, (const char *const *)(argv + first));
            gm_out_puts(&w, "\n");
        } else {
            gm_render_heap_table(&w, &res, (const char *const *)(argv + first), sites);
        }
        gm_heap_release(&res);
    }
    int rc = cli_out_close(&w, "heap") ? 2 : gm_fail_exit(&o.fail, &recs);
    gm_records_release(&recs);
    return rc;
}

const struct cli_cmd cmd_heap = {
    .name = "heap",
    .state = &o,
    .state_size = sizeof(o),
    .summary = "Heap profiles: top inuse and alloc sites of one; growth, changepoint and "
               "verdict per allocation site over a series.",
    .usage = "gomedic heap [options] PROFILE...",
    .opts = options,
    .run = run,
    .flags = CLI_CMD_READS_FILES,
    .min_operands = 1,
    .max_operands = 0,
    .operands_error = "no profile given",
};
