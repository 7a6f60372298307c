#!/usr/bin/env bash
# gomedic lint on real programs:
#   - testdata/lint/RULE/bug: the findings are exactly the lines marked "// want: ID";
#     testdata/lint/RULE/fixed: no finding; --fail-on high exits 1 on a bug with a high
#     finding, 0 on its twin;
#   - testdata/gen (the fixture programs of the dump analysis): the findings are
#     tests/lint/gen.expected (read and checked by hand: each leaking program named by its
#     rule, the healthy ones clean);
#   - the SARIF has what GitHub code scanning requires (docs/design/tree-sitter.md);
#   - with GO set (a go command): testdata/lint builds with it, and testdata/lint/names
#     prints, run by it, the names committed in names.go1.N.txt (which the unit tests
#     compare with gomedic's names); a -trimpath build of testdata/gen/chan-send-blocked
#     gives a dump whose module paths resolve through go.mod (--source-root testdata/gen):
#     its finding is confirmed by the source, not without the root, and lint --dump counts
#     its goroutines; close-skipped's program, run, dies with a dump whose range-never-closed
#     the producer's skipped close confirms.
#   GOMEDIC=build/gomedic [GO=go] tests/lint/run.sh [--update]   (--update: gen.expected)
set -u
cd "$(dirname "$0")/../.."
gomedic=${GOMEDIC:-build/gomedic}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
if [ "${1:-}" = --update ]; then
  "$gomedic" lint --json testdata/gen | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print(f["file"], f["line"], f["id"], f["rule"], f["function"])' > tests/lint/gen.expected
  echo "lint: tests/lint/gen.expected written"
  exit 0
