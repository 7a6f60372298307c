# gomedic - plain Makefile. `make` builds build/gomedic; `make check` runs every test.
# Variables: CC (gcc or clang), SANITIZE=address,undefined, O (optimisation), BUILD (output dir).

CC       ?= cc
O        ?= -O2
BUILD    ?= build
SANITIZE ?=
WARN     = -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion \
           -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wpointer-arith \
           -Wvla -Wwrite-strings -Wformat=2 -fno-common
CFLAGS   ?= $(O) -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) -Iinclude -MMD -MP
LDLIBS   = -ldeflate -ltree-sitter -lm -lpthread
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

LIB_SRC  = $(sort $(wildcard lib/*/*.c))
# gomedic: the file commands. gomedic-watch: the daemon's commands (cli/watch_cmds.h) with the
# daemon (store, HTTP client, loop) and what only they link: SQLite, libcurl, inih, cJSON, libyaml.
WATCH_CLI = cli/watch_main.c cli/cmd_watch.c
CLI_SRC  = $(filter-out $(WATCH_CLI),$(sort $(wildcard cli/*.c)))
DAEMON_SRC = $(sort $(wildcard daemon/*.c))
WATCH_OBJ = $(WATCH_CLI:%.c=$(BUILD)/%.o) $(BUILD)/cli/opt.o $(DAEMON_SRC:%.c=$(BUILD)/%.o)
WATCH_LIBS = -lsqlite3 -lcurl -linih -lcjson -lyaml -lmicrohttpd
UNIT_SRC = $(sort $(wildcard tests/unit/t_*.c))
# The flame graph's and the trace page's scripts and style sheets are real files, embedded at
# build time.
ASSETS   = lib/render/flame.js lib/render/flame.css lib/render/trace.js lib/render/trace.css
# tree-sitter's Go grammar: generated C from the npm package (tools/fetch-grammar.sh, not
# committed), compiled as it is (its own warnings are not ours), linked with Debian's runtime.
TS_GO    = third_party/tree-sitter-go-0.23.4/src
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/flame_assets.o $(BUILD)/ts/go_parser.o
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ = $(UNIT_SRC:%.c=$(BUILD)/%.o)

# gomedic lint on its rule programs and on the fixture programs (tests/lint/run.sh; no Go).
lint-check: $(BUILD)/gomedic
	GOMEDIC=$(BUILD)/gomedic tests/lint/run.sh

.PHONY: lint-check schemas demo watch-test watch-http-test grafana-check forms all check layers versions oracle unit golden help-docs docs-examples pprof-compare fuzz-replay fuzz format format-check clean bench corpus-check tidy
all: $(BUILD)/gomedic $(BUILD)/gomedic-watch

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/flame_assets.c: $(ASSETS) tools/embed.sh
	@mkdir -p $(dir $@)
	tools/embed.sh gm_flame_js lib/render/flame.js gm_flame_css lib/render/flame.css \
	  gm_trace_js lib/render/trace.js gm_trace_css lib/render/trace.css > $@.tmp
	mv $@.tmp $@

$(TS_GO)/parser.c:
	tools/fetch-grammar.sh

$(BUILD)/ts/go_parser.o: $(TS_GO)/parser.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -w $(filter -fsanitize=%,$(ALL_CFLAGS)) -I$(TS_GO) -c $< -o $@

$(BUILD)/gen/flame_assets.o: $(BUILD)/gen/flame_assets.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libgomedic.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/gomedic: $(CLI_OBJ) $(BUILD)/libgomedic.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libgomedic.a $(LDLIBS)

$(BUILD)/gomedic-watch: $(WATCH_OBJ) $(BUILD)/libgomedic.a
	$(CC) $(LDFLAGS) -o $@ $(WATCH_OBJ) $(BUILD)/libgomedic.a $(LDLIBS) $(WATCH_LIBS)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(BUILD)/libgomedic.a
	$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(BUILD)/libgomedic.a -lcriterion $(LDLIBS)

# gomedic watch on a bundled service that starts leaking (about a minute; README's first command).
demo: $(BUILD)/gomedic $(BUILD)/gomedic-watch
	BUILD=$(BUILD) tools/demo.sh

# gomedic watch against real processes: leaks, healthy services, broken targets, SIGKILL.
watch-test: $(BUILD)/gomedic $(BUILD)/gomedic-watch
	GOMEDIC=$(BUILD)/gomedic tests/watch/run.sh

# The watch over HTTP: /metrics scraped by a real Prometheus, alerts in a real Alertmanager,
# the token (skips without prometheus / prometheus-alertmanager); the Grafana dashboard's check.
watch-http-test: $(BUILD)/gomedic-watch
	GOMEDIC_WATCH=$(BUILD)/gomedic-watch tests/watch/http.sh
grafana-check:
	python3 tests/grafana/check.py
# Every form of one snapshot (debug=2, debug=1, debug=0) diagnosed alike (tests/regen/forms.py).
forms: $(BUILD)/gomedic
	python3 tests/regen/forms.py $(BUILD)/gomedic

# Everything CI runs, in one command (README).
check: layers unit golden help-docs docs-examples schemas pprof-compare versions oracle fuzz-replay corpus-check forms watch-test watch-http-test grafana-check lint-check

# gomedic pprof against `go tool pprof` on the same files (skips without Go).
pprof-compare: $(BUILD)/gomedic
	GOMEDIC=$(BUILD)/gomedic python3 tests/pprof/compare.py

# Layers point down (base -> model -> parse -> analyze -> render -> cli).
layers:
	tests/layers.sh

# The same diagnosis from the fixtures of every Go version (testdata/KIND/go1.N/ against the
# Go 1.19 twins; no Go needed).
versions: $(BUILD)/gomedic
	GOMEDIC=$(BUILD)/gomedic python3 tests/regen/versions.py

# gomedic against reference numbers from Go's own readers (tests/oracle; skips without a Go new
# enough for it, or without the module proxy).
oracle: $(BUILD)/gomedic
	GOMEDIC=$(BUILD)/gomedic tests/oracle/run.sh

docs-examples: $(BUILD)/gomedic
	GOMEDIC=$(BUILD)/gomedic python3 tests/docs/examples.py

# The JSON of every command validates against its schema in docs/json/ (tests/docs/schemas.py).
schemas: $(BUILD)/gomedic
	GOMEDIC=$(BUILD)/gomedic python3 tests/docs/schemas.py

help-docs: $(BUILD)/gomedic $(BUILD)/gomedic-watch
	GOMEDIC=$(BUILD)/gomedic tests/help_docs.sh

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests --jobs 2

golden: $(BUILD)/gomedic
	GOMEDIC=$(BUILD)/gomedic tests/golden/run.sh

# libFuzzer targets (clang only); fuzz/replay.c runs the same targets over the seeds with any
# compiler, so `make check` replays every saved input.
FUZZ_SRC = $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_NAMES = $(FUZZ_SRC:fuzz/fuzz_%.c=%)
$(BUILD)/replay-%: fuzz/fuzz_%.c fuzz/replay.c fuzz/harness.h fuzz/fuzz.h $(BUILD)/libgomedic.a
	$(CC) $(ALL_CFLAGS) -o $@ fuzz/fuzz_$*.c fuzz/replay.c $(BUILD)/libgomedic.a $(LDLIBS)

# the trace targets of one format include fuzz_trace.c
$(BUILD)/replay-trace_v1 $(BUILD)/replay-trace_v2: fuzz/fuzz_trace.c

# the lint target's seeds are the rule programs themselves (not copied into fuzz/seeds)
FUZZ_EXTRA_lint = $(wildcard testdata/lint/*/bug testdata/lint/*/fixed)

fuzz-replay: $(FUZZ_NAMES:%=$(BUILD)/replay-%)
	@for t in $(FUZZ_NAMES); do \
	  extra=; [ $$t = lint ] && extra="$(FUZZ_EXTRA_lint)"; \
	  $(BUILD)/replay-$$t fuzz/seeds/$$t fuzz/regress/$$t $$extra || exit 1; \
	done

# CI runs a fixed number of inputs from a fixed seed, so a run is repeatable (FUZZ_SECONDS only
# caps the time); fuzz for longer by hand with FUZZ_RUNS=-1 FUZZ_SECONDS=600.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 20000
FUZZ_SEED ?= 1
fuzz:
	@for t in $(FUZZ_NAMES); do \
	  $(MAKE) --no-print-directory BUILD=build-fuzz CC=clang O=-O1 \
	    CFLAGS="-g -fsanitize=fuzzer-no-link" SANITIZE=address,undefined build-fuzz/libgomedic.a && \
	  clang -std=c11 -D_DEFAULT_SOURCE -Iinclude -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all \
	    -o build-fuzz/fuzz-$$t fuzz/fuzz_$$t.c build-fuzz/libgomedic.a $(LDLIBS) && \
	  mkdir -p build-fuzz/corpus-$$t && \
	  build-fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) -seed=$(FUZZ_SEED) \
	    -max_len=65536 -rss_limit_mb=2048 \
	    -dict=fuzz/$$t.dict -artifact_prefix=build-fuzz/crash-$$t- \
	    build-fuzz/corpus-$$t fuzz/seeds/$$t fuzz/regress/$$t \
	    $$( [ $$t = lint ] && echo "$(FUZZ_EXTRA_lint)" ) || exit 1; \
	done

# Optional: read the real-world artifacts of ../shared/corpus when present.
corpus-check: $(BUILD)/gomedic
	GOMEDIC=$(BUILD)/gomedic tests/corpus/run.sh

format:
	clang-format -i include/gm/*.h lib/*/*.c lib/*/*.h cli/*.c cli/*.h daemon/*.c daemon/*.h tests/unit/*.c tests/unit/*.h fuzz/*.c fuzz/*.h

format-check:
	clang-format --dry-run --Werror include/gm/*.h lib/*/*.c lib/*/*.h cli/*.c cli/*.h daemon/*.c daemon/*.h tests/unit/*.c tests/unit/*.h fuzz/*.c fuzz/*.h

bench: $(BUILD)/gomedic
	GOMEDIC=$(BUILD)/gomedic bench/run.sh

clean:
	rm -rf $(BUILD) build-fuzz build-asan build-clang build-tsan

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(WATCH_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)

# One static analyzer at zero warnings (.clang-tidy).
tidy:
	clang-tidy -quiet $(LIB_SRC) $(CLI_SRC) $(WATCH_CLI) $(DAEMON_SRC) -- -std=c11 -D_DEFAULT_SOURCE -Iinclude
