#!/usr/bin/env bash
# gomedic watch over HTTP (docs/design/watch-http.md) against its real consumers, on loopback: a
# service that leaks goroutines for 25 s then stops, a healthy one, and the healthy one again
# under a hostile name are watched with --listen and --alertmanager. /metrics is read with curl
# and promtool, then scraped by a real Prometheus whose PromQL must name the leaking target; the
# finding must reach a real Alertmanager as an alert that ends once the leak has stopped and the
# episode resolved. Then --auth-token (Bearer and Basic), --auth-token-file, and a non-loopback
# --listen without a token. Every process is killed at exit; about 1 min, at most 3.
# Prints "watch-http: N passed, N failed".
#   GOMEDIC_WATCH=build/gomedic-watch tests/watch/http.sh
#   (GO= the Go that builds examples/leaky; PROMETHEUS=, ALERTMANAGER=, PROMTOOL= the binaries)
set -u
case ${GOMEDIC_WATCH:-} in
*/*) GOMEDIC_WATCH=$(cd "$(dirname "$GOMEDIC_WATCH")" && pwd)/$(basename "$GOMEDIC_WATCH") ;;
esac
cd "$(dirname "$0")/../.."
root=$PWD
bin=${GOMEDIC_WATCH:-$root/build/gomedic-watch}
GO=${GO:-$( [ -x /usr/lib/go-1.19/bin/go ] && echo /usr/lib/go-1.19/bin/go || echo go )}
PROMETHEUS=${PROMETHEUS:-prometheus}
PROMTOOL=${PROMTOOL:-promtool}
ALERTMANAGER=${ALERTMANAGER:-$(command -v prometheus-alertmanager || echo alertmanager)}
for b in "$PROMETHEUS" "$PROMTOOL" "$ALERTMANAGER" "$GO" curl python3; do
  if ! command -v "$b" >/dev/null 2>&1; then
    echo "watch-http: skipped ($b not found)"; echo "watch-http: 0 passed, 0 failed"; exit 0
  fi
done
tmp=$(mktemp -d)
pids=()
cleanup() { exec 2>/dev/null; for p in "${pids[@]}"; do kill -9 "$p"; wait "$p"; done; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
pass=0 fail=0
rc_grep() { [ "$1" = 2 ] && grep -q -- "$2" "$3"; } # RC TEXT FILE: exit 2 and says TEXT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 20 "$2"; fail=$((fail + 1)); }
check() { # NAME LOGFILE CMD...: the command must succeed
  local name=$1 log=$2; shift 2
  if "$@"; then ok "$name"; else bad "$name" "$log"; fi
}
summary() { echo "watch-http: $pass passed, $fail failed"; [ $fail -eq 0 ]; exit $?; }
# poll SECS CMD...: CMD every half second until it succeeds or SECS have passed (at least once,
# never past the whole test's deadline)
deadline=$((SECONDS + 180))
poll() {
  local end=$((SECONDS + $1)); shift
  [ $end -gt $deadline ] && end=$deadline
  until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.5; done
}
# t CMD ARGS...: the Python helper below, its output in $tmp/t.out (shown when a check fails)
t() { python3 "$tmp/t.py" "$@" > "$tmp/t.out" 2>&1; }
# tcheck NAME CMD ARGS... / tpoll SECS NAME CMD ARGS...: a helper check, once or until it holds
tcheck() { local name=$1; shift; if t "$@"; then ok "$name"; else bad "$name" "$tmp/t.out"; fi; }
tpoll() { local s=$1 name=$2; shift 2; if poll "$s" t "$@"; then ok "$name"; else bad "$name (${s} s)" "$tmp/t.out"; fi; }
code() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@"; } # URL [CURL ARGS]: HTTP status
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

(cd examples/leaky && GOFLAGS=-mod=mod "$GO" build -o "$tmp/leaky" .) || {
  echo "watch-http: cannot build examples/leaky with $GO"; echo "watch-http: 0 passed, 1 failed"; exit 1
}

cat > "$tmp/t.py" <<'EOF'
# The test's reading of the text format, Prometheus' and Alertmanager's APIs and the events.
import json, os, re, sys, time, urllib.parse, urllib.request
from datetime import datetime

STATES = "chan_receive chan_send select mutex cond waitgroup io syscall sleep timer running other".split()
T = ("target",)
FAMILIES = {  # name: (type, labels, allowed values of the last label)
    "gomedic_target_up": ("gauge", T, None),
    "gomedic_goroutines": ("gauge", T + ("state",), STATES),
    "gomedic_heap_inuse_bytes": ("gauge", T, None),
    "gomedic_gc_cpu_fraction": ("gauge", T, None),
    "gomedic_findings": ("gauge", T + ("id", "severity"), None),
    "gomedic_triggers_total": ("counter", T + ("rule",), "goroutine-growth heap-growth gc-cpu limit".split()),
    "gomedic_captures_total": ("counter", T + ("kind",), "goroutine goroutine-debug2 heap cpu trace".split()),
    "gomedic_hook_runs_total": ("counter", T + ("result",), "ok failed timeout skipped".split()),
    "gomedic_scrape_duration_seconds": ("gauge", T, None),
    "gomedic_samples_total": ("counter", T, None),
    "gomedic_scrape_errors_total": ("counter", T + ("kind",), "refused timeout http too_big format".split()),
    "gomedic_store_bytes": ("gauge", (), None),
    "gomedic_targets": ("gauge", (), None),
    "process_cpu_seconds_total": ("counter", (), None),
    "process_resident_memory_bytes": ("gauge", (), None),
    "process_start_time_seconds": ("gauge", (), None),
}
TMP = os.environ["TMP"]
NAMES = json.load(open(os.path.join(TMP, "names.json")))  # the targets' names
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"\s*(,|\})')
UNESC = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}


def parse(path):
    """(types, samples): samples are (name, {label: value}, float); raises on bad syntax."""
    types, samples = {}, []
    for n, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        if line.startswith("# TYPE "):
            name, typ = line[7:].split(" ")
            types[name] = typ
        elif not line or line.startswith("#"):
            continue
        else:
            m = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line)
            name, rest, labels = m.group(0), line[m.end():], {}
            if rest.startswith("{"):
                rest = rest[1:]
                while not rest.startswith("}"):
                    lm = LABEL.match(rest)
                    if not lm:
                        raise ValueError("line %d: bad labels: %r" % (n, line))
                    labels[lm.group(1)] = re.sub(r"\\.", lambda e: UNESC[e.group(0)], lm.group(2))
                    rest = rest[lm.end():] if lm.group(3) == "," else "}" + rest[lm.end():]
                rest = rest[1:]
            samples.append((name, labels, float(rest.split()[0])))
    return types, samples


def family(types, name):
    return name if name in types else next((f for f in types if name.startswith(f + "_")), None)


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


def prom(query):
    """[(labels, value)] of an instant query."""
    d = get(os.environ["PROM"] + "/api/v1/query?" + urllib.parse.urlencode({"query": query}))
    return [(r["metric"], float(r["value"][1])) for r in d["data"]["result"]]


def events(path, event, **match):
    out = []
    for line in open(path):
        e = json.loads(line)
        if e.get("event") == event and all(str(e.get(k)) == v for k, v in match.items()):
            out.append(e)
    return out


def rfc3339(s):
    s = re.sub(r"(\.\d{6})\d+", r"\1", s.replace("Z", "+00:00"))
    return datetime.fromisoformat(s).timestamp()


def main(cmd, *a):
    if cmd == "listening":  # JSONFILE: print the URL of the listening event
        for e in events(a[0], "listening"):
            print(e["url"])
            return True
        return False
    if cmd in ("count", "has"):  # JSONFILE EVENT [K=V...]: print how many / there is one
        n = len(events(a[0], a[1], **dict(kv.split("=", 1) for kv in a[2:])))
        print(n)
        return cmd == "count" or n > 0
    if cmd == "sampled":  # METRICS N: each target has N samples
        types, samples = parse(a[0])
        got = {l.get("target"): v for n, l, v in samples if n == "gomedic_samples_total"}
        print("gomedic_samples_total:", got)
        return all(got.get(t, 0) >= int(a[1]) for t in NAMES.values())
    if cmd == "families":  # METRICS: every family of the contract, its type, labels, values
        types, samples = parse(a[0])
        bad = []
        for name, (typ, labels, allowed) in FAMILIES.items():
            if types.get(name) != typ:
                bad.append("%s: TYPE %s, want %s" % (name, types.get(name), typ))
        for n, l, v in samples:
            f = family(types, n)
            if f not in FAMILIES:
                continue
            typ, labels, allowed = FAMILIES[f]
            if n != f or tuple(sorted(l)) != tuple(sorted(labels)):
                bad.append("%s %s: want labels %s" % (n, l, labels))
            elif allowed and l[labels[-1]] not in allowed:
                bad.append("%s %s: %s not one of %s" % (n, l, labels[-1], allowed))
            if f == "gomedic_gc_cpu_fraction" and not 0 <= v <= 1:
                bad.append("%s %s = %g, not within 0..1" % (n, l, v))
        for name in ("gomedic_target_up", "gomedic_goroutines", "gomedic_samples_total"):
            if not any(n == name for n, l, v in samples):
                bad.append("%s: no sample" % name)
        targets = [v for n, l, v in samples if n == "gomedic_targets"]
        if targets != [len(NAMES)]:
            bad.append("gomedic_targets %s, want [%d]" % (targets, len(NAMES)))
        print("\n".join(bad))
        return not bad
    if cmd == "states":  # METRICS: every target has the 12 state classes, once each
        types, samples = parse(a[0])
        bad = []
        for t in NAMES.values():
            got = sorted(l["state"] for n, l, v in samples if n == "gomedic_goroutines" and l.get("target") == t)
            if got != sorted(STATES):
                bad.append("%r: states %s" % (t, got))
        print("\n".join(bad))
        return not bad
    if cmd == "up":  # METRICS: gomedic_target_up 1 for each target, by name (escapes undone)
        types, samples = parse(a[0])
        got = {l.get("target"): v for n, l, v in samples if n == "gomedic_target_up"}
        print("gomedic_target_up:", got)
        return got == {t: 1.0 for t in NAMES.values()}
    if cmd == "escaped":  # METRICS: the hostile name escaped as the text format says
        name = NAMES["evil"]
        want = 'gomedic_target_up{target="%s"} ' % name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        lines = [l for l in open(a[0]) if l.startswith("gomedic_target_up")]
        print("want: %swith: %s" % (want, "".join(lines)))
        return any(l.startswith(want) for l in lines)
    if cmd == "finding-series":  # METRICS TARGET ID: a gomedic_findings series
        types, samples = parse(a[0])
        got = [l for n, l, v in samples if n == "gomedic_findings"]
        print("gomedic_findings:", got)
        return any(l.get("target") == a[1] and l.get("id") == a[2] for l in got)
    if cmd == "value":  # METRICS NAME VALUE K=V...: the one sample of NAME with these labels is VALUE
        types, samples = parse(a[0])
        want = dict(kv.split("=", 1) for kv in a[3:])
        got = [(l, v) for n, l, v in samples if n == a[1] and all(l.get(k) == x for k, x in want.items())]
        print("%s %s: %s" % (a[1], want, got))
        return len(got) == 1 and got[0][1] == float(a[2])
    if cmd == "prom-targets-up":  # Prometheus scrapes the daemon
        d = get(os.environ["PROM"] + "/api/v1/targets")
        act = d["data"]["activeTargets"]
        print([(x["scrapeUrl"], x["health"], x.get("lastError")) for x in act])
        return len(act) == 1 and act[0]["health"] == "up"
    if cmd == "prom-has-data":  # SECS: Prometheus holds SECS seconds of the leaky target
        r = prom('count_over_time(gomedic_target_up{target="leaky"}[1m])')
        print("samples of the last minute:", r)
        return bool(r) and r[0][1] >= int(a[0])
    if cmd == "prom-up":  # gomedic_target_up 1 for every target, names as given
        r = prom("gomedic_target_up")
        print(r)
        return sorted((l["target"], v) for l, v in r) == sorted((t, 1.0) for t in NAMES.values())
    if cmd == "prom-top":  # QUERY MIN: topk(1, ...) names leaky with a value over MIN
        r = prom(a[0])
        print(a[0], "->", r)
        all_ = prom(a[0].replace("topk(1, ", "", 1)[:-1])
        print("all:", sorted((l.get("target"), round(v, 2)) for l, v in all_))
        return len(r) == 1 and r[0][0].get("target") == "leaky" and r[0][1] > float(a[1])
    if cmd == "prom-findings":  # gomedic_findings names leaky, not the others
        r = prom("gomedic_findings")
        print("gomedic_findings:", r)
        return any(l.get("target") == "leaky" for l, v in r) and all(l.get("target") == "leaky" for l, v in r)
    if cmd == "prom-quiet":  # no gomedic_findings series for another target ever
        r = prom('count_over_time(gomedic_findings{target!="leaky"}[10m])')
        print('count_over_time(gomedic_findings{target!="leaky"}[10m]):', r)
        r2 = prom('count_over_time(gomedic_target_up{target="healthy"}[10m])')
        print("scrapes seen for healthy:", r2)
        return not r and bool(r2) and r2[0][1] >= 20
    if cmd in ("am-alerts", "am-resolved"):  # JSONFILE LISTEN_URL
        # am-alerts: an alert as the contract says for each finding of leaky whose episode is open
        # (at least the goroutine-growth one); am-resolved: none active for the resolved ones
        resolved = {e["rule"] for e in events(a[0], "resolved", target="leaky")}
        findings = [f for f in events(a[0], "finding", target="leaky")
                    if (f["rule"] in resolved) == (cmd == "am-resolved")]
        if not any(f["rule"] == "goroutine-growth" for f in findings):
            findings = []
        alerts = get(os.environ["AM"] + "/api/v2/alerts")
        json.dump(alerts, open(os.path.join(TMP, "alerts.json"), "w"), indent=1)
        print("alerts:", json.dumps([(x["labels"], x["status"]["state"], x["endsAt"]) for x in alerts]))
        if not findings:
            print("no goroutine-growth finding event for leaky (open / resolved as wanted)")
            return False
        bad = []
        others = [x["labels"] for x in alerts if x["labels"].get("target") != "leaky"]
        if others:
            bad.append("alerts for other targets: %s" % others)
        now = time.time()
        for f in findings:
            # a finding without a function (heap-growth of the total) has no function label
            mine = [x for x in alerts if x["labels"].get("id") == f["id"] and x["labels"].get("target") == "leaky"
                    and x["labels"].get("function", "") == f["function"]]
            if cmd == "am-resolved":
                live = [x for x in mine if x["status"]["state"] == "active" and rfc3339(x["endsAt"]) > now]
                if live:
                    bad.append("%s still active: %s" % (f["id"], live))
                continue
            if len(mine) != 1:
                bad.append("finding %s %s: %d alerts" % (f["id"], f["function"], len(mine)))
                continue
            x, l, an = mine[0], mine[0]["labels"], mine[0]["annotations"]
            want = {"alertname": "GomedicFinding", "target": "leaky", "id": f["id"], "severity": f["severity"],
                    "function": f["function"], "rule": f["rule"]}
            for k, v in want.items():
                if l.get(k, "") != v:
                    bad.append("label %s=%r, want %r" % (k, l.get(k), v))
            for k in ("summary", "evidence", "fix", "capture_url"):
                if not an.get(k):
                    bad.append("annotation %s missing or empty: %s" % (k, an))
            for k in ("evidence", "fix"):
                if an.get(k) and an.get(k) != f.get(k):
                    bad.append("annotation %s %r, the finding says %r" % (k, an.get(k), f.get(k)))
            cap = "%scaptures/%s" % (a[1], f.get("capture"))
            if an.get("capture_url") != cap:
                bad.append("capture_url %r, want %r (finding's capture %r)" % (an.get("capture_url"), cap, f.get("capture")))
            if x.get("generatorURL") != an.get("capture_url"):
                bad.append("generatorURL %r, not the capture_url" % x.get("generatorURL"))
            if x["status"]["state"] != "active":
                bad.append("state %s" % x["status"]["state"])
            if abs(rfc3339(x["startsAt"]) - rfc3339(f["time"])) > 30:
                bad.append("startsAt %s, finding at %s" % (x["startsAt"], f["time"]))
        print("\n".join(bad))
        return not bad
    raise SystemExit("t.py: unknown command " + cmd)


try:
    sys.exit(0 if main(*sys.argv[1:]) else 1)
except (OSError, ValueError, KeyError, IndexError) as e:
    print("%s: %s" % (type(e).__name__, e))
    sys.exit(1)
EOF
export TMP=$tmp

# start_leaky NAME ARGS...: runs leaky on a free port; its URL in $tmp/NAME.url
start_leaky() {
  local name=$1; shift
  "$tmp/leaky" -addr 127.0.0.1:0 "$@" > "$tmp/$name.svc" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do
    grep -q "serving pprof on" "$tmp/$name.svc" 2>/dev/null && break
    sleep 0.1
  done
  sed -n 's|.*serving pprof on \(http://[0-9.:]*\).*|\1|p' "$tmp/$name.svc" > "$tmp/$name.url"
}
# listening NAME: waits for the daemon's listening event in $tmp/NAME.json; its URL in $got
listening() {
  got=
  if poll 10 t listening "$tmp/$1.json"; then got=$(cat "$tmp/t.out"); fi
  [ -n "$got" ]
}
evil=$'evil"<b>x</b>\\\''
python3 -c 'import json, sys; json.dump({"leaky": "leaky", "healthy": "healthy", "evil": sys.argv[1]}, open(sys.argv[2], "w"))' \
  "$evil" "$tmp/names.json"

# --- the services, an Alertmanager, the daemon, a Prometheus scraping it
start_leaky leaky -leak goroutines -leak-after 5s -leak-for 25s -rate 20 -for 170s
start_leaky healthy -leak none -for 170s
lurl=$(cat "$tmp/leaky.url") hurl=$(cat "$tmp/healthy.url")

amport=$(free_port)
am=http://127.0.0.1:$amport
cat > "$tmp/am.yml" <<EOF
global:
  resolve_timeout: 5m
route:
  receiver: "null"
receivers:
  - name: "null"
EOF
"$ALERTMANAGER" --config.file="$tmp/am.yml" --storage.path="$tmp/am" --web.listen-address="127.0.0.1:$amport" \
  --cluster.listen-address= > "$tmp/am.log" 2>&1 &
pids+=($!)
export AM=$am
check "alertmanager: ready" "$tmp/am.log" poll 20 curl -sf --max-time 2 -o /dev/null "$am/-/ready"

# --min-heap 4M: a 12 s window is all warm-up for a service that just started (its heap can
# rise 1.5 MB and then stay flat); the leak adds 10 MB in it. --min-goroutines 100: under ASan
# the healthy service's bursts of short-lived goroutines (up to 300 at once) overlapped into
# floor rises of 13 and, sampled mid-burst three times running, 42 (5 -> 47, session 9); the
# leak adds 20 a second for 25 s.
"$bin" watch --interval 1s --window 12s --min-heap 4M --min-goroutines 100 --cooldown 5s --cpu-seconds 1 --listen 127.0.0.1:0 --alertmanager "$am" \
  --db "$tmp/w.db" --json --for 120s "leaky=$lurl" "healthy=$hurl" "$evil=$hurl" > "$tmp/w.json" 2> "$tmp/w.err" &
wpid=$!
pids+=($wpid)
if listening w; then url=$got; else
  bad "--listen 127.0.0.1:0: no {\"event\": \"listening\"} line on stdout" "$tmp/w.err"
  tail -n 5 "$tmp/w.json"
  summary
fi
ok "--listen 127.0.0.1:0: listening on $url"
check "stderr: gomedic watch: serving $url" "$tmp/w.err" grep -qxF "gomedic watch: serving $url" "$tmp/w.err"
check "the URL: http://127.0.0.1:PORT/ with the port picked" "" grep -qE '^http://127\.0\.0\.1:[1-9][0-9]*/$' <<< "$url"

