/*
 * cli/watch_cmds.h - the commands of the watch daemon (watch, history, captures), which live in
 * their own executable, gomedic-watch (cli/watch_main.c, cli/cmd_watch.c, daemon/): the file
 * commands then do not load SQLite, libcurl and their dependencies (34 shared libraries, 7 MB
 * of start-up RSS). `gomedic watch ...` runs gomedic-watch from the directory of the gomedic
 * being run (cli_exec_watch). The names and summaries are here, once, for both.
 */
#ifndef GM_CLI_WATCH_CMDS_H
#define GM_CLI_WATCH_CMDS_H

#define WATCH_SUMMARY                                                                              \
    "Watch running services through net/http/pprof: catch goroutine and heap leaks as they "       \
    "happen, capture the evidence, store it."
#define WATCH_USAGE "gomedic watch [options] TARGET..."
#define HISTORY_SUMMARY                                                                            \
    "Print the events gomedic watch stored: ups and downs, triggers, captures, findings."
#define HISTORY_USAGE "gomedic history [options]"
#define CAPTURES_SUMMARY                                                                           \
    "List the files gomedic watch captured (each one reads with the file commands)."
#define CAPTURES_USAGE "gomedic captures [options]"

/* Replaces the process with gomedic-watch running argv (argv[0] the command name). Returns
 * only on failure: 2, after saying why. */
int cli_exec_watch(int argc, char **argv);

#endif
