#!/usr/bin/env bash
# The watch's HTTP side at scale: one watch polling N loopback pprof targets (bench/gen-targets)
# with --listen, then /metrics, the target list (/) and /api/targets timed with hyperfine
# (curl to loopback, the request's whole time), their sizes, the watch's RSS before and after
# 200 requests of each, and the target list's load in headless Chromium (DOMContentLoaded and
# load, through playwright-core when tests/browser has it).
#   bench/watch-http.sh [N] [WARMUP]     (default 1000 targets, 25s of sampling first)
# Environment: GO (builds the target server), GOMEDIC_WATCH (default build/gomedic-watch).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=${1:-1000}
warm=${2:-25}
GO=${GO:-go}
W=${GOMEDIC_WATCH:-build/gomedic-watch}
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
(cd bench/gen-targets && GOFLAGS=-mod=mod "$GO" build -o "$tmp/gen-targets" .)
"$tmp/gen-targets" -n "$n" -targets "$tmp/targets.txt" -for 10m > "$tmp/srv.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q serving "$tmp/srv.log" 2>/dev/null && break; sleep 0.1; done
"$W" watch --json --quiet --targets "$tmp/targets.txt" --interval 10s --for 10m \
  --listen 127.0.0.1:0 --db "$tmp/w.db" > "$tmp/events.json" 2> "$tmp/err" &
wpid=$!
pids+=($wpid)
for _ in $(seq 100); do grep -q serving "$tmp/err" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's|gomedic watch: serving ||p' "$tmp/err")
echo "gomedic watch: $n targets, serving $url; sampling for ${warm}s first"
sleep "$warm"
rss() { awk '/VmRSS/ {print $2}' "/proc/$wpid/status"; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$wpid/status"; }
before=$(rss)
for p in metrics "" api/targets; do
  curl -s -o "$tmp/body" "$url$p"
  series=$(grep -vc '^#' "$tmp/body" || true)
  printf '  /%-12s %8.1f kB  %s lines\n' "$p" "$(($(stat -c %s "$tmp/body") / 1024))" "$series"
done
hyperfine -N --warmup 5 --runs 200 --export-json "$tmp/hf.json" \
  "curl -s -o /dev/null ${url}metrics" "curl -s -o /dev/null ${url}" \
  "curl -s -o /dev/null ${url}api/targets" > "$tmp/hf.txt" 2>&1 || cat "$tmp/hf.txt"
after=$(rss)
peak=$(hwm)
python3 - "$tmp/hf.json" "$before" "$after" "$peak" <<'PY'
import json, sys
hf = json.load(open(sys.argv[1]))
for r in hf["results"]:
    name = r["command"].split()[-1]
    print(f"  {name:40s} mean {r['mean']*1000:6.2f} ms  median {r['median']*1000:6.2f} ms  max {r['max']*1000:6.2f} ms")
b, a, p = (int(x) for x in sys.argv[2:5])
print(f"  watch RSS  {b/1024:.1f} MB before, {a/1024:.1f} MB after 600 requests (+{(a-b)/1024:.1f} MB); peak {p/1024:.1f} MB")
m = [r for r in hf["results"] if r["command"].endswith("metrics")][0]
print(f"  {'PASS' if m['mean'] < 0.05 else 'FAIL'}  /metrics under 50 ms")
print(f"  {'PASS' if a - b < 5 * 1024 else 'FAIL'}  under 5 MB more memory")
PY
if [ -d tests/browser/node_modules/playwright-core ] && command -v chromium >/dev/null; then
  NODE_PATH=$root/tests/browser/node_modules node - "$url" "$(command -v chromium)" <<'JS'
const { chromium } = require('playwright-core');
(async () => {
  const [url, exe] = process.argv.slice(2);
  const b = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
  const p = await b.newPage();
  const times = [];
  for (let i = 0; i < 5; i++) {
    await p.goto(url, { waitUntil: 'load' });
    times.push(await p.evaluate(() => {
      const t = performance.getEntriesByType('navigation')[0];
      return [t.domContentLoadedEventEnd, t.loadEventEnd];
    }));
  }
  const rows = await p.$$eval('tr.target', (r) => r.length);
  times.sort((a, b) => a[1] - b[1]);
  const [dcl, load] = times[2];
  console.log(`  Chromium: / with ${rows} rows: DOMContentLoaded ${dcl.toFixed(0)} ms, load ${load.toFixed(0)} ms (median of 5)`);
  console.log(`  ${load < 1000 ? 'PASS' : 'FAIL'}  the target list loads in under a second`);
  await b.close();
})();
JS
else
  echo "  (no playwright-core in tests/browser/node_modules or no chromium: browser timing skipped)"
fi
