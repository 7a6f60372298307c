#!/usr/bin/env bash
# Rebuild every pprof fixture from the Go programs in this directory and the
# reference outputs of Go's own `go tool pprof`.
# Usage: testdata/gen/pprof/regen.sh [OUTDIR]   (default testdata/pprof)
# Takes ~12 s on 2 CPUs (go1.19.8). PROVENANCE.md is not touched; update its
# numbers by hand if the profiles change.
#
# Profiles are sampled (MemProfileRate 4096, 100 Hz CPU) and timing
# dependent, so each one is checked for the property it exists to show
# (check_* below) and regenerated (up to 3 tries) when it does not hold.
#
# pprof environment: TZ=UTC (the Time: lines are printed in local time),
# -symbolize=none (profiles written by Go 1.19 carry function names, file
# names and lines; nothing to look up, and pprof must not go looking for
# the binaries of mappings), PPROF_TMPDIR/PPROF_BINARY_PATH pointed at an
# empty temp dir (pprof never needs them for local files; set so it
# cannot touch $HOME/pprof or find stray binaries). The legacy text heap
# profile has no mappings, so its references are made by passing the
# binary that wrote it: `go tool pprof <flags> BINARY y_heap_legacy.txt`.
set -euo pipefail
GO=${GO:-go} # the Go toolchain to run (a path or a name on PATH)

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../pprof}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export TZ=UTC PPROF_TMPDIR=$tmp/pprof PPROF_BINARY_PATH=$tmp/pprof
mkdir -p "$tmp/pprof"
PPROF=("$GO" tool pprof -symbolize=none)

cd "$here/.."
echo "regen-pprof: $("$GO" version) -> $out" >&2
CGO_ENABLED=0 "$GO" build -o "$tmp/bin/" ./pprof/...
bin=$tmp/bin

scenarios=(unbounded-cache slice-retain closure-registry pool-growing-buffers
	step healthy-flat healthy-sawtooth late-leak moving-sites spread cache-rows)

# inuse DIR: inuse_space totals (bytes) of DIR/NN.pb.gz, one line, in order.
inuse() {
	local f
	for f in "$1"/[0-9][0-9].pb.gz; do
		"${PPROF[@]}" -raw "$f" 2>/dev/null | awk '
			/^Samples:/ { s = 1; getline; next }
			/^Locations/ { s = 0 }
			s && $4 ~ /:$/ { v = $4; sub(":", "", v); t += v }
			END { printf "%d ", t }'
	done
	echo
}

# check_series SCENARIO "T0 T1 ...": the shape each scenario exists to show.
check_series() {
	awk -v sc="$1" -v list="$2" 'BEGIN {
		n = split(list, t, " ")
		if (n < 12) exit 1
		drops = 0; bigdrops = 0; min = t[1]; max = t[1]
		for (i = 2; i <= n; i++) {
			if (t[i] < t[i-1] * 0.9) drops++
			if (t[i] < t[i-1] * 0.5) bigdrops++
			if (t[i] < min) min = t[i]
			if (t[i] > max) max = t[i]
		}
		if (sc ~ /^(unbounded-cache|slice-retain|closure-registry|pool-growing-buffers|spread|cache-rows)$/)
			ok = drops == 0 && t[n] > 4 * t[1] && t[n] > t[n/2] * 1.3
		else if (sc == "moving-sites") # buffers regrown (old arrays freed) may dip once
			ok = drops <= 1 && t[n] > 4 * t[1] && t[n] > t[n/2] * 1.3
		else if (sc == "step") {
			ok = t[2] > t[1] + 200000 && t[3] > t[2] + 200000 && t[4] > t[3] + 200000
			for (i = 5; i <= n; i++) if (t[i] < t[4] * 0.97 || t[i] > t[4] * 1.03) ok = 0
		} else if (sc == "healthy-flat")
			ok = max < min * 1.25
		else if (sc == "healthy-sawtooth")
			ok = bigdrops >= 3 && max < 1200000
		else if (sc == "late-leak") {
			ok = 1
			for (i = 1; i <= 6; i++) if (t[i] > 100000) ok = 0
			if (t[7] < t[6] + 80000) ok = 0
			for (i = 8; i <= n; i++) if (t[i] < t[i-1] + 50000) ok = 0
		}
		exit !ok
	}'
}

# 1. Heap series, all in parallel (they mostly sleep), each retried.
series() {
	local sc=$1 try list
	for try in 1 2 3; do
		rm -rf "$tmp/hs/$sc"
		"$bin/pprof-heapseries" -scenario "$sc" -out "$tmp/hs/$sc" 2> "$tmp/hs-$sc.log"
		list=$(inuse "$tmp/hs/$sc")
		echo "  heap_series/$sc inuse_space: $list" >&2
		if check_series "$sc" "$list"; then
			rm -rf "$out/heap_series/$sc"
			mkdir -p "$out/heap_series" "$out/heap_series_ref"
			mv "$tmp/hs/$sc" "$out/heap_series/$sc"
			cp "$tmp/hs-$sc.log" "$out/heap_series_ref/$sc.log"
			return 0
		fi
		echo "regen-pprof: heap_series/$sc: wrong shape (try $try)" >&2
	done
	return 1
}
pids=()
for sc in "${scenarios[@]}"; do
	series "$sc" & pids+=($!)
