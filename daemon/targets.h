/*
 * daemon/targets.h - the targets of `gomedic watch --targets FILE`: one URL or NAME=URL a line
 * ('#' comments), or a Prometheus file_sd file, JSON or YAML ([{targets: [host:port, ...],
 * labels: {...}}]), told apart by the extension or the first character. A file_sd target
 * becomes __scheme__://host:port (http by default), named job/instance (instance defaults to
 * host:port, job to nothing).
 */
#ifndef GM_DAEMON_TARGETS_H
#define GM_DAEMON_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "watch.h"

/* Appends the targets of path to t[n..max). The new count, or -1 with the message in err. */
int targets_read(const char *path, struct watch_target *t, uint32_t n, uint32_t max, char *err,
                 size_t errcap);

#endif
