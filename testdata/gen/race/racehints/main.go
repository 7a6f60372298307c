// racehints: races whose fix an expert reads from the stacks.
//
// (a) fetchBoth starts two goroutines that both assign the err it captured: sibling
// closures writing one variable (give each its own result, or use errgroup).
// (b) loadAll starts one goroutine per source, each assigning the same captured
// err: the same closure racing with itself.
package main

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

func fetch(name string) (string, error) {
	time.Sleep(time.Millisecond)
	if name == "b" {
		return "", errors.New("b: unavailable")
	}
	return name + "-body", nil
}

func fetchBoth() error {
	var err error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, err = fetch("a") // BUG: both goroutines write err
	}()
	go func() {
		defer wg.Done()
		_, err = fetch("b")
	}()
	wg.Wait()
	return err
}

func loadAll(sources []string) error {
	var err error
	var wg sync.WaitGroup
	for _, s := range sources {
		wg.Add(1)
		go func(s string) {
			defer wg.Done()
			if _, e := fetch(s); e != nil {
				err = e // BUG: every goroutine writes the captured err
			}
		}(s)
	}
	wg.Wait()
	return err
}

func main() {
	fmt.Fprintln(os.Stderr, fetchBoth())
	fmt.Fprintln(os.Stderr, loadAll([]string{"b", "b", "b", "b"}))
}
