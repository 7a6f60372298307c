// ticker-no-stop, fixed: the ticker is stopped when the function returns.
package main

import (
	"fmt"
	"time"
)

func waitTicks(n int) int {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
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