fi
for d in testdata/lint/*/bug; do
  rule=$(basename "$(dirname "$d")")
  want=$(grep -Hn '// want: ' "$d"/*.go | sed 's|^\([^:]*\):\([0-9]*\):.*// want: \([a-z-]*\).*|\1 \2 \3|' | sort)
  got=$("$gomedic" lint --json "$d" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print(f["file"], f["line"], f["id"])' | sort)
  if [ -n "$want" ] && [ "$want" = "$got" ]; then ok; else
    bad "lint $d"; diff <(echo "$want") <(echo "$got") | sed 's/^/    /'; fi
  fixed=$(dirname "$d")/fixed
  got=$("$gomedic" lint --json "$fixed" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
  if [ "$got" = 0 ]; then ok; else bad "lint $fixed: $got finding(s), want none"; fi
  if "$gomedic" lint --json "$d" | grep -q '"severity":"high"'; then
    "$gomedic" lint --fail-on high "$d" > /dev/null; r1=$?
    "$gomedic" lint --fail-on high "$fixed" > /dev/null; r2=$?
    if [ $r1 = 1 ] && [ $r2 = 0 ]; then ok; else bad "$rule: --fail-on high exits $r1 (bug), $r2 (fixed)"; fi
  fi
done
got=$("$gomedic" lint --json testdata/gen | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print(f["file"], f["line"], f["id"], f["rule"], f["function"])')
if [ "$got" = "$(cat tests/lint/gen.expected)" ]; then ok; else
  bad "lint testdata/gen differs from tests/lint/gen.expected"
  diff tests/lint/gen.expected <(echo "$got") | sed 's/^/    /'; fi
for h in testdata/gen/healthy_*; do
  if grep -q "^$h/" tests/lint/gen.expected; then bad "healthy $h has findings"; else ok; fi
done
"$gomedic" lint testdata/lint/does-not-exist > /dev/null 2>&1
if [ $? = 2 ]; then ok; else bad "a path that does not exist: exit 2 expected"; fi
# SARIF: what GitHub code scanning requires of a file
if "$gomedic" lint --sarif testdata/lint | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == "2.1.0" and d["$schema"].endswith("sarif-2.1.0.json")
run = d["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "gomedic"
ids = [r["id"] for r in drv["rules"]]
assert ids and len(ids) == len(set(ids))
for r in drv["rules"]:
    for k in ("shortDescription", "fullDescription", "help"):
        assert r[k]["text"] and len(r[k]["text"]) <= 1024, (r["id"], k)
assert len(run["results"]) == 25, len(run["results"])  # 24 marked bugs, and names/ keeps a global map
fps = set()
for x in run["results"]:
    assert x["ruleId"] in ids and ids[x["ruleIndex"]] == x["ruleId"]
    assert x["level"] in ("note", "warning", "error")
    assert x["message"]["text"]
    loc = x["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].startswith("testdata/lint/"), loc
    assert loc["region"]["startLine"] >= 1
    fps.add(x["partialFingerprints"]["primaryLocationLineHash"])
assert len(fps) == len(run["results"])
'; then ok; else bad "lint --sarif"; fi
if [ -n "${GO:-}" ]; then
  v=$("$GO" env GOVERSION | sed 's/^go\(1\.[0-9]*\).*/\1/')
  if (cd testdata/lint && GOTOOLCHAIN=local "$GO" build ./...); then ok; else bad "testdata/lint does not build with $v"; fi
  names=testdata/lint/names/names.go$v.txt
  if [ -f "$names" ]; then
    got=$(cd testdata/lint/names && GOTOOLCHAIN=local "$GO" run .)
    if [ "$got" = "$(cat "$names")" ]; then ok; else
      bad "$names: Go $v names its functions otherwise now"; diff "$names" <(echo "$got") | sed 's/^/    /'; fi
  else
    echo "lint: note: no $names (names checked only for the Go versions committed)"
  fi
  # a -trimpath binary prints module paths: they resolve through go.mod (--source-root), and
  # the dump's finding is confirmed by the source; without the root it is not
  tdir=$(mktemp -d)
  if (cd testdata/gen && CGO_ENABLED=0 GOTOOLCHAIN=local "$GO" build -trimpath -o "$tdir/csb" ./chan-send-blocked) &&
     "$tdir/csb" > "$tdir/dump.txt" 2>/dev/null && grep -q 'gomedic.test/gen/chan-send-blocked/main.go' "$tdir/dump.txt"; then
    ok
    with=$("$gomedic" goroutines --no-buckets --source-root testdata/gen "$tdir/dump.txt")
    without=$("$gomedic" goroutines --no-buckets "$tdir/dump.txt")
    if echo "$with" | grep -q 'confirmed by the source: .*chan-send-blocked/main.go:38 (gomedic lint, send-after-timeout)'; then ok; else
      bad "-trimpath dump with --source-root testdata/gen: not confirmed"; echo "$with" | sed 's/^/    /'; fi
    if echo "$without" | grep -q 'confirmed by the source'; then bad "-trimpath dump without a root: confirmed"; else ok; fi
    ranked=$("$gomedic" lint --json --dump "$tdir/dump.txt" testdata/gen/chan-send-blocked |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["findings"][0]["stuck"])')
    if [ "${ranked:-0}" -gt 0 ]; then ok; else bad "lint --dump: no goroutine counted stuck ($ranked)"; fi
  else
    bad "building and running testdata/gen/chan-send-blocked with -trimpath ($v)"
  fi
  # every path of the producer: close-skipped's program dies with all goroutines asleep (main
  # ranging over the channel the producer's early return left open); the dump's finding is
  # confirmed by the static finding at that range, which names the producer's return; the
  # fixed twin runs to its end
  if (cd testdata/lint && CGO_ENABLED=0 GOTOOLCHAIN=local "$GO" build -o "$tdir/csk" ./close-skipped/bug &&
      CGO_ENABLED=0 GOTOOLCHAIN=local "$GO" build -o "$tdir/csf" ./close-skipped/fixed); then
    "$tdir/csk" > /dev/null 2> "$tdir/csk.txt"
    got=$("$gomedic" goroutines --no-buckets "$tdir/csk.txt")
    if echo "$got" | grep -q 'range-never-closed' &&
       echo "$got" | grep -q 'confirmed by the source: .*bug/main.go:25 (gomedic lint, close-skipped): ranges over ch, which produce closes on some paths only (its return at line 14 skips the close at line 18)'; then ok; else
      bad "close-skipped's crash dump: range-never-closed not confirmed by close-skipped"; echo "$got" | sed 's/^/    /'; fi
    if "$tdir/csf" > /dev/null 2>&1; then ok; else bad "close-skipped/fixed did not run to its end"; fi
  else
    bad "building testdata/lint/close-skipped ($v)"
  fi
  rm -rf "$tdir"
fi
echo "lint: $pass passed, $fail failed"
[ $fail = 0 ]
