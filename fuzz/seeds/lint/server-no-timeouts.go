// server-no-timeouts: a server whose idle and slow clients hold goroutines forever.
package main

import (
	"fmt"
	"net/http"
)

func newServer(addr string) *http.Server {
	return &http.Server{Addr: addr, Handler: http.NotFoundHandler()} // want: http-server-idle-conns
}

func main() {
	s := newServer("127.0.0.1:0")
	fmt.Println(s.Addr)
}
