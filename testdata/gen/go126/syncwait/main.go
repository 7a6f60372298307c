// syncwait: one goroutine group parked in each sync wait state Go 1.26
// prints, then pprof.Lookup("goroutine").WriteTo(os.Stdout, 2).
//
//	[sync.Mutex.Lock]      2 x (*Inventory).Reserve behind a holder in chan receive
//	[sync.RWMutex.RLock]   2 x (*Config).Get, queued behind a pending writer
//	[sync.RWMutex.Lock]    1 x (*Config).Reload waiting for a reader to leave
//	[sync.Mutex.Lock]      1 x (*Config).Reload behind that writer: RWMutex.Lock
//	                       first takes the embedded sync.Mutex, so the second
//	                       writer shows sync.Mutex.Lock under sync.(*RWMutex).Lock
//	[sync.WaitGroup.Wait]  1 x (*Job).Wait (a worker never calls Done)
//	[sync.Cond.Wait]       2 x (*Queue).Pop on an empty queue
//
// Every group is started inside pprof.Do with a "component" label, so that
// running it with GODEBUG=tracebacklabels=1 (new in Go 1.26) shows the
// labels in the goroutine headers: [state]: -> [state labels:{"k": "v"}]:.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

type Inventory struct {
	mu    sync.Mutex
	stock map[string]int
}

func (inv *Inventory) Reserve(item string) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.stock[item]--
}

// audit holds the lock while it waits for an approval that never comes.
func (inv *Inventory) audit(approval chan bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	<-approval
}

type Config struct {
	mu   sync.RWMutex
	vals map[string]string
}

func (c *Config) Get(k string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.vals[k]
}

func (c *Config) Reload(vals map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.vals = vals
}

// watch holds a read lock while it waits for a change notification.
func (c *Config) watch(changed chan struct{}) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	<-changed
}

type Job struct{ wg sync.WaitGroup }

func (j *Job) Wait() { j.wg.Wait() }

type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

func (q *Queue) Pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	it := q.items[0]
	q.items = q.items[1:]
	return it
}

func waitFor(fn string, n int) {
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		k := runtime.Stack(buf, true)
		got := 0
		for _, line := range strings.Split(string(buf[:k]), "\n") {
			if strings.HasPrefix(line, fn+"(") {
				got++
			}
		}
		if got >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "syncwait: timed out waiting for %d x %s\n", n, fn)
	os.Exit(1)
}

func labelled(component string, f func()) {
	pprof.Do(context.Background(), pprof.Labels("component", component), func(context.Context) { f() })
}

func main() {
	approval := make(chan bool)
	inv := &Inventory{stock: map[string]int{"disk": 3}}
	labelled("inventory", func() {
		go inv.audit(approval)
		waitFor("main.(*Inventory).audit", 1)
		for i := 0; i < 2; i++ {
			go inv.Reserve("disk")
		}
	})
	waitFor("main.(*Inventory).Reserve", 2)

	changed := make(chan struct{})
	cfg := &Config{vals: map[string]string{"mode": "a"}}
	labelled("config", func() {
		go cfg.watch(changed)
		waitFor("main.(*Config).watch", 1)
		go cfg.Reload(map[string]string{"mode": "b"})
		waitFor("sync.runtime_SemacquireRWMutex", 1)
		go cfg.Reload(map[string]string{"mode": "c"})
		waitFor("internal/sync.runtime_SemacquireMutex", 3)
		for i := 0; i < 2; i++ {
			go cfg.Get("mode")
		}
	})
	waitFor("sync.runtime_SemacquireRWMutexR", 2)

	job := &Job{}
	job.wg.Add(2)
	labelled("jobs", func() {
		go job.wg.Done() // the second worker never reports
		go job.Wait()
	})
	waitFor("main.(*Job).Wait", 1)

	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	labelled("queue", func() {
		for i := 0; i < 2; i++ {
			go q.Pop()
		}
	})
	waitFor("main.(*Queue).Pop", 2)
	time.Sleep(50 * time.Millisecond)

	if err := pprof.Lookup("goroutine").WriteTo(os.Stdout, 2); err != nil {
		fmt.Fprintln(os.Stderr, "syncwait:", err)
		os.Exit(1)
	}
}
