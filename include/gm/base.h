/*
 * gm/base.h - error codes, diagnostics, byte slices and limits shared by every module.
 *
 * Conventions of the whole library:
 *  - functions return 0 or a negative enum gm_errcode; the library never prints or exits;
 *  - parsers fill a caller-owned struct gm_diag on failure and leave it untouched on success;
 *  - inputs are (pointer, length) pairs and are never assumed to be NUL-terminated;
 *  - every table and buffer has a cap taken from struct gm_limits, so hostile input gives
 *    GM_ETOOBIG instead of unbounded memory.
 */
#ifndef GM_BASE_H
#define GM_BASE_H

#include <stddef.h>
#include <stdint.h>

enum gm_errcode {
    GM_OK = 0,
    GM_ENOMEM = -1,  /* allocation failed */
    GM_EIO = -2,     /* read/map/write failed; errno-style detail in the diag */
    GM_EFORMAT = -3, /* input is not what was expected at diag.off/diag.line */
    GM_ETRUNC = -4,  /* input ends in the middle of a record */
    GM_ETOOBIG = -5, /* a struct gm_limits cap was hit */
    GM_EUNSUPP = -6, /* recognised but unsupported input */
    GM_EINVAL = -7,  /* bad argument from the caller */
};

/* Returns a static lowercase description of an error code. */
const char *gm_strerror(int code);

/* A byte slice; usually points into a mapped input and is not NUL-terminated. */
struct gm_str {
    const char *p;
    size_t len;
};

#define GM_STR_LIT(s) ((struct gm_str){(s), sizeof(s) - 1})

/* Diagnostic of the first error a parser met. Owned by the caller. */
struct gm_diag {
    int code;         /* enum gm_errcode */
    const char *file; /* borrowed name of the input, or NULL */
    uint64_t off;     /* byte offset in the input where the problem is */
    uint64_t line;    /* 1-based line number, 0 when not line oriented */
    char msg[200];    /* "expected X, got Y" */
};

/* Records an error in diag (if non-NULL) and returns code. printf-like. */
int gm_diag_set(struct gm_diag *diag, int code, uint64_t off, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Caps that keep memory bounded on hostile input. */
struct gm_limits {
    uint64_t max_input;  /* bytes of (decompressed) input accepted */
    uint32_t max_frames; /* frames kept per goroutine; deeper stacks are cut and marked */
    uint32_t max_line;   /* longest line looked at; longer lines are skipped */
    uint64_t max_strtab; /* bytes of interned strings */
};

/* Defaults: 8 GiB input, 1024 frames, 1 MiB lines, 1 GiB strings. */
void gm_limits_default(struct gm_limits *lim);

/* Forward a negative code. */
#define GM_TRY(expr)                                                                               \
    do {                                                                                           \
        int gm_try_rc_ = (expr);                                                                   \
        if (gm_try_rc_ < 0)                                                                        \
            return gm_try_rc_;                                                                     \
    } while (0)

#define GM_UNUSED(x)   ((void)(x))
#define GM_ARRAY_NR(a) (sizeof(a) / sizeof((a)[0]))
#define GM_MIN(a, b)   ((a) < (b) ? (a) : (b))
#define GM_MAX(a, b)   ((a) > (b) ? (a) : (b))

/* In a parser: unless COND holds, fill DIAG with a GM_EFORMAT at byte OFF / line LINE (printf
 * message) and return GM_EFORMAT from the calling function. Bad input is never a GM_BUG. */
#define GM_EXPECT(cond, diag, off, line, ...)                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return gm_diag_set((diag), GM_EFORMAT, (off), (line), __VA_ARGS__);                    \
    } while (0)

/* At a model boundary: COND must hold whatever the input was; a broken one is a bug of ours. */
#define GM_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond))                                                                               \
            gm_bug(__FILE__, __LINE__, "assertion failed: " #cond);                                \
    } while (0)

/* Aborts with file:line; for broken invariants only, never for bad input. */
#define GM_BUG(msg) gm_bug(__FILE__, __LINE__, (msg))
_Noreturn void gm_bug(const char *file, int line, const char *msg);

/* a += v, saturating at INT64_MIN/INT64_MAX (profile values are hostile input). */
static inline void gm_sat_add(int64_t *a, int64_t v)
{
    if (__builtin_add_overflow(*a, v, a)) {
        *a = v > 0 ? INT64_MAX : INT64_MIN;
    }
}

/* The value of a hexadecimal digit (either case), or -1. */
static inline int gm_hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Equality of a slice with a C string literal. */
int gm_str_eq(struct gm_str s, const char *lit);
/* Prefix test of a slice against a C string. */
int gm_str_has_prefix(struct gm_str s, const char *lit);

#endif
