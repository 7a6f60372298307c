// ticker-no-stop: a ticker made per call and never stopped.
package main

import (
	"fmt"
	"time"
)

func waitTicks(n int) int {
	t := time.NewTicker(time.Millisecond) // want: ticker-loop
	got := 0
	for range t.C {
		got++
		if got == n {
			return got
		}
	}
	return got
}

func main() {
	fmt.Println(waitTicks(3))
}
