// select-blocked: one watcher goroutine per cache key, each looping on a select
// over channels that nobody ever sends on and with no ctx.Done/quit case.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"time"
)

type Cache struct {
	refresh    chan struct{}
	invalidate chan string
	values     map[string]string
}

func (c *Cache) reload(key string) {}

func (c *Cache) watch(key string) {
	for {
		select {
		case <-c.refresh:
			c.reload(key)
		case k := <-c.invalidate:
			if k == key {
				c.reload(key)
			}
		}
	}
}

type Service struct {
	cache *Cache
}

func (s *Service) Register(key string) {
	go s.cache.watch(key)
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	s := &Service{cache: &Cache{refresh: make(chan struct{}), invalidate: make(chan string), values: map[string]string{}}}
	for i := 0; i < 45; i++ {
		s.Register(fmt.Sprintf("tenant-%d", i))
	}
	waitGoroutines(46)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
