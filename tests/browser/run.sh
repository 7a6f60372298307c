#!/bin/sh
# Headless Chromium check of the flame graph's page and script (tests/browser/check.js).
# Builds mkflame against the library, writes out.html, out.svg, diff.html and big.html here,
# drives Chromium through playwright-core (installed into node_modules/ on first use) and saves
# screenshots (out.png, zoomed.png, diff.png). Prints "browser: N passed, N failed"; exits 1 on
# failure. Without Chromium, Node or playwright-core it prints "browser: skipped (...)" and
# exits 0. Variables: CHROMIUM (browser binary), CC, BUILD (library build directory).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
CC=${CC:-cc}

skip() {
    echo "browser: skipped ($1)"
    echo "browser: 0 passed, 0 failed"
    exit 0
}
broken() {
    echo "browser: $1" >&2
    echo "browser: 0 passed, 1 failed"
    exit 1
}

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chromium" ] && [ -x "$chromium" ] || skip "no chromium"
command -v node >/dev/null 2>&1 || skip "no node"
if ! (cd "$here" && node -e "require('playwright-core')" >/dev/null 2>&1); then
    command -v npm >/dev/null 2>&1 || skip "no npm to install playwright-core"
    (cd "$here" && npm install --no-save --no-audit --no-fund --loglevel=error \
        playwright-core >/dev/null 2>&1) || skip "cannot install playwright-core"
fi

make -C "$top" --no-print-directory BUILD="$BUILD" CC="$CC" "$BUILD/libgomedic.a" >/dev/null ||
    broken "cannot build the library"
lib=$BUILD/libgomedic.a
case $lib in /*) ;; *) lib=$top/$lib ;; esac
"$CC" -std=c11 -O2 -Wall -Wextra -Werror -I"$top/include" -o "$here/mkflame" "$here/mkflame.c" \
    "$lib" -ldeflate -lm || broken "cannot build mkflame"
expect=$(mktemp) || broken "mktemp"
trap 'rm -f "$expect"' EXIT
"$here/mkflame" "$here" >"$expect" || broken "mkflame failed"
cd "$here" && node check.js "$here" "$expect" "$chromium"
