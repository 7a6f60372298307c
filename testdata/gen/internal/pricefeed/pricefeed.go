// Package pricefeed is a long-poll price service behind a tracing middleware, for the
// middleware-context fixture (the middleware detaches every request's context from the
// request, so the watchers the handler starts with r.Context() are never cancelled) and its
// healthy twin healthy_middleware (the same middleware deriving from r.Context()). In both,
// the *http.Request pointer changes at the middleware's frame (r.WithContext); only the
// detached one leaves goroutines behind.
package pricefeed

import (
	"context"
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"
)

type traceKey struct{}

// WithTrace is the culprit when detached: it should derive ctx from r.Context().
func WithTrace(next http.Handler, detached bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parent := r.Context()
		if detached {
			parent = context.Background() // BUG: the request's cancellation is lost
		}
		ctx := context.WithValue(parent, traceKey{}, r.Header.Get("X-Trace"))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type Prices struct {
	updates chan float64 // nothing publishes in this program
}

func (p *Prices) watch(ctx context.Context, symbol string, out chan<- float64) {
	for {
		select {
		case <-ctx.Done(): // right, but the context is never cancelled
			return
		case v := <-p.updates:
			out <- v
		}
	}
}

// Stream is a long poll: it waits for the next price or for its deadline.
func (p *Prices) Stream(w http.ResponseWriter, r *http.Request) {
	out := make(chan float64, 1)
	go p.watch(r.Context(), r.URL.Query().Get("s"), out)
	wait, _ := time.ParseDuration(r.URL.Query().Get("wait"))
	select {
	case v := <-out:
		fmt.Fprintln(w, v)
	case <-time.After(wait):
		w.WriteHeader(http.StatusNoContent)
	}
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func get(client *http.Client, url string) {
	resp, err := client.Get(url)
	if err != nil {
		panic(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// Run serves 30 short polls (finished) and 3 long ones (in flight) through WithTrace and
// writes the goroutine dump (every form, internal/dumpforms) to stdout.
func Run(detached bool) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	p := &Prices{updates: make(chan float64)}
	srv := &http.Server{Handler: WithTrace(http.HandlerFunc(p.Stream), detached),
		ReadTimeout: 5 * time.Second, IdleTimeout: 30 * time.Second}
	go srv.Serve(ln)
	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	for i := 0; i < 30; i++ { // short polls: they finish, their watchers stay
		get(client, fmt.Sprintf("http://%s/prices?s=SYM%d&wait=1ms", ln.Addr(), i))
	}
	tr.CloseIdleConnections()
	for i := 0; i < 3; i++ { // long polls, in flight during the dump
		go get(client, fmt.Sprintf("http://%s/prices?s=LONG%d&wait=1h", ln.Addr(), i))
	}
	want := 3 * 6 // per long poll: client, readLoop, writeLoop; conn.serve, handler, watcher
	if detached {
		want += 30 // the short polls' watchers, never cancelled
	}
	waitGoroutines(want)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
