// early-return: the collector returns at the first error; the workers not yet
// read block forever on their send.
package main

import (
	"errors"
	"fmt"
)

func check(n int) error {
	if n%3 == 0 {
		return errors.New("bad item")
	}
	return nil
}

func checkAll(items []int) error {
	errs := make(chan error)
	for _, it := range items {
		go func(it int) {
			errs <- check(it) // want: chan-send-blocked
		}(it)
	}
	for range items {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

func main() {
	fmt.Println(checkAll([]int{1, 2, 3, 4, 5, 6}))
}
