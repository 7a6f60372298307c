// empty-select: serve parks its goroutine forever; nothing can stop it.
package main

import (
	"fmt"
	"time"
)

type Daemon struct{ name string }

func (d *Daemon) serve() {
	fmt.Println("serving", d.name)
	select {} // want: select-forever
}

func main() {
	go (&Daemon{name: "a"}).serve()
	time.Sleep(time.Millisecond)
}
