/*
 * cli/cmd.h - subcommand registration and the option tables that drive parsing and --help.
 *
 * Adding a command: write cli/cmd_<name>.c exporting `const struct cli_cmd cmd_<name>`, add it
 * to cmds[] in cli/gomedic.c (sorted), write docs/gomedic-<name>.1.md (its SYNOPSIS must be
 * the usage string) and tests/golden/<name>/ cases.
 */
#ifndef GM_CLI_CMD_H
#define GM_CLI_CMD_H

#include <stdio.h>

#include "gm/base.h"

enum cli_opt_type {
    CLI_OPT_T_END = 0,
    CLI_OPT_T_BOOL,   /* int *: set to 1 */
    CLI_OPT_T_STRING, /* const char **: last one wins */
    CLI_OPT_T_LIST,   /* struct cli_strlist *: repeatable */
    /* typed: checked by cli_opt_parse, which first stores the default, and which says what
     * was expected in one message shape: "CMD: --NAME 'VALUE': expected ..." (exit 2) */
    CLI_OPT_T_INT,    /* long *: a whole number from min to max */
    CLI_OPT_T_DOUBLE, /* double *: a number from min to max */
    CLI_OPT_T_SIZE,   /* uint64_t *: bytes, "512M", "4G" */
    CLI_OPT_T_SEV,    /* int *: info..critical (enum gm_severity); default dflt (-1: none) */
    CLI_OPT_T_ENUM,   /* int *: the index of the value in choices "a|b|c" */
    CLI_OPT_T_FAIL,   /* struct gm_fail_policy *: --fail-on words allowed by (unsigned)max */
};

struct cli_strlist {
    const char *v[64];
    size_t nr;
};

struct cli_opt {
    int shortc;       /* 0 if none */
    const char *name; /* long name */
    enum cli_opt_type type;
    void *ptr;
    const char *arg; /* argument name for --help, NULL for booleans */
    const char *help;
    double min, max, dflt; /* typed options: range and default */
    const char *choices;   /* CLI_OPT_T_ENUM: "exact|pointer|aggressive" */
};

#define CLI_OPT_BOOL(s, l, p, h)                                                                   \
    {                                                                                              \
        (s), (l), CLI_OPT_T_BOOL, (p), NULL, (h), 0, 0, 0, NULL                                    \
    }
#define CLI_OPT_STRING(s, l, p, a, h)                                                              \
    {                                                                                              \
        (s), (l), CLI_OPT_T_STRING, (p), (a), (h), 0, 0, 0, NULL                                   \
    }
#define CLI_OPT_LIST(s, l, p, a, h)                                                                \
    {                                                                                              \
        (s), (l), CLI_OPT_T_LIST, (p), (a), (h), 0, 0, 0, NULL                                     \
    }
#define CLI_OPT_INT(s, l, p, a, h, lo, hi, d)                                                      \
    {                                                                                              \
        (s), (l), CLI_OPT_T_INT, (p), (a), (h), (lo), (hi), (d), NULL                              \
    }
#define CLI_OPT_DOUBLE(s, l, p, a, h, lo, hi, d)                                                   \
    {                                                                                              \
        (s), (l), CLI_OPT_T_DOUBLE, (p), (a), (h), (lo), (hi), (d), NULL                           \
    }
#define CLI_OPT_SIZE(s, l, p, a, h, d)                                                             \
    {                                                                                              \
        (s), (l), CLI_OPT_T_SIZE, (p), (a), (h), 0, 0, (d), NULL                                   \
    }
#define CLI_OPT_SEV(s, l, p, h, d)                                                                 \
    {                                                                                              \
        (s), (l), CLI_OPT_T_SEV, (p), "SEV", (h), 0, 0, (d), NULL                                  \
    }
#define CLI_OPT_ENUM(s, l, p, a, h, choices, d)                                                    \
    {                                                                                              \
        (s), (l), CLI_OPT_T_ENUM, (p), (a), (h), 0, 0, (d), (choices)                              \
    }
/* --fail-on into a struct gm_fail_policy; allowed: the GM_FAIL_* words (gm/record.h). */
#define CLI_OPT_FAIL(p, a, h, allowed)                                                             \
    {                                                                                              \
        0, "fail-on", CLI_OPT_T_FAIL, (p), (a), (h), 0, (allowed), 0, NULL                         \
    }
/* Shared groups: --json/--output/--color, and --max-mem (8 GiB, as gm_limits_default). */
#define CLI_OPTS_OUTPUT(json, out, color, schema)                                                  \
    CLI_OPT_BOOL('j', "json", (json), "print JSON (schema " schema ")"),                           \
        CLI_OPT_STRING('o', "output", (out), "FILE", "write to FILE instead of stdout"),           \
        CLI_OPT_STRING(0, "color", (color), "WHEN", "colour: auto (default), always, never")
