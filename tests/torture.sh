#!/usr/bin/env bash
# Allocation-failure torture: runs a few commands with GM_FAIL_ALLOC_AT=N for N = 1, 2, ...
# until the N-th allocation is never reached. Every run must end cleanly: exit 0 with the
# normal output, or exit 2 with "out of memory"; never a crash, a sanitizer report or a leak.
# Each failed allocation's site is logged (GM_FAIL_ALLOC_LOG, gm/alloc.h); the sweep ends by
# counting the library's allocation sites it failed at least once, and naming the others.
#   tests/torture.sh [GOMEDIC]   (use a SANITIZE=address,undefined build)
#   TORTURE_ONLY=REGEX tests/torture.sh ...   only the cases matching REGEX
set -u
cd "$(dirname "$0")/.."
bin=${1:-build/gomedic}
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=99}
cases=(
  "goroutines testdata/goroutine/y_panic.txt"
  "goroutines --json testdata/goroutine/y_debug1.txt"
  "goroutines testdata/goroutine/y_gzip.txt.gz"
  "diff testdata/goroutine/y_diff_1.txt testdata/goroutine/y_diff_2.txt"
  "goroutines testdata/pprof/y_goroutine.pb.gz"
  "pprof testdata/pprof/y_heap.pb.gz"
  "pprof --base testdata/pprof/heap_series/step/00.pb.gz testdata/pprof/heap_series/step/05.pb.gz"
  "heap testdata/pprof/heap_series/step/00.pb.gz testdata/pprof/heap_series/step/01.pb.gz testdata/pprof/heap_series/step/02.pb.gz"
  "heap testdata/pprof/y_heap_legacy.txt"
  "flame testdata/pprof/y_cpu.pb.gz"
  "gc testdata/gctrace/y_runqueue-backlog.log"
  "race testdata/race/y_gotest.log"
  "race --json testdata/race/y_races.log"
  "trace testdata/trace/y_goroutine-leak.trace"
  "trace --json testdata/trace/go1.26/y_mutex-contention.trace"
  "goroutines --json testdata/goroutine/go1.26/y_goroutineleak.pb.gz"
  "goroutines testdata/goroutine/y_lock-order-deadlock.txt"
  "goroutines --source-root testdata/gen testdata/goroutine/y_range-never-closed.txt"
  "goroutines --dump all testdata/goroutine/y_two_dumps.txt"
  "diff --json testdata/goroutine/y_diff_1.txt testdata/goroutine/y_diff_2.txt testdata/goroutine/y_diff_3.txt"
  "pprof --traces testdata/pprof/y_inlined.pb.gz"
  "pprof --json testdata/pprof/y_heap_raw.pb"
  "flame --base testdata/pprof/heap_series/step/00.pb.gz testdata/pprof/heap_series/step/05.pb.gz"
  "flame testdata/goroutine/y_sigquit.txt"
  "gc --json testdata/gctrace/y_gomemlimit-death-spiral.log"
  "testdata/pprof/y_threadcreate.pb.gz"
  "pprof --traces testdata/pprof/i_drop_frames.pb"
  # standard input (read into memory, inflated with a growing buffer), bigger graphs and series
  "<testdata/goroutine/y_gzip.txt.gz goroutines -"
  "<testdata/pprof/y_heap.pb.gz pprof -"
  "flame testdata/pprof/heap_series/unbounded-cache/07.pb.gz"
  "heap testdata/pprof/heap_series/unbounded-cache/00.pb.gz testdata/pprof/heap_series/unbounded-cache/04.pb.gz testdata/pprof/heap_series/unbounded-cache/07.pb.gz"
  "goroutines --json testdata/goroutine/y_lock-order-deadlock.txt testdata/goroutine/y_panic.txt"
)
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# made here: a gzip file of two members (the trailer's size is the last member's only, so the
# inflate buffer must grow), and standard input longer than the first 64 KiB read buffer
cat testdata/goroutine/y_gzip.txt.gz testdata/goroutine/y_gzip.txt.gz > "$tmp/two-members.txt.gz"
cases+=("goroutines --dump all $tmp/two-members.txt.gz" "<testdata/pprof/y_cpu.pb.gz.traces.txt race -")
export GM_FAIL_ALLOC_LOG=$tmp/sites
: > "$GM_FAIL_ALLOC_LOG"
for c in "${cases[@]}"; do
  [ -n "${TORTURE_ONLY:-}" ] && ! [[ $c =~ $TORTURE_ONLY ]] && continue
  stdin=/dev/null
  if [ "${c:0:1}" = "<" ]; then # "<FILE COMMAND...": FILE on standard input
    stdin=${c%% *}
    stdin=${stdin#<}
    c=${c#* }
  fi
  read -r -a args <<< "$c"
  "$bin" "${args[@]}" < "$stdin" > "$tmp/want" 2>/dev/null
  for n in $(seq 1 2000); do
    before=$(wc -l < "$GM_FAIL_ALLOC_LOG")
    GM_FAIL_ALLOC_AT=$n "$bin" "${args[@]}" < "$stdin" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    reached=$(($(wc -l < "$GM_FAIL_ALLOC_LOG") - before))
    if [ $rc -eq 0 ] && cmp -s "$tmp/out" "$tmp/want"; then
      # the same output: allocation n was never reached (the sweep is complete), or its failure
      # was absorbed (a cache that is not kept, say): then go on to the next one
      [ "$reached" -gt 0 ] && continue
      break
    fi
    if [ $rc -eq 2 ] && grep -q "out of memory" "$tmp/err"; then
      continue
    fi
    echo "torture: '$c' with GM_FAIL_ALLOC_AT=$n: exit $rc"
    head -n 20 "$tmp/err"
    fail=$((fail + 1))
    continue 2
  done
  pass=$((pass + 1))
  echo "torture: '$c': clean through $n allocation points"
done
# Coverage: every allocation site of the library (a gm_x*(), GM_GROW(), GM_RESERVE() or gm_fail_alloc_now() call in
# lib/, the allocator itself aside) against the sites the sweep failed.
grep -noE 'gm_x(malloc|calloc|realloc|strdup)\(|GM_(GROW|RESERVE)\(|gm_fail_alloc_now\(\)' lib/*/*.c |
  grep -v '^lib/base/alloc.c:' | cut -d: -f1,2 | sort -u > "$tmp/all"
sort -u "$GM_FAIL_ALLOC_LOG" > "$tmp/hit"
all=$(wc -l < "$tmp/all")
hit=$(comm -12 "$tmp/all" "$tmp/hit" | wc -l)
echo "torture: the sweep failed $hit of the library's $all allocation sites; never reached:"
comm -23 "$tmp/all" "$tmp/hit" | sed 's/^/  /'
echo "torture: $pass passed, $fail failed"
[ $fail -eq 0 ]
