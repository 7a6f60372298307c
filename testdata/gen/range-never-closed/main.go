// range-never-closed: a pipeline whose producer forgets close(out). Every
// consumer sits in its `for it := range in` loop ("chan receive") forever.
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"strings"
	"time"
)

type Item struct {
	ID   int
	Line string
}

type Pipeline struct {
	name      string
	processed int
}

func (p *Pipeline) produce(out chan<- Item, lines []string) {
	for i, l := range lines {
		out <- Item{ID: i, Line: l}
	}
	// BUG: missing close(out)
}

func (p *Pipeline) transform(it Item) string {
	return strings.ToUpper(it.Line)
}

func (p *Pipeline) consume(in <-chan Item) {
	for it := range in {
		_ = p.transform(it)
	}
}

func (p *Pipeline) Run(lines []string, workers int) {
	ch := make(chan Item, 16)
	go p.produce(ch, lines)
	for i := 0; i < workers; i++ {
		go p.consume(ch)
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
	for batch := 0; batch < 12; batch++ {
		p := &Pipeline{name: fmt.Sprintf("batch-%d", batch)}
		p.Run([]string{"alpha", "beta", "gamma", "delta"}, 8)
	}
	waitGoroutines(97)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
