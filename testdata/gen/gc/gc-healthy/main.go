// gc-healthy: a well-behaved service for ~3 s at default GOGC: a fixed-size
// cache (~3 MB, bounded, pre-warmed), moderate request garbage (~40 MB/s) spread
// over a few handlers that also block on I/O-like waits. gctrace shows a flat
// live heap, a low GC CPU share and sub-millisecond stop-the-world phases.
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gomedic.test/gen/gc/internal/applog"
)

type item struct {
	key  string
	val  []byte
	hits int
}

type cache struct {
	mu    sync.Mutex
	items map[string]*item
	max   int
}

func (c *cache) get(k string) *item {
	c.mu.Lock()
	defer c.mu.Unlock()
	it := c.items[k]
	if it == nil {
		if len(c.items) >= c.max {
			for old := range c.items { // evict one
				delete(c.items, old)
				break
			}
		}
		it = &item{key: k, val: make([]byte, 1024)}
		c.items[k] = it
	}
	it.hits++
	return it
}

// lastResp keeps the last response per handler (makes bodies heap-allocated).
var lastResp [4][]byte

func main() {
	dur := flag.Duration("d", 3*time.Second, "run time")
	every := flag.Duration("every", 300*time.Millisecond, "status log interval")
	flag.Parse()
	log := applog.New("api")
	log.Plain("listening on :8080 (simulated)")
	c := &cache{items: make(map[string]*item), max: 3000}
	for i := 0; i < c.max; i++ { // pre-warm
		c.get(fmt.Sprintf("user:%d", i))
	}
	log.JSON("info", "cache warmed", "items", c.max)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var served int64
	for h := 0; h < 4; h++ {
		wg.Add(1)
		go func(h int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(h)))
			t := time.NewTicker(2 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C: // wait for the next request
				}
				for k := 0; k < 8; k++ {
					it := c.get(fmt.Sprintf("user:%d", r.Intn(4000)))
					body := make([]byte, 0, 2048) // rendered response
					body = append(body, fmt.Sprintf(`{"key":%q,"hits":%d,"n":%d}`, it.key, it.hits, len(it.val))...)
					lastResp[h] = body // "written to the connection"
					atomic.AddInt64(&served, 1)
				}
			}
		}(h)
	}
	t := time.NewTicker(*every)
	deadline := time.After(*dur)
	var ms runtime.MemStats
	req := 0
loop:
	for {
		select {
		case <-t.C:
			runtime.ReadMemStats(&ms)
			req++
			log.Mixed("info", "GET /v1/users 200", "req_id", fmt.Sprintf("r-%04d", req),
				"served", atomic.LoadInt64(&served), "heap_alloc_mb", ms.HeapAlloc>>20)
		case <-deadline:
			break loop
		}
	}
	close(stop)
	wg.Wait()
	log.TS("info", "graceful shutdown complete", "served", atomic.LoadInt64(&served))
}
