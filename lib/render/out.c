/* Sticky-error writer, JSON escaping, colour and path shortening. */
#include "gm/out.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

void gm_out_init(struct gm_out *o, FILE *f, int color)
{
    o->f = f;
    o->err = 0;
    o->color = color;
}

void gm_out_printf(struct gm_out *o, const char *fmt, ...)
{
    if (o->err) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(o->f, fmt, ap) < 0) {
        o->err = errno ? errno : EIO;
    }
    va_end(ap);
}

void gm_out_write(struct gm_out *o, const char *p, size_t len)
{
    if (o->err || len == 0) {
        return;
    }
    if (fwrite(p, 1, len, o->f) != len) {
        o->err = errno ? errno : EIO;
    }
}

void gm_out_puts(struct gm_out *o, const char *s)
{
    gm_out_write(o, s, strlen(s));
}

int gm_out_error(struct gm_out *o)
{
    if (!o->err && (fflush(o->f) != 0 || ferror(o->f))) {
        o->err = errno ? errno : EIO;
    }
    return o->err ? GM_EIO : 0;
}

size_t gm_utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        return 1;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0) {
            lo = 0xa0;
        } else if (c == 0xed) {
            hi = 0x9f;
        }
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;
        }
    } else {
        return 0;
    }
    if (len > n || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    return len;
}

void gm_out_json_str(struct gm_out *o, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    gm_out_write(o, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char ubuf[7];
        size_t ul = 0;
        if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c == '\n') {
            esc = "\\n";
        } else if (c == '\t') {
            esc = "\\t";
        } else if (c == '\r') {
            esc = "\\r";
        } else if (c < 0x20 || c == 0x7f) {
            memcpy(ubuf, "\\u00", 4);
            ubuf[4] = hex[c >> 4];
            ubuf[5] = hex[c & 15];
            ubuf[6] = '\0';
            esc = ubuf;
        } else if (c >= 0x80) {
            ul = gm_utf8_len((const unsigned char *)s + i, len - i);
            if (!ul) {
                esc = "\xef\xbf\xbd";
            }
        }
        if (esc) {
            gm_out_write(o, s + i - run, run);
            run = 0;
            gm_out_puts(o, esc);
            i++;
            continue;
        }
        size_t step = ul ? ul : 1;
        run += step;
        i += step;
    }
    gm_out_write(o, s + len - run, run);
    gm_out_write(o, "\"", 1);
}

void gm_out_color(struct gm_out *o, enum gm_color c)
{
    static const char *const seq[] = {"\033[0m",  "\033[1m",  "\033[2m",  "\033[31m",
                                      "\033[33m", "\033[32m", "\033[36m", "\033[35m"};
    if (o->color) {
        gm_out_puts(o, seq[c]);
    }
}

static const char *after(const char *path, const char *needle)
{
    const char *p = strstr(path, needle);
    return p ? p + strlen(needle) : NULL;
}

/* A GOPATH source path: after its last "/src/", an import path whose first element has a dot
 * ("/home/u/go/src/github.com/acme/svc/db.go" -> "github.com/acme/svc/db.go"), or NULL. */
static const char *gopath_rel(const char *path)
{
    const char *r = after(path, "/src/"), *next;
    if (!r) {
        return NULL;
    }
    while ((next = after(r, "/src/")) != NULL) {
        r = next;
    }
    const char *slash = strchr(r, '/');
    const char *dot = strchr(r, '.');
    return slash && dot && dot < slash ? r : NULL;
}

