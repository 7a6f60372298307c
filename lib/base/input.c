/*
 * Input loading. mmap keeps a 1 GB dump out of the heap entirely; only gzip and pipes cost a
 * buffer, and both are capped.
 */
#define _GNU_SOURCE
#include "gm/input.h"
#include "gm/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

int gm_gunzip(const unsigned char *src, size_t n, uint64_t max, char **out, size_t *out_len,
              struct gm_diag *diag)
{
    int rc = 0;
    char *buf = NULL;
    /* libdeflate allocates on our behalf: the counted allocator decides whether it may */
    struct libdeflate_decompressor *d =
        gm_fail_alloc_now() ? NULL : libdeflate_alloc_decompressor();
    if (!d) {
        return GM_ENOMEM;
    }
    size_t alloc = n * 4 + 4096;
    if (n >= 4) {
        uint32_t isize = (uint32_t)src[n - 4] | (uint32_t)src[n - 3] << 8 |
                         (uint32_t)src[n - 2] << 16 | (uint32_t)src[n - 1] << 24;
        /* trust the trailer only as far as deflate can expand (at most 1032:1) */
        size_t most = n > SIZE_MAX / 1032 ? SIZE_MAX : n * 1032 + 4096;
        if (isize + (size_t)4096 > alloc) {
            alloc = GM_MIN(isize + (size_t)4096, most);
        }
    }
    if (alloc > max) {
        alloc = (size_t)max;
    }
    size_t in_pos = 0, out_pos = 0;
    buf = gm_xrealloc(NULL, alloc ? alloc : 1);
    if (!buf) {
        rc = GM_ENOMEM;
        goto out;
    }
    while (in_pos < n) {
        size_t in_used = 0, got = 0;
        enum libdeflate_result r = libdeflate_gzip_decompress_ex(
            d, src + in_pos, n - in_pos, buf + out_pos, alloc - out_pos, &in_used, &got);
        if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
            if (alloc >= max) {
                rc = gm_diag_set(diag, GM_ETOOBIG, in_pos, 0,
                                 "gzip content is larger than the %llu-byte limit (--max-mem)",
                                 (unsigned long long)max);
                goto out;
            }
            size_t na = alloc * 2 > max ? (size_t)max : alloc * 2;
            char *nb = gm_xrealloc(buf, na);
            if (!nb) {
                rc = GM_ENOMEM;
                goto out;
            }
            buf = nb;
            alloc = na;
            continue;
        }
        if (r != LIBDEFLATE_SUCCESS) {
            rc = gm_diag_set(diag, r == LIBDEFLATE_SHORT_OUTPUT ? GM_ETRUNC : GM_EFORMAT, in_pos, 0,
                             "corrupt or truncated gzip member at byte %zu", in_pos);
            goto out;
        }
        in_pos += in_used;
        out_pos += got;
        /* trailing zero padding after the last member is tolerated */
        while (in_pos < n && src[in_pos] == 0) {
            in_pos++;
        }
        if (in_pos + 1 < n && !(src[in_pos] == 0x1f && src[in_pos + 1] == 0x8b)) {
            rc = gm_diag_set(diag, GM_EFORMAT, in_pos, 0,
                             "expected another gzip member or end of file at byte %zu", in_pos);
            goto out;
        }
        if (in_pos + 1 == n) {
            rc = gm_diag_set(diag, GM_ETRUNC, in_pos, 0, "stray byte after gzip data");
            goto out;
        }
    }
    *out = buf;
    *out_len = out_pos;
    buf = NULL;
out:
    free(buf);
    libdeflate_free_decompressor(d);
    return rc;
}

static int is_gzip(const char *p, size_t len)
{
    return len >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b;
}

static int maybe_inflate(struct gm_input *in, const struct gm_limits *lim, struct gm_diag *diag)
{
    if (!is_gzip(in->p, in->len)) {
        return 0;
    }
    char *out = NULL;
    size_t out_len = 0;
    GM_TRY(gm_gunzip((const unsigned char *)in->p, in->len, lim->max_input, &out, &out_len, diag));
    if (in->map) {
        munmap(in->map, in->map_len);
        in->map = NULL;
    }
    free(in->owned);
    in->owned = out;
    in->p = out;
    in->len = out_len;
    in->was_gzip = 1;
    return 0;
}

