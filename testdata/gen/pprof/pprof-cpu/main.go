// pprof-cpu: CPU profile (~2 s) of a busy program with several hot
// functions on 2 worker goroutines. Part of the work runs under pprof.Do
// labels (handler=checkout / handler=search, plus tenant=...), the
// background compaction work is unlabeled.
//
// Usage: pprof-cpu OUT.pb.gz
package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"
)

var sinkInt int

//go:noinline
func hashPayload(n int) {
	buf := make([]byte, 4096)
	for i := range buf {
		buf[i] = byte(i * n)
	}
	for i := 0; i < 8; i++ {
		sum := sha256.Sum256(buf)
		buf[0] = sum[0]
	}
	sinkInt += int(buf[0])
}

//go:noinline
func sortRecords(n int) {
	xs := make([]int, 400)
	seed := uint32(n)
	for i := range xs {
		seed = seed*1664525 + 1013904223
		xs[i] = int(seed >> 8)
	}
	insertionSort(xs)
	sinkInt += xs[0]
}

//go:noinline
func insertionSort(xs []int) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

//go:noinline
func formatReport(n int) {
	var b strings.Builder
	for i := 0; i < 300; i++ {
		b.WriteString(strconv.Itoa(i * n))
		b.WriteByte(',')
	}
	sinkInt += len(strings.Split(b.String(), ","))
}

//go:noinline
func spinPrimes(limit int) {
	count := 0
	for n := 2; n < limit; n++ {
		prime := true
		for d := 2; d*d <= n; d++ {
			if n%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			count++
		}
	}
	sinkInt += count
}

func handleCheckout(ctx context.Context, i int) {
	hashPayload(i)
	formatReport(i)
}

func handleSearch(ctx context.Context, i int) {
	sortRecords(i)
	formatReport(i)
}

func compact(i int) {
	spinPrimes(6000)
}

func worker(id int, deadline time.Time, wg *sync.WaitGroup) {
	defer wg.Done()
	ctx := context.Background()
	for i := 0; time.Now().Before(deadline); i++ {
		switch i % 3 {
		case 0:
			pprof.Do(ctx, pprof.Labels("handler", "checkout", "tenant", "t"+strconv.Itoa(id)), func(ctx context.Context) {
				handleCheckout(ctx, i)
			})
		case 1:
			pprof.Do(ctx, pprof.Labels("handler", "search"), func(ctx context.Context) {
				handleSearch(ctx, i)
			})
		default:
			compact(i) // unlabeled
		}
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pprof-cpu OUT.pb.gz")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go worker(w, deadline, &wg)
	}
	wg.Wait()
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		panic(err)
	}
	fmt.Fprintln(os.Stderr, "pprof-cpu: done", sinkInt != 0)
}
