// pprof-mutex: mutex profile (runtime.SetMutexProfileFraction(1): every
// contention event recorded). Phase 1: 6 goroutines fight over the lock of
// main.(*Inventory); the holder does ~200 µs of work in
// main.(*Inventory).Reserve. Phase 2: a RWMutex writer
// (main.(*Config).Reload, holds 2 ms) and 3 readers (main.(*Config).Get,
// hold 300 µs) delay each other. The mutex profile stack is the one of the
// *unlocking* goroutine (where the delay was caused).
//
// Usage: pprof-mutex OUT.pb.gz
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

type Inventory struct {
	mu    sync.Mutex
	items map[string]int
}

//go:noinline
func (inv *Inventory) Reserve(sku string) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.items[sku]--
	spin(200 * time.Microsecond)
}

type Config struct {
	mu   sync.RWMutex
	vals map[string]string
}

//go:noinline
func (c *Config) Get(k string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	spin(300 * time.Microsecond)
	return c.vals[k]
}

//go:noinline
func (c *Config) Reload() {
	c.mu.Lock()
	spin(2 * time.Millisecond)
	c.vals["v"] += "x"
	c.mu.Unlock()
}

func spin(d time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pprof-mutex OUT.pb.gz")
		os.Exit(2)
	}
	runtime.SetMutexProfileFraction(1)
	inv := &Inventory{items: map[string]int{"a": 1 << 20}}
	cfg := &Config{vals: map[string]string{"v": ""}}
	// Phase 1: 6 goroutines fight over the Inventory lock.
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				inv.Reserve("a")
			}
		}()
	}
	wg.Wait()
	// Phase 2: 3 readers holding the read lock ~300 µs each, one writer
	// holding the write lock 2 ms: readers wait for the writer (event
	// charged to (*RWMutex).Unlock in Reload) and the writer waits for the
	// readers (charged to (*RWMutex).RUnlock in Get).
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				_ = cfg.Get("v")
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			cfg.Reload()
			time.Sleep(2 * time.Millisecond)
		}
	}()
	wg.Wait()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("mutex").WriteTo(f, 0); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
	fmt.Fprintln(os.Stderr, "pprof-mutex: left", inv.items["a"])
}
