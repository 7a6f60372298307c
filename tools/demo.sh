#!/usr/bin/env bash
# make demo: gomedic's main job on a bundled service. Builds examples/leaky (a small HTTP
# service with net/http/pprof) with Debian's Go, starts it healthy, watches it with
# `gomedic watch` at a 1 s interval while it begins to leak goroutines and heap after 15 s, and
# prints what the watch says as it says it. Stops by itself after about a minute; the store
# and the captured files stay in build/demo/ (gomedic history --db build/demo/watch.db).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-$( [ -x /usr/lib/go-1.19/bin/go ] && echo /usr/lib/go-1.19/bin/go || echo go )}
BUILD=${BUILD:-build}
out=$BUILD/demo
rm -rf "$out"
mkdir -p "$out"
(cd examples/leaky && GOFLAGS=-mod=mod "$GO" build -o "../../$out/leaky" .)
"$out/leaky" -addr 127.0.0.1:0 -leak both -leak-after 15s -rate 20 -for 90s > "$out/leaky.log" 2>&1 &
svc=$!
trap 'kill $svc 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q "serving pprof on" "$out/leaky.log" && break
  sleep 0.1
done
url=$(sed -n 's|.*serving pprof on \(http://[0-9.:]*\).*|\1|p' "$out/leaky.log")
echo "demo: examples/leaky serves $url; it starts leaking goroutines and heap in 15 s."
echo "demo: gomedic watch --interval 1s --for 60s --cpu-seconds 2 --db $out/watch.db leaky=$url"
echo
"$BUILD/gomedic" watch --interval 1s --for 60s --cpu-seconds 2 --db "$out/watch.db" "leaky=$url"
echo
echo "demo: the events are stored: $BUILD/gomedic history --db $out/watch.db"
echo "demo: the captured files:    $BUILD/gomedic captures --db $out/watch.db"
