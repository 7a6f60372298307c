// pprof-heapseries writes a time series of heap profiles for one scenario.
//
// Usage: pprof-heapseries -scenario NAME -out DIR [-n 16] [-interval 250ms]
//
// Every interval the program does one step of work for the scenario, calls
// runtime.GC() twice (so the inuse_* values describe the heap right after
// that step, see below) and writes DIR/NN.pb.gz with pprof.Lookup("heap").WriteTo(w, 0),
// NN = 00, 01, ... The work done in each step is fixed (counts, sizes), so
// only the sampling randomness (MemProfileRate 4096) varies between runs.
// A JSON line per profile is logged on stderr (step, file, HeapAlloc, and
// for late-leak the phase), so the switch point can be checked.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"time"
)

// sink keeps short-lived allocations from being optimized away.
var sink []byte

// ---- unbounded-cache: a map cache that only grows -------------------------

type Cache struct {
	mu sync.Mutex
	m  map[string]*entry
}

type entry struct {
	key   string
	value []byte
	at    time.Time
}

func NewCache() *Cache { return &Cache{m: make(map[string]*entry)} }

//go:noinline
func (c *Cache) Put(key string, size int) {
	e := &entry{key: key, value: make([]byte, size), at: time.Now()}
	for i := range e.value {
		e.value[i] = byte(i)
	}
	c.mu.Lock()
	c.m[key] = e // never evicted
	c.mu.Unlock()
}

var cacheSeq int

func stepUnboundedCache(c *Cache, step int) {
	// 40 new sessions per step, 2-4 KB each: +~120 KB per step.
	for i := 0; i < 40; i++ {
		cacheSeq++
		c.Put("session-"+strconv.Itoa(cacheSeq), 2048+(cacheSeq%3)*1024)
		requestGarbage()
	}
}

// requestGarbage is short-lived per-request garbage (alloc_* grows, inuse not).
//
//go:noinline
func requestGarbage() {
	b := make([]byte, 1024)
	b[0] = 1
	sink = b
}

// ---- slice-retain: small subslices keep big backing arrays alive ----------

type Parser struct {
	headers [][]byte // retained forever: each pins a 64 KiB chunk
}

//go:noinline
func (p *Parser) parseChunk(n int) {
	chunk := make([]byte, 64<<10) // the big buffer
	for i := range chunk {
		chunk[i] = byte(n + i)
	}
	hdr := chunk[:16] // 16 bytes we want ...
	p.headers = append(p.headers, hdr)
	// ... the remaining 64 KiB - 16 stays reachable through hdr.
}

func stepSliceRetain(p *Parser, step int) {
	for i := 0; i < 4; i++ { // +256 KiB per step
		p.parseChunk(step*4 + i)
		requestGarbage()
	}
}

// ---- closure-registry: closures capturing big objects, never removed -------

var registry []func() int

type report struct {
	rows [][]byte
}

//go:noinline
func buildReport(n int) *report {
	r := &report{}
	for i := 0; i < 8; i++ {
		r.rows = append(r.rows, make([]byte, 2048))
	}
	r.rows[0][0] = byte(n)
	return r
}

//go:noinline
func registerCallback(id int) {
	r := buildReport(id) // ~16 KiB captured by the closure below
	registry = append(registry, func() int { return len(r.rows) + id })
}

func stepClosureRegistry(step int) {
	for i := 0; i < 8; i++ { // +~130 KiB per step
		registerCallback(step*8 + i)
		requestGarbage()
	}
}

// ---- pool-growing-buffers: pooled buffers that only get bigger -------------

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// held models buffers that are checked out of the pool by in-flight
// requests at the moment of the GC; they are released on the next step.
var held []*bytes.Buffer

//go:noinline
func renderResponse(step, i int) *bytes.Buffer {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	// The response payload keeps getting bigger over time (e.g. a list that
	// grows); buffers are never shrunk, so the pool's memory only grows.
	// Per-request sizes are staggered so the buffers' capacity doublings
	// (bytes.Buffer.grow) do not all happen in the same step.
	base := 2048 + i*1024
	n := base + base*step/3
	chunk := bytes.Repeat([]byte{'x'}, 512)
	for buf.Len() < n {
		buf.Write(chunk)
	}
	return buf
}

func stepPoolGrowing(step int) {
	for _, b := range held {
		bufPool.Put(b)
	}
	held = held[:0]
	for i := 0; i < 16; i++ {
		b := renderResponse(step, i)
		if i%4 == 0 {
			bufPool.Put(b)
		} else {
			held = append(held, b)
		}
	}
}

// ---- step: warm-up then flat ---------------------------------------------

type Index struct {
	shards [][]byte
}

//go:noinline
func (ix *Index) warm(n int) {
	for i := 0; i < n; i++ {
		ix.shards = append(ix.shards, make([]byte, 8192))
	}
}

func stepStep(ix *Index, step int) {
	if step < 4 { // warm-up: +320 KiB per step for profiles 00..03
		ix.warm(40)
	}
	for i := 0; i < 40; i++ {
		requestGarbage()
	}
}

