#!/usr/bin/env bash
# Benchmark `gomedic pprof`, `gomedic heap` and `gomedic flame` against `go tool pprof -top`
# and `gzip -dc` on profiles written by real Go programs (bench/gen-pprof):
#
#   leak/heap-01..20.pb.gz  a service-like program with a slow leak, MemProfileRate=512,
#                           one heap profile per step (~0.8 -> ~2 MB gzipped)
#   heap-sites.pb.gz        4000 generated functions in 16 packages, walks of depth 1..40,
#                           every allocation recorded (MemProfileRate=1): ~8 MB gzipped
#   cpu.pb.gz               the same call graph walked by 32 goroutines, CPU-profiled at 1000 Hz
#                           for CPU_DUR (10 s)
#   cpu-30s.pb.gz           the same for 30 s, the length /debug/pprof/profile captures by default
#   flame-1e5.pb.gz         the same graph, 10^5 walks that all take a different path:
#                           10^5 distinct stacks for flame graphs
#
#   bench/pprof.sh
#
# Environment:
#   GO           the Go toolchain to use (default: go on PATH)
#   GOMEDIC      gomedic binary (default ./build/gomedic, repo-root relative)
#   BENCH_DIR    scratch dir (default /tmp/gomedic-bench); everything goes to $BENCH_DIR/pprof
#   REPEAT       runs per quick measurement, best wall time wins (default 3)
#   QUICK_S      a run taking at least this long is not repeated (default 10)
#   SHORT_S, SHORT_REPEAT  a command whose first run takes under SHORT_S s (default 0.5) is run
#                SHORT_REPEAT times (default 10), best wall time wins
#   REGEN=1      regenerate the profiles even if present
#   LEAK_N LEAK_ROUTES SITES_WALKS FLAME_WALKS CPU_HZ CPU_DUR   generator knobs (see below)
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
LEAK_N=${LEAK_N:-20}
LEAK_ROUTES=${LEAK_ROUTES:-2000}
SITES_WALKS=${SITES_WALKS:-160000}
FLAME_WALKS=${FLAME_WALKS:-100000}
CPU_HZ=${CPU_HZ:-1000}
CPU_DUR=${CPU_DUR:-10s}
TIME=/usr/bin/time

die() { echo "pprof.sh: $*" >&2; exit 1; }

