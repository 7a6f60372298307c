/*
 * daemon/store.h - the watch daemon's embedded store: one SQLite database (WAL) and a
 * directory of captured files beside it (PATH.captures/).
 *
 * What it holds: targets, samples (one row per target and interval: goroutines, heap in use,
 * up or down; heap allocated and GC CPU share from expvar; RSS of a local pid), events (the same
 * JSON objects `gomedic watch --json` prints), captures (files indexed by target, kind and time).
 * The writes of the watch loop are grouped into one transaction a second (store_begin/commit), so a
 * process killed at any moment loses at most that second and nothing committed: WAL with
 * synchronous=NORMAL survives a crash of the process (not of the machine). The schema is
 * versioned (PRAGMA user_version) and upgraded by the migrations in store.c on open.
 * Retention: samples older than an hour are thinned to one a minute; samples, events and
 * captures older than the retention age are dropped (store_prune, store_prune_captures), and
 * the oldest captures go first when all of them take more than the size limit.
 */
#ifndef GM_DAEMON_STORE_H
#define GM_DAEMON_STORE_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;

struct sqlite3_stmt;

struct store {
    struct sqlite3 *db;
    char path[4096];
    char capdir[4096];               /* PATH.captures */
    struct sqlite3_stmt *ins_sample; /* prepared once: a sample a target and interval */
    struct sqlite3_stmt *q_begin, *q_commit;
    int in_batch; /* inside store_begin .. store_commit */
};

/* The default database: $XDG_STATE_HOME/gomedic/watch.db, else ~/.local/state/gomedic/... */
void store_default_path(char *buf, size_t cap);
/* Opens (creating when create is set) and migrates. 0, or -1 with a message in err. */
int store_open(struct store *st, const char *path, int create, char *err, size_t errcap);
void store_close(struct store *st);

/* Groups the writes until store_commit into one transaction (the watch loop commits once a
 * second, and before it stops). 0 or -1. */
int store_begin(struct store *st);
int store_commit(struct store *st);
/* The id of the target called name (created on first use). -1 on a database error. */
int64_t store_target(struct store *st, const char *name, const char *url);
/* One sample of a target; -1 for what it did not measure. */
struct store_row {
    int64_t t_ms;
    int up;
    int64_t goroutines, heap_inuse; /* the profiles */
    int64_t heap_alloc;             /* expvar memstats.HeapAlloc */
    double gc_cpu;                  /* expvar memstats.GCCPUFraction, % */
    int64_t rss;                    /* /proc/PID/statm */
    const char *states; /* goroutines by wait class, "n,n,..." (gm/waitclass.h order), or NULL */
};
/* 0 or -1. */
int store_sample(struct store *st, int64_t target_id, const struct store_row *r);
/* One event; json is the whole object. 0 or -1. */
int store_event(struct store *st, int64_t t_ms, const char *target, const char *event,
                const char *json);
/* Indexes a captured file (already written under capdir). Its id, or -1. */
int64_t store_capture(struct store *st, int64_t t_ms, const char *target, const char *kind,
                      const char *path, int64_t bytes);
/* Thins samples older than keep_full_ms to one a minute and drops samples and events older
 * than keep_ms. 0 or -1. */
int store_prune(struct store *st, int64_t now_ms, int64_t keep_full_ms, int64_t keep_ms);
/* Deletes captured files (and their rows), oldest first, while they are older than keep_ms or
 * all of them together take more than max_bytes; never those of now_ms or later. 0 or -1. */
int store_prune_captures(struct store *st, int64_t now_ms, int64_t keep_ms, int64_t max_bytes);

/* Calls fn for each event since since_ms (of target, when not NULL), oldest first. */
typedef int (*store_event_fn)(void *ctx, int64_t t_ms, const char *target, const char *event,
                              const char *json);
int store_events(struct store *st, const char *target, int64_t since_ms, store_event_fn fn,
                 void *ctx);
typedef int (*store_capture_fn)(void *ctx, int64_t id, int64_t t_ms, const char *target,
                                const char *kind, const char *path, int64_t bytes);
int store_captures(struct store *st, const char *target, int64_t since_ms, store_capture_fn fn,
                   void *ctx);
/* Calls fn for the capture with this id: 1 when there is one, 0 when not, -1 on error. */
int store_capture_get(struct store *st, int64_t id, store_capture_fn fn, void *ctx);
/* Calls fn for each sample of a target since since_ms, oldest first (-1: not measured). */
typedef int (*store_sample_fn)(void *ctx, const struct store_row *r);
int store_samples(struct store *st, int64_t target_id, int64_t since_ms, store_sample_fn fn,
                  void *ctx);
/* Bytes the store takes on disk: the database, its WAL and the captured files. */
int64_t store_bytes(struct store *st);
/* The last database error, for messages. */
const char *store_errmsg(struct store *st);

#endif
