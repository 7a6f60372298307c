// time-tick, fixed: one ticker and one timer, both stopped.
package main

import (
	"fmt"
	"time"
)

func poll(jobs <-chan int) int {
	done := 0
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	limit := time.NewTimer(time.Second)
	defer limit.Stop()
	for {
		select {
		case <-jobs:
			done++
		case <-tick.C:
			return done
		case <-limit.C:
			return done
		}
	}
}

func main() {
	jobs := make(chan int, 2)
	jobs <- 1
	fmt.Println(poll(jobs))
}
