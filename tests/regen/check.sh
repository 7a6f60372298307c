#!/usr/bin/env bash
# Regenerates every fixture with one Go (testdata/gen/regen.sh, gc/regen.sh, race/regen.sh,
# pprof/regen.sh) and checks that gomedic diagnoses the fresh artifacts as it diagnoses the
# committed ones: same finding ids, user functions and severities for dumps, the named finding
# for GC logs, the same distinct races for race logs (counts and addresses may differ between
# runs). This keeps the committed fixtures honest: they are what that Go really prints.
#   GO=/usr/lib/go-1.19/bin/go tests/regen/check.sh [GOMEDIC]
# GO names the toolchain (default: go on PATH). Each Go is checked against the fixtures of its
# own version: Debian's Go 1.19 against testdata/KIND/, any other against testdata/KIND/go1.N/
# (tests/regen/fixdir.sh); a version with no fixtures of its own is checked against the newest.
set -u
cd "$(dirname "$0")/../.."
bin=${1:-build/gomedic}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
GO=${GO:-go}
if ! command -v "$GO" >/dev/null; then
  echo "regen: $GO not installed; skipped"
  echo "regen: 0 passed, 0 failed"
  exit 0
fi
export GO
. tests/regen/fixdir.sh
gover=$(go_minor "$GO")
gdir=$(fixdir goroutine "$gover") gcdir=$(fixdir gctrace "$gover") racedir=$(fixdir race "$gover")
echo "regen: $("$GO" version) against $gdir, $gcdir, $racedir"
out=$(mktemp -d)
trap 'rm -rf "$out" "$out.log"' EXIT
# the dumps only Go 1.26 and later write (it skips itself for an older Go)
if ! { testdata/gen/regen.sh "$out" && testdata/gen/go126/regen.sh "$out" "$out/gc126"; } > "$out.log" 2>&1; then
  cat "$out.log"
  echo "regen: 0 passed, 1 failed"
  exit 1
fi
summary() { # FILE -> one line per finding at or above low: id severity function
  "$bin" goroutines --json "$1" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for r in (d if isinstance(d, list) else [d]):
    print("dump", r["kind"])  # a file gomedic could not read gives no line at all
    for f in r["findings"]:
        if f["severity"] == "info":
            continue
        fn = "-" if f["id"] == "runnable-backlog" else f["function"]
        print(f["id"], f["severity"], fn)
' | sort
}
pass=0 fail=0
for f in "$gdir"/y_*.txt "$gdir"/y_*.pb.gz; do
  [ -e "$f" ] || continue
  b=$(basename "$f")
  case $b in y_diff_*|y_caught_*) continue ;; esac # y_caught_: a run caught once (PROVENANCE)
  [ -f "$out/$b" ] || { echo "regen: $b was not regenerated"; fail=$((fail + 1)); continue; }
  if diff <(summary "$f") <(summary "$out/$b") > "$out/d"; then
    pass=$((pass + 1))
  else
    echo "regen: $b: findings differ (committed < > regenerated)"; cat "$out/d"; fail=$((fail + 1))
  fi
done
diffsum() {
  "$bin" diff --json "$@" 2>/dev/null | python3 -c '
import json, sys
for l in json.load(sys.stdin)["leaks"]:
    print(l["id"], l["function"])
'
}
for set in "y_diff_1.txt y_diff_2.txt y_diff_3.txt" "y_diff_healthy_1.txt y_diff_healthy_2.txt"; do
  read -r -a names <<< "$set"
  if diff <(diffsum "${names[@]/#/$gdir/}") <(diffsum "${names[@]/#/$out/}") > "$out/d"; then
    pass=$((pass + 1))
  else
    echo "regen: diff of $set differs"; cat "$out/d"; fail=$((fail + 1))
  fi
