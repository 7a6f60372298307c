// gc-stw-long: CPU-bound goroutines run long call-free loops (checksums over
// a buffer, no function calls, hence no cooperative preemption points).
// Run with GODEBUG=gctrace=1,asyncpreemptoff=1: without asynchronous
// preemption the runtime cannot stop those goroutines, so every stop-the-world
// phase (sweep termination and mark termination, the first and last numbers
// of the "ms clock" triple) waits for a loop to finish: milliseconds to tens
// of milliseconds instead of tens of microseconds.
package main

import (
	"flag"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gomedic.test/gen/gc/internal/applog"
)

var results [64]uint64

//go:noinline
func checkpoint(w int, v uint64) { results[w] = v }

// crunch spins for roughly iters iterations without any call.
func crunch(buf []uint64, iters int) uint64 {
	var h uint64 = 14695981039346656037
	n := len(buf)
	for i := 0; i < iters; i++ {
		h ^= buf[i%n]
		h *= 1099511628211
		buf[(i*7)%n] = h
	}
	return h
}

type msg struct {
	id   int
	body []byte
	refs []*msg
}

func main() {
	dur := flag.Duration("d", 3*time.Second, "run time")
	loopers := flag.Int("loopers", 1, "goroutines running long call-free loops")
	flag.Parse()
	log := applog.New("hasher")
	log.Plain("starting %d hash workers, GOMAXPROCS=%d", *loopers, runtime.GOMAXPROCS(0))

	// Calibrate: iterations per millisecond.
	buf := make([]uint64, 4096)
	start := time.Now()
	crunch(buf, 2000000)
	perMS := int(2000000 / (float64(time.Since(start).Microseconds()) / 1000))
	log.JSON("info", "calibrated", "iters_per_ms", perMS)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var batches int64
	for w := 0; w < *loopers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			b := make([]uint64, 4096)
			ms := []int{3, 6, 12, 25, 9, 18}
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				// One batch: 3-25 ms of pure computation.
				checkpoint(w, crunch(b, ms[(k+w)%len(ms)]*perMS))
				atomic.AddInt64(&batches, 1)
			}
		}(w)
	}
	// An allocating request handler keeps GC cycles coming.
	wg.Add(1)
	go func() {
		defer wg.Done()
		var keep []*msg
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			m := &msg{id: i, body: make([]byte, 1024)}
			if len(keep) > 0 {
				m.refs = append(m.refs, keep[i%len(keep)])
			}
			if i%16 == 0 {
				keep = append(keep, m)
				if len(keep) > 4096 {
					keep = keep[2048:]
				}
			}
		}
	}()
	t := time.NewTicker(300 * time.Millisecond)
	deadline := time.After(*dur)
	var ms runtime.MemStats
loop:
	for {
		select {
		case <-t.C:
			runtime.ReadMemStats(&ms)
			log.Mixed("info", "progress", "batches", atomic.LoadInt64(&batches), "numgc", ms.NumGC,
				"pause_total_ms", ms.PauseTotalNs/1e6)
		case <-deadline:
			break loop
		}
	}
	close(stop)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	log.TS("info", "done", "numgc", ms.NumGC, "pause_total_ms", ms.PauseTotalNs/1e6)
}
