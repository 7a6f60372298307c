// send-after-timeout, fixed: a buffered channel lets the late answer be sent and
// dropped.
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
	result := make(chan int, 1)
	go func() {
		result <- slowQuery()
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
