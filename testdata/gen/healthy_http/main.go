// healthy_http: a well-configured http.Server (ReadTimeout, IdleTimeout) with
// 3 idle keep-alive connections from one client whose Transport is reused.
// Server conn.serve goroutines and client persistConn read/write loops are
// all expected and bounded.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"
)

type API struct{}

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(100 * time.Millisecond) // keeps the 3 requests concurrent
	fmt.Fprintln(w, `{"ok":true}`)
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{
		Handler:           &API{},
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	go srv.Serve(ln)

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 3}}
	// Three concurrent requests open three connections, which then idle in the pool.
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			resp, err := client.Get(fmt.Sprintf("http://%s/items/%d", ln.Addr(), i))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}(i)
	}
	wg.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < 11 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
