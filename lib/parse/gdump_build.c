/* The goroutine record builder (gdump_build.h). */
#include "gdump_build.h"
#include "gm/alloc.h"

#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

void gd_end_dump(struct parser *ps)
{
    if (!ps->in_dump) {
        return;
    }
    struct gm_dump *d = &ps->set->dumps[ps->dump];
    d->nr = ps->set->g_nr - d->first;
    ps->in_dump = 0;
}

/* What the line the runtime printed before a dump proves: every goroutine asleep, or a
 * synctest bubble deadlocked ("panic: deadlock: all goroutines in bubble are blocked", "...
 * main bubble goroutine has exited but blocked goroutines remain", Go 1.25+). */
static enum gm_dump_proof preamble_proof(const struct gm_gdump_set *set, uint32_t preamble_id)
{
    if (!preamble_id) {
        return GM_PROOF_NONE;
    }
    const char *p = gm_strtab_cstr(&set->stacks.strs, preamble_id);
    if (strncmp(p, "fatal error: all goroutines are asleep - deadlock!", 50) == 0) {
        return GM_PROOF_DEADLOCK;
    }
    if (strncmp(p, "panic: deadlock: ", 17) == 0 && strstr(p, "bubble")) {
        return GM_PROOF_BUBBLE;
    }
    return GM_PROOF_NONE;
}

/* Marks a goroutine GM_G_PROVEN when its dump's proof covers it: tagged "(leaked)"; any record
 * of a goroutineleak profile; any goroutine not running when the runtime declared every one
 * asleep; a goroutine of a deadlocked synctest bubble. */
static void prove(const struct gm_gdump_set *set, struct gm_dump *d, struct gm_goroutine *g)
{
    if (g->flags & GM_G_LEAKED) {
        g->flags |= GM_G_PROVEN;
        if (d->proof == GM_PROOF_NONE) {
            d->proof = GM_PROOF_LEAKED;
        }
        return;
    }
    if (d->proof == GM_PROOF_LEAKPROF) {
        g->flags |= GM_G_PROVEN | GM_G_LEAKED;
        return;
    }
    if (d->proof != GM_PROOF_DEADLOCK &&
        !(d->proof == GM_PROOF_BUBBLE && (g->flags & GM_G_BUBBLE))) {
        return;
    }
    const char *st = gm_strtab_cstr(&set->stacks.strs, g->state_id);
    if (strcmp(st, "running") != 0 && strcmp(st, "runnable") != 0) {
        g->flags |= GM_G_PROVEN;
    }
}

int gd_start_dump(struct parser *ps, enum gm_dump_kind kind)
{
    struct gm_gdump_set *set = ps->set;
    gd_end_dump(ps);
    int di = gm_dumps_begin(set, kind);
    if (di < 0) {
        return di;
    }
    struct gm_dump *d = &set->dumps[di];
    d->line_first = ps->lineno;
    d->line_last = ps->lineno;
    d->preamble_id = ps->preamble_id;
    d->detail_id = ps->detail_id;
    d->recovered = ps->recovered;
    d->proof = preamble_proof(set, ps->preamble_id);
    d->time = ps->last_time;
    ps->preamble_id = ps->detail_id = 0;
    ps->recovered = 0;
    ps->last_time = -1;
    ps->dump = (uint32_t)di;
    ps->in_dump = 1;
    gm_idset_clear(&ps->ids);
    gm_idset_clear(&ps->nostack);
    ps->replace_at = UINT32_MAX;
    return 0;
}

/* Records the user functions of the current goroutine that serve an HTTP request: all of them
 * when the goroutine is a server connection's (net/http.(*conn).serve at the bottom), and
 * those whose arguments have a handler's shape anywhere. The evidence that goroutines they
 * start belong to a request (escaped-request-goroutine). */
static int add_handler(struct gm_gdump_set *set, uint32_t frame)
{
    const struct gm_frame *f = gm_stacks_get_frame(&set->stacks, frame);
    if (!(f->flags & GM_FRAME_USER)) {
        return 0;
    }
    for (uint32_t i = 0; i < set->handlers_nr; i++) {
        if (set->handlers[i].func_id == f->func_id) {
            set->handlers[i].live++;
            return 0;
        }
    }
    if (set->handlers_nr == GM_HANDLERS_MAX) {
        return 0;
    }
    if (set->handlers_nr == set->handlers_alloc &&
        GM_GROW(set->handlers, set->handlers_alloc, 16) < 0) {
        return GM_ENOMEM;
    }
    set->handlers[set->handlers_nr++] = (struct gm_handler){f->func_id, 1};
    return 0;
}

static int request_handlers(struct parser *ps)
{
    struct gm_gdump_set *set = ps->set;
    if (ps->nframes && strcmp(gm_stacks_func(&set->stacks, ps->frames[ps->nframes - 1]),
                              "net/http.(*conn).serve") == 0) {
        for (uint32_t k = 0; k + 1 < ps->nframes; k++) {
            GM_TRY(add_handler(set, ps->frames[k]));
        }
        return 0;
    }
    for (uint32_t k = 0; k < ps->reqs_nr; k++) {
        GM_TRY(add_handler(set, ps->frames[ps->reqs[k].frame]));
    }
    return 0;
}

/* Records where the current goroutine's handler chain passed a different *http.Request down:
 * the outer frame of the pair, user code, replaced it (struct gm_req_swap). */