pport=$(free_port)
export PROM=http://127.0.0.1:$pport
cat > "$tmp/prom.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: gomedic
    static_configs:
      - targets: ["$(sed 's|^http://||; s|/$||' <<< "$url")"]
EOF
"$PROMETHEUS" --config.file="$tmp/prom.yml" --storage.tsdb.path="$tmp/prom" --web.listen-address="127.0.0.1:$pport" \
  > "$tmp/prom.log" 2>&1 &
pids+=($!)

# --- /metrics as read by curl and promtool
poll 15 sh -c 'curl -s --max-time 5 -o "$1" "$2" && python3 "$3" sampled "$1" 2 > "$4" 2>&1' _ \
  "$tmp/m.txt" "${url}metrics" "$tmp/t.py" "$tmp/t.out" || bad "/metrics: 2 samples of each target (15 s)" "$tmp/t.out"
status=$(curl -s --max-time 5 -D "$tmp/m.hdr" -o "$tmp/m.txt" -w '%{http_code}' "${url}metrics")
check "/metrics: 200 ($status)" "$tmp/m.hdr" [ "$status" = 200 ]
check "/metrics: Content-Type text/plain; version=0.0.4" "$tmp/m.hdr" grep -qi '^content-type: text/plain; *version=0\.0\.4' "$tmp/m.hdr"
"$PROMTOOL" check metrics < "$tmp/m.txt" > "$tmp/promtool.out" 2>&1
rc=$?
check "promtool check metrics: no problem (exit $rc)" "$tmp/promtool.out" [ $rc = 0 ]
tcheck "/metrics: every family of the contract, its type, labels and values" families "$tmp/m.txt"
tcheck "/metrics: gomedic_goroutines has the 12 state classes for each target" states "$tmp/m.txt"
tcheck "/metrics: gomedic_target_up 1 for each target, the names read back" up "$tmp/m.txt"
tcheck "/metrics: the hostile name escaped in its label" escaped "$tmp/m.txt"
status=$(code "${url}metrics" -X POST)
check "POST /metrics: 405 ($status)" "" [ "$status" = 405 ]

