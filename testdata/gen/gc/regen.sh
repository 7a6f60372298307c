#!/usr/bin/env bash
# Rebuild every real GODEBUG=gctrace/schedtrace fixture from the Go programs
# in this directory. Usage: testdata/gen/gc/regen.sh [OUTDIR]
# (default testdata/gctrace). Takes ~30 s on 2 CPUs (go1.19.8).
#
# Each log is stderr of one run: the runtime's trace lines mixed with the
# program's own log lines. Runs are timing-dependent, so every log is checked
# with gcstats.awk for the property it exists to show (see PROVENANCE.md) and
# the run is retried (up to 3 times) when it does not; regen fails if a
# property still does not hold. Hand-written files (i_*.log, n_garbage.bin)
# and PROVENANCE.md are not touched.
set -euo pipefail
GO=${GO:-go} # the Go toolchain to run (a path or a name on PATH)

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../gctrace}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$here/.."
echo "regen-gc: $("$GO" version) -> $out" >&2
CGO_ENABLED=0 "$GO" build -o "$tmp/bin/" ./gc/...
bin=$tmp/bin

# check FILE EXPR: evaluate an awk expression over the gcstats.awk keys of
# FILE plus size (bytes) and json_bad (non-gctrace lines that are not JSON).
check() {
	local f=$1 expr=$2 stats size bad
	stats=$(awk -f "$here/gcstats.awk" "$f")
	size=$(wc -c < "$f")
	bad=$(grep -v '^gc [0-9]' "$f" | grep -vc '^{.*}$' || true)
	echo "  $(basename "$f"): $stats size=$size" >&2
	awk "BEGIN { ${stats// /; }; size = $size; json_bad = $bad; exit !($expr) }"
}

# produce FILE EXPR ENV... -- PROG ARGS...: run until EXPR holds (3 tries).
produce() {
	local file=$1 expr=$2 envs=() try
	shift 2
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	local prog=$1
	shift
	for try in 1 2 3; do
		env "${envs[@]}" "$bin/$prog" "$@" > /dev/null 2> "$tmp/$file"
		if check "$tmp/$file" "$expr"; then
			mv "$tmp/$file" "$out/$file"
			return 0
		fi
		echo "regen-gc: $file: want $expr (try $try)" >&2
	done
	echo "regen-gc: $file: giving up" >&2
	return 1
}

# 1. Light programs (mostly sleeping), in parallel. Pauses are judged from 10 ms (gomedic-gc(1)):
# a loaded CI machine stretches a healthy STW to 4-5 ms, so the healthy bound is 8.
pids=()
produce y_healthy.log 'cycles >= 20 && last_pct < 10 && max_stw_ms < 8 && live_max - live_min <= 2 && size < 100000' \
	GODEBUG=gctrace=1 -- gc-healthy & pids+=($!)
produce y_mixed_json.log 'cycles >= 20 && last_pct < 10 && json_bad == 0 && size < 100000' \
	GODEBUG=gctrace=1 -- gc-healthy -json -every 100ms & pids+=($!)
produce y_forced.log 'forced >= 2 && scav_forced >= 1 && size < 100000' \
	GODEBUG=gctrace=1,scavtrace=1 -- gc-forced & pids+=($!)
produce y_scheddetail.log 'sched_lines >= 3 && size < 60000' \
	GODEBUG=schedtrace=200,scheddetail=1 -- gc-scheddetail & pids+=($!)
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
[ "$rc" -eq 0 ]

# 2. CPU-heavy programs one at a time (their numbers depend on having the CPUs).
produce y_gc-too-frequent.log 'cycles_per_s >= 24 && last_pct < 25 && size < 100000' \
	GOGC=5 GODEBUG=gctrace=1 -- gc-too-frequent
produce y_gc-cpu-high.log 'last_pct > 25 && size < 100000' \
	GOGC=10 GOMAXPROCS=2 GODEBUG=gctrace=1 -- gc-cpu-high
produce y_live-heap-rising.log 'cycles >= 30 && rising_tail >= 30 && last_live >= first_live + 50 && size < 100000' \
	GOGC=20 GODEBUG=gctrace=1 -- gc-live-heap-rising
# (tail_fill: the finding wants the live heap at >= 90% of the pinned goal; 93 leaves a margin.
# max_goal: near the 64 MiB limit, not GOGC's; go1.19 lets it reach 65-69 when the live heap
# touches the limit)
produce y_gomemlimit-death-spiral.log 'last_pct >= 20 && max_goal <= 70 && last_live >= 55 && tail_fill >= 93 && tail_clock_ms >= 0.6 * tail_gap_ms && size < 100000' \
	GOMEMLIMIT=64MiB GOGC=off GOMAXPROCS=2 GODEBUG=gctrace=1 -- gc-memlimit
produce y_stw-long.log 'max_stw_ms >= 10 && size < 100000' \
	GOMAXPROCS=2 GODEBUG=gctrace=1,asyncpreemptoff=1 -- gc-stw-long
produce y_runqueue-backlog.log 'max_runqueue >= 50 && sched_lines >= 20 && cycles >= 5 && size < 100000' \
	GOMAXPROCS=2 GODEBUG=schedtrace=100,gctrace=1 -- gc-runqueue-backlog

# 3. Derived files.
sed 's/$/\r/' "$out/y_gc-cpu-high.log" > "$out/y_crlf.log"
check "$out/y_crlf.log" 'last_pct > 25'
# The healthy log cut in the middle of its 20th gctrace line, no final newline.
awk '/^gc [0-9]/ { g++ } g == 20 { printf "%s", substr($0, 1, int(length($0) / 2)); exit } { print }' \
	"$out/y_healthy.log" > "$out/n_truncated.log"
check "$out/n_truncated.log" 'cycles >= 19'
[ -n "$(tail -c 1 "$out/n_truncated.log")" ] || { echo "regen-gc: n_truncated.log ends in a newline" >&2; exit 1; }
echo "regen-gc: done" >&2
