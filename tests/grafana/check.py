#!/usr/bin/env python3
"""Checks the Grafana dashboard and Prometheus examples in examples/grafana/ against the metric
contract of docs/design/watch-http.md: the dashboard's structure (uid, variables, every panel
with queries on the ${datasource} variable, no fixed data source uid, a layout without
overlaps), that every gomedic_* / process_* metric its queries (and the alerting rules) use is
in the design's metric table, and that every per-target metric is filtered by $target.
With --metrics FILE (a real scrape of gomedic's /metrics) also checks that every metric used
appears in it (as a sample or a # HELP / # TYPE line). Runs promtool check rules / check config
when promtool is on PATH, and parses the provisioning files when PyYAML is importable.
Run from anywhere: python3 tests/grafana/check.py [--metrics FILE].
Prints "ok   NAME" / "FAIL NAME" lines and ends with "grafana: N passed, N failed"."""
import json, os, re, shutil, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
gdir = os.path.join(root, "examples", "grafana")
DS = "${datasource}"
METRIC_RE = re.compile(r"\b((?:gomedic|process)_[a-z_]+)\b")
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))
    return ok


def skip(name, why):
    print(f"skip {name} ({why})")


def rel(p):
    return os.path.relpath(p, root)


# -- the contract: the first column of the table under "## Metrics" (and each row's labels)
def documented_metrics():
    text = open(os.path.join(root, "docs", "design", "watch-http.md"), encoding="utf-8").read()
    m = re.search(r"^## Metrics.*?$(.*?)(?=^## )", text, re.S | re.M)
    names, with_target = set(), set()
    if not m:
        return names, with_target
    for line in m.group(1).splitlines():
        if not line.startswith("|") or re.match(r"^\|[-| ]+\|$", line):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        row = re.findall(r"`([a-z_]+)`", cells[0])
        names.update(row)
        if len(cells) > 2 and re.match(r"target\b", cells[2]):
            with_target.update(row)
    return names, with_target


documented, per_target = documented_metrics()
check("design table parsed", len(documented) >= 10 and "gomedic_target_up" in documented,
      f"{len(documented)} names")

# -- the dashboard
path = os.path.join(gdir, "gomedic.json")
try:
    dash = json.load(open(path, encoding="utf-8"))
    check("json valid", isinstance(dash, dict))
except (OSError, ValueError) as e:
    check("json valid", False, str(e))
    print(f"grafana: {passed} passed, {failed} failed")
    sys.exit(1)

check("uid, title", dash.get("uid") == "gomedic-watch" and dash.get("title") == "gomedic watch",
      f"{dash.get('uid')!r} {dash.get('title')!r}")
sv = dash.get("schemaVersion")
check("schemaVersion", isinstance(sv, int) and 36 <= sv <= 39, repr(sv))

tvars = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
dv = tvars.get("datasource", {})
check("variable datasource", dv.get("type") == "datasource" and dv.get("query") == "prometheus", repr(dv))
tv = tvars.get("target", {})
tq = tv.get("query")
tq = tq.get("query") if isinstance(tq, dict) else tq
check("variable target", tv.get("type") == "query" and tq == "label_values(gomedic_target_up, target)"
      and tv.get("multi") is True and tv.get("includeAll") is True
      and (tv.get("datasource") or {}).get("uid") == DS, repr(tv))


def ds_uid(ds):
    return ds.get("uid") if isinstance(ds, dict) else ds


# every data source reference anywhere is the variable (or Grafana's built-in annotations)
def walk(o, at="$"):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == "datasource" and v is not None:
                yield at, ds_uid(v)
            yield from walk(v, f"{at}.{k}")
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield from walk(v, f"{at}[{i}]")


bad = [(a, u) for a, u in walk(dash) if u not in (DS, "-- Grafana --")]
check("no fixed datasource uid", not bad, "; ".join(f"{a}={u!r}" for a, u in bad[:5]))

