// http-transport-per-request: the client closes every response body, but builds a
// new http.Transport for each request. Each Transport keeps its keep-alive
// connection idle in its own pool, never reused and never closed, so every request
// leaves a connection behind: a persistConn.readLoop parked reading the next
// response (bufio.(*Reader).Peek) and a writeLoop waiting for a request, per
// request made (and the server's idle conn.serve at the other end of each
// loopback connection). Closing bodies does not help; sharing one Transport does.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"time"
)

type Fetcher struct{ base string }

func (f *Fetcher) get(path string) error {
	c := &http.Client{Transport: &http.Transport{}} // BUG: a Transport per request
	resp, err := c.Get(f.base + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
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
		fmt.Fprint(w, "ok")
	}))
	srv.Config.SetKeepAlivesEnabled(true)
	srv.Start()
	f := &Fetcher{base: srv.URL}
	for i := 0; i < 30; i++ {
		if err := f.get(fmt.Sprintf("/item/%d", i)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	waitGoroutines(90) // per request: the client's readLoop and writeLoop, the server's conn

	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
