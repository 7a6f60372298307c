// multi: one leaky service used for the non-pprof dump producers.
//
//	multi panic     - unrecovered panic (run with GOTRACEBACK=all or =system)
//	multi sigquit   - prints "ready" and waits to be killed with SIGQUIT
//	multi stack     - prints runtime.Stack(buf, true) to stdout
//	multi debug1    - pprof goroutine profile with debug=1 (labels shown)
//	multi embedded  - application log lines, a debug=2 dump, more log lines
//
// Leaks: Mailbox.wait goroutines blocked in chan receive, Cache.Get goroutines
// queued on a mutex held by Cache.refresh (which blocks on a send), and
// Reporter.loop goroutines in a select with no exit. The debug1 mode runs the
// request-scoped ones under pprof.Do with handler labels.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

type Mailbox struct{ in chan string }

func (m *Mailbox) wait() string { return <-m.in }

type Inbox struct{ boxes []*Mailbox }

func (ib *Inbox) subscribe() {
	m := &Mailbox{in: make(chan string)}
	ib.boxes = append(ib.boxes, m)
	go func() { _ = m.wait() }()
}

type Cache struct {
	mu   sync.Mutex
	data map[string]string
	sink chan string
}

func (c *Cache) refresh() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sink <- "refresh" // nobody reads: holds c.mu forever
}

func (c *Cache) Get(k string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.data[k]
}

type Reporter struct {
	metrics chan int
	flush   chan struct{}
}

func (r *Reporter) loop() {
	for {
		select {
		case <-r.metrics:
		case <-r.flush:
		}
	}
}

type Handler struct {
	inbox  *Inbox
	cache  *Cache
	rep    *Reporter
	counts map[string]int
}

func (h *Handler) handleOrders(ctx context.Context) {
	for i := 0; i < 6; i++ {
		h.inbox.subscribe()
	}
	for i := 0; i < 3; i++ {
		go h.rep.loop()
	}
}

func (h *Handler) handleUsers(ctx context.Context) {
	for i := 0; i < 5; i++ {
		go func(i int) { _ = h.cache.Get(fmt.Sprint("user", i)) }(i)
	}
}

func (h *Handler) setup(labels bool) {
	go h.cache.refresh()
	time.Sleep(20 * time.Millisecond)
	ctx := context.Background()
	if labels {
		pprof.Do(ctx, pprof.Labels("handler", "/api/orders"), h.handleOrders)
		pprof.Do(ctx, pprof.Labels("handler", "/api/users", "tenant", "acme"), h.handleUsers)
	} else {
		h.handleOrders(ctx)
		h.handleUsers(ctx)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < 16 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

type Order struct {
	ID    int
	Items []string
}

func (h *Handler) total(o *Order) int {
	return len(o.Items) * h.counts[o.Items[0]]
}

func (h *Handler) process(orders []*Order) int {
	sum := 0
	for _, o := range orders {
		sum += h.total(o) // panics on an order with no items
	}
	return sum
}

func newHandler() *Handler {
	return &Handler{
		inbox:  &Inbox{},
		cache:  &Cache{data: map[string]string{}, sink: make(chan string)},
		rep:    &Reporter{metrics: make(chan int), flush: make(chan struct{})},
		counts: map[string]int{"apple": 2},
	}
}

func main() {
	mode := "debug1"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	h := newHandler()
	switch mode {
	case "panic":
		h.setup(false)
		orders := []*Order{{ID: 1, Items: []string{"apple"}}, {ID: 2}}
		fmt.Println(h.process(orders))
	case "sigquit":
		h.setup(false)
		fmt.Println("ready")
		for {
			time.Sleep(time.Minute)
		}
	case "stack":
		h.setup(false)
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		os.Stdout.Write(buf[:n])
	case "debug1":
		h.setup(true)
		if err := pprof.Lookup("goroutine").WriteTo(os.Stdout, 1); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "forms": // multi forms DIR: one moment as DIR/y_forms_debug1.txt (debug=1) and
		// DIR/y_forms_debug0.pb.gz (debug=0), written back to back: the two forms gomedic watch reads
		h.setup(true)
		for _, f := range []struct {
			name  string
			debug int
		}{{"y_forms_debug1.txt", 1}, {"y_forms_debug0.pb.gz", 0}} {
			out, err := os.Create(os.Args[2] + "/" + f.name)
			if err == nil {
				err = pprof.Lookup("goroutine").WriteTo(out, f.debug)
				if cerr := out.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	case "embedded":
		log.SetOutput(os.Stdout)
		log.Printf("starting order-service version=1.4.2 pid=%d", os.Getpid())
		log.Printf("listening on :8080")
		h.setup(false)
		log.Printf("WARN goroutine count high: %d, dumping stacks", runtime.NumGoroutine())
		if err := pprof.Lookup("goroutine").WriteTo(os.Stdout, 2); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		log.Printf("stack dump complete")
		log.Printf("shutting down: received terminated")
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(2)
	}
}
