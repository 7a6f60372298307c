/* gomedic-watch: the executable of gomedic watch, history and captures (cli/watch_cmds.h);
 * `gomedic watch ...` runs it as `gomedic-watch watch ...`. */
#include "cmd.h"
#include "watch_cmds.h"

#include <stdio.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static const struct cli_cmd *const cmds[] = {&cmd_captures, &cmd_history, &cmd_watch};

int main(int argc, char **argv)
{
    const char *word = argc > 1 ? argv[1] : "";
    int help = strcmp(word, "help") == 0;
    if (help && argc > 2) {
        word = argv[2];
    }
    for (size_t i = 0; i < GM_ARRAY_NR(cmds); i++) {
        if (strcmp(word, cmds[i]->name) == 0) {
            if (help) {
                cli_cmd_help(cmds[i], stdout);
                return 0;
            }
            return cli_run(cmds[i], argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "usage: gomedic-watch watch|history|captures [options] ...\n"
                    "       (run as 'gomedic watch ...'; see gomedic-watch(1))\n");
    return 2;
}