# ---- preflight -------------------------------------------------------------
[ -x "$TIME" ] || die "GNU time not found at $TIME (apt-get install time)"
[ -n "${EPOCHREALTIME:-}" ] || die "bash >= 5 needed (EPOCHREALTIME)"
"$TIME" -f '%e %M' true 2>/dev/null || die "$TIME is not GNU time (need -f '%e %M')"
if [[ "$GOMEDIC" != */* ]]; then GOMEDIC=$(command -v "$GOMEDIC" || true); fi
if [ -z "$GOMEDIC" ] || [ ! -f "$GOMEDIC" ] || [ ! -x "$GOMEDIC" ]; then
    die "gomedic binary not found: build it first (make -j2; expected at ./build/gomedic) or set GOMEDIC"
fi
GOMEDIC=$(cd "$(dirname "$GOMEDIC")" && pwd)/$(basename "$GOMEDIC")
command -v "$GO" >/dev/null 2>&1 || die "$GO not found (needed for the generators and go tool pprof)"

P=$BENCH_DIR/pprof
mkdir -p "$P/bin" "$P/out" "$P/pprof-tmp" "$P/leak"
# go tool pprof: keep its temp files in the scratch dir, never look for binaries or open a browser.
export PPROF_TMPDIR=$P/pprof-tmp PPROF_BINARY_PATH=$P/pprof-tmp BROWSER=/bin/true

# ---- generators ------------------------------------------------------------
regen=${REGEN:-0}
gen_log() { echo "  $(tail -n 1 "$1")" >&2; }
gbuild() { # DIR OUT
    (cd "$1" && CGO_ENABLED=0 "$GO" build -o "$2" .) || die "building $1 failed"
}

leak_last=$P/leak/$(printf 'heap-%02d.pb.gz' "$LEAK_N")
if [ "$regen" = 1 ] || [ ! -s "$leak_last" ]; then
    echo "generating $P/leak/heap-*.pb.gz ($LEAK_N profiles, $LEAK_ROUTES routes) ..." >&2
    gbuild "$ROOT/bench/gen-pprof/leak" "$P/bin/leak"
    rm -f "$P"/leak/heap-*.pb.gz
    "$P/bin/leak" -o "$P/leak" -n "$LEAK_N" -routes "$LEAK_ROUTES" -reqs 1 -v 2> "$P/leak.gen.log" \
        || { cat "$P/leak.gen.log" >&2; die "leak generator failed"; }
    gen_log "$P/leak.gen.log"
fi
leak_files=()
for ((i = 1; i <= LEAK_N; i++)); do leak_files+=("$P/leak/$(printf 'heap-%02d.pb.gz' "$i")"); done

sites=$P/bin/sites
need_sites=0
for f in heap-sites.pb.gz cpu.pb.gz cpu-30s.pb.gz flame-1e5.pb.gz; do
    { [ "$regen" = 1 ] || [ ! -s "$P/$f" ]; } && need_sites=1
done
if [ "$need_sites" = 1 ]; then
    echo "generating the sites program (4000 functions) and building it (~25 s, cached afterwards) ..." >&2
    gbuild "$ROOT/bench/gen-pprof/sitegen" "$P/bin/sitegen"
    "$P/bin/sitegen" -o "$P/sites-src" 2> "$P/sitegen.log" || { cat "$P/sitegen.log" >&2; die "sitegen failed"; }
    gbuild "$P/sites-src" "$sites"
fi
gen_sites() { # NAME ARGS...
    local f=$P/$1; shift
    if [ "$regen" = 1 ] || [ ! -s "$f" ]; then
        echo "generating $f ..." >&2
        "$sites" -o "$f" -v "$@" 2> "$f.gen.log" || { cat "$f.gen.log" >&2; die "sites $* failed"; }
        gen_log "$f.gen.log"
    fi
}
gen_sites heap-sites.pb.gz -mode heap -walks "$SITES_WALKS" -maxdepth 40
gen_sites cpu.pb.gz -mode cpu -hz "$CPU_HZ" -dur "$CPU_DUR" -goroutines 32 -maxdepth 40
gen_sites cpu-30s.pb.gz -mode cpu -hz "$CPU_HZ" -dur 30s -goroutines 32 -maxdepth 40
gen_sites flame-1e5.pb.gz -mode heap -walks "$FLAME_WALKS" -unique -maxdepth 24 -seed 2

# ---- measurement -----------------------------------------------------------
# measure LABEL CMD... : CMD's stdout goes to $P/out/LABEL.out (a file, not /dev/null), stderr
# to $P/out/LABEL.err. Sets M_WALL (s) and M_RSS (KB, of the fastest run); best of REPEAT
# runs, a single run if it took QUICK_S or more, best of SHORT_REPEAT if the first took
# under SHORT_S (a 10 ms run is mostly scheduling noise on a shared machine; every tool gets
# the same treatment).
measure() {
    local label=$1; shift
    local tf=$P/out/time.out best_w="" best_r="" rc i w r t0 t1 n=$REPEAT
    for ((i = 1; i <= n; i++)); do
        rc=0
        t0=$EPOCHREALTIME
        "$TIME" -f '%e %M' -o "$tf" "$@" > "$P/out/$label.out" 2> "$P/out/$label.err" || rc=$?
        t1=$EPOCHREALTIME
        [ "$rc" -eq 0 ] || echo "pprof.sh: note: '$label' exited with status $rc (see $P/out/$label.err)" >&2
        read -r _ r < <(tail -n 1 "$tf")
        w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
        if [ -z "$best_w" ] || awk -v a="$w" -v b="$best_w" 'BEGIN { exit !(a < b) }'; then
            best_w=$w; best_r=$r
        fi
        awk -v a="$w" -v q="$QUICK_S" 'BEGIN { exit !(a >= q) }' && break
        if [ "$i" -eq 1 ] && awk -v a="$w" -v q="$SHORT_S" 'BEGIN { exit !(a < q) }'; then
            n=$((SHORT_REPEAT > REPEAT ? SHORT_REPEAT : REPEAT))
        fi
    done
    M_WALL=$best_w; M_RSS=$best_r
}

sizes() { # FILE... -> "gzMB rawMB" (10^6 bytes)
    local gz=0 raw=0 f
    for f in "$@"; do
        gz=$((gz + $(stat -c %s "$f")))
        raw=$((raw + $(gzip -dc "$f" | wc -c)))
    done
    awk -v g="$gz" -v r="$raw" 'BEGIN { printf "%.2f %.2f\n", g / 1e6, r / 1e6 }'
}

# ---- header ----------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
mem=$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown)
gm_ver=$("$GOMEDIC" --version 2>/dev/null | head -n 1 || true)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "== gomedic pprof benchmark"
echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')   commit $commit"
echo "machine:  $(nproc) CPUs, $cpu, $mem RAM, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "gomedic:  $GOMEDIC ${gm_ver:-(no --version output)}"
echo "go:       $("$GO" version | awk '{ print $3 }') (generators, go tool pprof)"
echo "repeat:   best of $REPEAT for runs under ${QUICK_S}s, of $SHORT_REPEAT for runs under ${SHORT_S}s; every tool writes its output to a file in $P/out"
echo "inputs:   $P"
for f in "${leak_files[0]}" "$leak_last" "$P/heap-sites.pb.gz" "$P/cpu.pb.gz" "$P/cpu-30s.pb.gz" "$P/flame-1e5.pb.gz"; do
    printf '          %-22s %s\n' "${f#"$P"/}" "$("$GOMEDIC" pprof -n 1 --color never "$f" 2>/dev/null | head -n 1 | sed 's/^[^:]*: //')"
done
echo

fmt='%-24s %-13s %6s %7s %8s %8s %8s %-13s %8s %8s %8s %8s %7s\n'
printf "$fmt" file gomedic "gz MB" "raw MB" "gzip s" "pprof s" "RSS MB" "" "gomed s" "RSS MB" "pp/gm" "gm/gzip" "RSS/raw"
printf "$fmt" ------------------------ ------------- ------ ------- -------- -------- -------- ------------- -------- -------- -------- -------- -------

# Results for the targets: "name value" lines.
RES=$P/out/results.txt
: > "$RES"

# row NAME CMDNAME GZ RAW GZIP_S PP_S PP_RSS GM_S GM_RSS
row() {
    awk -v n="$1" -v c="$2" -v gz="$3" -v raw="$4" -v zs="$5" -v ps="$6" -v pr="$7" -v gs="$8" -v gr="$9" -v fmt="$fmt" 'BEGIN {
        e = (gs < 0.0001) ? 0.0001 : gs
        pps = (ps == "") ? "-" : sprintf("%.3f", ps)
        ppr = (pr == "") ? "-" : sprintf("%.0f", pr / 1024)
        ratio = (ps == "") ? "-" : sprintf(ps / e < 10 ? "%.1fx" : "%.0fx", ps / e)
        vz = sprintf("%.1fx", e / ((zs < 0.0001) ? 0.0001 : zs))
        vr = sprintf("%.1fx", gr / 1024 / (raw * 1e6 / 1048576))
        printf fmt, n, c, gz, raw, sprintf("%.3f", zs), pps, ppr, "", sprintf("%.3f", gs), sprintf("%.0f", gr / 1024), ratio, vz, vr
    }'
}

one() { # NAME FILE : gzip -dc, go tool pprof -top, gomedic pprof
    local name=$1 f=$2 gz raw zs ps pr
    read -r gz raw < <(sizes "$f")
    cat "$f" > /dev/null
    measure "$name.gzip" gzip -dc "$f";                 zs=$M_WALL
    measure "$name.pprof" "$GO" tool pprof -top "$f";      ps=$M_WALL; pr=$M_RSS
    measure "$name.gomedic" "$GOMEDIC" pprof "$f"
    row "$name" "pprof" "$gz" "$raw" "$zs" "$ps" "$pr" "$M_WALL" "$M_RSS"
    echo "$name $gz $raw $zs $ps $pr $M_WALL $M_RSS" >> "$RES"
    ONE_PPROF_S=$ps; ONE_PPROF_RSS=$pr
}

one "$(basename "$leak_last")" "$leak_last"
leak_pp_s=$ONE_PPROF_S leak_pp_rss=$ONE_PPROF_RSS

# The series: gzip -dc of all 20 vs one go tool pprof -top (of the last, largest profile) vs
# gomedic heap on all 20.
read -r gz raw < <(sizes "${leak_files[@]}")
measure series.gzip gzip -dc "${leak_files[@]}"; zs=$M_WALL
measure series.gomedic "$GOMEDIC" heap "${leak_files[@]}"
row "heap-01..$(printf %02d "$LEAK_N") (series)" "heap (all $LEAK_N)" "$gz" "$raw" "$zs" "$leak_pp_s" "$leak_pp_rss" "$M_WALL" "$M_RSS"
echo "heap-series $gz $raw $zs $leak_pp_s $leak_pp_rss $M_WALL $M_RSS" >> "$RES"

one heap-sites.pb.gz "$P/heap-sites.pb.gz"
one cpu.pb.gz "$P/cpu.pb.gz"
one cpu-30s.pb.gz "$P/cpu-30s.pb.gz"
one flame-1e5.pb.gz "$P/flame-1e5.pb.gz"

read -r gz raw < <(sizes "$P/flame-1e5.pb.gz")
measure flame.gzip gzip -dc "$P/flame-1e5.pb.gz"; zs=$M_WALL
measure flame.gomedic "$GOMEDIC" flame -o "$P/out/flame-1e5.html" "$P/flame-1e5.pb.gz"
row "flame-1e5.pb.gz" "flame -o .html" "$gz" "$raw" "$zs" "" "" "$M_WALL" "$M_RSS"
echo "flame-1e5.html $gz $raw $zs - - $M_WALL $M_RSS" >> "$RES"
html_kb=$(( $(stat -c %s "$P/out/flame-1e5.html") / 1024 ))

echo
echo "gz/raw MB: 10^6 bytes, compressed / decompressed; pprof s: go tool pprof -top FILE (for the series:"
echo "one run on the last profile); gomed s: the gomedic command in column 2 (flame: ${html_kb} KB of HTML)."
echo "pp/gm: go tool pprof s / gomedic s; gm/gzip: gomedic s / gzip -dc s; RSS/raw: gomedic peak RSS /"
echo "decompressed size. Wall: best of $REPEAT ($SHORT_REPEAT under ${SHORT_S}s; bash \$EPOCHREALTIME around GNU time); RSS: GNU time %M."
echo

# ---- targets ---------------------------------------------------------------
echo "targets:"
awk '
function verdict(ok) { return ok ? "PASS" : "FAIL" }
{ name[NR] = $1; raw[NR] = $3; zs[NR] = $4; ps[NR] = $5; gs[NR] = $7; gr[NR] = $8 }
END {
    for (i = 1; i <= NR; i++) if (name[i] != "heap-series" && name[i] != "flame-1e5.html") {
        r = ps[i] / gs[i]
        printf "  %s  >= 50x faster than go tool pprof -top: %-22s %6.1fx\n", verdict(r >= 50), name[i], r
    }
    for (i = 1; i <= NR; i++) if (name[i] != "flame-1e5.html") {
        r = gs[i] / zs[i]
        printf "  %s  within 3x of gzip -dc:                 %-22s %6.1fx\n", verdict(r <= 3), name[i], r
    }
    for (i = 1; i <= NR; i++) if (name[i] == "heap-series")
        printf "  %s  %d-profile heap series faster than one go tool pprof -top: %.3f s vs %.3f s\n", verdict(gs[i] < ps[i]), n, gs[i], ps[i]
    for (i = 1; i <= NR; i++) {
        r = gr[i] / 1024 / (raw[i] * 1e6 / 1048576)
        printf "  %s  peak RSS < 10x decompressed size:      %-22s %6.1fx  (%.0f MB for %.1f MB)\n", verdict(r < 10), name[i], r, gr[i] / 1024, raw[i]
    }
    for (i = 1; i <= NR; i++) if (name[i] == "flame-1e5.html")
        printf "  %s  flame graph (HTML) of the 10^5-stack profile under 1 s: %.3f s\n", verdict(gs[i] < 1), gs[i]
}' n="$LEAK_N" "$RES"
