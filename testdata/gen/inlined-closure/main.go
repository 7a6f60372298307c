// inlined-closure: a subscription hands out a closure that publishes on a channel nobody
// receives from. Subscribe is small, so the compiler inlines it into its caller, and the
// closure is printed under the caller's name: Go 1.19 "main.main.func1", Go 1.22 and later
// "main.main.(*Feed).Subscribe.func1" (the source's name is main.(*Feed).Subscribe.func1).
// State "chan send"; gomedic joins the dump to the source by the frame's line.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"time"
)

type Feed struct {
	updates chan string
}

func (f *Feed) Subscribe(name string) func() {
	return func() {
		f.updates <- name // BUG: nothing in the program receives from updates
	}
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	f := &Feed{updates: make(chan string)}
	for i := 0; i < 8; i++ {
		go f.Subscribe(fmt.Sprintf("client-%d", i))()
	}
	waitGoroutines(9)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
