// go-with-background: Subscribe starts its watcher on a context nobody cancels.
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

func (f *Feed) Subscribe() <-chan int {
	out := make(chan int, 1)
	go f.watch(context.Background(), out) // want: context-not-propagated
	return out
}

func main() {
	f := &Feed{src: make(chan int, 1)}
	f.src <- 7
	fmt.Println(<-f.Subscribe())
}
