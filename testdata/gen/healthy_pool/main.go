// healthy_pool: a bounded pool of 8 workers ranging over a jobs channel, idle
// between jobs; main waits for a shutdown signal. A debug goroutine (like a
// /debug/pprof handler) writes the dump. Nothing here is a leak.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"
)

type Job struct{ ID int }

type Pool struct {
	jobs chan Job
	wg   sync.WaitGroup
	done int
	mu   sync.Mutex
}

func NewPool(n int) *Pool {
	p := &Pool{jobs: make(chan Job, 64)}
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.worker(i)
	}
	return p
}

func (p *Pool) handle(j Job) {
	p.mu.Lock()
	p.done++
	p.mu.Unlock()
}

func (p *Pool) worker(id int) {
	defer p.wg.Done()
	for j := range p.jobs {
		p.handle(j)
	}
}

func (p *Pool) Submit(j Job) { p.jobs <- j }

func (p *Pool) Close() {
	close(p.jobs)
	p.wg.Wait()
}

func debugDump(done chan<- struct{}) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < 11 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	close(done)
}

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	p := NewPool(8)
	for i := 0; i < 100; i++ {
		p.Submit(Job{ID: i})
	}
	done := make(chan struct{})
	go debugDump(done)
	select {
	case <-sig:
	case <-done:
	}
	p.Close()
}
