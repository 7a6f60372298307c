// Command racehistory writes a field in a goroutine, then makes ~30000
// instrumented calls in that goroutine before main reads the field. With
// GORACE history_size=1 or more the race is reported; with the default
// GORACE (observed to behave like history_size=0 here) the runtime can no
// longer restore the writer's stack and Go 1.19's race runtime
// (ThreadSanitizer v3) drops the report silently instead of printing
// "[failed to restore the stack]": no WARNING, exit status 0.
// Source of testdata/race/y_history_kept.log and y_history_lost.log.
package main

import (
	"fmt"
	"time"
)

type Ledger struct {
	balance int
	scratch int
}

//go:noinline
func (l *Ledger) touch(i int) int {
	l.scratch = i
	return i * 3
}

func (l *Ledger) Deposit(n int) { l.balance += n }

func (l *Ledger) reconcile() int {
	s := 0
	for i := 0; i < 30000; i++ {
		s += l.touch(i)
	}
	return s
}

func main() {
	l := &Ledger{}
	done := make(chan int)
	go func() {
		l.Deposit(5)
		done <- l.reconcile()
	}()
	time.Sleep(300 * time.Millisecond)
	fmt.Println("balance:", l.balance)
	<-done
}
