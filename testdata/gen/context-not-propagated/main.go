// context-not-propagated: each subscription starts a watcher that selects on its
// context's Done channel and an event channel. The watcher does have a way out, but
// Subscribe gives it context.Background() instead of the caller's context, so
// nothing ever cancels it: when the caller goes away the watcher stays in "select"
// for good. The fix is to pass the request's context, not to add a Done case.
package main

import (
	"context"
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"time"
)

type Event struct{ Key, Value string }

type Feed struct {
	events chan Event
}

func (f *Feed) watch(ctx context.Context, key string, out chan<- Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-f.events:
			if ev.Key == key {
				out <- ev
			}
		}
	}
}

// Subscribe should take the caller's ctx; it starts the watcher on Background.
func (f *Feed) Subscribe(key string) <-chan Event {
	out := make(chan Event, 1)
	go f.watch(context.Background(), key, out) // BUG: never cancelled
	return out
}

type Handler struct{ feed *Feed }

func (h *Handler) handleStream(ctx context.Context, key string) {
	ch := h.feed.Subscribe(key)
	select {
	case <-ch:
	case <-ctx.Done(): // the client goes away; the watcher does not
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
	h := &Handler{feed: &Feed{events: make(chan Event)}}
	for i := 0; i < 40; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		go func(i int) {
			defer cancel()
			h.handleStream(ctx, fmt.Sprintf("key-%d", i))
		}(i)
	}
	time.Sleep(200 * time.Millisecond) // every request has timed out and returned
	waitGoroutines(41)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
