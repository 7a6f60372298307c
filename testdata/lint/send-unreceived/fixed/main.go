// send-unreceived, fixed: a subscriber receives every result.
package main

import "fmt"

type Notifier struct {
	results chan string
}

func (n *Notifier) notify(s string) {
	n.results <- s
}

func main() {
	n := &Notifier{results: make(chan string)}
	for i := 0; i < 3; i++ {
		go n.notify(fmt.Sprint("job ", i))
	}
	for i := 0; i < 3; i++ {
		fmt.Println(<-n.results)
	}
}
