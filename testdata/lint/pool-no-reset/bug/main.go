// pool-no-reset: buffers go back to the pool with their content: each Get appends to
// what the last user wrote, so pooled buffers only grow.
package main

import (
	"bytes"
	"fmt"
	"sync"
)

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func render(name string) int {
	buf := bufs.Get().(*bytes.Buffer)
	fmt.Fprintf(buf, "<p>%s</p>", name)
	n := buf.Len()
	bufs.Put(buf) // want: heap-growth
	return n
}

func main() {
	fmt.Println(render("a"), render("b"))
}
