/* The GC log model (gm/gclog.h): the builder keeps records in order, caps them, restarts. */
#include <criterion/criterion.h>

#include "gm/gclog.h"

Test(gclog, add_cap_restart)
{
    struct gm_gc_log log = {.max = 3};
    for (uint32_t i = 1; i <= 5; i++) {
        struct gm_gc_cycle c = {.line = i, .num = i};
        cr_assert_eq(gm_gc_log_add_cycle(&log, &c), 0);
        struct gm_sched_line s = {.line = 100 + i};
        cr_assert_eq(gm_gc_log_add_sched(&log, &s), 0);
    }
    cr_assert_eq(log.cycles_nr, 3u);
    cr_assert_eq(log.cycles[2].num, 3u, "the first ones are kept");
    cr_assert_eq(log.sched_nr, 3u);
    cr_assert(log.cut);
    gm_gc_log_restart(&log);
    cr_assert_eq(log.cycles_nr, 0u);
    cr_assert_not(log.cut);
    struct gm_gc_cycle c = {.num = 1};
    cr_assert_eq(gm_gc_log_add_cycle(&log, &c), 0);
    cr_assert_eq(log.cycles_nr, 1u);
    gm_gc_log_release(&log);
    cr_assert_null(log.cycles);
}
