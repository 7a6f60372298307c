// Command gen starts N real goroutines parked in a variety of realistic
// stacks and wait states, then writes runtime.Stack(buf, true) of all of them
// to a file. It is the input generator for the gomedic benchmarks.
//
//	go run . -n 100000 -o /tmp/dump-1e5.txt
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"time"

	"gomedic.bench/gen/internal/app"
)

func main() {
	n := flag.Int("n", 10000, "total number of goroutines (approximately; runtime goroutines are extra)")
	out := flag.String("o", "goroutines.txt", "output file")
	nspecs := flag.Int("specs", 40, "number of distinct stack families")
	conns := flag.Int("conns", -1, "loopback TCP connections (2 IO-wait goroutines each); -1 = min(n/100, 200)")
	nsys := flag.Int("syscall", 2, "goroutines blocked in a raw read(2) syscall (one OS thread each)")
	busy := flag.Int("busy", 2, "CPU-spinning goroutines (runnable/running)")
	seed := flag.Int64("seed", 1, "seed for the stack family layout")
	settle := flag.Duration("settle", 200*time.Millisecond, "extra wait after all goroutines reported ready (>= 1m0s adds \", N minutes\" to headers)")
	verbose := flag.Bool("v", false, "print the stack families")
	flag.Parse()

	t0 := time.Now()
	// Fewer, bigger GCs while creating millions of goroutines.
	debug.SetGCPercent(400)

	if *conns < 0 {
		*conns = *n / 100
		if *conns > 200 {
			*conns = 200
		}
	}

	env := app.NewEnv()
	specs := app.MakeSpecs(env, *nspecs, *seed)

	fixed := 2*3 /* lock holders */ + 2**conns + 1 + *nsys + *busy + 1 /* main */
	rest := *n - fixed
	if rest < len(specs) {
		rest = len(specs)
	}
	totalW := 0
	for _, s := range specs {
		totalW += s.Weight
	}
	counts := make([]int, len(specs))
	assigned := 0
	for i, s := range specs {
		counts[i] = rest * s.Weight / totalW
		if counts[i] == 0 {
			counts[i] = 1
		}
		assigned += counts[i]
	}
	counts[0] += rest - assigned // rounding remainder
	if counts[0] < 1 {
		counts[0] = 1
	}
	if *verbose {
		for i, s := range specs {
			fmt.Fprintf(os.Stderr, "spec %2d: %6d goroutines  %s\n", i, counts[i], s)
		}
	}

	if _, err := app.StartTCP(env, *conns); err != nil {
		fatal("tcp: %v (fd limit? ulimit -n is the usual culprit)", err)
	}
	if err := app.StartSyscall(env, *nsys); err != nil {
		fatal("syscall: %v", err)
	}

	// Interleave the families so goroutine IDs of one family are not contiguous.
	env.Ready.Add(rest0(counts))
	left := append([]int(nil), counts...)
	idx := make([]int, len(specs))
	for remaining := rest0(counts); remaining > 0; {
		for i, s := range specs {
			k := left[i]
			if k == 0 {
				continue
			}
			// Spawn in small bursts proportional to the family size.
			burst := 1 + counts[i]/1000
			if burst > k {
				burst = k
			}
			for j := 0; j < burst; j++ {
				s.Spawn(env, idx[i])
				idx[i]++
			}
			left[i] -= burst
			remaining -= burst
		}
	}
	tSpawn := time.Since(t0)
	env.Ready.Wait()
	// A GC stamps gp.waitsince on every blocked goroutine, so with
	// -settle >= 1m the headers carry ", N minutes" like long-lived servers.
	runtime.GC()
	app.StartBusy(*busy)
	time.Sleep(*settle)
	tReady := time.Since(t0)

	var buf []byte
	var dump []byte
	ng := runtime.NumGoroutine()
	size := ng*1600 + 1<<20
	var tDump time.Duration
	for attempt := 0; ; attempt++ {
		if len(buf) < size {
			buf = nil
			runtime.GC()
			buf = make([]byte, size)
		}
		td := time.Now()
		m := runtime.Stack(buf, true)
		tDump = time.Since(td)
		if m == len(buf) { // truncated: grow and retry
			size *= 2
			continue
		}
		dump = buf[:m]
		states, notParked := histogram(dump, *busy)
		if notParked > 0 && attempt < 10 {
			fmt.Fprintf(os.Stderr, "gen: %d goroutines not parked yet, retrying\n", notParked)
			time.Sleep(time.Duration(attempt+1) * *settle)
			continue
		}
		printHistogram(states)
		break
	}
	tw := time.Now()
	if err := os.WriteFile(*out, dump, 0o644); err != nil {
		fatal("write: %v", err)
	}
	tWrite := time.Since(tw)
	fmt.Fprintf(os.Stderr, "gen: n=%d goroutines=%d families=%d conns=%d bytes=%d (%.1f MB, %.0f B/goroutine) spawn=%.2fs ready=%.2fs stack-dump=%.2fs write=%.2fs total=%.2fs -> %s\n",
		*n, ng, len(specs), *conns, len(dump), float64(len(dump))/1e6, float64(len(dump))/float64(ng),
		tSpawn.Seconds(), tReady.Seconds(), tDump.Seconds(), tWrite.Seconds(), time.Since(t0).Seconds(), *out)
}

func rest0(c []int) int {
	t := 0
	for _, v := range c {
		t += v
	}
	return t
}

// histogram counts goroutine states and how many goroutines that should be
// parked are still running (beyond the spinners and the dumping goroutine).
func histogram(dump []byte, busy int) (map[string]int, int) {
	states := map[string]int{}
	prefix := []byte("goroutine ")
	for off := 0; off < len(dump); {
		nl := bytes.IndexByte(dump[off:], '\n')
		if nl < 0 {
			nl = len(dump) - off
		}
		line := dump[off : off+nl]
		off += nl + 1
		if !bytes.HasPrefix(line, prefix) {
			continue
		}
		i := bytes.IndexByte(line, '[')
		if i < 0 {
			continue
		}
		st := line[i+1:]
		if j := bytes.IndexAny(st, ",]"); j >= 0 {
			st = st[:j]
		}
		states[string(st)]++
	}
	active := states["running"] + states["runnable"]
	extra := active - busy - 1
	if extra < 0 {
		extra = 0
	}
	return states, extra
}

func printHistogram(states map[string]int) {
	type kv struct {
		k string
		v int
	}
	var l []kv
	for k, v := range states {
		l = append(l, kv{k, v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v })
	for _, e := range l {
		fmt.Fprintf(os.Stderr, "gen: %8d  [%s]\n", e.v, e.k)
	}
}

func fatal(f string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "gen: "+f+"\n", a...)
	os.Exit(1)
}