# --- --auth-token, --auth-token-file, a non-loopback address without a token
"$bin" watch --interval 1s --listen 127.0.0.1:0 --auth-token s3cret --for 8s --db "$tmp/auth.db" --json \
  "healthy=$hurl" > "$tmp/auth.json" 2> "$tmp/auth.err" &
pids+=($!)
printf 'fr0m-f1le' > "$tmp/token"
"$bin" watch --interval 1s --listen 127.0.0.1:0 --auth-token-file "$tmp/token" --for 8s --db "$tmp/auth2.db" --json \
  "healthy=$hurl" > "$tmp/auth2.json" 2> "$tmp/auth2.err" &
pids+=($!)
if listening auth; then
  a=${got}metrics
  status=$(code "$a"); check "--auth-token: 401 without it ($status)" "" [ "$status" = 401 ]
  status=$(code "$a" -H "Authorization: Bearer s3cret"); check "--auth-token: 200 with Bearer ($status)" "" [ "$status" = 200 ]
  status=$(code "$a" -u any:s3cret); check "--auth-token: 200 with Basic any:TOKEN ($status)" "" [ "$status" = 200 ]
  status=$(code "$a" -H "Authorization: Bearer s3cre"); check "--auth-token: 401 with a wrong Bearer ($status)" "" [ "$status" = 401 ]
  status=$(code "$a" -u any:wrong); check "--auth-token: 401 with a wrong Basic password ($status)" "" [ "$status" = 401 ]
  curl -s --max-time 5 -D "$tmp/401.hdr" -o /dev/null "$a"
  check "--auth-token: a 401 asks for Basic (WWW-Authenticate: Basic ...), what a browser prompts for" "$tmp/401.hdr" \
    grep -qi '^www-authenticate: *basic' "$tmp/401.hdr"