// ---- healthy-flat: steady state, fixed working set -------------------------

type Ring struct {
	slots [][]byte
	next  int
}

//go:noinline
func (r *Ring) handle(size int) {
	b := make([]byte, size)
	b[0] = 1
	r.slots[r.next] = b // replaces (frees) the oldest request's buffer
	r.next = (r.next + 1) % len(r.slots)
}

func stepHealthyFlat(r *Ring, step int) {
	for i := 0; i < 48; i++ {
		r.handle(16 << 10)
		requestGarbage()
	}
}

// ---- healthy-sawtooth: a batch that fills and is flushed -------------------

type Batcher struct {
	pending [][]byte
}

//go:noinline
func (b *Batcher) add(n int) {
	rec := make([]byte, 4096)
	rec[0] = byte(n)
	b.pending = append(b.pending, rec)
}

//go:noinline
func (b *Batcher) flush() int {
	n := len(b.pending)
	b.pending = nil // release the whole batch
	return n
}

func stepSawtooth(b *Batcher, step int) {
	// 4 steps fill the batch (+200 KiB each), the 5th flushes it.
	if step%5 == 4 {
		b.flush()
		return
	}
	for i := 0; i < 50; i++ {
		b.add(i)
	}
}

// ---- late-leak: flat, then a leak starts -----------------------------------

type Subscriber struct {
	id  int
	buf []byte
}

type Broker struct {
	subs []*Subscriber
}

//go:noinline
func (br *Broker) Subscribe(id int) *Subscriber {
	s := &Subscriber{id: id, buf: make([]byte, 4096)}
	br.subs = append(br.subs, s)
	return s
}

//go:noinline
func (br *Broker) Unsubscribe(s *Subscriber) {
	for i, x := range br.subs {
		if x == s {
			br.subs = append(br.subs[:i], br.subs[i+1:]...)
			return
		}
	}
}

func stepLateLeak(br *Broker, step, leakFrom int) {
	for i := 0; i < 30; i++ {
		s := br.Subscribe(step*100 + i)
		if step < leakFrom {
			br.Unsubscribe(s) // healthy: every subscriber unsubscribes
		} // from leakFrom on, the unsubscribe is "forgotten": +120 KiB/step
		requestGarbage()
	}
}

