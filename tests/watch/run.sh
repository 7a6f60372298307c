#!/usr/bin/env bash
# gomedic watch against real processes on loopback: a service that starts leaking (found, once
# per episode, with the file commands' catalogue ids), the same service healthy (quiet), and
# targets that are down, hang, answer 500, send garbage or an endless body, fail now and then,
# restart; the daemon killed with SIGKILL and restarted on its database; databases that cannot
# be opened. Every case runs a real Go program built here (examples/leaky, tests/watch/badtarget)
# and stops by itself. Prints "watch: N passed, N failed".
#   tests/watch/run.sh            (make watch-test; GO= picks the Go that builds the programs)
set -u
cd "$(dirname "$0")/../.."
root=$PWD
bin=${GOMEDIC:-$root/build/gomedic}
GO=${GO:-$( [ -x /usr/lib/go-1.19/bin/go ] && echo /usr/lib/go-1.19/bin/go || echo go )}
if ! command -v "$GO" >/dev/null 2>&1; then
  echo "watch: no Go toolchain: skipped"; echo "watch: 0 passed, 0 failed"; exit 0
fi
tmp=$(mktemp -d)
pids=()
cleanup() { exec 2>/dev/null; for p in "${pids[@]}"; do kill -9 "$p"; wait "$p"; done; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0 fail=0
rc_grep() { [ "$1" = 2 ] && grep -q -- "$2" "$3"; } # RC TEXT FILE: exit 2 and says TEXT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 20 "$2"; fail=$((fail + 1)); }
check() { # NAME LOGFILE CMD...: the command must succeed
  local name=$1 log=$2; shift 2
  if "$@"; then ok "$name"; else bad "$name" "$log"; fi
}

# -trimpath: its dumps print module paths (example.com/leaky/main.go), which only the source
# root's go.mod resolves
(cd examples/leaky && GOFLAGS=-mod=mod "$GO" build -trimpath -o "$tmp/leaky" .) &&
  (cd tests/watch/badtarget && GOFLAGS=-mod=mod "$GO" build -o "$tmp/badtarget" .) || {
  echo "watch: cannot build the test programs with $GO"; echo "watch: 0 passed, 1 failed"; exit 1
}

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
start_bad() { # NAME MODE: badtarget; URL in $tmp/NAME.url
  "$tmp/badtarget" -mode "$2" -for 90s > "$tmp/$1.svc" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do [ -s "$tmp/$1.svc" ] && break; sleep 0.1; done
  echo "http://$(head -1 "$tmp/$1.svc")" > "$tmp/$1.url"
}
# watch NAME FOR ARGS...: gomedic watch --json into $tmp/NAME.json, peak RSS in $tmp/NAME.rss
watch() {
  local name=$1 dur=$2; shift 2
  /usr/bin/time -f %M -o "$tmp/$name.rss" "$bin" watch --json --interval 1s --for "$dur" \
    --cpu-seconds 1 --db "$tmp/$name.db" "$@" > "$tmp/$name.json" 2> "$tmp/$name.err"
  echo $? > "$tmp/$name.rc"
}
events() { # NAME EVENT [FIELD=VALUE]: how many such events
  python3 - "$tmp/$1.json" "$2" "${3:-}" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] != sys.argv[2]:
        continue
    if sys.argv[3]:
        k, v = sys.argv[3].split("=", 1)
        if str(e.get(k)) != v:
            continue
    n += 1
print(n)
EOF
}

# --- a leaking service and a healthy one, watched at the same time
start_leaky leak -leak both -leak-after 5s -rate 20 -for 120s
start_leaky healthy -leak none -for 120s
start_bad down500 status
start_bad hang hang
start_bad garbage garbage
start_bad huge huge
start_bad flaky flaky
# GC pressure (expvar memstats) and absolute limits, one of each, at the same time
start_leaky gc -leak gc -leak-after 1s -for 90s
start_leaky lim -leak goroutines -leak-after 1s -rate 20 -for 90s
start_leaky rss -leak none -for 90s
printf '[target rss]\nurl = %s\npid = %s\n' "$(cat "$tmp/rss.url")" "${pids[-1]}" > "$tmp/rss.ini"
watch gc 25s --window 8s --cpu-seconds 0 --max-gc-cpu 10 --max-captures 50K "gc=$(cat "$tmp/gc.url")" &
w6=$!
watch lim 25s --window 8s --cpu-seconds 0 --max-goroutines 100 --max-rss 1M --config "$tmp/rss.ini" \
  "lim=$(cat "$tmp/lim.url")" &
