// io-wait: replica followers read frames straight from a TCP connection whose
// peer (the "primary") accepted the connection but never writes and never
// closes it. No read deadline is set, so each follower sits in conn.Read in
// IO wait forever.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"net"
	"os"
	"runtime"
	"sync"
	"time"
)

type Primary struct {
	mu    sync.Mutex
	conns []net.Conn
}

func (p *Primary) acceptLoop(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns = append(p.conns, c) // held open, never written to
		p.mu.Unlock()
	}
}

type Replica struct {
	id   int
	conn net.Conn
	buf  []byte
}

func (r *Replica) readFrame() (int, error) {
	// BUG: no SetReadDeadline; blocks forever if the primary stalls.
	return r.conn.Read(r.buf)
}

func (r *Replica) follow() {
	for {
		n, err := r.readFrame()
		if err != nil {
			return
		}
		_ = n
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	p := &Primary{}
	go p.acceptLoop(ln)
	for i := 0; i < 25; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			panic(err)
		}
		r := &Replica{id: i, conn: c, buf: make([]byte, 4096)}
		go r.follow()
	}
	waitGoroutines(27)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
