// go-with-background, fixed: Subscribe takes the caller's context.
package main

import (
	"context"
	"fmt"
)

type Feed struct{ src chan int }

func (f *Feed) watch(ctx context.Context, out chan<- int) {
	for {
		select {
		case <-ctx.Done():
			return
		case v := <-f.src:
			out <- v
		}
	}
}

func (f *Feed) Subscribe(ctx context.Context) <-chan int {
	out := make(chan int, 1)
	go f.watch(ctx, out)
	return out
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &Feed{src: make(chan int, 1)}
	f.src <- 7
	fmt.Println(<-f.Subscribe(ctx))
}
