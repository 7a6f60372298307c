/* The watch daemon's store (store.h): SQLite in WAL mode, schema migrations, retention. */
#include "store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* Migration i takes the schema from version i to i + 1; never edit one that has shipped. */
static const char *const migrations[] = {
    "CREATE TABLE targets(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, url TEXT NOT NULL,"
    "  first_ms INTEGER NOT NULL);"
    "CREATE TABLE samples(target_id INTEGER NOT NULL REFERENCES targets(id), t_ms INTEGER NOT "
    "NULL,"
    "  up INTEGER NOT NULL, goroutines INTEGER, heap_inuse INTEGER);"
    "CREATE INDEX samples_by_target ON samples(target_id, t_ms);"
    "CREATE TABLE events(id INTEGER PRIMARY KEY, t_ms INTEGER NOT NULL, target TEXT NOT NULL,"
    "  event TEXT NOT NULL, json TEXT NOT NULL);"
    "CREATE INDEX events_by_time ON events(t_ms);"
    "CREATE TABLE captures(id INTEGER PRIMARY KEY, t_ms INTEGER NOT NULL, target TEXT NOT NULL,"
    "  kind TEXT NOT NULL, path TEXT NOT NULL, bytes INTEGER NOT NULL);",
    /* 1 -> 2: memory and GC from expvar, RSS from /proc */
    "ALTER TABLE samples ADD COLUMN heap_alloc INTEGER;"
    "ALTER TABLE samples ADD COLUMN gc_cpu REAL;"
    "ALTER TABLE samples ADD COLUMN rss INTEGER;",
    /* 2 -> 3: goroutines by wait class ("n,n,..." in enum gm_wait_class order) */
    "ALTER TABLE samples ADD COLUMN states TEXT;",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

void store_default_path(char *buf, size_t cap)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg) {
        snprintf(buf, cap, "%s/gomedic/watch.db", xdg);
    } else if (home && *home) {
        snprintf(buf, cap, "%s/.local/state/gomedic/watch.db", home);
    } else {
        snprintf(buf, cap, "gomedic-watch.db");
    }
}

