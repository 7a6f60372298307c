// pool-no-reset, fixed: each buffer is reset after Get.
package main

import (
	"bytes"
	"fmt"
	"sync"
)

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func render(name string) int {
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	fmt.Fprintf(buf, "<p>%s</p>", name)
	n := buf.Len()
	bufs.Put(buf)
	return n
}

func main() {
	fmt.Println(render("a"), render("b"))
}