done
# GC logs: the same finding ids (timing varies between runs; the programs are written so that
# each property holds with a margin, and gc/regen.sh retries a run that misses it).
if testdata/gen/gc/regen.sh "$out/gc" > "$out/gc.log" 2>&1; then
  for f in "$gcdir"/y_*.log; do
    b=$(basename "$f")
    want=${b#y_}; want=${want%.log}
    case $want in crlf|mixed_json|healthy|forced|scheddetail) want="" ;; esac
    [ -f "$out/gc/$b" ] || continue
    got=$("$bin" gc --json "$out/gc/$b" | python3 -c '
import json, sys
print(" ".join(sorted(f["id"] for f in json.load(sys.stdin)["findings"] if f["severity"] != "info")))')
    if [ -z "$want" ] && [ "$b" = y_healthy.log ] && [ -n "$got" ]; then
      echo "regen: $b: healthy log got findings: $got"; fail=$((fail + 1))
    elif [ -n "$want" ] && [[ " $got " != *" $want "* ]]; then
      echo "regen: $b: expected $want among '$got'"; fail=$((fail + 1))
    else
      pass=$((pass + 1))
    fi
  done
else
  tail -20 "$out/gc.log"; echo "regen: gc/regen.sh failed"; fail=$((fail + 1))
fi
# Race logs: the same distinct races (pairs of user functions) with the same hints.
racesum() {
  "$bin" race --json "$1" | python3 -c '
import json, sys
print("\n".join(sorted({"|".join(sorted(f["functions"])) + " " + str(f["hint"])
                        for f in json.load(sys.stdin)["findings"]})))'
}
if testdata/gen/race/regen.sh "$out/race" > "$out/race.log" 2>&1; then
  for f in "$racedir"/y_races.log "$racedir"/y_gotest.log "$racedir"/y_gotest_nonverbose.log \
    "$racedir"/y_race_hints.log; do
    b=$(basename "$f")
    if diff <(racesum "$f") <(racesum "$out/race/$b") > "$out/d"; then
      pass=$((pass + 1))
    else
      echo "regen: $b: races differ (committed < > regenerated)"; cat "$out/d"; fail=$((fail + 1))
    fi
  done
else
  tail -20 "$out/race.log"; echo "regen: race/regen.sh failed"; fail=$((fail + 1))
fi
# Profiles: regenerated with this Go (pprof/regen.sh checks each shows its property); gomedic
# must give go tool pprof's numbers on them (tests/pprof/compare.py, with this Go's pprof) and
# the same verdict and findings (scope and function) on each heap series as on the committed
# one. The sites are not compared: sampling (MemProfileRate 4096) moves bytes between sites from
# run to run (a CI run once split late-leak's growing site so that no site alone was
# unbounded); the findings are per function, allocator or total.
pdir=$(fixdir pprof "$gover")
heapsum() {
  "$bin" heap --json "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("verdict", d["verdict"])
for f in sorted((f["scope"], f["function"] or "-") for f in d["findings"]):
    print("finding", *f)' && [ "${PIPESTATUS[0]}" -eq 0 ]
}
if testdata/gen/pprof/regen.sh "$out/pprof" > "$out/pprof.log" 2>&1; then
  if GOMEDIC=$bin python3 tests/pprof/compare.py "$out"/pprof/y_*.pb* "$out/pprof/y_heap_legacy.txt" > "$out/cmp.log" 2>&1; then
    pass=$((pass + 1))
  else
    cat "$out/cmp.log"; fail=$((fail + 1))
  fi
  for s in "$pdir"/heap_series/*/; do
    s=$(basename "$s")
    if heapsum "$pdir/heap_series/$s"/*.pb.gz > "$out/h1" && heapsum "$out/pprof/heap_series/$s"/*.pb.gz > "$out/h2" &&
      grep -q '^verdict ' "$out/h1" && diff "$out/h1" "$out/h2" > "$out/d"; then
      pass=$((pass + 1))
    else
      echo "regen: heap series $s differs (committed < > regenerated)"; cat "$out/d"; fail=$((fail + 1))
    fi
  done
else
  tail -20 "$out/pprof.log"; echo "regen: pprof/regen.sh failed"; fail=$((fail + 1))
fi
echo "regen: $pass passed, $fail failed"
[ $fail -eq 0 ]
