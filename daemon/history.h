/*
 * daemon/history.h - the bodies a target keeps for the analysis of a capture (its last
 * goroutine profiles, its last heap profiles), on disk: a ring of HISTORY_MAX files per target
 * and kind under the store's PATH.history/ directory. In memory only their times and sizes:
 * 1000 targets keeping 6 heap profiles of 20 kB each would otherwise hold 120 MB. The files
 * are a cache of this run (cleared when a target restarts and when the watch starts), not part
 * of the store: nothing reads them after the watch stops.
 */
#ifndef GM_DAEMON_HISTORY_H
#define GM_DAEMON_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define HISTORY_MAX 6

struct history {
    char prefix[4400]; /* DIR/ID-KIND- : slot files are prefix0 .. prefix5 */
    struct {
        int64_t t_ms;
        size_t len;
        uint32_t slot;
    } v[HISTORY_MAX]; /* oldest first */
    uint32_t nr;
};

/* An empty history whose files are DIR/ID-KIND-N (stale ones removed). */
void history_init(struct history *h, const char *dir, int64_t id, const char *kind);
/* Keeps body, dropping the oldest when full. 0, or -1 when it cannot be written (the history
 * is then one shorter: a capture is analysed with what is kept). */
int history_keep(struct history *h, const char *body, size_t len, int64_t t_ms);
/* Body i (0 = oldest), read back into a buffer the caller frees; NULL if it is gone. */
char *history_load(const struct history *h, uint32_t i, size_t *len);
/* Forgets every body and removes the files. */
void history_clear(struct history *h);

#endif
