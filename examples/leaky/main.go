// leaky is a small HTTP service for trying `gomedic watch` (make demo, tests/watch): it serves
// net/http/pprof, works healthily for a while (bursts of short-lived goroutines, a heap that
// saw-tooths under steady garbage), then starts leaking what -leak says:
//
//	goroutines: every request handler leaves a goroutine blocked sending its result to a
//	            channel nobody reads any more (main.(*Notifier).notify)
//	heap:       every request's response is kept in a cache that is never evicted
//	            (main.(*Cache).Put)
//	gc:         no leak, but the GC takes much of the CPU: a large live set of pointers and a
//	            loop that allocates garbage all the time, with GOGC at 10 (main.churn)
//
// It also serves expvar's /debug/vars (memstats: the GC's share of CPU). With -leak-for it leaks
// only for that long, then stops issuing leaking requests (and stops churning): the goroutines
// already leaked stay blocked, so their count goes flat and the episode ends. It prints
// "leaky: leak stopped at TIME" (RFC 3339, milliseconds, UTC) then.
//
//	leaky -addr 127.0.0.1:6060 -leak both -leak-after 20s -rate 20
//	leaky -addr 127.0.0.1:0 -leak goroutines -leak-after 5s -leak-for 25s -rate 20
package main

import (
	_ "expvar"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime/debug"
	"sync"
	"time"
)

// Notifier hands results to a subscriber; once the subscriber has gone, notify blocks forever.
type Notifier struct {
	results chan []byte
}

func (n *Notifier) notify(result []byte) {
	n.results <- result // nobody receives: the goroutine stays here
}

// Cache keeps every response by request id and never evicts.
type Cache struct {
	mu sync.Mutex
	m  map[int][]byte
}

func (c *Cache) Put(id int, b []byte) {
	c.mu.Lock()
	c.m[id] = b
	c.mu.Unlock()
}

var sink []byte

// burst runs n short-lived workers: what a healthy service does under load.
func burst(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(50+rand.Intn(400)) * time.Millisecond)
			sink = make([]byte, 4096) // garbage: the heap saw-tooths
		}()
	}
	wg.Wait()
}

func handleRequest(id int, leakG, leakH bool, n *Notifier, c *Cache) {
	result := make([]byte, 64<<10)
	if leakH {
		c.Put(id, result)
	}
	if leakG {
		go n.notify(result)
	}
}

type node struct {
	next *node
	val  [2]int64
}

// churn keeps a live list of pointers for the GC to mark and allocates garbage without pause,
// as long as leaking says so; then the list is dropped and GOGC restored.
func churn(leaking func() bool) {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	var live *node
	for i := 0; i < 300000; i++ {
		live = &node{next: live}
	}
	for leaking() {
		for i := 0; i < 1000; i++ {
			sink = make([]byte, 256)
		}
		live.val[0]++
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:6060", "listen address")
	leak := flag.String("leak", "both", "what leaks: goroutines, heap, both, gc or none")
	after := flag.Duration("leak-after", 20*time.Second, "healthy for this long first")
	leakFor := flag.Duration("leak-for", 0, "leak for this long, then stop (0: forever)")
	rate := flag.Int("rate", 20, "requests per second once leaking")
	stop := flag.Duration("for", 0, "exit after this long (0: never)")
	flag.Parse()
	leakG := *leak == "goroutines" || *leak == "both"
	leakH := *leak == "heap" || *leak == "both"
	if !leakG && !leakH && *leak != "none" && *leak != "gc" {
		fmt.Fprintf(os.Stderr, "leaky: -leak %q: expected goroutines, heap, both, gc or none\n", *leak)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("leaky: serving pprof on http://%s, leaking %s after %s\n", ln.Addr(), *leak, *after)
	if *stop > 0 {
		time.AfterFunc(*stop, func() { os.Exit(0) })
	}
	go func() {
		for {
			burst(rand.Intn(300))
			time.Sleep(200 * time.Millisecond)
		}
	}()
	go func() {
		n := &Notifier{results: make(chan []byte)}
		c := &Cache{m: map[int][]byte{}}
		time.Sleep(*after)
		fmt.Printf("leaky: leaking %s from %s\n", *leak, time.Now().UTC().Format("2006-01-02T15:04:05.000Z"))
		var end time.Time // zero: leak forever
		if *leakFor > 0 {
			end = time.Now().Add(*leakFor)
		}
		leaking := func() bool { return end.IsZero() || time.Now().Before(end) }
		if *leak == "gc" {
			churn(leaking)
		} else {
			tick := time.NewTicker(time.Second / time.Duration(*rate))
			for id := 0; ; id++ {
				<-tick.C
				if !leaking() {
					break
				}
				handleRequest(id, leakG, leakH, n, c)
			}
			tick.Stop()
		}
		fmt.Printf("leaky: leak stopped at %s\n", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"))
	}()
	log.Fatal(http.Serve(ln, nil))
}
