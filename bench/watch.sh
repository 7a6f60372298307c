#!/usr/bin/env bash
# The cost of `gomedic watch` per target: one watch polling N loopback pprof targets (one Go
# process serving N ports, bench/gen-targets) every INTERVAL for DURATION. Prints the watch's
# CPU share of one core (user+sys over the wall time), its peak RSS, and whether every target
# was sampled every interval (from the store).
#   bench/watch.sh [N] [INTERVAL] [DURATION]     (default 1000 10s 70s)
# Environment: GO (the Go that builds the target server), GOMEDIC (default build/gomedic).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
interval=${2:-10s}
dur=${3:-70s}
GO=${GO:-go}
GOMEDIC=${GOMEDIC:-build/gomedic}
tmp=$(mktemp -d)
trap 'kill $srv 2>/dev/null || true; rm -rf "$tmp"' EXIT
(cd bench/gen-targets && GOFLAGS=-mod=mod "$GO" build -o "$tmp/gen-targets" .)
"$tmp/gen-targets" -n "$n" -targets "$tmp/targets.txt" -for 10m > "$tmp/srv.log" 2>&1 &
srv=$!
for _ in $(seq 100); do grep -q serving "$tmp/srv.log" 2>/dev/null && break; sleep 0.1; done
/usr/bin/time -f "%U %S %e %M" -o "$tmp/time" "$GOMEDIC" watch --json --quiet --targets "$tmp/targets.txt" \
  --interval "$interval" --for "$dur" --db "$tmp/w.db" > "$tmp/events.json"
read -r user sys wall rss < "$tmp/time"
ivs=$(python3 -c "import sys; d='$dur'; i='$interval'; f=lambda s: float(s[:-1]) * {'s':1,'m':60}[s[-1]]; print(int(f(d) // f(i)))")
sqlite3 "$tmp/w.db" "select min(c), max(c), count(*) from (select count(*) c from samples where up = 1 group by target_id)" > "$tmp/counts"
IFS='|' read -r cmin cmax ntargets < "$tmp/counts"
downs=$(grep -c '"event": "down"' "$tmp/events.json" || true)
python3 - "$n" "$interval" "$dur" "$user" "$sys" "$wall" "$rss" "$cmin" "$cmax" "$ntargets" "$ivs" "$downs" <<'PY'
import sys
n, interval, dur, user, sys_, wall, rss, cmin, cmax, nt, ivs, downs = sys.argv[1:]
cpu = (float(user) + float(sys_)) / float(wall) * 100
print(f"gomedic watch: {n} targets every {interval} for {dur}")
print(f"  CPU        {cpu:.2f}% of one core (user {user} s + sys {sys_} s over {wall} s)")
print(f"  peak RSS   {int(rss) / 1024:.1f} MB")
print(f"  samples    {cmin}..{cmax} per target ({nt} targets up, {ivs} intervals; down events: {downs})")
print(f"  per target {cpu * 10 / int(n):.4f}% of a core, {int(rss) / int(n):.1f} kB")
ok_cpu = cpu < 5
ok_rss = int(rss) < 100 * 1024
# the last interval's sample may still be in flight when --for ends
ok_all = int(nt or 0) == int(n) and int(cmin or 0) >= int(ivs) - 1
print(f"  {'PASS' if ok_cpu else 'FAIL'}  under 5% of one core")
print(f"  {'PASS' if ok_rss else 'FAIL'}  under 100 MB peak RSS")
print(f"  {'PASS' if ok_all else 'FAIL'}  every target sampled every interval (the last may be cut by --for)")
PY
