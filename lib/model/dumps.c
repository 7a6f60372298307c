/* The goroutine-dump model (gm/dumps.h): the set, its blocks, and the builder. */
#include "gm/dumps.h"
#include "gm/alloc.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

/* ---------------------------------------------------------------- set management */

int gm_gdump_set_init(struct gm_gdump_set *set, const struct gm_limits *lim, enum gm_similarity sim)
{
    memset(set, 0, sizeof(*set));
    if (lim) {
        set->limits = *lim;
    } else {
        gm_limits_default(&set->limits);
    }
    if (set->limits.max_frames == 0) {
        set->limits.max_frames = 1;
    }
    set->similarity = sim;
    return gm_stacks_init(&set->stacks, set->limits.max_strtab);
}

void gm_gdump_set_release(struct gm_gdump_set *set)
{
    for (uint32_t i = 0; i < set->blocks_nr; i++) {
        free(set->blocks[i]);
    }
    free(set->blocks);
    free(set->dumps);
    free(set->locks);
    free(set->req_swaps);
    free(set->handlers);
    gm_stacks_release(&set->stacks);
    memset(set, 0, sizeof(*set));
}

int gm_dumps_push_slow(struct gm_gdump_set *set, const struct gm_goroutine *g)
{
    uint32_t i = set->g_nr;
    if (i == UINT32_MAX) {
        return GM_ETOOBIG;
    }
    if ((i >> GM_G_BLOCK_SHIFT) == set->blocks_nr) {
        /* an array of block pointers: its element is a pointer on purpose */
        if (set->blocks_nr == set->blocks_alloc &&
            GM_GROW(set->blocks, set->blocks_alloc, 16) < 0) { // NOLINT(bugprone-sizeof-expression)
            return GM_ENOMEM;
        }
        struct gm_goroutine *blk = gm_xmalloc(GM_G_BLOCK * sizeof(*blk));
        if (!blk) {
            return GM_ENOMEM;
        }
        set->blocks[set->blocks_nr++] = blk;
    }
    *gm_gdump_g(set, i) = *g;
    set->g_nr++;
    return 0;
}

int gm_dumps_begin(struct gm_gdump_set *set, enum gm_dump_kind kind)
{
    if (set->dumps_nr == set->dumps_alloc && GM_GROW(set->dumps, set->dumps_alloc, 4) < 0) {
        return GM_ENOMEM;
    }
    struct gm_dump *d = &set->dumps[set->dumps_nr];
    memset(d, 0, sizeof(*d));
    d->kind = kind;
    d->first = set->g_nr;
    d->time = -1;
    return (int)set->dumps_nr++;
}

static struct gm_str cstr(const char *s)
{
    return (struct gm_str){s ? s : "", s ? strlen(s) : 0};
}

int gm_dumps_add(struct gm_gdump_set *set, const struct gm_build_g *b)
{
    if (!set->dumps_nr) {
        return GM_EINVAL;
    }
    uint32_t ids[64], created = GM_NO_FRAME;
    uint32_t n = GM_MIN(b->frames_nr, (uint32_t)GM_ARRAY_NR(ids));
    for (uint32_t i = 0; i < n; i++) {
        struct gm_str fn = cstr(b->funcs[i]), file = cstr(b->files ? b->files[i] : NULL);
        uint32_t line = b->lines ? b->lines[i] : 0;
        GM_TRY(gm_stacks_frame(&set->stacks, fn, file, line, gm_stacks_frame_hash(fn, file, line),
                               &ids[i]));
    }
    if (b->created_by) {
        struct gm_str fn = cstr(b->created_by), file = cstr(NULL);
        GM_TRY(gm_stacks_frame(&set->stacks, fn, file, 0, gm_stacks_frame_hash(fn, file, 0),
                               &created));
    }
    struct gm_goroutine g;
    memset(&g, 0, sizeof(g));
    g.u.id = b->id;
    g.minutes = b->minutes;
    g.flags = b->flags | (set->g_nr == set->dumps[set->dumps_nr - 1].first ? GM_G_FIRST : 0);
    g.wait_obj = b->wait_obj;
    GM_TRY(gm_stacks_stack(&set->stacks, ids, n, created, &g.stack_id));
    struct gm_str st = cstr(b->state);
    GM_TRY(gm_strtab_intern(&set->stacks.strs, st.p, st.len, &g.state_id));
    GM_TRY(gm_dumps_push(set, &g));
    struct gm_dump *d = &set->dumps[set->dumps_nr - 1];
    d->nr = set->g_nr - d->first;
    d->goroutines += gm_g_weight(&g);
    return 0;
}
