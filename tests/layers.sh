#!/usr/bin/env bash
# Layers point down: base -> model -> parse -> analyze -> render -> daemon -> cli (the daemon,
# daemon/, is a front end like cli/ that cli/ starts; nothing in lib/ knows it). A file of one layer
# may include the headers of its own layer and of the layers below, never one above. A
# header's layer is the layer of the lib/*/NAME.c that implements include/gm/NAME.h (the
# table below names the headers without one). Checks every lib/ and cli/ file and every
# header; prints each include that points up.
#   tests/layers.sh        (make layers; part of make check)
set -u
cd "$(dirname "$0")/.."
declare -A rank=([base]=0 [model]=1 [parse]=2 [analyze]=3 [render]=4 [daemon]=5 [cli]=6)
declare -A hlayer=([base]=base [alloc]=base [arena]=base [banned]=base [render]=render [racelog]=model)
for h in include/gm/*.h; do
  n=$(basename "$h" .h)
  [ -n "${hlayer[$n]:-}" ] && continue
  c=$(ls lib/*/"$n".c 2>/dev/null | head -1)
  if [ -z "$c" ]; then
    echo "layers: include/gm/$n.h has no lib/*/$n.c and no entry in tests/layers.sh"
    echo "layers: 0 passed, 1 failed"
    exit 1
  fi
  hlayer[$n]=$(basename "$(dirname "$c")")
done
pass=0 fail=0
check() { # FILE LAYER
  local f=$1 l=$2 bad=0 inc
  for inc in $(sed -n 's|^#include "gm/\([a-z_]*\)\.h".*|\1|p' "$f"); do
    local hl=${hlayer[$inc]:-}
    if [ -z "$hl" ]; then
      echo "layers: $f includes gm/$inc.h, which does not exist"; bad=1
    elif [ "${rank[$hl]}" -gt "${rank[$l]}" ]; then
      echo "layers: $f ($l) includes gm/$inc.h ($hl): a lower layer may not depend on a higher one"
      bad=1
    fi
  done
  if [ "$l" != cli ] && grep -q '^#include "\(cmd\|opt\)\.h"' "$f"; then
    echo "layers: $f ($l) includes a cli/ header"; bad=1
  fi
  if [ "${rank[$l]}" -lt "${rank[daemon]}" ] && grep -q '^#include ".*daemon/' "$f"; then
    echo "layers: $f ($l) includes a daemon/ header"; bad=1
  fi
  if [ $bad = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}
for f in lib/*/*.c; do
  l=$(basename "$(dirname "$f")")
  [ -n "${rank[$l]:-}" ] || { echo "layers: $f is in no layer (lib/$l)"; fail=$((fail + 1)); continue; }
  check "$f" "$l"
done
for f in daemon/*.c daemon/*.h; do check "$f" daemon; done
for f in cli/*.c cli/*.h; do check "$f" cli; done
for h in include/gm/*.h; do check "$h" "${hlayer[$(basename "$h" .h)]}"; done
echo "layers: $pass passed, $fail failed"
[ $fail -eq 0 ]
