/* Bodies kept for the analysis of a capture, on disk (history.h). */
#include "history.h"
#include "gm/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static void slot_path(const struct history *h, uint32_t slot, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%u", h->prefix, slot);
}

void history_init(struct history *h, const char *dir, int64_t id, const char *kind)
{
    memset(h, 0, sizeof(*h));
    snprintf(h->prefix, sizeof(h->prefix), "%s/%lld-%s-", dir, (long long)id, kind);
    history_clear(h);
}

int history_keep(struct history *h, const char *body, size_t len, int64_t t_ms)
{
    uint32_t slot = 0;
    if (h->nr == HISTORY_MAX) { /* the oldest's file is reused */
        slot = h->v[0].slot;
        memmove(h->v, h->v + 1, (HISTORY_MAX - 1) * sizeof(h->v[0]));
        h->nr--;
    } else { /* a slot no kept body uses */
        for (int used = 1; used;) {
            used = 0;
            for (uint32_t i = 0; i < h->nr; i++) {
                used |= h->v[i].slot == slot;
            }
            slot += (uint32_t)used;
        }
    }
    char path[4500];
    slot_path(h, slot, path, sizeof(path));
    FILE *f = fopen(path, "wb");
    int bad = !f || fwrite(body, 1, len, f) != len;
    if (f && fclose(f) != 0) {
        bad = 1;
    }
    if (bad) {
        unlink(path);
        return -1;
    }
    h->v[h->nr].t_ms = t_ms;
    h->v[h->nr].len = len;
    h->v[h->nr].slot = slot;
    h->nr++;
    return 0;
}

char *history_load(const struct history *h, uint32_t i, size_t *len)
{
    char path[4500];
    slot_path(h, h->v[i].slot, path, sizeof(path));
    FILE *f = fopen(path, "rb");
    char *buf = f ? gm_xmalloc(h->v[i].len + 1) : NULL;
    if (buf && fread(buf, 1, h->v[i].len, f) != h->v[i].len) {
        free(buf);
        buf = NULL;
    }
    if (f) {
        fclose(f);
    }
    if (buf) {
        buf[h->v[i].len] = '\0';
        *len = h->v[i].len;
    }
    return buf;
}

void history_clear(struct history *h)
{
    char path[4500];
    for (uint32_t slot = 0; slot < HISTORY_MAX; slot++) {
        slot_path(h, slot, path, sizeof(path));
        unlink(path);
    }
    h->nr = 0;
}
