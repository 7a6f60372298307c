/* Source lookup for hints; bounded reads, tiny cache. */
#include "gm/source.h"
#include "gm/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define MAX_SOURCE ((size_t)4 << 20)

void gm_source_init(struct gm_source *src)
{
    memset(src, 0, sizeof(*src));
}

void gm_source_release(struct gm_source *src)
{
    for (unsigned i = 0; i < GM_SOURCE_CACHE; i++) {
        free(src->files[i].path);
        free(src->files[i].data);
    }
    memset(src->files, 0, sizeof(src->files));
}

static char *slurp(struct gm_source *src, const char *path, size_t *len)
{
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_SOURCE) {
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    char *buf = gm_xmalloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!buf) {
        src->nomem = 1;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static char *resolve(struct gm_source *src, const char *path, size_t *len)
{
    char *d = slurp(src, path, len);
    if (d) {
        return d;
    }
    /* try suffixes: a/b/c/x.go, b/c/x.go, c/x.go under "." and each root */
    char cand[4096];
    for (const char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        const char *suffix = s + 1;
        if (!strchr(suffix, '/')) {
            break; /* a bare file name is too ambiguous */
        }
        if ((d = slurp(src, suffix, len)) != NULL) {
            return d;
        }
        for (size_t r = 0; r < src->roots_nr; r++) {
            if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", src->roots[r], suffix) <
                    sizeof(cand) &&
                (d = slurp(src, cand, len)) != NULL) {
                return d;
            }
        }
    }
    return NULL;
}

int gm_source_lines(struct gm_source *src, const char *path, uint32_t line, uint32_t nr, char *buf,
                    size_t cap)
{
    if (src->disabled || !path[0] || line == 0 || cap == 0) {
        return 0;
    }
    struct gm_source_file *f = NULL;
    for (unsigned i = 0; i < GM_SOURCE_CACHE; i++) {
        if (src->files[i].path && strcmp(src->files[i].path, path) == 0) {
            f = &src->files[i];
            break;
        }
    }
    if (!f) {
        f = &src->files[src->next];
        src->next = (src->next + 1) % GM_SOURCE_CACHE;
        free(f->path);
        free(f->data);
        f->data = NULL;
        f->len = 0;
        f->path = gm_xstrdup(path);
        if (f->path) {
            f->data = resolve(src, path, &f->len);
        } else {
            src->nomem = 1;
        }
    }
    if (!f->data) {
        return 0;
    }
    const char *p = f->data, *end = f->data + f->len;
    for (uint32_t l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    if (p >= end) {
        return 0;
    }
    size_t o = 0;
    for (uint32_t l = 0; l < nr && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (o + n + 2 > cap) {
            n = cap > o + 2 ? cap - o - 2 : 0;
        }
        memcpy(buf + o, p, n);
        o += n;
        buf[o++] = '\n';
        p = nl ? nl + 1 : end;
        if (o + 2 >= cap) {
            break;
        }
    }
    buf[o] = '\0';
    return 1;
}
