// pprof-goroutine: goroutine profile (debug=0 proto) of a program with
// labelled and unlabelled goroutines blocked in different places.
//
//	5 workers   pprof.Do labels {pool=ingest, shard=0|1}  blocked on a channel receive (main.(*Pool).worker)
//	3 requests  pprof.Do labels {handler=/api/orders}      blocked on a mutex (main.handleOrder)
//	4 tickers   unlabelled                                 blocked in select (main.poller)
//	1 main      writes the profile
//
// Labels set by pprof.Do are inherited by goroutines started inside it.
// Usage: pprof-goroutine OUT.pb.gz
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"time"
)

type Pool struct{ jobs chan int }

func (p *Pool) worker(ready *sync.WaitGroup) {
	ready.Done()
	for j := range p.jobs {
		_ = j
	}
}

var orderMu sync.Mutex

func handleOrder(ready *sync.WaitGroup) {
	ready.Done()
	orderMu.Lock()
	orderMu.Unlock()
}

func poller(ready *sync.WaitGroup, stop chan struct{}) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	ready.Done()
	select {
	case <-t.C:
	case <-stop:
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pprof-goroutine OUT.pb.gz")
		os.Exit(2)
	}
	var ready sync.WaitGroup
	p := &Pool{jobs: make(chan int)}
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		ready.Add(1)
		pprof.Do(ctx, pprof.Labels("pool", "ingest", "shard", strconv.Itoa(i%2)), func(context.Context) {
			go p.worker(&ready)
		})
	}
	orderMu.Lock()
	for i := 0; i < 3; i++ {
		ready.Add(1)
		pprof.Do(ctx, pprof.Labels("handler", "/api/orders"), func(context.Context) {
			go handleOrder(&ready)
		})
	}
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		ready.Add(1)
		go poller(&ready, stop)
	}
	ready.Wait()
	time.Sleep(200 * time.Millisecond) // let everybody park
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(f, 0); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
	fmt.Fprintln(os.Stderr, "pprof-goroutine: goroutines =", runtime.NumGoroutine())
	orderMu.Unlock()
	close(stop)
	close(p.jobs)
}
