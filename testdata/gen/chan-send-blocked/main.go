// chan-send-blocked: a hand-written errgroup-like fan-out. fetchAll starts one
// goroutine per URL that sends its result on an unbuffered channel, but returns
// as soon as the first error (or a timeout) arrives. The remaining senders block
// forever in "chan send".
package main

import (
	"errors"
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"time"
)

type Result struct {
	URL  string
	Size int
	Err  error
}

type Fetcher struct {
	timeout time.Duration
}

func (f *Fetcher) fetchOne(url string, i int) Result {
	if i == 0 {
		return Result{URL: url, Err: errors.New("404 not found")}
	}
	time.Sleep(20 * time.Millisecond) // simulated network latency
	return Result{URL: url, Size: len(url) * 100}
}

func (f *Fetcher) fetchAll(urls []string) ([]Result, error) {
	results := make(chan Result) // BUG: unbuffered, nobody drains after early return
	for i, u := range urls {
		go func(i int, u string) {
			results <- f.fetchOne(u, i)
		}(i, u)
	}
	timeout := time.After(f.timeout)
	var out []Result
	for range urls {
		select {
		case r := <-results:
			if r.Err != nil {
				return out, fmt.Errorf("fetch %s: %w", r.URL, r.Err)
			}
			out = append(out, r)
		case <-timeout:
			return out, errors.New("timeout")
		}
	}
	return out, nil
}

type Handler struct{ f *Fetcher }

func (h *Handler) handleDashboard(user string) {
	var urls []string
	for i := 0; i < 12; i++ {
		urls = append(urls, fmt.Sprintf("http://backend/%s/widget/%d", user, i))
	}
	if _, err := h.f.fetchAll(urls); err != nil {
		fmt.Fprintln(os.Stderr, "dashboard:", err)
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
	h := &Handler{f: &Fetcher{timeout: time.Second}}
	for _, u := range []string{"alice", "bob", "carol", "dave", "erin"} {
		h.handleDashboard(u)
	}
	waitGoroutines(5 * 11)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
