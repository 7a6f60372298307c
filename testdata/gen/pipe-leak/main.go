// pipe-leak: an exporter streams each report through an io.Pipe: a goroutine
// encodes into the PipeWriter while the caller reads the PipeReader. When the
// upload fails the caller returns without closing the reader, so every encoder
// stays blocked in io.(*pipe).write. Beside them, tailers read the read end of an
// os.Pipe whose write end the spawner keeps open and never closes: they wait in
// os.(*File).Read for good. Both are pipe leaks: the owner of the pipe must close
// the other end; a deadline would not help.
package main

import (
	"errors"
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

type Exporter struct{}

func (e *Exporter) encode(w *io.PipeWriter, rows int) {
	for i := 0; i < rows; i++ {
		if _, err := io.WriteString(w, strings.Repeat("x", 512)); err != nil {
			return
		}
	}
	w.Close()
}

func (e *Exporter) upload(r io.Reader) error {
	buf := make([]byte, 100)
	if _, err := r.Read(buf); err != nil {
		return err
	}
	return errors.New("503 from the store")
}

// Export streams a report; on an upload error it returns without pr.Close().
func (e *Exporter) Export(rows int) error {
	pr, pw := io.Pipe()
	go e.encode(pw, rows)
	return e.upload(pr) // BUG: pr is never closed, the encoder blocks forever
}

type Tailer struct{ keep []*os.File }

func (t *Tailer) follow(r *os.File) {
	buf := make([]byte, 4096)
	for {
		if _, err := r.Read(buf); err != nil {
			return
		}
	}
}

// Spawn starts a tailer on a pipe and keeps the write end, never closing it.
func (t *Tailer) Spawn() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	t.keep = append(t.keep, w) // BUG: never closed: the reader never sees EOF
	go t.follow(r)
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
	e := &Exporter{}
	for i := 0; i < 20; i++ {
		_ = e.Export(100)
	}
	t := &Tailer{}
	for i := 0; i < 12; i++ {
		if err := t.Spawn(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	waitGoroutines(33)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.KeepAlive(t)
}