// primeSampler makes the new MemProfileRate effective on every P. Each P's
// mcache drew its "bytes until next sample" with the default rate (512 KiB)
// before main ran; until that much is allocated on a P, nothing is sampled
// there. Burning 1 MiB of garbage per goroutine on 4*GOMAXPROCS goroutines
// makes every P take a sample and redraw with the new rate. The garbage is
// visible in alloc_* under main.primeSampler (inuse 0).
func primeSampler() {
	var wg sync.WaitGroup
	for g := 0; g < 4*runtime.GOMAXPROCS(0); g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1024; i++ {
				b := make([]byte, 1024)
				b[0] = 1
				sink2 = b
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 1024; i++ {
		b := make([]byte, 1024)
		sink2 = b
	}
	sink2 = nil
}

var sink2 []byte

func main() {
	scenario := flag.String("scenario", "", "scenario name")
	out := flag.String("out", "", "output directory")
	n := flag.Int("n", 16, "number of profiles")
	interval := flag.Duration("interval", 250*time.Millisecond, "time between profiles")
	rate := flag.Int("rate", 4096, "runtime.MemProfileRate")
	leakFrom := flag.Int("leak-from", 6, "late-leak: first step (= profile index) whose step leaks")
	flag.Parse()
	runtime.MemProfileRate = *rate
	primeSampler()
	if *scenario == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: pprof-heapseries -scenario NAME -out DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		panic(err)
	}

	cache := NewCache()
	parser := &Parser{}
	index := &Index{}
	ring := &Ring{slots: make([][]byte, 48)}
	batch := &Batcher{}
	broker := &Broker{}

	var step func(int)
	switch *scenario {
	case "unbounded-cache":
		step = func(i int) { stepUnboundedCache(cache, i) }
	case "slice-retain":
		step = func(i int) { stepSliceRetain(parser, i) }
	case "closure-registry":
		step = stepClosureRegistry
	case "pool-growing-buffers":
		step = stepPoolGrowing
	case "step":
		step = func(i int) { stepStep(index, i) }
	case "healthy-flat":
		step = func(i int) { stepHealthyFlat(ring, i) }
	case "healthy-sawtooth":
		step = func(i int) { stepSawtooth(batch, i) }
	case "late-leak":
		step = func(i int) { stepLateLeak(broker, i, *leakFrom) }
	case "moving-sites":
		step = stepMovingSites
	case "spread":
		step = stepSpread
	case "cache-rows":
		step = stepCacheRows
	default:
		fmt.Fprintln(os.Stderr, "unknown scenario", *scenario)
		os.Exit(2)
	}

	start := time.Now()
	for i := 0; i < *n; i++ {
		step(i)
		time.Sleep(*interval)
		// Two GCs: the heap profile is published as of the last completed
		// GC cycle but counts an allocation only once a cycle has passed
		// since it was made (runtime.MemProfile: "may be up to two garbage
		// collection cycles old"). With a single runtime.GC() profile NN
		// would still miss the allocations of step NN.
		runtime.GC()
		runtime.GC()
		name := filepath.Join(*out, fmt.Sprintf("%02d.pb.gz", i))
		f, err := os.Create(name)
		if err != nil {
			panic(err)
		}
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			panic(err)
		}
		if err := f.Close(); err != nil {
			panic(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		phase := ""
		if *scenario == "late-leak" {
			phase = "flat"
			if i >= *leakFrom {
				phase = "leaking"
			}
			phase = fmt.Sprintf(`,"phase":%q,"subscribers":%d`, phase, len(broker.subs))
		}
		fmt.Fprintf(os.Stderr, "{\"scenario\":%q,\"profile\":%d,\"file\":%q,\"t_ms\":%d,\"heap_alloc\":%d,\"heap_objects\":%d%s}\n",
			*scenario, i, filepath.Base(name), time.Since(start).Milliseconds(), ms.HeapAlloc, ms.HeapObjects, phase)
	}
	runtime.KeepAlive(registry)
	runtime.KeepAlive(cache)
	runtime.KeepAlive(parser)
	runtime.KeepAlive(index)
	runtime.KeepAlive(ring)
	runtime.KeepAlive(batch)
	runtime.KeepAlive(held)
	runtime.KeepAlive(movingFree)
	runtime.KeepAlive(spread)
	runtime.KeepAlive(sessions)
}

// ---- moving-sites: pooled buffers that keep doubling, regrown by whichever
// renderer has them ---------------------------------------------------------
//
// A free list of 16 buffers (a sync.Pool without its GC-time clearing, so the
// series is reproducible) serves four renderers. The payload grows every step
// and buffers are never shrunk, so the pool's memory only grows; but a heap
// profile charges a buffer's array to the stack that last grew it, and in each
// step all buffers go to one renderer (step % 4): the growth moves between the
// four renderers' call sites, none of which grows steadily alone. Only the
// allocating function they share (bytes.growSlice) shows the leak.

var movingFree []*bytes.Buffer

func movingPayload(step, i int) int {
	base := 2048 + i*1024
	return base + base*step/3
}

//go:noinline
func renderOrders(b *bytes.Buffer, n int) {
	for b.Len() < n {
		b.WriteString("order,")
	}
}

//go:noinline
func renderUsers(b *bytes.Buffer, n int) {
	for b.Len() < n {
		b.WriteString("user,")
	}
}

//go:noinline
func renderInvoices(b *bytes.Buffer, n int) {
	for b.Len() < n {
		b.WriteString("invoice,")
	}
}

//go:noinline
func renderReports(b *bytes.Buffer, n int) {
	for b.Len() < n {
		b.WriteString("report,")
	}
}

func stepMovingSites(step int) {
	if movingFree == nil {
		for i := 0; i < 16; i++ {
			movingFree = append(movingFree, new(bytes.Buffer))
		}
	}
	render := []func(*bytes.Buffer, int){renderOrders, renderUsers, renderInvoices, renderReports}[step%4]
	for i, b := range movingFree {
		b.Reset()
		render(b, movingPayload(step, i))
	}
	requestGarbage()
}

// ---- spread: many small retentions, none a leak alone --------------------
//
// 24 handlers (closures: 24 distinct functions) each keep one 48 KiB buffer the
// first time they run, and one or two of them run for the first time in each
// step. The total rises steadily; no site (each < 64 KiB) and no function grows
// without bound, so only the total shows it.

var spread [][]byte

var spreaders = []func(){
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
	func() { spread = append(spread, make([]byte, 48<<10)) },
}

func stepSpread(step int) {
	for i := range spreaders {
		if i%16 == step {
			spreaders[i]()
		}
	}
	requestGarbage()
}

// ---- cache-rows: one structure, three growing allocation sites -----------
//
// A session store whose Add allocates, for every session, the entry, a copy
// of its key and its tags: three allocation sites (three rows of a profile)
// that all grow because the store is never evicted. One leak, one finding.

type session struct {
	key  []byte
	tags []string
	seen int64
}

type SessionStore struct {
	byID map[int]*session
}

var sessions = &SessionStore{byID: make(map[int]*session)}

//go:noinline
func (st *SessionStore) Add(id int, key string) {
	s := &session{seen: int64(id)}
	s.key = []byte(key + "/session-key-padding-to-make-it-a-larger-object-xxxxxxxxxxxxxxxx")
	s.tags = make([]string, 0, 24)
	s.tags = append(s.tags, "web", "eu-west", key)
	st.byID[id] = s // never evicted
}

var sessionSeq int

func stepCacheRows(step int) {
	for i := 0; i < 400; i++ {
		sessionSeq++
		sessions.Add(sessionSeq, strconv.Itoa(sessionSeq))
	}
	requestGarbage()
}
