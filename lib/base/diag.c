/* Error codes, diagnostics and small slice helpers. */
#include "gm/base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

const char *gm_strerror(int code)
{
    switch (code) {
    case GM_OK:
        return "success";
    case GM_ENOMEM:
        return "out of memory";
    case GM_EIO:
        return "input/output error";
    case GM_EFORMAT:
        return "malformed input";
    case GM_ETRUNC:
        return "truncated input";
    case GM_ETOOBIG:
        return "input over a size limit";
    case GM_EUNSUPP:
        return "unsupported input";
    case GM_EINVAL:
        return "invalid argument";
    default:
        return "unknown error";
    }
}

int gm_diag_set(struct gm_diag *diag, int code, uint64_t off, uint64_t line, const char *fmt, ...)
{
    if (diag) {
        diag->code = code;
        diag->off = off;
        diag->line = line;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
        va_end(ap);
    }
    return code;
}

void gm_limits_default(struct gm_limits *lim)
{
    lim->max_input = (uint64_t)8 << 30;
    lim->max_frames = 1024;
    lim->max_line = 1u << 20;
    lim->max_strtab = (uint64_t)1 << 30;
}

_Noreturn void gm_bug(const char *file, int line, const char *msg)
{
    fprintf(stderr, "gomedic: BUG at %s:%d: %s\n", file, line, msg);
    abort();
}

int gm_str_eq(struct gm_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.p, lit, n) == 0;
}

int gm_str_has_prefix(struct gm_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.p, lit, n) == 0;
}
