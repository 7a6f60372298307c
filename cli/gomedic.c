/* gomedic: the command table, dispatch, and routing of bare files by their kind. */
#include "cmd.h"
#include "watch_cmds.h"
#include "gm/artifact.h"
#include "gm/input.h"
#include "gm/pprof.h"
#include "gm/sniff.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

#ifndef GM_VERSION
#define GM_VERSION "0.1.0"
#endif

/* The daemon's commands run in gomedic-watch (cli/watch_cmds.h): here only their names. */
static const struct cli_cmd watch_captures = {.name = "captures",
                                              .summary = CAPTURES_SUMMARY,
                                              .usage = CAPTURES_USAGE,
                                              .flags = CLI_CMD_EXTERNAL};
static const struct cli_cmd watch_history = {.name = "history",
                                             .summary = HISTORY_SUMMARY,
                                             .usage = HISTORY_USAGE,
                                             .flags = CLI_CMD_EXTERNAL};
static const struct cli_cmd watch_watch = {
    .name = "watch", .summary = WATCH_SUMMARY, .usage = WATCH_USAGE, .flags = CLI_CMD_EXTERNAL};

static const struct cli_cmd *const cmds[] = {
    &watch_captures, &cmd_diff, &cmd_flame, &cmd_gc,   &cmd_goroutines, &cmd_heap,
    &watch_history,  &cmd_lint, &cmd_pprof, &cmd_race, &cmd_trace,      &watch_watch,
};

int cli_exec_watch(int argc, char **argv)
{
    char self[PATH_MAX], path[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        cli_err("%s: cannot find the gomedic executable (/proc/self/exe)", argv[0]);
        return 2;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    *slash = '\0';
    snprintf(path, sizeof(path), "%s/gomedic-watch", self);
    char *args[260];
    int k = 0;
    args[k++] = path;
    for (int i = 0; i < argc && k < 259; i++) {
        args[k++] = argv[i];
    }
    args[k] = NULL;
    execv(path, args);
    cli_err("%s: cannot run %s: %s (make builds it beside gomedic)", argv[0], path,
            strerror(errno));
    return 2;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: gomedic COMMAND [options] FILE...\n"
               "       gomedic FILE...            (the kind of each file is sniffed)\n\n"
               "Diagnoses Go services from what Go already emits.\n\ncommands:\n");
    for (size_t i = 0; i < GM_ARRAY_NR(cmds); i++) {
        if (!(cmds[i]->flags & CLI_CMD_HIDDEN)) {
            fprintf(f, "  %-12s %s\n", cmds[i]->name, cmds[i]->summary);
        }
    }
    fprintf(f, "  %-12s %s\n", "help", "show the help of a command");
    fprintf(f, "\n'gomedic COMMAND --help' shows a command's options; docs/ has the manual.\n");
    fprintf(f, "exit status: 0 ok, 1 findings at or over --fail-on, 2 usage or input error\n");
}

static const struct cli_cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < GM_ARRAY_NR(cmds); i++) {
        if (strcmp(cmds[i]->name, name) == 0) {
            return cmds[i];
        }
    }
    return NULL;
}

/* Levenshtein distance, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32) {
        return 99;
    }
    size_t row[33];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = prev + cost;
            if (row[j] + 1 < v) {
                v = row[j] + 1;
            }
            if (row[j - 1] + 1 < v) {
                v = row[j - 1] + 1;
            }
            row[j] = v;
            prev = cur;
        }
    }
    return row[lb];
}

/* Bare files: open the first one (once: cli_preopen hands it to the command) and route to
 * the command that reads its kind. Standard input is read once too, so "-" can be any kind. */
