/* Wait-state classes (gm/waitclass.h). */
#include "gm/waitclass.h"
#include "gm/stack.h"

#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static const char *const names[GM_WAIT_NR] = {"other",   "chan_receive", "chan_send", "select",
                                              "mutex",   "cond",         "waitgroup", "io",
                                              "syscall", "sleep",        "timer",     "running"};

const char *gm_wait_class_name(enum gm_wait_class c)
{
    return (unsigned)c < GM_WAIT_NR ? names[c] : names[GM_WAIT_OTHER];
}

/* A function prefix and the class it decides; an exact name when exact is set. The first match
 * wins: WaitGroup before the semaphore it waits on, the runtime's channel entry points before
 * anything. */
static const struct {
    const char *prefix;
    enum gm_wait_class c;
    int exact;
} rules[] = {
    {"runtime.chanrecv", GM_WAIT_CHAN_RECV, 0},
    {"runtime.chansend", GM_WAIT_CHAN_SEND, 0},
    {"runtime.selectgo", GM_WAIT_SELECT, 0},
    {"runtime.block", GM_WAIT_SELECT, 1},
    {"sync.(*WaitGroup).Wait", GM_WAIT_WAITGROUP, 0},
    {"sync.runtime_SemacquireWaitGroup", GM_WAIT_WAITGROUP, 0},
    {"sync.runtime_SemacquireMutex", GM_WAIT_MUTEX, 0},
    {"sync.runtime_SemacquireRWMutex", GM_WAIT_MUTEX, 0},
    {"internal/sync.runtime_SemacquireMutex", GM_WAIT_MUTEX, 0},
    {"sync.(*Mutex).", GM_WAIT_MUTEX, 0},
    {"sync.(*RWMutex).", GM_WAIT_MUTEX, 0},
    {"internal/sync.(*Mutex).", GM_WAIT_MUTEX, 0},
    {"sync.runtime_notifyListWait", GM_WAIT_COND, 0},
    {"sync.(*Cond).Wait", GM_WAIT_COND, 0},
    {"internal/poll.runtime_pollWait", GM_WAIT_IO, 0},
    {"internal/poll.(*pollDesc).", GM_WAIT_IO, 0},
    {"internal/poll.(*FD).", GM_WAIT_IO, 0},
    {"runtime.netpollblock", GM_WAIT_IO, 0},
    {"syscall.Syscall", GM_WAIT_SYSCALL, 0},
    {"syscall.RawSyscall", GM_WAIT_SYSCALL, 0},
    {"syscall.syscall", GM_WAIT_SYSCALL, 0},
    {"internal/runtime/syscall.", GM_WAIT_SYSCALL, 0},
    {"runtime/internal/syscall.", GM_WAIT_SYSCALL, 0},
    {"time.Sleep", GM_WAIT_SLEEP, 1},
    {"runtime.timeSleep", GM_WAIT_SLEEP, 1},
    {"runtime.timerproc", GM_WAIT_TIMER, 1},
    /* the goroutine writing the profile: running when it was taken */
    {"runtime/pprof.runtime_goroutineProfileWithLabels", GM_WAIT_RUNNING, 0},
    {"runtime/pprof.writeRuntimeProfile", GM_WAIT_RUNNING, 0},
    {"runtime/pprof.writeGoroutine", GM_WAIT_RUNNING, 0},
};

enum gm_wait_class gm_wait_class_func(struct gm_str f)
{
    for (size_t r = 0; r < GM_ARRAY_NR(rules); r++) {
        size_t n = strlen(rules[r].prefix);
        if (f.len >= n && memcmp(f.p, rules[r].prefix, n) == 0 && (!rules[r].exact || f.len == n)) {
            return rules[r].c;
        }
    }
    return GM_WAIT_OTHER;
}

enum gm_wait_class gm_wait_class_state(const char *state)
{
    static const struct {
        const char *prefix;
        enum gm_wait_class c;
    } st[] = {
        {"chan receive", GM_WAIT_CHAN_RECV},
        {"chan send", GM_WAIT_CHAN_SEND},
        {"select", GM_WAIT_SELECT},
        {"sync.Mutex.", GM_WAIT_MUTEX},
        {"sync.RWMutex.", GM_WAIT_MUTEX},
        {"sync.Cond.Wait", GM_WAIT_COND},
        {"sync.WaitGroup.Wait", GM_WAIT_WAITGROUP},
        {"IO wait", GM_WAIT_IO},
        {"syscall", GM_WAIT_SYSCALL},
        {"sleep", GM_WAIT_SLEEP},
        {"timer goroutine", GM_WAIT_TIMER},
        {"running", GM_WAIT_RUNNING},
        {"runnable", GM_WAIT_RUNNING},
    };
    if (!state) {
        return GM_WAIT_OTHER;
    }
    for (size_t i = 0; i < GM_ARRAY_NR(st); i++) {
        if (strncmp(state, st[i].prefix, strlen(st[i].prefix)) == 0) {
            return st[i].c;
        }
    }
    return GM_WAIT_OTHER;
}

enum gm_wait_class gm_wait_class_stack(const struct gm_stacks *s, uint32_t stack_id,
                                       const char *state)
{
    enum gm_wait_class c = gm_wait_class_state(state);
    if (c != GM_WAIT_OTHER) {
        return c;
    }
    const struct gm_stack *st = gm_stacks_get(s, stack_id);
    const uint32_t *ids = gm_stack_frames(s, st);
    for (uint32_t i = 0; ids && i < st->nr && i < 8; i++) {
        const char *fn = gm_stacks_func(s, ids[i]);
        if ((c = gm_wait_class_func((struct gm_str){fn, strlen(fn)})) != GM_WAIT_OTHER) {
            return c;
        }
    }
    return GM_WAIT_OTHER;
}
