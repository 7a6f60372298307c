#!/bin/sh
# tests/oracle/run.sh [GOMEDIC]: compare gomedic with reference numbers computed
# by Go's own profile and trace readers (pprofstat, tracestat in this module).
# The Go toolchain is $GO (default: go). Skips, exit 0, when that Go is older
# than go.mod's go line or the modules cannot be downloaded. Ends with
# "oracle: N passed, N failed"; exit 1 on failures. See README.md.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
gomedic=${1:-$root/build/gomedic}
case $gomedic in /*) ;; *) gomedic=$(pwd)/$gomedic ;; esac
GO=${GO:-go}

skip() {
	echo "oracle: skipped: $*"
	echo "oracle: 0 passed, 0 failed"
	exit 0
}
die() {
	echo "oracle: $*" >&2
	echo "oracle: 0 passed, 1 failed"
	exit 1
}

[ -x "$gomedic" ] || die "no gomedic binary at $gomedic (run make first)"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
command -v "$GO" >/dev/null 2>&1 || skip "Go toolchain '$GO' not found"

# Never let a newer go.mod make this Go download another toolchain; honour go.sum;
# no VCS stamping (the checkout may belong to another user in CI).
export GOTOOLCHAIN=local
export GOFLAGS="-mod=readonly -buildvcs=false"

have=$("$GO" env GOVERSION 2>/dev/null | sed -n 's/^\(devel \)\{0,1\}go\([0-9][0-9.]*\).*/\2/p')
need=$(sed -n 's/^go \([0-9][0-9.]*\)$/\1/p' "$here/go.mod")
[ -n "$have" ] || skip "cannot tell the version of '$GO'"
older=$(python3 -c 'import sys; v = lambda s: [int(x) for x in s.split(".")]; print(int(v(sys.argv[1]) < v(sys.argv[2])))' "$have" "$need")
[ "$older" = 0 ] || skip "$GO is go$have, go.mod needs go$need"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomedic-oracle.XXXXXX") || die "mktemp failed"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Default caches ($HOME/.cache/go-build, $HOME/go/pkg/mod). When HOME is unset or
# not writable (a bare CI container), keep them in the temp dir for this run.
writable() { mkdir -p "$1" 2>/dev/null && [ -w "$1" ]; }
cache=$("$GO" env GOCACHE 2>/dev/null)
if [ -z "$cache" ] || [ "$cache" = off ] || ! writable "$cache"; then
	export GOCACHE="$tmp/gocache"
fi
modcache=$("$GO" env GOMODCACHE 2>/dev/null)
if [ -z "$modcache" ] || ! writable "$modcache"; then
	export GOPATH="$tmp/gopath" GOMODCACHE="$tmp/gopath/pkg/mod"
	export GOFLAGS="$GOFLAGS -modcacherw"
fi

cd "$here" || die "cannot cd to $here"
# The modules the oracles import (go.mod's require block), checked against go.sum.
tab=$(printf '\t')
mods=$(sed -n "s/^$tab\([^ ]*\) v[^ ]*\$/\1/p" go.mod)
if ! "$GO" mod download $mods >"$tmp/download.log" 2>&1; then
	if grep -q 'SECURITY ERROR\|checksum mismatch' "$tmp/download.log"; then
		cat "$tmp/download.log" >&2
		die "go.sum verification failed"
	fi
	skip "modules cannot be downloaded: $(tail -n 1 "$tmp/download.log")"
fi
"$GO" build -o "$tmp/bin/" ./pprofstat ./tracestat >"$tmp/build.log" 2>&1 || {
	cat "$tmp/build.log" >&2
	die "building the oracles failed"
}
versions=$("$GO" list -m -f '{{.Path}}@{{.Version}}' $mods)
echo "oracle: $("$GO" env GOVERSION)," $versions

python3 "$here/compare.py" "$root" "$gomedic" "$tmp/bin/pprofstat" "$tmp/bin/tracestat"
