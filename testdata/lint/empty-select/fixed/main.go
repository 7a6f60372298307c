// empty-select, fixed: serve waits for its stop channel.
package main

import (
	"fmt"
	"time"
)

type Daemon struct {
	name string
	stop chan struct{}
}

func (d *Daemon) serve() {
	fmt.Println("serving", d.name)
	<-d.stop
}

func main() {
	d := &Daemon{name: "a", stop: make(chan struct{})}
	go d.serve()
	time.Sleep(time.Millisecond)
	close(d.stop)
}
