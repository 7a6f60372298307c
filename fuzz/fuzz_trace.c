/*
 * fuzz_trace - gm_trace_analyze() (both execution-trace formats: header, batches, string and
 * stack tables, the merge, the per-goroutine state machine, groups, findings) and both trace
 * renderers.
 *
 * Invariants: an error only for an input with nothing readable (or out of memory); the bytes
 * read never exceed the input; every goroutine is in exactly one group, records are kept
 * for live goroutines only; a finding's group is
 * a group; the JSON rendering is well formed; the report does not crash.
 */
#include "gm/render_trace.h"
#include "harness.h"

static int fuzz_trace_check(const char *in, size_t size);

#ifndef FUZZ_TRACE_CHECK_ONLY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_trace_check((const char *)data, size);
}
#endif

static int fuzz_trace_check(const char *in, size_t size)
{
    const char *p = fuzz_guard_copy((const uint8_t *)in, size);
    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_strtab = 1u << 20;
    struct gm_trace_result r;
    int rc = gm_trace_analyze(p, size, &lim, &r);
    if (rc < 0) {
        FUZZ_CHECK(rc == GM_ENOMEM || r.info.events == 0 || rc == GM_ETOOBIG,
                   "gm_trace_analyze returned %d after %llu events", rc,
                   (unsigned long long)r.info.events);
        gm_trace_result_release(&r);
        return 0;
    }
    FUZZ_CHECK(r.info.bytes <= size, "read %llu of %zu bytes", (unsigned long long)r.info.bytes,
               size);
    uint64_t live = 0;
    for (uint32_t i = 0; i < r.gs_nr; i++) {
        live += r.gs[i].id != 0;
    }
    FUZZ_CHECK(live <= r.goroutines, "%llu records kept of %llu goroutines",
               (unsigned long long)live, (unsigned long long)r.goroutines);
    uint64_t in_groups = 0;
    for (uint32_t i = 0; i < r.groups_nr; i++) {
        in_groups += r.groups[i].count;
    }
    FUZZ_CHECK(in_groups == r.goroutines, "%llu goroutines in groups of %llu",
               (unsigned long long)in_groups, (unsigned long long)r.goroutines);
    for (uint32_t i = 0; i < r.findings_nr; i++) {
        FUZZ_CHECK(r.findings[i].group < (int32_t)r.groups_nr, "finding group %d of %u",
                   r.findings[i].group, r.groups_nr);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    FUZZ_CHECK(f != NULL, "open_memstream");
    struct gm_out o;
    gm_out_init(&o, f, 0);
    gm_render_trace_json(&o, "fuzz", &r, NULL, NULL, NULL);
    FUZZ_CHECK(gm_out_error(&o) == 0, "write error");
    fclose(f);
    fuzz_json_require("rendered", buf, len);
    free(buf);
    f = fopen("/dev/null", "w");
    FUZZ_CHECK(f != NULL, "/dev/null");
    gm_out_init(&o, f, 1);
    gm_render_trace_table(&o, "fuzz", &r, GM_SEV_INFO, 1000);
    fclose(f);
    gm_trace_result_release(&r);
    return 0;
}

#ifdef FUZZ_TRACE_CHECK_ONLY
/* The per-format targets: data[0] picks one of headers (16 bytes each), the rest is the body. */
static int fuzz_trace_with_header(const char *const *headers, size_t nr, const uint8_t *data,
                                  size_t size)
{
    if (size == 0) {
        return 0;
    }
    char *buf = malloc(16 + size - 1);
    if (!buf) {
        return 0;
    }
    memcpy(buf, headers[data[0] % nr], 16);
    memcpy(buf + 16, data + 1, size - 1);
    fuzz_trace_check(buf, 16 + size - 1);
    free(buf);
    return 0;
}
#endif
