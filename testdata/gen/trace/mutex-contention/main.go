// mutex-contention: the trace must show workers blocking on one sync.Mutex:
// many Running->Waiting transitions with reason "sync" whose stack has
// sync.(*Mutex).Lock called from main.(*Inventory).Reserve, spread over
// most of the 8 main.worker goroutines, and the time they spent waiting.
//
// 8 workers each make 40 reservations; every reservation computes a
// 1000-step SHA-256 chain (~0.2 ms of CPU) while holding the inventory
// lock, so at any moment one worker works and the others queue on the
// lock. The program sets GOMAXPROCS 2. All workers finish; the run takes
// ~50 ms.
// Usage: mutex-contention OUT.trace
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
)

const (
	workers     = 8
	reservation = 40
)

type Inventory struct {
	mu    sync.Mutex
	stock map[string]int
	audit [32]byte
}

// Reserve takes one unit of item. The expensive audit checksum is computed
// inside the critical section: that is what makes the lock contended.
func (inv *Inventory) Reserve(item string) bool {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.stock[item] == 0 {
		return false
	}
	inv.stock[item]--
	var buf [64]byte
	n := copy(buf[copy(buf[:], inv.audit[:]):], item) + len(inv.audit)
	for i := 0; i < 1000; i++ {
		inv.audit = sha256.Sum256(buf[:n])
		copy(buf[:], inv.audit[:])
	}
	return true
}

func worker(id int, inv *Inventory, wg *sync.WaitGroup, got *[workers]int) {
	defer wg.Done()
	for i := 0; i < reservation; i++ {
		if inv.Reserve(fmt.Sprintf("sku-%d", (id+i)%4)) {
			got[id]++
		}
	}
}

func run() {
	inv := &Inventory{stock: map[string]int{}}
	for i := 0; i < 4; i++ {
		inv.stock[fmt.Sprintf("sku-%d", i)] = workers * reservation
	}
	var wg sync.WaitGroup
	var got [workers]int
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go worker(i, inv, &wg, &got)
	}
	wg.Wait()
	fmt.Fprintf(os.Stderr, "reservations per worker: %v\n", got)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mutex-contention OUT.trace")
		os.Exit(2)
	}
	// Two Ps on every machine: with one, the holder is rarely descheduled
	// inside the critical section and nobody ever waits for the lock.
	runtime.GOMAXPROCS(2)
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	run()
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
