#!/usr/bin/env bash
# Rebuild every race-detector fixture from the real Go programs/tests in this
# directory. Usage: testdata/gen/race/regen.sh [OUTDIR]   (default testdata/race)
# Needs cgo + a C compiler (the race runtime is linked via cgo) and the
# runtime/race .syso files that golang-1.19-src ships. Takes ~10 s.
# Racing programs exit 66 (race runtime), racing `go test` runs exit 1,
# `go run` of a racing program exits 1; anything else is an error.
set -euo pipefail
GO=${GO:-go} # the Go toolchain to run (a path or a name on PATH)

here=$(cd "$(dirname "$0")" && pwd)
gen=$(cd "$here/.." && pwd)
out=${1:-$here/../../race}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export CGO_ENABLED=1
unset GOFLAGS GORACE
cd "$gen"
echo "regen race: $("$GO" version) -> $out" >&2
"$GO" build -race -o "$tmp/" ./race/racy ./race/racerepeat ./race/racehistory ./race/racehints

# run WANT_RC OUTFILE CMD... : run CMD with stdout+stderr into OUTFILE
# (appending if OUTFILE is prefixed with +), require exit status WANT_RC.
run() {
	local want=$1 f=$2 rc=0
	shift 2
	if [[ $f == +* ]]; then
		"$@" >> "$out/${f#+}" 2>&1 || rc=$?
	else
		"$@" > "$out/$f" 2>&1 || rc=$?
	fi
	if [ "$rc" -ne "$want" ]; then
		echo "regen race: $f: $* exited $rc, want $want" >&2
		exit 1
	fi
}

# 1. Several distinct races in one program, all reported.
run 66 y_races.log env GORACE=halt_on_error=0 "$tmp/racy"
# Races whose fix is read from the stacks (sibling closures writing one captured err).
run 66 y_race_hints.log env GORACE=halt_on_error=0 "$tmp/racehints"
# 3. Same program, stop at the first report.
run 66 y_halt.log env GORACE=halt_on_error=1 "$tmp/racy"
# Same through `go run` (adds go run's "exit status 66" line).
run 1 y_gorun_halt.log env GORACE=halt_on_error=1 "$GO" run -race ./race/racy

# 2. go test: verbose, non-verbose, halt at first race, clean subset.
run 1 y_gotest.log env GORACE=halt_on_error=0 "$GO" test -race -count=1 -v ./race/racetest/
run 1 y_gotest_nonverbose.log env GORACE=halt_on_error=0 "$GO" test -race -count=1 ./race/racetest/
run 1 y_gotest_halt.log env GORACE=halt_on_error=1 "$GO" test -race -count=1 -v ./race/racetest/
run 0 y_no_races.log env GORACE=halt_on_error=0 "$GO" test -race -count=1 -v \
	-run '^(TestA|TestC|TestE)$/^safe$' ./race/racetest/

# 4. Same racing pair many times: three processes into one log (default
# suppression: one report per distinct pair of stacks per process), and one
# process with suppression off (every dynamic occurrence reported).
: > "$out/y_repeat.log"
for _ in 1 2 3; do
	run 66 +y_repeat.log env GORACE=halt_on_error=0 "$tmp/racerepeat" 200
done
run 66 y_repeat_nosuppress.log \
	env GORACE="halt_on_error=0 suppress_equal_stacks=0 suppress_equal_addresses=0" \
	"$tmp/racerepeat" 15

# Lost history: the same race is reported with history_size=1 and silently
# dropped with the default (no "[failed to restore the stack]" in Go 1.19).
run 66 y_history_kept.log env GORACE="halt_on_error=0 history_size=1" "$tmp/racehistory"
run 0 y_history_lost.log env GORACE=halt_on_error=0 "$tmp/racehistory"

# 5. Derived copies of y_races.log.
sed 's/$/\r/' "$out/y_races.log" > "$out/y_crlf.log"
sed 's/^[[:space:]]*//' "$out/y_races.log" > "$out/y_noindent.log"
# The same log behind a container runtime's and journald's line prefixes (gm/paste.h).
sed 's/^/2026-11-23T15:13:23.123456789Z stderr F /' "$out/y_races.log" > "$out/y_races_cri.log"
sed 's/^/Nov 23 15:13:23 ci-7 racy[4242]: /' "$out/y_races.log" > "$out/y_races_syslog.log"

# 6. Broken inputs.
# Cut y_races.log in the middle of the 3rd report: everything up to and
# including its "Previous write at" line, plus the first 10 bytes of the next
# (frame) line; no final newline.
src=$out/y_races.log
start=$(grep -n '^WARNING: DATA RACE$' "$src" | sed -n '3p' | cut -d: -f1)
[ -n "$start" ] || { echo "regen race: truncate: 3rd report not found" >&2; exit 1; }
line=$(awk -v s="$start" 'NR > s && /^Previous / { print NR; exit }' "$src")
[ -n "$line" ] || { echo "regen race: truncate: Previous line not found" >&2; exit 1; }
bytes=$(head -n "$line" "$src" | wc -c)
head -c "$((bytes + 10))" "$src" > "$out/n_truncated.log"
# 4096 deterministic pseudo-random bytes.
for i in $(seq 0 127); do
	printf 'gomedic-race-garbage-%d' "$i" | sha256sum | cut -c1-64
done | xxd -r -p > "$out/n_garbage.bin"

# Timing-based programs: make sure every fixture got the expected reports.
# check FILE MIN [MAX]: MIN to MAX (default MIN) "WARNING: DATA RACE" blocks.
# Ranges: the counter races (racy's Stats, racetest's Counter) are genuinely
# concurrent (one report or two), and from Go 1.24 on (maps in
# internal/runtime/maps) the racing map of TestC can be reported once more, on
# a second address of the map. The distinct races are the same in every run
# (tests/regen/check.sh compares them).
bad=0
check() {
	local f=$1 min=$2 max=${3:-$2} got
	got=$(grep -c '^WARNING: DATA RACE' "$out/$f" || true)
	if [ "$got" -lt "$min" ] || [ "$got" -gt "$max" ]; then
		echo "regen race: $f has $got WARNING blocks, want $min..$max (loaded machine? rerun)" >&2
		bad=1
	fi
}
check y_races.log 9 10
check y_halt.log 1
check y_gorun_halt.log 1
check y_gotest.log 5 7
check y_gotest_nonverbose.log 5 7
check y_gotest_halt.log 1
check y_no_races.log 0
check y_repeat.log 9
check y_repeat_nosuppress.log 45
check y_history_kept.log 1
check y_history_lost.log 0
check n_truncated.log 3
[ "$bad" -eq 0 ] || exit 1

echo "regen race: done" >&2
