// diffleak: periodic snapshots of a process that leaks 10 goroutines per tick
// in main.(*Poller).watch while a healthy worker pool stays constant.
//
//	diffleak leak    OUTDIR  -> OUTDIR/y_diff_1.txt, y_diff_2.txt, y_diff_3.txt
//	diffleak healthy OUTDIR  -> OUTDIR/y_diff_healthy_1.txt, y_diff_healthy_2.txt
//
// Each file starts with one standard-log line "YYYY/MM/DD HH:MM:SS snapshot N"
// followed by a debug=2 goroutine dump. Snapshots are ~1.5 s apart.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

type Pool struct{ jobs chan int }

func (p *Pool) worker() {
	for j := range p.jobs {
		_ = j
	}
}

func (p *Pool) Start(n int) {
	for i := 0; i < n; i++ {
		go p.worker()
	}
}

type Watch struct {
	key    string
	events chan string
}

type Poller struct{ watches []*Watch }

func (p *Poller) watch(w *Watch) {
	for ev := range w.events { // never closed, never sent to
		_ = ev
	}
}

// tick re-registers watches on every config reload without cancelling the old ones.
func (p *Poller) tick(n int) {
	for i := 0; i < 10; i++ {
		w := &Watch{key: fmt.Sprintf("cfg/%d/%d", n, i), events: make(chan string)}
		p.watches = append(p.watches, w)
		go p.watch(w)
	}
}

func snapshot(path string, n, want int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	log.New(f, "", log.LstdFlags).Printf("snapshot %d", n)
	if err := pprof.Lookup("goroutine").WriteTo(f, 2); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: diffleak leak|healthy OUTDIR")
		os.Exit(2)
	}
	mode, dir := os.Args[1], os.Args[2]
	pool := &Pool{jobs: make(chan int)}
	pool.Start(4)
	p := &Poller{}
	switch mode {
	case "leak":
		for n := 1; n <= 3; n++ {
			p.tick(n)
			snapshot(filepath.Join(dir, fmt.Sprintf("y_diff_%d.txt", n)), n, 5+10*n)
			time.Sleep(1300 * time.Millisecond)
		}
	case "healthy":
		for n := 1; n <= 2; n++ {
			snapshot(filepath.Join(dir, fmt.Sprintf("y_diff_healthy_%d.txt", n)), n, 5)
			time.Sleep(1300 * time.Millisecond)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(2)
	}
}
