#!/usr/bin/env bash
# Fetches the Go grammar of tree-sitter that `gomedic lint` and the source reading are built
# on: the npm package tree-sitter-go 0.23.4 (its generated src/parser.c, ABI 14: the newest
# that Debian bookworm's libtree-sitter 0.20.7 loads; see docs/design/tree-sitter.md), into
# third_party/tree-sitter-go-0.23.4/ (not committed: .gitignore). Checks the tarball's
# SHA-256 and parser.c's against the values recorded here; does nothing when they are there.
#   tools/fetch-grammar.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ver=0.23.4
dir=third_party/tree-sitter-go-$ver
tgz_sha=8779d20d322b4319ad8c833ea72ecb6d109cf1fec8979bdcdb5315a2e511dd2c
parser_sha=3e412fb341a5ccb20455b34a8e3c1068cc064bd044146255fd47442458f5d575
if [ -f "$dir/src/parser.c" ] && echo "$parser_sha  $dir/src/parser.c" | sha256sum -c --quiet 2>/dev/null; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tgz=$tmp/tree-sitter-go-$ver.tgz
url=https://registry.npmjs.org/tree-sitter-go/-/tree-sitter-go-$ver.tgz
echo "fetch-grammar: fetching tree-sitter-go $ver" >&2
if command -v npm >/dev/null 2>&1; then
  (cd "$tmp" && npm pack --silent "tree-sitter-go@$ver" >/dev/null)
elif command -v curl >/dev/null 2>&1; then
  curl -fsSL --retry 3 -o "$tgz" "$url"
else
  echo "fetch-grammar: neither npm nor curl is installed (./setup.sh --deps installs them)" >&2
  exit 2
fi
if ! echo "$tgz_sha  $tgz" | sha256sum -c --quiet; then
  echo "fetch-grammar: $url is not the tarball recorded here (SHA-256 differs)" >&2
  exit 2
fi
tar -xzf "$tgz" -C "$tmp" package/src/parser.c package/src/tree_sitter package/LICENSE
echo "$parser_sha  $tmp/package/src/parser.c" | sha256sum -c --quiet
rm -rf "$dir"
mkdir -p "$dir"
mv "$tmp/package/src" "$tmp/package/LICENSE" "$dir/"
echo "fetch-grammar: $dir/src/parser.c" >&2