w7=$!
# --min-heap 4M for both: a healthy saw-tooth under a loaded machine (ASan, CI) can lift its
# heap floor by a megabyte; the leak adds over a megabyte a second
watch leak 50s --min-heap 4M --source-root examples/leaky "svc=$(cat "$tmp/leak.url")" &
w1=$!
watch healthy 55s --min-heap 4M "svc=$(cat "$tmp/healthy.url")" &
w2=$!
watch refused 5s --timeout 1s "gone=http://127.0.0.1:9" &
w3=$!
watch bad 8s --timeout 1s "s500=$(cat "$tmp/down500.url")" "hang=$(cat "$tmp/hang.url")" \
  "garbage=$(cat "$tmp/garbage.url")" "huge=$(cat "$tmp/huge.url")" &
w4=$!
watch flaky 8s "flaky=$(cat "$tmp/flaky.url")" &
w5=$!
wait $w3 $w4 $w5

# refused, hang, 500, garbage, huge: each one "down" event with its reason, exit 0, bounded RSS
check "refused target: exit 0" "$tmp/refused.err" [ "$(cat "$tmp/refused.rc")" = 0 ]
check "refused target: one down event" "$tmp/refused.json" [ "$(events refused down)" = 1 ]
check "refused target: says why" "$tmp/refused.json" grep -q '"message": "goroutine: .*[Cc]onnect' "$tmp/refused.json"
check "broken targets: exit 0" "$tmp/bad.err" [ "$(cat "$tmp/bad.rc")" = 0 ]
check "HTTP 500: down" "$tmp/bad.json" grep -q '"target": "s500".*"event": "down".*HTTP status 500' "$tmp/bad.json"
check "hanging target: down on the timeout" "$tmp/bad.json" grep -qE '"target": "hang".*"event": "down".*(timed out|[Tt]imeout)' "$tmp/bad.json"
check "garbage body: down, not a profile" "$tmp/bad.json" grep -q '"target": "garbage".*"event": "down".*found text' "$tmp/bad.json"
check "endless body: down at --max-body" "$tmp/bad.json" grep -q '"target": "huge".*"event": "down".*body larger than' "$tmp/bad.json"
check "broken targets: each down once" "$tmp/bad.json" [ "$(events bad down)" = 4 ]
check "endless body: peak RSS under 200 MB ($(cat "$tmp/bad.rss") kB)" "" [ "$(cat "$tmp/bad.rss")" -lt 204800 ]
check "flaky target: up, exit 0" "$tmp/flaky.err" [ "$(events flaky up)" -ge 1 -a "$(cat "$tmp/flaky.rc")" = 0 ]

wait $w6 $w7
check "gc: one gc-cpu trigger (expvar GCCPUFraction over 10%)" "$tmp/gc.json" [ "$(events gc trigger rule=gc-cpu)" = 1 ]
check "gc: the GC share stored with the samples" "" [ "$(sqlite3 "$tmp/gc.db" 'select count(*) from samples where gc_cpu > 10')" -ge 3 ]
check "--max-captures: older captures dropped, files and index agree" "$tmp/gc.json" python3 - "$tmp/gc.db" "$(events gc capture)" <<'EOF'
import os, sqlite3, sys
db, captured = sys.argv[1], int(sys.argv[2])
rows = [r[0] for r in sqlite3.connect(db).execute("select path from captures")]
files = [os.path.join(db + ".captures", f) for f in os.listdir(db + ".captures")]
sys.exit(0 if len(rows) < captured and sorted(rows) == sorted(files) else 1)
EOF
check "gc: heap captured on the trigger" "$tmp/gc.json" grep -q '"rule": "gc-cpu", "kind": "heap"' "$tmp/gc.json"
check "limit: goroutines over --max-goroutines" "$tmp/lim.json" grep -q '"target": "lim".*"event": "trigger".*"rule": "limit".*goroutines over 100' "$tmp/lim.json"
check "limit: resident set (pid from the config) over --max-rss" "$tmp/lim.json" grep -q '"target": "rss".*"event": "trigger".*"rule": "limit".*resident set over 1.0 MB' "$tmp/lim.json"
check "limit: RSS stored only for the target with a pid" "" [ "$(sqlite3 "$tmp/lim.db" "select count(distinct t.name) from samples s join targets t on t.id = s.target_id where s.rss > 1000000")" = 1 ]
check "limit: one trigger each, once per episode" "$tmp/lim.json" [ "$(events lim trigger rule=limit)" = 2 ]
check "no gc-cpu or limit trigger on the leak's own watch (defaults)" "$tmp/lim.json" [ "$(events lim trigger rule=gc-cpu)" = 0 ]