static int read_all(int fd, const struct gm_limits *lim, struct gm_input *in, struct gm_diag *diag)
{
    size_t alloc = 1 << 16, len = 0;
    char *buf = gm_xrealloc(NULL, alloc);
    if (!buf) {
        return GM_ENOMEM;
    }
    for (;;) {
        if (len == alloc) {
            if (alloc >= lim->max_input) {
                free(buf);
                return gm_diag_set(diag, GM_ETOOBIG, len, 0,
                                   "input is larger than the %llu-byte limit (--max-mem)",
                                   (unsigned long long)lim->max_input);
            }
            size_t na = alloc * 2 > lim->max_input ? (size_t)lim->max_input : alloc * 2;
            char *nb = gm_xrealloc(buf, na);
            if (!nb) {
                free(buf);
                return GM_ENOMEM;
            }
            buf = nb;
            alloc = na;
        }
        ssize_t r = read(fd, buf + len, alloc - len);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = errno;
            free(buf);
            return gm_diag_set(diag, GM_EIO, len, 0, "read failed: %s", strerror(e));
        }
        if (r == 0) {
            break;
        }
        len += (size_t)r;
    }
    in->owned = buf;
    in->p = buf;
    in->len = len;
    return 0;
}

int gm_input_open(struct gm_input *in, const char *path, const struct gm_limits *lim,
                  struct gm_diag *diag)
{
    memset(in, 0, sizeof(*in));
    in->name = path;
    if (diag) {
        diag->file = path;
    }
    if (strcmp(path, "-") == 0) {
        int rc = read_all(0, lim, in, diag);
        if (rc == 0 && (rc = maybe_inflate(in, lim, diag)) < 0) {
            gm_input_close(in); /* the bytes read are freed with the failure */
        }
        return rc;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return gm_diag_set(diag, GM_EIO, 0, 0, "cannot open: %s", strerror(errno));
    }
    struct stat stt;
    int rc = 0;
    if (fstat(fd, &stt) < 0) {
        rc = gm_diag_set(diag, GM_EIO, 0, 0, "cannot stat: %s", strerror(errno));
        goto out;
    }
    if (S_ISDIR(stt.st_mode)) {
        rc = gm_diag_set(diag, GM_EIO, 0, 0, "is a directory");
        goto out;
    }
    if (!S_ISREG(stt.st_mode)) {
        rc = read_all(fd, lim, in, diag);
        goto out;
    }
    if ((uint64_t)stt.st_size > lim->max_input) {
        rc = gm_diag_set(diag, GM_ETOOBIG, 0, 0,
                         "file is larger than the %llu-byte limit (--max-mem)",
                         (unsigned long long)lim->max_input);
        goto out;
    }
    if (stt.st_size == 0) {
        in->p = "";
        in->len = 0;
        goto out;
    }
    void *m = mmap(NULL, (size_t)stt.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
        rc = read_all(fd, lim, in, diag);
        goto out;
    }
    madvise(m, (size_t)stt.st_size, MADV_SEQUENTIAL);
    in->map = m;
    in->map_len = (size_t)stt.st_size;
    in->p = m;
    in->len = (size_t)stt.st_size;
out:
    close(fd);
    if (rc == 0) {
        rc = maybe_inflate(in, lim, diag);
    }
    if (rc < 0) {
        gm_input_close(in);
    }
    return rc;
}

int gm_input_from_mem(struct gm_input *in, const char *name, const char *p, size_t len,
                      const struct gm_limits *lim, struct gm_diag *diag)
{
    memset(in, 0, sizeof(*in));
    in->name = name;
    in->p = p;
    in->len = len;
    return maybe_inflate(in, lim, diag);
}

void gm_input_release(const struct gm_input *in, size_t upto)
{
    if (!in->map) {
        return;
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    upto = GM_MIN(upto, in->map_len) / page * page;
    if (upto) {
        /* MADV_DONTNEED on a read-only private file mapping drops the pages; a later access
           faults them in from the file again */
        madvise(in->map, upto, MADV_DONTNEED);
    }
}

void gm_input_close(struct gm_input *in)
{
    if (in->map) {
        munmap(in->map, in->map_len);
    }
    free(in->owned);
    in->map = NULL;
    in->owned = NULL;
    in->p = NULL;
    in->len = 0;
}
