// endless-goroutine, fixed: the poller leaves when its context is cancelled.
package main

import (
	"context"
	"fmt"
	"time"
)

type Poller struct{ hits int }

func (p *Poller) run(ctx context.Context) {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.hits++
		}
	}
}

func (p *Poller) Start(ctx context.Context) {
	go p.run(ctx)
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	p := &Poller{}
	p.Start(ctx)
	time.Sleep(5 * time.Millisecond)
	cancel()
	fmt.Println("stopped")
}
