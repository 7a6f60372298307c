#!/usr/bin/env bash
# Installs what gomedic needs (Debian packages, and tree-sitter's Go grammar from npm:
# tools/fetch-grammar.sh), builds it, and diagnoses a bundled real dump.
#   ./setup.sh             install + build + a diagnosed dump + make demo (about a minute)
#   ./setup.sh --deps      install only (what CI uses)
# Runs apt-get as root, or through sudo when not root.
set -euo pipefail
cd "$(dirname "$0")"
pkgs=(build-essential clang libclang-rt-14-dev clang-format clang-tidy libcriterion-dev libdeflate-dev
      libxxhash-dev libsqlite3-dev libcurl4-openssl-dev libmicrohttpd-dev libinih-dev libcjson-dev libyaml-dev golang-go python3 git ca-certificates
      sqlite3 python3-jsonschema libtree-sitter-dev curl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# the Go grammar of tree-sitter (an npm package; fetched, checked, never committed)
tools/fetch-grammar.sh
[ "${1:-}" = "--deps" ] && exit 0
make -j"$(nproc)" >/dev/null
echo "setup: built build/gomedic; diagnosing testdata/goroutine/y_lock-order-deadlock.txt:"
echo
./build/gomedic goroutines --no-buckets testdata/goroutine/y_lock-order-deadlock.txt
echo
echo "setup: and the main job, gomedic watch on a service that starts leaking (make demo):"
echo
make demo
