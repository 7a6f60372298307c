#!/usr/bin/env bash
# Regenerates the execution-trace fixtures with one Go (testdata/gen/trace/regen.sh, which
# checks each trace with that Go's own `go tool trace`) and checks gomedic against both the
# fresh and the committed traces of that Go's version (tests/regen/fixdir.sh):
#   - gomedic reads every trace to the end (no error);
#   - its event counts equal the toolchain's: v1 traces (Go < 1.22) against `go tool trace -d`
#     (whose parser reports GoStartLocal, GoUnblockLocal and GoSysExitLocal under the names
#     without "Local"), v2 traces against `go tool trace -d=footprint` (Go 1.24+);
#   - the fresh trace gives the committed one's findings (id and goroutine group; counts and
#     times differ between runs);
#   - the fresh dual trace and the dump taken during it: the leak confirmed, the busy workers
#     a false alarm (gomedic trace --dump).
#   GO=/usr/lib/go-1.19/bin/go tests/regen/traces.sh [GOMEDIC]
# Ends with "regen-trace: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
bin=${1:-build/gomedic}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
GO=${GO:-go}
export GOTOOLCHAIN=local
if ! command -v "$GO" >/dev/null; then
  echo "regen-trace: $GO not installed; skipped"
  echo "regen-trace: 0 passed, 0 failed"
  exit 0
fi
. tests/regen/fixdir.sh
ver=$(go_minor "$GO")
minor=${ver#go1.}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! GO="$GO" testdata/gen/trace/regen.sh "$out" > "$out/regen.log" 2>&1; then
  cat "$out/regen.log"
  echo "regen-trace: 0 passed, 1 failed"
  exit 1
fi
if grep -q 'skipped' "$out/regen.log"; then
  cat "$out/regen.log"
  echo "regen-trace: 0 passed, 0 failed"
  exit 0
fi
dir=$(fixdir trace "$ver")
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "regen-trace: $*"; fail=$((fail + 1)); }

# counts FILE: "Type N" lines, gomedic's and the toolchain's, folded the same way
counts() {
  local f=$1
  "$bin" trace --json "$f" | python3 -c '
import json, sys
d = json.load(sys.stdin)
if d["error"]:
    print("ERROR", d["error"]["message"]); sys.exit()
fold = {"GoStartLocal": "GoStart", "GoUnblockLocal": "GoUnblock", "GoSysExitLocal": "GoSysExit"}
skip = {"Batch", "Frequency", "Stack", "String", "TimerGoroutine"} if d["format"] == "v1" else set()
c = {}
for k, v in d["event_counts"].items():
    if k in skip: continue
    k = fold.get(k, k) if d["format"] == "v1" else k
    c[k] = c.get(k, 0) + v
for k in sorted(c): print(k, c[k])'
}
go_counts() {
  local f=$1
  if [ "$minor" -lt 22 ]; then
    "$GO" tool trace -d "$f" 2>/dev/null | awk '$3 ~ /^p=/ { n[$2]++ } END { for (t in n) print t, n[t] }' | sort
  else
    "$GO" tool trace -d=footprint "$f" 2>/dev/null | awk 'NR > 2 && $4 ~ /^[0-9]+$/ && $4 > 0 && $1 !~ /^</ { print $1, $4 }' | sort
  fi
}
findings() {
  "$bin" trace --json "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"]:
    print(f["id"], f["group"])' | sort -u
}
for f in "$out"/y_*.trace; do
  name=$(basename "$f")
  for t in "$f" "$dir/$name"; do
    [ -f "$t" ] || { bad "$dir/$name: no committed trace of that name"; continue; }
    mine=$(counts "$t")
    case $mine in ERROR*) bad "$t: gomedic: $mine"; continue ;; esac
    if [ "$minor" -ge 22 ] && [ "$minor" -lt 24 ]; then
      ok # no -d=footprint before Go 1.24: read to the end is all that is checked
      continue
    fi
    theirs=$(go_counts "$t")
    if [ "$mine" = "$theirs" ]; then ok; else
      bad "$t: event counts differ from $ver's go tool trace:"
      diff <(echo "$mine") <(echo "$theirs") | sed 's/^/    /'
    fi
  done
  [ -f "$dir/$name" ] || continue
  a=$(findings "$f") b=$(findings "$dir/$name")
  if [ "$a" = "$b" ]; then ok; else
    bad "$name: fresh findings differ from the committed ones:"
    diff <(echo "$b") <(echo "$a") | sed 's/^/    /'
  fi
done
# the evidence chain on the fresh dual trace and its dump: the leak confirmed, the busy
# workers a false alarm
if [ -f "$out/y_dual.txt" ]; then
  v=$("$bin" trace --json --dump "$out/y_dual.txt" "$out/y_dual.trace" | python3 -c '
import json, sys
d = json.load(sys.stdin)
v = {f["function"]: f["verdict"] for f in d["dump"]["findings"]}
print(v.get("main.(*Fanout).Ask.func1"), v.get("main.(*Pool).worker"))')
  if [ "$v" = "confirmed false-alarm" ]; then ok; else
    bad "y_dual: verdicts '$v', want 'confirmed false-alarm' (Ask.func1, Pool.worker)"
  fi
fi
echo "regen-trace: $("$GO" version) against $dir: $pass passed, $fail failed"
echo "regen-trace: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
