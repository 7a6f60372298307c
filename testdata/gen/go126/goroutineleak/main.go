// goroutineleak: leaks goroutines on unreachable channels and sync
// primitives, keeps some healthy (and some undetectably leaked) goroutines
// blocked on reachable ones, then writes Go 1.26's goroutineleak profile.
//
// Build with GOEXPERIMENT=goroutineleakprofile (without it the profile does
// not exist and the program exits 1). Usage:
//
//	goroutineleak OUTDIR
//
// writes into OUTDIR
//
//	y_goroutineleak_debug1.txt   pprof.Lookup("goroutineleak").WriteTo(w, 1)
//	y_goroutineleak_debug2.txt   pprof.Lookup("goroutineleak").WriteTo(w, 2)
//	y_goroutineleak.pb.gz        pprof.Lookup("goroutineleak").WriteTo(w, 0)
//	y_goroutineleak_full.txt     pprof.Lookup("goroutine").WriteTo(w, 2)
//	y_goroutineleak_http_debug1.txt  GET /debug/pprof/goroutineleak?debug=1
//	                             from net/http/pprof on a loopback listener
//
// and prints Profile.Count() before and after the first WriteTo on stderr.
//
// Leaked (blocked on something no runnable goroutine can reach):
//
//	9 Mirrors.first.func1       chan send      (first answer wins, caller returned)
//	2 startWatcher.func1        chan receive   (stop channel never closed)
//	2 (*Session).keepalive      select         (tick/quit channels dropped)
//	2 (*Account).Withdraw       sync.Mutex.Lock (Unlock skipped on an error return;
//	                            started under pprof.Do: label handler=/transfer)
//	1 (*Registry).Register      sync.RWMutex.Lock  (RUnlock skipped in Lookup)
//	2 (*Registry).Lookup        sync.RWMutex.RLock (queued behind that writer)
//	1 processBatch.func2        sync.WaitGroup.Wait (Done skipped on an error path)
//	2 (*Queue).Pop              sync.Cond.Wait (nobody ever Signals)
//	1 pollDisabled              chan receive (nil chan)
//	1 parkForever               select (no cases)
//
// Not reported (blocked on something reachable from a global):
//
//	3 worker                    chan receive   (healthy pool on a global channel)
//	1 (*Ticker).run             sleep          (healthy periodic loop)
//	2 (*Hub).subscriber         chan receive   (a real leak the detector cannot
//	                                            see: the channel stays in a
//	                                            global map nobody sends on)
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

// --- leaked: chan send ------------------------------------------------------

type Mirror struct{ host string }

func (m *Mirror) fetch(path string) string { return m.host + path }

type Mirrors []*Mirror

// first asks every mirror and returns the first answer; the other senders
// block forever on the unbuffered channel once first has returned.
func (ms Mirrors) first(path string) string {
	ch := make(chan string)
	for _, m := range ms {
		go func() { ch <- m.fetch(path) }()
	}
	return <-ch
}

// --- leaked: chan receive ----------------------------------------------------

// startWatcher forgets to hand the stop channel to anybody.
func startWatcher(name string) {
	stop := make(chan struct{})
	go func() {
		<-stop
		fmt.Println("watcher", name, "stopped")
	}()
}

// --- leaked: select -----------------------------------------------------------

type Session struct {
	tick chan time.Time
	quit chan struct{}
	n    int
}

func (s *Session) keepalive() {
	for {
		select {
		case <-s.tick:
			s.n++
		case <-s.quit:
			return
		}
	}
}

func openSession() {
	s := &Session{tick: make(chan time.Time), quit: make(chan struct{})}
	go s.keepalive()
	// The session is dropped without close(s.quit).
}

// --- leaked: sync.Mutex.Lock ---------------------------------------------------

var errInsufficient = errors.New("insufficient funds")

type Account struct {
	mu      sync.Mutex
	balance int
}

func (a *Account) Withdraw(n int) error {
	a.mu.Lock()
	if n > a.balance {
		return errInsufficient // BUG: returns with a.mu held
	}
	a.balance -= n
	a.mu.Unlock()
	return nil
}

func handleTransfer() {
	acct := &Account{balance: 10}
	_ = acct.Withdraw(100)
	for i := 0; i < 2; i++ {
		go acct.Withdraw(1)
	}
}

// --- leaked: sync.RWMutex.Lock / RLock -----------------------------------------

type Registry struct {
	mu sync.RWMutex
	m  map[string]int
}

func (r *Registry) Lookup(k string) (int, bool) {
	r.mu.RLock()
	v, ok := r.m[k]
	if !ok {
		return 0, false // BUG: returns with the read lock held
	}
	r.mu.RUnlock()
	return v, true
}

func (r *Registry) Register(k string, v int) {
	r.mu.Lock()
	r.m[k] = v
	r.mu.Unlock()
}

func serveRegistry() {
	r := &Registry{m: map[string]int{"a": 1}}
	r.Lookup("missing")
	go r.Register("b", 2) // waits for the leaked reader: sync.RWMutex.Lock
	waitFor("sync.(*RWMutex).Lock", 1)
	for i := 0; i < 2; i++ {
		go r.Lookup("a") // queued behind the writer: sync.RWMutex.RLock
	}
}

// --- leaked: sync.WaitGroup.Wait ------------------------------------------------