else
  bad "--auth-token: no listening line" "$tmp/auth.err"
fi
if listening auth2; then
  status=$(code "${got}metrics"); check "--auth-token-file: 401 without it ($status)" "" [ "$status" = 401 ]
  status=$(code "${got}metrics" -H "Authorization: Bearer fr0m-f1le")
  check "--auth-token-file: 200 with Bearer ($status)" "" [ "$status" = 200 ]
  # the limits (on this watch, not the one Prometheus scrapes): a header over the 32 kB a
  # request may take is refused; 300 requests at once run past the burst of 200 (then 429)
  big=$(head -c 40000 /dev/zero | tr '\0' 'a')
  status=$(code "${got}healthz" -H "X-Big: $big")
  check "a 40 kB request header: refused ($status)" "" [ "$status" != 200 ]
  for _ in $(seq 300); do echo "url = \"${got}healthz\""; echo "output = /dev/null"; done > "$tmp/many.cfg"
  curl -s --parallel --parallel-max 16 -H "Authorization: Bearer fr0m-f1le" -w '%{http_code}\n' -K "$tmp/many.cfg" > "$tmp/many.out" 2>&1
  n200=$(grep -c '^200$' "$tmp/many.out"); n429=$(grep -c '^429$' "$tmp/many.out")
  check "300 requests at once: the first 200 or so served, then 429 ($n200 x 200, $n429 x 429)" "$tmp/many.out" \
    [ "$n200" -ge 190 ] && [ "$n429" -ge 50 ]
