#!/usr/bin/env python3
"""Compare `gomedic pprof --json` with pprofstat, and run tracestat on traces.

Called by run.sh (which builds the oracles):
    compare.py ROOT GOMEDIC PPROFSTAT TRACESTAT
Prints one line per failure or skip, and ends with "oracle: N passed, N failed".
With ORACLE_KEEP=DIR, the oracles' JSON outputs are written to DIR too.
"""
import glob, json, os, re, subprocess, sys

root, gomedic, pprofstat, tracestat = sys.argv[1:5]
corpus = os.path.normpath(os.path.join(root, "..", "shared", "corpus"))
keep = os.environ.get("ORACLE_KEEP")
TOP = 10  # rows of the flat and cum top lists compared
passed = failed = skipped = 0


def rel(f):
    return os.path.relpath(f, root)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def save(kind, f, text):
    if keep:
        os.makedirs(keep, exist_ok=True)
        name = rel(f).replace("../", "").replace("/", "__")
        with open(os.path.join(keep, f"{name}.{kind}.json"), "w") as out:
            out.write(text)


def check(name, problems):
    global passed, failed
    if problems:
        failed += 1
        more = f"; ... {len(problems) - 8} more" if len(problems) > 8 else ""
        print(f"FAIL {name}: " + "; ".join(problems[:8]) + more)
    else:
        passed += 1


def skip(name, why):
    global skipped
    skipped += 1
    print(f"skip {name}: {why}")


def unsupported_form(f):
    """Forms gomedic-pprof(1) says it does not read ("Not read:" in INPUT)."""
    with open(f, "rb") as fh:
        head = fh.read(64)
    if len(head) >= 16 and head[:4] == b"\0" * 4 and (
            head[4:8] in (b"\3\0\0\0", b"\0\0\0\3") or head[8:16] in (b"\3" + b"\0" * 7, b"\0" * 7 + b"\3")):
        return "legacy binary CPU profile"  # header words 0, 3, 0, period (32 or 64 bit)
    text = head.lstrip()
    if text.startswith(b"--- contention"):
        return "legacy contention text"
    for kind in (b"threadcreate", b"goroutine"):
        if text.startswith(kind + b" profile:"):
            return f"debug=1 {kind.decode()} text"
    return None


def pprof_files():
    files = []
    for f in sorted(glob.glob(os.path.join(root, "testdata", "pprof", "**", "*"), recursive=True)):
        base = os.path.basename(f)
        if not os.path.isfile(f) or re.search(r"\.(md|log)$|\.(top|traces|raw)(\.\w+)?\.txt$", base):
            continue
        files.append(f)
    if os.path.isdir(corpus):
        for d in ("pprof", "pprof-legacy"):
            files += sorted(f for f in glob.glob(os.path.join(corpus, d, "*")) if os.path.isfile(f))
    else:
        print(f"note: {rel(corpus)} absent: corpus part skipped")
    return files


def compare_pprof(f):
    code, out, err = run([pprofstat, "-n", "0", "-legacy-symbols", f])
    if code != 0:
        gcode, _, gerr = run([gomedic, "pprof", "--json", f])
        verdict = "gomedic rejects it too" if gcode != 0 else "gomedic READS it (exit 0)"
        why = err.strip().splitlines()[-1].split(": ")[-1] if err.strip() else f"exit {code}"
        skip(rel(f), f"pprofstat cannot parse it ({why}); {verdict}")
        return
    ref = json.loads(out)
    save("pprofstat", f, out)
    code, out, err = run([gomedic, "pprof", "--json", "--node-fraction", "0", f])
    if code != 0:
        form = unsupported_form(f)
        msg = err.strip()[:200]
        if form:
            skip(rel(f), f"{form}: gomedic does not read it (documented), pprofstat reads {ref['samples']} samples; gomedic: {msg}")
        else:
            check(rel(f), [f"gomedic failed (exit {code}): {msg}; pprofstat reads {ref['samples']} samples"])
        return
    mine = json.loads(out)
    default = (mine, ref)

    # File-level facts.
    bad = []
    for key in ("sample_types", "totals", "samples", "period", "period_type", "time_nanos", "duration_nanos",
                "sample_index"):
        if mine[key] != ref[key]:
            bad.append(f"{key}: gomedic {mine[key]} pprofstat {ref[key]}")
    check(f"{rel(f)} [header]", bad)

    # Per sample type: total, function count, the top rows by flat and by cum.
    for i, st in enumerate(ref["sample_types"]):
        if i >= len(mine["sample_types"]):
            break
        mine, ref = default
        if i != ref["sample_index"]:
            code, out, err = run([pprofstat, "-n", "0", "-legacy-symbols", "-i", str(i), f])
            if code != 0:
                check(f"{rel(f)} [{st['type']}]", [f"pprofstat -i {i} failed: {err.strip()[:200]}"])
                continue
            ref = json.loads(out)
            code, out, err = run([gomedic, "pprof", "--json", "--node-fraction", "0", "-i", str(i), f])
            if code != 0:
                check(f"{rel(f)} [{st['type']}]", [f"gomedic -i {i} failed: {err.strip()[:200]}"])
                continue
            mine = json.loads(out)
        check(f"{rel(f)} [{st['type']}]", compare_top(mine, ref))


