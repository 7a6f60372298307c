#!/usr/bin/env bash
# Benchmark `gomedic lint` on a 100k-line Go code base against the static checker a user
# already has, in one run: Debian's Go 1.19 standard library packages net/... and crypto/...
# (about 105,000 lines of non-test Go), `gomedic lint` on their directories against
# `go vet` (Go 1.19) on the same packages, cold (an empty build cache: what a CI job without
# a cache waits for) and warm (the cache of the cold run). Also the whole of GOROOT/src
# (1.2 million lines) for gomedic alone. Prints wall time, peak RSS and the ratios.
#
#   bench/lint.sh
#
# Environment: GOMEDIC (default ./build/gomedic), GO119 (default /usr/lib/go-1.19/bin/go),
# REPEAT (gomedic runs, best wall time wins; default 5).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
GOMEDIC=${GOMEDIC:-./build/gomedic}
GO119=${GO119:-/usr/lib/go-1.19/bin/go}
REPEAT=${REPEAT:-5}
TIME=/usr/bin/time
die() { echo "lint.sh: $*" >&2; exit 1; }
[ -x "$TIME" ] || die "GNU time not found at $TIME (apt-get install time)"
[ -x "$GOMEDIC" ] || die "no gomedic at $GOMEDIC (make first)"
[ -x "$GO119" ] || die "no Go 1.19 at $GO119 (apt-get install golang-1.19-go)"
GOROOT=$("$GO119" env GOROOT)
SRC=$GOROOT/src
export GOTOOLCHAIN=local
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure N CMD...: best wall time (s) of N runs and that run's peak RSS (KB)
measure() {
  local n=$1 best_w="" best_r="" i t0 t1 w r
  shift
  for ((i = 0; i < n; i++)); do
    t0=$EPOCHREALTIME
    "$TIME" -f '%M' -o "$tmp/time" "$@" > "$tmp/out" 2> "$tmp/err" || true
    t1=$EPOCHREALTIME
    r=$(tail -n 1 "$tmp/time")
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    if [ -z "$best_w" ] || awk -v a="$w" -v b="$best_w" 'BEGIN { exit !(a < b) }'; then
      best_w=$w best_r=$r
    fi
  done
  M_WALL=$best_w M_RSS=$best_r
}

# Debian's GOROOT/src is a symlink, which Go's "net/..." patterns do not walk: the packages
# are taken from "go list std"
pkgs=$(cd "$tmp" && "$GO119" list std | grep -E '^(net|crypto)(/|$)' || true)
[ -n "$pkgs" ] || die "go list std gave no net or crypto package"
lines=$(find "$SRC/net" "$SRC/crypto" -name '*.go' ! -name '*_test.go' ! -path '*/testdata/*' -print0 |
  xargs -0 cat | wc -l)
echo "== gomedic lint benchmark"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')   commit $(git rev-parse --short HEAD 2>/dev/null || echo ?)"
echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input:   $SRC/net and $SRC/crypto: $lines lines of non-test Go, $(echo "$pkgs" | wc -l) packages for go vet"
fmt='%-34s %9s %9s %10s\n'
printf "$fmt" tool "wall s" "RSS MB" "gomedic is"
measure "$REPEAT" "$GOMEDIC" lint "$SRC/net" "$SRC/crypto"
g_w=$M_WALL g_r=$M_RSS
printf "$fmt" "gomedic lint" "$g_w" "$(awk -v r="$g_r" 'BEGIN { printf "%.1f", r / 1024 }')" ""
export GOCACHE=$tmp/cache
# shellcheck disable=SC2086
measure 1 "$GO119" vet $pkgs
printf "$fmt" "go1.19 vet (cold cache)" "$M_WALL" "$(awk -v r="$M_RSS" 'BEGIN { printf "%.1f", r / 1024 }')" \
  "$(awk -v a="$M_WALL" -v b="$g_w" 'BEGIN { printf "%.0fx faster", a / b }')"
# shellcheck disable=SC2086
measure 1 "$GO119" vet $pkgs
printf "$fmt" "go1.19 vet (warm cache)" "$M_WALL" "$(awk -v r="$M_RSS" 'BEGIN { printf "%.1f", r / 1024 }')" \
  "$(awk -v a="$M_WALL" -v b="$g_w" 'BEGIN { printf "%.1fx faster", a / b }')"
measure 1 "$GOMEDIC" lint --json "$SRC"
all=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lines"])' "$tmp/out")
printf "$fmt" "gomedic lint GOROOT/src ($((all / 1000))k lines)" "$M_WALL" \
  "$(awk -v r="$M_RSS" 'BEGIN { printf "%.1f", r / 1024 }')" ""
echo "(go vet type-checks and runs ~30 analyses; gomedic lint reads syntax only: the ratio is"
echo " what a CI job waits for, not the same work)"
