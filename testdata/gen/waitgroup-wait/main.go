// waitgroup-wait: Batch.Process calls wg.Add(1) per item but the worker returns
// early for skipped items without calling wg.Done, so wg.Wait never returns
// (Go 1.19 state "semacquire", frame sync.(*WaitGroup).Wait).
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"sync"
	"time"
)

type Item struct {
	ID   int
	Skip bool
}

type Batch struct {
	wg      sync.WaitGroup
	results []int
	mu      sync.Mutex
}

func (b *Batch) worker(it Item) {
	if it.Skip {
		return // BUG: missing b.wg.Done()
	}
	defer b.wg.Done()
	b.mu.Lock()
	b.results = append(b.results, it.ID*2)
	b.mu.Unlock()
}

func (b *Batch) Process(items []Item) []int {
	for _, it := range items {
		b.wg.Add(1)
		go b.worker(it)
	}
	b.wg.Wait()
	return b.results
}

type Importer struct{}

func (im *Importer) importFile(name string) {
	b := &Batch{}
	items := make([]Item, 10)
	for i := range items {
		items[i] = Item{ID: i, Skip: i%4 == 3}
	}
	_ = b.Process(items)
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	im := &Importer{}
	for i := 0; i < 6; i++ {
		go im.importFile(fmt.Sprintf("orders-%d.csv", i))
	}
	waitGoroutines(7)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
