// pprof-block: block profile (runtime.SetBlockProfileRate(1): every
// blocking event recorded) of a program whose goroutines wait on
//
//	main.consumer        channel receive from a slow producer (~10 ms per item, 20 items)
//	main.(*Account).Add  sync.Mutex held 5 ms by main.(*Account).audit, 4 goroutines x 10
//	main.waitAll         sync.WaitGroup.Wait (~300 ms)
//	main.selectLoop      select on two channels, 15 events
//
// Usage: pprof-block OUT.pb.gz
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

type Account struct {
	mu  sync.Mutex
	bal int
}

func (a *Account) Add(n int) {
	a.mu.Lock()
	a.bal += n
	a.mu.Unlock()
}

func (a *Account) audit() {
	a.mu.Lock()
	time.Sleep(5 * time.Millisecond)
	a.mu.Unlock()
}

func producer(ch chan<- int) {
	for i := 0; i < 20; i++ {
		time.Sleep(10 * time.Millisecond)
		ch <- i
	}
	close(ch)
}

func consumer(ch <-chan int, done *sync.WaitGroup) {
	defer done.Done()
	for v := range ch {
		_ = v
	}
}

func selectLoop(a, b <-chan int, done *sync.WaitGroup) {
	defer done.Done()
	for n := 0; n < 15; n++ {
		select {
		case <-a:
		case <-b:
		}
	}
}

func waitAll(wg *sync.WaitGroup) { wg.Wait() }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pprof-block OUT.pb.gz")
		os.Exit(2)
	}
	runtime.SetBlockProfileRate(1)

	var done sync.WaitGroup
	ch := make(chan int)
	go producer(ch)
	done.Add(1)
	go consumer(ch, &done)

	acct := &Account{}
	stopAudit := make(chan struct{})
	go func() {
		for {
			select {
			case <-stopAudit:
				return
			default:
				acct.audit()
				time.Sleep(time.Millisecond)
			}
		}
	}()
	for g := 0; g < 4; g++ {
		done.Add(1)
		go func() {
			defer done.Done()
			for i := 0; i < 10; i++ {
				acct.Add(1)
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}

	a, b := make(chan int), make(chan int)
	done.Add(1)
	go selectLoop(a, b, &done)
	go func() {
		for i := 0; i < 15; i++ {
			time.Sleep(7 * time.Millisecond)
			if i%2 == 0 {
				a <- i
			} else {
				b <- i
			}
		}
	}()

	var slow sync.WaitGroup
	slow.Add(1)
	go func() { time.Sleep(300 * time.Millisecond); slow.Done() }()
	waitAll(&slow)

	done.Wait()
	close(stopAudit)

	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("block").WriteTo(f, 0); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
	fmt.Fprintln(os.Stderr, "pprof-block: balance", acct.bal)
}
