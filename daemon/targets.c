/*
 * Target lists for `gomedic watch --targets FILE` (targets.h): plain lines, or Prometheus
 * file_sd files, JSON (read with cJSON) or YAML (read with libyaml), the files users already
 * keep for their Prometheus.
 */
#include "targets.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

struct tlist {
    struct watch_target *t;
    uint32_t n, max;
    char *err;
    size_t errcap;
    const char *path;
};

/* One file_sd target "host:port" with its group's labels (__scheme__, job, instance). */
static int add_sd(struct tlist *l, const char *addr, const char *scheme, const char *job,
                  const char *instance)
{
    if (l->n == l->max) {
        snprintf(l->err, l->errcap, "%s: more than %u targets", l->path, l->max);
        return -1;
    }
    char spec[1024];
    snprintf(spec, sizeof(spec), "%s%s%s=%s://%s", job ? job : "", job ? "/" : "",
             instance ? instance : addr, scheme ? scheme : "http", addr);
    if (strchr(addr, '/') || watch_target_parse(spec, &l->t[l->n]) < 0) {
        snprintf(l->err, l->errcap, "%s: target '%s': expected host:port", l->path, addr);
        return -1;
    }
    l->n++;
    return 0;
}

static const char *label(const cJSON *labels, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int read_json(struct tlist *l, const char *text)
{
    cJSON *root = cJSON_Parse(text);
    int rc = 0;
    if (!cJSON_IsArray(root)) {
        snprintf(l->err, l->errcap,
                 "%s: expected a file_sd JSON array of {\"targets\": [...], \"labels\": {...}}",
                 l->path);
        rc = -1;
    }
    const cJSON *group, *groups = rc == 0 ? root : NULL;
    cJSON_ArrayForEach(group, groups)
    {
        const cJSON *ts = cJSON_GetObjectItemCaseSensitive(group, "targets");
        const cJSON *labels = cJSON_GetObjectItemCaseSensitive(group, "labels");
        if (!cJSON_IsArray(ts)) {
            snprintf(l->err, l->errcap, "%s: a group without a \"targets\" array", l->path);
            rc = -1;
            break;
        }
        const cJSON *a;
        cJSON_ArrayForEach(a, ts)
        {
            if (!cJSON_IsString(a) || add_sd(l, a->valuestring, label(labels, "__scheme__"),
                                             label(labels, "job"), label(labels, "instance")) < 0) {
                if (!cJSON_IsString(a)) {
                    snprintf(l->err, l->errcap, "%s: a target that is not a string", l->path);
                }
                rc = -1;
                break;
            }
        }
        if (rc < 0) {
            break;
        }
    }
    cJSON_Delete(root);
    return rc;
}

/* file_sd YAML: a sequence of mappings with "targets" (a sequence of strings) and "labels" (a
 * mapping of strings). Read as events: depth says where a scalar is. */
static int read_yaml(struct tlist *l, const char *text, size_t len)
{
    yaml_parser_t p;
    yaml_event_t e;
    if (!yaml_parser_initialize(&p)) {
        snprintf(l->err, l->errcap, "%s: cannot start the YAML reader", l->path);
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    char addrs[256][256], key[64] = "", scheme[16] = "", job[128] = "", inst[128] = "";
    int naddr = 0, depth = 0, in = 0, rc = 0, done = 0, map_key = 1;
    enum { NONE, TARGETS, LABELS } where = NONE;
    while (!done && rc == 0) {
        if (!yaml_parser_parse(&p, &e)) {
            snprintf(l->err, l->errcap, "%s:%zu: %s", l->path, p.problem_mark.line + 1,
                     p.problem ? p.problem : "not YAML");
            rc = -1;
            break;
        }
        switch (e.type) {
        case YAML_MAPPING_START_EVENT:
            depth++;
            map_key = 1;
            if (depth == 1) { /* a group */
                naddr = in = 0;
                scheme[0] = job[0] = inst[0] = '\0';
                where = NONE;
            }
            break;
        case YAML_MAPPING_END_EVENT:
            if (--depth == 0) {
                for (int i = 0; i < naddr && rc == 0; i++) {
                    rc = add_sd(l, addrs[i], scheme[0] ? scheme : NULL, job[0] ? job : NULL,
                                inst[0] ? inst : NULL);
                }
            } else {
                where = NONE;
                map_key = 1;
            }
            break;
        case YAML_SEQUENCE_START_EVENT:
            in += where == TARGETS;
            break;
        case YAML_SEQUENCE_END_EVENT:
            if (where == TARGETS) {
                where = NONE;
                map_key = 1;
            }
            break;
        case YAML_SCALAR_EVENT: {
            const char *v = (const char *)e.data.scalar.value;
            if (where == TARGETS && in) {
                if (naddr < 256) {
                    snprintf(addrs[naddr++], sizeof(addrs[0]), "%s", v);
                }
            } else if (map_key) {
                snprintf(key, sizeof(key), "%s", v);
                if (depth == 1) {
                    where = strcmp(v, "targets") == 0  ? TARGETS
                            : strcmp(v, "labels") == 0 ? LABELS
                                                       : NONE;
                }
                map_key = 0;
            } else {
                if (where == LABELS && depth == 2) {
                    char *dst = strcmp(key, "__scheme__") == 0 ? scheme
                                : strcmp(key, "job") == 0      ? job
                                : strcmp(key, "instance") == 0 ? inst
                                                               : NULL;
                    size_t cap = dst == scheme ? sizeof(scheme) : sizeof(job);
                    if (dst) {
                        snprintf(dst, cap, "%s", v);
                    }
                }
                map_key = 1;
            }
            break;
        }
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    return rc;
}

static int read_lines(struct tlist *l, char *text)
{
    unsigned lineno = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *s = line + strspn(line, " \t");
        s[strcspn(s, "\r")] = '\0';
        for (size_t k = strlen(s); k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'); k--) {
            s[k - 1] = '\0';
        }
        if (!*s || *s == '#') {
            continue;
        }
        if (l->n == l->max) {
            snprintf(l->err, l->errcap, "%s: more than %u targets", l->path, l->max);
            return -1;
        }
        if (watch_target_parse(s, &l->t[l->n]) < 0) {
            snprintf(l->err, l->errcap, "%s:%u: '%.200s': expected URL or NAME=URL", l->path,
                     lineno, s);
            return -1;
        }
        l->n++;
    }
    return 0;
}

int targets_read(const char *path, struct watch_target *t, uint32_t n, uint32_t max, char *err,
                 size_t errcap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errcap, "%s: cannot open it", path);
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    for (size_t got; text && (got = fread(text + len, 1, cap - len - 1, f)) > 0;) {
        len += got;
        if (len + 1 == cap && cap < (64u << 20)) {
            char *nt = realloc(text, cap * 2);
            if (!nt) {
                free(text);
                text = NULL;
                break;
            }
            text = nt;
            cap *= 2;
        }
    }
    fclose(f);
    if (!text) {
        snprintf(err, errcap, "%s: out of memory", path);
        return -1;
    }
    text[len] = '\0';
    struct tlist l = {t, n, max, err, errcap, path};
    const char *first = text + strspn(text, " \t\r\n");
    size_t pl = strlen(path);
    int rc;
    if (*first == '[' || (pl > 5 && strcmp(path + pl - 5, ".json") == 0)) {
        rc = read_json(&l, text);
    } else if (*first == '-' || (pl > 4 && (strcmp(path + pl - 4, ".yml") == 0 ||
                                            strcmp(path + pl - 5, ".yaml") == 0))) {
        rc = read_yaml(&l, text, len);
    } else {
        rc = read_lines(&l, text);
    }
    free(text);
    return rc < 0 ? -1 : (int)l.n;
}
