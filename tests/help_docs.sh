#!/usr/bin/env bash
# Every command's --help exits 0, and its man page (docs/gomedic-CMD.1.md) carries the same
# usage line in SYNOPSIS and documents every option --help lists.
set -u
cd "$(dirname "$0")/.."
bin=${GOMEDIC:-build/gomedic}
pass=0 fail=0
for cmd in $("$bin" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}'); do
  [ "$cmd" = help ] && continue
  page=docs/gomedic-$cmd.1.md
  if ! help=$("$bin" "$cmd" --help); then
    echo "help: 'gomedic $cmd --help' failed"; fail=$((fail + 1)); continue
  fi
  if [ ! -f "$page" ]; then
    echo "help: $page is missing"; fail=$((fail + 1)); continue
  fi
  usage=$(printf '%s\n' "$help" | sed -n 's/^usage: //p')
  ok=1
  grep -qF -- "$usage" "$page" || { echo "help: $page: SYNOPSIS lacks '$usage'"; ok=0; }
  for opt in $(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
    grep -qF -- "$opt" "$page" || { echo "help: $page does not document $opt"; ok=0; }
  done
  if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "help: $pass passed, $fail failed"
[ $fail -eq 0 ]
