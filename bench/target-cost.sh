#!/usr/bin/env bash
# The cost of one `gomedic watch` sample on the target: what serving each endpoint watch fetches
# costs a Go service with N parked goroutines and a 64 MB live heap (bench/target-cost writes the
# profiles in-process the way net/http/pprof and expvar do). Per request: median wall time, the
# process's CPU time, bytes, stop-the-world pauses (runtime/metrics, Go >= 1.22) and the longest
# stall another running goroutine of the service saw (told apart from OS scheduling noise, with
# busy/idle control rows). A sample is goroutine?debug=1 (debug=0 every ~8th), plus heap
# (debug=0) and /debug/vars every 2nd; goroutine?debug=2 once a trigger. Needs Linux.
#   bench/target-cost.sh [N...]     (default 1000 10000 100000)
#   GO=/usr/lib/go-1.19/bin/go bench/target-cost.sh
# Environment: GO (the Go that builds the target, so the runtime measured; default go), REPS
# (requests per endpoint and pass, default 20), BUDGET (a pass stops once 3 requests are done
# and it has run this long, default 10s: at N=100000 goroutine?debug=2 takes seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
REPS=${REPS:-20}
BUDGET=${BUDGET:-10s}
[ $# -gt 0 ] || set -- 1000 10000 100000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd bench/target-cost && GOFLAGS=-mod=mod "$GO" build -o "$tmp/target-cost" .)
first=1
for n in "$@"; do
  [ -n "$first" ] || echo
  first=
  "$tmp/target-cost" -n "$n" -reps "$REPS" -budget "$BUDGET"
done
