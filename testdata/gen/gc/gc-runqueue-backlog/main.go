// gc-runqueue-backlog: a fan-out that starts 200 CPU-bound goroutines (image
// "thumbnail" jobs) on GOMAXPROCS=2. Under GODEBUG=schedtrace=100,gctrace=1
// the SCHED lines show a large global runqueue= and full per-P local queues
// ([n n]) for the whole run: far more runnable goroutines than Ps.
package main

import (
	"flag"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gomedic.test/gen/gc/internal/applog"
)

var done int64

//go:noinline
func resize(px []uint32, rounds int) uint32 {
	var acc uint32
	for r := 0; r < rounds; r++ {
		for i := range px {
			px[i] = px[i]*1664525 + 1013904223
			acc ^= px[i]
		}
	}
	return acc
}

func main() {
	dur := flag.Duration("d", 3*time.Second, "run time")
	jobs := flag.Int("jobs", 200, "concurrent CPU-bound goroutines")
	pixels := flag.Int("pixels", 16384, "pixels per image (heap-allocated per job)")
	flag.Parse()
	log := applog.New("thumbs")
	log.Plain("fan-out of %d jobs on GOMAXPROCS=%d", *jobs, runtime.GOMAXPROCS(0))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for j := 0; j < *jobs; j++ {
		wg.Add(1)
		go func(j int) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Each "image" is a fresh buffer: some garbage for gctrace too.
				px := make([]uint32, *pixels)
				resize(px, 64)
				atomic.AddInt64(&done, 1)
			}
		}(j)
	}
	t := time.NewTicker(400 * time.Millisecond)
	deadline := time.After(*dur)
	last := int64(0)
loop:
	for {
		select {
		case <-t.C:
			d := atomic.LoadInt64(&done)
			log.Mixed("warn", "thumbnail queue slow", "completed", d, "per_s", (d-last)*10/4, "goroutines", runtime.NumGoroutine())
			last = d
		case <-deadline:
			break loop
		}
	}
	close(stop)
	wg.Wait()
	log.TS("info", "drained", "completed", atomic.LoadInt64(&done))
}
