// add-in-goroutine, fixed: Add before the go statement.
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
		wg.Add(1)
		go func(it int) {
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
