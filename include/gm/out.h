/*
 * gm/out.h - the output side shared by all renderers: a sticky-error writer, JSON string
 * escaping, ANSI colour, and source-path shortening.
 *
 * A writer remembers the first write error; renderers just write and the caller checks
 * gm_out_error() once at the end (exit 2 on failure). Nothing here allocates per call.
 */
#ifndef GM_OUT_H
#define GM_OUT_H

#include <stdio.h>

#include "gm/base.h"
#include "gm/stack.h"

struct gm_out {
    FILE *f;   /* destination */
    int err;   /* first errno-like failure, sticky */
    int color; /* 1 = emit ANSI colour */
};

void gm_out_init(struct gm_out *o, FILE *f, int color);
void gm_out_printf(struct gm_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gm_out_write(struct gm_out *o, const char *p, size_t len);
void gm_out_puts(struct gm_out *o, const char *s);
/* Returns 0, or GM_EIO if any write (or the final fflush) failed. */
int gm_out_error(struct gm_out *o);

/* Length of a well-formed UTF-8 sequence at s (n >= 1 bytes available), or 0: no overlong
 * forms, no surrogates, nothing above U+10FFFF (RFC 3629). */
size_t gm_utf8_len(const unsigned char *s, size_t n);
/* Writes s as a JSON string literal (with quotes); invalid UTF-8 bytes become U+FFFD. */
void gm_out_json_str(struct gm_out *o, const char *s, size_t len);
static inline void gm_out_json_cstr(struct gm_out *o, const char *s)
{
    gm_out_json_str(o, s, __builtin_strlen(s));
}

/* Writes at most max characters of (p, len) as XML/HTML character data that is also safe inside
 * a quoted attribute; anything that is not a valid XML character becomes U+FFFD. */
void gm_out_xml(struct gm_out *o, const char *p, size_t len, size_t max);

enum gm_color {
    GM_C_RESET,
    GM_C_BOLD,
    GM_C_DIM,
    GM_C_RED,
    GM_C_YELLOW,
    GM_C_GREEN,
    GM_C_CYAN,
    GM_C_MAGENTA,
};
/* Writes the escape sequence when colour is on; nothing otherwise. */
void gm_out_color(struct gm_out *o, enum gm_color c);

/*
 * Path shortening for display. Modes:
 *  GM_PATH_FULL   - as printed in the dump;
 *  GM_PATH_SHORT  - standard library relative to GOROOT/src ("net/http/server.go"), module
 *                   cache relative to pkg/mod ("github.com/x/y@v1.2.3/z.go"), user code
 *                   relative to the deepest directory shared by all user files, and any
 *                   explicit --trim-path prefixes removed first.
 */
enum gm_path_mode { GM_PATH_SHORT = 0, GM_PATH_FULL = 1 };

#define GM_MAX_TRIMS 8
struct gm_paths {
    enum gm_path_mode mode;
    const char *trims[GM_MAX_TRIMS]; /* explicit prefixes to remove */
    int trims_nr;
    char user_root[512]; /* computed shared directory of user files ("" = none) */
};

/* Computes user_root from the user frames of the given stacks (all if stack_ids is NULL). */
void gm_paths_learn(struct gm_paths *p, const struct gm_stacks *s);
/* Returns a pointer into path (no allocation). */
const char *gm_paths_show(const struct gm_paths *p, const char *path, unsigned frame_flags);
/* "main.go:42" style location of a frame (shortened path), written into buf. */
const char *gm_render_location(const struct gm_stacks *s, const struct gm_paths *paths,
                               uint32_t frame_id, char *buf, size_t cap);

#endif
