/* Option tables -> getopt_long, --help text, and the small shared CLI helpers. */
#include "cmd.h"
#include "gm/out.h"
#include "gm/record.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

void cli_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gomedic: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

_Noreturn void cli_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gomedic: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

void cli_err_diag(const char *file, int code, const struct gm_diag *d)
{
    if (d && d->msg[0]) {
        if (d->line) {
            cli_err("%s:%llu: %s", file, (unsigned long long)d->line, d->msg);
        } else if (d->off) {
            cli_err("%s: byte %llu: %s", file, (unsigned long long)d->off, d->msg);
        } else {
            cli_err("%s: %s", file, d->msg);
        }
    } else {
        cli_err("%s: %s", file, gm_strerror(code));
    }
}

void cli_cmd_help(const struct cli_cmd *self, FILE *f)
{
    fprintf(f, "usage: %s\n\n%s\n", self->usage, self->summary);
    if (!self->opts || !self->opts[0].name) {
        return;
    }
    fputs("\noptions:\n", f);
    for (const struct cli_opt *o = self->opts; o->name; o++) {
        char left[64];
        if (o->shortc) {
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->shortc, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        } else {
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        }
        fprintf(f, "  %-30s %s\n", left, o->help);
    }
    fprintf(f, "  %-30s %s\n", "-h, --help", "show this help");
}

/* Stores the default of a typed option. */
static void set_default(const struct cli_opt *o)
{
    switch (o->type) {
    case CLI_OPT_T_INT:
        *(long *)o->ptr = (long)o->dflt;
        break;
    case CLI_OPT_T_DOUBLE:
        *(double *)o->ptr = o->dflt;
        break;
    case CLI_OPT_T_SIZE:
        *(uint64_t *)o->ptr = (uint64_t)o->dflt;
        break;
    case CLI_OPT_T_SEV:
    case CLI_OPT_T_ENUM:
        *(int *)o->ptr = (int)o->dflt;
        break;
    case CLI_OPT_T_FAIL:
        (void)gm_fail_parse(NULL, 0, o->ptr);
        break;
    default:
        break;
    }
}

/* "a, b or c" from "a|b|c". */
static void choices_text(const char *choices, char *buf, size_t cap)
{
    size_t n = 0, bars = 0, seen = 0;
    for (const char *c = choices; *c; c++) {
        bars += *c == '|';
    }
    for (const char *c = choices; *c && n + 6 < cap; c++) {
        if (*c != '|') {
            buf[n++] = *c;
            continue;
        }
        const char *sep = ++seen == bars ? " or " : ", ";
        for (const char *q = sep; *q; q++) {
            buf[n++] = *q;
        }
    }
    buf[n] = '\0';
}

/* Index of v in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *v)
{
    size_t vl = strlen(v);
    int i = 0;
    for (const char *c = choices;; i++) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == vl && strncmp(c, v, vl) == 0) {
            return i;
        }
        if (!bar) {
            return -1;
        }
        c = bar + 1;
    }
}

/* Parses a typed option's value; 0, or -1 after writing what was expected into want. */
static int set_typed(const struct cli_opt *o, const char *v, char *want, size_t cap)
{
    char *end;
    switch (o->type) {
    case CLI_OPT_T_INT: {
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || end == v || *end || n < (long)o->min || n > (long)o->max) {
            snprintf(want, cap, "a whole number from %ld to %ld", (long)o->min, (long)o->max);
            return -1;
        }
        *(long *)o->ptr = n;
        return 0;
    }
    case CLI_OPT_T_DOUBLE: {
        double d = strtod(v, &end);
        if (end == v || *end || !(d >= o->min && d <= o->max)) {
            snprintf(want, cap, "a number from %g to %g", o->min, o->max);
            return -1;
        }
        *(double *)o->ptr = d;
        return 0;
    }
    case CLI_OPT_T_SIZE:
        if (cli_parse_size(v, o->ptr) < 0) {
            snprintf(want, cap, "a size like 512M or 4G");
            return -1;
        }
        return 0;
    case CLI_OPT_T_SEV: {
        int s = gm_severity_parse(v);
        if (s < 0) {
            snprintf(want, cap, "info, low, medium, high or critical");
            return -1;
        }
        *(int *)o->ptr = s;
        return 0;
    }
    case CLI_OPT_T_ENUM: {
        int i = choice_index(o->choices, v);
        if (i < 0) {
            choices_text(o->choices, want, cap);
            return -1;
        }
        *(int *)o->ptr = i;
        return 0;
    }
    case CLI_OPT_T_FAIL: {
        unsigned allowed = (unsigned)o->max;
        if (gm_fail_parse(v, allowed, o->ptr) == 0) {
            return 0;
        }
        snprintf(want, cap, "%s%s%s%s",
                 (allowed & GM_FAIL_SEVERITY) ? "info, low, medium, high or critical" : "",
                 (allowed & GM_FAIL_LEAK) ? "'leak'" : "", (allowed & GM_FAIL_ANY) ? "any" : "",
                 (allowed & GM_FAIL_NEW) ? " or new" : "");
        return -1;
    }
    default:
        return 0;
    }
}

