/*
 * The call tree (gm/calltree.h). A child is found by one probe sequence in a single hash
 * table (gm/hashtab.h) keyed by (parent, name_id), so adding a stack costs O(depth) expected
 * time whatever the fan-out, and values are added on a second walk up the parent links (no
 * hashing, and nothing is added when a node cannot be created).
 */
#include "gm/calltree.h"
#include "gm/alloc.h"
#include "gm/dumps.h"
#include "gm/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#define NONE      UINT32_MAX
#define NODES_MIN 64u

static void sat_add(int64_t *acc, int64_t v)
{
    if (*acc > INT64_MAX - v) {
        *acc = INT64_MAX;
    } else {
        *acc += v;
    }
}

static uint32_t hash_of(uint32_t parent, uint32_t name_id)
{
    uint64_t h = (uint64_t)parent << 32 | name_id;
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return (uint32_t)h;
}

int gm_flame_init(struct gm_flame *f, const struct gm_strtab *names, const char *title,
                  const char *unit)
{
    memset(f, 0, sizeof(*f));
    f->names = names;
    f->max_nodes = GM_FLAME_MAX_NODES;
    snprintf(f->title, sizeof(f->title), "%s", title ? title : "Flame Graph");
    snprintf(f->unit, sizeof(f->unit), "%s", unit ? unit : "samples");
    f->nodes = gm_xrealloc(NULL, NODES_MIN * sizeof(*f->nodes));
    if (!f->nodes || gm_htab_init_dense(&f->children, NODES_MIN) < 0) {
        gm_flame_release(f);
        return GM_ENOMEM;
    }
    f->alloc = NODES_MIN;
    f->nodes[0] = (struct gm_flame_node){0, NONE, NONE, NONE, 0, 0};
    f->nr = 1;
    return 0;
}

void gm_flame_release(struct gm_flame *f)
{
    free(f->nodes);
    gm_htab_release(&f->children);
    free(f->base);
    f->nodes = NULL;
    f->base = NULL;
    f->nr = f->alloc = 0;
}

void gm_flame_seal(struct gm_flame *f)
{
    gm_htab_release(&f->children);
}

/* Grows the node array (and the base totals, when there are any) to alloc entries. */
static int grow_nodes(struct gm_flame *f, uint32_t alloc)
{
    struct gm_flame_node *nodes = gm_xrealloc(f->nodes, (size_t)alloc * sizeof(*nodes));
    if (!nodes) {
        return GM_ENOMEM;
    }
    f->nodes = nodes;
    if (f->base) {
        struct gm_flame_base *base = gm_xrealloc(f->base, (size_t)alloc * sizeof(*base));
        if (!base) {
            return GM_ENOMEM; /* the nodes grew, alloc did not: still consistent */
        }
        f->base = base;
    }
    f->alloc = alloc;
    return 0;
}

/* Finds or creates the child of parent named name_id. */
static int child(struct gm_flame *f, uint32_t parent, uint32_t name_id, uint32_t *out)
{
    uint32_t h = hash_of(parent, name_id), pos = gm_htab_probe(&f->children, h);
    for (uint32_t n; (n = gm_htab_next(&f->children, h, &pos)) != GM_HTAB_END;) {
        if (f->nodes[n].parent == parent && f->nodes[n].name_id == name_id) {
            *out = n;
            return 0;
        }
    }
    if (f->nr >= f->max_nodes) {
        return GM_ETOOBIG;
    }
    if (f->nr == f->alloc) {
        GM_TRY(grow_nodes(f, f->alloc <= f->max_nodes / 2 ? f->alloc * 2 : f->max_nodes));
    }
    GM_TRY(gm_htab_add(&f->children, h, f->nr));
    uint32_t n = f->nr++;
    f->nodes[n] = (struct gm_flame_node){name_id, parent, NONE, f->nodes[parent].first_child, 0, 0};
    if (f->base) {
        f->base[n] = (struct gm_flame_base){0, 0};
    }
    f->nodes[parent].first_child = n;
    *out = n;
    return 0;
}

