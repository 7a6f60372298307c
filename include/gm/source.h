/*
 * gm/source.h - reading the Go source lines a dump points at, when they are on this machine.
 *
 * A dump names files as they were on the machine that ran the program. gm_source_lines() tries
 * the path as printed, then each shorter suffix of it relative to the current directory and to
 * the roots given (so a dump from CI found in a checkout still resolves), module paths of
 * -trimpath binaries through go.mod (gm_source_path), and caches what it read. Used only for hints
 * (range loop or ticker in the blocking statement); every analysis works without it. Files over 4
 * MiB are not read. Not thread-safe.
 */
#ifndef GM_SOURCE_H
#define GM_SOURCE_H

#include "gm/base.h"
#include "gm/gosrc.h"

#define GM_SOURCE_CACHE 16
#define GM_SOURCE_MODS  8

struct gm_source_file {
    char *path; /* path as asked */
    char *data; /* content, or NULL if not found */
    size_t len;
};

struct gm_source {
    const char *const *roots; /* extra directories to resolve paths against */
    size_t roots_nr;
    struct gm_source_file files[GM_SOURCE_CACHE];
    unsigned next; /* round-robin eviction */
    int disabled;
    int nomem; /* an allocation failed: the caller reports GM_ENOMEM (hints are not guessed) */
    struct gm_gomod mods[GM_SOURCE_MODS]; /* the modules of "." and of the roots */
    unsigned mods_nr, mods_done;
    /* the syntax tree of the last file gm_source_block read (and its path as asked) */
    struct gm_go *go;
    struct gm_gofile *tree;
    char *tree_path;
};

void gm_source_init(struct gm_source *src);
void gm_source_release(struct gm_source *src);

/* The local file of a path as a dump prints it, into out: the path itself; a module path
 * (-trimpath: "example.com/svc/internal/db/db.go") under the module of the current directory
 * or of a root whose go.mod names that module, in its vendor/ directory, or in the module
 * cache ("github.com/x/y@v1.2.3/z.go" under $GOMODCACHE, capitals escaped); then each
 * shorter suffix of the path under "." and each root. 1 when found, else 0. */
int gm_source_path(struct gm_source *src, const char *path, char *out, size_t cap);

/* What the syntax tree of path's file says of the statement on line (gm_go_block_at): 1 and
 * *b filled, 0 when the file is not found or no select, range, receive or send starts there.
 * The last file's tree is kept for the next call. */
int gm_source_block(struct gm_source *src, const char *path, uint32_t line, struct gm_go_block *b);

/* Copies lines [line, line + nr) of path into buf (NUL-terminated, lines joined by '\n').
 * Returns 1 if the file was found and the line exists, else 0. */
int gm_source_lines(struct gm_source *src, const char *path, uint32_t line, uint32_t nr, char *buf,
                    size_t cap);

#endif
