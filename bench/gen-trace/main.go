// gen-trace: a busy program that writes its own execution trace until the file reaches a
// size, for bench/trace.sh. Everything a service's trace carries, many times over:
//
//   - W workers take jobs from a channel, lock a shared map to record them (mutex
//     contention), allocate (GC cycles and mark assists) and sometimes sleep;
//   - P producers send the jobs, and each job is answered on a channel of its own by a
//     short-lived goroutine (goroutine creation and end, channel waits);
//   - a ticker goroutine, a select loop, small writes to a pipe (system calls);
//   - a few goroutines leak: each blocks forever sending on a channel nobody reads.
//
// Usage: gen-trace -o OUT.trace [-size 94] (MB, 10^6 bytes) [-workers 64] [-producers 8]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

type store struct {
	mu   sync.Mutex
	seen map[int]int
}

func (s *store) record(k, v int) {
	s.mu.Lock()
	s.seen[k%4096] += v
	s.mu.Unlock()
}

type job struct {
	n     int
	reply chan int
}

var sink atomic.Value

func worker(jobs <-chan job, s *store, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case j := <-jobs:
			buf := make([]byte, 256+j.n%4096) // garbage: GC cycles, assists
			buf[0] = byte(j.n)
			sink.Store(buf)
			s.record(j.n, len(buf))
			if j.n%97 == 0 {
				time.Sleep(50 * time.Microsecond)
			}
			go func(r chan int, v int) { r <- v }(j.reply, j.n) // the answer
		}
	}
}

func producer(id int, jobs chan<- job, stop <-chan struct{}, done *int64) {
	for i := 0; ; i++ {
		r := make(chan int, 1)
		select {
		case <-stop:
			return
		case jobs <- job{n: id*1_000_000 + i, reply: r}:
		}
		<-r
		atomic.AddInt64(done, 1)
	}
}

func leak(n int) {
	for i := 0; i < n; i++ {
		ch := make(chan int)
		go func() { ch <- 1 }() // nobody receives
	}
}

func main() {
	out := flag.String("o", "", "trace file to write")
	sizeMB := flag.Int("size", 94, "stop when the trace file reaches this many MB (10^6 bytes)")
	workers := flag.Int("workers", 64, "workers")
	producers := flag.Int("producers", 8, "producers")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gen-trace -o OUT.trace [-size MB]")
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go func() { // drains the pipe: the writer's system calls
		b := make([]byte, 4096)
		for {
			if _, err := pr.Read(b); err != nil {
				return
			}
		}
	}()
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	start := time.Now()
	s := &store{seen: map[int]int{}}
	jobs := make(chan job)
	stop := make(chan struct{})
	var done int64
	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); worker(jobs, s, stop) }()
	}
	for i := 0; i < *producers; i++ {
		wg.Add(1)
		go func(id int) { defer wg.Done(); producer(id, jobs, stop, &done) }(i)
	}
	wg.Add(1)
	go func() { // a ticker loop with a way out, writing to the pipe
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				pw.Write([]byte("tick\n"))
			}
		}
	}()
	leak(16)
	limit := int64(*sizeMB) * 1_000_000
	for {
		time.Sleep(50 * time.Millisecond)
		if st, err := f.Stat(); err == nil && st.Size() >= limit {
			break
		}
		if time.Since(start) > 10*time.Minute {
			break
		}
	}
	close(stop)
	wg.Wait()
	trace.Stop()
	f.Close()
	st, _ := os.Stat(*out)
	fmt.Fprintf(os.Stderr, "gen-trace: %s: %d bytes in %.1f s, %d jobs\n", *out, st.Size(),
		time.Since(start).Seconds(), atomic.LoadInt64(&done))
}