panels = dash.get("panels") or []
check("panels present", len(panels) >= 10, f"{len(panels)} panels")
exprs = []  # (where, expr)
ids = set()
for p in panels:
    name = f"panel {p.get('title')!r}"
    problems = []
    if p.get("type") == "row":
        problems.append("rows are not used (every panel must query)")
    if ds_uid(p.get("datasource")) != DS:
        problems.append(f"datasource {p.get('datasource')!r}")
    ts = p.get("targets") or []
    if not ts:
        problems.append("no targets")
    for t in ts:
        if not (t.get("expr") or "").strip():
            problems.append(f"target {t.get('refId')} has no expr")
        if "datasource" in t and ds_uid(t["datasource"]) != DS:
            problems.append(f"target {t.get('refId')} datasource {t['datasource']!r}")
        exprs.append((name, t.get("expr") or ""))
    if p.get("id") in ids:
        problems.append(f"duplicate id {p.get('id')}")
    ids.add(p.get("id"))
    g = p.get("gridPos") or {}
    if not all(isinstance(g.get(k), int) for k in "xywh") or g["x"] + g["w"] > 24:
        problems.append(f"gridPos {g!r}")
    check(name, not problems, "; ".join(problems))

cells = {}
overlaps = []
for p in panels:
    g = p.get("gridPos") or {}
    if not all(isinstance(g.get(k), int) for k in "xywh"):
        continue
    for x in range(g["x"], g["x"] + g["w"]):
        for y in range(g["y"], g["y"] + g["h"]):
            if (x, y) in cells and cells[(x, y)] != p.get("title"):
                overlaps.append((cells[(x, y)], p.get("title")))
            cells[(x, y)] = p.get("title")
check("layout without overlaps", not overlaps, repr(sorted(set(overlaps))[:3]))

for a in dash.get("annotations", {}).get("list", []):
    if a.get("expr"):
        exprs.append((f"annotation {a.get('name')!r}", a["expr"]))

# the panels' queries, the required ones by their text
want = {
    "targets up (stat)": ("stat", "gomedic_target_up"),
    "open findings (table)": ("table", "gomedic_findings"),
    "goroutines by state": ("timeseries", 'sum by (target, state) (gomedic_goroutines{target=~"$target"})'),
    "goroutine growth rate": ("timeseries", 'deriv(sum by (target)(gomedic_goroutines{target=~"$target"})[10m:])'),
    "heap in use": ("timeseries", "gomedic_heap_inuse_bytes"),
    "gc cpu share": ("timeseries", "gomedic_gc_cpu_fraction"),
    "triggers": ("timeseries", "increase(gomedic_triggers_total"),
    "captures": ("timeseries", "increase(gomedic_captures_total"),
    "hook runs": ("timeseries", "gomedic_hook_runs_total"),
    "scrape duration": ("timeseries", "gomedic_scrape_duration_seconds"),
    "scrape errors": ("timeseries", "gomedic_scrape_errors_total"),
    "samples rate": ("timeseries", "gomedic_samples_total"),
    "store bytes": ("timeseries", "gomedic_store_bytes"),
    "process rss": ("timeseries", "process_resident_memory_bytes"),
    "process cpu": ("timeseries", "process_cpu_seconds_total"),
}
for what, (ptype, needle) in want.items():
    hit = [p for p in panels if p.get("type") == ptype
           and any(needle in (t.get("expr") or "") for t in p.get("targets") or [])]
    check(f"query {what}", bool(hit), f"no {ptype} panel with {needle!r}")
units = {"gomedic_heap_inuse_bytes": "bytes", "gomedic_gc_cpu_fraction": "percentunit"}
for metric, unit in units.items():
    got = [p["fieldConfig"]["defaults"].get("unit") for p in panels
           if any(metric in (t.get("expr") or "") for t in p.get("targets") or [])]
    check(f"unit {metric}", got and all(u == unit for u in got), repr(got))