done

# 2. Single profiles (quick ones first, CPU profiles last and alone-ish).
nsamples() { # number of samples pprof -raw lists
	"${PPROF[@]}" -raw "$1" 2>/dev/null | awk '/^Samples:/ { s = 1; getline; next } /^Locations/ { s = 0 } s && /: / && $1 ~ /^[0-9]+$/ { n++ } END { print n + 0 }'
}
single() { # single FILE CHECK-CMD -- PROG ARGS...
	local file=$1 check=$2 try
	shift 3
	for try in 1 2 3; do
		"$@" > /dev/null 2> "$tmp/$file.log"
		if (cd "$tmp/s" && eval "$check"); then
			return 0
		fi
		echo "regen-pprof: $file: check failed: $check (try $try)" >&2
	done
	return 1
}
mkdir -p "$tmp/s"
cd "$tmp/s"
single y_heap.pb.gz '[ -s y_heap.pb.gz ] && [ -s y_allocs.pb.gz ] && grep -q "^# runtime.MemStats" y_heap_legacy.txt' -- "$bin/pprof-heap" "$tmp/s"
gzip -dc y_heap.pb.gz > y_heap_raw.pb
single y_goroutine.pb.gz '"${PPROF[@]}" -tags y_goroutine.pb.gz | grep -q "/api/orders"' -- "$bin/pprof-goroutine" y_goroutine.pb.gz
single y_block.pb.gz '[ "$(nsamples y_block.pb.gz)" -ge 4 ]' -- "$bin/pprof-block" y_block.pb.gz
# -nodefraction=0: the readers' RUnlock delays are real but small (0.1-1.5% of the total), under
# the 0.5% that -top leaves out by default
single y_mutex.pb.gz '"${PPROF[@]}" -top -nodefraction=0 y_mutex.pb.gz | grep -q "RWMutex).RUnlock" && "${PPROF[@]}" -top -nodefraction=0 y_mutex.pb.gz | grep -q "RWMutex).Unlock"' -- "$bin/pprof-mutex" y_mutex.pb.gz
single y_threadcreate.pb.gz '"${PPROF[@]}" -top y_threadcreate.pb.gz | grep -q "threadcreate"' -- "$bin/pprof-threadcreate" y_threadcreate.pb.gz
single y_empty.pb.gz '[ "$(nsamples y_empty.pb.gz)" -eq 0 ]' -- "$bin/pprof-empty" y_empty.pb.gz
wait "${pids[@]}" # series done: CPU profiles get the CPUs
single y_cpu.pb.gz '[ "$(nsamples y_cpu.pb.gz)" -ge 50 ] && "${PPROF[@]}" -tags y_cpu.pb.gz | grep -q checkout' -- "$bin/pprof-cpu" y_cpu.pb.gz
single y_inlined.pb.gz '"${PPROF[@]}" -raw y_inlined.pb.gz | grep -A1 " main.mix " | grep -q "main.(\*Hasher).step"' -- "$bin/pprof-inlined" y_inlined.pb.gz
for f in y_*; do
	[ "$(wc -c < "$f")" -lt 51200 ] || { echo "regen-pprof: $f is $(wc -c < "$f") bytes" >&2; exit 1; }
done
mv y_* "$out/"
cd "$out"

# 3. Reference outputs of go tool pprof.
# ref OUTPREFIX PROFILE [BINARY]: OUTPREFIX.{top,traces,raw}.txt
ref() {
	local o=$1 p=$2 b=${3:-} cmd=("${PPROF[@]}") args
	if [ -n "$b" ]; then
		cmd=("$GO" tool pprof)
		args=("$b" "$p")
	else
		args=("$p")
	fi
	"${cmd[@]}" -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 "${args[@]}" > "$o.top.txt" 2>&1
	"${cmd[@]}" -traces "${args[@]}" > "$o.traces.txt" 2>&1
	"${cmd[@]}" -raw "${args[@]}" > "$o.raw.txt" 2>&1
	case $p in
	*heap* | *allocs* | *[0-9][0-9].pb.gz)
		local si
		for si in inuse_space alloc_objects; do
			"${cmd[@]}" -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 -sample_index=$si "${args[@]}" > "$o.top.$si.txt" 2>&1
		done
		;;
	esac
}
for f in y_heap.pb.gz y_allocs.pb.gz y_heap_raw.pb y_cpu.pb.gz y_goroutine.pb.gz \
	y_block.pb.gz y_mutex.pb.gz y_threadcreate.pb.gz y_inlined.pb.gz y_empty.pb.gz; do
	ref "$f" "$f"
done
ref y_heap_legacy.txt y_heap_legacy.txt "$bin/pprof-heap"
for sp in unbounded-cache/07 healthy-sawtooth/03; do
	ref "heap_series_ref/${sp%/*}.${sp#*/}.pb.gz" "heap_series/$sp.pb.gz"
done
# The binary was in a temp dir: make its path stable in the references.
sed -i "s|$bin/|/tmp/BIN/|g" ./*.txt heap_series_ref/*.txt
echo "regen-pprof: done" >&2
