#!/usr/bin/env bash
# ThreadSanitizer run of the one multi-threaded path (gomedic heap reads the next profile on a
# loader thread): every heap series in testdata, with the TSan build, must give the same
# output as the plain build and no report.
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
echo "tsan: $pass passed, $fail failed"
[ $fail -eq 0 ]
