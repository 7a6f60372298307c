// send-after-timeout: the caller gives up after a timeout; the worker's answer
// then has nobody to receive it.
package main

import (
	"errors"
	"fmt"
	"time"
)

func slowQuery() int {
	time.Sleep(20 * time.Millisecond)
	return 42
}

func query(timeout time.Duration) (int, error) {
	result := make(chan int)
	go func() {
		result <- slowQuery() // want: chan-send-blocked
	}()
	select {
	case v := <-result:
		return v, nil
	case <-time.After(timeout):
		return 0, errors.New("timeout")
	}
}

func main() {
	fmt.Println(query(time.Millisecond))
}
