/*
 * Frame and stack interning. A frame lookup hashes the function and file bytes once and then
 * probes the hash table (gm/hashtab.h) of frame ids; the full key is compared against the interned
 * strings only on a 64-bit hash match, so the common case (a frame seen before) is one hash and one
 * probe.
 */
#include "gm/stack.h"
#include "gm/alloc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

int gm_stacks_init(struct gm_stacks *s, uint64_t max_strtab)
{
    memset(s, 0, sizeof(*s));
    GM_TRY(gm_strtab_init(&s->strs, max_strtab));
    if (gm_htab_init(&s->frame_index, 64) < 0 || gm_htab_init(&s->stack_index, 64) < 0) {
        gm_stacks_release(s);
        return GM_ENOMEM;
    }
    return 0;
}

void gm_stacks_release(struct gm_stacks *s)
{
    gm_strtab_release(&s->strs);
    free(s->frames);
    gm_htab_release(&s->frame_index);
    free(s->stacks);
    gm_htab_release(&s->stack_index);
    free(s->pool);
    memset(s, 0, sizeof(*s));
}

/* Whether the first element of a package path without a dot names the standard library (Go
 * 1.26's top-level directories of GOROOT/src, plus what the toolchain names functions with:
 * "type" for generated equality functions, "go" for go.shape/go.itab). A module path without
 * a dot ("myapp/internal/db", common in private monorepos) is user code, as in Go. */
static int std_element(const char *p, size_t n)
{
    static const char *const std[] = {
        "archive", "bufio",   "builtin",  "bytes",   "cmd",     "cmp",      "compress", "container",
        "context", "crypto",  "database", "debug",   "embed",   "encoding", "errors",   "expvar",
        "flag",    "fmt",     "go",       "hash",    "html",    "image",    "index",    "internal",
        "io",      "iter",    "log",      "maps",    "math",    "mime",     "net",      "os",
        "path",    "plugin",  "reflect",  "regexp",  "runtime", "slices",   "sort",     "strconv",
        "strings", "structs", "sync",     "syscall", "testing", "text",     "time",     "type",
        "type:",   "unicode", "unique",   "unsafe",  "vendor",  "weak",
    };
    for (size_t i = 0; i < GM_ARRAY_NR(std); i++) {
        if (strlen(std[i]) == n && memcmp(std[i], p, n) == 0) {
            return 1;
        }
    }
    return 0;
}

unsigned gm_func_class(struct gm_str f)
{
    if (gm_str_has_prefix(f, "runtime.") || gm_str_has_prefix(f, "runtime/internal/") ||
        gm_str_has_prefix(f, "internal/runtime/")) {
        return GM_FRAME_RUNTIME | GM_FRAME_STDLIB;
    }
    /* package path = up to the first '.' after the last '/' */
    size_t last_slash = 0, has_slash = 0;
    for (size_t i = 0; i < f.len; i++) {
        if (f.p[i] == '/') {
            last_slash = i;
            has_slash = 1;
        } else if (f.p[i] == '(' || f.p[i] == '[') {
            break;
        }
    }
    size_t end = f.len;
    size_t from = has_slash ? last_slash + 1 : 0;
    for (size_t i = from; i < f.len; i++) {
        if (f.p[i] == '.') {
            end = i;
            break;
        }
    }
    /* first path element */
    size_t first_end = end;
    for (size_t i = 0; i < end; i++) {
        if (f.p[i] == '/') {
            first_end = i;
            break;
        }
    }
    if (first_end == end && !has_slash) {
        /* single-element package: main is user code, everything else (fmt, sync, ...) is std;
         * "panic" and other bare names are the runtime */
        if (end == 4 && memcmp(f.p, "main", 4) == 0) {
            return GM_FRAME_USER;
        }
        if (end == f.len) {
            return GM_FRAME_RUNTIME | GM_FRAME_STDLIB;
        }
        return std_element(f.p, end) ? GM_FRAME_STDLIB : GM_FRAME_USER;
    }
    if (memchr(f.p, '.', first_end) || !std_element(f.p, first_end)) {
        return GM_FRAME_USER;
    }
    return GM_FRAME_STDLIB;
}

uint64_t gm_stacks_frame_hash(struct gm_str func, struct gm_str file, uint32_t line)
{
    /* the file is compared on a hit but not hashed: (function, line) almost never collides,
     * and skipping the longest string of the frame saves a third of the parse time */
    (void)file;
    uint64_t h = gm_hash(func.p, func.len);
    return h ^ ((uint64_t)line * 0x9E3779B97F4A7C15ull);
}

