// select-forever: plugin daemons that "keep themselves alive" with select {}
// in a non-main goroutine; state "select (no cases)".
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"time"
)

type Daemon struct {
	name  string
	ready bool
}

func (d *Daemon) init() { d.ready = true }

func (d *Daemon) serve() {
	d.init()
	select {} // BUG: parks forever, cannot be stopped
}

func (d *Daemon) Start() {
	go d.serve()
}

type Supervisor struct{ daemons []*Daemon }

func (s *Supervisor) StartAll() {
	for _, d := range s.daemons {
		d.Start()
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
	s := &Supervisor{}
	for i := 0; i < 6; i++ {
		s.daemons = append(s.daemons, &Daemon{name: fmt.Sprintf("plugin-%d", i)})
	}
	s.StartAll()
	waitGoroutines(7)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
