// escaped-request-goroutine: the handler fires off an audit goroutine with
// context.Background() instead of r.Context(). The audit sink is never drained,
// so every request leaves a goroutine parked in select after the handler
// returned. "created by" is the handler method.
package main

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

type AuditEvent struct {
	Path string
	At   time.Time
}

type OrderHandler struct {
	audit chan AuditEvent // consumer was never started
}

func (h *OrderHandler) recordAudit(ctx context.Context, ev AuditEvent) {
	select {
	case h.audit <- ev:
	case <-ctx.Done(): // Background(): never fires
	}
}

func (h *OrderHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev := AuditEvent{Path: r.URL.Path, At: time.Now()}
	go h.recordAudit(context.Background(), ev) // BUG: outlives the request
	fmt.Fprintln(w, `{"order":"created"}`)
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: &OrderHandler{audit: make(chan AuditEvent)},
		ReadTimeout: 5 * time.Second, IdleTimeout: 30 * time.Second}
	go srv.Serve(ln)
	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	for i := 0; i < 30; i++ {
		resp, err := client.Post(fmt.Sprintf("http://%s/orders/%d", ln.Addr(), i), "application/json", nil)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	tr.CloseIdleConnections()
	waitGoroutines(31)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
