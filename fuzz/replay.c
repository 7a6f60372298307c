/*
 * fuzz/replay.c - runs a fuzz target over saved inputs without libFuzzer (any compiler).
 *
 * usage: replay-<target> DIR|FILE...
 * Calls LLVMFuzzerTestOneInput() on the empty input (a malloc(0) buffer), then once per
 * regular file of each directory (sorted by name;
 * subdirectories, dot files such as .gitkeep and README* are skipped) and on each file given
 * directly. Missing paths are skipped silently, so `make fuzz-replay` works before any
 * regression input exists. If an input crashes, its path is printed before the signal is
 * re-raised. Ends with "replay: <target> N inputs ok".
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char current[4096];

static void on_fatal(int sig)
{
    static const char pre[] = "replay: crashed on input ";
    ssize_t wr = write(2, pre, sizeof(pre) - 1);
    wr = write(2, current, strlen(current));
    wr = write(2, "\n", 1);
    (void)wr;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_fatal;
        sa.sa_flags = (int)SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* Reads path into a malloc'ed buffer of exactly its size (so ASan sees overreads). */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fprintf(stderr, "replay: out of memory\n");
            exit(2);
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            break;
        }
        if (len == cap) {
            cap *= 2;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
            }
            buf = nb;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "replay: %s: read error\n", path);
        free(buf);
        return -1;
    }
    uint8_t *exact = malloc(len); /* malloc(0) too: ASan flags any read of an empty input */
    if (!exact && len) {
        fprintf(stderr, "replay: out of memory\n");
        exit(2);
    }
    memcpy(exact, buf, len);
    free(buf);
    snprintf(current, sizeof(current), "%s", path);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int skip_name(const char *name)
{
    return name[0] == '.' || strncmp(name, "README", 6) == 0;
}

static int filter_entry(const struct dirent *e)
{
    return !skip_name(e->d_name);
}

int main(int argc, char **argv)
{
    const char *target = strrchr(argv[0], '/');
    target = target ? target + 1 : argv[0];
    if (strncmp(target, "replay-", 7) == 0) {
        target += 7;
    }
    install_handlers();
    /* libFuzzer always tries the empty input first; so does the replay */
    uint8_t *empty = malloc(0);
    snprintf(current, sizeof(current), "(empty input)");
    LLVMFuzzerTestOneInput(empty, 0);
    free(empty);
    unsigned long inputs = 1;
    int failed = 0;
    for (int a = 1; a < argc; a++) {
        struct stat st;
        if (stat(argv[a], &st) != 0) {
            continue; /* missing: nothing saved yet */
        }
        if (S_ISREG(st.st_mode)) {
            if (run_file(argv[a]) == 0) {
                inputs++;
            } else {
                failed = 1;
            }
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            continue;
        }
        struct dirent **list;
        int n = scandir(argv[a], &list, filter_entry, alphasort);
        if (n < 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[a], strerror(errno));
            failed = 1;
            continue;
        }
        for (int i = 0; i < n; i++) {
            char path[4096];
            int w = snprintf(path, sizeof(path), "%s/%s", argv[a], list[i]->d_name);
            if (w > 0 && (size_t)w < sizeof(path) && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path) == 0) {
                    inputs++;
                } else {
                    failed = 1;
                }
            }
            free(list[i]);
        }
        free(list);
    }
    if (failed) {
        fprintf(stderr, "replay: %s: some inputs could not be read\n", target);
        return 1;
    }
    printf("replay: %s %lu inputs ok\n", target, inputs);
    return 0;
}
