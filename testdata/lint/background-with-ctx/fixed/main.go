// background-with-ctx, fixed: the watcher gets the request's context.
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
	go watch(r.Context(), r.URL.Path)
	fmt.Fprintln(w, "watching")
}

func main() {
	rec := httptest.NewRecorder()
	handler(rec, httptest.NewRequest("GET", "/k", nil))
	fmt.Print(rec.Body.String())
}
