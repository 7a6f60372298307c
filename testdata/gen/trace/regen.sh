#!/usr/bin/env bash
# Rebuild the execution-trace fixtures from the real Go programs in this
# directory (a module of its own, standard library only; the comment at the
# top of each main.go says what its trace must show).
# Usage: testdata/gen/trace/regen.sh [OUTDIR]
#        GO=/path/to/go testdata/gen/trace/regen.sh   (the toolchain to use)
# OUTDIR defaults to the fixtures of that Go (tests/regen/fixdir.sh): Debian's
# Go 1.19 writes testdata/trace/, Go 1.N testdata/trace/go1.N/.
#
# The format follows the Go: Go 1.11-1.21 write the v1 format ("go 1.19
# trace"), Go 1.22+ the v2 format ("go 1.26 trace"). Each trace is decoded by
# the toolchain's own `go tool trace` and checked for the property its program
# exists for: v2 with `-d=parsed` (Go 1.22-1.23: `-d=1`) and tracecheck.awk,
# v1 with `-d` and tracecheck_v1.awk. Timing can make a property miss, so
# every program gets up to 3 tries. A Go older than 1.11 (no user annotations)
# prints a skip message and exits 0. Takes ~3-5 s on 2 CPUs with a warm build
# cache (goroutine-leak idles 1.2 s). Checked with Go 1.19.8 (Debian), 1.22.12,
# 1.23.12, 1.24.11, 1.25.5 and 1.26.8.
#
# PROVENANCE.md in OUTDIR is not touched; update its numbers by hand (regen.sh
# prints them) when the traces change.
set -euo pipefail
GO=${GO:-go} # the Go toolchain to run (a path or a name on PATH)
# Never let a go.mod line make the go command fetch another toolchain.
export GOTOOLCHAIN=local

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Go version, asked outside any module.
gover=$(cd "$tmp" && "$GO" env GOVERSION 2>/dev/null) || gover=
minor=$(printf '%s\n' "$gover" | sed -n 's/^go1\.\([0-9][0-9]*\).*/\1/p')
case $gover in devel*) minor=999 ;; esac
if [ -z "$minor" ] || [ "$minor" -lt 11 ]; then
	echo "regen-trace: skipped: needs Go >= 1.11 (user annotations), $GO is ${gover:-unknown}" >&2
	exit 0
fi
if [ -n "${1:-}" ]; then
	out=$1
else
	. "$here/../../../tests/regen/fixdir.sh"
	out=$here/../../../$(cd "$here/../../.." && fixdir trace "$(go_minor "$GO")")
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
echo "regen-trace: $(cd "$tmp" && "$GO" version) -> $out" >&2

cd "$here"
CGO_ENABLED=0 "$GO" build -o "$tmp/bin/" ./...
bin=$tmp/bin

# dump FILE: the parsed events, one per line, on stdout.
dmode=
dump() {
	if [ "$minor" -lt 22 ]; then
		"$GO" tool trace -d "$1" 2> "$tmp/d.err" || { cat "$tmp/d.err" >&2; return 1; }
		return 0
	fi
	if [ -z "$dmode" ]; then
		# Go 1.22-1.23 take a number (1 = parsed events), 1.24+ a mode name.
		if "$GO" tool trace -d=parsed "$1" > /dev/null 2> "$tmp/dmode.err"; then
			dmode=parsed
		elif grep -q 'invalid value' "$tmp/dmode.err"; then
			dmode=1
		else
			cat "$tmp/dmode.err" >&2
			return 1
		fi
	fi
	"$GO" tool trace -d="$dmode" "$1"
}
check=tracecheck.awk
[ "$minor" -lt 22 ] && check=tracecheck_v1.awk

scenarios=(goroutine-leak mutex-contention healthy-pool gc-heavy syscall-io user-annotations dual sched-backlog)
maxsize=$((200 * 1024))
failed=()
t0=$(date +%s.%N)
for sc in "${scenarios[@]}"; do
	ok=
	for try in 1 2 3; do
		f=$tmp/y_$sc.trace
		rm -f "$f" "$tmp/y_$sc.txt"
		start=$(date +%s.%N)
		if ! "$bin/$sc" "$f" 2> "$tmp/$sc.stderr"; then
			echo "regen-trace: $sc: program failed (try $try):" >&2
			cat "$tmp/$sc.stderr" >&2
			continue
		fi
		secs=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }')
		size=$(wc -c < "$f")
		header=$(head -c 16 "$f" | tr -d '\0')
		if ! dump "$f" > "$tmp/$sc.parsed" 2> "$tmp/$sc.parse-err"; then
			echo "regen-trace: $sc: go tool trace cannot parse it (try $try):" >&2
			cat "$tmp/$sc.parse-err" >&2
			continue
		fi
		if awk -v scenario="$sc" -f "$check" "$tmp/$sc.parsed" > "$tmp/$sc.check"; then
			if [ "$size" -gt "$maxsize" ]; then
				echo "regen-trace: $sc: $size bytes, over $maxsize (try $try)" >&2
				continue
			fi
			echo "regen-trace: y_$sc.trace: $size bytes, header \"$header\", program ran $secs s (try $try)" >&2
			sed 's/^/    /' "$tmp/$sc.check" >&2
			mv "$f" "$out/y_$sc.trace"
			# dual also wrote the goroutine dump it took while tracing
			if [ -f "$tmp/y_$sc.txt" ]; then
				mv "$tmp/y_$sc.txt" "$out/y_$sc.txt"
			fi
			ok=1
			break
		fi
		echo "regen-trace: $sc: property not shown (try $try):" >&2
		sed 's/^/    /' "$tmp/$sc.check" >&2
	done
	[ -n "$ok" ] || failed+=("$sc")
done
secs=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
if [ "${#failed[@]}" -gt 0 ]; then
	echo "regen-trace: FAILED after 3 tries: ${failed[*]}" >&2
	exit 1
fi
echo "regen-trace: done, ${#scenarios[@]} traces in $secs s (after the build)" >&2
