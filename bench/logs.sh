#!/usr/bin/env bash
# Benchmark `gomedic gc` and `gomedic race` on big logs built from the real fixtures:
#  - gc.log   (~1 GB): application lines (plain, JSON, timestamped) with the gctrace, SCHED
#                      and scavenger lines of testdata/gctrace/y_*.log spread through them,
#                      gc numbers renumbered so it reads as one long-running process;
#  - race.log (~100 MB): the reports of testdata/race/y_gotest.log and y_races.log repeated,
#                      with go test context lines.
# Prints, per file: size, `grep -c` on the same file (the floor: one pass over the bytes),
# gomedic wall time, throughput (MB/s), peak RSS and the ratio to grep.
#   bench/logs.sh            # GC_MB=1024 RACE_MB=100
# Environment: GOMEDIC (default ./build/gomedic), BENCH_DIR (/tmp/gomedic-bench), GC_MB, RACE_MB,
# REGEN=1 to rebuild the inputs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
GOMEDIC=${GOMEDIC:-./build/gomedic}
BENCH_DIR=${BENCH_DIR:-/tmp/gomedic-bench}
GC_MB=${GC_MB:-1024}
RACE_MB=${RACE_MB:-100}
[ -x "$GOMEDIC" ] || { echo "logs.sh: build gomedic first (make), or set GOMEDIC" >&2; exit 1; }
mkdir -p "$BENCH_DIR"
gc_log=$BENCH_DIR/gc-${GC_MB}M.log
race_log=$BENCH_DIR/race-${RACE_MB}M.log

if [ ! -s "$gc_log" ] || [ -n "${REGEN:-}" ]; then
  python3 - "$gc_log" "$GC_MB" testdata/gctrace/y_*.log <<'PY'
import re, sys, random
out, mb, srcs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rt = []
for s in srcs:
    for line in open(s, encoding="utf-8", errors="replace"):
        line = line.rstrip("\r\n")
        if re.match(r"^(gc \d+ @|SCHED |scav |scvg)", line):
            rt.append(line)
random.seed(1)
app = [
    '2026/11/23 15:04:05 handled GET /api/orders/{id} in 3.2ms status=200',
    '{"time":"2026-11-23T15:04:05.123Z","level":"INFO","msg":"request served","path":"/api/users","ms":4}',
    'time=2026-11-23T15:04:05Z level=warn msg="slow query" table=orders ms=250',
    '2026-11-23T15:04:05.000Z INFO  cache refresh done entries=10234 evicted=17',
]
target = mb * 1024 * 1024
n, gcn, t = 0, 0, 0.0
with open(out, "w") as f:
    buf = []
    while n < target:
        for _ in range(40):
            l = random.choice(app)
            buf.append(l); n += len(l) + 1
        l = random.choice(rt)
        if l.startswith("gc "):
            gcn += 1; t += 0.05
            l = re.sub(r"^gc \d+ @[0-9.]+s", "gc %d @%.3fs" % (gcn, t), l)
        buf.append(l); n += len(l) + 1
        if len(buf) > 20000:
            f.write("\n".join(buf) + "\n"); buf = []
    f.write("\n".join(buf) + "\n")
PY
fi
if [ ! -s "$race_log" ] || [ -n "${REGEN:-}" ]; then
  python3 - "$race_log" "$RACE_MB" testdata/race/y_gotest.log testdata/race/y_races.log <<'PY'
import sys
out, mb, srcs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
chunk = "".join(open(s, encoding="utf-8").read() for s in srcs)
target = mb * 1024 * 1024
with open(out, "w") as f:
    n = 0
    while n < target:
        f.write(chunk); n += len(chunk)
PY
fi

measure() { # CMD... -> "wall_s rss_kb", best of 3
  local best="" rss=0
  for _ in 1 2 3; do
    local t0=$EPOCHREALTIME
    # not > /dev/null: GNU grep stops at the first match when its output is /dev/null
    /usr/bin/time -f "%M" -o "$BENCH_DIR/time.out" "$@" > "$BENCH_DIR/out.txt" 2>&1 || true
    local t1=$EPOCHREALTIME
    local w
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$w; fi
    rss=$(cat "$BENCH_DIR/time.out")
  done
  echo "$best $rss"
}

printf '%-28s %9s %10s %10s %10s %9s %8s\n' file MB grep_s gomedic_s MB/s RSS_MB vs_grep
for spec in "gc:$gc_log:gc [0-9]" "race:$race_log:WARNING: DATA RACE"; do
  cmd=${spec%%:*}; rest=${spec#*:}; file=${rest%%:*}; pat=${rest#*:}
  cat "$file" > /dev/null
  size=$(stat -c %s "$file")
  mb=$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')
  read -r gs _ < <(measure grep -c "$pat" "$file")
  read -r ws rss < <(measure "$GOMEDIC" "$cmd" "$file")
  awk -v f="$(basename "$file")" -v mb="$mb" -v gs="$gs" -v ws="$ws" -v rss="$rss" 'BEGIN {
    printf "%-28s %9s %10.3f %10.3f %10.0f %9.1f %7.2fx\n", f, mb, gs, ws, mb / ws, rss / 1024, ws / gs }'
done
