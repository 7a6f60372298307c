// close-skipped, fixed: the close is deferred, so every return closes the channel.
package main

import (
	"fmt"
	"strconv"
)

func produce(lines []string, out chan<- int) {
	defer close(out)
	for _, l := range lines {
		n, err := strconv.Atoi(l)
		if err != nil {
			return
		}
		out <- n
	}
}

func main() {
	ch := make(chan int)
	go produce([]string{"1", "x", "3"}, ch)
	sum := 0
	for n := range ch {
		sum += n
	}
	fmt.Println(sum)
}