int gm_stacks_frame(struct gm_stacks *s, struct gm_str func, struct gm_str file, uint32_t line,
                    uint64_t h, uint32_t *frame_id)
{
    uint32_t pos = gm_htab_probe(&s->frame_index, (uint32_t)h), id;
    while ((id = gm_htab_next(&s->frame_index, (uint32_t)h, &pos)) != GM_HTAB_END) {
        const struct gm_frame *f = &s->frames[id];
        if (f->hash == h && f->line == line) {
            struct gm_str a = gm_strtab_get(&s->strs, f->func_id);
            struct gm_str b = gm_strtab_get(&s->strs, f->file_id);
            if (a.len == func.len && b.len == file.len && memcmp(a.p, func.p, a.len) == 0 &&
                memcmp(b.p, file.p, b.len) == 0) {
                *frame_id = id;
                return 0;
            }
        }
    }
    if (s->frames_nr == s->frames_alloc) {
        GM_TRY(GM_GROW(s->frames, s->frames_alloc, 256));
    }
    struct gm_frame *f = &s->frames[s->frames_nr];
    GM_TRY(gm_strtab_intern(&s->strs, func.p, func.len, &f->func_id));
    GM_TRY(gm_strtab_intern(&s->strs, file.p, file.len, &f->file_id));
    f->line = line;
    f->hash = h;
    f->flags = gm_func_class(func);
    GM_TRY(gm_htab_add(&s->frame_index, (uint32_t)h, s->frames_nr));
    *frame_id = s->frames_nr++;
    return 0;
}

int gm_stacks_stack(struct gm_stacks *s, const uint32_t *ids, uint32_t nr, uint32_t created_by,
                    uint32_t *stack_id)
{
    uint64_t h = gm_hash_seed(ids, (size_t)nr * sizeof(uint32_t), created_by);
    uint32_t pos = gm_htab_probe(&s->stack_index, (uint32_t)h), id;
    while ((id = gm_htab_next(&s->stack_index, (uint32_t)h, &pos)) != GM_HTAB_END) {
        const struct gm_stack *st = &s->stacks[id];
        if (st->hash == h && st->nr == nr && st->created_by == created_by &&
            (nr == 0 || memcmp(s->pool + st->off, ids, nr * sizeof(uint32_t)) == 0)) {
            *stack_id = id;
            return 0;
        }
    }
    if (s->pool_nr + nr > UINT32_MAX) {
        return GM_ETOOBIG;
    }
    if (s->pool_nr + nr > s->pool_alloc) {
        size_t na = s->pool_alloc ? s->pool_alloc * 2 : 4096;
        while (na < s->pool_nr + nr) {
            na *= 2;
        }
        uint32_t *np = gm_xrealloc(s->pool, na * sizeof(uint32_t));
        if (!np) {
            return GM_ENOMEM;
        }
        s->pool = np;
        s->pool_alloc = na;
    }
    if (s->stacks_nr == s->stacks_alloc) {
        GM_TRY(GM_GROW(s->stacks, s->stacks_alloc, 256));
    }
    struct gm_stack *st = &s->stacks[s->stacks_nr];
    st->off = (uint32_t)s->pool_nr;
    st->nr = nr;
    st->created_by = created_by;
    st->hash = h;
    st->user = nr;
    if (nr) {
        memcpy(s->pool + s->pool_nr, ids, nr * sizeof(uint32_t));
    }
    for (uint32_t k = 0; k < nr; k++) {
        if (s->frames[ids[k]].flags & GM_FRAME_USER) {
            st->user = k;
            break;
        }
    }
    GM_TRY(gm_htab_add(&s->stack_index, (uint32_t)h, s->stacks_nr));
    s->pool_nr += nr;
    *stack_id = s->stacks_nr++;
    return 0;
}

uint32_t gm_stack_user_frame(const struct gm_stacks *s, uint32_t stack_id)
{
    const struct gm_stack *st = &s->stacks[stack_id];
    const uint32_t *ids = gm_stack_frames(s, st);
    if (st->user < st->nr) {
        return ids[st->user];
    }
    if (st->created_by != GM_NO_FRAME && (s->frames[st->created_by].flags & GM_FRAME_USER)) {
        return st->created_by;
    }
    for (uint32_t k = 0; k < st->nr; k++) {
        if (!(s->frames[ids[k]].flags & GM_FRAME_RUNTIME)) {
            return ids[k];
        }
    }
    if (st->nr) {
        return ids[0];
    }
    return st->created_by;
}

int gm_stack_key_skips(struct gm_str func, int leading)
{
    return gm_str_eq(func, "runtime.goexit") ||
           (leading &&
            (gm_str_has_prefix(func, "runtime.") || gm_str_has_prefix(func, "internal/runtime/")));
}

uint64_t gm_stack_key_frame(uint64_t h, struct gm_str func, uint32_t line)
{
    uint64_t f = gm_stacks_frame_hash(func, (struct gm_str){"", 0}, line);
    h = (h ^ f) * 0x100000001B3ull;
    return h ^ (h >> 29);
}

uint64_t gm_stack_key(const struct gm_stacks *s, uint32_t stack_id)
{
    const struct gm_stack *st = &s->stacks[stack_id];
    const uint32_t *ids = gm_stack_frames(s, st);
    uint64_t h = GM_STACK_KEY_SEED;
    int leading = 1;
    for (uint32_t k = 0; k < st->nr; k++) {
        const char *f = gm_stacks_func(s, ids[k]);
        struct gm_str fn = {f, strlen(f)};
        if (gm_stack_key_skips(fn, leading)) {
            continue;
        }
        leading = 0;
        h = gm_stack_key_frame(h, fn, s->frames[ids[k]].line);
    }
    return h;
}
