#!/usr/bin/env bash
# Detection latency of `gomedic watch` with its default rules: examples/leaky is healthy for
# AFTER (bursts of short-lived goroutines, a saw-toothing heap), then leaks goroutines and heap
# at RATE requests/s; the watch samples it every INTERVAL. Prints, per run, the time from the
# leak's start (leaky prints it) to each rule's trigger and to its first finding, and the
# events of the healthy part (there must be none).
#   bench/watch-latency.sh [RUNS] [INTERVAL] [AFTER] [RATE]     (default 3 1s 20s 20)
# Environment: GO (the Go that builds leaky, default Debian's 1.19 when present), GOMEDIC.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
interval=${2:-1s}
after=${3:-20s}
rate=${4:-20}
GO=${GO:-$( [ -x /usr/lib/go-1.19/bin/go ] && echo /usr/lib/go-1.19/bin/go || echo go )}
GOMEDIC=${GOMEDIC:-build/gomedic}
tmp=$(mktemp -d)
svc=
trap 'kill $svc 2>/dev/null || true; rm -rf "$tmp"' EXIT
(cd examples/leaky && GOFLAGS=-mod=mod "$GO" build -o "$tmp/leaky" .)
echo "gomedic watch: detection latency, leaky built with $("$GO" version | cut -d' ' -f3), interval $interval, leak after $after at $rate/s"
for run in $(seq "$runs"); do
  "$tmp/leaky" -addr 127.0.0.1:0 -leak both -leak-after "$after" -rate "$rate" > "$tmp/svc.log" 2>&1 &
  svc=$!
  for _ in $(seq 50); do grep -q "serving pprof on" "$tmp/svc.log" && break; sleep 0.1; done
  url=$(sed -n 's|.*serving pprof on \(http://[0-9.:]*\).*|\1|p' "$tmp/svc.log")
  rm -rf "$tmp"/w.db*
  "$GOMEDIC" watch --json --interval "$interval" --for 100s --cpu-seconds 1 --db "$tmp/w.db" \
    "leaky=$url" > "$tmp/events.json" 2> "$tmp/watch.err"
  kill "$svc" 2>/dev/null || true
  wait "$svc" 2>/dev/null || true
  python3 - "$run" "$tmp/svc.log" "$tmp/events.json" <<'PY'
import datetime, json, re, sys
run, log, events = sys.argv[1:]
ts = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
m = re.search(r"leaking both from (\S+)", open(log).read())
if not m:
    sys.exit(f"run {run}: leaky never started leaking")
start = ts(m.group(1))
ev = [json.loads(l) for l in open(events)]
early = [e for e in ev if ts(e["time"]) < start and e["event"] not in ("up",)]
out = [f"run {run}:"]
for rule in ("goroutine-growth", "heap-growth"):
    trig = [ts(e["time"]) - start for e in ev if e["event"] == "trigger" and e.get("rule") == rule]
    find = [(ts(e["time"]) - start, e["id"], e["function"]) for e in ev
            if e["event"] == "finding" and e.get("rule") == rule]
    t = f"{trig[0]:5.1f} s" if trig else "  none"
    f = f"{find[0][0]:5.1f} s ({find[0][1]} in {find[0][2]})" if find else "none"
    out.append(f"  {rule:17} trigger {t}, first finding {f}")
out.append(f"  before the leak: {len(early)} events" + ("" if not early else " " + ", ".join(e["event"] for e in early)))
print("\n".join(out))
PY
done
