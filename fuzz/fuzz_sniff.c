/*
 * fuzz_sniff - gm_sniff() and gm_input_from_mem() (gzip inflation with libdeflate).
 *
 * The input is any artifact. gm_sniff must return a valid enum gm_kind (and GM_KIND_GZIP
 * exactly when the input starts with the gzip magic) without reading past the input, which
 * is copied before a PROT_NONE page. gm_input_from_mem inflates gzip with a 1 MiB cap; on
 * success the content is sniffed again (as the CLI does) and its every byte read.
 */
#include "gm/artifact.h"
#include "gm/input.h"
#include "gm/sniff.h"
#include "harness.h"

static enum gm_kind sniff_checked(const char *p, size_t len)
{
    enum gm_kind k = gm_sniff(p, len);
    FUZZ_CHECK((unsigned)k <= GM_KIND_TRACE, "gm_sniff returned %d", (int)k);
    const char *name = gm_kind_name(k);
    FUZZ_CHECK(name != NULL && name[0] != '\0', "no name for kind %d", (int)k);
    int magic = len >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b;
    FUZZ_CHECK((k == GM_KIND_GZIP) == magic, "kind %s but gzip magic %d", name, magic);
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = fuzz_guard_copy(data, size);
    enum gm_kind k = sniff_checked(p, size);

    struct gm_limits lim;
    gm_limits_default(&lim);
    lim.max_input = 1u << 20;
    struct gm_input in;
    struct gm_diag diag;
    memset(&diag, 0, sizeof(diag));
    int rc = gm_input_from_mem(&in, "fuzz", p, size, &lim, &diag);
    if (rc < 0) {
        FUZZ_CHECK(k == GM_KIND_GZIP, "from_mem failed (%d) on a non-gzip input", rc);
        FUZZ_CHECK(rc >= GM_EINVAL, "unknown error code %d", rc);
        FUZZ_CHECK(memchr(diag.msg, '\0', sizeof(diag.msg)) != NULL, "diag.msg unterminated");
        return 0;
    }
    FUZZ_CHECK(in.len <= lim.max_input || k != GM_KIND_GZIP, "inflated %zu > max_input %llu",
               in.len, (unsigned long long)lim.max_input);
    if (k == GM_KIND_GZIP) {
        FUZZ_CHECK(in.was_gzip, "gzip input not inflated");
        /* Read every inflated byte (ASan checks the heap buffer's bounds). */
        unsigned sum = 0;
        for (size_t i = 0; i < in.len; i++) {
            sum += (unsigned char)in.p[i];
        }
        (void)sum;
        if (in.len) {
            /* Sniff the content again before a guard page, as the CLI does after inflating. */
            size_t n = in.len;
            uint8_t *copy = malloc(n);
            FUZZ_CHECK(copy != NULL, "out of memory");
            memcpy(copy, in.p, n);
            gm_input_close(&in);
            (void)sniff_checked(fuzz_guard_copy(copy, n), n);
            free(copy);
            return 0;
        }
    } else {
        FUZZ_CHECK(!in.was_gzip && in.p == p && in.len == size, "plain input was not wrapped");
    }
    gm_input_close(&in);

    /* The one loader on the same bytes: inflated once, sniffed once, a profile decoded. */
    struct gm_artifact a;
    memset(&diag, 0, sizeof(diag));
    rc = gm_artifact_open_mem(&a, "fuzz", p, size, &(struct gm_artifact_opts){.lim = &lim}, &diag);
    if (rc < 0) {
        FUZZ_CHECK(diag.code == rc || rc == GM_ENOMEM, "artifact: diag code %d, rc %d", diag.code,
                   rc);
        return 0;
    }
    FUZZ_CHECK(a.kind != GM_KIND_GZIP, "artifact kind is still gzip");
    FUZZ_CHECK(a.has_profile == (a.kind == GM_KIND_PPROF || a.kind == GM_KIND_HEAPTEXT),
               "profile decoded for kind %d: %d", (int)a.kind, a.has_profile);
    gm_artifact_close(&a);
    return 0;
}
