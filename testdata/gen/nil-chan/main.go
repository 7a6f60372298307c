// nil-chan: a Notifier whose events channel was never made. Publishers block
// forever in "chan send (nil chan)", subscribers in "chan receive (nil chan)".
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"time"
)

type Event struct {
	Kind string
	Key  string
}

type Notifier struct {
	events chan Event // BUG: never initialised (should be make(chan Event, n))
}

func (n *Notifier) publish(e Event) {
	n.events <- e
}

func (n *Notifier) next() Event {
	return <-n.events
}

type CacheInvalidator struct {
	n *Notifier
}

func (c *CacheInvalidator) onWrite(key string) {
	c.n.publish(Event{Kind: "write", Key: key})
}

func (c *CacheInvalidator) listen() {
	for {
		e := c.n.next()
		_ = e
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
	ci := &CacheInvalidator{n: &Notifier{}}
	for i := 0; i < 4; i++ {
		go ci.listen()
	}
	for i := 0; i < 12; i++ {
		go ci.onWrite(fmt.Sprintf("user:%d", i))
	}
	waitGoroutines(17)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
