// http-server-idle-conns: an http.Server with no ReadTimeout/IdleTimeout.
// Clients open keep-alive connections, do one request each and then go quiet
// without closing. Each connection pins a net/http.(*conn).serve goroutine in
// IO wait forever. The clients are raw sockets held in a slice (no goroutines)
// so the dump shows only the server side.
package main

import (
	"bufio"
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"
)

type API struct{}

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "pong")
}

func newServer() *http.Server {
	// BUG: no ReadTimeout / ReadHeaderTimeout / IdleTimeout.
	return &http.Server{Handler: &API{}}
}

type IdleClient struct {
	conn net.Conn
}

func dialIdle(addr string) (*IdleClient, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(c, "GET /ping HTTP/1.1\r\nHost: %s\r\nConnection: keep-alive\r\n\r\n", addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return &IdleClient{conn: c}, nil
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
	srv := newServer()
	go srv.Serve(ln)
	var clients []*IdleClient
	for i := 0; i < 20; i++ {
		c, err := dialIdle(ln.Addr().String())
		if err != nil {
			panic(err)
		}
		clients = append(clients, c)
	}
	waitGoroutines(22)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.KeepAlive(clients)
}
