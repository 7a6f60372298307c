/*
 * lib/parse/gdump_build.h - the goroutine record builder (private to lib/parse): the state of a
 * parse and the calls that turn what a reader found into dumps and goroutines of a
 * gm_gdump_set. The text reader (gdump.c) and the goroutine-profile converter
 * (gdump_profile.c) both fill a dump through it, so a goroutine is finished - its stack
 * interned, its proof, its wait object, its lock wait - in one place.
 */
#ifndef GM_PARSE_GDUMP_BUILD_H
#define GM_PARSE_GDUMP_BUILD_H

#include "gm/gdump.h"
#include "gm/idset.h"

enum mode {
    M_NONE,         /* outside any goroutine */
    M_FUNC,         /* in a goroutine, expecting a frame, created by, marker or blank */
    M_FILE,         /* after a frame's function line, expecting "\tfile:line" */
    M_CREATED_FILE, /* after "created by", expecting "\tfile:line" */
    M_ANCESTOR,     /* inside [originating from goroutine N] frames */
    M_AGG,          /* inside a debug=1 dump, between records */
    M_AGG_REC,      /* inside a debug=1 record */
};

struct parser {
    struct gm_gdump_set *set;
    struct gm_diag *diag;
    const char *base;
    size_t len;
    uint64_t lineno;
    uint64_t line_off;
    int last_line; /* the current line is the last one and has no newline */

    int in_dump;
    uint32_t dump;

    enum mode mode;
    int in_g;
    struct gm_goroutine g;
    uint32_t *frames;
    uint32_t nframes;
    uint64_t args_h;
    int have_obj;
    int user_seen;      /* the innermost user frame was seen (its arguments looked at) */
    int have_user_args; /* user_args_h is set: 1, or 2 when its values include a doubtful '?' */
    int lock_wait;      /* wait_obj came from a sync.(*Mutex)/(*RWMutex) frame */
    struct gm_lockwait lw;
    uint64_t user_args_h;
    struct gm_str pend_func, pend_args;
    struct gm_str created_func;
    struct {
        uint32_t frame; /* index in frames */
        uint64_t req;   /* the *http.Request it received */
    } reqs[8];          /* handler-shaped frames of the current goroutine, innermost first */
    uint32_t reqs_nr;

    struct gm_idset ids;     /* goroutine ids of the current dump: an id seen twice starts a dump */
    struct gm_idset nostack; /* ... printed "running on other thread; stack unavailable": seen
                                again, it is that goroutine's own traceback (a second thread
                                that threw at the same moment), not a new dump */
    uint32_t replace_at;     /* the record that traceback replaces, or UINT32_MAX */

    uint32_t preamble_id; /* preamble seen since the last dump */
    uint32_t detail_id;   /* crash detail line seen since the last dump (gm_dump.detail_id) */
    int recovered;        /* the preamble's panic was recovered and panicked again */
    int64_t last_time;    /* log timestamp seen since the last dump */
    char scratch[512];
    char linebuf[2][4096]; /* undressed lines (gm/paste.h), the current one and the one before */
    unsigned lb;           /* the current one's index */
    uint64_t no_file;      /* frames of this input whose file line was missing */
    char joinbuf[2048];    /* a frame line whose arguments continue on the next line */
    size_t join_len;
};

/* Ends the current dump (if any) and starts one of kind: 0 or GM_ENOMEM. */
int gd_start_dump(struct parser *ps, enum gm_dump_kind kind);
void gd_end_dump(struct parser *ps);
/* Starts a goroutine record in ps->g (mode M_FUNC). */
void gd_begin_g(struct parser *ps);
/* Adds a frame to the current goroutine (cut at limits.max_frames): 0 or an error. */
int gd_add_frame(struct parser *ps, struct gm_str func, struct gm_str file, uint32_t line);
/* Finishes the current goroutine, if any: interns its stack and adds it to the dump. */
int gd_finish_g(struct parser *ps);

#endif
