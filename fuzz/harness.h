/*
 * fuzz/harness.h - helpers for the fuzz targets (header-only: `make fuzz` compiles each
 * fuzz_<name>.c alone against libFuzzer; `make fuzz-replay` links it with replay.c).
 *
 *  - fuzz_guard_copy(): copies the input to the END of a buffer whose next page is PROT_NONE,
 *    so reading one byte past the input faults even without ASan (the replay build);
 *  - fuzz_json_check(): a small structural JSON checker (string/escape state, {} and []
 *    matching, literals and numbers outside strings) used on every rendered document;
 *  - fuzz_memstream_*(): an open_memstream() sink for the renderers;
 *  - FUZZ_CHECK(): an invariant that aborts with file:line and a message.
 */
#ifndef GM_FUZZ_HARNESS_H
#define GM_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "gm/out.h"

#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond);           \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Returns a pointer p such that p[0..size) == data and p + size is the first byte of a
 * PROT_NONE page. Aborts if memory cannot be mapped (not an input bug). */
static inline const char *fuzz_guard_copy(const uint8_t *data, size_t size)
{
    /* One mapping reused across inputs: [usable pages][guard page]. */
    static char *fuzz_map_base;
    static size_t fuzz_map_usable; /* bytes before the guard page */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t need = (size + page - 1) / page * page;
    if (need == 0) {
        need = page;
    }
    if (!fuzz_map_base || fuzz_map_usable < need) {
        if (fuzz_map_base) {
            munmap(fuzz_map_base, fuzz_map_usable + page);
        }
        void *m =
            mmap(NULL, need + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            perror("fuzz: mmap");
            abort();
        }
        fuzz_map_base = m;
        fuzz_map_usable = need;
        if (mprotect(fuzz_map_base + need, page, PROT_NONE) != 0) {
            perror("fuzz: mprotect");
            abort();
        }
    }
    char *p = fuzz_map_base + fuzz_map_usable - size;
    if (size) {
        memcpy(p, data, size);
    }
    return p;
}

/* Structural JSON check of (p, n). Returns NULL if well-formed, else a static description
 * (and *at = byte offset). Checks: strings closed, escapes valid (\uXXXX has 4 hex digits),
 * no raw control characters and only well-formed UTF-8 in strings, {} and [] properly nested and
 * closed, outside strings only whitespace, punctuation, numbers and the literals true/false/null
 * (so a printf'ed NaN or inf is caught), and exactly one top-level value. */
static inline const char *fuzz_json_check(const char *p, size_t n, size_t *at)
{
    char stack[512];
    size_t depth = 0;
    int values = 0; /* top-level values seen */
    size_t i = 0;
    *at = 0;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        *at = i;
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ',' || c == ':') {
            i++;
            continue;
        }
        if (depth == 0 && values) {
            return "data after the top-level value";
        }
        if (c == '{' || c == '[') {
            if (depth == sizeof(stack)) {
                return "nesting too deep";
            }
            stack[depth++] = (char)(c == '{' ? '}' : ']');
            i++;
            continue;
        }
        if (c == '}' || c == ']') {
            if (depth == 0 || stack[depth - 1] != (char)c) {
                return "unbalanced bracket";
            }
            depth--;
            i++;
            if (depth == 0) {
                values++;
            }
            continue;
        }
        if (c == '"') {
            i++;
            for (;;) {
                if (i >= n) {
                    return "unterminated string";
                }
                unsigned char d = (unsigned char)p[i];
                *at = i;
                if (d == '"') {
                    i++;
                    break;
                }
                if (d < 0x20) {
                    return "raw control character in a string";
                }
                if (d >= 0x80) {
                    size_t ul = gm_utf8_len((const unsigned char *)p + i, n - i);
                    if (!ul) {
                        return "invalid UTF-8 in a string";
                    }
                    i += ul;
                    continue;
                }
                if (d == '\\') {
                    if (i + 1 >= n) {
                        return "unterminated escape";
                    }
                    char e = p[i + 1];
                    if (e == 'u') {
                        if (i + 6 > n) {
                            return "short \\u escape";
                        }
                        for (size_t k = i + 2; k < i + 6; k++) {
                            char h = p[k];
                            if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
                                  (h >= 'A' && h <= 'F'))) {
                                return "bad \\u escape";
                            }
                        }
                        i += 6;
                        continue;
                    }
                    if (!strchr("\"\\/bfnrt", e) || e == '\0') {
                        return "bad escape";
                    }
                    i += 2;
                    continue;
                }
                i++;
            }
            if (depth == 0) {
                values++;
            }
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i + 1;
            while (j < n && strchr("0123456789.eE+-", p[j]) && p[j] != '\0') {
                j++;
            }
            i = j;
            if (depth == 0) {
                values++;
            }
            continue;
        }
        if (c >= 'a' && c <= 'z') {
            size_t j = i;
            while (j < n && ((p[j] >= 'a' && p[j] <= 'z') || (p[j] >= 'A' && p[j] <= 'Z'))) {
                j++;
            }
            size_t w = j - i;
            if (!((w == 4 && memcmp(p + i, "true", 4) == 0) ||
                  (w == 5 && memcmp(p + i, "false", 5) == 0) ||
                  (w == 4 && memcmp(p + i, "null", 4) == 0))) {
                return "bare word outside a string (nan/inf?)";
            }
            i = j;
            if (depth == 0) {
                values++;
            }
            continue;
        }
        return "unexpected character outside a string";
    }
    if (depth != 0) {
        return "unclosed { or [";
    }
    if (values != 1) {
        return "not exactly one top-level value";
    }
    return NULL;
}

/* Aborts with context if (p, n) is not well-formed JSON. */
static inline void fuzz_json_require(const char *what, const char *p, size_t n)
{
    size_t at;
    const char *err = fuzz_json_check(p, n, &at);
    if (err) {
        size_t from = at > 60 ? at - 60 : 0;
        size_t to = at + 60 < n ? at + 60 : n;
        fprintf(stderr, "fuzz: %s JSON is malformed at byte %zu of %zu: %s\n  near: %.*s\n", what,
                at, n, err, (int)(to - from), p + from);
        abort();
    }
}

/* An in-memory FILE for the renderers. */
struct fuzz_sink {
    FILE *f;
    char *buf;
    size_t len;
};

static inline void fuzz_sink_open(struct fuzz_sink *k)
{
    k->buf = NULL;
    k->len = 0;
    k->f = open_memstream(&k->buf, &k->len);
    if (!k->f) {
        perror("fuzz: open_memstream");
        abort();
    }
}

/* Closes the stream; k->buf/k->len then hold the output (free k->buf). */
static inline void fuzz_sink_close(struct fuzz_sink *k)
{
    if (fclose(k->f) != 0) {
        perror("fuzz: fclose(memstream)");
        abort();
    }
    k->f = NULL;
}

#endif
