// crash: Go programs dying the ways an on-call engineer finds in a log. One mode per
// run (the first argument); each crashes with the runtime's own output on stderr, which
// regen.sh keeps as a fixture (y_crash_MODE.txt). While it crashes, a few goroutines
// of an ordinary service are parked around it, as in a real process.
//
//	panic          an unrecovered panic (index out of range) in a request handler
//	recovered      a panic recovered, logged, and panicked again ([recovered] chain)
//	nilmap         a nil pointer dereference: panic with a [signal SIGSEGV ...] line
//	concurrent     fatal error: concurrent map writes (two goroutines, no lock)
//	overflow       fatal error: stack overflow (unbounded recursion)
//	unlock         fatal error: sync: unlock of unlocked mutex
//	fault          unexpected fault address / fatal error: fault (unsafe pointer)
//	deadlock       fatal error: all goroutines are asleep - deadlock!
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"time"
	"unsafe"
)

type Order struct {
	Items []string
}

type Handler struct {
	orders map[string]*Order
	mu     sync.Mutex
	events chan string
}

// background: workers of a service, parked while it crashes.
func (h *Handler) background() {
	for i := 0; i < 3; i++ {
		go func() {
			for range h.events {
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
}

func (h *Handler) firstItem(id string) string {
	o := h.orders[id]
	return o.Items[0] // panics on an order with no items
}

func (h *Handler) total(id string) int {
	return len(h.orders[id].Items) // nil *Order: SIGSEGV, turned into a panic
}

func (h *Handler) record(id string) {
	h.orders[id] = &Order{} // no lock: concurrent map writes
}

func (h *Handler) depth(n int) int {
	return h.depth(n+1) + 1 // no base case
}

func (h *Handler) release() {
	h.mu.Unlock() // never locked
}

func (h *Handler) checksum(p uintptr) byte {
	return *(*byte)(unsafe.Pointer(p)) // an address that is not mapped
}

func (h *Handler) retry(id string) (item string) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintln(os.Stderr, "retry:", r)
			panic(r) // logged, then re-panicked
		}
	}()
	return h.firstItem(id)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: crash MODE")
		os.Exit(2)
	}
	h := &Handler{orders: map[string]*Order{"empty": {}}, events: make(chan string)}
	h.background()
	switch os.Args[1] {
	case "panic":
		fmt.Println(h.firstItem("empty"))
	case "recovered":
		fmt.Println(h.retry("empty"))
	case "nilmap":
		fmt.Println(h.total("missing"))
	case "concurrent":
		var wg sync.WaitGroup
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; ; i++ {
					h.record(fmt.Sprint(g, i%1000))
				}
			}(g)
		}
		wg.Wait()
	case "overflow":
		debug.SetMaxStack(32 << 20) // overflow at 32 MB, not the default 1 GB
		fmt.Println(h.depth(0))
	case "unlock":
		h.release()
	case "fault":
		fmt.Println(h.checksum(0xdeadbeef))
	case "deadlock":
		done := make(chan struct{})
		h.mu.Lock()
		go func() {
			h.mu.Lock() // waits for main, which waits for it
			close(done)
		}()
		<-done
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}