else
  bad "--auth-token-file: no listening line" "$tmp/auth2.err"
fi
timeout 10 "$bin" watch --listen 0.0.0.0:0 --for 2s --db "$tmp/open.db" "healthy=$hurl" > "$tmp/open.out" 2> "$tmp/open.err"
rc=$?
check "--listen 0.0.0.0:0 without a token: exit 2 ($rc), names --auth-token or --insecure-listen" "$tmp/open.err" \
  rc_grep $rc 'auth-token\|insecure-listen' "$tmp/open.err"
check "--listen 0.0.0.0:0 without a token: never served" "$tmp/open.err" bash -c '! grep -q serving "$1" "$2"' _ "$tmp/open.err" "$tmp/open.out"
[ -e "$tmp/open.db" ] && bad "--listen 0.0.0.0:0 without a token: refused before anything, yet the database was made ($(cat "$tmp/open.out"))" ||
  ok "--listen 0.0.0.0:0 without a token: refused before anything (no database made)"

# --- Prometheus: the targets up, PromQL names the target that leaks
tpoll 30 "prometheus: scrapes the daemon (health up)" prom-targets-up
tpoll 10 "prometheus: gomedic_target_up 1 for leaky, healthy and the hostile name" prom-up
poll 40 t prom-has-data 15 || bad "prometheus: 15 s of samples" "$tmp/t.out"
q='topk(1, deriv(sum by (target) (gomedic_goroutines)[30s:1s]))'
tpoll 20 "prometheus: $q names leaky (over 5/s)" prom-top "$q" 5
q='topk(1, deriv(gomedic_goroutines{state="chan_send"}[30s]))'
tpoll 10 "prometheus: $q names leaky (over 5/s)" prom-top "$q" 5

