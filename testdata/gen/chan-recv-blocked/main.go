// chan-recv-blocked: an RPC client registers a reply channel per call and waits
// on it. The server loop crashes after a few requests, so the remaining callers
// wait forever in "chan receive" for a reply that never comes.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"sync"
	"time"
)

type Request struct {
	ID     uint64
	Method string
}

type Reply struct {
	ID   uint64
	Body string
}

type Client struct {
	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan *Reply
	reqs    chan *Request
}

func NewClient() *Client {
	return &Client{pending: make(map[uint64]chan *Reply), reqs: make(chan *Request, 128)}
}

func (c *Client) Call(method string) *Reply {
	ch := make(chan *Reply)
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()
	c.reqs <- &Request{ID: id, Method: method}
	return <-ch // BUG: no timeout, no ctx; blocks forever if the reply is lost
}

// serve answers the first few requests and then returns (simulating a
// connection drop), never failing the pending calls.
func (c *Client) serve(limit int) {
	for i := 0; i < limit; i++ {
		req := <-c.reqs
		c.mu.Lock()
		ch := c.pending[req.ID]
		delete(c.pending, req.ID)
		c.mu.Unlock()
		ch <- &Reply{ID: req.ID, Body: "ok"}
	}
}

type Session struct {
	c    *Client
	user string
}

func (s *Session) run() {
	r := s.c.Call("GetProfile")
	_ = r
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	c := NewClient()
	go c.serve(5)
	for i := 0; i < 100; i++ {
		s := &Session{c: c, user: fmt.Sprintf("user%d", i)}
		go s.run()
	}
	time.Sleep(100 * time.Millisecond)
	waitGoroutines(96)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