wait $w1 $w2
check "healthy: expvar read (GC share stored), under the default 25%" "" [ "$(sqlite3 "$tmp/healthy.db" 'select count(*) from samples where gc_cpu is not null and gc_cpu < 25')" -ge 5 ]
# the leak: found, named, once per episode
check "leak: exit 0" "$tmp/leak.err" [ "$(cat "$tmp/leak.rc")" = 0 ]
check "leak: one goroutine trigger" "$tmp/leak.json" [ "$(events leak trigger rule=goroutine-growth)" = 1 ]
check "leak: one heap trigger" "$tmp/leak.json" [ "$(events leak trigger rule=heap-growth)" = 1 ]
check "leak: chan-send-blocked in main.(*Notifier).notify" "$tmp/leak.json" \
  grep -q '"event": "finding".*"id": "chan-send-blocked".*"function": "main.(\*Notifier).notify"' "$tmp/leak.json"
check "leak: the finding confirmed by the source (source root, -trimpath paths)" "$tmp/leak.json" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ok = [e for e in ev if e.get("event") == "finding" and e.get("id") == "chan-send-blocked" and
      e.get("source", {}).get("rule") == "send-unreceived" and e["source"]["line"] == 42]
sys.exit(0 if ok else 1)' "$tmp/leak.json"
check "leak: no source keys on findings the source does not confirm" "$tmp/leak.json" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(any(e.get("event") == "finding" and e.get("id") == "heap-growth" and "source" in e for e in ev))' "$tmp/leak.json"
check "leak: heap-growth finding" "$tmp/leak.json" \
  grep -q '"event": "finding".*"id": "heap-growth".*"function": "main\.' "$tmp/leak.json"
check "leak: debug=2, heap, cpu and trace captured" "$tmp/leak.json" \
  [ "$(events leak capture kind=goroutine-debug2)" = 1 -a "$(events leak capture kind=cpu)" = 1 -a "$(events leak capture kind=trace)" = 1 ]
check "leak: the trace captured with the dump confirms its chan-send-blocked" "$tmp/leak.json" \
  grep -q '"event": "trace-evidence", "id": "chan-send-blocked", "verdict": "confirmed"' "$tmp/leak.json"
check "leak: the trace does not repeat the finding the diff has open" "$tmp/leak.json" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(any(e.get("event") == "finding" and e.get("from") == "execution trace" and
             e.get("function") == "main.(*Notifier).notify" for e in ev))' "$tmp/leak.json"
check "leak: no finding about the tracing itself (net/http/pprof.Trace)" "$tmp/leak.json" \
  sh -c "! grep -q '\"event\": \"finding\".*net/http/pprof' '$tmp/leak.json'"
check "healthy: no trigger in 55 s of bursts and saw-tooth" "$tmp/healthy.json" [ "$(events healthy trigger)" = 0 ]
check "healthy: up" "$tmp/healthy.json" [ "$(events healthy up)" = 1 ]

# the store: history gives the same events, captures read with the file commands
"$bin" history --json --db "$tmp/leak.db" > "$tmp/hist.json" 2> "$tmp/hist.err"
check "history --json: every event of the run" "$tmp/hist.err" python3 - "$tmp/hist.json" "$tmp/leak.json" <<'EOF'
import json, sys
stored = json.load(open(sys.argv[1]))["events"]
printed = [json.loads(l) for l in open(sys.argv[2])]
sys.exit(0 if stored == printed else 1)
EOF
"$bin" captures --db "$tmp/leak.db" > "$tmp/caps.txt"
check "captures: listed" "$tmp/caps.txt" grep -q "goroutine-debug2" "$tmp/caps.txt"
files=$(sqlite3 "$tmp/leak.db" "select path from captures where kind='goroutine' order by t_ms")
# shellcheck disable=SC2086
"$bin" diff $files > "$tmp/diff.txt" 2>&1
check "captured profiles: gomedic diff names the leak" "$tmp/diff.txt" grep -q "chan-send-blocked" "$tmp/diff.txt"
check "captured profiles: -trimpath paths unresolved without the source root" "$tmp/diff.txt" \
  sh -c "! grep -q 'confirmed by the source' '$tmp/diff.txt'"
