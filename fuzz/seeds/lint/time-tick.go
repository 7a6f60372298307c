// time-tick: time.Tick in a function called per job: a ticker that cannot be
// stopped, and, in the loop, a new timer per iteration.
package main

import (
	"fmt"
	"time"
)

func poll(jobs <-chan int) int {
	done := 0
	tick := time.Tick(time.Millisecond) // want: ticker-loop
	for {
		select {
		case <-jobs:
			done++
		case <-tick:
			return done
		case <-time.After(time.Second): // want: ticker-loop
			return done
		}
	}
}

func main() {
	jobs := make(chan int, 2)
	jobs <- 1
	fmt.Println(poll(jobs))
}