int gm_flame_add(struct gm_flame *f, const uint32_t *frames_root_first, uint32_t nr, int64_t value,
                 int is_base)
{
    if (value < 0 || (nr && !frames_root_first) || !f->children.slots) {
        return GM_EINVAL;
    }
    if (is_base && !f->base) {
        f->base = gm_xcalloc(f->alloc, sizeof(*f->base));
        if (!f->base) {
            return GM_ENOMEM;
        }
    }
    uint32_t cur = 0;
    for (uint32_t i = 0; i < nr; i++) {
        GM_TRY(child(f, cur, frames_root_first[i], &cur));
    }
    if (is_base) {
        sat_add(&f->base[cur].self, value);
        for (uint32_t n = cur; n != NONE; n = f->nodes[n].parent) {
            sat_add(&f->base[n].value, value);
        }
        f->has_base = 1;
        return 0;
    }
    sat_add(&f->nodes[cur].self, value);
    for (uint32_t n = cur; n != NONE; n = f->nodes[n].parent) {
        sat_add(&f->nodes[n].value, value);
    }
    return 0;
}

/* The stacks of a profile (sample type index), each weighted by its value. */
int gm_flame_add_profile(struct gm_flame *f, struct gm_strtab *names, const struct gm_profile *p,
                         uint32_t index, int is_base)
{
    uint32_t frames[1024];
    /* each function's name is interned once: name ids by function index */
    uint32_t *name_of = gm_xmalloc(((size_t)p->functions_nr + 1) * sizeof(*name_of));
    if (!name_of) {
        return GM_ENOMEM;
    }
    memset(name_of, 0xff, ((size_t)p->functions_nr + 1) * sizeof(*name_of));
    int rc = 0;
    for (uint32_t i = 0; i < p->samples_nr && rc >= 0; i++) {
        const struct gm_pprof_sample *s = &p->samples[i];
        int64_t v = p->values[s->val_off + index];
        if (v <= 0) {
            continue;
        }
        uint32_t nr = 0;
        for (uint32_t k = 0; k < s->loc_nr && rc >= 0; k++) {
            const struct gm_pprof_location *loc = &p->locations[p->locs[s->loc_off + k]];
            for (uint32_t l = 0; l < loc->line_nr && nr < GM_ARRAY_NR(frames) && rc >= 0; l++) {
                const struct gm_pprof_line *ln = &p->lines[loc->line_off + l];
                uint32_t *cached = ln->func < p->functions_nr ? &name_of[ln->func] : NULL;
                if (cached && *cached != UINT32_MAX) {
                    frames[nr++] = *cached;
                    continue;
                }
                const char *fn = gm_profile_func_name(p, ln);
                rc = gm_strtab_intern(names, fn, strlen(fn), &frames[nr]);
                if (cached) {
                    *cached = frames[nr];
                }
                nr++;
            }
        }
        if (rc < 0) {
            break;
        }
        for (uint32_t a = 0, b = nr ? nr - 1 : 0; a < b; a++, b--) { /* root first */
            uint32_t t = frames[a];
            frames[a] = frames[b];
            frames[b] = t;
        }
        rc = gm_flame_add(f, frames, nr, v, is_base);
    }
    free(name_of);
    return rc;
}

/* The goroutines of the last dump in set, one stack each, weighted by their count. */
int gm_flame_add_dump(struct gm_flame *f, struct gm_strtab *names, const struct gm_gdump_set *set,
                      int is_base)
{
    if (!set->dumps_nr) {
        return 0;
    }
    const struct gm_dump *d = &set->dumps[set->dumps_nr - 1];
    uint32_t frames[1024];
    for (uint32_t k = 0; k < d->nr; k++) {
        const struct gm_goroutine *g = gm_gdump_g(set, d->first + k);
        const struct gm_stack *st = gm_stacks_get(&set->stacks, g->stack_id);
        const uint32_t *ids = gm_stack_frames(&set->stacks, st);
        uint32_t nr = 0;
        for (uint32_t i = st->nr; i-- > 0 && nr < GM_ARRAY_NR(frames);) {
            const char *fn = gm_stacks_func(&set->stacks, ids[i]);
            GM_TRY(gm_strtab_intern(names, fn, strlen(fn), &frames[nr]));
            nr++;
        }
        GM_TRY(gm_flame_add(f, frames, nr, gm_g_weight(g), is_base));
    }
    return 0;
}
