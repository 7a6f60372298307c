/*
 * fuzz_lint - gm_lint_buffers() (tree-sitter's Go grammar, the package facts, every rule,
 * gm_go_funcname) and the three lint renderers, on one Go file of any bytes.
 *
 * Invariants: the lint never fails on content; every finding has a catalogue kind, a
 * function and a line inside the file; the JSON and SARIF renderings are well formed.
 */
#include "gm/render_lint.h"
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = fuzz_guard_copy(data, size);
    struct gm_lint l;
    gm_lint_init(&l);
    const char *names[] = {"fuzz.go"};
    const char *srcs[] = {p};
    size_t lens[] = {size};
    int rc = gm_lint_buffers(&l, "example.com/fuzz", 21, names, srcs, lens, 1);
    FUZZ_CHECK(rc == 0 || rc == GM_ENOMEM, "gm_lint_buffers returned %d", rc);
    for (uint32_t i = 0; i < l.nr; i++) {
        const struct gm_lint_finding *x = &l.v[i];
        FUZZ_CHECK(x->kind && x->function && x->function[0], "finding %u: no kind or function", i);
        FUZZ_CHECK(x->line >= 1 && x->line <= l.lines + 1, "finding %u at line %u of %llu", i,
                   x->line, (unsigned long long)l.lines);
    }
    struct fuzz_sink k;
    struct gm_out o;
    fuzz_sink_open(&k);
    gm_out_init(&o, k.f, 0);
    gm_render_lint_json(&o, &l);
    fuzz_sink_close(&k);
    fuzz_json_require("lint", k.buf, k.len);
    free(k.buf);
    fuzz_sink_open(&k);
    gm_out_init(&o, k.f, 0);
    gm_render_lint_sarif(&o, &l, "/src", "0");
    fuzz_sink_close(&k);
    fuzz_json_require("sarif", k.buf, k.len);
    free(k.buf);
    fuzz_sink_open(&k);
    gm_out_init(&o, k.f, 0);
    gm_render_lint_table(&o, &l, GM_SEV_INFO);
    fuzz_sink_close(&k);
    free(k.buf);
    gm_lint_release(&l);
    return 0;
}
