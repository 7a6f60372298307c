// rwmutex-wait: Registry.export holds the read lock forever (blocked writing to
// a stalled consumer). A writer (Register) then waits in RWMutex.Lock for the
// reader to leave, and every later reader (Lookup) queues behind the pending
// writer in RWMutex.RLock. Additional writers queue on the writer mutex.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"sync"
	"time"
)

type Registry struct {
	mu       sync.RWMutex
	services map[string]string
	out      chan string
}

func (r *Registry) export() {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for name := range r.services {
		r.out <- name // BUG: blocks under the read lock; consumer is gone
	}
}

func (r *Registry) Register(name, addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.services[name] = addr
}

func (r *Registry) Lookup(name string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.services[name]
}

type Resolver struct{ reg *Registry }

func (rs *Resolver) resolve(name string) {
	_ = rs.reg.Lookup(name)
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	reg := &Registry{services: map[string]string{"db": "10.0.0.1:5432"}, out: make(chan string)}
	rs := &Resolver{reg: reg}
	go reg.export()
	time.Sleep(50 * time.Millisecond)
	for i := 0; i < 4; i++ {
		go reg.Register(fmt.Sprintf("svc-%d", i), "10.0.0.2:80")
	}
	time.Sleep(50 * time.Millisecond)
	for i := 0; i < 25; i++ {
		go rs.resolve("db")
	}
	waitGoroutines(31)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
