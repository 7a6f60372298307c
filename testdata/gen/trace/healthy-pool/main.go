// healthy-pool: the negative case. The trace must show a bounded worker
// pool that finishes cleanly: every goroutine started by main code during
// the trace (4 main.(*Pool).worker goroutines, created by main.NewPool, the
// main.(*Pool).Close.func1 closer and the main.run.func1 producer) ends in
// NotExist (Running->NotExist) before the trace stops; none is left
// Waiting. Workers do block on the jobs channel ("chan receive") and
// producers on the full buffer ("chan send") along the way, but each of
// those waits ends.
//
// 200 jobs of ~50 µs CPU each plus a 100 µs sleep every 10th job; the run
// takes ~30-60 ms. Usage: healthy-pool OUT.trace
package main

import (
	"fmt"
	"hash/crc32"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

const (
	poolSize = 4
	jobs     = 200
)

type Job struct {
	ID      int
	Payload []byte
}

type Result struct {
	ID  int
	Sum uint32
}

type Pool struct {
	jobs    chan Job
	results chan Result
	wg      sync.WaitGroup
}

func NewPool(n int) *Pool {
	p := &Pool{jobs: make(chan Job, 8), results: make(chan Result, 8)}
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.worker(i)
	}
	return p
}

func (p *Pool) worker(id int) {
	defer p.wg.Done()
	for j := range p.jobs {
		sum := uint32(0)
		for k := 0; k < 20; k++ {
			sum = crc32.Update(sum, crc32.IEEETable, j.Payload)
		}
		if j.ID%10 == 0 {
			time.Sleep(100 * time.Microsecond) // a slow dependency
		}
		p.results <- Result{ID: j.ID, Sum: sum}
	}
}

func (p *Pool) Submit(j Job) { p.jobs <- j }

// Close stops accepting jobs; results is closed once every worker is done.
func (p *Pool) Close() {
	close(p.jobs)
	go func() {
		p.wg.Wait()
		close(p.results)
	}()
}

func run() {
	p := NewPool(poolSize)
	go func() {
		payload := make([]byte, 2048)
		for i := 0; i < jobs; i++ {
			payload[i%len(payload)]++
			p.Submit(Job{ID: i, Payload: append([]byte(nil), payload...)})
		}
		p.Close()
	}()
	n := 0
	for range p.results {
		n++
	}
	if n != jobs {
		fmt.Fprintf(os.Stderr, "healthy-pool: %d results, want %d\n", n, jobs)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "healthy-pool: %d jobs done\n", n)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: healthy-pool OUT.trace")
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
	// The last goroutines exit right after closing results; give them a
	// moment so that their end is in the trace.
	time.Sleep(5 * time.Millisecond)
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
