// server-no-timeouts, fixed: header and idle timeouts bound every connection.
package main

import (
	"fmt"
	"net/http"
	"time"
)

func newServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           http.NotFoundHandler(),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       time.Minute,
	}
}

func main() {
	s := newServer("127.0.0.1:0")
	fmt.Println(s.Addr)
}
