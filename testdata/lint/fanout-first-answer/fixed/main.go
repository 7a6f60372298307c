// fanout-first-answer, fixed: the channel has room for every answer, so the
// senders that lose finish too.
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
	answers := make(chan string, len(mirrors))
	for _, m := range mirrors {
		go func(m string) {
			answers <- fetch(m)
		}(m)
	}
	return <-answers
}

func main() {
	fmt.Println(first([]string{"a", "bb", "ccc"}))
}
