// add-in-goroutine: wg.Add runs inside the goroutine: Wait may return first.
package main

import (
	"fmt"
	"sync"
)

func process(items []int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	sum := 0
	for _, it := range items {
		go func(it int) {
			wg.Add(1) // want: waitgroup-wait
			defer wg.Done()
			mu.Lock()
			sum += it
			mu.Unlock()
		}(it)
	}
	wg.Wait()
	return sum
}

func main() {
	fmt.Println(process([]int{1, 2, 3}))
}