#define CLI_OPT_MAX_MEM(p)                                                                         \
    CLI_OPT_SIZE(0, "max-mem", (p), "SIZE",                                                        \
                 "refuse inputs larger than SIZE once decompressed (default 8G)",                  \
                 8.0 * 1024 * 1024 * 1024)
#define CLI_OPT_END                                                                                \
    {                                                                                              \
        0, NULL, CLI_OPT_T_END, NULL, NULL, NULL, 0, 0, 0, NULL                                    \
    }

enum cli_cmd_flags {
    CLI_CMD_HIDDEN = 1u << 0,
    CLI_CMD_READS_FILES = 1u << 1,
    CLI_CMD_EXTERNAL = 1u << 2, /* runs in gomedic-watch (cli/watch_cmds.h) */
};

struct cli_cmd {
    const char *name, *summary, *usage;
    const struct cli_opt *opts;
    /* the options were parsed into *state by cli_run: argv[first..argc-1] are the operands */
    int (*run)(int argc, char **argv, int first);
    void *state;       /* the command's option variables, zeroed before each parse */
    size_t state_size; /* their size */
    unsigned flags;
    int min_operands, max_operands; /* files the command takes (max 0: any number) */
    const char *operands_error;     /* what to say when their number is wrong */
};

/* Parses argv[1..] against self->opts (GNU style, options and files may mix; "--" ends
 * options). On return argv[*first .. argc-1] are the operands. Returns 0, 1 when --help was
 * printed (exit 0), or 2 after printing a usage error (a bad option, or a number of operands
 * outside min_operands..max_operands: "NAME: operands_error" and the usage). */
int cli_opt_parse(const struct cli_cmd *self, int argc, char **argv, int *first);
/* Runs a command: zeroes its options, parses argv, maps --help to exit 0 and a usage error to
 * exit 2, else returns what the command's run returns. The one way a command is started. */
int cli_run(const struct cli_cmd *c, int argc, char **argv);
void cli_cmd_help(const struct cli_cmd *self, FILE *f);

/* Common conventions. */
int cli_color_wanted(const char *when, FILE *f); /* auto|always|never; -1 if invalid */
/* -o/--out and --color: opens path (NULL or "-": stdout) and sets up w, colour as --color
 * asks, never when plain (JSON, SVG, folded stacks). Dies (exit 2) with "<cmd>: cannot write
 * 'path'" or a --color error. */
struct gm_out;
void cli_out_open(struct gm_out *w, const char *cmd, const char *path, const char *color,
                  int plain);
/* Flushes and closes what cli_out_open opened: 0, or 2 after "<cmd>: write error". */
int cli_out_close(struct gm_out *w, const char *cmd);
int cli_parse_size(const char *s, uint64_t *out); /* "512M", "4G", plain bytes */

/* Monotonic seconds. */
double cli_now(void);
/* --stats: timing, throughput and memory (from /proc/self/status: heap = RssAnon, the mapped
 * input = RssFile, peak = VmHWM) on stderr. */
void cli_print_stats(const char *file, uint64_t input_bytes, uint64_t goroutines, double t_parse,
                     double t_total);

/* Messages: "gomedic: ..." on stderr. die() exits 2. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a library error with its diagnostic: "gomedic: file:line: msg". */
void cli_err_diag(const char *file, int code, const struct gm_diag *diag);

/* Loading (cli/load.c): the bare-file mode (gomedic FILE) opens FILE once to tell its kind
 * (cli_preopen) and the command it routes to takes that artifact instead of reading, inflating
 * and decoding FILE again. A command loads its operands only through these. */
struct gm_artifact;
struct gm_artifact_opts;
struct gm_gdump_set;
struct gm_profile;
void cli_preopen(struct gm_artifact *a);
void cli_preopened_close(void);
int cli_open(struct gm_artifact *a, const char *path, const struct gm_artifact_opts *o,
             struct gm_diag *diag);
int cli_load_dumps(struct gm_gdump_set *set, const char *path, struct gm_diag *diag);
int cli_load_profile(struct gm_profile *prof, const char *path, const struct gm_limits *lim,
                     struct gm_diag *diag);
/* The pre-opened profile of path, moved to the caller (1), or 0 when there is none. */
int cli_take_profile(const char *path, const struct gm_limits *lim, struct gm_profile *out);

extern const struct cli_cmd cmd_captures;
extern const struct cli_cmd cmd_diff;
extern const struct cli_cmd cmd_flame;
extern const struct cli_cmd cmd_gc;
extern const struct cli_cmd cmd_goroutines;
extern const struct cli_cmd cmd_heap;
extern const struct cli_cmd cmd_history;
extern const struct cli_cmd cmd_pprof;
extern const struct cli_cmd cmd_race;
extern const struct cli_cmd cmd_trace;
extern const struct cli_cmd cmd_lint;
extern const struct cli_cmd cmd_watch;

#endif
