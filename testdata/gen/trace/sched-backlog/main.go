// sched-backlog: the trace must show a scheduler backlog: with GOMAXPROCS 1, 40
// main.spin goroutines stay runnable while one of them runs, each burning CPU in
// 2 ms slices and yielding (runtime.Gosched), so a goroutine that becomes runnable
// waits for the others: runnable-to-running latencies of tens of milliseconds,
// hundreds of them, over ~0.3 s. Nothing blocks, nothing leaks: every spinner ends.
// Usage: sched-backlog OUT.trace
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

var sink uint64

func spin(rounds int, wg *sync.WaitGroup) {
	defer wg.Done()
	for r := 0; r < rounds; r++ {
		end := time.Now().Add(2 * time.Millisecond)
		x := uint64(r)
		for time.Now().Before(end) {
			x = x*6364136223846793005 + 1442695040888963407
		}
		sink += x
		runtime.Gosched()
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sched-backlog OUT.trace")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1)
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go spin(4, &wg)
	}
	wg.Wait()
	trace.Stop()
	f.Close()
}
