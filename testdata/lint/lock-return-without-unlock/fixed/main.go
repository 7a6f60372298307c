// lock-return-without-unlock, fixed: the unlock is deferred.
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
	defer q.mu.Unlock()
	if n > q.left {
		return errors.New("over quota")
	}
	q.left -= n
	return nil
}

func main() {
	q := &Quota{left: 1}
	fmt.Println(q.Take(2))
}
