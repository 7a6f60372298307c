// gc-live-heap-rising: a session cache that is only ever added to (the
// eviction goroutine was never started), fed ~40 MB/s for a few seconds while
// request handling also produces ~20 MB/s of short-lived garbage. Run with
// GOGC=20 so that a few seconds span 30+ cycles (with GOGC=100 the heap goal
// doubles each cycle and the leak only shows over a handful of them). Under
// GODEBUG=gctrace=1 the live heap after mark (third number of A->B->C MB)
// climbs cycle after cycle.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"time"

	"gomedic.test/gen/gc/internal/applog"
)

type session struct {
	id      string
	user    *string
	payload []byte
	tags    []*string
}

type cache struct {
	mu sync.Mutex
	m  map[string]*session
}

func (c *cache) put(s *session) {
	c.mu.Lock()
	c.m[s.id] = s
	c.mu.Unlock()
}

func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

var sink []byte

func handle(i int) int {
	// Short-lived garbage: a decoded request and a rendered response.
	buf := make([]byte, 0, 2048)
	for j := 0; j < 16; j++ {
		buf = append(buf, fmt.Sprintf("field%d=%d;", j, i+j)...)
	}
	parts := make([]*string, 0, 16)
	for j := 0; j < 16; j++ {
		s := string(buf[j*8 : j*8+8])
		parts = append(parts, &s)
	}
	if i%1000000 == 999999 {
		sink = buf
	}
	return len(parts)
}

func main() {
	dur := flag.Duration("d", 4*time.Second, "run time")
	rate := flag.Int("rate", 40, "MB per second added to the cache")
	garbage := flag.Int("garbage", 20, "MB per second of short-lived request garbage")
	flag.Parse()
	log := applog.New("sessions")
	log.Plain("cache starting, eviction=disabled rate=%dMB/s", *rate)

	c := &cache{m: make(map[string]*session)}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// Request handlers: ~3 KB of garbage per request, paced to -garbage MB/s.
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			t := time.NewTicker(10 * time.Millisecond)
			defer t.Stop()
			per := *garbage * 1024 * 1024 / 100 / 3072 / 2
			for i := w; ; {
				select {
				case <-stop:
					return
				case <-t.C:
				}
				for k := 0; k < per; k++ {
					handle(i)
					i += 2
				}
			}
		}(w)
	}
	// Leaker: every 10 ms add rate/100 MB of sessions (4 KiB each).
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		n := 0
		per := *rate * 1024 * 1024 / 100 / 4096
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			for k := 0; k < per; k++ {
				u := fmt.Sprintf("user-%d", n%977)
				tag := "web"
				c.put(&session{
					id:      fmt.Sprintf("sess-%08d", n),
					user:    &u,
					payload: make([]byte, 4096-64),
					tags:    []*string{&tag},
				})
				n++
			}
		}
	}()
	t := time.NewTicker(200 * time.Millisecond)
	deadline := time.After(*dur)
	var ms runtime.MemStats
loop:
	for {
		select {
		case <-t.C:
			runtime.ReadMemStats(&ms)
			log.Mixed("info", "cache stats", "sessions", c.len(), "heap_alloc_mb", ms.HeapAlloc>>20, "numgc", ms.NumGC)
		case <-deadline:
			break loop
		}
	}
	close(stop)
	wg.Wait()
	log.TS("warn", "shutting down with cache still populated", "sessions", c.len())
}
