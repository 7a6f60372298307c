/* Source lookup for hints; bounded reads, tiny cache. */
#include "gm/source.h"
#include "gm/alloc.h"
#include "gm/gosrc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define MAX_SOURCE ((size_t)4 << 20)

void gm_source_init(struct gm_source *src)
{
    memset(src, 0, sizeof(*src));
}

static void tree_drop(struct gm_source *src)
{
    if (src->tree) {
        gm_gofile_close(src->tree);
        free(src->tree);
        src->tree = NULL;
    }
    free(src->tree_path);
    src->tree_path = NULL;
}

void gm_source_release(struct gm_source *src)
{
    for (unsigned i = 0; i < GM_SOURCE_CACHE; i++) {
        free(src->files[i].path);
        free(src->files[i].data);
    }
    memset(src->files, 0, sizeof(src->files));
    tree_drop(src);
    if (src->go) {
        gm_go_release(src->go);
        free(src->go);
        src->go = NULL;
    }
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

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The go.mod of "." and of each root, read once. */
static void load_modules(struct gm_source *src)
{
    if (src->mods_done) {
        return;
    }
    src->mods_done = 1;
    for (size_t r = 0; r <= src->roots_nr && src->mods_nr < GM_SOURCE_MODS; r++) {
        const char *base = r == 0 ? "." : src->roots[r - 1];
        struct gm_gomod *m = &src->mods[src->mods_nr];
        if (gm_gomod_find(base, m) == 1 && m->path[0]) {
            int dup = 0;
            for (unsigned k = 0; k < src->mods_nr; k++) {
                dup |= strcmp(src->mods[k].dir, m->dir) == 0;
            }
            src->mods_nr += !dup;
        }
    }
}

/* The module cache's directory: $GOMODCACHE, $GOPATH/pkg/mod, $HOME/go/pkg/mod. */
static int modcache(char *out, size_t cap)
{
    const char *e = getenv("GOMODCACHE");
    if (e && *e) {
        return (size_t)snprintf(out, cap, "%s", e) < cap;
    }
    e = getenv("GOPATH");
    if (e && *e) {
        size_t n = strcspn(e, ":");
        return (size_t)snprintf(out, cap, "%.*s/pkg/mod", (int)n, e) < cap;
    }
    e = getenv("HOME");
    return e && *e && (size_t)snprintf(out, cap, "%s/go/pkg/mod", e) < cap;
}

int gm_source_path(struct gm_source *src, const char *path, char *out, size_t cap)
{
    if (src->disabled || !path[0] || cap == 0) {
        return 0;
    }
    if (is_file(path)) {
        return (size_t)snprintf(out, cap, "%s", path) < cap;
    }
    char cand[4096];
    if (path[0] != '/') {
        /* a module path, as -trimpath prints it: the module of "." or of a root (its own
         * files, at its root too), its vendor directory, the module cache (path@version) */
        load_modules(src);
        for (unsigned k = 0; k < src->mods_nr; k++) {
            const struct gm_gomod *m = &src->mods[k];
            size_t ml = strlen(m->path);
            if (!strncmp(path, m->path, ml) && path[ml] == '/' &&
                (size_t)snprintf(cand, sizeof(cand), "%s/%s", m->dir, path + ml + 1) <
                    sizeof(cand) &&
                is_file(cand)) {
                return (size_t)snprintf(out, cap, "%s", cand) < cap;
            }
            if ((size_t)snprintf(cand, sizeof(cand), "%s/vendor/%s", m->dir, path) < sizeof(cand) &&
                is_file(cand)) {
                return (size_t)snprintf(out, cap, "%s", cand) < cap;
            }
        }
        char mc[2048];
        if (strstr(path, "@v") && modcache(mc, sizeof(mc))) {
            /* the cache escapes capitals: github.com/Azure -> github.com/!azure */
            size_t o = (size_t)snprintf(cand, sizeof(cand), "%s/", mc);
            for (const char *q = path; *q && o + 3 < sizeof(cand); q++) {
                if (*q >= 'A' && *q <= 'Z') {
                    cand[o++] = '!';
                    cand[o++] = (char)(*q - 'A' + 'a');
                } else {
                    cand[o++] = *q;
                }
            }
            cand[o] = 0;
            if (is_file(cand)) {
                return (size_t)snprintf(out, cap, "%s", cand) < cap;
            }
        }
    }
    /* try suffixes: a/b/c/x.go, b/c/x.go, c/x.go under "." and each root */
    for (const char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        const char *suffix = s + 1;
        if (!strchr(suffix, '/')) {
            break; /* a bare file name is too ambiguous */
        }
        if (is_file(suffix)) {
            return (size_t)snprintf(out, cap, "%s", suffix) < cap;
        }
        for (size_t r = 0; r < src->roots_nr; r++) {
            if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", src->roots[r], suffix) <
                    sizeof(cand) &&
                is_file(cand)) {
                return (size_t)snprintf(out, cap, "%s", cand) < cap;
            }
        }
    }
    return 0;
}

static char *resolve(struct gm_source *src, const char *path, size_t *len)
{
    char local[4096];
    return gm_source_path(src, path, local, sizeof(local)) ? slurp(src, local, len) : NULL;
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

int gm_source_block(struct gm_source *src, const char *path, uint32_t line, struct gm_go_block *b)
{
    memset(b, 0, sizeof(*b));
    if (src->disabled || !path[0] || !line) {
        return 0;
    }
    if (!src->tree_path || strcmp(src->tree_path, path) != 0) {
        tree_drop(src);
        if (!(src->tree_path = gm_xstrdup(path))) {
            src->nomem = 1;
            return 0;
        }
        char local[4096];
        if (!gm_source_path(src, path, local, sizeof(local))) {
            return 0;
        }
        if (!src->go) {
            src->go = gm_xcalloc(1, sizeof(*src->go));
            if (!src->go) {
                src->nomem = 1;
                return 0;
            }
            if (gm_go_init(src->go, NULL) < 0) {
                free(src->go);
                src->go = NULL;
                return 0;
            }
        }
        struct gm_gofile *f = gm_xcalloc(1, sizeof(*f));
        if (!f) {
            src->nomem = 1;
            return 0;
        }
        struct gm_limits lim;
        gm_limits_default(&lim);
        lim.max_input = MAX_SOURCE;
        if (gm_gofile_open(f, src->go, local, &lim, NULL) < 0) {
            free(f);
            return 0;
        }
        f->path = src->tree_path;
        f->in.name = src->tree_path;
        src->tree = f;
    }
    return src->tree ? gm_go_block_at(src->go, src->tree, line, b) : 0;
}