void gm_paths_learn(struct gm_paths *p, const struct gm_stacks *s)
{
    size_t len = 0;
    int have = 0;
    p->user_root[0] = '\0';
    for (uint32_t i = 0; i < s->frames_nr; i++) {
        const struct gm_frame *f = &s->frames[i];
        if (!(f->flags & GM_FRAME_USER) || f->file_id == 0) {
            continue;
        }
        const char *file = gm_strtab_cstr(&s->strs, f->file_id);
        if (strstr(file, "/pkg/mod/") || strstr(file, "/vendor/") || gopath_rel(file)) {
            continue; /* shown by their module path, not from the user's directory */
        }
        const char *slash = strrchr(file, '/');
        if (!slash) {
            continue;
        }
        size_t dl = (size_t)(slash - file) + 1;
        if (!have) {
            len = dl < sizeof(p->user_root) ? dl : sizeof(p->user_root) - 1;
            memcpy(p->user_root, file, len);
            have = 1;
            continue;
        }
        size_t k = 0;
        while (k < len && k < dl && p->user_root[k] == file[k]) {
            k++;
        }
        while (k > 0 && p->user_root[k - 1] != '/') {
            k--;
        }
        len = k;
    }
    /* keep the last shared directory visible: .../gen/app/main.go -> app/main.go */
    if (have && len > 1) {
        size_t k = len - 1;
        while (k > 0 && p->user_root[k - 1] != '/') {
            k--;
        }
        len = k;
    }
    p->user_root[have ? len : 0] = '\0';
    if (len <= 1) {
        p->user_root[0] = '\0';
    }
}

const char *gm_paths_show(const struct gm_paths *p, const char *path, unsigned frame_flags)
{
    if (p->mode == GM_PATH_FULL) {
        return path;
    }
    for (int i = 0; i < p->trims_nr; i++) {
        size_t n = strlen(p->trims[i]);
        if (strncmp(path, p->trims[i], n) == 0) {
            path += n;
            while (*path == '/') {
                path++;
            }
            return path;
        }
    }
    const char *r = after(path, "/pkg/mod/");
    if (r) {
        return r;
    }
    /* a vendored package by its import path, as Go names it (the last vendor/ wins) */
    if ((r = after(path, "/vendor/")) != NULL) {
        const char *next;
        while ((next = after(r, "/vendor/")) != NULL) {
            r = next;
        }
        return r;
    }
    if (frame_flags & GM_FRAME_STDLIB) {
        r = after(path, "/src/");
        if (r) {
            /* the last "/src/" belongs to GOROOT */
            const char *next;
            while ((next = after(r, "/src/")) != NULL) {
                r = next;
            }
            return r;
        }
        return path;
    }
    if ((r = gopath_rel(path)) != NULL) {
        return r; /* GOPATH: by import path, as panicparse shows it */
    }
    size_t n = strlen(p->user_root);
    if (n && strncmp(path, p->user_root, n) == 0) {
        return path + n;
    }
    return path;
}

const char *gm_render_location(const struct gm_stacks *s, const struct gm_paths *paths,
                               uint32_t frame_id, char *buf, size_t cap)
{
    if (frame_id == GM_NO_FRAME) {
        snprintf(buf, cap, "-");
        return buf;
    }
    const struct gm_frame *f = gm_stacks_get_frame(s, frame_id);
    const char *file = gm_strtab_cstr(&s->strs, f->file_id);
    if (!*file) {
        snprintf(buf, cap, "-");
    } else if (f->line) {
        snprintf(buf, cap, "%s:%u", gm_paths_show(paths, file, f->flags), f->line);
    } else {
        snprintf(buf, cap, "%s", gm_paths_show(paths, file, f->flags));
    }
    return buf;
}

/* Writes at most max characters of (p, len) as XML character data that is also safe inside a
 * quoted attribute; anything that is not a valid XML character becomes U+FFFD. */
void gm_out_xml(struct gm_out *o, const char *p, size_t len, size_t max)
{
    size_t run = 0, i = 0;
    for (size_t nr = 0; i < len && nr < max; nr++) {
        const unsigned char *s = (const unsigned char *)p + i;
        const char *esc = NULL;
        size_t l = gm_utf8_len(s, len - i);
        /* controls, and U+FFFE and U+FFFF, are not XML characters */
        if (l == 0 || s[0] < 0x20 || s[0] == 0x7f ||
            (l == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe)) {
            esc = "\xef\xbf\xbd";
        } else if (s[0] == '&') {
            esc = "&amp;";
        } else if (s[0] == '<') {
            esc = "&lt;";
        } else if (s[0] == '>') {
            esc = "&gt;";
        } else if (s[0] == '"') {
            esc = "&quot;";
        } else if (s[0] == '\'') {
            esc = "&#39;";
        }
        if (esc) {
            gm_out_write(o, p + run, i - run);
            gm_out_puts(o, esc);
            i += l ? l : 1;
            run = i;
        } else {
            i += l;
        }
    }
    gm_out_write(o, p + run, i - run);
}
