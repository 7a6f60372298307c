// ticker-loop: per-connection heartbeat goroutines that loop on a ticker with
// no exit case. Two shapes: `for range t.C` (chan receive) and a select over
// the ticker channel and time.After (select). Neither ever stops.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"time"
)

type Conn struct {
	id    int
	beats int
}

type Heartbeat struct {
	interval time.Duration
}

func (h *Heartbeat) ping(c *Conn) { c.beats++ }

// keepAlive never returns: no ctx.Done / quit channel, ticker never stopped.
func (h *Heartbeat) keepAlive(c *Conn) {
	t := time.NewTicker(h.interval)
	for range t.C {
		h.ping(c)
	}
}

// monitor never returns either; it also reports stale connections.
func (h *Heartbeat) monitor(c *Conn) {
	t := time.NewTicker(h.interval)
	for {
		select {
		case <-t.C:
			h.ping(c)
		case <-time.After(5 * h.interval):
			fmt.Fprintln(os.Stderr, "stale", c.id)
		}
	}
}

type ConnManager struct{ hb *Heartbeat }

func (m *ConnManager) accept(id int) {
	c := &Conn{id: id}
	go m.hb.keepAlive(c)
	go m.hb.monitor(c)
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	m := &ConnManager{hb: &Heartbeat{interval: time.Hour}}
	for i := 0; i < 20; i++ {
		m.accept(i) // connections closed long ago, heartbeats still running
	}
	waitGoroutines(41)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
