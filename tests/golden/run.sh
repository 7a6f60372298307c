#!/usr/bin/env bash
# Golden CLI tests. Each tests/golden/<cmd>/<case>.cmd holds one argv line (split on blanks,
# no shell). Expected results: <case>.out (first line "$ gomedic ARGS", then stdout),
# optional <case>.err (stderr), <case>.exit (exit status, default 0), <case>.stdin (fed to
# stdin). Cases run from the repository root so paths in .cmd are repo-relative.
#   tests/golden/run.sh [--update] [CASE-GLOB]
# --update rewrites the expectations from the current binary; review the git diff.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
gomedic=${GOMEDIC:-$root/build/gomedic}
case $gomedic in /*) ;; *) gomedic=$root/$gomedic ;; esac
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
pattern=${1:-*}
[ -x "$gomedic" ] || { echo "golden: $gomedic is not built (make)"; exit 2; }
cd "$root" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for cmdf in "$here"/*/$pattern.cmd; do
  [ -e "$cmdf" ] || continue
  base=${cmdf%.cmd}
  name=${base#"$here"/}
  read -r -a args < "$cmdf"
  stdin=/dev/null
  [ -f "$base.stdin" ] && stdin=$base.stdin
  NO_COLOR=1 TERM=dumb "$gomedic" "${args[@]}" < "$stdin" > "$tmp/out" 2> "$tmp/err"
  code=$?
  { printf '$ gomedic %s\n' "${args[*]}"; cat "$tmp/out"; } > "$tmp/out.full"
  if [ $update = 1 ]; then
    cp "$tmp/out.full" "$base.out"
    if [ -s "$tmp/err" ]; then cp "$tmp/err" "$base.err"; else rm -f "$base.err"; fi
    if [ $code -ne 0 ]; then echo $code > "$base.exit"; else rm -f "$base.exit"; fi
    pass=$((pass + 1))
    continue
  fi
  want_code=0
  [ -f "$base.exit" ] && want_code=$(cat "$base.exit")
  ok=1
  if ! diff -u "$base.out" "$tmp/out.full" > "$tmp/diff"; then ok=0; fi
  if [ -f "$base.err" ]; then
    diff -u "$base.err" "$tmp/err" >> "$tmp/diff" || ok=0
  elif [ -s "$tmp/err" ]; then
    { echo "unexpected stderr:"; cat "$tmp/err"; } >> "$tmp/diff"; ok=0
  fi
  if [ "$code" != "$want_code" ]; then
    echo "exit status $code, want $want_code" >> "$tmp/diff"; ok=0
  fi
  if [ $ok = 1 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL golden/$name"
    head -n 40 "$tmp/diff"
  fi
done
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