static int request_swaps(struct parser *ps)
{
    struct gm_gdump_set *set = ps->set;
    for (uint32_t k = 0; k + 1 < ps->reqs_nr; k++) {
        if (ps->reqs[k].req == ps->reqs[k + 1].req) {
            continue;
        }
        uint32_t changer = ps->frames[ps->reqs[k + 1].frame];
        uint32_t callee = ps->frames[ps->reqs[k].frame];
        if (!(gm_stacks_get_frame(&set->stacks, changer)->flags & GM_FRAME_USER)) {
            continue;
        }
        uint32_t i = 0;
        while (i < set->req_swaps_nr &&
               (set->req_swaps[i].changer != changer || set->req_swaps[i].callee != callee)) {
            i++;
        }
        if (i < set->req_swaps_nr) {
            set->req_swaps[i].live++;
            continue;
        }
        if (set->req_swaps_nr == GM_REQ_SWAPS_MAX) {
            continue;
        }
        if (set->req_swaps_nr == set->req_swaps_alloc &&
            GM_GROW(set->req_swaps, set->req_swaps_alloc, 8) < 0) {
            return GM_ENOMEM;
        }
        set->req_swaps[set->req_swaps_nr++] = (struct gm_req_swap){changer, callee, 1};
    }
    return 0;
}

int gd_finish_g(struct parser *ps)
{
    if (!ps->in_g) {
        return 0;
    }
    struct gm_gdump_set *set = ps->set;
    uint32_t created = GM_NO_FRAME;
    ps->in_g = 0;
    if (ps->mode == M_FILE || ps->mode == M_CREATED_FILE) {
        /* the frame line had no file line: only legal at the end of the input */
        ps->g.flags |= GM_G_TRUNCATED;
    }
    if (ps->created_func.len) {
        struct gm_str file = {"", 0};
        uint64_t h = gm_stacks_frame_hash(ps->created_func, file, 0);
        GM_TRY(gm_stacks_frame(&set->stacks, ps->created_func, file, 0, h, &created));
    }
    if (ps->g.stack_id == UINT32_MAX) {
        GM_TRY(gm_stacks_stack(&set->stacks, ps->frames, ps->nframes, created, &ps->g.stack_id));
    }
    ps->g.args_hash = set->similarity == GM_SIM_AGGRESSIVE ? 0 : ps->args_h;
    if (!ps->have_obj && ps->have_user_args) {
        ps->g.wait_obj = ps->user_args_h;
        ps->g.flags |= GM_G_OBJ_ARGS | (ps->have_user_args > 1 ? GM_G_OBJ_DOUBT : 0);
    }
    struct gm_dump *d = &set->dumps[ps->dump];
    if (d->proof != GM_PROOF_NONE || (ps->g.flags & GM_G_LEAKED)) {
        prove(set, d, &ps->g);
    }
    if (set->g_nr == d->first) {
        ps->g.flags |= GM_G_FIRST;
    }
    if (d->kind == GM_DUMP_FULL) {
        GM_TRY(gm_idset_add(ps->g.flags & GM_G_NO_STACK ? &ps->nostack : &ps->ids, ps->g.u.id));
    }
    GM_TRY(request_swaps(ps));
    GM_TRY(request_handlers(ps));
    if (ps->lock_wait && ps->lw.nr) {
        if (set->locks_nr == set->locks_alloc && GM_GROW(set->locks, set->locks_alloc, 16) < 0) {
            return GM_ENOMEM;
        }
        ps->lw.g = set->g_nr;
        set->locks[set->locks_nr++] = ps->lw;
    }
    if (ps->replace_at != UINT32_MAX) {
        /* the traceback of a goroutine the dump printed without a stack: in its place */
        *gm_gdump_g(set, ps->replace_at) = ps->g;
        ps->replace_at = UINT32_MAX;
        d->line_last = ps->lineno;
        ps->mode = M_NONE;
        return 0;
    }
    GM_TRY(gm_dumps_push(set, &ps->g));
    d->goroutines += gm_g_weight(&ps->g);
    d->line_last = ps->lineno;
    ps->mode = d->kind == GM_DUMP_AGGREGATED ? M_AGG : M_NONE;
    return 0;
}

void gd_begin_g(struct parser *ps)
{
    memset(&ps->g, 0, sizeof(ps->g));
    ps->g.stack_id = UINT32_MAX;
    ps->in_g = 1;
    ps->nframes = 0;
    ps->args_h = 0;
    ps->have_obj = 0;
    ps->have_user_args = 0;
    ps->user_seen = 0;
    ps->reqs_nr = 0;
    ps->lock_wait = 0;
    ps->lw.nr = 0;
    ps->created_func.len = 0;
    ps->pend_func.len = 0;
    ps->mode = M_FUNC;
}

int gd_add_frame(struct parser *ps, struct gm_str func, struct gm_str file, uint32_t line)
{
    if (ps->nframes >= ps->set->limits.max_frames) {
        ps->g.flags |= GM_G_CUT;
        return 0;
    }
    uint32_t id;
    uint64_t h = gm_stacks_frame_hash(func, file, line);
    GM_TRY(gm_stacks_frame(&ps->set->stacks, func, file, line, h, &id));
    ps->frames[ps->nframes++] = id;
    return 0;
}
