/*
 * gm/waitclass.h - the wait-state class of a goroutine: a small fixed set of what goroutines
 * wait on, for counting them by kind (the watch daemon's gomedic_goroutines{state}).
 *
 * A debug=2 dump names each goroutine's wait state ("chan receive", "sync.Mutex.Lock"); the
 * goroutine profile (debug=0 and debug=1) names none, so the class comes from the innermost
 * frames: runtime.chanrecv* -> chan receive, sync.(*WaitGroup).Wait -> waitgroup, and so on
 * (gm_wait_class_func, table in waitclass.c). debug=1 text hides the leading runtime frames
 * (runtime.gopark, runtime.chanrecv1 ...): there the channel classes cannot be told from the
 * text alone and the caller falls back to what the binary form said for the same stack key.
 */
#ifndef GM_WAITCLASS_H
#define GM_WAITCLASS_H

#include "gm/base.h"

struct gm_stacks;

enum gm_wait_class {
    GM_WAIT_OTHER,     /* none of the below, or not known */
    GM_WAIT_CHAN_RECV, /* blocked receiving from a channel */
    GM_WAIT_CHAN_SEND, /* blocked sending on a channel */
    GM_WAIT_SELECT,    /* blocked in a select (or select {}) */
    GM_WAIT_MUTEX,     /* sync.Mutex / RWMutex */
    GM_WAIT_COND,      /* sync.Cond.Wait */
    GM_WAIT_WAITGROUP, /* sync.WaitGroup.Wait */
    GM_WAIT_IO,        /* network poller: a socket or pipe read/write/accept */
    GM_WAIT_SYSCALL,   /* in a system call */
    GM_WAIT_SLEEP,     /* time.Sleep */
    GM_WAIT_TIMER,     /* the runtime's timer goroutine (Go <= 1.13) */
    GM_WAIT_RUNNING,   /* running or runnable */
    GM_WAIT_NR
};

/* "chan_receive", "chan_send", "select", "mutex", "cond", "waitgroup", "io", "syscall",
 * "sleep", "timer", "running", "other": a Prometheus label value. */
const char *gm_wait_class_name(enum gm_wait_class c);

/* The class one frame's function decides, or GM_WAIT_OTHER when it decides nothing (a caller
 * looks at the next frame out). */
enum gm_wait_class gm_wait_class_func(struct gm_str func);

/* The class of a debug=2 wait state ("chan receive (nil chan)", "IO wait", "semacquire" ...);
 * GM_WAIT_OTHER when the state alone does not tell (semacquire: the frames do). */
enum gm_wait_class gm_wait_class_state(const char *state);

/* The class of a stack: its state when that tells, else its innermost 8 frames. */
enum gm_wait_class gm_wait_class_stack(const struct gm_stacks *s, uint32_t stack_id,
                                       const char *state);

#endif
