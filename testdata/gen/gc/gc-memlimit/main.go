// gc-memlimit: a service run with GOMEMLIMIT=64MiB GOGC=off whose in-memory
// table grows to just under the limit while requests keep allocating. Once
// the live heap approaches the limit the heap goal is pinned at ~the limit,
// every few MB of allocation starts a new cycle, the cycles run back to back
// and the cumulative GC CPU share climbs (until the runtime's GC CPU limiter
// caps it at ~50%): the GOMEMLIMIT "death spiral".
package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"gomedic.test/gen/gc/internal/applog"
)

type row struct {
	key  string
	next *row
	cols [8]*string
	blob []byte
}

var sink atomic.Value

func request(i int) int {
	b := make([]byte, 0, 1024)
	for j := 0; j < 8; j++ {
		b = append(b, fmt.Sprintf("col%d=%d,", j, i)...)
	}
	r := &row{key: string(b[:16]), blob: b}
	for j := range r.cols {
		s := string(b[j : j+4])
		r.cols[j] = &s
	}
	if i%1000003 == 0 {
		sink.Store(r)
	}
	return len(r.blob)
}

func main() {
	dur := flag.Duration("d", 3500*time.Millisecond, "run time")
	target := flag.Int("target", 56, "MB the table grows to")
	growFor := flag.Duration("grow", 1500*time.Millisecond, "time to reach -target")
	flag.Parse()
	log := applog.New("table")
	log.Plain("starting: memory limit %d MiB, GOGC=%d", debug.SetMemoryLimit(-1)>>20, debug.SetGCPercent(-1))
	debug.SetGCPercent(debug.SetGCPercent(-1)) // restore what GOGC said

	var mu sync.Mutex
	var table []*row
	var size int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reqs int64
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; ; i += 2 {
				select {
				case <-stop:
					return
				default:
				}
				request(i)
				atomic.AddInt64(&reqs, 1)
			}
		}(w)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		steps := int64(*growFor / (10 * time.Millisecond))
		per := int64(*target) << 20 / steps
		var head *row
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			mu.Lock()
			for atomic.LoadInt64(&size) < int64(*target)<<20 && size < per*int64(n+1) {
				// ~1 KiB of pointer-dense data per row: marking it is real work.
				r := &row{key: fmt.Sprintf("row-%d", len(table)), next: head, blob: make([]byte, 256)}
				for j := range r.cols {
					s := fmt.Sprintf("%064d", len(table)*8+j)
					r.cols[j] = &s
				}
				head = r
				table = append(table, r)
				atomic.AddInt64(&size, 1024)
			}
			mu.Unlock()
		}
	}()
	t := time.NewTicker(250 * time.Millisecond)
	deadline := time.After(*dur)
	var ms runtime.MemStats
loop:
	for {
		select {
		case <-t.C:
			runtime.ReadMemStats(&ms)
			log.Mixed("info", "stats", "table_mb", atomic.LoadInt64(&size)>>20, "reqs", atomic.LoadInt64(&reqs),
				"numgc", ms.NumGC, "next_gc_mb", ms.NextGC>>20, "gc_cpu_fraction", float64(int(ms.GCCPUFraction*1000))/1000)
		case <-deadline:
			break loop
		}
	}
	close(stop)
	wg.Wait()
	mu.Lock()
	log.TS("warn", "request latency degraded, p99 over SLO", "rows", len(table))
	mu.Unlock()
}
