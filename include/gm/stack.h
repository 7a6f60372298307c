/*
 * gm/stack.h - frame and stack interning shared by every artifact that carries call stacks.
 *
 * A frame is (function, file, line) and gets a dense u32 frame_id; a stack is a sequence of
 * frame ids (innermost first) plus an optional "created by" frame and gets a dense u32
 * stack_id. Equal stacks anywhere in one gm_stacks (several dumps, several files) get the same
 * id, which is what makes grouping and cross-snapshot comparison an integer comparison.
 * Frames are classified once when interned (runtime / standard library / user code).
 * Memory: strings in a gm_strtab, frames and stacks in growable arrays, frame-id sequences in
 * one pool. Not thread-safe.
 */
#ifndef GM_STACK_H
#define GM_STACK_H

#include "gm/base.h"
#include "gm/hashtab.h"
#include "gm/strtab.h"

#define GM_NO_FRAME UINT32_MAX

enum gm_frame_flags {
    GM_FRAME_RUNTIME = 1u << 0, /* package runtime (and runtime/internal, internal/runtime) */
    GM_FRAME_STDLIB = 1u << 1,  /* standard library: first path element has no dot */
    GM_FRAME_USER = 1u << 2,    /* everything else, including package main */
};

struct gm_frame {
    uint32_t func_id; /* interned function name as printed, e.g. main.(*T).run.func1 */
    uint32_t file_id; /* interned source path */
    uint32_t line;    /* source line */
    uint32_t flags;   /* enum gm_frame_flags */
    uint64_t hash;    /* hash of the key, for the intern table */
};

struct gm_stack {
    uint32_t off;        /* first frame id in gm_stacks.pool */
    uint32_t nr;         /* number of frames */
    uint32_t created_by; /* frame id of the "created by" site, or GM_NO_FRAME */
    uint32_t user;       /* index in the stack of the first user frame, or nr if none */
    uint64_t hash;
};

struct gm_stacks {
    struct gm_strtab strs;
    struct gm_frame *frames;
    uint32_t frames_nr, frames_alloc;
    struct gm_htab frame_index; /* low 32 bits of gm_frame.hash -> frame id */
    struct gm_stack *stacks;
    uint32_t stacks_nr, stacks_alloc;
    struct gm_htab stack_index; /* low 32 bits of gm_stack.hash -> stack id */
    uint32_t *pool;             /* frame ids of all stacks */
    size_t pool_nr, pool_alloc;
};

int gm_stacks_init(struct gm_stacks *s, uint64_t max_strtab);
void gm_stacks_release(struct gm_stacks *s);

/* Interns a frame. `func` and `file` are slices of the input; `h` must be
 * gm_stacks_frame_hash(func, file, line). Errors: GM_ENOMEM, GM_ETOOBIG. */
int gm_stacks_frame(struct gm_stacks *s, struct gm_str func, struct gm_str file, uint32_t line,
                    uint64_t h, uint32_t *frame_id);
uint64_t gm_stacks_frame_hash(struct gm_str func, struct gm_str file, uint32_t line);

/* Interns a stack of nr frame ids (innermost first) with its creator frame. */
int gm_stacks_stack(struct gm_stacks *s, const uint32_t *ids, uint32_t nr, uint32_t created_by,
                    uint32_t *stack_id);

static inline const struct gm_frame *gm_stacks_get_frame(const struct gm_stacks *s, uint32_t id)
{
    return &s->frames[id];
}
static inline const struct gm_stack *gm_stacks_get(const struct gm_stacks *s, uint32_t id)
{
    return &s->stacks[id];
}
static inline const uint32_t *gm_stack_frames(const struct gm_stacks *s, const struct gm_stack *st)
{
    return s->pool ? s->pool + st->off : NULL; /* no pool yet: every stack is empty */
}
static inline const char *gm_stacks_func(const struct gm_stacks *s, uint32_t frame_id)
{
    return gm_strtab_cstr(&s->strs, s->frames[frame_id].func_id);
}
static inline const char *gm_stacks_file(const struct gm_stacks *s, uint32_t frame_id)
{
    return gm_strtab_cstr(&s->strs, s->frames[frame_id].file_id);
}

/* Classifies a function name as printed in a traceback (enum gm_frame_flags). */
unsigned gm_func_class(struct gm_str func);

/* The frame where a goroutine's own code is: the first user frame, else the creator if it is
 * user code, else the first non-runtime frame, else the innermost frame; GM_NO_FRAME if the
 * stack is empty and has no creator. */
uint32_t gm_stack_user_frame(const struct gm_stacks *s, uint32_t stack_id);

/* A stack's identity across the forms of one goroutine profile (debug=0, debug=1): the
 * (function, line) of its frames, innermost first, leaving out runtime.goexit and the leading
 * runtime frames (runtime., internal/runtime/) that debug=1 does not print. Fold the frames in
 * from GM_STACK_KEY_SEED with gm_stack_key_frame, skipping those gm_stack_key_skips says;
 * gm_stack_key does it for a stack of the model. */
#define GM_STACK_KEY_SEED 0x9E3779B97F4A7C15ull
int gm_stack_key_skips(struct gm_str func, int leading);
uint64_t gm_stack_key_frame(uint64_t h, struct gm_str func, uint32_t line);
uint64_t gm_stack_key(const struct gm_stacks *s, uint32_t stack_id);

#endif
