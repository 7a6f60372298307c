// goroutine-leak: the trace must show goroutines created by user functions
// during the trace that are still blocked on channel operations when the
// trace stops (they never run again):
//
//   - 9 goroutines running main.(*Searcher).Search.func1, created by
//     main.(*Searcher).Search, end Waiting with reason "chan send": each of
//     3 searches asks 4 replicas over an unbuffered channel and returns with
//     the first answer, so the other 3 replicas of every search block forever.
//   - 8 goroutines running main.(*Hub).watch, created by main.(*Hub).Subscribe,
//     end Waiting with reason "chan receive": they range over a subscription
//     channel that the hub never closes.
//
// Everything else (the publisher, the replicas that answered first) finishes.
// The program then idles 1.2 s so that the trace has two generations: the
// leaked goroutines block in generation 1 and are still Waiting in
// generation 2, where they show up only as GoStatus/GoStatusStack events
// (Undetermined->Waiting with their blocked stack). The program runs ~1.3 s.
// Usage: goroutine-leak OUT.trace
package main

import (
	"fmt"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

const (
	searches = 3
	replicas = 4
	watchers = 8
)

type Result struct {
	Replica int
	Hits    int
}

type Searcher struct{ replicas int }

// Search queries every replica and returns the first answer. The bug: the
// channel is unbuffered and nobody reads the other answers, so the losing
// replicas block in `ch <- ...` forever.
func (s *Searcher) Search(query string) Result {
	ch := make(chan Result)
	for i := 0; i < s.replicas; i++ {
		go func(replica int) {
			time.Sleep(time.Duration(1+replica) * time.Millisecond)
			ch <- Result{Replica: replica, Hits: len(query) * (replica + 1)}
		}(i)
	}
	return <-ch
}

type Hub struct {
	mu   sync.Mutex
	subs []chan string
	seen sync.WaitGroup
}

// Subscribe starts a watcher goroutine on a new subscription channel. The
// bug: Hub has no Close, so the watchers' range loops never end.
func (h *Hub) Subscribe(name string) {
	ch := make(chan string, 1)
	h.mu.Lock()
	h.subs = append(h.subs, ch)
	h.mu.Unlock()
	go h.watch(name, ch)
}

func (h *Hub) watch(name string, ch chan string) {
	n := 0
	for msg := range ch {
		n += len(msg) + len(name)
		h.seen.Done()
	}
}

func (h *Hub) Publish(msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ch := range h.subs {
		h.seen.Add(1)
		ch <- msg
	}
}

func run() {
	s := &Searcher{replicas: replicas}
	for i := 0; i < searches; i++ {
		r := s.Search(fmt.Sprintf("query-%d", i))
		fmt.Fprintf(os.Stderr, "search %d: replica %d, %d hits\n", i, r.Replica, r.Hits)
	}
	h := &Hub{}
	for i := 0; i < watchers; i++ {
		h.Subscribe(fmt.Sprintf("watcher-%d", i))
	}
	done := make(chan struct{})
	go func() { // the publisher finishes normally
		defer close(done)
		for i := 0; i < 5; i++ {
			h.Publish(fmt.Sprintf("event-%d", i))
			time.Sleep(5 * time.Millisecond)
		}
	}()
	<-done
	h.seen.Wait()
	// Nothing else happens: the leaked goroutines stay blocked. The runtime
	// starts a new trace generation every second; sleeping past it puts
	// them into generation 2, where they appear only in status events.
	time.Sleep(1200 * time.Millisecond)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: goroutine-leak OUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	run()
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
