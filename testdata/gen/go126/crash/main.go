// crash: three ways a Go 1.26 program dies with a goroutine dump on stderr.
//
//	crash panic            nil map write in a request handler -> panic; run it
//	                       with GOTRACEBACK=crash: every goroutine (runtime ones
//	                       too) with "gp=0x… m=… mp=0x…" headers, then SIGABRT
//	                       and the per-thread dump (exit: killed by SIGABRT)
//	crash deadlock         main waits on a WaitGroup whose workers wait on each
//	                       other: "fatal error: all goroutines are asleep -
//	                       deadlock!" (exit 2)
//	crash concurrent-map   two goroutines write one map without a lock:
//	                       "fatal error: concurrent map writes" (exit 2)
//
// Every mode first parks a few goroutines (a pool on a channel, a mutex
// queue) so that the dumps have more than one goroutine in them. A mode that
// does not die within 5 s exits 3.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

type Job struct{ id int }

type Pool struct{ jobs chan Job }

func (p *Pool) worker() {
	for j := range p.jobs {
		_ = j
	}
}

type Store struct {
	mu   sync.Mutex
	data map[string]int
}

// Get queues on the mutex that hold holds forever.
func (s *Store) Get(k string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data[k]
}

func (s *Store) hold(release chan struct{}) {
	s.mu.Lock()
	<-release
	s.mu.Unlock()
}

type Request struct {
	User    string
	Headers map[string]string
}

type Handler struct{ hits map[string]int }

func (h *Handler) tag(r *Request) {
	r.Headers["X-Seen-By"] = "crash" // r.Headers is nil: panics
}

func (h *Handler) Serve(r *Request) {
	h.hits[r.User]++
	h.tag(r)
}

// background parks 3 pool workers and 2 Store.Get waiters behind a holder.
func background() (*Pool, chan struct{}) {
	p := &Pool{jobs: make(chan Job)}
	for i := 0; i < 3; i++ {
		go p.worker()
	}
	s := &Store{data: map[string]int{}}
	release := make(chan struct{})
	go s.hold(release)
	waitGoroutines("main.(*Store).hold", 1)
	for i := 0; i < 2; i++ {
		go s.Get("k")
	}
	waitGoroutines("main.(*Store).Get", 2)
	waitGoroutines("main.(*Pool).worker", 3)
	return p, release
}

func waitGoroutines(fn string, n int) {
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		k := runtime.Stack(buf, true)
		got := 0
		for _, line := range strings.Split(string(buf[:k]), "\n") {
			if strings.HasPrefix(line, fn+"(") {
				got++
			}
		}
		if got >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "crash: timed out waiting for %d x %s\n", n, fn)
	os.Exit(3)
}

// --- deadlock ------------------------------------------------------------------

type Ledger struct {
	a, b sync.Mutex
}

func (l *Ledger) debit(wg *sync.WaitGroup, ready *sync.WaitGroup) {
	defer wg.Done()
	l.a.Lock()
	ready.Done()
	ready.Wait()
	l.b.Lock() // credit holds b and wants a
	l.b.Unlock()
	l.a.Unlock()
}

func (l *Ledger) credit(wg *sync.WaitGroup, ready *sync.WaitGroup) {
	defer wg.Done()
	l.b.Lock()
	ready.Done()
	ready.Wait()
	l.a.Lock()
	l.a.Unlock()
	l.b.Unlock()
}

func deadlock() {
	var l Ledger
	var wg, ready sync.WaitGroup
	wg.Add(2)
	ready.Add(2)
	go l.debit(&wg, &ready)
	go l.credit(&wg, &ready)
	wg.Wait() // every goroutine is now blocked: the runtime notices
}

// --- concurrent map writes -----------------------------------------------------------

type Counter struct{ m map[int]int }

func (c *Counter) record(from int) {
	for i := 0; ; i++ {
		c.m[from*1000000+i%1000]++
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: crash panic|deadlock|concurrent-map")
		os.Exit(2)
	}
	mode := os.Args[1]
	switch mode {
	case "panic":
		background()
		h := &Handler{hits: map[string]int{}}
		h.Serve(&Request{User: "alice"})
	case "deadlock":
		// No timers, no syscalls, no signal handlers may stay alive, or
		// the runtime cannot prove that nothing will ever run again.
		background()
		deadlock()
	case "concurrent-map":
		background()
		c := &Counter{m: map[int]int{}}
		go c.record(1)
		go c.record(2)
		time.Sleep(5 * time.Second)
	default:
		fmt.Fprintln(os.Stderr, "crash: unknown mode", mode)
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "crash: mode", mode, "did not die")
	os.Exit(3)
}
