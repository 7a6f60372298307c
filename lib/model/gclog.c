/* The GC log model (gm/gclog.h). */
#include "gm/gclog.h"
#include "gm/alloc.h"
#include "gm/base.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static uint32_t kept(const struct gm_gc_log *log)
{
    return log->max ? log->max : 16u << 20;
}

int gm_gc_log_add_cycle(struct gm_gc_log *log, const struct gm_gc_cycle *c)
{
    if (log->cycles_nr >= kept(log)) {
        log->cut = 1;
        return 0;
    }
    if (log->cycles_nr == log->cycles_alloc && GM_GROW(log->cycles, log->cycles_alloc, 256) < 0) {
        return GM_ENOMEM;
    }
    log->cycles[log->cycles_nr++] = *c;
    return 0;
}

int gm_gc_log_add_sched(struct gm_gc_log *log, const struct gm_sched_line *s)
{
    if (log->sched_nr >= kept(log)) {
        return 0;
    }
    if (log->sched_nr == log->sched_alloc && GM_GROW(log->sched, log->sched_alloc, 64) < 0) {
        return GM_ENOMEM;
    }
    log->sched[log->sched_nr++] = *s;
    return 0;
}

void gm_gc_log_restart(struct gm_gc_log *log)
{
    log->cycles_nr = 0;
    log->sched_nr = 0;
    log->cut = 0;
}

void gm_gc_log_release(struct gm_gc_log *log)
{
    free(log->cycles);
    free(log->sched);
    memset(log, 0, sizeof(*log));
}
