// gc-heavy: the trace must show a program that spends its time in the
// garbage collector: many complete GC cycles ("GC concurrent mark phase"
// ranges, each bracketed by "stop-the-world (GC sweep termination)" and
// "stop-the-world (GC mark termination)"), a heap metric
// (/memory/classes/heap/objects:bytes) that rises and falls as a saw-tooth
// once per cycle, a heap goal metric (/gc/heap/goal:bytes) for every cycle,
// the GC worker goroutine labelled "GC (fractional)", hundreds of
// "GC incremental sweep" ranges and hundreds of mark assists
// ("GC mark assist") charged to the 2 allocating main.allocate goroutines.
//
// A ~7 MB pointer-dense live set (a session table, built before the trace
// starts) plus 2 goroutines that allocate short-lived request objects
// (maps, slices, strings) as fast as they can, with GOGC 50 set by the
// program: ~11 cycles in ~130 ms, heap ~7.5 -> ~11.5 MB each time.
//
// The program runs on one P (GOMAXPROCS 1). With two, Go 1.26's background
// sweeper sometimes spins through runtime.Gosched (goschedIfBusy in
// runtime.bgsweep) while the other thread is descheduled in the middle of a
// sweep: thousands of GoStop/GoStart pairs in a few ms, traces of 60-260 KB
// from run to run. One P gives a stable ~60 KB.
// Usage: gc-heavy OUT.trace
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/trace"
	"strconv"
	"sync"
)

const (
	sessions      = 30000
	requestsPerGo = 6000
	allocators    = 2
)

type Session struct {
	ID    string
	User  *User
	Attrs map[string]string
	Next  *Session
}

type User struct {
	Name  string
	Roles []string
}

// buildSessions makes the live heap the collector has to mark every cycle.
func buildSessions() []*Session {
	s := make([]*Session, sessions)
	for i := range s {
		s[i] = &Session{
			ID:   strconv.Itoa(i),
			User: &User{Name: "user" + strconv.Itoa(i%1000), Roles: []string{"reader"}},
		}
		if i > 0 {
			s[i].Next = s[i-1]
		}
	}
	return s
}

type Request struct {
	Headers map[string]string
	Body    []byte
	Tags    []string
}

// handle allocates a request's worth of garbage and returns a digest.
func handle(i int, live []*Session) int {
	r := &Request{Headers: make(map[string]string, 8), Body: make([]byte, 1024+i%2048)}
	for k := 0; k < 8; k++ {
		r.Headers["X-Header-"+strconv.Itoa(k)] = strconv.Itoa(i * k)
	}
	for k := 0; k < 16; k++ {
		r.Tags = append(r.Tags, fmt.Sprintf("tag-%d-%d", i, k))
	}
	sess := live[i%len(live)]
	return len(r.Body) + len(r.Tags) + len(r.Headers) + len(sess.ID)
}

func allocate(live []*Session, wg *sync.WaitGroup, out *int) {
	defer wg.Done()
	sum := 0
	for i := 0; i < requestsPerGo; i++ {
		sum += handle(i, live)
	}
	*out = sum
}

func run(live []*Session) {
	var wg sync.WaitGroup
	sums := make([]int, allocators)
	for i := 0; i < allocators; i++ {
		wg.Add(1)
		go allocate(live, &wg, &sums[i])
	}
	wg.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "gc-heavy: %d GC cycles in total, live sessions %d, sums %v\n", ms.NumGC, len(live), sums)
	runtime.KeepAlive(live)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gc-heavy OUT.trace")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1) // see the comment at the top
	debug.SetGCPercent(50)
	live := buildSessions() // before the trace: it shows the steady state
	runtime.GC()            // and starts with a heap goal set for this live set
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	run(live)
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
