// send-unreceived: results go to a channel nothing in the package ever reads.
package main

import (
	"fmt"
	"time"
)

type Notifier struct {
	results chan string
}

func (n *Notifier) notify(s string) {
	n.results <- s // want: chan-send-blocked
}

func main() {
	n := &Notifier{results: make(chan string)}
	for i := 0; i < 3; i++ {
		go n.notify(fmt.Sprint("job ", i))
	}
	time.Sleep(10 * time.Millisecond)
	fmt.Println("done")
}
