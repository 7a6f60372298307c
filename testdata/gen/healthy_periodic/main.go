// healthy_periodic: one periodic job that sleeps between runs on a ticker and
// exits on ctx.Done(); main waits for it. Nothing here is a leak.
package main

import (
	"context"
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"time"
)

type Compactor struct {
	every time.Duration
	runs  int
}

func (c *Compactor) compact() { c.runs++ }

func (c *Compactor) Run(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(c.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.compact()
		}
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Compactor{every: time.Minute}
	done := make(chan struct{})
	go c.Run(ctx, done)
	time.Sleep(300 * time.Millisecond)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cancel()
	<-done
}
