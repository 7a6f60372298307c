#!/usr/bin/env bash
# Headless Chromium over the web UI of gomedic watch --listen (docs/design/watch-http.md): a
# service that leaks goroutines, a healthy one, and the healthy one again under a hostile name
# are watched; once /api/targets shows the leak's open finding, tests/browser/watch-ui.js
# drives Chromium (playwright-core) over /, the capture the finding links to, its flame graph,
# the target's timeline, the download and hostile paths, and saves screenshots (index.png,
# capture.png, flame.png, target.png) in OUTDIR (default tests/browser/watch-ui/). Everything
# listens on 127.0.0.1, every process is killed at exit; about 40 s, at most 3 min.
# Prints "watch-ui: N passed, N failed"; exits 1 on failure. Without Chromium, Node,
# playwright-core or Go it prints "watch-ui: skipped (...)" and exits 0.
#   GOMEDIC_WATCH=build/gomedic-watch tests/browser/watch-ui.sh
#   (GO= the Go that builds examples/leaky; CHROMIUM= the browser; OUTDIR= the screenshots)
set -u
case ${GOMEDIC_WATCH:-} in
*/*) d=$(cd "$(dirname "$GOMEDIC_WATCH")" 2>/dev/null && pwd) && GOMEDIC_WATCH=$d/$(basename "$GOMEDIC_WATCH") ;;
esac
case ${OUTDIR:-} in
"" | /*) ;;
*) OUTDIR=$PWD/$OUTDIR ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
root=$PWD
bin=${GOMEDIC_WATCH:-$root/build/gomedic-watch}
out=${OUTDIR:-$here/watch-ui}
GO=${GO:-$( [ -x /usr/lib/go-1.19/bin/go ] && echo /usr/lib/go-1.19/bin/go || echo go )}

skip() {
  echo "watch-ui: skipped ($1)"
  echo "watch-ui: 0 passed, 0 failed"
  exit 0
}
broken() { # MESSAGE [LOGFILE]: the test could not run
  echo "watch-ui: $1" >&2
  [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 20 "$2" >&2
  echo "watch-ui: 0 passed, 1 failed"
  exit 1
}

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chromium" ] && [ -x "$chromium" ] || skip "no chromium"
command -v node >/dev/null 2>&1 || skip "no node"
command -v "$GO" >/dev/null 2>&1 || skip "no Go toolchain ($GO)"
if ! (cd "$here" && node -e "require('playwright-core')" >/dev/null 2>&1); then
  command -v npm >/dev/null 2>&1 || skip "no npm to install playwright-core"
  (cd "$here" && npm install --no-save --no-audit --no-fund --loglevel=error \
    playwright-core >/dev/null 2>&1) || skip "cannot install playwright-core"
fi
[ -x "$bin" ] || broken "no daemon at $bin (make it, or set GOMEDIC_WATCH)"

tmp=$(mktemp -d) || broken "mktemp"
pids=()
cleanup() { exec 2>/dev/null; for p in "${pids[@]}"; do kill -9 "$p"; wait "$p"; done; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
deadline=$((SECONDS + 180))
# poll SECS CMD...: CMD every half second until it succeeds or SECS have passed (never past the
# whole test's deadline)
poll() {
  local end=$((SECONDS + $1)); shift
  [ $end -gt $deadline ] && end=$deadline
  until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.5; done
}

(cd examples/leaky && GOFLAGS=-mod=mod "$GO" build -o "$tmp/leaky" .) > "$tmp/build.log" 2>&1 ||
  broken "cannot build examples/leaky with $GO" "$tmp/build.log"

# start_leaky NAME ARGS...: leaky on a free port of 127.0.0.1; its URL in $tmp/NAME.url
start_leaky() {
  local name=$1; shift
  "$tmp/leaky" -addr 127.0.0.1:0 "$@" > "$tmp/$name.svc" 2>&1 &
  pids+=($!)
  poll 10 grep -q "serving pprof on" "$tmp/$name.svc" || broken "$name: leaky did not start" "$tmp/$name.svc"
  sed -n 's|.*serving pprof on \(http://[0-9.:]*\).*|\1|p' "$tmp/$name.svc" > "$tmp/$name.url"
}
start_leaky leaky -leak goroutines -leak-after 3s -rate 20 -for 170s
start_leaky healthy -leak none -for 170s
lurl=$(cat "$tmp/leaky.url") hurl=$(cat "$tmp/healthy.url")
# the healthy one again under a hostile name. A NAME=URL argument names the target with what is
# before its first '=', and this name has one (src=x), so it comes from a [target NAME] section.
evil='x"<img src=x onerror=alert(1)>'
printf '[target %s]\nurl = %s\n' "$evil" "$hurl" > "$tmp/evil.ini"

"$bin" watch --interval 1s --window 12s --min-heap 4M --min-goroutines 40 --cpu-seconds 1 --listen 127.0.0.1:0 --db "$tmp/w.db" \
  --json --for 100s --source-root examples/leaky --config "$tmp/evil.ini" "leaky=$lurl" "healthy=$hurl" > "$tmp/w.json" 2> "$tmp/w.err" &
pids+=($!)

# the URL from {"event": "listening", "url": ...} on stdout
listening() {
  node -e '
    const fs = require("fs");
    for (const l of fs.readFileSync(process.argv[1], "utf8").split("\n")) {
      try { const e = JSON.parse(l); if (e.event === "listening" && e.url) { console.log(e.url); process.exit(0); } } catch (e) {}
    }
    process.exit(1);' "$tmp/w.json" > "$tmp/url" 2>/dev/null
}
poll 10 listening || broken "no {\"event\": \"listening\"} line on the daemon's stdout in 10 s" "$tmp/w.err"
url=$(cat "$tmp/url")
echo "     daemon at $url (leaky $lurl, healthy $hurl)"

# an open finding of leaky, with its capture, in /api/targets
found() {
  node -e '
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 3000);
    fetch(process.argv[1] + "api/targets", { signal: ac.signal })
      .then((r) => r.json())
      .then((j) => {
        const t = j.targets.find((t) => t.name === "leaky");
        const f = t && (t.findings || []).filter((f) => f.capture > 0);
        if (!f || !f.length) process.exit(1);
        console.log(f.map((f) => `${f.id} ${f.function} (capture ${f.capture})`).join(", "));
      })
      .catch(() => process.exit(1));' "$url" > "$tmp/found" 2>/dev/null
}
poll 60 found || {
  curl -s --max-time 3 "${url}api/targets" > "$tmp/api.json" 2>/dev/null
  broken "no open finding for leaky in /api/targets after 60 s" "$tmp/api.json"
}
echo "     leaky: open finding $(cat "$tmp/found") after ${SECONDS} s"

mkdir -p "$out" || broken "cannot make $out"
cmd=(node "$here/watch-ui.js" "$url" "$out" "$chromium")
command -v timeout >/dev/null 2>&1 && cmd=(timeout -k 5 120 "${cmd[@]}")
(cd "$here" && "${cmd[@]}")
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
  echo "watch-ui: watch-ui.js exited $rc (killed at its time limit?)" >&2
  tail -n 20 "$tmp/w.err" >&2
  echo "watch-ui: 0 passed, 1 failed"
  exit 1
fi
exit $rc
