/* Unit tests of gm/gosrc.h and gm/lint.h: function names against the names real Go
 * toolchains gave the same functions (testdata/lint/names), rules on small packages. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "gm/gosrc.h"
#include "gm/lint.h"
#include "gm/source.h"

#include <sys/stat.h>

struct namefind {
    const struct gm_go *g;
    uint32_t line;
    TSNode best;
};

/* The innermost function node whose body holds line. */
static void innermost(struct namefind *nf, TSNode n)
{
    uint32_t a = ts_node_start_point(n).row + 1, b = ts_node_end_point(n).row + 1;
    if (nf->line < a || nf->line > b) {
        return;
    }
    if (gm_go_is(nf->g, n, GK_FUNCTION_DECLARATION) || gm_go_is(nf->g, n, GK_METHOD_DECLARATION) ||
        gm_go_is(nf->g, n, GK_FUNC_LITERAL)) {
        nf->best = n;
    }
    uint32_t nr = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < nr; i++) {
        innermost(nf, ts_node_named_child(n, i));
    }
}

static void check_names(const char *expected, unsigned go_minor)
{
    struct gm_go g;
    cr_assert_eq(gm_go_init(&g, NULL), 0);
    size_t len, elen;
    char *src = test_slurp("testdata/lint/names/main.go", &len);
    char *exp = test_slurp(expected, &elen);
    cr_assert_not_null(src);
    cr_assert_not_null(exp, "no %s", expected);
    struct gm_gofile f;
    cr_assert_eq(gm_gofile_parse(&f, &g, "main.go", src, len), 0);
    cr_expect_eq(f.errors, 0);
    unsigned checked = 0;
    for (char *line = strtok(exp, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned ln = 0;
        char want[512];
        cr_assert_eq(sscanf(line, "%u %511s", &ln, want), 2, "bad line '%s'", line);
        struct namefind nf;
        memset(&nf, 0, sizeof(nf));
        nf.g = &g;
        nf.line = ln;
        innermost(&nf, f.root);
        cr_assert(!ts_node_is_null(nf.best), "line %u: in no function", ln);
        char got[512];
        gm_go_funcname(&g, &f, "main", go_minor, nf.best, got, sizeof(got));
        cr_expect_str_eq(got, want, "%s line %u: %s, not %s", expected, ln, got, want);
        checked++;
    }
    cr_expect_geq(checked, 10);
    gm_gofile_close(&f);
    gm_go_release(&g);
    free(src);
    free(exp);
}

Test(lint, names_as_go_1_19_prints_them)
{
    check_names("testdata/lint/names/names.go1.19.txt", 19);
}

Test(lint, names_as_go_1_26_prints_them)
{
    check_names("testdata/lint/names/names.go1.26.txt", 26);
}

static uint32_t lint_one(const char *src, const char *id, unsigned go_minor)
{
    struct gm_lint l;
    gm_lint_init(&l);
    const char *names[] = {"x.go"};
    const char *srcs[] = {src};
    size_t lens[] = {strlen(src)};
    cr_assert_eq(gm_lint_buffers(&l, "example.com/svc/db", go_minor, names, srcs, lens, 1), 0);
    uint32_t n = 0;
    for (uint32_t i = 0; i < l.nr; i++) {
        n += !id || !strcmp(l.v[i].kind->id, id);
    }
    gm_lint_release(&l);
    return n;
}

Test(lint, package_path_names_methods)
{
    struct gm_lint l;
    gm_lint_init(&l);
    const char *src = "package db\n"
                      "type DB struct{}\n"
                      "func (d *DB) Query() {\n"
                      "\tselect {}\n"
                      "}\n";
    const char *names[] = {"db.go"};
    const char *srcs[] = {src};
    size_t lens[] = {strlen(src)};
    cr_assert_eq(gm_lint_buffers(&l, "example.com/svc/internal/db", 19, names, srcs, lens, 1), 0);
    cr_assert_eq(l.nr, 1);
    cr_expect_str_eq(l.v[0].function, "example.com/svc/internal/db.(*DB).Query");
    cr_expect_str_eq(l.v[0].kind->id, "select-forever");
    cr_expect_eq(l.v[0].line, 4);
    gm_lint_release(&l);
}

Test(lint, ticker_severity_follows_go_mod)
{
    const char *src = "package db\nimport \"time\"\n"
                      "func poll() { t := time.NewTicker(time.Second); <-t.C }\n";
    cr_expect_eq(lint_one(src, "ticker-loop", 19), 1);
    cr_expect_eq(lint_one(src, "ticker-loop", 23), 1);
    const char *after = "package db\nimport \"time\"\n"
                        "func poll(c chan int) { for { select { case <-c: return\n"
                        "case <-time.After(time.Second): } } }\n";
    cr_expect_eq(lint_one(after, "ticker-loop", 19), 1, "time.After in a loop before 1.23");
    cr_expect_eq(lint_one(after, "ticker-loop", 23), 0, "collected since Go 1.23");
}

Test(lint, unlock_before_return_is_fine)
{
    const char *src = "package db\nimport \"sync\"\n"
                      "type S struct{ mu sync.Mutex; n int }\n"
                      "func (s *S) f() int {\n"
                      "\ts.mu.Lock()\n"
                      "\tif s.n > 0 { s.mu.Unlock(); return 1 }\n"
                      "\ts.mu.Unlock()\n"
                      "\treturn 0\n"
                      "}\n";
    cr_expect_eq(lint_one(src, NULL, 19), 0);
}

Test(lint, broken_source_is_read_around)
{
    /* a declaration the grammar cannot read, then a finding it can */
    const char *src = "package db\n"
                      "func broken( {\n"
                      "func park() { select {} }\n";
    struct gm_lint l;
    gm_lint_init(&l);
    const char *names[] = {"x.go"};
    const char *srcs[] = {src};
    size_t lens[] = {strlen(src)};
    cr_assert_eq(gm_lint_buffers(&l, "db", 19, names, srcs, lens, 1), 0);
    cr_expect_eq(l.parse_errors, 1);
    gm_lint_release(&l);
}

static void put_file(const char *path, const char *text)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s", path);
    for (char *s = strchr(dir + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        mkdir(dir, 0755);
        *s = '/';
    }
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

Test(lint, trimmed_paths_resolve_through_go_mod)
{
    char root[] = "/tmp/gm-srcXXXXXX";
    cr_assert_not_null(mkdtemp(root));
    char p[2048], mc[512];
    snprintf(p, sizeof(p), "%s/svc/go.mod", root);
    put_file(p, "module example.com/svc\n\ngo 1.21\n");
    snprintf(p, sizeof(p), "%s/svc/main.go", root);
    put_file(p, "package main\n");
    snprintf(p, sizeof(p), "%s/svc/internal/db/db.go", root);
    put_file(p, "package db\n");
    snprintf(p, sizeof(p), "%s/svc/vendor/github.com/x/y/z.go", root);
    put_file(p, "package y\n");
    snprintf(mc, sizeof(mc), "%s/modcache", root);
    snprintf(p, sizeof(p), "%s/github.com/!azure/a@v1.0.0/b.go", mc);
    put_file(p, "package a\n");
    setenv("GOMODCACHE", mc, 1);
    char svc[512];
    snprintf(svc, sizeof(svc), "%s/svc", root);
    const char *roots[] = {svc};
    struct gm_source src;
    gm_source_init(&src);
    src.roots = roots;
    src.roots_nr = 1;
    char out[4096], want[2048];
    cr_assert_eq(gm_source_path(&src, "example.com/svc/internal/db/db.go", out, sizeof(out)), 1);
    snprintf(want, sizeof(want), "%s/internal/db/db.go", svc);
    cr_expect_str_eq(out, want);
    cr_assert_eq(gm_source_path(&src, "example.com/svc/main.go", out, sizeof(out)), 1,
                 "a file at the module root");
    cr_assert_eq(gm_source_path(&src, "github.com/x/y/z.go", out, sizeof(out)), 1, "vendored");
    snprintf(want, sizeof(want), "%s/vendor/github.com/x/y/z.go", svc);
    cr_expect_str_eq(out, want);
    cr_assert_eq(gm_source_path(&src, "github.com/Azure/a@v1.0.0/b.go", out, sizeof(out)), 1,
                 "the module cache, capitals escaped");
    cr_expect_eq(gm_source_path(&src, "example.com/other/x.go", out, sizeof(out)), 0);
    src.disabled = 1;
    cr_expect_eq(gm_source_path(&src, "example.com/svc/main.go", out, sizeof(out)), 0);
    gm_source_release(&src);
    unsetenv("GOMODCACHE");
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    cr_expect_eq(system(cmd), 0);
}

Test(lint, blocking_statement_from_the_tree)
{
    const char *src = "package p\n"
                      "import (\"context\"; \"time\")\n"
                      "func a(ctx context.Context, c chan int) {\n"
                      "\tfor {\n"
                      "\t\tselect {\n" /* 5 */
                      "\t\tcase <-ctx.Done():\n"
                      "\t\t\treturn\n"
                      "\t\tcase <-c:\n"
                      "\t\t}\n"
                      "\t}\n"
                      "}\n"
                      "func b(c chan int) {\n"
                      "\tt := time.NewTimer(time.Second)\n"
                      "\tselect {\n" /* 14 */
                      "\tcase <-t.C:\n"
                      "\tcase <-c:\n"
                      "\t}\n"
                      "}\n"
                      "func d() {\n"
                      "\tt := time.NewTicker(time.Second)\n"
                      "\tfor range t.C {\n" /* 21 */
                      "\t}\n"
                      "}\n"
                      "func e(c chan int) int {\n"
                      "\treturn <-c\n" /* 25 */
                      "}\n";
    struct gm_go g;
    cr_assert_eq(gm_go_init(&g, NULL), 0);
    struct gm_gofile f;
    cr_assert_eq(gm_gofile_parse(&f, &g, "p.go", src, strlen(src)), 0);
    struct gm_go_block b;
    cr_assert_eq(gm_go_block_at(&g, &f, 5, &b), 1);
    cr_expect_eq(b.kind, GM_GB_SELECT);
    cr_expect_eq(b.cases, 2);
    cr_expect(b.done_case && b.in_loop && !b.ticker && !b.timer_case);
    cr_expect_str_eq(b.done_expr, "ctx.Done()");
    cr_assert_eq(gm_go_block_at(&g, &f, 14, &b), 1);
    cr_expect(b.timer_case && !b.ticker && !b.in_loop, "a Timer's .C once: not a ticker loop");
    cr_assert_eq(gm_go_block_at(&g, &f, 21, &b), 1);
    cr_expect_eq(b.kind, GM_GB_RANGE);
    cr_expect(b.ticker);
    cr_assert_eq(gm_go_block_at(&g, &f, 25, &b), 1);
    cr_expect_eq(b.kind, GM_GB_RECV);
    cr_expect_eq(gm_go_block_at(&g, &f, 2, &b), 0);
    gm_gofile_close(&f);
    gm_go_release(&g);
}

Test(lint, close_on_every_path_of_the_producer)
{
    const char *skip = "package db\n"
                       "func produce(xs []int, out chan<- int) {\n"
                       "\tfor _, x := range xs {\n"
                       "\t\tif x < 0 { return }\n"
                       "\t\tout <- x\n"
                       "\t}\n"
                       "\tclose(out)\n"
                       "}\n";
    cr_expect_eq(lint_one(skip, "range-never-closed", 19), 1, "the return skips close(out)");
    const char *closes = "package db\n"
                         "func produce(xs []int, out chan<- int) {\n"
                         "\tfor _, x := range xs {\n"
                         "\t\tif x < 0 { close(out); return }\n"
                         "\t\tout <- x\n"
                         "\t}\n"
                         "\tclose(out)\n"
                         "}\n";
    cr_expect_eq(lint_one(closes, "range-never-closed", 19), 0, "closed on the way out");
    const char *handed = "package db\n"
                         "func produce(out chan<- int) { defer close(out); out <- 1 }\n"
                         "func run() int { c := make(chan int); go produce(c); n := 0\n"
                         "\tfor v := range c { n += v }\n"
                         "\treturn n }\n";
    cr_expect_eq(lint_one(handed, NULL, 19), 0, "ranged over a channel a callee closes");
}

Test(lint, body_closed_on_every_path)
{
    const char *skip = "package db\nimport \"net/http\"\n"
                       "func get(client *http.Client) (int, error) {\n"
                       "\tresp, err := client.Get(\"http://x\")\n"
                       "\tif err != nil { return 0, err }\n"
                       "\tif resp.StatusCode != 200 { return 0, nil }\n"
                       "\tresp.Body.Close()\n"
                       "\treturn resp.StatusCode, nil\n"
                       "}\n";
    cr_expect_eq(lint_one(skip, "http-client-body-leak", 19), 1, "the status return skips it");
    const char *ok = "package db\nimport \"net/http\"\n"
                     "func get(client *http.Client) (int, error) {\n"
                     "\tresp, err := client.Get(\"http://x\")\n"
                     "\tif err != nil { return 0, err }\n"
                     "\tresp.Body.Close()\n"
                     "\treturn resp.StatusCode, nil\n"
                     "}\n";
    cr_expect_eq(lint_one(ok, "http-client-body-leak", 19), 0, "only the error check returns");
}

Test(lint, send_nobody_receives)
{
    const char *bug = "package db\n"
                      "type N struct{ c chan int }\n"
                      "func New() *N { return &N{c: make(chan int)} }\n"
                      "func (n *N) put(v int) { n.c <- v }\n";
    cr_expect_eq(lint_one(bug, "chan-send-blocked", 19), 1);
    const char *recv = "package db\n"
                       "type N struct{ c chan int }\n"
                       "func New() *N { return &N{c: make(chan int)} }\n"
                       "func (n *N) put(v int) { n.c <- v }\n"
                       "func (n *N) get() int { return <-n.c }\n";
    cr_expect_eq(lint_one(recv, "chan-send-blocked", 19), 0, "received");
    const char *handed = "package db\n"
                         "type N struct{ c chan int }\n"
                         "func New() *N { return &N{c: make(chan int)} }\n"
                         "func (n *N) put(v int) { n.c <- v }\n"
                         "func (n *N) C() <-chan int { return n.c }\n";
    cr_expect_eq(lint_one(handed, "chan-send-blocked", 19), 0, "handed out: read elsewhere");
    const char *exported = "package db\n"
                           "type N struct{ C chan int }\n"
                           "func New() *N { return &N{C: make(chan int)} }\n"
                           "func (n *N) put(v int) { n.C <- v }\n";
    cr_expect_eq(lint_one(exported, "chan-send-blocked", 19), 0, "another package may read it");
}

Test(lint, every_path_rules_stay_quiet_on_correct_code)
{
    const char *guard =
        "package db\n"
        "type P struct{ closed bool; jobs chan int }\n"
        "func (p *P) Close() { if p.closed { return }; p.closed = true; close(p.jobs) }\n"
        "func (p *P) work() { for j := range p.jobs { _ = j } }\n"
        "func (p *P) put(j int) { p.jobs <- j }\n"
        "func New() *P { return &P{jobs: make(chan int)} }\n";
    cr_expect_eq(lint_one(guard, "range-never-closed", 19), 0, "a Close guard sends nothing");
    const char *early = "package db\n"
                        "func run(xs []int) int {\n"
                        "\tif len(xs) == 0 { return 0 }\n"
                        "\tch := make(chan int)\n"
                        "\tgo func() { for range ch {} }()\n"
                        "\tfor _, x := range xs { ch <- x }\n"
                        "\tclose(ch)\n"
                        "\treturn 1\n"
                        "}\n";
    cr_expect_eq(lint_one(early, "range-never-closed", 19), 0, "returns before the first send");
    const char *sw = "package db\n"
                     "func produce(xs []int, out chan<- int) {\n"
                     "\tfor _, x := range xs {\n"
                     "\t\tswitch {\n"
                     "\t\tcase x == 0:\n"
                     "\t\t\tclose(out)\n"
                     "\t\t\treturn\n"
                     "\t\tcase x < 0:\n"
                     "\t\t\treturn\n"
                     "\t\t}\n"
                     "\t\tout <- x\n"
                     "\t}\n"
                     "\tclose(out)\n"
                     "}\n";
    cr_expect_eq(lint_one(sw, "range-never-closed", 19), 1, "another case's close is another path");
    const char *body = "package db\nimport (\"net/http\"; \"time\")\n"
                       "func a(client *http.Client, u string) (int, error) {\n"
                       "\tresp, getErr := client.Get(u)\n"
                       "\tt := time.Now()\n"
                       "\tif getErr != nil { return 0, getErr }\n"
                       "\t_ = t\n"
                       "\tresp.Body.Close()\n"
                       "\treturn resp.StatusCode, nil\n"
                       "}\n"
                       "func b(client *http.Client, u string) (*http.Response, error) {\n"
                       "\tresp, err := client.Get(u)\n"
                       "\tif err != nil { return nil, err }\n"
                       "\tif resp.StatusCode == 200 { return resp, nil }\n"
                       "\tresp.Body.Close()\n"
                       "\treturn nil, nil\n"
                       "}\n";
    cr_expect_eq(lint_one(body, "http-client-body-leak", 19), 0,
                 "an error of another name, checked later; resp handed to the caller");
    const char *param = "package db\n"
                        "type T struct{ out chan int }\n"
                        "func New() *T { return &T{out: make(chan int)} }\n"
                        "func (t *T) get() int { return <-t.out }\n"
                        "func fill(out chan<- int) { out <- 1 }\n";
    cr_expect_eq(lint_one(param, "chan-send-blocked", 19), 0, "a parameter is the caller's");
    const char *sel =
        "package db\nimport \"time\"\n"
        "type T struct{ out chan int }\n"
        "func New() *T { return &T{out: make(chan int)} }\n"
        "func (t *T) loop(tk *time.Ticker) { for { select { case <-tk.C: t.out <- 1 } } }\n";
    cr_expect_eq(lint_one(sel, "chan-send-blocked", 19), 1, "a send in a select case's body");
}
