#!/usr/bin/env bash
# Rebuild the dumps only Go >= 1.26 writes from the real Go programs in this
# module. Usage: testdata/gen/go126/regen.sh OUTDIR [GCOUTDIR]
# GO=/path/to/go selects the toolchain (default: go on PATH); if it is older
# than Go 1.26 this prints a skip message and exits 0. Takes ~5 s.
#
# OUTDIR receives (see README.md for what each shows):
#   y_goroutineleak.pb.gz y_goroutineleak_debug1.txt y_goroutineleak_debug2.txt
#   y_goroutineleak_full.txt y_goroutineleak_http_debug1.txt   (goroutineleak)
#   y_synctest_dump.txt y_synctest_deadlock.txt y_synctest_remain.txt (synctest)
#   y_crash.txt y_fatal_deadlock.txt y_fatal_concurrent_map.txt
#   y_fatal_concurrent_map_all.txt                              (crash)
#   y_sync_waitreasons.txt y_tracebacklabels.txt                (syncwait)
# GCOUTDIR, when given, receives y_goroutineleak_gctrace.log: GODEBUG=gctrace=1
# stderr of the goroutineleak program, whose leak-detecting GC cycles print
# "(checking for goroutine leaks)" in the gctrace line.
set -euo pipefail
GO=${GO:-go} # the Go toolchain to run (a path or a name on PATH)

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 OUTDIR [GCOUTDIR]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)

# Never let go.mod's "go 1.26" line download a newer toolchain: the
# version check must see the toolchain that was asked for.
export GOTOOLCHAIN=local
ver=$(cd / && "$GO" env GOVERSION) || {
	echo "regen go126: cannot run '$GO' env GOVERSION" >&2
	exit 1
}
minor=$(printf '%s\n' "$ver" | sed -nE 's/^(devel )?go1\.([0-9]+).*/\2/p')
if [ -z "$minor" ]; then
	echo "regen go126: skipped: cannot tell which Go '$ver' is" >&2
	exit 0
fi
if [ "$minor" -lt 26 ]; then
	echo "regen go126: skipped: $ver is older than go1.26" >&2
	exit 0
fi

