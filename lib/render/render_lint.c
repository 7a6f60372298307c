/* The report, JSON and SARIF of gomedic lint (gm/render_lint.h). */
#include "gm/render_lint.h"

#include <stdio.h>
#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static enum gm_color sev_color(enum gm_severity s)
{
    return s >= GM_SEV_HIGH ? GM_C_RED : s >= GM_SEV_MEDIUM ? GM_C_YELLOW : GM_C_CYAN;
}

void gm_render_lint_table(struct gm_out *o, const struct gm_lint *l, enum gm_severity min_sev)
{
    uint32_t shown = 0, below = 0;
    for (uint32_t i = 0; i < l->nr; i++) {
        const struct gm_lint_finding *x = &l->v[i];
        if (x->severity < min_sev) {
            below++;
            continue;
        }
        shown++;
        gm_out_color(o, GM_C_BOLD);
        gm_out_printf(o, "%s:%u:%u", x->file, x->line, x->col);
        gm_out_color(o, GM_C_RESET);
        gm_out_puts(o, " ");
        gm_out_color(o, sev_color(x->severity));
        gm_out_printf(o, "%s", gm_severity_name(x->severity));
        gm_out_color(o, GM_C_RESET);
        gm_out_printf(o, " %s  %s", x->kind->id, x->function);
        if (l->ranked) {
            gm_out_printf(o, "  [%llu goroutine%s stuck here in the dump]",
                          (unsigned long long)x->stuck, x->stuck == 1 ? "" : "s");
        }
        gm_out_puts(o, "\n");
        gm_out_printf(o, "    %s\n", x->message);
        gm_out_printf(o, "    fix: %s\n", x->fix);
    }
    if (shown) {
        gm_out_puts(o, "\n");
    }
    gm_out_printf(o, "%u finding%s in %llu file%s (%llu lines, %llu package%s)", shown,
                  shown == 1 ? "" : "s", (unsigned long long)l->files, l->files == 1 ? "" : "s",
                  (unsigned long long)l->lines, (unsigned long long)l->packages,
                  l->packages == 1 ? "" : "s");
    if (below) {
        gm_out_printf(o, "; %u below %s not shown", below, gm_severity_name(min_sev));
    }
    if (l->parse_errors) {
        gm_out_printf(o, "; %llu file%s with parts the grammar could not read",
                      (unsigned long long)l->parse_errors, l->parse_errors == 1 ? "" : "s");
    }
    gm_out_puts(o, "\n");
}

void gm_render_lint_json(struct gm_out *o, const struct gm_lint *l)
{
    gm_out_printf(o,
                  "{\"schema\":\"%s\",\"files\":%llu,\"lines\":%llu,\"packages\":%llu,"
                  "\"parse_errors\":%llu,\"findings\":[",
                  GM_SCHEMA_LINT, (unsigned long long)l->files, (unsigned long long)l->lines,
                  (unsigned long long)l->packages, (unsigned long long)l->parse_errors);
    for (uint32_t i = 0; i < l->nr; i++) {
        const struct gm_lint_finding *x = &l->v[i];
        gm_out_puts(o, i ? ",\n" : "\n");
        gm_out_puts(o, "{\"id\":");
        gm_out_json_cstr(o, x->kind->id);
        gm_out_printf(o, ",\"severity\":\"%s\",\"rule\":", gm_severity_name(x->severity));
        gm_out_json_cstr(o, x->rule);
        gm_out_puts(o, ",\"function\":");
        gm_out_json_cstr(o, x->function);
        gm_out_puts(o, ",\"file\":");
        gm_out_json_cstr(o, x->file);
        gm_out_printf(o, ",\"line\":%u,\"column\":%u,\"related_line\":", x->line, x->col);
        if (x->related_line) {
            gm_out_printf(o, "%u", x->related_line);
        } else {
            gm_out_puts(o, "null");
        }
        gm_out_puts(o, ",\"message\":");
        gm_out_json_cstr(o, x->message);
        gm_out_puts(o, ",\"fix\":");
        gm_out_json_cstr(o, x->fix);
        if (l->ranked) {
            gm_out_printf(o, ",\"stuck\":%llu}", (unsigned long long)x->stuck);
        } else {
            gm_out_puts(o, ",\"stuck\":null}");
        }
    }
    gm_out_puts(o, l->nr ? "\n],\"warnings\":[" : "],\"warnings\":[");
    for (uint32_t i = 0; i < l->warnings_nr; i++) {
        gm_out_puts(o, i ? "," : "");
        gm_out_json_cstr(o, l->warnings[i]);
    }
    gm_out_puts(o, "]}");
}

static const char *sarif_level(enum gm_severity s)
{
    return s >= GM_SEV_HIGH ? "error" : s >= GM_SEV_MEDIUM ? "warning" : "note";
}

