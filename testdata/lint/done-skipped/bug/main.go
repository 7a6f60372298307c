// done-skipped: the worker returns for skipped items before its Done.
package main

import (
	"fmt"
	"sync"
)

type Batch struct {
	wg  sync.WaitGroup
	out chan int
}

func (b *Batch) worker(n int) {
	if n%2 == 0 {
		return // want: waitgroup-wait
	}
	defer b.wg.Done()
	b.out <- n
}

func main() {
	b := &Batch{out: make(chan int, 4)}
	for i := 0; i < 4; i++ {
		b.wg.Add(1)
		go b.worker(i)
	}
	b.wg.Wait()
	close(b.out)
	for v := range b.out {
		fmt.Println(v)
	}
}
