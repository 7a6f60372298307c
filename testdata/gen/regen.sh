#!/usr/bin/env bash
# Rebuild every goroutine-dump fixture from the real Go programs in this
# directory. Usage: testdata/gen/regen.sh [OUTDIR]   (default testdata/goroutine)
# Takes ~70 s: the `minutes` program must sleep 65 s, it runs in the background
# while everything else is generated.
set -euo pipefail
GO=${GO:-go} # the Go toolchain to run (a path or a name on PATH)

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../goroutine}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

cd "$here"
echo "regen: $("$GO" version) -> $out" >&2
mkdir -p "$tmp/bin"
CGO_ENABLED=0 "$GO" build -o "$tmp/bin/" ./...
bin=$tmp/bin

# 1. The slow one first, in the background.
"$bin/minutes" > "$out/y_minutes.txt" &
minutes_pid=$!
pids+=("$minutes_pid")

# 2. Plain debug=2 producers: y_<name>.txt, run 4 at a time; each writes the same moment as
#    y_<name>_debug1.txt and y_<name>_debug0.pb.gz too (internal/dumpforms).
simple=(
	chan-send-blocked chan-recv-blocked range-never-closed nil-chan
	select-blocked select-forever mutex-wait rwmutex-wait lock-order-deadlock
	waitgroup-wait cond-wait ticker-loop sleep-loop http-client-body-leak
	http-server-idle-conns escaped-request-goroutine sql-pool-exhaustion
	io-wait syscall healthy_pool healthy_http healthy_periodic recursive-rlock
	context-not-propagated pipe-leak mutex-leaked healthy_timeout
	http-transport-per-request lock-order-locals middleware-context healthy_middleware
	inlined-closure
)
printf '%s\n' "${simple[@]}" |
	xargs -P 4 -I{} bash -c 'set -e; GOMEDIC_FORMS_DIR="$2" GOMEDIC_FORMS_NAME={} "$1/{}" > "$2/y_{}.txt" 2> "$3/{}.stderr"' _ "$bin" "$out" "$tmp"
# CPU hog last, alone, so it does not slow the others down.
GOMAXPROCS=2 GOMEDIC_FORMS_DIR="$out" GOMEDIC_FORMS_NAME=runnable-backlog "$bin/runnable-backlog" > "$out/y_runnable-backlog.txt"

# 3. Other producers (program: multi).
rc=0
GOTRACEBACK=all "$bin/multi" panic > /dev/null 2> "$out/y_panic.txt" || rc=$?
[ "$rc" -eq 2 ] || { echo "multi panic: exit $rc, want 2" >&2; exit 1; }
rc=0
GOTRACEBACK=system "$bin/multi" panic > /dev/null 2> "$out/y_gotraceback_system.txt" || rc=$?
[ "$rc" -eq 2 ] || { echo "multi panic (system): exit $rc, want 2" >&2; exit 1; }

"$bin/multi" sigquit > "$tmp/sigquit.out" 2> "$out/y_sigquit.txt" &
sq=$!
pids+=("$sq")
for _ in $(seq 100); do
	grep -q ready "$tmp/sigquit.out" && break
	sleep 0.1
done
grep -q ready "$tmp/sigquit.out" || { echo "multi sigquit never got ready" >&2; exit 1; }
kill -QUIT "$sq"
rc=0
wait "$sq" || rc=$?
[ "$rc" -eq 2 ] || { echo "multi sigquit: exit $rc, want 2" >&2; exit 1; }

# Crashes (program: crash): each mode dies (exit 2) with the runtime's output on stderr; a
# panicking test through go test (exit 1).
for m in panic recovered nilmap concurrent overflow unlock fault deadlock; do
	rc=0
	"$bin/crash" "$m" > /dev/null 2> "$out/y_crash_$m.txt" || rc=$?
	[ "$rc" -eq 2 ] || { echo "crash $m: exit $rc, want 2" >&2; exit 1; }
done
# The stack overflow as a paste that lost the lines before "runtime stack:".
awk '/^runtime stack:/ { p = 1 } p' "$out/y_crash_overflow.txt" > "$out/y_crash_overflow_cut.txt"
rc=0
"$GO" test -count=1 ./crash > "$out/y_crash_test.txt" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { echo "crash test: exit $rc, want 1" >&2; exit 1; }

"$bin/multi" stack > "$out/y_runtime_stack.txt"
"$bin/multi" debug1 > "$out/y_debug1.txt"
"$bin/multi" forms "$out"
"$bin/multi" embedded > "$out/y_embedded_log.txt"

# 4. Snapshot series (leak and healthy run concurrently; ~5 s).
"$bin/diffleak" leak "$out" &
d1=$!
"$bin/diffleak" healthy "$out" &
d2=$!
pids+=("$d1" "$d2")
wait "$d1"
wait "$d2"

# 5. Derived fixtures, made from the real dumps above.
sed 's/$/\r/' "$out/y_select-forever.txt" > "$out/y_crlf.txt"
# Cut y_mutex-wait.txt in the middle of a frame line: keep everything before
# the 10th "main.(*Store).Get(" line plus its first 12 bytes.
src=$out/y_mutex-wait.txt
line=$(grep -n '^main\.(\*Store)\.Get(' "$src" | sed -n '10p' | cut -d: -f1)
[ -n "$line" ] || { echo "truncate: frame line not found" >&2; exit 1; }
bytes=$(head -n "$((line - 1))" "$src" | wc -c)
head -c "$((bytes + 12))" "$src" > "$out/y_truncated.txt"
cat "$out/y_nil-chan.txt" "$out/y_cond-wait.txt" > "$out/y_two_dumps.txt"
# The same dump as people paste it and logs carry it (gm/paste.h): tabs turned into spaces, a
# markdown code block, double-spaced, HTML-escaped, and behind each log collector's prefix.
src=$out/y_chan-send-blocked.txt
sed 's/^\t/    /' "$src" > "$out/y_paste_spaces.txt"
sed 's/^/    /' "$src" > "$out/y_paste_markdown.txt"
sed G "$src" > "$out/y_paste_double.txt"
sed 's/&/\&amp;/g; s/+/\&#43;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&#34;/g' "$src" > "$out/y_paste_html.txt"
sed 's/^/2026-11-23T15:13:23.123456789Z stderr F /' "$src" > "$out/y_paste_cri.txt"
sed 's/^/Nov 23 15:13:23 web-1 orders[7919]: /' "$src" > "$out/y_paste_syslog.txt"
sed 's/^/15:13:23 orders.1 | /' "$src" > "$out/y_paste_procfile.txt"
sed 's/^/2026-11-23T15:13:23.1234567Z /' "$src" > "$out/y_paste_ci.txt"
awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t")
       printf "{\"log\":\"%s\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-23T15:13:23.123456789Z\"}\n", $0 }' \
	"$src" > "$out/y_paste_docker.txt"
# An editor's UTF-8 byte order mark; the dump saved as UTF-16 (PowerShell's >): named, refused.
{ printf '\357\273\277'; cat "$src"; } > "$out/y_paste_bom.txt"
iconv -f UTF-8 -t UTF-16 "$src" > "$out/n_paste_utf16.txt"
gzip -9 -n -c "$out/y_chan-send-blocked.txt" > "$out/y_gzip.txt.gz"
# A debug=1 paste cut after its third record: the header's total no longer matches.
awk 'BEGIN { RS = ""; ORS = "\n\n" } NR <= 3' "$out/y_debug1.txt" > "$out/y_debug1_cut.txt"

wait "$minutes_pid"
pids=()
echo "regen: done" >&2