int cli_run(const struct cli_cmd *c, int argc, char **argv)
{
    if (c->state) {
        memset(c->state, 0, c->state_size);
    }
    int first;
    int prc = cli_opt_parse(c, argc, argv, &first);
    if (prc) {
        return prc == 1 ? 0 : 2;
    }
    return c->run(argc, argv, first);
}

/* The getopt_long tables of a command's options: lo (lo_nr entries) ends with --help and a
 * zero entry, so (so_cap bytes) holds the short options after a leading ':'. */
static void getopt_tables(const struct cli_cmd *self, struct option *lo, size_t lo_nr, char *so,
                          size_t so_cap)
{
    size_t n = 0, sn = 0;
    so[sn++] = ':';
    for (const struct cli_opt *o = self->opts; o && o->name && n + 2 < lo_nr; o++) {
        lo[n].name = o->name;
        lo[n].has_arg = o->type == CLI_OPT_T_BOOL ? no_argument : required_argument;
        lo[n].flag = NULL;
        lo[n].val = 256 + (int)n;
        if (o->shortc && sn + 3 < so_cap) {
            so[sn++] = (char)o->shortc;
            if (o->type != CLI_OPT_T_BOOL) {
                so[sn++] = ':';
            }
        }
        n++;
    }
    lo[n].name = "help";
    lo[n].has_arg = no_argument;
    lo[n].flag = NULL;
    lo[n].val = 'h';
    memset(&lo[n + 1], 0, sizeof(lo[0]));
    so[sn++] = 'h';
    so[sn] = '\0';
}

/* The option getopt_long returned as c (256 + index for long ones), or NULL. */
static const struct cli_opt *opt_of(const struct cli_cmd *self, int c)
{
    if (c >= 256) {
        return &self->opts[c - 256];
    }
    for (const struct cli_opt *p = self->opts; p && p->name; p++) {
        if (p->shortc == c) {
            return p;
        }
    }
    return NULL;
}

/* Stores the value of option o (optarg); 0, or 2 after reporting a bad value. */
static int set_opt(const struct cli_cmd *self, const struct cli_opt *o)
{
    switch (o->type) {
    case CLI_OPT_T_BOOL:
        *(int *)o->ptr = 1;
        break;
    case CLI_OPT_T_STRING:
        *(const char **)o->ptr = optarg;
        break;
    case CLI_OPT_T_LIST: {
        struct cli_strlist *l = o->ptr;
        if (l->nr == GM_ARRAY_NR(l->v)) {
            cli_err("%s: too many --%s values (at most %zu)", self->name, o->name,
                    GM_ARRAY_NR(l->v));
            return 2;
        }
        l->v[l->nr++] = optarg;
        break;
    }
    default: {
        char want[160];
        if (set_typed(o, optarg, want, sizeof(want)) < 0) {
            cli_err("%s: --%s '%s': expected %s", self->name, o->name, optarg, want);
            return 2;
        }
        break;
    }
    }
    return 0;
}

