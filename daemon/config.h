/*
 * daemon/config.h - the `gomedic watch --config FILE` reader: an INI file (read by inih, from
 * Debian) that sets the defaults of the watch, targets with their own interval, timeout,
 * authentication and TLS, and self-heal hooks:
 *
 *   [watch]                      interval, window, cooldown, timeout, max_body, cpu_seconds,
 *                                min_goroutines, min_heap, db
 *   [target NAME]                url (required), interval, timeout, bearer_token,
 *                                bearer_token_file, basic_auth (user:password), ca_file,
 *                                cert_file, key_file, pid, source_root
 *   [hook NAME]                  on (finding, trigger, down; comma-separated), min_severity,
 *                                target, exec + arg (repeated: the argv), or webhook (URL),
 *                                timeout, max_per_hour
 *
 * Every error names the file and line: an unknown section or key, a malformed value, a
 * missing url or a hook with neither exec nor webhook.
 */
#ifndef GM_DAEMON_CONFIG_H
#define GM_DAEMON_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "hook.h"
#include "watch.h"

struct watch_config {
    struct watch_opts *opts; /* filled from [watch] over the defaults */
    char db[4096];           /* [watch] db, or "" */
    struct watch_target *targets;
    uint32_t targets_nr, targets_max;
    struct hook *hooks;
    uint32_t hooks_nr;
};

/* Reads path into c (whose opts, targets and targets_max the caller set). 0, or -1 with the
 * message in err. */
int config_read(struct watch_config *c, const char *path, char *err, size_t errcap);
void config_release(struct watch_config *c);

#endif
