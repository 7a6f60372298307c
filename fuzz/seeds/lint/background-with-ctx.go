// background-with-ctx: the handler has the request's context but starts its
// watcher on context.Background(): it outlives the request.
package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"
)

func watch(ctx context.Context, key string) {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = key
		}
	}
}

func handler(w http.ResponseWriter, r *http.Request) {
	ctx := context.Background() // want: context-not-propagated
	go watch(ctx, r.URL.Path)
	fmt.Fprintln(w, "watching")
}

func main() {
	rec := httptest.NewRecorder()
	handler(rec, httptest.NewRequest("GET", "/k", nil))
	fmt.Print(rec.Body.String())
}