int cli_opt_parse(const struct cli_cmd *self, int argc, char **argv, int *first)
{
    for (const struct cli_opt *o = self->opts; o && o->name; o++) {
        set_default(o);
    }
    struct option lo[80];
    char so[200];
    getopt_tables(self, lo, GM_ARRAY_NR(lo), so, sizeof(so));
    optind = 1;
    opterr = 0;
    for (;;) {
        int li = -1;
        int c = getopt_long(argc, argv, so, lo, &li);
        if (c == -1) {
            break;
        }
        if (c == 'h') {
            cli_cmd_help(self, stdout);
            return 1;
        }
        if (c == '?' || c == ':') {
            const char *bad = argv[optind - 1];
            if (c == ':') {
                cli_err("%s: option '%s' needs a value", self->name, bad);
            } else {
                cli_err("%s: unknown option '%s'", self->name, bad);
            }
            fprintf(stderr, "usage: %s\n(see 'gomedic %s --help')\n", self->usage, self->name);
            return 2;
        }
        const struct cli_opt *o = opt_of(self, c);
        if (!o || set_opt(self, o) != 0) {
            return 2;
        }
    }
    *first = optind;
    int nr = argc - optind;
    if (nr < self->min_operands || (self->max_operands && nr > self->max_operands)) {
        cli_err("%s: %s", self->name, self->operands_error);
        fprintf(stderr, "usage: %s\n", self->usage);
        return 2;
    }
    return 0;
}

int cli_color_wanted(const char *when, FILE *f)
{
    if (!when || strcmp(when, "auto") == 0) {
        const char *term = getenv("TERM");
        if (getenv("NO_COLOR") || (term && strcmp(term, "dumb") == 0)) {
            return 0;
        }
        return isatty(fileno(f));
    }
    if (strcmp(when, "always") == 0) {
        return 1;
    }
    if (strcmp(when, "never") == 0) {
        return 0;
    }
    return -1;
}

int cli_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) {
        return -1;
    }
    uint64_t mul = 1;
    if (*end == 'K' || *end == 'k') {
        mul = 1ull << 10;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        mul = 1ull << 20;
        end++;
    } else if (*end == 'G' || *end == 'g') {
        mul = 1ull << 30;
        end++;
    }
    if (*end == 'B' || *end == 'i') {
        end++;
    }
    if (*end || v > UINT64_MAX / mul) {
        return -1;
    }
    *out = v * mul;
    return 0;
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) {
        return -1;
    }
    char line[256];
    size_t kl = strlen(key);
    long v = -1;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            v = strtol(line + kl + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

void cli_print_stats(const char *file, uint64_t input_bytes, uint64_t goroutines, double t_parse,
                     double t_total)
{
    double mb = (double)input_bytes / 1e6;
    fprintf(stderr,
            "stats: %s: %.1f MB, %llu goroutines; parse %.3f s (%.0f MB/s), total %.3f s "
            "(%.0f MB/s); heap %ld KB, mapped input %ld KB, peak RSS %ld KB\n",
            file, mb, (unsigned long long)goroutines, t_parse, t_parse > 0 ? mb / t_parse : 0,
            t_total, t_total > 0 ? mb / t_total : 0, status_kb("RssAnon"), status_kb("RssFile"),
            status_kb("VmHWM"));
}

void cli_out_open(struct gm_out *w, const char *cmd, const char *path, const char *color, int plain)
{
    FILE *f = stdout;
    if (path && strcmp(path, "-") != 0 && !(f = fopen(path, "w"))) {
        cli_die("%s: cannot write '%s'", cmd, path);
    }
    int c = cli_color_wanted(color, f);
    if (c < 0) {
        cli_die("%s: --color '%s': expected auto, always or never", cmd, color);
    }
    gm_out_init(w, f, plain ? 0 : c);
}

int cli_out_close(struct gm_out *w, const char *cmd)
{
    int bad = gm_out_error(w) < 0;
    if (w->f != stdout && fclose(w->f) != 0) {
        bad = 1;
    }
    if (bad) {
        cli_err("%s: write error", cmd);
        return 2;
    }
    return 0;
}
