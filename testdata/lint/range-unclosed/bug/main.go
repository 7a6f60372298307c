// range-unclosed: the consumer ranges over a channel its producer never closes.
package main

import "fmt"

type Pipeline struct {
	items chan int
	done  chan int
}

func (p *Pipeline) produce(n int) {
	for i := 0; i < n; i++ {
		p.items <- i
	}
}

func (p *Pipeline) consume() {
	sum := 0
	for v := range p.items { // want: range-never-closed
		sum += v
	}
	p.done <- sum
}

func main() {
	p := &Pipeline{items: make(chan int), done: make(chan int)}
	go p.consume()
	p.produce(10)
	fmt.Println(<-p.done) // never comes: consume is still ranging
}
