// names: prints, for each function and closure below, the line that calls here() and
// the name Go's runtime gives the function it is in: names.go1.N.txt for Go 1.N
// (tests/lint/run.sh writes it again with each Go and compares), which the unit tests
// compare with the names gomedic lint gives (gm_go_funcname).
package main

import (
	"fmt"
	"runtime"
	"sort"
)

var seen = map[int]string{}

func here() {
	pc := make([]uintptr, 1)
	runtime.Callers(2, pc)
	f, _ := runtime.CallersFrames(pc).Next()
	seen[f.Line] = f.Function
}

type Server struct{ n int }
type Value struct{ n int }
type Set[T comparable] struct{ m map[T]bool }

func (s *Server) Run() {
	here()
	func() {
		defer func() {}() // a defer: not inlined (an inlined closure is renamed)
		here()
		func() {
			defer func() {}()
			here()
		}()
	}()
	go2 := func() { here() }
	go2()
}

func (v Value) Get() int {
	here()
	return v.n
}

func (s *Set[T]) Add(x T) {
	here()
	s.m[x] = true
}

func Map[T any](xs []T, f func(T) T) []T {
	here()
	for i := range xs {
		xs[i] = f(xs[i])
	}
	return xs
}

var hook = func() { here() }

func plain() {
	first := func() { here() }
	second := func() { here() }
	first()
	second()
}

func main() {
	here()
	(&Server{}).Run()
	Value{}.Get()
	(&Set[int]{m: map[int]bool{}}).Add(1)
	Map([]int{1}, func(x int) int { here(); return x })
	hook()
	plain()
	lines := make([]int, 0, len(seen))
	for l := range seen {
		lines = append(lines, l)
	}
	sort.Ints(lines)
	for _, l := range lines {
		fmt.Println(l, seen[l])
	}
}
