// gc-forced: a batch job that calls runtime.GC() after each phase and
// debug.FreeOSMemory() after dropping its big working set. Under
// GODEBUG=gctrace=1,scavtrace=1 the explicit cycles end in " (forced)" and
// the scavenger prints "scav ... KiB work, ... KiB total, ...% util" lines
// (with " (forced)" for the FreeOSMemory one). Note: in Go 1.19 the scav
// lines need scavtrace=1; gctrace=1 alone does not print them.
package main

import (
	"runtime"
	"runtime/debug"
	"time"

	"gomedic.test/gen/gc/internal/applog"
)

type rec struct {
	id   int
	data []byte
	next *rec
}

var keep *rec

func load(n, size int) *rec {
	var head *rec
	for i := 0; i < n; i++ {
		head = &rec{id: i, data: make([]byte, size), next: head}
	}
	return head
}

func main() {
	log := applog.New("batch")
	log.Plain("phase 1: load")
	keep = load(20000, 2048) // ~40 MB
	log.JSON("info", "loaded", "records", 20000)
	runtime.GC()
	log.Std("phase 1 done, forced GC")
	time.Sleep(100 * time.Millisecond)

	log.Plain("phase 2: transform")
	for i := 0; i < 10; i++ {
		_ = load(2000, 4096) // garbage
	}
	runtime.GC()
	log.TS("info", "phase 2 done, forced GC")
	time.Sleep(100 * time.Millisecond)

	log.Plain("phase 3: drop working set and return memory to the OS")
	keep = nil
	debug.FreeOSMemory()
	log.JSON("info", "FreeOSMemory returned")
	// Let the background scavenger and a few ordinary cycles run.
	for i := 0; i < 8; i++ {
		_ = load(4000, 2048)
		time.Sleep(100 * time.Millisecond)
	}
	runtime.GC()
	debug.FreeOSMemory()
	log.TS("info", "done")
}
