// racehints: races whose fix an expert reads from the stacks.
//
// (a) fetchBoth starts two goroutines that both assign the err it captured: sibling
// closures writing one variable (give each its own result, or use errgroup).
// (b) loadAll starts one goroutine per source, each assigning the same captured
// err: the same closure racing with itself.
package main

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

func fetch(name string) (string, error) {
	time.Sleep(time.Millisecond)
	if name == "b" {
		return "", errors.New("b: unavailable")
	}
	return name + "-body", nil
}

func fetchBoth() error {
	var err error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, err = fetch("a") // BUG: both goroutines write err
	}()
	go func() {
		defer wg.Done()
		_, err = fetch("b")
	}()
	wg.Wait()
	return err
}

func loadAll(sources []string) error {
	var err error
	var wg sync.WaitGroup
	for _, s := range sources {
		wg.Add(1)
		go func(s string) {
			defer wg.Done()
			if _, e := fetch(s); e != nil {
				err = e // BUG: every goroutine writes the captured err
			}
		}(s)
	}
	wg.Wait()
	return err
}

func main() {
	fmt.Fprintln(os.Stderr, fetchBoth())
	fmt.Fprintln(os.Stderr, loadAll([]string{"b", "b", "b", "b"}))
	lazyInit()
	copiedLock()
}

// (c) (*Service).lookup initialises its cache field on first use (if nil, make):
// lazy initialisation racing with itself (sync.Once, not a sync.Map).
type Service struct {
	cache map[string]string
}

func (s *Service) lookup(k string) string {
	if s.cache == nil {
		s.cache = map[string]string{"a": "1"} // BUG: two callers may both initialise
	}
	return s.cache[k]
}

func lazyInit() {
	s := &Service{}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.lookup("a")
		}()
	}
	wg.Wait()
}

// (d) Counter.Inc has a value receiver: the mutex it locks is a copy, so the count
// it guards is not guarded (go vet copylocks). (A count, not a map: concurrent map
// writes would end the program with a fatal error before the race report.)
type Counter struct {
	mu   sync.Mutex
	hits *int
}

func (c Counter) Inc(k string) { // BUG: value receiver: c.mu is a copy
	c.mu.Lock()
	*c.hits += len(k)
	c.mu.Unlock()
}

func copiedLock() {
	c := &Counter{hits: new(int)}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.Inc("x")
			}
		}()
	}
	wg.Wait()
}
