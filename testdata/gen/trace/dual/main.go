// dual: a goroutine dump and an execution trace of the same process at the same
// time, for `gomedic trace TRACE --dump DUMP` (the evidence chain). While
// tracing, the program runs
//
//   - a leak: main.(*Fanout).Ask starts 3 replicas per question over an
//     unbuffered channel and returns with the first answer; 4 questions leave
//     8 goroutines running main.(*Fanout).Ask.func1 blocked on "chan send"
//     for good (the dump and the trace agree: stuck);
//   - a busy pool: 6 main.(*Pool).worker goroutines range over a job channel
//     that a feeder fills every 2 ms; between jobs they wait in "chan
//     receive", which is where the dump catches them, but the trace sees each
//     of them wake and run many times (progress: a dump alone cannot tell);
//
// then, still tracing, writes the goroutine dump (debug=2, as
// /debug/pprof/goroutine?debug=2 does) and stops the trace. The program runs
// ~0.3 s.
// Usage: dual OUT.trace   (writes OUT.trace and OUT.txt, the dump)
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync/atomic"
	"time"
)

type Fanout struct{ replicas int }

// Ask returns the first replica's answer; the others block on the send forever.
func (f *Fanout) Ask(q int) int {
	answers := make(chan int) // unbuffered: the bug
	for r := 0; r < f.replicas; r++ {
		go func(r int) {
			time.Sleep(time.Duration(r+1) * time.Millisecond)
			answers <- q*10 + r
		}(r)
	}
	return <-answers
}

type Pool struct {
	jobs chan int
	done int64
}

func (p *Pool) worker() {
	for j := range p.jobs {
		atomic.AddInt64(&p.done, int64(j))
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dual OUT.trace")
		os.Exit(2)
	}
	out := os.Args[1]
	f, err := os.Create(out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	p := &Pool{jobs: make(chan int)}
	for i := 0; i < 6; i++ {
		go p.worker()
	}
	stop := make(chan struct{})
	go func() { // the feeder
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			for k := 0; k < 6; k++ {
				p.jobs <- i
			}
		}
	}()
	fo := &Fanout{replicas: 3}
	for q := 0; q < 4; q++ {
		fo.Ask(q)
	}
	time.Sleep(250 * time.Millisecond)
	close(stop)
	time.Sleep(5 * time.Millisecond)
	// the dump, taken while the trace still runs
	d, err := os.Create(strings.TrimSuffix(out, ".trace") + ".txt")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.Lookup("goroutine").WriteTo(d, 2); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d.Close()
	trace.Stop()
	f.Close()
}
