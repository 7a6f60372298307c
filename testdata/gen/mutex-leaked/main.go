// mutex-leaked: Quota.Take returns early on an exhausted quota without unlocking
// (no defer), so the mutex stays locked with nobody inside the critical section.
// Every later caller of Take or Remaining waits in Mutex.Lock forever, and no
// goroutine in the dump holds the lock: a return path kept it.
package main

import (
	"errors"
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"sync"
	"time"
)

type Quota struct {
	mu   sync.Mutex
	left int
}

func (q *Quota) Take(n int) error {
	q.mu.Lock()
	if q.left < n {
		return errors.New("quota exhausted") // BUG: returns with q.mu locked
	}
	q.left -= n
	q.mu.Unlock()
	return nil
}

func (q *Quota) Remaining() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.left
}

type API struct{ q *Quota }

func (a *API) handleUpload(size int) {
	if err := a.q.Take(size); err != nil {
		return
	}
}

func (a *API) handleStatus() { _ = a.q.Remaining() }

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	a := &API{q: &Quota{left: 10}}
	a.handleUpload(8)
	a.handleUpload(8) // exhausted: the mutex stays locked
	for i := 0; i < 15; i++ {
		go a.handleUpload(1)
	}
	for i := 0; i < 10; i++ {
		go a.handleStatus()
	}
	waitGoroutines(26)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
