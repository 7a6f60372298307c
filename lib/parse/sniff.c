/* Artifact sniffing: cheap checks on a bounded prefix of the input. */
#define _GNU_SOURCE
#include "gm/sniff.h"
#include "gm/paste.h"

#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static const char *names[] = {
    "unknown",         "gzip data",           "goroutine dump", "goroutine dump (debug=1)",
    "pprof profile",   "legacy heap profile", "GC trace log",   "race detector log",
    "execution trace",
};

const char *gm_kind_name(enum gm_kind k)
{
    return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown";
}

static int line_starts(const char *p, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len >= n && memcmp(p, lit, n) == 0;
}

enum gm_kind gm_sniff(const char *p, size_t len)
{
    if (len >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b) {
        return GM_KIND_GZIP;
    }
    if (len >= 16 && memcmp(p, "go 1.", 5) == 0 && memchr(p, '\0', 16) &&
        memmem(p, 16, " trace", 6)) {
        return GM_KIND_TRACE;
    }
    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3; /* a UTF-8 byte order mark */
        len -= 3;
    }
    size_t lim = len < 65536 ? len : 65536;
    int gc = 0;
    /* a dump or a race log in a log collector's lines or a paste (gm/paste.h) */
    static const char *const anchors[] = {"goroutine ", "WARNING: DATA RACE",
                                          "heap profile: ", NULL};
    struct gm_paste paste;
    gm_paste_detect(p, lim, anchors, &paste);
    int dressed = gm_paste_dressed(&paste);
    char buf[512];
    for (size_t pos = 0; pos < lim;) {
        const char *nl = memchr(p + pos, '\n', lim - pos);
        size_t end = nl ? (size_t)(nl - p) : lim;
        const char *s = p + pos;
        size_t n = end - pos;
        if (dressed) {
            struct gm_str u = gm_paste_line(&paste, (struct gm_str){s, n}, buf, sizeof(buf));
            s = u.p;
            n = u.len;
        }
        if (line_starts(s, n, "goroutine profile: total ") ||
            line_starts(s, n, "goroutineleak profile: total ")) {
            return GM_KIND_GDUMP_AGG;
        }
        if (line_starts(s, n, "goroutine ") && n > 11 && s[10] >= '0' && s[10] <= '9' &&
            memchr(s, '[', n)) {
            return GM_KIND_GDUMP;
        }
        if (line_starts(s, n, "WARNING: DATA RACE")) {
            return GM_KIND_RACE;
        }
        if (line_starts(s, n, "heap profile: ")) {
            return GM_KIND_HEAPTEXT;
        }
        if ((memmem(s, n, " ms clock, ", 11) && memmem(s, n, "gc ", 3)) ||
            (memmem(s, n, "SCHED ", 6) && memmem(s, n, "gomaxprocs=", 11))) {
            gc++;
        }
        if (!nl) {
            break;
        }
        pos = end + 1;
    }
    if (gc) {
        return GM_KIND_GCTRACE;
    }
    /* protobuf: the first byte is a Profile field key (fields 1-15, varint or
     * length-delimited; Go starts with 1, 11 or 9 depending on the kind); text is all
     * printable, a profile is not */
    unsigned char k = len ? (unsigned char)p[0] : 0;
    if (len >= 2 && ((k & 7) == 0 || (k & 7) == 2) && (k >> 3) >= 1 && (k >> 3) <= 15) {
        size_t n = len < 256 ? len : 256;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)p[i];
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
                return GM_KIND_PPROF;
            }
        }
    }
    return GM_KIND_UNKNOWN;
}

/* Word i of a legacy binary CPU profile's header (native endianness, 8 or 4 bytes a word). */
static uint64_t word(const char *p, size_t i, size_t w)
{
    uint64_t v = 0;
    for (size_t k = w; k-- > 0;) { /* little-endian: Go's platforms that wrote it */
        v = (v << 8) | (unsigned char)p[i * w + k];
    }
    return v;
}

const char *gm_sniff_legacy(const char *p, size_t len)
{
    /* header words: 0, 3 (words in it), 0 (version), sampling period (us), 0 */
    for (size_t w = 8; w >= 4; w -= 4) {
        if (len >= 5 * w && word(p, 0, w) == 0 && word(p, 1, w) == 3 && word(p, 2, w) == 0 &&
            word(p, 3, w) > 0 && word(p, 3, w) < 100000000 && word(p, 4, w) == 0) {
            return "a legacy binary CPU profile (Go 1.8 and older)";
        }
    }
    if (line_starts(p, len, "--- contention:")) {
        return "a legacy text contention profile (debug=1 block profile)";
    }
    if (line_starts(p, len, "--- mutex:")) {
        return "a legacy text mutex profile (debug=1)";
    }
    if (line_starts(p, len, "threadcreate profile: total ")) {
        return "a text threadcreate profile (debug=1)";
    }
    return NULL;
}

int gm_sniff_binary(const char *p, size_t len)
{
    size_t n = len < 4096 ? len : 4096, ctl = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == 0) {
            return 1;
        }
        ctl += c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b;
    }
    return n && ctl * 32 > n;
}

int gm_sniff_found_text(const char *p, size_t len, const char *want, struct gm_diag *diag)
{
    size_t n = len < 512 ? len : 512;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            return 0;
        }
    }
    if (n == 0) {
        return 0;
    }
    char ex[64];
    size_t k = 0;
    for (; k < len && k < 48 && p[k] != '\n'; k++) {
        unsigned char c = (unsigned char)p[k];
        ex[k] = c < 0x20 || c > 0x7e ? '?' : (char)c;
    }
    ex[k] = '\0';
    return gm_diag_set(diag, GM_EFORMAT, 0, 1, "expected %s, found text: '%s%s'", want, ex,
                       k < len && p[k] != '\n' ? "..." : "");
}