# shellcheck disable=SC2086
"$bin" diff --source-root examples/leaky $files > "$tmp/diffsrc.txt" 2>&1
check "captured profiles: diff --source-root confirms the leak by the source" "$tmp/diffsrc.txt" \
  grep -q "confirmed by the source: leaky/main.go:42 (gomedic lint, send-unreceived)" "$tmp/diffsrc.txt"
dbg2=$(sqlite3 "$tmp/leak.db" "select path from captures where kind='goroutine-debug2'")
check "captured debug=2: gomedic goroutines reads it" "" "$bin" goroutines --no-buckets "$dbg2" > /dev/null

# SIGKILL while writing, then resume on the same database
start_leaky kill -leak goroutines -leak-after 1s -rate 50 -for 120s
"$bin" watch --json --interval 100ms --db "$tmp/kill.db" "k=$(cat "$tmp/kill.url")" > "$tmp/kill1.json" 2>&1 &
wk=$!
pids+=($wk)
sleep 4
kill -9 $wk
wait $wk 2>/dev/null
before=$(sqlite3 "$tmp/kill.db" "select count(*) from samples" 2>&1)
check "SIGKILL: database intact" "" [ "$(sqlite3 "$tmp/kill.db" "pragma integrity_check")" = ok ]
check "SIGKILL: samples committed ($before)" "" [ "$before" -gt 10 ]
"$bin" watch --json --interval 100ms --for 2s --db "$tmp/kill.db" "k=$(cat "$tmp/kill.url")" > "$tmp/kill2.json" 2>&1
after=$(sqlite3 "$tmp/kill.db" "select count(*) from samples")
check "SIGKILL: resumes, nothing lost ($before -> $after samples)" "$tmp/kill2.json" [ "$after" -gt "$before" ]
check "SIGKILL: one target row" "" [ "$(sqlite3 "$tmp/kill.db" "select count(*) from targets")" = 1 ]

# a target that restarts: down, then up with its counts from zero
start_leaky restart -leak none -for 4s
url=$(cat "$tmp/restart.url")
( sleep 6; "$tmp/leaky" -addr "${url#http://}" -leak none -for 20s > /dev/null 2>&1 ) &
pids+=($!)
watch restart 14s "r=$url"
check "restart: down then up again" "$tmp/restart.json" [ "$(events restart down)" = 1 -a "$(events restart up)" = 2 ]

