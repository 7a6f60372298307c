// lock-return-without-unlock: an early return leaves the mutex locked; the next
// caller waits forever.
package main

import (
	"errors"
	"fmt"
	"sync"
)

type Quota struct {
	mu   sync.Mutex
	left int
}

func (q *Quota) Take(n int) error {
	q.mu.Lock()
	if n > q.left {
		return errors.New("over quota") // want: mutex-wait
	}
	q.left -= n
	q.mu.Unlock()
	return nil
}

func main() {
	q := &Quota{left: 1}
	fmt.Println(q.Take(2))
}
