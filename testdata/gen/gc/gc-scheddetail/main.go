// gc-scheddetail: a small worker pool (a producer, 4 workers on a channel, one
// goroutine blocked on a mutex, one sleeping) run for ~1 s under
// GODEBUG=schedtrace=200,scheddetail=1 so that the per-P, per-M and per-G
// detail blocks show running, runnable and waiting goroutines.
package main

import (
	"flag"
	"sync"
	"time"

	"gomedic.test/gen/gc/internal/applog"
)

//go:noinline
func work(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i * i % 7
	}
	return s
}

func main() {
	dur := flag.Duration("d", time.Second, "run time")
	flag.Parse()
	log := applog.New("pool")
	log.Plain("starting pool with 4 workers")
	jobs := make(chan int)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for n := range jobs {
				_ = make([]byte, 64<<10)
				work(n)
			}
		}(w)
	}
	// Producer.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case jobs <- 200000 + i%5*100000:
			}
		}
	}()
	// A goroutine that waits on a mutex held by main for a while.
	mu.Lock()
	wg.Add(1)
	go func() {
		defer wg.Done()
		mu.Lock()
		mu.Unlock()
	}()
	// A sleeper.
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-stop:
		case <-time.After(time.Hour):
		}
	}()
	log.JSON("info", "pool running", "workers", 4)
	time.Sleep(*dur / 2)
	mu.Unlock()
	log.TS("info", "config lock released")
	time.Sleep(*dur / 2)
	close(stop)
	wg.Wait()
	log.Std("pool stopped")
}