# --- the finding: the JSON event, gomedic_findings, the alert in Alertmanager
if poll 45 t has "$tmp/w.json" finding target=leaky rule=goroutine-growth; then
  gid=$(python3 -c 'import json,sys; print([e["id"] for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "finding" and e.get("rule") == "goroutine-growth"][0])' "$tmp/w.json")
  ok "leaky: a goroutine-growth finding ($gid)"
else
  gid=none
  bad "leaky: a goroutine-growth finding (45 s)" "$tmp/w.json"
fi
tpoll 10 "prometheus: gomedic_findings names leaky, not the others" prom-findings
curl -s --max-time 5 -o "$tmp/m2.txt" "${url}metrics"
tcheck "/metrics: gomedic_findings{target=\"leaky\",id=\"$gid\"}" finding-series "$tmp/m2.txt" leaky "$gid"
# the Grafana dashboard's queries read metrics this scrape has (tests/grafana/check.py)
check "examples/grafana: every metric the dashboard reads is in a real scrape" "$tmp/grafana.out" \
  bash -c "python3 tests/grafana/check.py --metrics '$tmp/m2.txt' > '$tmp/grafana.out' 2>&1"
tpoll 15 "alertmanager: one alert per open finding of leaky, labels and annotations as the contract says, none for the others" \
  am-alerts "$tmp/w.json" "$url"