out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
gcout=
if [ $# -eq 2 ]; then
	mkdir -p "$2"
	gcout=$(cd "$2" && pwd)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

unset GOTRACEBACK GODEBUG GOEXPERIMENT GOMAXPROCS
export CGO_ENABLED=0
cd "$here"
echo "regen go126: $("$GO" version) -> $out" >&2
mkdir -p "$tmp/bin"
GOEXPERIMENT=goroutineleakprofile "$GO" build -o "$tmp/bin/" ./goroutineleak
"$GO" build -o "$tmp/bin/" ./crash ./syncwait
bin=$tmp/bin

# run WANT_RC OUTFILE CMD... : CMD's stderr into OUTFILE (stdout into
# OUTFILE.stdout in tmp), require exit status WANT_RC.
run() {
	local want=$1 f=$2 rc=0
	shift 2
	# The outer 2>/dev/null drops bash's own "Aborted" job message.
	{ "$@" > "$tmp/$f.stdout" 2> "$out/$f"; } 2> /dev/null || rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "regen go126: $f: $* exited $rc, want $want" >&2
		cat "$out/$f" >&2
		exit 1
	fi
}

# need FILE PATTERN [COUNT]: FILE has at least COUNT (default 1) lines
# matching the extended regex PATTERN.
bad=0
need() {
	local f=$1 pat=$2 want=${3:-1} got
	got=$(grep -cE -- "$pat" "$out/$f" || true)
	if [ "$got" -lt "$want" ]; then
		echo "regen go126: $f: $got lines match '$pat', want >= $want" >&2
		bad=1
	fi
}

# 1. goroutineleak profile (debug=0/1/2, full goroutine dump, HTTP debug=1).
"$bin/goroutineleak" "$out" 2> "$tmp/goroutineleak.stderr" || {
	cat "$tmp/goroutineleak.stderr" >&2
	exit 1
}
cat "$tmp/goroutineleak.stderr" >&2
if [ -n "$gcout" ]; then
	mkdir -p "$tmp/gcrun"
	GODEBUG=gctrace=1 "$bin/goroutineleak" "$tmp/gcrun" 2> "$gcout/y_goroutineleak_gctrace.log"
	grep -q 'checking for goroutine leaks' "$gcout/y_goroutineleak_gctrace.log" || {
		echo "regen go126: y_goroutineleak_gctrace.log: no leak-checking GC line" >&2
		bad=1
	}
fi
need y_goroutineleak_debug1.txt '^goroutineleak profile: total 23$'
need y_goroutineleak_http_debug1.txt '^goroutineleak profile: total 23$'
need y_goroutineleak_debug2.txt '^goroutine [0-9]+ \[[^]]* \(leaked\)\]:$' 23
need y_goroutineleak_full.txt '^goroutine [0-9]+ \[[^]]* \(leaked\)\]:$' 23
need y_goroutineleak_full.txt '^goroutine [0-9]+ \[chan receive\]:$' 5
need y_goroutineleak_full.txt '^goroutine [0-9]+ \[sleep\]:$'
[ "$(head -c 2 "$out/y_goroutineleak.pb.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ] || {
	echo "regen go126: y_goroutineleak.pb.gz is not gzip" >&2
	bad=1
}

# 2. testing/synctest: a dump inside a bubble and the two bubble panics,
# as `go test` prints them.
GOMEDIC_SYNCTEST_DUMP=$out/y_synctest_dump.txt \
	"$GO" test -count=1 -run '^TestBubbleDump$' ./synctest > "$tmp/synctest_dump.log" 2>&1 || {
	cat "$tmp/synctest_dump.log" >&2
	exit 1
}
rc=0
GOMEDIC_SYNCTEST_FAIL=deadlock "$GO" test -count=1 -run '^TestBubbleDeadlock$' ./synctest \
	> "$out/y_synctest_deadlock.txt" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { echo "regen go126: synctest deadlock: exit $rc, want 1" >&2; exit 1; }
rc=0
GOMEDIC_SYNCTEST_FAIL=remain "$GO" test -count=1 -run '^TestBubbleBlockedRemain$' ./synctest \
	> "$out/y_synctest_remain.txt" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { echo "regen go126: synctest remain: exit $rc, want 1" >&2; exit 1; }
need y_synctest_dump.txt '\(durable\), synctest bubble [0-9]+\]:$' 8
need y_synctest_dump.txt '^goroutine [0-9]+ \[sync\.Mutex\.Lock, synctest bubble [0-9]+\]:$'
need y_synctest_deadlock.txt '^panic: deadlock: all goroutines in bubble are blocked'
need y_synctest_remain.txt '^panic: deadlock: main bubble goroutine has exited but blocked goroutines remain'

# 3. Crashes. GOTRACEBACK=crash ends in SIGABRT: no core file, please.
ulimit -c 0
run 134 y_crash.txt env GOTRACEBACK=crash "$bin/crash" panic
run 2 y_fatal_deadlock.txt "$bin/crash" deadlock
# Go 1.26's maps sometimes catch the race elsewhere first (1 run in 130 here: "fatal error:
# small map with no empty slot (concurrent map writes?)"); these fixtures show the usual
# message, so a run is made again (3 tries) until it prints it.
for f in y_fatal_concurrent_map.txt y_fatal_concurrent_map_all.txt; do
	tb=single
	[ "$f" = y_fatal_concurrent_map_all.txt ] && tb=all
	for try in 1 2 3; do
		run 2 "$f" env GOMAXPROCS=2 GOTRACEBACK=$tb "$bin/crash" concurrent-map
		grep -q '^fatal error: concurrent map writes$' "$out/$f" && break
	done
done
need y_crash.txt '^panic: assignment to entry in nil map$'
need y_crash.txt '^goroutine 1 gp=0x[0-9a-f]+ m=[0-9]+ mp=0x[0-9a-f]+ \[running\]:$'
need y_crash.txt '^goroutine [0-9]+ gp=0x[0-9a-f]+ m=nil \[' 5
need y_fatal_deadlock.txt '^fatal error: all goroutines are asleep - deadlock!$'
need y_fatal_concurrent_map.txt '^fatal error: concurrent map writes$'
need y_fatal_concurrent_map_all.txt '^fatal error: concurrent map writes$'
# Both writers (the other one may be "[running]" on another thread with
# "goroutine running on other thread; stack unavailable").
need y_fatal_concurrent_map_all.txt '^created by main\.main in goroutine 1$' 2

# 4. Every sync wait reason, plain and with GODEBUG=tracebacklabels=1.
"$bin/syncwait" > "$out/y_sync_waitreasons.txt"
GODEBUG=tracebacklabels=1 "$bin/syncwait" > "$out/y_tracebacklabels.txt"
for s in 'sync\.Mutex\.Lock' 'sync\.RWMutex\.RLock' 'sync\.RWMutex\.Lock' \
	'sync\.WaitGroup\.Wait' 'sync\.Cond\.Wait'; do
	need y_sync_waitreasons.txt "^goroutine [0-9]+ \[$s\]:$"
	need y_tracebacklabels.txt "^goroutine [0-9]+ \[$s labels:\{\"component\": \"[a-z]+\"\}\]:$"
done

[ "$bad" -eq 0 ] || exit 1
echo "regen go126: done" >&2
