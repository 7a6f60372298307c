// healthy_timeout: callers wait for a slow backend's reply with a one-shot
// timeout (select on the reply and time.After). They are blocked now, but each
// of them returns by itself when its timer fires: no leak, and not a ticker loop.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"time"
)

type Backend struct{ slow chan string }

func (b *Backend) Query(q string) (string, error) {
	select {
	case r := <-b.slow:
		return r, nil
	case <-time.After(10 * time.Minute):
		return "", fmt.Errorf("query %q: timeout", q)
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
	b := &Backend{slow: make(chan string)}
	for i := 0; i < 20; i++ {
		go func(i int) { _, _ = b.Query(fmt.Sprintf("q%d", i)) }(i)
	}
	waitGoroutines(21)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
