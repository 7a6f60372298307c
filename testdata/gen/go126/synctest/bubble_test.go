package synctest

// Three tests, each skipped unless its environment variable is set, so that a
// plain `go test ./...` passes:
//
//	TestBubbleDump          GOMEDIC_SYNCTEST_DUMP=FILE
//	    Parks bubbled goroutines in every durable wait (chan receive/send,
//	    select, sleep, sync.WaitGroup.Wait, sync.Cond.Wait) and two in
//	    non-durable ones (sync.Mutex.Lock, a receive on a channel made outside
//	    the bubble), writes pprof.Lookup("goroutine").WriteTo(FILE, 2), then
//	    releases everything and passes.
//	TestBubbleDeadlock      GOMEDIC_SYNCTEST_FAIL=deadlock
//	    The test body waits for a reply from a goroutine that waits for a
//	    request nobody sends: "panic: deadlock: all goroutines in bubble are
//	    blocked" (go test exit 1).
//	TestBubbleBlockedRemain GOMEDIC_SYNCTEST_FAIL=remain
//	    The test body returns while goroutines it started are still blocked:
//	    "panic: deadlock: main bubble goroutine has exited but blocked
//	    goroutines remain" (go test exit 1).

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

type Event struct{ Name string }

type Bus struct {
	in     chan Event
	out    chan Event
	closed chan struct{}
}

func newBus() *Bus {
	return &Bus{in: make(chan Event), out: make(chan Event), closed: make(chan struct{})}
}

// consume blocks in chan receive.
func (b *Bus) consume() {
	for ev := range b.in {
		_ = ev
	}
}

// publish blocks in chan send until somebody reads b.out.
func (b *Bus) publish(ev Event) {
	b.out <- ev
}

// route blocks in select.
func (b *Bus) route() {
	for {
		select {
		case ev := <-b.in:
			_ = ev
		case <-b.closed:
			return
		}
	}
}

type Retrier struct{ backoff time.Duration }

// retry blocks in time.Sleep (fake time inside the bubble).
func (r *Retrier) retry() {
	time.Sleep(r.backoff)
}

type Batch struct{ wg sync.WaitGroup }

// await blocks in sync.WaitGroup.Wait.
func (b *Batch) await() {
	b.wg.Wait()
}

type Mailbox struct {
	mu    sync.Mutex
	cond  *sync.Cond
	mail  []string
	ready bool
}

// next blocks in sync.Cond.Wait.
func (m *Mailbox) next() {
	m.mu.Lock()
	for !m.ready {
		m.cond.Wait()
	}
	m.mu.Unlock()
}

type Cache struct{ mu sync.Mutex }

// get blocks in sync.Mutex.Lock (not durable: another bubble or the outside
// world could unlock it).
func (c *Cache) get() {
	c.mu.Lock()
	c.mu.Unlock()
}

// waitExternal blocks on a channel made outside the bubble (not durable).
func waitExternal(ch chan struct{}) {
	<-ch
}

// countFrames counts frame lines that start with fn+"(" or contain "."+fn+"(".
func countFrames(fn string) int {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	got := 0
	for _, line := range strings.Split(string(buf[:n]), "\n") {
		if strings.HasPrefix(line, fn+"(") || strings.Contains(line, "."+fn+"(") {
			got++
		}
	}
	return got
}

func TestBubbleDump(t *testing.T) {
	path := os.Getenv("GOMEDIC_SYNCTEST_DUMP")
	if path == "" {
		t.Skip("set GOMEDIC_SYNCTEST_DUMP=FILE to write the dump")
	}
	external := make(chan struct{}) // made outside the bubble
	synctest.Test(t, func(t *testing.T) {
		bus := newBus()
		go bus.consume()
		go bus.publish(Event{"started"})
		go bus.route()
		r := &Retrier{backoff: time.Hour}
		go r.retry()
		var b Batch
		b.wg.Add(1)
		go b.await()
		m := &Mailbox{}
		m.cond = sync.NewCond(&m.mu)
		go m.next()
		synctest.Wait() // all of the above are durably blocked now

		c := &Cache{}
		c.mu.Lock()
		go c.get()
		go waitExternal(external)
		for i := 0; i < 1000 && (countFrames("sync.(*Mutex).Lock") < 1 ||
			countFrames("waitExternal") < 1); i++ {
			runtime.Gosched()
		}

		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.Lookup("goroutine").WriteTo(f, 2); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}

		// Release everything so the bubble ends cleanly.
		c.mu.Unlock()
		close(external)
		<-bus.out
		close(bus.closed)
		close(bus.in)
		b.wg.Done()
		m.mu.Lock()
		m.ready = true
		m.cond.Broadcast()
		m.mu.Unlock()
		// r.retry's hour passes instantly once everything else is blocked;
		// sleeping here too keeps the bubble's clock running until it has.
		time.Sleep(time.Hour)
		synctest.Wait()
	})
}

type Server struct {
	requests chan string
	replies  chan string
}

func (s *Server) serve() {
	for req := range s.requests {
		s.replies <- "re: " + req
	}
}

func (s *Server) call() string {
	// BUG: never sends the request, waits for the reply.
	return <-s.replies
}

func TestBubbleDeadlock(t *testing.T) {
	if os.Getenv("GOMEDIC_SYNCTEST_FAIL") != "deadlock" {
		t.Skip("set GOMEDIC_SYNCTEST_FAIL=deadlock to run the deadlocking test")
	}
	synctest.Test(t, func(t *testing.T) {
		s := &Server{requests: make(chan string), replies: make(chan string)}
		go s.serve()
		t.Log(s.call())
	})
}

type Watcher struct {
	changes chan string
	stop    chan struct{}
}

func (w *Watcher) loop() {
	for {
		select {
		case c := <-w.changes:
			_ = c
		case <-w.stop:
			return
		}
	}
}

func (w *Watcher) poll() {
	for {
		time.Sleep(time.Second)
	}
}

func TestBubbleBlockedRemain(t *testing.T) {
	if os.Getenv("GOMEDIC_SYNCTEST_FAIL") != "remain" {
		t.Skip("set GOMEDIC_SYNCTEST_FAIL=remain to run the leaking test")
	}
	synctest.Test(t, func(t *testing.T) {
		w := &Watcher{changes: make(chan string), stop: make(chan struct{})}
		go w.loop()
		go w.poll()
		synctest.Wait()
		// BUG: returns without close(w.stop); poll never ends either.
	})
}