# self-heal hooks from a config: a command (event on stdin and in the environment, its exit
# status and output stored, at most max_per_hour), one that hangs (killed at its timeout), and
# a webhook (a real HTTP server on loopback receives the event)
cat > "$tmp/hook.sh" <<'EOF2'
#!/bin/sh
cat > "$HOOK_DIR/stdin.json"
echo "healing $GOMEDIC_TARGET: $GOMEDIC_ID $GOMEDIC_SEVERITY $GOMEDIC_FUNCTION"
exit 3
EOF2
chmod +x "$tmp/hook.sh"
python3 - "$tmp/webhook" > "$tmp/webhook.port" 2> "$tmp/webhook.err" <<'EOF2' &
import http.server, sys, threading
out = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(out, "ab") as f:
            f.write(body + b"\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
threading.Timer(80, s.shutdown).start()
s.serve_forever()
EOF2
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/webhook.port" ] && break; sleep 0.1; done
start_leaky hooked -leak goroutines -leak-after 2s -rate 30 -for 120s
cat > "$tmp/hooks.ini" <<EOF2
[watch]
interval = 1s
cpu_seconds = 0

[target hooked]
url = $(cat "$tmp/hooked.url")

[hook heal]
on = finding
min_severity = high
exec = $tmp/hook.sh
max_per_hour = 1

[hook limited]
on = trigger, finding
exec = /bin/true
max_per_hour = 1

[hook stuck]
on = trigger
exec = /bin/sleep
arg = 60
timeout = 1s

[hook notify]
on = finding, trigger
min_severity = low
webhook = http://127.0.0.1:$(cat "$tmp/webhook.port")/alert
EOF2
HOOK_DIR=$tmp "$bin" watch --json --config "$tmp/hooks.ini" --for 45s --db "$tmp/hooks.db" > "$tmp/hooks.json" 2> "$tmp/hooks.err"
check "hook: ran once, exit status and output stored" "$tmp/hooks.json" \
  grep -q '"event": "hook", "hook": "heal", "result": "exit status 3", "status": 3.*"output": "healing hooked: chan-send-blocked' "$tmp/hooks.json"
check "hook: the event on its stdin" "$tmp/hooks.json" python3 -c "import json,sys; e=json.load(open('$tmp/stdin.json')); sys.exit(e['event']!='finding' or e['id']!='chan-send-blocked')"
# the trigger, then the leak's finding: the second run of a hook allowed one an hour is skipped
check "hook: rate limit" "$tmp/hooks.json" grep -q '"hook": "limited", "result": "skipped: max_per_hour reached"' "$tmp/hooks.json"
check "hook: a hanging command is killed at its timeout" "$tmp/hooks.json" grep -q '"hook": "stuck", "result": "killed after the timeout"' "$tmp/hooks.json"
check "webhook: the server got the finding" "$tmp/webhook.err" grep -q '"event": "finding".*"id": "chan-send-blocked"' "$tmp/webhook"
check "webhook: posted" "$tmp/hooks.json" grep -q '"hook": "notify", "result": "posted", "status": 204' "$tmp/hooks.json"

# a config with a mistake: the file and line, exit 2
printf '[watch]\ninterval = 1s\n\n[target x]\nurl = http://127.0.0.1:9\nbogus = 1\n' > "$tmp/bad.ini"
"$bin" watch --config "$tmp/bad.ini" --for 1s > /dev/null 2> "$tmp/cfg.err"
check "config: unknown key named with file:line, exit 2" "$tmp/cfg.err" rc_grep $? "bad.ini:6: unknown key 'bogus' in \[target x\]" "$tmp/cfg.err"

# Prometheus file_sd target files, JSON and YAML: names and URLs from targets and labels
cat > "$tmp/sd.json" <<'EOF2'
[{"targets": ["127.0.0.1:9", "127.0.0.1:10"], "labels": {"job": "api"}},
 {"targets": ["127.0.0.1:11"], "labels": {"__scheme__": "https", "instance": "db-1"}}]
EOF2
cat > "$tmp/sd.yml" <<'EOF2'
- targets:
    - 127.0.0.1:9
    - 127.0.0.1:10
  labels:
    job: api
- targets: ["127.0.0.1:11"]
  labels:
    __scheme__: https
    instance: db-1
EOF2
for sd in json yml; do
  "$bin" watch --json --interval 200ms --for 1500ms --timeout 300ms --db "$tmp/sd-$sd.db" \
    --targets "$tmp/sd.$sd" > "$tmp/sd-$sd.out" 2>&1
  got=$(python3 -c "import json,sys; print(' '.join(sorted({json.loads(l)['target']+'='+json.loads(l)['url'] for l in open(sys.argv[1])})))" "$tmp/sd-$sd.out")
  check "file_sd $sd: three targets named from their labels" "$tmp/sd-$sd.out" \
    [ "$got" = "api/127.0.0.1:10=http://127.0.0.1:10 api/127.0.0.1:9=http://127.0.0.1:9 db-1=https://127.0.0.1:11" ]
done

# databases that cannot be used: a clear message and exit 2
"$bin" watch --for 1s --db /etc/passwd/watch.db http://127.0.0.1:9 > /dev/null 2> "$tmp/db1.err"
rc=$?
check "unusable --db: exit 2 with the path" "$tmp/db1.err" rc_grep $rc "/etc/passwd/watch.db" "$tmp/db1.err"
"$bin" history --db "$tmp/none.db" > /dev/null 2> "$tmp/db2.err"
rc=$?
check "history on a missing database: exit 2, says how to make one" "$tmp/db2.err" rc_grep $rc "gomedic watch --db" "$tmp/db2.err"
[ -e "$tmp/none.db" ] && bad "history created a database" || ok "history does not create a database"

echo "watch: $pass passed, $fail failed"
[ $fail -eq 0 ]
