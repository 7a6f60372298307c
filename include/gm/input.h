/*
 * gm/input.h - getting an artifact's bytes into memory, the cheap way.
 *
 * Regular files are mmap'ed read-only with MADV_SEQUENTIAL (no copy). Pipes and stdin ("-")
 * are read into a buffer capped by limits->max_input. gzip input (magic 1f 8b, any number of
 * members) is inflated with libdeflate into one buffer, also capped by max_input, so a gzip
 * bomb ends in GM_ETOOBIG rather than in exhausted memory.
 * After gm_input_open() succeeds, (p, len) is the decompressed content until gm_input_close().
 */
#ifndef GM_INPUT_H
#define GM_INPUT_H

#include "gm/base.h"

struct gm_input {
    const char *name; /* borrowed: path, or "-" for stdin */
    const char *p;    /* content */
    size_t len;       /* bytes of content */
    void *map;        /* mmap'ed region, or NULL */
    size_t map_len;   /* its length */
    char *owned;      /* heap buffer (stdin or inflated), or NULL */
    int was_gzip;     /* 1 when the content was inflated */
};

/* Opens path ("-" = stdin). Errors: GM_EIO (with strerror in diag), GM_ETOOBIG, GM_EFORMAT
 * (corrupt gzip, with the byte offset), GM_ENOMEM. */
int gm_input_open(struct gm_input *in, const char *path, const struct gm_limits *lim,
                  struct gm_diag *diag);
/* Wraps an existing buffer (not copied, not freed); inflates it if it is gzip. */
int gm_input_from_mem(struct gm_input *in, const char *name, const char *p, size_t len,
                      const struct gm_limits *lim, struct gm_diag *diag);
void gm_input_close(struct gm_input *in);

/* Says the reader is done with the content below offset upto: for a mapped file its pages
 * leave the process's resident set (they stay in the page cache and are read again on a later
 * access), so a single pass over a 1 GB dump does not hold 1 GB of RSS. A no-op for heap
 * buffers. Reading below upto afterwards is still valid, only slower. */
void gm_input_release(const struct gm_input *in, size_t upto);

/* Inflates every gzip member of (src, n) into a new malloc'ed buffer of at most max bytes. */
int gm_gunzip(const unsigned char *src, size_t n, uint64_t max, char **out, size_t *out_len,
              struct gm_diag *diag);

#endif
