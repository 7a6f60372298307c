// user-annotations: the trace must show runtime/trace user annotations in
// a request-like flow:
//
//   - 6 tasks of type "handleRequest" (trace.NewTask), each begun and ended;
//   - under each, one child task "fetchRecommendations" whose Parent is that
//     request's task, run on its own goroutine;
//   - regions (trace.WithRegion / trace.StartRegion) "authenticate" and
//     "queryDB" in every request, "render" in every request but req-4, and
//     "callService" in every child task: 6 begins and 6 ends of each (5 of
//     "render");
//   - logs (trace.Log / trace.Logf): category "request-id" with values
//     req-1..req-6, and "status" with "200" five times and "500" once
//     (req-4 fails in queryDB and also logs category "error").
//
// Requests are served by 2 handler goroutines; every step sleeps 1-3 ms so
// regions have a visible duration. The run takes ~20 ms.
// Usage: user-annotations OUT.trace
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

const requests = 6

type Request struct {
	ID   string
	User string
}

var errTimeout = errors.New("db: query timeout")

func authenticate(ctx context.Context, r Request) {
	trace.WithRegion(ctx, "authenticate", func() {
		time.Sleep(time.Millisecond)
	})
}

func queryDB(ctx context.Context, r Request) error {
	defer trace.StartRegion(ctx, "queryDB").End()
	time.Sleep(2 * time.Millisecond)
	if r.ID == "req-4" {
		return errTimeout
	}
	return nil
}

func fetchRecommendations(ctx context.Context, r Request) <-chan []string {
	out := make(chan []string, 1)
	ctx, task := trace.NewTask(ctx, "fetchRecommendations")
	go func() {
		defer task.End()
		var recs []string
		trace.WithRegion(ctx, "callService", func() {
			time.Sleep(3 * time.Millisecond)
			recs = []string{"a", "b", "c"}
		})
		out <- recs
	}()
	return out
}

func render(ctx context.Context, r Request, recs []string) int {
	defer trace.StartRegion(ctx, "render").End()
	time.Sleep(time.Millisecond)
	return len(r.User) + len(recs)
}

func handleRequest(ctx context.Context, r Request) {
	ctx, task := trace.NewTask(ctx, "handleRequest")
	defer task.End()
	trace.Log(ctx, "request-id", r.ID)
	authenticate(ctx, r)
	recs := fetchRecommendations(ctx, r)
	if err := queryDB(ctx, r); err != nil {
		trace.Log(ctx, "error", err.Error())
		<-recs
		trace.Logf(ctx, "status", "%d", 500)
		return
	}
	render(ctx, r, <-recs)
	trace.Logf(ctx, "status", "%d", 200)
}

func run() {
	ctx := context.Background()
	queue := make(chan Request)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range queue {
				handleRequest(ctx, r)
			}
		}()
	}
	for i := 1; i <= requests; i++ {
		queue <- Request{ID: fmt.Sprintf("req-%d", i), User: fmt.Sprintf("user%d", i%3)}
	}
	close(queue)
	wg.Wait()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: user-annotations OUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	run()
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
