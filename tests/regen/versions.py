#!/usr/bin/env python3
"""The same diagnosis from every Go: gomedic must read each fixture that a newer Go wrote
(testdata/KIND/go1.N/) as it reads the Go 1.19 twin written by the same program
(testdata/KIND/): the same finding ids, user functions and severities for goroutine dumps,
the same leaks for snapshot series, the same verdict and findings for heap-profile series, the
same finding ids for GC logs, the same distinct races for race logs. Needs no Go: it reads the committed files.

Where they differ because Go changed (or because a timing-dependent run went otherwise), the
difference is written down in tests/regen/versions.expected, one line each with its reason;
any other difference, or an expected one that no longer happens, fails.
  GOMEDIC=build/gomedic tests/regen/versions.py
Prints "versions: N passed, N failed"."""
import glob, json, os, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
gomedic = os.environ.get("GOMEDIC", os.path.join(root, "build", "gomedic"))
if not os.path.isabs(gomedic):
    gomedic = os.path.join(root, gomedic)
os.chdir(root)


def run(*args):
    r = subprocess.run([gomedic, *args], capture_output=True, text=True)
    return json.loads(r.stdout)


def goroutines(f):
    out = set()
    d = run("goroutines", "--json", "--no-source", f)
    for rep in d if isinstance(d, list) else [d]:
        for x in rep["findings"]:
            if x["severity"] != "info":
                fn = "-" if x["id"] == "runnable-backlog" else x["function"]
                out.add(f'{x["id"]} {x["severity"]} {fn}')
    return out


def gc(f):
    return {x["id"] for x in run("gc", "--json", f)["findings"] if x["severity"] != "info"}


def race(f):
    return {"|".join(sorted(x["functions"])) for x in run("race", "--json", f)["findings"]}


def heap(files):
    d = run("heap", "--json", *files)
    return {f'verdict {d["verdict"]}'} | {
        f'{x["id"]} {x["severity"]} {x["function"]}' for x in d["findings"]}


def diff(files):
    return {f'{x["id"]} {x["function"]}' for x in run("diff", "--json", *files)["leaks"]}


expected = {}
for line in open("tests/regen/versions.expected"):
    line = line.rstrip("\n")
    if line and not line.startswith("#"):
        key, _, why = line.partition("  # ")
        expected[key.strip()] = why
seen = set()
passed = failed = 0
for vdir in sorted(glob.glob("testdata/goroutine/go1.*")):
    ver = os.path.basename(vdir)
    cases = []
    for kind, pat, fn in (("goroutine", "y_*.txt", goroutines), ("gctrace", "y_*.log", gc),
                          ("race", "y_*.log", race)):
        for new in sorted(glob.glob(f"testdata/{kind}/{ver}/{pat}")):
            old = f"testdata/{kind}/{os.path.basename(new)}"
            if os.path.basename(new).startswith("y_diff_") or not os.path.exists(old):
                continue
            cases.append((kind, os.path.basename(new), fn, old, new))
    for series in (["y_diff_1.txt", "y_diff_2.txt", "y_diff_3.txt"],
                   ["y_diff_healthy_1.txt", "y_diff_healthy_2.txt"]):
        if all(os.path.exists(f"{vdir}/{s}") for s in series):
            cases.append(("diff", series[0].replace("_1.txt", ""), diff,
                          [f"testdata/goroutine/{s}" for s in series],
                          [f"{vdir}/{s}" for s in series]))
    for sdir in sorted(glob.glob(f"testdata/pprof/{ver}/heap_series/*")):
        name = os.path.basename(sdir)
        cases.append(("heap", name, heap, sorted(glob.glob(f"testdata/pprof/heap_series/{name}/*.pb.gz")),
                      sorted(glob.glob(f"{sdir}/*.pb.gz"))))
    for kind, name, fn, old, new in cases:
        a, b = fn(old), fn(new)
        bad = []
        for sign, items in (("-", a - b), ("+", b - a)):
            for it in sorted(items):
                key = f"{ver} {kind} {name} {sign}{it}"
                seen.add(key)
                if key not in expected:
                    bad.append(key)
        if bad:
            failed += 1
            print(f"FAIL {ver} {kind} {name}: go1.19 and {ver} differ (- only in go1.19, + only in {ver}):")
            for k in bad:
                print("  " + k)
        else:
            passed += 1
for key in sorted(set(expected) - seen):
    failed += 1
    print(f"FAIL expected difference no longer seen (remove it from versions.expected): {key}")
print(f"versions: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
