/*
 * fuzz_gctrace - gm_gc_analyze() (gctrace/schedtrace/scavenger parsing + GC findings) and
 * both gc renderers.
 *
 * Invariants: the parse never fails on content; the line counts add up (parsed + skipped +
 * detail lines == lines); every finding's evidence lines are within the log; the JSON
 * rendering is well formed; the table rendering does not crash.
 */
#include "gm/render_gc.h"
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = fuzz_guard_copy(data, size);
    struct gm_gc_report r;
    int rc = gm_gc_analyze(p, size, 4096, &r);
    FUZZ_CHECK(rc == 0 || rc == GM_ENOMEM, "gm_gc_analyze returned %d", rc);
    if (rc < 0) {
        return 0;
    }
    const struct gm_gctrace_stats *st = &r.stats;
    uint64_t used = st->gc_lines + st->sched_lines + st->scav_lines + st->detail_lines;
    FUZZ_CHECK(used + st->skipped_lines == st->lines || used > st->lines,
               "lines %llu != used %llu + skipped %llu", (unsigned long long)st->lines,
               (unsigned long long)used, (unsigned long long)st->skipped_lines);
    FUZZ_CHECK(r.log.cycles_nr <= st->gc_lines, "kept %u cycles of %llu", r.log.cycles_nr,
               (unsigned long long)st->gc_lines);
    for (uint32_t i = 0; i < r.findings_nr; i++) {
        for (uint32_t k = 0; k < r.findings[i].lines_nr; k++) {
            uint64_t l = r.findings[i].lines[k];
            FUZZ_CHECK(l >= 1 && l <= st->lines, "evidence line %llu of %llu",
                       (unsigned long long)l, (unsigned long long)st->lines);
        }
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    FUZZ_CHECK(f != NULL, "open_memstream");
    struct gm_out o;
    gm_out_init(&o, f, 0);
    gm_render_gc_json(&o, "fuzz", &r);
    FUZZ_CHECK(gm_out_error(&o) == 0, "write error");
    fclose(f);
    fuzz_json_require("rendered", buf, len);
    free(buf);
    f = fopen("/dev/null", "w");
    FUZZ_CHECK(f != NULL, "/dev/null");
    gm_out_init(&o, f, 1);
    gm_render_gc_table(&o, "fuzz", &r, GM_SEV_INFO);
    fclose(f);
    gm_gc_report_release(&r);
    return 0;
}
