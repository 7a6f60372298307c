/* Option tables -> getopt_long, --help text, and the small shared CLI helpers. */
#include "cmd.h"
#include "gm/out.h"

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

int cli_opt_parse(const struct cli_cmd *self, int argc, char **argv, int *first)
{
    struct option lo[80];
    char so[200];
    size_t n = 0, sn = 0;
    so[sn++] = ':';
    for (const struct cli_opt *o = self->opts; o && o->name && n + 2 < GM_ARRAY_NR(lo); o++) {
        lo[n].name = o->name;
        lo[n].has_arg = o->type == CLI_OPT_T_BOOL ? no_argument : required_argument;
        lo[n].flag = NULL;
        lo[n].val = 256 + (int)n;
        if (o->shortc && sn + 3 < sizeof(so)) {
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
        const struct cli_opt *o = NULL;
        if (c >= 256) {
            o = &self->opts[c - 256];
        } else {
            for (const struct cli_opt *p = self->opts; p && p->name; p++) {
                if (p->shortc == c) {
                    o = p;
                    break;
                }
            }
        }
        if (!o) {
            return 2;
        }
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
        default:
            break;
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