/* mkdir -p of the directory part of path. */
static int mkdirs_for(const char *path)
{
    char d[4096];
    snprintf(d, sizeof(d), "%s", path);
    char *slash = strrchr(d, '/');
    if (!slash || slash == d) {
        return 0;
    }
    *slash = '\0';
    for (char *p = d + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(d, 0755) < 0 && errno != EEXIST) {
                return -1;
            }
            *p = '/';
        }
    }
    return mkdir(d, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int exec_sql(struct store *st, const char *sql, char *err, size_t errcap)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errcap, "%s", msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int migrate(struct store *st, char *err, size_t errcap)
{
    sqlite3_stmt *q = NULL;
    int version = 0;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        version = sqlite3_column_int(q, 0);
    }
    sqlite3_finalize(q);
    if (version > SCHEMA_VERSION) {
        snprintf(err, errcap, "schema version %d is newer than this gomedic's (%d)", version,
                 SCHEMA_VERSION);
        return -1;
    }
    for (; version < SCHEMA_VERSION; version++) {
        char set[64];
        snprintf(set, sizeof(set), "PRAGMA user_version=%d;", version + 1);
        if (exec_sql(st, "BEGIN IMMEDIATE", err, errcap) < 0) {
            return -1;
        }
        if (exec_sql(st, migrations[version], err, errcap) < 0 ||
            exec_sql(st, set, err, errcap) < 0 || exec_sql(st, "COMMIT", err, errcap) < 0) {
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    return 0;
}

int store_open(struct store *st, const char *path, int create, char *err, size_t errcap)
{
    memset(st, 0, sizeof(*st));
    snprintf(st->path, sizeof(st->path), "%s", path);
    snprintf(st->capdir, sizeof(st->capdir), "%s.captures", path);
    if (create && mkdirs_for(path) < 0) {
        snprintf(err, errcap, "cannot create the directory of %s: %s", path, strerror(errno));
        return -1;
    }
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        snprintf(err, errcap, "%s", st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return -1;
    }
    sqlite3_busy_timeout(st->db, 5000);
    if (exec_sql(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                 err, errcap) < 0 ||
        migrate(st, err, errcap) < 0) {
        store_close(st);
        return -1;
    }
    if (create && mkdir(st->capdir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errcap, "cannot create %s: %s", st->capdir, strerror(errno));
        store_close(st);
        return -1;
    }
    return 0;
}

void store_close(struct store *st)
{
    if (st->in_batch) {
        store_commit(st);
    }
    sqlite3_finalize(st->ins_sample);
    sqlite3_finalize(st->q_begin);
    sqlite3_finalize(st->q_commit);
    st->ins_sample = st->q_begin = st->q_commit = NULL;
    if (st->db) {
        sqlite3_close(st->db);
    }
    st->db = NULL;
}

const char *store_errmsg(struct store *st)
{
    return st->db ? sqlite3_errmsg(st->db) : "no database";
}

int64_t store_target(struct store *st, const char *name, const char *url)
{
    sqlite3_stmt *q = NULL;
    int64_t id = -1;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO targets(name, url, first_ms) VALUES(?1, ?2, "
                           "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)) "
                           "ON CONFLICT(name) DO UPDATE SET url = excluded.url RETURNING id",
                           -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, url, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW) {
            id = sqlite3_column_int64(q, 0);
        }
    }
    sqlite3_finalize(q);
    return id;
}

/* Runs one prepared statement to completion: 0 or -1. */
static int run(sqlite3_stmt *q)
{
    int rc = q && sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(q);
    return rc;
}

/* Steps a statement prepared once into *q (kept until store_close). 0 or -1. */
static int step_kept(struct store *st, sqlite3_stmt **q, const char *sql)
{
    if (!*q &&
        sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, q, NULL) != SQLITE_OK) {
        return -1;
    }
    int rc = sqlite3_step(*q);
    sqlite3_reset(*q);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_begin(struct store *st)
{
    if (st->in_batch) {
        return 0;
    }
    if (step_kept(st, &st->q_begin, "BEGIN") < 0) {
        return -1;
    }
    st->in_batch = 1;
    return 0;
}

int store_commit(struct store *st)
{
    if (!st->in_batch) {
        return 0;
    }
    st->in_batch = 0;
    return step_kept(st, &st->q_commit, "COMMIT");
}

int store_sample(struct store *st, int64_t target_id, const struct store_row *r)
{
    sqlite3_stmt *q = st->ins_sample;
    if (!q && sqlite3_prepare_v3(st->db,
                                 "INSERT INTO samples(target_id, t_ms, up, goroutines, heap_inuse, "
                                 "heap_alloc, gc_cpu, rss, states) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
                                 "?7, ?8, ?9)",
                                 -1, SQLITE_PREPARE_PERSISTENT, &q, NULL) != SQLITE_OK) {
        return -1;
    }
    st->ins_sample = q;
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    sqlite3_bind_int64(q, 1, target_id);
    sqlite3_bind_int64(q, 2, r->t_ms);
    sqlite3_bind_int(q, 3, r->up);
    const int64_t *v[] = {&r->goroutines, &r->heap_inuse, &r->heap_alloc, NULL, &r->rss};
    for (int i = 0; i < 5; i++) {
        if (v[i] && *v[i] >= 0) {
            sqlite3_bind_int64(q, 4 + i, *v[i]);
        }
    }
    if (r->gc_cpu >= 0) {
        sqlite3_bind_double(q, 7, r->gc_cpu);
    }
    if (r->states && r->states[0]) {
        sqlite3_bind_text(q, 9, r->states, -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(q);
    return rc;
}

int store_event(struct store *st, int64_t t_ms, const char *target, const char *event,
                const char *json)
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(st->db, "INSERT INTO events(t_ms, target, event, json) VALUES(?1,?2,?3,?4)",
                       -1, &q, NULL);
    if (q) {
        sqlite3_bind_int64(q, 1, t_ms);
        sqlite3_bind_text(q, 2, target, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, event, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, json, -1, SQLITE_STATIC);
    }
    return run(q);
}

int64_t store_capture(struct store *st, int64_t t_ms, const char *target, const char *kind,
                      const char *path, int64_t bytes)
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(
        st->db, "INSERT INTO captures(t_ms, target, kind, path, bytes) VALUES(?1,?2,?3,?4,?5)", -1,
        &q, NULL);
    if (q) {
        sqlite3_bind_int64(q, 1, t_ms);
        sqlite3_bind_text(q, 2, target, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, bytes);
    }
    return run(q) < 0 ? -1 : (int64_t)sqlite3_last_insert_rowid(st->db);
}

int store_prune_captures(struct store *st, int64_t now_ms, int64_t keep_ms, int64_t max_bytes)
{
    sqlite3_stmt *q = NULL, *del = NULL;
    int64_t total = 0;
    if (max_bytes <= 0) {
        max_bytes = INT64_MAX; /* 0: no size limit */
    }
    if (sqlite3_prepare_v2(st->db, "SELECT COALESCE(SUM(bytes), 0) FROM captures", -1, &q, NULL) !=
            SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        return -1;
    }
    total = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    q = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT id, t_ms, path, bytes FROM captures ORDER BY t_ms", -1,
                           &q, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db, "DELETE FROM captures WHERE id = ?1", -1, &del, NULL) !=
            SQLITE_OK) {
        rc = -1;
    }
    while (rc == 0 && sqlite3_step(q) == SQLITE_ROW) {
        int64_t t = sqlite3_column_int64(q, 1);
        if ((t >= now_ms - keep_ms && total <= max_bytes) || t >= now_ms) {
            break; /* the oldest left is young enough and the rest fits, or is from now */
        }
        const char *path = (const char *)sqlite3_column_text(q, 2);
        if (path && unlink(path) < 0 && errno != ENOENT) {
            continue; /* kept in the index while its file is there */
        }
        total -= sqlite3_column_int64(q, 3);
        sqlite3_reset(del);
        sqlite3_bind_int64(del, 1, sqlite3_column_int64(q, 0));
        rc = sqlite3_step(del) == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(q);
    sqlite3_finalize(del);
    return rc;
}

