#!/usr/bin/env bash
# ThreadSanitizer run of the multi-threaded paths, with the TSan build against the plain one:
#   - gomedic heap reads the next profile on a loader thread: every heap series in testdata;
#   - gomedic trace --threads 2 reads on a reader thread while the main thread analyses: every
#     trace fixture, and a trace of bench/gen-trace written by each Go found (GO119 and
#     GO126, default Debian's 1.19 and the go on PATH: 6 MB, v2 in two generations or
#     more; many blocks and barriers), against the plain build with --threads 1: report,
#     JSON and page;
#   - gomedic lint --threads 2 parses on two threads: testdata/lint, testdata/gen, the Go
#     1.19 standard library's net and crypto, against --threads 1.
# Same output and no report.
#   tests/tsan.sh [PLAIN_GOMEDIC [TSAN_GOMEDIC]]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
plain=${1:-build/gomedic}
tsan=${2:-build-tsan/gomedic}
for b in "$plain" "$tsan"; do
  [ -x "$b" ] || { echo "tsan: $b is not built"; exit 2; }
done
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
pass=0 fail=0
for dir in testdata/pprof/heap_series/*/; do
  for mode in "" "--json"; do
    # shellcheck disable=SC2086
    want=$("$plain" heap $mode "$dir"*.pb.gz 2>&1)
    # shellcheck disable=SC2086
    got=$("$tsan" heap $mode "$dir"*.pb.gz 2>&1)
    if [ "$want" = "$got" ]; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL heap $mode $dir"
      diff <(echo "$want") <(echo "$got") | head -20
    fi
  done
done
same() { # LABEL WANT GOT
  if [ "$2" = "$3" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $1"
    diff <(echo "$2") <(echo "$3") | head -20
  fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
traces=(testdata/trace/*.trace testdata/trace/go1.26/*.trace)
export GOTOOLCHAIN=local
for g in "${GO119:-/usr/lib/go-1.19/bin/go}" "${GO126:-go}"; do
  if ! command -v "$g" >/dev/null 2>&1; then
    echo "tsan: note: no $g, no large trace from it"
    continue
  fi
  v=$("$g" env GOVERSION)
  # 6 MB written by 2 workers and 1 producer take over a second: a v2 trace (Go 1.22+) then
  # holds two generations or more (a barrier mid-stream)
  if (cd bench/gen-trace && CGO_ENABLED=0 "$g" build -o "$tmp/gen-$v" .) &&
     "$tmp/gen-$v" -o "$tmp/$v.trace" -size 6 -workers 2 -producers 1 2>/dev/null; then
    traces+=("$tmp/$v.trace")
  else
    fail=$((fail + 1))
    echo "FAIL writing a trace with $v"
  fi
done
for t in "${traces[@]}"; do
  for mode in "" "--json"; do
    # shellcheck disable=SC2086
    want=$("$plain" trace --threads 1 $mode "$t" 2>&1)
    # shellcheck disable=SC2086
    got=$("$tsan" trace --threads 2 $mode "$t" 2>&1)
    same "trace $mode $t" "$want" "$got"
  done
  rm -f "$tmp/a.html" "$tmp/b.html"
  "$plain" trace --threads 1 --html "$tmp/a.html" "$t" >/dev/null 2>"$tmp/err1"
  "$tsan" trace --threads 2 --html "$tmp/b.html" "$t" >/dev/null 2>"$tmp/err2"
  same "trace --html $t" "$(cat "$tmp/a.html" "$tmp/err1" 2>/dev/null)" \
    "$(cat "$tmp/b.html" "$tmp/err2" 2>/dev/null)"
done
# gomedic lint --threads 2 parses every other file of a directory on a second thread: the
# lint programs, the fixture programs and the standard library's net (one directory of over
# a hundred files, its subdirectories) and crypto, against --threads 1
goroot=$(GOTOOLCHAIN=local "${GO119:-/usr/lib/go-1.19/bin/go}" env GOROOT 2>/dev/null || true)
for d in testdata/lint testdata/gen ${goroot:+"$goroot/src/net" "$goroot/src/crypto"}; do
  for mode in "" "--json"; do
    # shellcheck disable=SC2086
    want=$("$plain" lint --threads 1 $mode "$d" 2>&1)
    # shellcheck disable=SC2086
    got=$("$tsan" lint --threads 2 $mode "$d" 2>&1)
    same "lint $mode $d" "$want" "$got"
  done
done
echo "tsan: $pass passed, $fail failed"
[ $fail -eq 0 ]
