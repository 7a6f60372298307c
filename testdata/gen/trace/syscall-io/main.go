// syscall-io: the trace must show goroutines waiting for I/O in two ways:
//
//   - in a blocking system call: main.(*FrameReader).ReadFrame reads a
//     blocking pipe (syscall.Pipe, not in the netpoller) with syscall.Read;
//     the writer sends a frame every 20 ms, so each of the 6 reads sits in
//     the kernel ~20 ms (Running->Syscall, then Syscall->Runnable because
//     the runtime hands the P to another thread while it waits);
//   - in the network poller: main.(*Client).Call does 6 round trips over a
//     loopback TCP connection to a server that answers after 15 ms, so the
//     client blocks in net.(*conn).Read with reason "network" for ~15 ms
//     each time.
//
// The run takes ~220 ms. Linux (or any Unix) only. Usage: syscall-io OUT.trace
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"runtime/trace"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	frames = 6
	calls  = 6
)

type FrameReader struct{ fd int }

// ReadFrame blocks in read(2) until the writer sends the next frame.
func (r *FrameReader) ReadFrame(buf []byte) (int, error) {
	for {
		n, err := syscall.Read(r.fd, buf)
		if err == syscall.EINTR {
			continue
		}
		return n, err
	}
}

func pipeScenario(wg *sync.WaitGroup) {
	defer wg.Done()
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		fmt.Fprintln(os.Stderr, "pipe:", err)
		os.Exit(1)
	}
	r := &FrameReader{fd: fds[0]}
	go func() { // the slow producer
		for i := 0; i < frames; i++ {
			time.Sleep(20 * time.Millisecond)
			syscall.Write(fds[1], []byte(fmt.Sprintf("frame-%d\n", i)))
		}
		syscall.Close(fds[1])
	}()
	buf := make([]byte, 64)
	got := 0
	for {
		n, err := r.ReadFrame(buf)
		if err != nil || n == 0 {
			break
		}
		got += strings.Count(string(buf[:n]), "\n")
	}
	syscall.Close(fds[0])
	fmt.Fprintf(os.Stderr, "syscall-io: %d frames from the pipe\n", got)
}

// serve answers every line after 15 ms, like a slow backend.
func serve(ln net.Listener) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	in := bufio.NewScanner(c)
	for in.Scan() {
		time.Sleep(15 * time.Millisecond)
		fmt.Fprintf(c, "ok %s\n", in.Text())
	}
}

type Client struct {
	conn net.Conn
	in   *bufio.Reader
}

// Call sends one request and waits for the answer: the wait is a network
// block in the netpoller.
func (c *Client) Call(req string) (string, error) {
	if _, err := fmt.Fprintf(c.conn, "%s\n", req); err != nil {
		return "", err
	}
	return c.in.ReadString('\n')
}

func netScenario(wg *sync.WaitGroup) {
	defer wg.Done()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	defer ln.Close()
	go serve(ln)
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(1)
	}
	defer conn.Close()
	c := &Client{conn: conn, in: bufio.NewReader(conn)}
	for i := 0; i < calls; i++ {
		if _, err := c.Call(fmt.Sprintf("get key-%d", i)); err != nil {
			fmt.Fprintln(os.Stderr, "call:", err)
			os.Exit(1)
		}
	}
	fmt.Fprintf(os.Stderr, "syscall-io: %d calls over loopback\n", calls)
}

func run() {
	var wg sync.WaitGroup
	wg.Add(2)
	go pipeScenario(&wg)
	go netScenario(&wg)
	wg.Wait()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: syscall-io OUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	run()
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