int store_prune(struct store *st, int64_t now_ms, int64_t keep_full_ms, int64_t keep_ms)
{
    sqlite3_stmt *q = NULL;
    /* thinned: the first sample of each minute of each target stays */
    sqlite3_prepare_v2(st->db,
                       "DELETE FROM samples WHERE t_ms < ?1 AND rowid NOT IN (SELECT MIN(rowid) "
                       "FROM samples WHERE t_ms < ?1 GROUP BY target_id, t_ms / 60000)",
                       -1, &q, NULL);
    if (q) {
        sqlite3_bind_int64(q, 1, now_ms - keep_full_ms);
    }
    if (run(q) < 0) {
        return -1;
    }
    static const char *const drop[] = {"DELETE FROM samples WHERE t_ms < ?1",
                                       "DELETE FROM events WHERE t_ms < ?1"};
    for (int i = 0; i < 2; i++) {
        q = NULL;
        sqlite3_prepare_v2(st->db, drop[i], -1, &q, NULL);
        if (q) {
            sqlite3_bind_int64(q, 1, now_ms - keep_ms);
        }
        if (run(q) < 0) {
            return -1;
        }
    }
    return 0;
}

/* A SELECT with ?1 = since and ?2 = target (NULL: any), prepared and bound; NULL on error. */
static sqlite3_stmt *select_since(struct store *st, const char *sql, const char *target,
                                  int64_t since_ms)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return NULL;
    }
    sqlite3_bind_int64(q, 1, since_ms);
    if (target) {
        sqlite3_bind_text(q, 2, target, -1, SQLITE_STATIC);
    }
    return q;
}