/* FNV-1a of the finding's identity: id, function, rule, and its rank among equal ones. */
static unsigned long long fingerprint(const struct gm_lint *l, uint32_t i)
{
    const struct gm_lint_finding *x = &l->v[i];
    unsigned long long h = 1469598103934665603ull;
    const char *parts[] = {x->kind->id, x->function, x->rule, x->file};
    for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
        for (const char *s = parts[k]; *s; s++) {
            h = (h ^ (unsigned char)*s) * 1099511628211ull;
        }
        h = (h ^ 0xff) * 1099511628211ull;
    }
    unsigned rank = 0;
    for (uint32_t j = 0; j < i; j++) {
        const struct gm_lint_finding *y = &l->v[j];
        rank += !strcmp(y->kind->id, x->kind->id) && !strcmp(y->function, x->function) &&
                !strcmp(y->rule, x->rule) && !strcmp(y->file, x->file);
    }
    return (h ^ rank) * 1099511628211ull;
}

void gm_render_lint_sarif(struct gm_out *o, const struct gm_lint *l, const char *root,
                          const char *version)
{
    /* the rules: each catalogue id used, in order of first use */
    const struct gm_finding_kind *rules[64];
    enum gm_severity worst[64];
    uint32_t nr = 0;
    for (uint32_t i = 0; i < l->nr; i++) {
        uint32_t k = 0;
        while (k < nr && rules[k] != l->v[i].kind) {
            k++;
        }
        if (k == nr && nr < 64) {
            rules[nr] = l->v[i].kind;
            worst[nr++] = l->v[i].severity;
        } else if (k < nr && l->v[i].severity > worst[k]) {
            worst[k] = l->v[i].severity;
        }
    }
    gm_out_puts(o, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
                   "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"gomedic\",");
    gm_out_puts(o, "\"semanticVersion\":");
    gm_out_json_cstr(o, version);
    gm_out_puts(o, ",\"rules\":[");
    for (uint32_t k = 0; k < nr; k++) {
        gm_out_puts(o, k ? ",\n" : "\n");
        gm_out_puts(o, "{\"id\":");
        gm_out_json_cstr(o, rules[k]->id);
        gm_out_puts(o, ",\"name\":");
        gm_out_json_cstr(o, rules[k]->id);
        gm_out_puts(o, ",\"shortDescription\":{\"text\":");
        gm_out_json_cstr(o, rules[k]->title);
        gm_out_puts(o, "},\"fullDescription\":{\"text\":");
        gm_out_json_cstr(o, rules[k]->title);
        gm_out_puts(o, "},\"help\":{\"text\":");
        gm_out_json_cstr(o, rules[k]->fix);
        gm_out_printf(o,
                      "},\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{\"tags\":"
                      "[\"concurrency\",\"goroutine-leak\"],\"precision\":\"medium\","
                      "\"problem.severity\":\"%s\"}}",
                      sarif_level(worst[k]),
                      worst[k] >= GM_SEV_HIGH     ? "error"
                      : worst[k] >= GM_SEV_MEDIUM ? "warning"
                                                  : "recommendation");
    }
    gm_out_puts(o, "]}},\"automationDetails\":{\"id\":\"gomedic/lint/\"},"
                   "\"originalUriBaseIds\":{\"%SRCROOT%\":{\"uri\":");
    char uri[4200];
    snprintf(uri, sizeof(uri), "file://%s%s", root,
             root[0] && root[strlen(root) - 1] == '/' ? "" : "/");
    gm_out_json_cstr(o, uri);
    gm_out_puts(o, "}},\"results\":[");
    for (uint32_t i = 0; i < l->nr; i++) {
        const struct gm_lint_finding *x = &l->v[i];
        uint32_t k = 0;
        while (k < nr && rules[k] != x->kind) {
            k++;
        }
        const char *file = x->file;
        while (file[0] == '.' && file[1] == '/') {
            file += 2;
        }
        gm_out_puts(o, i ? ",\n" : "\n");
        gm_out_puts(o, "{\"ruleId\":");
        gm_out_json_cstr(o, x->kind->id);
        gm_out_printf(o, ",\"ruleIndex\":%u,\"level\":\"%s\",\"message\":{\"text\":", k,
                      sarif_level(x->severity));
        char msg[1400];
        snprintf(msg, sizeof(msg), "%s: %s. Fix: %s", x->function, x->message, x->fix);
        gm_out_json_cstr(o, msg);
        gm_out_puts(o, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
        gm_out_json_cstr(o, file);
        gm_out_printf(o,
                      ",\"uriBaseId\":\"%%SRCROOT%%\"},\"region\":{\"startLine\":%u,"
                      "\"startColumn\":%u}},\"logicalLocations\":[{\"fullyQualifiedName\":",
                      x->line, x->col);
        gm_out_json_cstr(o, x->function);
        gm_out_printf(o,
                      ",\"kind\":\"function\"}]}],\"partialFingerprints\":{"
                      "\"primaryLocationLineHash\":\"%016llx:1\"},\"properties\":{\"rule\":",
                      fingerprint(l, i));
        gm_out_json_cstr(o, x->rule);
        gm_out_printf(o, ",\"severity\":\"%s\"}}", gm_severity_name(x->severity));
    }
    gm_out_puts(o, l->nr ? "\n]}]}" : "]}]}");
}