func processBatch(items []int) <-chan int {
	var wg sync.WaitGroup
	out := make(chan int, len(items))
	for _, it := range items {
		wg.Add(1)
		go func() {
			if it%3 == 0 {
				return // BUG: error path skips wg.Done
			}
			out <- it * it
			wg.Done()
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// --- leaked: sync.Cond.Wait -------------------------------------------------------

type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []string
}

func newQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *Queue) Pop() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	it := q.items[0]
	q.items = q.items[1:]
	return it
}

func startConsumers() {
	q := newQueue() // producer was never started
	for i := 0; i < 2; i++ {
		go q.Pop()
	}
}

// --- leaked: nil chan, select (no cases) -------------------------------------------

type Poller struct{ events chan int }

func pollDisabled(p *Poller) {
	for ev := range p.events { // p.events is nil: blocks forever
		_ = ev
	}
}

func parkForever() {
	select {}
}

// --- not reported: reachable from globals ---------------------------------------------

var jobs = make(chan int)

func worker(id int) {
	for j := range jobs {
		_ = j * id
	}
}

type Ticker struct{ every time.Duration }

func (t *Ticker) run() {
	for {
		time.Sleep(t.every)
	}
}

type Hub struct {
	mu   sync.Mutex
	subs map[int]chan string
}

var hub = &Hub{subs: map[int]chan string{}}

func (h *Hub) subscriber(id int) {
	h.mu.Lock()
	ch := make(chan string)
	h.subs[id] = ch // kept forever, nobody publishes
	h.mu.Unlock()
	for msg := range ch {
		_ = msg
	}
}

// --- driver ------------------------------------------------------------------------

// waitFor waits until at least n goroutines have a frame containing fn.
func waitFor(fn string, n int) {
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		k := runtime.Stack(buf, true)
		if countLines(buf[:k], fn) >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "goroutineleak: timed out waiting for %d x %s\n", n, fn)
	os.Exit(1)
}

func countLines(b []byte, s string) int {
	n := 0
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		line := string(b[:i])
		if len(line) >= len(s) && line[:len(s)] == s {
			n++
		}
		if i < len(b) {
			i++
		}
		b = b[i:]
	}
	return n
}

func write(dir, name string, f func(io.Writer) error) {
	fh, err := os.Create(filepath.Join(dir, name))
	if err == nil {
		err = f(fh)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "goroutineleak:", err)
		os.Exit(1)
	}
}

func fetchHTTP(dir string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "goroutineleak:", err)
		os.Exit(1)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get("http://" + ln.Addr().String() + "/debug/pprof/goroutineleak?debug=1")
	if err != nil {
		fmt.Fprintln(os.Stderr, "goroutineleak:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "goroutineleak: GET goroutineleak:", resp.Status)
		os.Exit(1)
	}
	write(dir, "y_goroutineleak_http_debug1.txt", func(w io.Writer) error {
		_, err := io.Copy(w, resp.Body)
		return err
	})
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: goroutineleak OUTDIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	prof := pprof.Lookup("goroutineleak")
	if prof == nil {
		fmt.Fprintln(os.Stderr, "goroutineleak: no goroutineleak profile; build with GOEXPERIMENT=goroutineleakprofile")
		os.Exit(1)
	}

	// Healthy and undetectable goroutines.
	for i := 1; i <= 3; i++ {
		go worker(i)
	}
	go (&Ticker{every: time.Hour}).run()
	for i := 1; i <= 2; i++ {
		go hub.subscriber(i)
	}

	// Leaks.
	ms := Mirrors{{"https://a.example"}, {"https://b.example"}, {"https://c.example"}, {"https://d.example"}}
	for _, p := range []string{"/index", "/pkg", "/dl"} {
		_ = ms.first(p)
	}
	startWatcher("config")
	startWatcher("secrets")
	openSession()
	openSession()
	// Goroutines inherit pprof labels: the debug=1 and debug=0 profiles
	// carry them ("# labels: {...}", sample labels).
	pprof.Do(context.Background(), pprof.Labels("handler", "/transfer"), func(context.Context) {
		handleTransfer()
	})
	serveRegistry()
	processBatch([]int{1, 2, 3, 4, 5})
	startConsumers()
	go pollDisabled(&Poller{})
	go parkForever()

	waitFor("main.Mirrors.first.func1", 9)
	waitFor("main.startWatcher.func1", 2)
	waitFor("main.(*Session).keepalive", 2)
	waitFor("main.(*Account).Withdraw", 2)
	waitFor("main.(*Registry).Lookup", 2)
	waitFor("main.processBatch.func2", 1)
	waitFor("main.(*Queue).Pop", 2)
	waitFor("main.pollDisabled", 1)
	waitFor("main.parkForever", 1)
	waitFor("main.worker", 3)
	waitFor("main.(*Ticker).run", 1)
	waitFor("main.(*Hub).subscriber", 2)
	time.Sleep(100 * time.Millisecond)

	before := prof.Count()
	write(dir, "y_goroutineleak_debug1.txt", func(w io.Writer) error { return prof.WriteTo(w, 1) })
	after := prof.Count()
	write(dir, "y_goroutineleak_debug2.txt", func(w io.Writer) error { return prof.WriteTo(w, 2) })
	write(dir, "y_goroutineleak.pb.gz", func(w io.Writer) error { return prof.WriteTo(w, 0) })
	write(dir, "y_goroutineleak_full.txt", func(w io.Writer) error {
		return pprof.Lookup("goroutine").WriteTo(w, 2)
	})
	fetchHTTP(dir)
	fmt.Fprintf(os.Stderr, "goroutineleak: Count() before first WriteTo = %d, after = %d\n", before, after)
}
