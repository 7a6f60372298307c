// Command leak is a fake HTTP-style service with a slow memory leak. It serves
// a fixed set of routes (handler + middleware chain + payload shape) from a
// worker pool, and writes a heap profile after every step:
//
//	leak -o DIR -n 20      # DIR/heap-01.pb.gz ... DIR/heap-20.pb.gz
//
// Every route is served once before the first profile, so all allocation
// sites (and most buckets) already exist in heap-01 and the profiles stay about
// the same size; what changes between them is the values. Two leaks grow
// linearly: the session store (withSession: sessions are created and never
// expire) and the event bus (subscribeFeed: subscribers are never removed).
// The response cache grows until it is full and then stays flat; everything
// else is garbage after the request.
//
// runtime.MemProfileRate is -rate (512 by default, vs 512 KiB normally), so
// the profiles record most allocations, as a service profiled with a low rate
// would.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

// Ctx is the per-request state passed down the middleware chain.
type Ctx struct {
	ctx     context.Context
	route   *Route
	rng     *rand.Rand
	reqID   string
	user    *User
	header  map[string]string
	attrs   []Attr
	body    []byte
	resp    *bytes.Buffer
	status  int
	session *Session
}

type Attr struct {
	Key string
	Val interface{}
}

type Handler func(*Ctx) error
type Middleware func(Handler) Handler

// Route is an endpoint: a handler wrapped in a middleware chain, with the
// shape of its payloads (depth of nested JSON/template trees, list widths).
type Route struct {
	ID      int
	Path    string
	handler Handler
	chain   []string
	depth   int
	width   int
	body    []byte // request body (JSON tree of depth `depth`)
}

func main() {
	out := flag.String("o", ".", "output directory")
	n := flag.Int("n", 20, "profiles to write")
	routes := flag.Int("routes", 2000, "distinct routes (handler x middleware chain x payload shape)")
	reqs := flag.Int("reqs", 1, "requests per route per step")
	rate := flag.Int("rate", 512, "runtime.MemProfileRate")
	workers := flag.Int("workers", 8, "worker goroutines")
	warm := flag.Int("warm", 3, "requests per route before the first profile")
	seed := flag.Int64("seed", 1, "seed for the route table and requests")
	verbose := flag.Bool("v", false, "print progress to stderr")
	flag.Parse()

	runtime.MemProfileRate = *rate
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatal(err)
	}
	start := time.Now()
	table := buildRoutes(*routes, *seed)
	if *verbose {
		fmt.Fprintf(os.Stderr, "leak: %d routes built in %v\n", len(table), time.Since(start).Round(time.Millisecond))
	}
	// Warm-up: every route a few times, so nearly every bucket exists before heap-01.
	serveAll(table, *warm, *workers, *seed)
	for step := 1; step <= *n; step++ {
		t0 := time.Now()
		serveAll(table, *reqs, *workers, *seed+int64(step)*7919)
		runtime.GC()
		name := filepath.Join(*out, fmt.Sprintf("heap-%02d.pb.gz", step))
		if err := writeHeap(name); err != nil {
			fatal(err)
		}
		if *verbose {
			st, _ := os.Stat(name)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			fmt.Fprintf(os.Stderr, "leak: step %2d: %s %.2f MB, heap %.1f MB, sessions %d, subscribers %d, %v\n",
				step, filepath.Base(name), float64(st.Size())/1e6, float64(ms.HeapAlloc)/1e6,
				sessions.Len(), bus.Len(), time.Since(t0).Round(time.Millisecond))
		}
	}
	if *verbose {
		fmt.Fprintf(os.Stderr, "leak: done in %v\n", time.Since(start).Round(time.Millisecond))
	}
}

func writeHeap(name string) error {
	f, err := os.Create(name + ".tmp")
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(name+".tmp", name)
}

// serveAll serves every route `reqs` times from a pool of workers.
func serveAll(table []*Route, reqs, workers int, seed int64) {
	jobs := make(chan *Route, 256)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			worker(jobs, rand.New(rand.NewSource(seed*31+int64(w))))
		}(w)
	}
	for i := 0; i < reqs; i++ {
		for _, r := range table {
			jobs <- r
		}
	}
	close(jobs)
	wg.Wait()
}

//go:noinline
func worker(jobs <-chan *Route, rng *rand.Rand) {
	for r := range jobs {
		serve(r, rng)
	}
}

//go:noinline
func serve(r *Route, rng *rand.Rand) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := &Ctx{
		ctx:    ctx,
		route:  r,
		rng:    rng,
		header: make(map[string]string, 8),
		body:   r.body,
		resp:   new(bytes.Buffer),
		status: 200,
	}
	if err := r.handler(c); err != nil {
		c.status = 500
		logLine(c, "error", err.Error())
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "leak:", err)
	os.Exit(1)
}
