// syscall: log collectors read from the read end of plain (blocking) pipes with
// syscall.Read. The writers never write and never close, so every collector is
// stuck inside the read(2) system call (state "syscall"), each pinning an OS
// thread.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"syscall"
	"time"
)

type PipeReader struct {
	fd  int
	buf []byte
}

func (p *PipeReader) readChunk() (int, error) {
	return syscall.Read(p.fd, p.buf) // blocking fd: parks the thread in read(2)
}

func (p *PipeReader) readLoop() {
	for {
		n, err := p.readChunk()
		if err != nil || n == 0 {
			return
		}
	}
}

type Collector struct {
	writers []int // write ends, kept open and idle
}

func (c *Collector) attach() error {
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		return err
	}
	c.writers = append(c.writers, fds[1])
	r := &PipeReader{fd: fds[0], buf: make([]byte, 512)}
	go r.readLoop()
	return nil
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	c := &Collector{}
	for i := 0; i < 20; i++ {
		if err := c.attach(); err != nil {
			panic(err)
		}
	}
	waitGoroutines(21)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.KeepAlive(c)
}
