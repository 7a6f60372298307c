// gc-cpu-high: several goroutines allocate short-lived, pointer-dense objects
// as fast as they can while a modest live heap (a linked index of ~6 MB) stays
// reachable. Run with GOGC=10 GOMAXPROCS=2 GODEBUG=gctrace=1: the collector
// runs nearly back to back and mark assists push the cumulative GC CPU share
// (the N% field of the gctrace line) well above 25%. The run ends after -d or
// once -maxgc cycles are done, whichever comes first: a fast machine runs ~300
// cycles a second, and the log (a line per cycle) must stay a small fixture.
package main

import (
	"flag"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gomedic.test/gen/gc/internal/applog"
)

type node struct {
	next, prev *node
	kids       [4]*node
	key        *string
	val        int
}

var sink atomic.Value

func buildIndex(n int) []*node {
	idx := make([]*node, n)
	var prev *node
	for i := range idx {
		k := "k"
		nd := &node{prev: prev, key: &k, val: i}
		if prev != nil {
			prev.next = nd
		}
		if i >= 4 {
			for j := range nd.kids {
				nd.kids[j] = idx[i-1-j]
			}
		}
		idx[i] = nd
		prev = nd
	}
	return idx
}

// request builds a short-lived tree of pointerful nodes and discards it.
func request(idx []*node, seed int) int {
	var head *node
	for i := 0; i < 64; i++ {
		nd := &node{next: head, val: seed + i}
		nd.kids[0] = idx[(seed+i)%len(idx)]
		nd.kids[1] = head
		s := "payload"
		nd.key = &s
		head = nd
	}
	sum := 0
	for p := head; p != nil; p = p.next {
		sum += p.val
	}
	return sum
}

func main() {
	dur := flag.Duration("d", 3*time.Second, "run time")
	workers := flag.Int("workers", 6, "allocating goroutines")
	maxgc := flag.Uint("maxgc", 400, "stop after this many GC cycles (checked every 250 ms)")
	flag.Parse()
	log := applog.New("gc-cpu-high")
	log.Plain("starting: GOMAXPROCS=%d workers=%d", runtime.GOMAXPROCS(0), *workers)
	idx := buildIndex(60000)
	log.JSON("info", "index built", "nodes", len(idx))

	var reqs int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if s := request(idx, i); s == -1 {
					sink.Store(s)
				}
				atomic.AddInt64(&reqs, 1)
			}
		}(w)
	}
	t := time.NewTicker(250 * time.Millisecond)
	deadline := time.After(*dur)
	var ms runtime.MemStats
loop:
	for {
		select {
		case <-t.C:
			runtime.ReadMemStats(&ms)
			log.Mixed("info", "throughput", "reqs", atomic.LoadInt64(&reqs), "numgc", ms.NumGC,
				"gc_cpu_fraction", float64(int(ms.GCCPUFraction*1000))/1000)
			if ms.NumGC >= uint32(*maxgc) {
				break loop
			}
		case <-deadline:
			break loop
		}
	}
	close(stop)
	wg.Wait()
	runtime.KeepAlive(idx)
	runtime.ReadMemStats(&ms)
	log.TS("info", "done", "reqs", reqs, "numgc", ms.NumGC)
}
