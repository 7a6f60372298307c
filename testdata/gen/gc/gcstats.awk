# gcstats.awk: summarise a GODEBUG=gctrace=1 / schedtrace log (Go 1.5-1.23
# line forms) so regen.sh can check each fixture shows what it should.
# Prints one line of key=value pairs:
#   cycles forced first_t last_t cycles_per_s last_pct max_pct
#   first_live last_live live_min live_max rising_tail (trailing cycles whose
#   live heap never decreased) max_stw_ms (max of first/last clock phase)
#   max_goal tail_gap_ms tail_clock_ms (mean gap between cycle starts and
#   mean clock duration of a cycle over the last 20 cycles) tail_fill (mean live/goal
#   over those cycles, in %) sched_lines max_runqueue max_localq scav_lines scav_forced
# CRLF input is tolerated.
{ sub(/\r$/, "") }
/^gc [0-9]+ @[0-9.]+s [0-9]+%: / {
	n++
	t = substr($3, 2) + 0
	if (n == 1) first_t = t
	last_t = t
	pct = $4; sub(/%:/, "", pct); pct += 0
	last_pct = pct
	if (pct > max_pct) max_pct = pct
	k = split($5, ph, "+")
	clk = 0
	for (i = 1; i <= k; i++) clk += ph[i]
	T[n] = t; C[n] = clk
	if (ph[1] + 0 > max_stw) max_stw = ph[1] + 0
	if (ph[k] + 0 > max_stw) max_stw = ph[k] + 0
	for (i = 6; i <= NF; i++) {
		if ($i ~ /^[0-9]+->[0-9]+->[0-9]+$/) {
			split($i, h, "->")
			live = h[3] + 0
			L[n] = live
			if (n == 1) { first_live = live; lmin = live; lmax = live }
			if (live < lmin) lmin = live
			if (live > lmax) lmax = live
			if (n > 1 && live >= prev_live) tail++; else tail = 1
			prev_live = live
			last_live = live
		}
		if ($i == "goal," && $(i - 1) == "MB") {
			G[n] = $(i - 2) + 0
			if (G[n] > max_goal) max_goal = G[n]
		}
	}
	if ($0 ~ / \(forced\)$/) forced++
}
/^SCHED [0-9]+ms: / {
	sl++
	for (i = 3; i <= NF; i++) if ($i ~ /^runqueue=/) { rq = substr($i, 10) + 0; if (rq > max_rq) max_rq = rq }
	if (match($0, /\[[0-9 ]+\]$/)) {
		m = split(substr($0, RSTART + 1, RLENGTH - 2), q, " ")
		for (i = 1; i <= m; i++) if (q[i] + 0 > max_lq) max_lq = q[i] + 0
	}
}
/^(scav |scvg|forced scvg)/ { sc++; if ($0 ~ /\(forced\)$/ || $0 ~ /^(scvg-1:|forced scvg)/) scf++ }
END {
	dur = last_t - first_t
	# Back-to-back measure over the last 20 cycles: mean gap between "@"
	# stamps vs mean wall-clock duration of a cycle, both in ms.
	lo = (n > 20 ? n - 20 : 1); gaps = 0; clks = 0
	for (i = lo + 1; i <= n; i++) { gaps += (T[i] - T[i - 1]) * 1000; clks += C[i] }
	tg = (n > lo ? gaps / (n - lo) : 0); tc = (n > lo ? clks / (n - lo) : 0)
	fill = 0
	for (i = lo + 1; i <= n; i++) fill += (G[i] > 0 ? 100 * L[i] / G[i] : 0)
	tf = (n > lo ? fill / (n - lo) : 0)
	printf "cycles=%d forced=%d first_t=%.3f last_t=%.3f cycles_per_s=%.1f last_pct=%d max_pct=%d ", n, forced, first_t, last_t, (dur > 0 ? (n - 1) / dur : 0), last_pct, max_pct
	printf "first_live=%d last_live=%d live_min=%d live_max=%d rising_tail=%d max_stw_ms=%g max_goal=%d ", first_live, last_live, lmin, lmax, tail, max_stw, max_goal
	printf "tail_gap_ms=%.1f tail_clock_ms=%.1f tail_fill=%d ", tg, tc, tf
	printf "sched_lines=%d max_runqueue=%d max_localq=%d scav_lines=%d scav_forced=%d\n", sl, max_rq, max_lq, sc, scf
}
