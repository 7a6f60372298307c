// runnable-backlog: far more CPU-bound goroutines than GOMAXPROCS (2). The dump
// shows almost all of them "runnable" (and a couple "running").
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

type Hasher struct {
	rounds  uint64
	started int32
}

func (h *Hasher) mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

func (h *Hasher) grind(seed uint64) uint64 {
	x := seed
	for { // BUG: no cancellation; spins forever
		x = h.mix(x + 1)
		if x == 0 {
			return x
		}
	}
}

func (h *Hasher) worker(seed uint64) {
	atomic.AddInt32(&h.started, 1)
	h.grind(seed)
}

func main() {
	runtime.GOMAXPROCS(2)
	h := &Hasher{}
	const n = 80
	for i := 0; i < n; i++ {
		go h.worker(uint64(i))
	}
	deadline := time.Now().Add(10 * time.Second)
	for atomic.LoadInt32(&h.started) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
