#!/usr/bin/env bash
# Benchmark gomedic against panicparse on real Go goroutine dumps.
#
#   bench/run.sh            # sizes 1e4 1e5
#   bench/run.sh 1e4 1e5 1e6
#
# Environment:
#   GOMEDIC         gomedic binary (default ./build/gomedic, repo-root relative)
#   BENCH_DIR       scratch dir for the generator and dumps (default /tmp/gomedic-bench)
#   REPEAT          runs per quick measurement, best wall time wins (default 3)
#   QUICK_S         a tool counts as "quick" (gets REPEAT runs) if its first run
#                   took less than this many seconds (default 10)
#   SHORT_S, SHORT_REPEAT  a run whose first try took under SHORT_S s (default 0.5)
#                   is tried SHORT_REPEAT times (default 10), best wall time wins
#   PANICPARSE_MAX  largest size panicparse is run on (default 1e5; it needs GBs of RAM)
#   PANICPARSE      panicparse binary (default: panicparse on PATH)
#   REGEN=1         regenerate dumps even if present
#   GO              the Go toolchain that builds the generator (default: go on PATH)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

GOMEDIC=${GOMEDIC:-./build/gomedic}
GO=${GO:-go} # the Go toolchain (generators, go tool pprof): a path or a name on PATH
BENCH_DIR=${BENCH_DIR:-/tmp/gomedic-bench}
REPEAT=${REPEAT:-3}
QUICK_S=${QUICK_S:-10}
SHORT_S=${SHORT_S:-0.5}
SHORT_REPEAT=${SHORT_REPEAT:-10}
PANICPARSE_MAX=${PANICPARSE_MAX:-1e5}
PANICPARSE=${PANICPARSE:-panicparse}
TIME=/usr/bin/time

die() { echo "run.sh: $*" >&2; exit 1; }

# "1e5" -> 100000 (also accepts plain integers).
num() { awk -v x="$1" 'BEGIN { if (x !~ /^[0-9.]+([eE][0-9]+)?$/) exit 1; printf "%d\n", x + 0 }' \
        || die "bad size '$1' (use e.g. 1e4 or 10000)"; }

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1e4 1e5)