static int route(int argc, char **argv, const struct gm_artifact *a)
{
    switch (a->kind) {
    case GM_KIND_GDUMP:
    case GM_KIND_GDUMP_AGG:
        return cli_run(&cmd_goroutines, argc, argv);
    case GM_KIND_GCTRACE:
        return cli_run(&cmd_gc, argc, argv);
    case GM_KIND_RACE:
        return cli_run(&cmd_race, argc, argv);
    case GM_KIND_TRACE:
        return cli_run(&cmd_trace, argc, argv);
    case GM_KIND_PPROF:
    case GM_KIND_HEAPTEXT:
        /* goroutine profiles go to the goroutine analysis, several heap profiles to heap */
        if (gm_artifact_is_goroutines(a)) {
            return cli_run(&cmd_goroutines, argc, argv);
        }
        if (gm_profile_inuse_index(&a->profile) >= 0 && argc > 2) {
            return cli_run(&cmd_heap, argc, argv);
        }
        return cli_run(&cmd_pprof, argc, argv);
    case GM_KIND_UNKNOWN:
        cli_err("%s: not a Go artifact gomedic knows (expected a goroutine dump, profile, GC "
                "trace, race log or execution trace)",
                a->name);
        return 2;
    default:
        cli_err("%s: looks like a %s; this build cannot analyse that kind yet", a->name,
                gm_kind_name(a->kind));
        return 2;
    }
}

static int route_files(int argc, char **argv)
{
    struct gm_limits lim;
    gm_limits_default(&lim);
    struct gm_diag diag;
    memset(&diag, 0, sizeof(diag));
    const char *file = argv[1];
    struct gm_artifact a;
    struct gm_artifact_opts ao = {.lim = &lim};
    int rc = gm_artifact_open(&a, file, &ao, &diag);
    if (rc < 0) {
        cli_err_diag(file, rc, &diag);
        return 2;
    }
    struct gm_artifact view = a; /* the kind and model, read before the command takes them */
    cli_preopen(&a);
    rc = route(argc, argv, &view);
    cli_preopened_close();
    return rc;
}

int main(int argc, char **argv)
{
    /* Big arrays (inflated inputs, decoded profiles, tables) get their own mappings and go
       back to the system when freed. glibc otherwise raises its mmap threshold to the size of
       the largest block freed so far (up to 32 MB), and later blocks of that size land in the
       heap, whose freed middle is never returned: the flame graph of a 10^5-stack profile
       peaked 10 MB higher that way. A fixed threshold also turns the doubling of an array
       into an mremap, not a copy. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *word = argv[1];
    if (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(word, "--version") == 0 || strcmp(word, "version") == 0) {
        printf("gomedic %s\n", GM_VERSION);
        return 0;
    }
    if (strcmp(word, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return 0;
        }
        const struct cli_cmd *c = find_cmd(argv[2]);
        if (!c) {
            cli_err("help: no command '%s'", argv[2]);
            return 2;
        }
        if (c->flags & CLI_CMD_EXTERNAL) {
            return cli_exec_watch(argc - 1, argv + 1); /* gomedic-watch help CMD */
        }
        cli_cmd_help(c, stdout);
        return 0;
    }
    const struct cli_cmd *c = find_cmd(word);
    if (c && (c->flags & CLI_CMD_EXTERNAL)) {
        return cli_exec_watch(argc - 1, argv + 1);
    }
    if (c) {
        return cli_run(c, argc - 1, argv + 1);
    }
    if (word[0] == '-' && word[1] != '\0') {
        cli_err("unknown option '%s' (options go after the command)", word);
        usage(stderr);
        return 2;
    }
    if (strchr(word, '/') || strchr(word, '.') || strcmp(word, "-") == 0) {
        return route_files(argc, argv);
    }
    FILE *probe = fopen(word, "r");
    if (probe) {
        fclose(probe);
        return route_files(argc, argv);
    }
    cli_err("'%s' is not a command or a readable file", word);
    for (size_t i = 0; i < GM_ARRAY_NR(cmds); i++) {
        if (distance(word, cmds[i]->name) <= 2) {
            fprintf(stderr, "did you mean '%s'?\n", cmds[i]->name);
        }
    }
    return 2;
}