stacked = [p for p in panels if "gomedic_goroutines" in json.dumps(p.get("targets"))
           and "state" in json.dumps(p.get("targets"))]
check("goroutines by state stacked",
      any(p["fieldConfig"]["defaults"].get("custom", {}).get("stacking", {}).get("mode") == "normal"
          for p in stacked))

# every metric used is documented; every per-target metric is filtered by $target
used = {}
unfiltered = []
for where, e in exprs:
    for m in METRIC_RE.finditer(e):
        used.setdefault(m.group(1), set()).add(where)
        if m.group(1) in per_target:
            sel = re.match(r"\{([^}]*)\}", e[m.end():])
            if not sel or 'target=~"$target"' not in sel.group(1):
                unfiltered.append(f"{where}: {m.group(1)}")
undoc = {k: v for k, v in used.items() if k not in documented}
check("dashboard metrics documented", used and not undoc,
      "; ".join(f"{k} ({', '.join(sorted(v))})" for k, v in sorted(undoc.items())))
check("per-target metrics filtered by $target", not unfiltered, "; ".join(unfiltered))

rules_path = os.path.join(gdir, "gomedic-rules.yml")
rule_metrics = set()
if os.path.exists(rules_path):
    for line in open(rules_path, encoding="utf-8"):
        if re.match(r"\s*expr:", line):
            rule_metrics.update(METRIC_RE.findall(line))
    undoc = sorted(rule_metrics - documented)
    check("rules metrics documented", rule_metrics and not undoc, ", ".join(undoc))
else:
    check("rules metrics documented", False, f"{rel(rules_path)} missing")

# -- a real scrape
if "--metrics" in sys.argv:
    i = sys.argv.index("--metrics")
    mpath = sys.argv[i + 1] if i + 1 < len(sys.argv) else ""
    try:
        scraped = set()
        for line in open(mpath, encoding="utf-8"):
            m = re.match(r"#\s*(?:HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)", line) \
                or re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", line)
            if m:
                scraped.add(m.group(1))
        missing = sorted((set(used) | rule_metrics) - scraped)
        check(f"metrics in {mpath}", scraped and not missing, "missing " + ", ".join(missing))
    except OSError as e:
        check(f"metrics in {mpath}", False, str(e))

# -- promtool
promtool = shutil.which("promtool")
if promtool:
    for what, args in (("promtool check rules", ["check", "rules", rel(rules_path)]),
                       ("promtool check config", ["check", "config", "examples/grafana/prometheus.yml"])):
        r = subprocess.run([promtool] + args, cwd=root, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        check(what, r.returncode == 0, r.stdout.strip().replace("\n", " | "))
else:
    skip("promtool", "not on PATH")

# -- provisioning files
try:
    import yaml
except ImportError:
    yaml = None
if yaml:
    try:
        d = yaml.safe_load(open(os.path.join(gdir, "provisioning", "dashboards", "gomedic.yaml")))
        p = (d.get("providers") or [{}])[0]
        check("provisioning dashboards", d.get("apiVersion") == 1 and p.get("type") == "file"
              and bool((p.get("options") or {}).get("path")), repr(d))
    except (OSError, yaml.YAMLError, AttributeError) as e:
        check("provisioning dashboards", False, str(e))
    try:
        d = yaml.safe_load(open(os.path.join(gdir, "provisioning", "datasources", "prometheus.yaml")))
        s = (d.get("datasources") or [{}])[0]
        check("provisioning datasources", d.get("apiVersion") == 1 and s.get("type") == "prometheus"
              and s.get("url") == "http://127.0.0.1:9090", repr(d))
    except (OSError, yaml.YAMLError, AttributeError) as e:
        check("provisioning datasources", False, str(e))
else:
    skip("provisioning yaml", "PyYAML not importable")

print(f"grafana: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
