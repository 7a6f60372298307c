#!/usr/bin/env bash
# Optional check against the real-world artifacts in ../shared/corpus (goroutine dumps written
# by many Go versions, from public repositories). Skips when the corpus is absent. Facts are
# checked independently of gomedic's own logic: the goroutine count must equal the number of
# header lines in the file (full dumps) or the declared "total N" (debug=1); malformed inputs
# may be rejected, but only with exit 2 and a "gomedic: FILE..." message, never a crash.
set -u
cd "$(dirname "$0")/../.."
bin=${GOMEDIC:-build/gomedic}
corpus=${CORPUS:-../shared/corpus}
if [ ! -d "$corpus/goroutine-dump" ]; then
  echo "corpus: $corpus not found; skipped"
  echo "corpus: 0 passed, 0 failed"
  exit 0
fi
pass=0 fail=0
check() { # FILE EXPECTED-COUNT
  local f=$1 want=$2 got rc
  got=$("$bin" goroutines --json --dump all "$f" 2>/tmp/corpus.err | python3 -c '
import json, sys
print(sum(r["goroutines"] for r in json.load(sys.stdin)))' 2>/dev/null)
  rc=${PIPESTATUS[0]}
  if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then
    pass=$((pass + 1))
  elif [ "$rc" = 2 ] && grep -q "^gomedic: " /tmp/corpus.err && [ "$want" = "reject-ok" ]; then
    pass=$((pass + 1))
  else
    echo "corpus: $f: exit $rc, goroutines '$got', want $want"; head -3 /tmp/corpus.err
    fail=$((fail + 1))
  fi
}
for f in "$corpus"/goroutine-dump/*.txt; do
  n=$(grep -cE '^goroutine [0-9]+ .*\[.*\]:$' "$f")
  case $f in
    *errorhandling*|*empty_stack*|*partial*) # deliberately broken inputs: parse or reject cleanly
      "$bin" goroutines "$f" > /dev/null 2> /tmp/corpus.err; rc=$?
      if [ $rc -le 2 ] && { [ $rc -ne 2 ] || grep -q "^gomedic: " /tmp/corpus.err; }; then
        pass=$((pass + 1))
      else
        echo "corpus: $f: exit $rc"; fail=$((fail + 1))
      fi
      continue ;;
  esac
  check "$f" "$n"
done
for f in "$corpus"/goroutine-debug1/*.txt; do
  n=$(sed -nE 's/^goroutine profile: total ([0-9]+).*/\1/p' "$f" | awk '{s+=$1} END {print s+0}')
  check "$f" "$n"
done
# GC traces: cycles parsed == lines that look like gctrace lines (counted with grep).
for f in "$corpus"/gctrace/*; do
  [ -f "$f" ] || continue
  want=$(grep -cE 'gc [0-9]+ @[0-9.]+s [0-9]+%: ' "$f")
  got=$("$bin" gc --json "$f" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["cycles"])' 2>/dev/null)
  if [ "$want" = 0 ] || [ "$got" = "$want" ]; then pass=$((pass + 1)); else
    echo "corpus: $f: cycles '$got', want $want"; fail=$((fail + 1)); fi
done
# Race logs: reports parsed == WARNING: DATA RACE lines.
for f in "$corpus"/race/*; do
  [ -f "$f" ] || continue
  want=$(grep -c 'WARNING: DATA RACE' "$f")
  got=$("$bin" race --json "$f" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["reports"])' 2>/dev/null)
  if [ "$got" = "$want" ]; then pass=$((pass + 1)); else
    echo "corpus: $f: reports '$got', want $want"; fail=$((fail + 1)); fi
done
# Execution traces: every byte read, no error, events and goroutines found (the numbers
# against Go's own readers are tests/oracle's and tests/regen/traces.sh's).
for f in "$corpus"/trace-v1/* "$corpus"/trace-v2/*; do
  [ -f "$f" ] || continue
  got=$("$bin" trace --json "$f" 2>/dev/null | python3 -c '
import json, os, sys
d = json.load(sys.stdin)
ok = d["error"] is None and d["bytes"] == os.path.getsize(sys.argv[1]) and d["events"] > 0 and d["goroutines"] > 0
print("ok" if ok else "bytes %d events %d goroutines %d error %s" % (d["bytes"], d["events"], d["goroutines"], d["error"]))' "$f" 2>&1)
  if [ "$got" = ok ]; then pass=$((pass + 1)); else
    echo "corpus: $f: $got"; fail=$((fail + 1)); fi
done
echo "corpus: $pass passed, $fail failed"
[ $fail -eq 0 ]
