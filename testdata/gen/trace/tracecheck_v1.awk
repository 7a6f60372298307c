# tracecheck_v1.awk: check that a v1 execution trace (Go 1.11-1.21, "go 1.19
# trace" from Debian's Go 1.19) shows what its scenario exists for. Input: the
# text of Go 1.19's `go tool trace -d FILE`: one parsed event per line,
#   TS TYPE p=P g=G off=OFF ARGS...
# where g= is the goroutine running on P and ARGS name the event's arguments
# (GoCreate ... g=NEW stack=ID; GoStart ... g=G seq=S). Stacks are not printed,
# so the checks are on event types and on each goroutine's last event.
#
#   go tool trace -d y_x.trace 2>/dev/null | awk -v scenario=NAME -f tracecheck_v1.awk
#
# Prints the numbers it looked at, then "ok" (exit 0) or "FAIL: why" (exit 1).
# Scenarios and expectations: those of tracecheck.awk (the comment at the top
# of each main.go), as far as v1 events can show them. POSIX awk.

$2 ~ /^[A-Z]/ && $3 ~ /^p=/ {
	t = $2; n[t]++
	g = $4; sub(/^g=/, "", g)
		if (t == "GoCreate") {
		ng = $6; sub(/^g=/, "", ng)
		runnable[ng] = $1
		creator[ng] = g; created++
		if (g != "0") usercreated[ng] = 1
		last[ng] = "created"
		} else if (t == "GoStart" || t == "GoStartLocal" || t == "GoStartLabel") {
		sg = $6; sub(/^g=/, "", sg); last[sg] = "running"
		if ((sg in runnable) && $1 - runnable[sg] >= 20e6) longruns++
		delete runnable[sg]
	} else if (t == "GoUnblock" || t == "GoUnblockLocal" || t == "GoSysExit" || t == "GoSysExitLocal") {
		ug = $6; sub(/^g=/, "", ug); last[ug] = "runnable"
		} else if (t ~ /^GoBlock/ || t == "GoSleep" || t == "GoEnd" || t == "GoStop" || t == "GoSysBlock" || t == "GoSched" || t == "GoPreempt") {
		last[g] = t
		if (t == "GoSched" || t == "GoPreempt") runnable[g] = $1
	}
}

END {
	for (k in last) if (k in usercreated) { ends[last[k]]++; users++ }
	printf "events:"
	for (t in n) printf " %s=%d", t, n[t]
	printf "\nuser goroutines (created by a goroutine): %d; last event:", users
	for (e in ends) printf " %s=%d", e, ends[e]
	printf "\n"
	fail = ""
	if (scenario == "goroutine-leak") {
		if (ends["GoBlockSend"] < 9) fail = "fewer than 9 user goroutines end blocked in a channel send"
		else if (ends["GoBlockRecv"] < 8) fail = "fewer than 8 user goroutines end blocked in a channel receive"
		} else if (scenario == "sched-backlog") {
		printf "runnable for 20 ms or more before running: %d times\n", longruns
		if (longruns < 100) fail = "fewer than 100 waits of 20 ms or more from runnable to running"
		else if (ends["GoEnd"] < 40) fail = "the 40 spinners do not all end"
	} else if (scenario == "dual") {
		if (ends["GoBlockSend"] < 8) fail = "fewer than 8 user goroutines end blocked in a channel send"
		else if (n["GoBlockRecv"] < 120) fail = "fewer than 120 channel receive waits (the busy workers)"
	} else if (scenario == "mutex-contention") {
		if (n["GoBlockSync"] < 100) fail = "fewer than 100 GoBlockSync (mutex waits)"
		else if (ends["GoEnd"] < 8) fail = "the 8 workers do not all end"
	} else if (scenario == "healthy-pool") {
		# the trace reader (runtime/trace.Start.func1) ends in a plain GoBlock
		if (ends["GoEnd"] < 6) fail = "fewer than 6 user goroutines end"
		else if (ends["GoBlockSend"] + ends["GoBlockRecv"] + ends["GoBlockSelect"] + ends["GoBlockSync"] + ends["GoBlockCond"] > 0) fail = "a user goroutine ends blocked"
	} else if (scenario == "gc-heavy") {
		if (n["GCStart"] < 5) fail = "fewer than 5 GC cycles"
		else if (n["GCMarkAssistStart"] < 50) fail = "fewer than 50 mark assists"
	} else if (scenario == "syscall-io") {
		if (n["GoSysBlock"] < 6) fail = "fewer than 6 blocking system calls"
		else if (n["GoBlockNet"] < 6) fail = "fewer than 6 network waits"
	} else if (scenario == "user-annotations") {
		if (n["UserTaskCreate"] != 12 || n["UserTaskEnd"] != 12) fail = "not 12 tasks begun and ended"
		else if (n["UserLog"] != 13) fail = "not 13 logs"
		else if (n["UserRegion"] < 40) fail = "fewer than 40 region begin/end events"
	} else {
		fail = "unknown scenario " scenario
	}
	if (fail != "") { print "FAIL: " fail; exit 1 }
	print "ok"
}
