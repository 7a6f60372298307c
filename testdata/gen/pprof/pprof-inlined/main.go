// pprof-inlined: CPU profile (~1.5 s) where the hot code is inlined.
// main.mix and main.(*Hasher).step are small leaf functions the compiler
// inlines into main.(*Hasher).Sum (which is //go:noinline), and Sum is
// called from main.hashAll. Samples taken in the inlined code have
// locations with several Line entries: line[0] = main.mix (callee),
// then main.(*Hasher).step, last = main.(*Hasher).Sum (the function
// owning the PC). Check: go tool pprof -raw shows "main.mix ... main.(*Hasher).Sum"
// on one location, -top marks them "(inline)".
//
// Usage: pprof-inlined OUT.pb.gz
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"
)

func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

type Hasher struct{ h uint64 }

func (h *Hasher) step(b byte) {
	h.h = mix(h.h ^ uint64(b))
}

//go:noinline
func (h *Hasher) Sum(data []byte) uint64 {
	for _, b := range data {
		h.step(b)
	}
	return h.h
}

//go:noinline
func hashAll(data []byte, rounds int) uint64 {
	var acc uint64
	for r := 0; r < rounds; r++ {
		h := Hasher{h: uint64(r)}
		acc += h.Sum(data)
	}
	return acc
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pprof-inlined OUT.pb.gz")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	data := make([]byte, 64<<10)
	for i := range data {
		data[i] = byte(i)
	}
	var acc uint64
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); {
		acc += hashAll(data, 10)
	}
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		panic(err)
	}
	fmt.Fprintf(os.Stderr, "pprof-inlined: %x\n", acc)
}
