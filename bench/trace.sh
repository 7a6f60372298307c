#!/usr/bin/env bash
# Benchmark `gomedic trace` against the Go toolchain's own trace reader on the same traces,
# in one run: `go tool trace -d` of Debian's Go 1.19 on a v1 trace written by Go 1.19, and
# `go tool trace -d=parsed` of Go 1.26 on a v2 trace written by Go 1.26. Both traces are
# written by bench/gen-trace (a busy program: 64 workers, 8 producers, a goroutine per
# answer, mutex contention, GC, a ticker, pipe writes, 16 leaked goroutines) until they reach
# SIZE_MB (94 MB, the size of the trace `go tool trace` needed 7.1 GB and 55 s for).
# Prints wall time and peak RSS of each tool, the ratios, and RSS against the trace's size.
#
#   bench/trace.sh
#
# Environment:
#   GOMEDIC     gomedic binary (default ./build/gomedic)
#   GO119       Debian's Go 1.19 (default /usr/lib/go-1.19/bin/go); GO126 the newest Go (go)
#   BENCH_DIR   scratch dir (default /tmp/gomedic-bench); traces go to $BENCH_DIR/trace
#   SIZE_MB     trace size (default 94); REGEN=1 rewrites the traces
#   REPEAT      runs of gomedic, best wall time wins (default 5); the Go tools run once
#               (they take a minute and gigabytes)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
GOMEDIC=${GOMEDIC:-./build/gomedic}
GO119=${GO119:-/usr/lib/go-1.19/bin/go}
GO126=${GO126:-go}
BENCH_DIR=${BENCH_DIR:-/tmp/gomedic-bench}
SIZE_MB=${SIZE_MB:-94}
REPEAT=${REPEAT:-5}
TIME=/usr/bin/time
die() { echo "trace.sh: $*" >&2; exit 1; }
[ -x "$TIME" ] || die "GNU time not found at $TIME (apt-get install time)"
[ -x "$GOMEDIC" ] || die "no gomedic at $GOMEDIC (make first)"
GOMEDIC=$(cd "$(dirname "$GOMEDIC")" && pwd)/$(basename "$GOMEDIC")
export GOTOOLCHAIN=local
T=$BENCH_DIR/trace
mkdir -p "$T/bin" "$T/out"

gen() { # GO TAG: writes $T/TAG.trace
    local go=$1 tag=$2 f=$T/$2.trace
    if [ "${REGEN:-0}" = 1 ] || [ ! -s "$f" ]; then
        command -v "$go" >/dev/null 2>&1 || die "$go not found"
        (cd bench/gen-trace && CGO_ENABLED=0 "$go" build -o "$T/bin/gen-trace-$tag" .) || die "build with $go failed"
        echo "writing $f with $("$go" env GOVERSION) ..." >&2
        "$T/bin/gen-trace-$tag" -o "$f" -size "$SIZE_MB" 2> "$T/$tag.gen.log" || { cat "$T/$tag.gen.log" >&2; die "gen-trace failed"; }
        tail -n 1 "$T/$tag.gen.log" >&2
    fi
}
gen "$GO119" go119
gen "$GO126" go126

# measure LABEL N CMD...: best wall time (s) of N runs and that run's peak RSS (KB); stdout to
# a file in $T/out (both tools write their whole output)
measure() {
    local label=$1 n=$2; shift 2
    local best_w="" best_r="" i t0 t1 w r
    for ((i = 0; i < n; i++)); do
        t0=$EPOCHREALTIME
        "$TIME" -f '%M' -o "$T/out/$label.time" "$@" > "$T/out/$label.out" 2> "$T/out/$label.err" ||
            echo "trace.sh: note: '$label' exited non-zero (see $T/out/$label.err)" >&2
        t1=$EPOCHREALTIME
        r=$(tail -n 1 "$T/out/$label.time")
        w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        if [ -z "$best_w" ] || awk -v a="$w" -v b="$best_w" 'BEGIN { exit !(a < b) }'; then
            best_w=$w best_r=$r
        fi
    done
    M_WALL=$best_w M_RSS=$best_r
}

echo "== gomedic trace benchmark"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')   commit $(git rev-parse --short HEAD 2>/dev/null || echo ?)"
echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
fmt='%-7s %-9s %8s %10s %-22s %9s %9s %-9s %9s %8s %8s %8s\n'
printf "$fmt" trace format "MB" events "reference" "ref s" "ref RSS" "" "gomedic s" "RSS MB" "ratio" "RSS/size"
for tag in go119 go126; do
    f=$T/$tag.trace
    size=$(stat -c %s "$f")
    cat "$f" > /dev/null # the page cache holds it for every tool
    info=$("$GOMEDIC" trace --json "$f" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["format"], d["events"])')
    read -r format events <<< "$info"
    if [ "$tag" = go119 ]; then
        ref=("$GO119" tool trace -d "$f"); refname="go1.19 tool trace -d"
    else
        ref=("$GO126" tool trace -d=parsed "$f"); refname="go1.26 tool trace -d"
    fi
    measure "$tag.ref" 1 "${ref[@]}"
    ref_w=$M_WALL ref_r=$M_RSS
    measure "$tag.gomedic" "$REPEAT" "$GOMEDIC" trace "$f"
    printf "$fmt" "$tag" "$format" "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }')" "$events" "$refname" \
        "$ref_w" "$(awk -v r="$ref_r" 'BEGIN { printf "%.0f MB", r / 1024 }')" "" "$M_WALL" \
        "$(awk -v r="$M_RSS" 'BEGIN { printf "%.1f", r / 1024 }')" \
        "$(awk -v a="$ref_w" -v b="$M_WALL" 'BEGIN { printf "%.0fx", a / b }')" \
        "$(awk -v r="$M_RSS" -v s="$size" 'BEGIN { printf "%.3f", r * 1024 / s }')"
done
echo "(ratio: reference wall time / gomedic's; RSS/size: gomedic's peak RSS / the trace's bytes)"
