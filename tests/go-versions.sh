#!/usr/bin/env bash
# Prints the Go toolchains on this machine, one path a line, oldest first, one per version:
# Debian's (/usr/lib/go-*/bin/go) and the first `go` on PATH. CI runs the fixture
# regeneration and the go tool pprof comparison once with each.
declare -A seen
{
  for g in /usr/lib/go-*/bin/go "$(command -v go 2>/dev/null)"; do
    [ -n "$g" ] && [ -x "$g" ] || continue
    v=$("$g" env GOVERSION 2>/dev/null) || continue
    [ -n "$v" ] && [ -z "${seen[$v]:-}" ] || continue
    seen[$v]=1
    echo "$v $(readlink -f "$g")"
  done
} | sort -V | cut -d' ' -f2-
