// close-skipped: the producer returns on a bad line before it closes the channel its
// consumer ranges over.
package main

import (
	"fmt"
	"strconv"
)

func produce(lines []string, out chan<- int) {
	for _, l := range lines {
		n, err := strconv.Atoi(l)
		if err != nil {
			return // want: range-never-closed
		}
		out <- n
	}
	close(out)
}

func main() {
	ch := make(chan int)
	go produce([]string{"1", "x", "3"}, ch)
	sum := 0
	for n := range ch { // want: range-never-closed
		sum += n
	}
	fmt.Println(sum)
}