cap=$(python3 -c 'import json,sys; a=[x for x in json.load(open(sys.argv[1])) if x["labels"].get("target") == "leaky"]; print(a[0]["annotations"].get("capture_url", "") if a else "")' "$tmp/alerts.json" 2>/dev/null)
status=$(code "${cap:-${url}captures/none}")
check "the alert's capture_url answers 200 ($cap: $status)" "" [ "$status" = 200 ]

# --- the leak stops, the episode resolves: the alert ends, the series goes
grep -q "leak stopped at" "$tmp/leaky.svc" || poll 30 grep -q "leak stopped at" "$tmp/leaky.svc"
check "leaky: stopped leaking ($(sed -n 's/.*leak stopped at //p' "$tmp/leaky.svc"))" "$tmp/leaky.svc" grep -q "leak stopped at" "$tmp/leaky.svc"
if poll 70 t has "$tmp/w.json" resolved target=leaky rule=goroutine-growth; then
  ok "leaky: goroutine-growth resolved ($(python3 -c 'import json,sys; print([e["time"] for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "resolved"][0])' "$tmp/w.json"))"
  tpoll 15 "alertmanager: the alerts of the resolved episodes no longer active" am-resolved "$tmp/w.json" "$url"
  curl -s --max-time 5 -o "$tmp/m3.txt" "${url}metrics"
  if t finding-series "$tmp/m3.txt" leaky "$gid"; then bad "/metrics: the gomedic_findings series gone once resolved" "$tmp/t.out"
  else ok "/metrics: the gomedic_findings series gone once resolved"; fi
  ntrig=$(python3 "$tmp/t.py" count "$tmp/w.json" trigger target=leaky rule=goroutine-growth)
  tcheck "/metrics: gomedic_triggers_total{rule=\"goroutine-growth\"} of leaky as the events ($ntrig)" \
    value "$tmp/m3.txt" gomedic_triggers_total "$ntrig" target=leaky rule=goroutine-growth
else
  bad "leaky: goroutine-growth resolved (70 s after the leak stopped)" "$tmp/w.json"
fi

# --- the healthy target and the hostile name: nothing found, ever
for n in healthy "$evil"; do
  c=$(python3 "$tmp/t.py" count "$tmp/w.json" trigger target="$n")$(python3 "$tmp/t.py" count "$tmp/w.json" finding target="$n")
  check "$n: no trigger, no finding event" "$tmp/w.json" [ "$c" = 00 ]
done
tcheck "prometheus: never a gomedic_findings series for another target than leaky" prom-quiet

# --- SIGTERM: the watch stops cleanly, the server with it (under ASan: no error, no leak)
kill -TERM "$wpid" 2>/dev/null
for _ in $(seq 100); do kill -0 "$wpid" 2>/dev/null || break; sleep 0.1; done
wait "$wpid" 2>/dev/null
rc=$?
check "SIGTERM: the watch exits 0 ($rc)" "$tmp/w.err" [ "$rc" = 0 ]
check "SIGTERM: no sanitizer report" "$tmp/w.err" bash -c "! grep -q Sanitizer '$tmp/w.err'"

echo "(run: $SECONDS s)"
summary
