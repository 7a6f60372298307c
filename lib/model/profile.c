/* The profile model (gm/profile.h): release and lookups. */
#include "gm/profile.h"

#include <stdlib.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

void gm_profile_release(struct gm_profile *prof)
{
    gm_strtab_release(&prof->strs);
    free(prof->types);
    free(prof->samples);
    free(prof->values);
    free(prof->locs);
    free(prof->labels);
    free(prof->locations);
    free(prof->lines);
    free(prof->functions);
    free(prof->mappings);
    free(prof->comments);
    memset(prof, 0, sizeof(*prof));
    prof->default_type = -1;
}

int gm_profile_type_index(const struct gm_profile *prof, const char *name)
{
    for (uint32_t i = 0; i < prof->types_nr; i++) {
        if (strcmp(gm_profile_str(prof, prof->types[i].type_id), name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

uint32_t gm_profile_default_index(const struct gm_profile *prof)
{
    if (prof->default_type >= 0) {
        return (uint32_t)prof->default_type;
    }
    return prof->types_nr ? prof->types_nr - 1 : 0;
}

const char *gm_profile_func_name(const struct gm_profile *prof, const struct gm_pprof_line *l)
{
    if (l->func == UINT32_MAX || l->func >= prof->functions_nr) {
        return "?";
    }
    const char *n = gm_profile_str(prof, prof->functions[l->func].name_id);
    return *n ? n : "?";
}

int gm_profile_inuse_index(const struct gm_profile *prof)
{
    int i = gm_profile_type_index(prof, "inuse_space");
    if (i < 0 && prof->legacy) {
        i = gm_profile_type_index(prof, "space");
    }
    return i;
}
