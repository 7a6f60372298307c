// recursive-rlock: Catalog.Price takes the read lock and, under it, calls
// Catalog.discount, which takes the read lock again. That is fine until a writer
// (Catalog.Update) arrives between the two: RWMutex then blocks new readers, so
// Price waits in its second RLock for the writer, the writer waits in Lock for
// Price's first read lock, and every later reader (Catalog.Name) queues behind the
// writer. One goroutine holds everyone up; it is the one to fix.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"sync"
	"time"
)

type Catalog struct {
	mu     sync.RWMutex
	prices map[string]int
	names  map[string]string
}

func (c *Catalog) Price(sku string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p := c.prices[sku]
	time.Sleep(100 * time.Millisecond) // the writer arrives meanwhile
	return p - c.discount(sku)
}

func (c *Catalog) discount(sku string) int {
	c.mu.RLock() // BUG: a second read lock while a writer waits never comes
	defer c.mu.RUnlock()
	return c.prices[sku] / 10
}

func (c *Catalog) Update(sku string, p int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prices[sku] = p
}

func (c *Catalog) Name(sku string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.names[sku]
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	c := &Catalog{prices: map[string]int{"a": 100}, names: map[string]string{"a": "apple"}}
	go c.Price("a")
	time.Sleep(20 * time.Millisecond)
	go c.Update("a", 120)
	time.Sleep(20 * time.Millisecond)
	for i := 0; i < 30; i++ {
		go c.Name("a")
	}
	waitGoroutines(33)
	time.Sleep(200 * time.Millisecond) // Price is in its second RLock by now
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
