# tracecheck.awk: check that an execution trace shows what its scenario
# exists for. Input: the text that `go tool trace -d=parsed FILE` prints
# (Go 1.22+ cmd/trace; `-d=1` before Go 1.24): one event per
# "M=.. P=.. G=.. KIND Time=NS ..." line, optionally followed by
# "TransitionStack=" and/or "Stack=" blocks of "\tFUNC @ 0xPC" /
# "\t\tFILE:LINE" lines and a blank line. State transitions print as
# "... GoID=N Old->New Reason=\"..\"" (1.26) or "... Resource=Goroutine(N)
# Reason=\"..\" GoID=N Old->New" (1.22-1.25); both are understood.
#
#   go tool trace -d=parsed y_x.trace | awk -v scenario=NAME -f tracecheck.awk
#
# Prints the numbers it looked at, then "ok" (exit 0) or "FAIL: why" (exit 1).
# Scenarios: goroutine-leak mutex-contention healthy-pool gc-heavy syscall-io
# user-annotations dual sched-backlog (the expectations are those of the programs in this
# directory; the comment at the top of each main.go says what they are).
# POSIX awk plus `delete ARRAY` (run with mawk 1.3.4).

BEGIN { nts = 0; nst = 0; cur = ""; hdr = ""; nev = 0; fail = "" }

/^M=/ { flush(); hdr = $0; next }
/^TransitionStack=$/ { cur = "ts"; next }
/^Stack=$/ { cur = "st"; next }
/^\t\t/ { # FILE:LINE of the frame above
	f = $0; sub(/^\t\t/, "", f)
	if (cur == "ts") tsfile[nts] = f; else if (cur == "st") stfile[nst] = f
	next
}
/^\t/ { # FUNC @ 0xPC
	fn = $1
	if (cur == "ts") ts[++nts] = fn; else if (cur == "st") st[++nst] = fn
	next
}
/^$/ { cur = ""; next }
{ extra[++nextra] = $0 } # not expected: counted and reported

END {
	flush()
	report()
	if (nev == 0) fail = fail " no events;"
	if (nextra > 0) fail = fail " " nextra " unrecognised lines (first: " extra[1] ");"
	if (fail != "") { print "FAIL:" fail; exit 1 }
	print "ok"
}

