// lock-order-deadlock: classic AB/BA. Transfer(a, b) locks a then b while
// Transfer(b, a) locks b then a. A few Balance readers then wait on each lock.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"sync"
	"time"
)

type Account struct {
	mu      sync.Mutex
	id      int
	balance int
}

type Bank struct{}

func (b *Bank) audit(from, to *Account) { time.Sleep(50 * time.Millisecond) }

func (b *Bank) Transfer(from, to *Account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	b.audit(from, to)
	to.mu.Lock() // BUG: lock order depends on argument order
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

func (b *Bank) Balance(a *Account) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

type API struct{ bank *Bank }

func (api *API) handleTransfer(from, to *Account, amount int) {
	api.bank.Transfer(from, to, amount)
}

func (api *API) handleBalance(a *Account) {
	_ = api.bank.Balance(a)
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	api := &API{bank: &Bank{}}
	a1 := &Account{id: 1, balance: 100}
	a2 := &Account{id: 2, balance: 100}
	go api.handleTransfer(a1, a2, 10)
	go api.handleTransfer(a2, a1, 20)
	time.Sleep(150 * time.Millisecond)
	for i := 0; i < 3; i++ {
		go api.handleBalance(a1)
		go api.handleBalance(a2)
	}
	waitGoroutines(9)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
