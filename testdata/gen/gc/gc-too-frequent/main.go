// gc-too-frequent: a config service (~20 MB of live, mostly pointer-free
// config blobs and a modest ~40 MB/s of request garbage (-rate 15 counts only the response bodies)) misconfigured with
// GOGC=5: the heap may only grow 5% (1 MB, the runtime's minimum sweep
// distance, in Go 1.19) over the live heap before the next cycle, so under
// GODEBUG=gctrace=1 dozens of GC cycles start every second (with the default
// GOGC=100 it would be about two per second).
package main

import (
	"flag"
	"fmt"
	"runtime"
	"strings"
	"time"

	"gomedic.test/gen/gc/internal/applog"
)

type entry struct {
	key, val string
	next     *entry
}

func main() {
	dur := flag.Duration("d", 3*time.Second, "run time")
	rate := flag.Int("rate", 15, "MB/s of request garbage")
	flag.Parse()
	log := applog.New("configsvc")
	log.Plain("loading config snapshot")
	var cfg []*entry
	var prev *entry
	for i := 0; i < 20000; i++ {
		e := &entry{key: fmt.Sprintf("svc.%d.timeout", i), val: strings.Repeat("x", 1000), next: prev}
		cfg = append(cfg, e)
		prev = e
	}
	log.JSON("info", "config loaded", "entries", len(cfg))

	// Every 5 ms handle a burst of requests worth rate/200 MB.
	per := *rate * 1024 * 1024 / 200
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	report := time.NewTicker(250 * time.Millisecond)
	defer report.Stop()
	deadline := time.After(*dur)
	var ms runtime.MemStats
	served := 0
	for {
		select {
		case <-t.C:
			for n := 0; n < per; {
				e := cfg[served%len(cfg)]
				resp := []byte(fmt.Sprintf(`{"key":%q,"value":%q,"seq":%d}`, e.key, e.val, served))
				n += len(resp) + 64
				served++
			}
		case <-report.C:
			runtime.ReadMemStats(&ms)
			log.Mixed("info", "served", "requests", served, "numgc", ms.NumGC, "heap_alloc_kb", ms.HeapAlloc>>10)
		case <-deadline:
			runtime.ReadMemStats(&ms)
			log.TS("info", "shutdown", "requests", served, "numgc", ms.NumGC)
			runtime.KeepAlive(cfg)
			return
		}
	}
}
