/* Self-heal hooks (hook.h): what a hook owns. Running them is the watch loop's (watch.c). */
#include "hook.h"

#include <stdlib.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

void hook_release(struct hook *h)
{
    for (int i = 0; i < h->argc; i++) {
        free(h->argv[i]);
        h->argv[i] = NULL;
    }
    h->argc = 0;
}
