// endless-goroutine: each Start leaves a poller that loops forever.
package main

import (
	"fmt"
	"time"
)

type Poller struct{ hits int }

func (p *Poller) run() {
	for { // want: sleep-loop
		time.Sleep(time.Millisecond)
		p.hits++
	}
}

func (p *Poller) Start() {
	go p.run()
}

func main() {
	p := &Poller{}
	p.Start()
	time.Sleep(5 * time.Millisecond)
	fmt.Println("started")
}
