#!/usr/bin/env python3
"""The JSON every command writes is what docs/json/*.schema.json documents.

Runs `gomedic CMD --json` on the fixtures (every goroutine dump and its forms, the diff
series, every heap series, race log, GC log, pprof profile and execution trace of testdata/,
the lint of testdata/lint and testdata/gen) and validates
each output against its schema (JSON Schema 2020-12, python3-jsonschema). A schema that
falls behind the code (a member added, an id missing from an enum) fails here.
    GOMEDIC=build/gomedic python3 tests/docs/schemas.py
Prints one line per failure, then "schemas: N passed, N failed".
"""
import glob
import json
import os
import subprocess
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    print("schemas: python3-jsonschema is not installed (setup.sh installs it); skipped")
    print("schemas: 0 passed, 0 failed")
    sys.exit(0)

gomedic = os.environ.get("GOMEDIC", "build/gomedic")
validators = {os.path.basename(p)[:-len(".schema.json")]: Draft202012Validator(json.load(open(p)))
              for p in glob.glob("docs/json/*.schema.json")}


def g(*patterns):
    return sorted(f for p in patterns for f in glob.glob(p))


cases = []  # (schema, argv)
for f in g("testdata/goroutine/y_*.txt", "testdata/goroutine/y_*.pb.gz",
           "testdata/goroutine/go1.26/y_*.txt", "testdata/goroutine/go1.26/y_*.pb.gz"):
    cases.append(("goroutines", ["goroutines", "--json", "--dump", "all", f]))
for series in (g("testdata/goroutine/y_diff_[0-9].txt"),
               g("testdata/goroutine/y_diff_healthy_[0-9].txt")):
    if len(series) >= 2:
        cases.append(("diff", ["diff", "--json"] + series))
for d in g("testdata/pprof/heap_series/*/", "testdata/pprof/go1.26/heap_series/*/"):
    cases.append(("heap", ["heap", "--json"] + g(d + "*.pb.gz")))
for f in g("testdata/race/y_*.log", "testdata/race/go1.26/y_*.log"):
    cases.append(("race", ["race", "--json", f]))
for f in g("testdata/gctrace/y_*.log", "testdata/gctrace/go1.26/y_*.log"):
    cases.append(("gc", ["gc", "--json", f]))
for f in g("testdata/pprof/y_*.pb.gz", "testdata/pprof/go1.26/y_*.pb.gz"):
    cases.append(("pprof", ["pprof", "--json", f]))
for f in g("testdata/trace/y_*.trace", "testdata/trace/go1.26/y_*.trace", "testdata/trace/n_cut*.trace"):
    cases.append(("trace", ["trace", "--json", f]))
for d in g("testdata/trace/y_dual.txt", "testdata/trace/go1.26/y_dual.txt"):
    cases.append(("trace", ["trace", "--json", "--dump", d, d[:-len(".txt")] + ".trace"]))
traces = g("testdata/trace/y_*.trace")
if len(traces) >= 2:
    cases.append(("trace", ["trace", "--json"] + traces[:2]))

cases.append(("lint", ["lint", "--json", "testdata/lint", "testdata/gen"]))
for d in g("testdata/lint/*/fixed"):
    cases.append(("lint", ["lint", "--json", d]))

passed = failed = 0
for schema, argv in cases:
    r = subprocess.run([gomedic] + argv, capture_output=True, text=True)
    where = " ".join(argv)
    if r.returncode not in (0, 1):
        print(f"FAIL {where}: exit {r.returncode}: {r.stderr.strip()[:200]}")
        failed += 1
        continue
    try:
        doc = json.loads(r.stdout)
    except ValueError as e:
        print(f"FAIL {where}: not JSON: {e}")
        failed += 1
        continue
    errors = sorted(validators[schema].iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        path = "/".join(str(p) for p in e.absolute_path)
        print(f"FAIL {where}: {len(errors)} error(s) against {schema}.schema.json; first at "
              f"/{path}: {e.message[:200]}")
        failed += 1
    else:
        passed += 1
print(f"schemas: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
