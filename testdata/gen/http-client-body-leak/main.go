// http-client-body-leak: StatusClient builds a NEW http.Transport for every
// request and never closes resp.Body. Each request leaves a persistConn with
// its readLoop (waiting for the body to be read/closed) and writeLoop
// goroutines behind. The test server closes idle conns quickly so only the
// client-side leak remains.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"time"
)

type StatusClient struct {
	base string
}

func (c *StatusClient) newHTTPClient() *http.Client {
	// BUG: a fresh Transport per call defeats connection reuse and leaks.
	return &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
}

func (c *StatusClient) Check(id int) (int, error) {
	resp, err := c.newHTTPClient().Get(fmt.Sprintf("%s/status/%d", c.base, id))
	if err != nil {
		return 0, err
	}
	// BUG: resp.Body is never closed.
	return resp.StatusCode, nil
}

type HealthChecker struct{ c *StatusClient }

func (h *HealthChecker) sweep(n int) {
	for i := 0; i < n; i++ {
		if _, err := h.c.Check(i); err != nil {
			fmt.Fprintln(os.Stderr, "check:", err)
		}
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
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"status":"ok"}`)
	}))
	srv.Config.IdleTimeout = 100 * time.Millisecond
	srv.Config.ReadTimeout = 5 * time.Second
	srv.Start()
	h := &HealthChecker{c: &StatusClient{base: srv.URL}}
	h.sweep(50)
	waitGoroutines(100)
	time.Sleep(300 * time.Millisecond) // let the server close its idle side
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
