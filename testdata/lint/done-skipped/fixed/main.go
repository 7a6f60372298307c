// done-skipped, fixed: Done is deferred before any return.
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
	defer b.wg.Done()
	if n%2 == 0 {
		return
	}
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