#define COL(q, i) ((const char *)sqlite3_column_text((q), (i)))

int store_events(struct store *st, const char *target, int64_t since_ms, store_event_fn fn,
                 void *ctx)
{
    sqlite3_stmt *q = select_since(st,
                                   "SELECT t_ms, target, event, json FROM events WHERE t_ms >= ?1 "
                                   "AND (?2 IS NULL OR target = ?2) ORDER BY t_ms, id",
                                   target, since_ms);
    int rc = q ? SQLITE_DONE : SQLITE_ERROR;
    while (q && (rc = sqlite3_step(q)) == SQLITE_ROW &&
           !fn(ctx, sqlite3_column_int64(q, 0), COL(q, 1), COL(q, 2), COL(q, 3))) {
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int store_captures(struct store *st, const char *target, int64_t since_ms, store_capture_fn fn,
                   void *ctx)
{
    sqlite3_stmt *q = select_since(st,
                                   "SELECT t_ms, target, kind, path, bytes, id FROM captures WHERE "
                                   "t_ms >= ?1 AND (?2 IS NULL OR target = ?2) ORDER BY t_ms, id",
                                   target, since_ms);
    int rc = q ? SQLITE_DONE : SQLITE_ERROR;
    while (q && (rc = sqlite3_step(q)) == SQLITE_ROW &&
           !fn(ctx, sqlite3_column_int64(q, 5), sqlite3_column_int64(q, 0), COL(q, 1), COL(q, 2),
               COL(q, 3), sqlite3_column_int64(q, 4))) {
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int store_capture_get(struct store *st, int64_t id, store_capture_fn fn, void *ctx)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT t_ms, target, kind, path, bytes FROM captures WHERE id = ?1", -1,
                           &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return -1;
    }
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        fn(ctx, id, sqlite3_column_int64(q, 0), COL(q, 1), COL(q, 2), COL(q, 3),
           sqlite3_column_int64(q, 4));
    }
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int store_samples(struct store *st, int64_t target_id, int64_t since_ms, store_sample_fn fn,
                  void *ctx)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT t_ms, up, goroutines, heap_inuse, heap_alloc, gc_cpu, rss, "
                           "states FROM samples WHERE target_id = ?1 AND t_ms >= ?2 ORDER BY t_ms",
                           -1, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return -1;
    }
    sqlite3_bind_int64(q, 1, target_id);
    sqlite3_bind_int64(q, 2, since_ms);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct store_row r;
        r.t_ms = sqlite3_column_int64(q, 0);
        r.up = sqlite3_column_int(q, 1);
        int64_t *v[] = {&r.goroutines, &r.heap_inuse, &r.heap_alloc, NULL, &r.rss};
        for (int i = 0; i < 5; i++) {
            if (v[i]) {
                *v[i] = sqlite3_column_type(q, 2 + i) == SQLITE_NULL
                            ? -1
                            : sqlite3_column_int64(q, 2 + i);
            }
        }
        r.gc_cpu = sqlite3_column_type(q, 5) == SQLITE_NULL ? -1 : sqlite3_column_double(q, 5);
        r.states = COL(q, 7);
        if (fn(ctx, &r)) {
            break;
        }
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int64_t store_bytes(struct store *st)
{
    int64_t total = 0;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT COALESCE(SUM(bytes), 0) FROM captures", -1, &q, NULL) ==
            SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        total = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    const char *sfx[] = {"", "-wal"};
    for (int i = 0; i < 2; i++) {
        char p[4200];
        struct stat sb;
        snprintf(p, sizeof(p), "%s%s", st->path, sfx[i]);
        if (stat(p, &sb) == 0) {
            total += (int64_t)sb.st_size;
        }
    }
    return total;
}
