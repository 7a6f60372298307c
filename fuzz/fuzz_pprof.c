/*
 * fuzz_pprof - the one loader asked for a profile (gm_artifact_open_mem: gm_pprof_parse() or
 * gm_heaptext_parse(), chosen by the sniffer), then every view: top (with the profile as its own
 * base), traces, raw, folded, JSON, the heap growth analysis over the profile twice, and the
 * goroutine conversion.
 *
 * Invariants: a failed parse fills the diag; a profile's indices are all in range (sample
 * locations, location lines, line functions, value offsets); top against itself as base
 * totals 0; the JSON renders well formed.
 */
#include "gm/artifact.h"
#include "gm/gdump.h"
#include "gm/render_pprof.h"
#include "gm/render_heap.h"
#include "gm/render_goroutines.h"
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = fuzz_guard_copy(data, size);
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_strtab = 16u << 20;
    struct gm_artifact a;
    struct gm_diag diag;
    memset(&diag, 0, sizeof(diag));
    struct gm_artifact_opts ao = {.lim = &lim, .want = GM_WANT_PROFILE};
    int rc = gm_artifact_open_mem(&a, "fuzz", p, size, &ao, &diag);
    if (rc < 0) {
        FUZZ_CHECK(diag.code == rc || rc == GM_ENOMEM, "diag code %d, rc %d", diag.code, rc);
        return 0;
    }
    FUZZ_CHECK(a.has_profile, "a wanted profile was not decoded");
    struct gm_profile prof = a.profile; /* moved out */
    a.has_profile = 0;
    gm_artifact_close(&a);
    for (uint32_t i = 0; i < prof.samples_nr; i++) {
        const struct gm_pprof_sample *s = &prof.samples[i];
        for (uint32_t k = 0; k < s->loc_nr; k++) {
            FUZZ_CHECK(prof.locs[s->loc_off + k] < prof.locations_nr, "location index");
        }
    }
    for (uint32_t i = 0; i < prof.locations_nr; i++) {
        const struct gm_pprof_location *l = &prof.locations[i];
        FUZZ_CHECK(l->line_off + l->line_nr <= prof.lines_nr, "line range");
        for (uint32_t k = 0; k < l->line_nr; k++) {
            uint32_t f = prof.lines[l->line_off + k].func;
            FUZZ_CHECK(f == UINT32_MAX || f < prof.functions_nr, "function index");
        }
    }
    if (prof.types_nr) {
        struct gm_pview_opts vo;
        memset(&vo, 0, sizeof(vo));
        vo.sample_index = gm_profile_default_index(&prof);
        vo.base = &prof;
        vo.base_index = vo.sample_index;
        regex_t *drop = NULL;
        if (gm_pview_drop_compile(&prof, &drop) < 0) {
            gm_profile_release(&prof);
            return 0;
        }
        vo.drop = vo.base_drop = drop;
        struct gm_ptop top;
        /* exact arithmetic only while no sum can saturate */
        int small = 1;
        for (uint32_t i = 0; i < prof.samples_nr && small; i++) {
            int64_t v = prof.values[prof.samples[i].val_off + vo.sample_index];
            small = v > -((int64_t)1 << 40) && v < ((int64_t)1 << 40);
        }
        if (gm_ptop_compute(&prof, &vo, &top) == 0) {
            FUZZ_CHECK(!small || top.total == 0, "a profile minus itself totals %lld",
                       (long long)top.total);
            gm_ptop_release(&top);
        }
        vo.base = NULL;
        if (gm_ptop_compute(&prof, &vo, &top) == 0) {
            struct fuzz_sink k;
            fuzz_sink_open(&k);
            struct gm_out o;
            gm_out_init(&o, k.f, 0);
            gm_render_pprof_json(&o, "fuzz", &prof, vo.sample_index, &top, 0);
            fuzz_sink_close(&k);
            fuzz_json_require("pprof", k.buf, k.len);
            free(k.buf);
            FILE *f = fopen("/dev/null", "w");
            FUZZ_CHECK(f != NULL, "/dev/null");
            gm_out_init(&o, f, 0);
            gm_render_pprof_header(&o, "fuzz", &prof, vo.sample_index);
            gm_render_pprof_top(&o, &prof, vo.sample_index, &top, 10, 0);
            gm_render_pprof_traces(&o, &prof, vo.sample_index, &vo);
            gm_render_pprof_raw(&o, &prof);
            gm_render_pprof_folded(&o, &prof, vo.sample_index, &vo);
            fclose(f);
            gm_ptop_release(&top);
        }
        gm_pview_drop_free(drop);
    }
    if (gm_profile_type_index(&prof, "inuse_space") >= 0) {
        struct gm_profile two[2] = {prof, prof};
        struct gm_heap_result hr;
        if (gm_heap_analyze(two, 2, &hr) == 0) {
            gm_heap_release(&hr);
        }
    }
    struct gm_gdump_set set;
    if (gm_gdump_set_init(&set, &lim, GM_SIM_AGGRESSIVE) == 0) {
        memset(&diag, 0, sizeof(diag));
        (void)gm_gdump_add_profile(&set, &prof, &diag);
        gm_gdump_set_release(&set);
    }
    gm_profile_release(&prof);
    return 0;
}
