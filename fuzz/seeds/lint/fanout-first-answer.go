// fanout-first-answer: the first mirror to answer wins; the others block forever on
// an unbuffered channel nobody reads any more.
package main

import (
	"fmt"
	"time"
)

func fetch(mirror string) string {
	time.Sleep(time.Duration(len(mirror)) * time.Millisecond)
	return "data from " + mirror
}

func first(mirrors []string) string {
	answers := make(chan string)
	for _, m := range mirrors {
		go func(m string) {
			answers <- fetch(m) // want: chan-send-blocked
		}(m)
	}
	return <-answers
}

func main() {
	fmt.Println(first([]string{"a", "bb", "ccc"}))
}
