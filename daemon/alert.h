/*
 * daemon/alert.h - findings as Alertmanager alerts (--alertmanager URL): every open finding
 * (state.h) is POSTed to URL/api/v2/alerts with the labels alertname="GomedicFinding", target,
 * id, severity, function, rule and the annotations summary, evidence, fix and capture_url;
 * again every 60 s while it stays open (Alertmanager resolves an alert that is not repeated
 * within its resolve_timeout), and once more with endsAt when its rule's episode resolves.
 * One POST at a time, on the daemon's libcurl client; a failed POST is retried 10 s later and
 * nothing ended is forgotten before Alertmanager has taken it.
 */
#ifndef GM_DAEMON_ALERT_H
#define GM_DAEMON_ALERT_H

#include <stdint.h>

struct alerts;
struct watcher;

/* url: Alertmanager's base URL; ui: the base of the links (http://HOST:PORT/, or ""). */
struct alerts *alerts_new(const char *url, const char *ui);
/* Posts when a finding opened or ended, or every 60 s while some are open. */
void alerts_tick(struct alerts *a, struct watcher *w, int64_t now);
/* Posts what is pending and waits for the answer (at most 5 s): before the daemon exits. */
void alerts_flush(struct alerts *a, struct watcher *w);
void alerts_free(struct alerts *a);

#endif