# ---- preflight -------------------------------------------------------------
[ -x "$TIME" ] || die "GNU time not found at $TIME (apt-get install time)"
[ -n "${EPOCHREALTIME:-}" ] || die "bash >= 5 needed (EPOCHREALTIME)"
"$TIME" -f '%e %M' true 2>/dev/null || die "$TIME is not GNU time (need -f '%e %M')"
if [[ "$GOMEDIC" != */* ]]; then
    GOMEDIC_PATH=$(command -v "$GOMEDIC" || true)
else
    GOMEDIC_PATH=$GOMEDIC
fi
if [ -z "$GOMEDIC_PATH" ] || [ ! -f "$GOMEDIC_PATH" ] || [ ! -x "$GOMEDIC_PATH" ]; then
    die "gomedic binary not found or not executable: '$GOMEDIC' (cwd $ROOT).
Build it first (it is expected at ./build/gomedic), or point GOMEDIC at it:
    GOMEDIC=/path/to/gomedic bench/run.sh ${sizes[*]}"
fi
GOMEDIC=$GOMEDIC_PATH
have_pp=1
command -v "$PANICPARSE" >/dev/null 2>&1 || { have_pp=0; echo "run.sh: warning: $PANICPARSE not found, panicparse rows will be skipped" >&2; }
command -v "$GO" >/dev/null 2>&1 || die "$GO not found (needed to build bench/gen)"

mkdir -p "$BENCH_DIR"
pp_max=$(num "$PANICPARSE_MAX")

# ---- generator -------------------------------------------------------------
GEN=$BENCH_DIR/gen
echo "building generator -> $GEN" >&2
(cd "$ROOT/bench/gen" && GOFLAGS=-mod=mod CGO_ENABLED=0 "$GO" build -o "$GEN" .) \
    || die "building bench/gen failed"

for s in "${sizes[@]}"; do
    n=$(num "$s")
    f=$BENCH_DIR/dump-$s.txt
    if [ -s "$f" ] && [ "${REGEN:-0}" != 1 ]; then
        continue
    fi
    echo "generating $f (n=$n) ..." >&2
    [ "$n" -le 100000 ] || echo "  (needs ~5.3 GB RAM and ~40 s per 1e6 goroutines)" >&2
    ulimit -n 4096 2>/dev/null || true
    "$GEN" -n "$n" -o "$f.tmp" 2> "$BENCH_DIR/dump-$s.gen.log" \
        || { cat "$BENCH_DIR/dump-$s.gen.log" >&2; die "generator failed for n=$n"; }
    mv "$f.tmp" "$f"
    tail -n 1 "$BENCH_DIR/dump-$s.gen.log" >&2
done

# ---- measurement helpers ---------------------------------------------------
# measure LABEL CMD... : runs CMD with stdout to /dev/null under GNU time.
# Sets M_WALL (s), M_RSS (KB), M_RC. Repeats quick runs REPEAT times (best wall), short ones
# (under SHORT_S) SHORT_REPEAT times: a 15 ms run is mostly scheduling noise on a shared
# machine. Every tool gets the same treatment.
measure() {
    local label=$1; shift
    local tf=$BENCH_DIR/time.out ef=$BENCH_DIR/stderr-$label.log
    local best_w="" best_r="" rc=0 i w r t0 t1 n=$REPEAT
    for ((i = 1; i <= n; i++)); do
        rc=0
        t0=$EPOCHREALTIME
        "$TIME" -f '%e %M' -o "$tf" "$@" > /dev/null 2> "$ef" || rc=$?
        t1=$EPOCHREALTIME
        read -r w r < <(tail -n 1 "$tf")
        # GNU time's %e has 10 ms resolution, too coarse for the fast tools:
        # use bash's microsecond clock around the same run for wall time
        # (includes ~1 ms of fork/exec overhead); %M gives peak RSS.
        w=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b - a}')
        if [ -z "$best_w" ] || awk -v a="$w" -v b="$best_w" 'BEGIN{exit !(a < b)}'; then
            best_w=$w; best_r=$r
        fi
        # Slow tools: one run is enough.
        awk -v a="$w" -v q="$QUICK_S" 'BEGIN{exit !(a >= q)}' && break
        if [ "$i" -eq 1 ] && [ "$n" -gt 1 ] && awk -v a="$w" -v q="$SHORT_S" 'BEGIN{exit !(a < q)}'; then
            n=$((SHORT_REPEAT > REPEAT ? SHORT_REPEAT : REPEAT))
        fi
    done
    M_WALL=$best_w; M_RSS=$best_r; M_RC=$rc
    if [ "$rc" -ne 0 ]; then
        echo "run.sh: note: '$label' exited with status $rc (stderr: $ef)" >&2
    fi
}

# ---- header ----------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)
mem=$(awk '/^MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo 2>/dev/null || echo unknown)
gm_ver=$("$GOMEDIC" --version 2>/dev/null | head -n 1 || true)
[ -n "$gm_ver" ] || gm_ver="(no --version output)"
pp_ver=$(dpkg-query -W -f '${Version}' panicparse 2>/dev/null || echo "unknown")

echo "== gomedic goroutine-dump benchmark"
echo "date:       $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine:    $(nproc) CPUs, $cpu, $mem RAM, $(uname -sr)"
echo "gomedic:    $GOMEDIC  $gm_ver"
echo "panicparse: $(command -v "$PANICPARSE" || echo missing)  $pp_ver"
echo "go:         $("$GO" version | awk '{print $3}') (generator)"
echo "repeat:     best of $REPEAT for runs under ${QUICK_S}s, of $SHORT_REPEAT under ${SHORT_S}s; panicparse up to $PANICPARSE_MAX goroutines"
echo "dumps:      $BENCH_DIR"
echo

row_fmt='%-6s %-22s %9s %9s %11s %10s %8s\n'
printf "$row_fmt" size tool "wall s" "MB/s" "peakRSS MB" "vs gomedic" "vs cat"
printf "$row_fmt" ------ ---------------------- --------- --------- ----------- ---------- --------

# row SIZE TOOL WALL RSS_KB REF_WALL CAT_WALL
row() {
    local size=$1 tool=$2 w=$3 r=$4 ref=$5 cw=$6
    awk -v s="$size" -v t="$tool" -v w="$w" -v r="$r" -v ref="$ref" -v cw="$cw" -v mb="$MB" -v fmt="$row_fmt" 'BEGIN {
        ws = sprintf("%.4f", w)
        e = (w < 0.0001) ? 0.0001 : w
        mbs = sprintf("%.0f", mb / e)
        rss = sprintf("%.1f", r / 1024)
        vg = (ref == "") ? "-" : sprintf("%.1fx", e / ((ref < 0.0001) ? 0.0001 : ref))
        vc = (cw == "") ? "-" : sprintf("%.1fx", e / ((cw < 0.0001) ? 0.0001 : cw))
        printf fmt, s, t, ws, mbs, rss, vg, vc
    }'
}
skip() { printf "$row_fmt" "$1" "$2" skipped - - - -; }

for s in "${sizes[@]}"; do
    n=$(num "$s")
    f=$BENCH_DIR/dump-$s.txt
    bytes=$(stat -c %s "$f")
    MB=$(awk -v b="$bytes" 'BEGIN{printf "%.3f", b/1e6}')

    # Floor: cat, second run (warm page cache).
    REPEAT_SAVE=$REPEAT
    REPEAT=1; measure cat cat "$f"; measure cat cat "$f"; REPEAT=$REPEAT_SAVE
    cat_w=$M_WALL
    row "$s" "cat ($(awk -v m="$MB" 'BEGIN{printf "%.0f MB", m}'))" "$M_WALL" "$M_RSS" "" ""

    measure gomedic "$GOMEDIC" goroutines "$f"
    gm_w=$M_WALL
    row "$s" "gomedic" "$M_WALL" "$M_RSS" "" "$cat_w"

    measure gomedic-aggressive "$GOMEDIC" goroutines --aggressive "$f"
    gma_w=$M_WALL
    row "$s" "gomedic --aggressive" "$M_WALL" "$M_RSS" "" "$cat_w"

    if [ "$have_pp" = 1 ] && [ "$n" -le "$pp_max" ]; then
        measure panicparse "$PANICPARSE" -no-color "$f"
        row "$s" "panicparse" "$M_WALL" "$M_RSS" "$gm_w" "$cat_w"
        measure panicparse-aggressive "$PANICPARSE" -no-color -aggressive "$f"
        row "$s" "panicparse -aggressive" "$M_WALL" "$M_RSS" "$gma_w" "$cat_w"
    else
        skip "$s" "panicparse"
        skip "$s" "panicparse -aggressive"
    fi
done

echo
echo "vs gomedic: tool wall / gomedic wall (same mode; >1 means gomedic is faster)."
echo "vs cat:     tool wall / cat wall (warm cache). MB/s uses 10^6 bytes."
echo "wall:       bash \$EPOCHREALTIME around '/usr/bin/time -f %e %M' (us resolution, ~1 ms exec overhead);"
echo "            peak RSS from GNU time %M, of the fastest run."