function field(name,    s) { # value of name=VALUE (unquoted) in hdr
	if (!match(hdr, "(^| )" name "=[^ ]*")) return ""
	s = substr(hdr, RSTART, RLENGTH); sub(/^ /, "", s)
	return substr(s, length(name) + 2)
}
function qfield(name,    s) { # value of name="VALUE" in hdr (no escaped quotes)
	if (!match(hdr, "(^| )" name "=\"[^\"]*\"")) return ""
	s = substr(hdr, RSTART, RLENGTH); sub(/^ /, "", s)
	return substr(s, length(name) + 3, length(s) - length(name) - 3)
}
function has(fnname,    i) { # the event's Stack= (or TransitionStack=) holds fnname
	for (i = 1; i <= nst; i++) if (st[i] == fnname) return i
	for (i = 1; i <= nts; i++) if (ts[i] == fnname) return -i
	return 0
}
function firstmain(    i) { # first main.* frame of Stack=, else of TransitionStack=
	for (i = 1; i <= nst; i++) if (st[i] ~ /^main\./) return st[i]
	for (i = 1; i <= nts; i++) if (ts[i] ~ /^main\./) return ts[i]
	return "-"
}
function firstmainloc(    i, f) {
	for (i = 1; i <= nst; i++) if (st[i] ~ /^main\./) { f = stfile[i]; break }
	if (f == "") for (i = 1; i <= nts; i++) if (ts[i] ~ /^main\./) { f = tsfile[i]; break }
	sub(/^.*\/gen\/trace\//, "", f)
	return f
}
function ms(ns) { return sprintf("%.1f ms", ns / 1e6) }
function want(what, got, w) {
	if (got != w) fail = fail " " what " = " got ", want " w ";"
}
function atleast(what, got, w) {
	if (got < w) fail = fail " " what " = " got ", want >= " w ";"
}

# flush: one complete event (hdr + stacks) is in; update the state.
function flush(    n, a, i, kind, t, g, tr, from, to, reason, name, v, d, id, typ) {
	if (hdr == "") return
	nev++
	n = split(hdr, a, " ")
	kind = a[4]
	t = field("Time") + 0
	if (tfirst == "" || t < tfirst) tfirst = t
	if (t > tlast) tlast = t
	kinds[kind]++
	# generations: Go 1.22-1.24 print a Sync after each generation's events,
	# 1.25+ one before each and one at the very end; a Sync that follows
	# other events ends a generation either way
	if (kind == "Sync") { if (sincesync) { gpending = 1; sincesync = 0 } }
	else {
		if (gpending || curgen == 0) { curgen++; gpending = 0 }
		sincesync++; ngen = curgen
	}
	if (kind == "StateTransition" && field("GoID") != "") {
		g = field("GoID") + 0
		tr = ""
		for (i = 5; i <= n; i++) if (a[i] ~ /^[A-Za-z]+->[A-Za-z]+$/) tr = a[i]
		from = tr; sub(/->.*/, "", from)
		to = tr; sub(/.*->/, "", to)
		reason = qfield("Reason")
		gtrans(g, from, to, reason, t)
	} else if (kind == "RangeBegin" || kind == "RangeEnd") {
		name = qfield("Name")
		ranges[kind, name]++
		if (kind == "RangeBegin") rbegin[name] = t
		else if (name in rbegin) { d = t - rbegin[name]; rdur[name] += d; if (d > rmax[name]) rmax[name] = d; delete rbegin[name] }
		if (name == "GC mark assist" && kind == "RangeBegin") assistg[field("G")]++
	} else if (kind == "Metric") {
		name = qfield("Name")
		v = field("Value"); sub(/^[^(]*\(/, "", v); sub(/\).*$/, "", v); v += 0 # Value{Uint64(N)}
		metric(name, v)
	} else if (kind == "Label") {
		labels[qfield("Label")]++
	} else if (kind == "TaskBegin" || kind == "TaskEnd") {
		id = field("ID"); typ = qfield("Type")
		tasks[kind, typ]++
		if (kind == "TaskBegin") { tasktype[id] = typ; taskparent[id] = field("Parent") }
	} else if (kind == "RegionBegin" || kind == "RegionEnd") {
		regions[kind, qfield("Type")]++
		rtypes[qfield("Type")] = 1
	} else if (kind == "Log") {
		logs[qfield("Category")]++
		logmsg[qfield("Category"), qfield("Message")]++
	}
	hdr = ""; nts = 0; nst = 0; cur = ""
	delete ts; delete st; delete tsfile; delete stfile
}

function gtrans(g, from, to, reason, t,    d) {
	if (!(g in gseen)) { gseen[g] = 1; ngseen++ }
	if (from == "NotExist" && to == "Runnable") {
		created[g] = 1
		startfn[g] = nts ? ts[1] : "-"
		startloc[g] = tsfile[1]; sub(/^.*\/gen\/trace\//, "", startloc[g])
		creator[g] = firstmain()
	}
	if (to == "Waiting") {
		if (reason != "") {
			lastreason[g] = reason
			blockfn[g] = firstmain()
			blockloc[g] = firstmainloc()
		}
		waitfrom[g] = t
		if (reason == "sync" && has("sync.(*Mutex).Lock")) {
			mutexblocks++; mutexg[g]++; mutexcaller[firstmain()]++
			inmutex[g] = 1
		}
		if (reason == "network" && has("main.(*Client).Call")) { innet[g] = 1; netblocks++ }
		if (from == "Running") { blocks[reason]++; if (startfn[g] ~ /^main\./) userblocks[reason]++ }
	}
	if (from == "Waiting" && to != "Waiting" && (g in waitfrom)) {
		d = t - waitfrom[g]
		if (inmutex[g]) { mutexwait += d; if (d > mutexmax) mutexmax = d }
		if (innet[g]) { if (d >= 10e6) netlong++; netwait[++nnet] = d }
		if (startfn[g] ~ /^main\./) userunblocks++
		unblk[g]++
		delete waitfrom[g]; delete inmutex[g]; delete innet[g]
	}
	if (from == "Running" && to == "Syscall") {
		sysfrom[g] = t
		insys[g] = has("main.(*FrameReader).ReadFrame") != 0
		syscalls++
	}
	if (from == "Syscall" && (g in sysfrom)) {
		d = t - sysfrom[g]
		if (to == "Runnable") sysblocked++
		if (insys[g]) {
			readframes++
			if (d >= 10e6) readlong++
			if (to == "Runnable") readblocked++
			readdur[readframes] = d
		}
		delete sysfrom[g]; delete insys[g]
	}
		if (to == "Runnable") runfrom[g] = t
	if (from == "Runnable" && to == "Running" && (g in runfrom)) {
		if (startfn[g] == "main.spin" && t - runfrom[g] >= 20e6) longruns++
		delete runfrom[g]
	}
	final[g] = to
	lastgen[g] = curgen
}

function metric(name, v) {
	if (name == "/memory/classes/heap/objects:bytes") {
		nheap++
		if (nheap == 1 || v < heapmin) heapmin = v
		if (v > heapmax) heapmax = v
		# saw-tooth teeth, with hysteresis: a fall of > 20% from the last
		# peak, then a rise of > 20% from the trough before the next one
		if (nheap == 1) { peak = v; falling = 0 }
		else if (!falling) {
			if (v > peak) peak = v
			else if (v < peak * 0.8) { heapdrops++; falling = 1; trough = v }
		} else {
			if (v < trough) trough = v
			else if (v > trough * 1.2) { falling = 0; peak = v }
		}
	} else if (name == "/gc/heap/goal:bytes") {
		ngoal++
		if (ngoal == 1 || v < goalmin) goalmin = v
		if (v > goalmax) goalmax = v
	}
}

function report(    g, k, n, lo, hi, key, cnt, ids, i, s, x, y) {
	printf "events %d over %s in %d generation(s); goroutines seen %d; kinds:", nev, ms(tlast - tfirst), ngen, ngseen
	for (k in kinds) printf " %s=%d", k, kinds[k]
	printf "\n"
	if (scenario == "goroutine-leak") {
		# user goroutines created during the trace and still blocked at its end
		for (g in created) {
			if (startfn[g] !~ /^main\./) continue
			nuser++
			if (final[g] == "NotExist") nuserdone++
			if (final[g] != "Waiting") continue
			key = lastreason[g] "|" blockfn[g] "|" creator[g]
			cnt[key]++
			if (!(key in klo) || g + 0 < klo[key]) klo[key] = g + 0
			if (g + 0 > khi[key]) khi[key] = g + 0
			leaked++
			if (lastgen[g] == ngen) leakedlast++
		}
		printf "user goroutines created %d, ended %d, still waiting %d (%d of them with a status event in the last generation, %d)\n", nuser, nuserdone, leaked, leakedlast, ngen
		for (key in cnt) {
			split(key, x, "|")
			ids[key] = ""
			for (g = klo[key]; g <= khi[key]; g++)
				if ((g in final) && final[g] == "Waiting" && lastreason[g] "|" blockfn[g] "|" creator[g] == key && startfn[g] ~ /^main\./) ids[key] = ids[key] " " g
			printf "  %d goroutines (ids %d..%d) end Waiting, reason \"%s\", blocked in %s, created by %s; ids%s\n", cnt[key], klo[key], khi[key], x[1], x[2], x[3], ids[key]
		}
		atleast("generations", ngen + 0, 2)
		want("leaked goroutines with a status event in the last generation", leakedlast + 0, leaked + 0)
		want("blocked in chan send by main.(*Searcher).Search.func1", cnt["chan send|main.(*Searcher).Search.func1|main.(*Searcher).Search"] + 0, want_send ? want_send : 9)
		want("blocked in chan receive by main.(*Hub).watch", cnt["chan receive|main.(*Hub).watch|main.(*Hub).Subscribe"] + 0, want_recv ? want_recv : 8)
		want("other user goroutines still waiting", leaked - cnt["chan send|main.(*Searcher).Search.func1|main.(*Searcher).Search"] - cnt["chan receive|main.(*Hub).watch|main.(*Hub).Subscribe"], 0)
		} else if (scenario == "sched-backlog") {
		for (g in created) if (startfn[g] == "main.spin") { spinners++; if (final[g] == "NotExist") spun++ }
		printf "main.spin goroutines %d, ended %d; runnable for 20 ms or more before running: %d times\n", spinners, spun, longruns
		want("main.spin goroutines", spinners + 0, 40)
		want("main.spin goroutines ended", spun + 0, 40)
		atleast("waits of 20 ms or more from runnable to running", longruns + 0, 100)
	} else if (scenario == "dual") {
		for (g in created) {
			if (startfn[g] == "main.(*Fanout).Ask.func1" && final[g] == "Waiting" && lastreason[g] == "chan send") stuck++
			if (startfn[g] == "main.(*Pool).worker") { workers++; if (unblk[g] >= 20) busy++ }
		}
		printf "main.(*Fanout).Ask.func1 left waiting in chan send %d; main.(*Pool).worker %d, woken 20 times or more %d\n", stuck, workers, busy
		want("Ask.func1 goroutines left in chan send", stuck + 0, 8)
		want("main.(*Pool).worker goroutines", workers + 0, 6)
		want("workers woken 20 times or more", busy + 0, 6)
	} else if (scenario == "mutex-contention") {
		n = 0; lo = ""; hi = 0
		for (g in mutexg) { n++; if (lo == "" || mutexg[g] < lo) lo = mutexg[g]; if (mutexg[g] > hi) hi = mutexg[g] }
		printf "sync.(*Mutex).Lock blocks %d over %d goroutines (%s..%s each); waited %s in total, longest %s\n", mutexblocks, n, lo, hi, ms(mutexwait), ms(mutexmax)
		for (k in mutexcaller) printf "  Lock called from %s: %d\n", k, mutexcaller[k]
		for (g in created) if (startfn[g] == "main.worker") { workers++; if (final[g] == "NotExist") workersdone++ }
		printf "main.worker goroutines %d, ended %d\n", workers, workersdone
		atleast("Mutex.Lock blocks", mutexblocks + 0, 50)
		atleast("goroutines blocked in Mutex.Lock", n, 6)
		want("Lock blocks from main.(*Inventory).Reserve", mutexcaller["main.(*Inventory).Reserve"] + 0, mutexblocks + 0)
		atleast("total wait in Mutex.Lock (ns)", mutexwait + 0, 20e6)
		want("main.worker goroutines", workers + 0, 8)
		want("main.worker goroutines ended", workersdone + 0, 8)
	} else if (scenario == "healthy-pool") {
		for (g in created) {
			if (startfn[g] !~ /^main\./) continue
			nuser++; byfn[startfn[g]]++
			if (final[g] == "NotExist") nuserdone++
			else if (final[g] == "Waiting") nuserwait++
		}
		printf "user goroutines created %d, ended (NotExist) %d, still waiting %d:", nuser, nuserdone, nuserwait + 0
		for (k in byfn) printf " %s=%d", k, byfn[k]
		printf "\nuser goroutine blocks:"
		for (k in userblocks) printf " \"%s\"=%d", k, userblocks[k]
		printf "; unblocked %d\n", userunblocks
		want("user goroutines created", nuser + 0, 6)
		want("main.(*Pool).worker goroutines", byfn["main.(*Pool).worker"] + 0, 4)
		want("user goroutines ended", nuserdone + 0, nuser + 0)
		want("user goroutines still waiting", nuserwait + 0, 0)
		atleast("user goroutine blocks", userunblocks + 0, 1)
	} else if (scenario == "gc-heavy") {
		n = ranges["RangeEnd", "GC concurrent mark phase"] + 0
		printf "GC cycles (mark phase ranges) %d, begun %d; mark %s in total, longest %s\n", n, ranges["RangeBegin", "GC concurrent mark phase"], ms(rdur["GC concurrent mark phase"]), ms(rmax["GC concurrent mark phase"])
		printf "STW sweep termination %d (longest %s), mark termination %d (longest %s)\n", ranges["RangeEnd", "stop-the-world (GC sweep termination)"], ms(rmax["stop-the-world (GC sweep termination)"]), ranges["RangeEnd", "stop-the-world (GC mark termination)"], ms(rmax["stop-the-world (GC mark termination)"])
		k = 0; for (g in assistg) k++
		printf "mark assists %d on %d goroutines; incremental sweeps %d\n", ranges["RangeBegin", "GC mark assist"], k, ranges["RangeBegin", "GC incremental sweep"]
		printf "heap metric %d values, %.0f..%.0f bytes, %d falls of > 20%% from a peak; heap goal %d values, %.0f..%.0f bytes\n", nheap, heapmin, heapmax, heapdrops, ngoal, goalmin, goalmax
		printf "labels:"; for (k in labels) printf " \"%s\"=%d", k, labels[k]; printf "\n"
		atleast("GC cycles", n, 8)
		atleast("heap saw-tooth falls", heapdrops + 0, int(n * 2 / 3))
		atleast("heap goal values", ngoal + 0, n)
		want("STW mark terminations", ranges["RangeEnd", "stop-the-world (GC mark termination)"] + 0, n)
		atleast("mark assists", ranges["RangeBegin", "GC mark assist"] + 0, 1)
	} else if (scenario == "syscall-io") {
		s = ""; for (i = 1; i <= readframes; i++) s = s sprintf(" %.1f", readdur[i] / 1e6)
		printf "syscalls %d, %d ended with the P taken (Syscall->Runnable)\n", syscalls, sysblocked + 0
		printf "main.(*FrameReader).ReadFrame syscalls %d, >= 10 ms %d, P taken %d; ms:%s\n", readframes, readlong, readblocked, s
		s = ""; for (i = 1; i <= nnet; i++) s = s sprintf(" %.1f", netwait[i] / 1e6)
		printf "main.(*Client).Call network waits %d, >= 10 ms %d; ms:%s\n", netblocks, netlong, s
		atleast("ReadFrame syscalls >= 10 ms", readlong + 0, 5)
		atleast("ReadFrame syscalls that lost their P", readblocked + 0, 3)
		atleast("Client.Call network waits >= 10 ms", netlong + 0, 5)
	} else if (scenario == "user-annotations") {
		printf "tasks: handleRequest %d begun %d ended; fetchRecommendations %d begun %d ended\n", tasks["TaskBegin", "handleRequest"], tasks["TaskEnd", "handleRequest"], tasks["TaskBegin", "fetchRecommendations"], tasks["TaskEnd", "fetchRecommendations"]
		n = 0
		for (k in tasktype) if (tasktype[k] == "fetchRecommendations" && tasktype[taskparent[k]] == "handleRequest") n++
		printf "fetchRecommendations tasks whose parent is a handleRequest task: %d\n", n
		printf "regions:"; for (k in rtypes) printf " %s=%d/%d", k, regions["RegionBegin", k], regions["RegionEnd", k]; printf "\n"
		printf "logs:"; for (k in logs) printf " %s=%d", k, logs[k]; printf "; status 200=%d 500=%d\n", logmsg["status", "200"], logmsg["status", "500"]
		want("handleRequest tasks begun", tasks["TaskBegin", "handleRequest"] + 0, 6)
		want("handleRequest tasks ended", tasks["TaskEnd", "handleRequest"] + 0, 6)
		want("fetchRecommendations tasks ended", tasks["TaskEnd", "fetchRecommendations"] + 0, 6)
		want("child tasks under handleRequest", n, 6)
		want("authenticate regions", regions["RegionBegin", "authenticate"] + regions["RegionEnd", "authenticate"], 12)
		want("queryDB regions", regions["RegionBegin", "queryDB"] + regions["RegionEnd", "queryDB"], 12)
		want("render regions", regions["RegionBegin", "render"] + regions["RegionEnd", "render"], 10)
		want("callService regions", regions["RegionBegin", "callService"] + regions["RegionEnd", "callService"], 12)
		want("request-id logs", logs["request-id"] + 0, 6)
		want("status 200 logs", logmsg["status", "200"] + 0, 5)
		want("status 500 logs", logmsg["status", "500"] + 0, 1)
		want("error logs", logs["error"] + 0, 1)
	} else {
		fail = fail " unknown scenario \"" scenario "\";"
	}
}
