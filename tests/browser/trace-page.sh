#!/bin/sh
# Headless Chromium over the page of `gomedic trace --html` (docs/gomedic-trace.1.md): writes
# the pages of three fixture traces here (trace-leak.html from Go 1.26's goroutine-leak trace,
# trace-gc.html from its gc-heavy one, trace-dual-go119.html from Debian Go 1.19's dual trace),
# and tests/browser/trace-page.js checks each: no script error, no request leaves the page,
# the findings table has the findings of `gomedic trace --json`, the timeline has a row per
# group and P, the wheel zooms and the double click resets, hovering a group row shows its
# numbers; it saves screenshots (trace-*.png). Prints "trace-page: N passed, N failed"; exits
# 1 on failure; without Chromium, Node or playwright-core prints "trace-page: skipped (...)".
#   GOMEDIC=build/gomedic tests/browser/trace-page.sh   (CHROMIUM= the browser)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${GOMEDIC:-$top/build/gomedic}
case $bin in /*) ;; *) bin=$top/$bin ;; esac

skip() {
    echo "trace-page: skipped ($1)"
    echo "trace-page: 0 passed, 0 failed"
    exit 0
}
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chromium" ] && [ -x "$chromium" ] || skip "no chromium"
command -v node >/dev/null 2>&1 || skip "no node"
if ! (cd "$here" && node -e "require('playwright-core')" >/dev/null 2>&1); then
    command -v npm >/dev/null 2>&1 || skip "no npm to install playwright-core"
    (cd "$here" && npm install --no-save --no-audit --no-fund --loglevel=error \
        playwright-core >/dev/null 2>&1) || skip "cannot install playwright-core"
fi
cd "$top" || exit 1
set -- leak testdata/trace/go1.26/y_goroutine-leak.trace \
    gc testdata/trace/go1.26/y_gc-heavy.trace \
    dual-go119 testdata/trace/y_dual.trace
pages=
while [ $# -ge 2 ]; do
    name=$1 trace=$2
    shift 2
    "$bin" trace --html "$here/trace-$name.html" "$trace" >/dev/null || {
        echo "trace-page: gomedic trace --html $trace failed"
        echo "trace-page: 0 passed, 1 failed"
        exit 1
    }
    "$bin" trace --json "$trace" > "$here/trace-$name.json"
    pages="$pages $name"
done
cd "$here" && node trace-page.js "$here" "$chromium" $pages
