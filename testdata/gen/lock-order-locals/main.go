// lock-order-locals: two goroutines take the same two mutexes in opposite orders,
// but the mutexes are locals captured by closures, so no frame prints a pointer to
// them: only the semaphore addresses of the waits differ. Each holds one lock and
// waits for the other: a lock-order (ABBA) deadlock nothing else could break.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"sync"
	"time"
)

func syncBoth() {
	var catalog, orders sync.Mutex
	go func() {
		catalog.Lock()
		time.Sleep(50 * time.Millisecond)
		orders.Lock() // BUG: the other goroutine locks orders first
		orders.Unlock()
		catalog.Unlock()
	}()
	go func() {
		orders.Lock()
		time.Sleep(50 * time.Millisecond)
		catalog.Lock()
		catalog.Unlock()
		orders.Unlock()
	}()
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	syncBoth()
	waitGoroutines(3)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