def compare_top(mine, ref):
    bad = []
    if mine["total"] != ref["total"]:
        bad.append(f"total: gomedic {mine['total']} pprofstat {ref['total']}")
    if mine["functions"] != ref["functions"]:
        bad.append(f"functions: gomedic {mine['functions']} pprofstat {ref['functions']}")
    # A frame whose function has no name: gomedic says "?", pprofstat keeps the
    # empty name (pprof prints "<unknown>"). Same node, three spellings.
    for r in mine["top"]:
        if r["function"] == "?":
            r["function"] = ""
    got = {r["function"]: (r["flat"], r["cum"]) for r in mine["top"]}
    want = {r["function"]: (r["flat"], r["cum"]) for r in ref["top_flat"]}  # -n 0: every function
    by_flat = [r["function"] for r in ref["top_flat"][:TOP]]
    by_cum = [r["function"] for r in ref["top_cum"][:TOP]]
    for name in dict.fromkeys(by_flat + by_cum):
        if got.get(name) != want[name]:
            bad.append(f"{name}: gomedic (flat, cum) {got.get(name)} pprofstat {want[name]}")
    mine_flat = [r["function"] for r in mine["top"][:TOP]]
    if mine_flat != by_flat:
        bad.append(f"flat order: gomedic {mine_flat} pprofstat {by_flat}")
    mine_cum = [r["function"] for r in sorted(mine["top"], key=lambda r: (-abs(r["cum"]), r["function"]))][:TOP]
    if mine_cum != by_cum and all(got.get(n) == want[n] for n in by_cum):
        bad.append(f"cum order: gomedic {mine_cum} pprofstat {by_cum}")
    extra = [n for n in got if n not in want][:5]
    if extra:
        bad.append(f"only in gomedic: " + ", ".join(f"{n} {got[n]}" for n in extra))
    return bad


def trace_files():
    files = sorted(f for f in glob.glob(os.path.join(root, "testdata", "trace", "**", "*.trace"), recursive=True)
                   if not os.path.basename(f).startswith("n_"))  # cut and bad ones: tests/golden
    if os.path.isdir(corpus):
        for kind in ("trace-v1", "trace-v2"):
            files += sorted(f for f in glob.glob(os.path.join(corpus, kind, "*")) if os.path.isfile(f))
    return files


def compare_trace(f):
    """gomedic trace --json against tracestat (golang.org/x/exp/trace): the goroutines the
    trace shows, how many are left blocked at its end, and its duration (x/exp/trace starts
    at the first generation's Sync event, gomedic at the first timed event: within 0.1 ms)."""
    code, out, err = run([tracestat, f])
    if out:
        save("tracestat", f, out)
    with open(f, "rb") as fh:
        head = fh.read(16)
    m = re.match(rb"go 1\.(\d+) trace", head)
    minor = int(m.group(1)) if m else 0
    gcode, gout, gerr = run([gomedic, "trace", "--json", f])
    if gcode != 0:
        check(f"{rel(f)} [trace]", [f"gomedic trace failed (exit {gcode}): {gerr.strip()[:300]}"])
        return
    g = json.loads(gout)
    if g["error"]:
        check(f"{rel(f)} [trace]", [f"gomedic: {g['error']['message']}"])
        return
    if code != 0:
        if minor < 11:
            # x/exp/trace converts v1 traces from Go 1.11 on only
            print(f"skip {rel(f)}: x/exp/trace reads no go 1.{minor} trace; gomedic read "
                  f"{g['events']} events, {g['goroutines']} goroutines")
            global skipped
            skipped += 1
            return
        check(f"{rel(f)} [trace]", [f"tracestat failed (exit {code}): {err.strip()[:300]}"])
        return
    s = json.loads(out)
    blocked = sum(w["count"] for gr in g["groups"] for w in gr["at_end"]["waiting"])
    want_blocked = sum(s["blocked_at_end"].values())
    bad = []
    if g["goroutines"] != s["goroutines"]:
        bad.append(f"goroutines: gomedic {g['goroutines']}, x/exp/trace {s['goroutines']}")
    if blocked != want_blocked:
        bad.append(f"blocked at the end: gomedic {blocked}, x/exp/trace {want_blocked}")
    if abs(g["duration_ns"] - s["duration_nanos"]) > 100000:
        bad.append(f"duration: gomedic {g['duration_ns']} ns, x/exp/trace {s['duration_nanos']} ns")
    print(f"trace {rel(f)}: go {s['go_version'] or '?'}, {g['goroutines']} goroutines, "
          f"{blocked} blocked at the end, {g['duration_ns']} ns")
    check(f"{rel(f)} [trace]", bad)


for f in pprof_files():
    compare_pprof(f)
for f in trace_files():
    compare_trace(f)
if skipped:
    print(f"({skipped} skipped)")
print(f"oracle: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
