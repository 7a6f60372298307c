// target-cost measures what one `gomedic watch` sample costs the Go service it samples: it
// builds a service-like process (N goroutines parked on channel receives in 4 functions under
// 12 distinct stacks 11-14 frames deep, a 64 MB live heap allocated from 50 stacks) and writes
// each profile the way net/http/pprof and expvar serve it, in-process, -reps times (fewer if
// -budget runs out):
//
//	goroutine debug=1   pprof.Lookup("goroutine").WriteTo(w, 1)   every sample but every ~8th,
//	goroutine debug=0   pprof.Lookup("goroutine").WriteTo(w, 0)   which takes this instead
//	heap debug=0        pprof.Lookup("heap").WriteTo(w, 0)        every 2nd sample
//	expvar /debug/vars  expvar.Handler() into an httptest recorder  every 2nd sample
//	goroutine debug=2   pprof.Lookup("goroutine").WriteTo(w, 2)   once, on a trigger
//
// Per request it prints the median wall time, the process's CPU time (getrusage user+sys over
// all reps / reps, so GC work the request causes counts), the bytes written, and the pauses:
//
//   - STW: the stop-the-world pauses the runtime itself recorded, from the runtime/metrics
//     histogram /sched/pauses/total/other:seconds (Go >= 1.22; "n/a" before): pauses per
//     request, and the longest in a request (the upper bound of its histogram bucket).
//   - stall: measured from the outside, in a second pass. Another goroutine, on its own P,
//     reads the clock in a loop (a busy "ticker": time.Sleep(100µs) sleeps ~1 ms on Linux, too
//     coarse) and keeps the longest gap between two reads during the request, the longest a
//     running goroutine of the service was held up. A gap after which it runs on another
//     thread, or in which its thread made a voluntary context switch, is the Go runtime taking
//     it off the CPU (a stop-the-world, a preemption): "stall". A gap without either is the OS
//     running something else on that CPU (other processes, the hypervisor): "OS", shown so the
//     noise is visible. The control rows
//     use the same probe while the main goroutine spins on the CPU for 5 ms ("busy") or sleeps
//     20 ms ("idle"): stall there should be ~0, OS is this machine's noise.
//
// HTTP framing and the network are not included: only the work the handler does.
package main

import (
	"expvar"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Channels the parked goroutines wait on; nothing is ever sent.
var (
	jobs    = make(chan int)
	conns   = make(chan []byte)
	events  = make(chan struct{})
	done    = make(chan struct{})
	updates = make(chan string)
	sink    [][]byte
)

//go:noinline
func workerLoop() { <-jobs }

//go:noinline
func readLoop() { <-conns }

//go:noinline
func waitEvent() {
	select {
	case <-events:
	case <-done:
	}
}

//go:noinline
func subscriber() {
	for range updates {
	}
}

// descend adds d+1 frames between the goroutine's entry and where it parks.
//
//go:noinline
func descend(d int, park func()) {
	if d == 0 {
		park()
		return
	}
	descend(d-1, park)
}

// Five allocating functions, each called through 0..9 frames of itself: 50 heap stacks.
//
//go:noinline
func allocA(d, n int) []byte {
	if d == 0 {
		return make([]byte, n)
	}
	return allocA(d-1, n)
}

//go:noinline
func allocB(d, n int) []byte {
	if d == 0 {
		return make([]byte, n)
	}
	return allocB(d-1, n)
}

//go:noinline
func allocC(d, n int) []byte {
	if d == 0 {
		return make([]byte, n)
	}
	return allocC(d-1, n)
}

//go:noinline
func allocD(d, n int) []byte {
	if d == 0 {
		return make([]byte, n)
	}
	return allocD(d-1, n)
}

//go:noinline
func allocE(d, n int) []byte {
	if d == 0 {
		return make([]byte, n)
	}
	return allocE(d-1, n)
}

// counter is io.Discard that counts.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*counter)(nil)

type endpoint struct {
	name string
	run  func() int64 // returns the bytes written
}

func profile(name string, debug int) func() int64 {
	return func() int64 {
		var c counter
		if err := pprof.Lookup(name).WriteTo(&c, debug); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return c.n
	}
}

func expvarRequest() int64 {
	rec := httptest.NewRecorder()
	expvar.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/debug/vars", nil))
	return int64(rec.Body.Len())
}

func rusage(who int) syscall.Rusage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		panic(err)
	}
	return ru
}

func cpuTime() time.Duration {
	ru := rusage(syscall.RUSAGE_SELF)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const rusageThread = 1 // RUSAGE_THREAD (Linux)

// The runtime's own record of stop-the-world pauses, if this Go has it.
const stwMetric = "/sched/pauses/total/other:seconds"

var stwSample []metrics.Sample

func stwCounts() []uint64 {
	if stwSample == nil {
		return nil
	}
	metrics.Read(stwSample)
	return append([]uint64(nil), stwSample[0].Value.Float64Histogram().Counts...)
}

// stwDelta returns how many pauses were recorded between before and after and the upper
// bound of the bucket holding the longest.
func stwDelta(before, after []uint64) (n uint64, max time.Duration) {
	if stwSample == nil {
		return 0, 0
	}
	b := stwSample[0].Value.Float64Histogram().Buckets
	for i := range after {
		if d := after[i] - before[i]; d > 0 {
			n += d
			hi := b[i+1]
			if hi > 1e9 { // +Inf
				hi = b[i]
			}
			max = time.Duration(hi * 1e9)
		}
	}
	return n, max
}

// stall runs f while another goroutine reads the clock in a loop. It returns the longest gap
// between two reads in which the Go runtime took the probe off the CPU (it went on on another
// thread, or its thread made a voluntary context switch: parked by the runtime) and the longest
// in which it did not (the OS ran something else on that CPU).
func stall(f func()) (rt, osGap time.Duration) {
	var stop int32
	ready := make(chan struct{})
	res := make(chan [2]time.Duration)
	go func() {
		var maxRT, maxOS time.Duration
		tid, ru := syscall.Gettid(), rusage(rusageThread)
		last := time.Now()
		close(ready)
		for {
			stopped := atomic.LoadInt32(&stop) != 0
			now := time.Now()
			if g := now.Sub(last); g > 20*time.Microsecond {
				ntid, nru := syscall.Gettid(), rusage(rusageThread)
				if ntid != tid || nru.Nvcsw > ru.Nvcsw {
					if g > maxRT {
						maxRT = g
					}
				} else if g > maxOS {
					maxOS = g
				}
				tid, ru = ntid, nru
				now = time.Now()
			}
			last = now
			if stopped { // a stall that ends after f returns is counted too
				break
			}
		}
		res <- [2]time.Duration{maxRT, maxOS}
	}()
	<-ready
	f()
	atomic.StoreInt32(&stop, 1)
	r := <-res
	return r[0], r[1]
}

func stallPass(reps int, budget time.Duration, f func()) (rt, osGap []time.Duration) {
	t0 := time.Now()
	for i := 0; i < reps && (i < 3 || time.Since(t0) < budget); i++ {
		a, b := stall(f)
		rt, osGap = append(rt, a), append(osGap, b)
	}
	return rt, osGap
}

// spin keeps the CPU busy for d without calling into the runtime's scheduler.
func spin(d time.Duration) {
	x := uint64(1)
	for t := time.Now(); time.Since(t) < d; {
		for i := 0; i < 1000; i++ {
			x = x*6364136223846793005 + 1
		}
	}
	spinSink = x
}

var spinSink uint64

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func maxOf(d []time.Duration) time.Duration {
	var m time.Duration
	for _, x := range d {
		if x > m {
			m = x
		}
	}
	return m
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func medMax(d []time.Duration) string {
	return fmt.Sprintf("%8.3f/%8.3f", ms(median(d)), ms(maxOf(d)))
}

const row = "%-20s %5v %9s %10s %10v %7s %17s %17s %8s\n"

func main() {
	n := flag.Int("n", 10000, "parked goroutines")
	reps := flag.Int("reps", 20, "requests per endpoint (per pass)")
	budget := flag.Duration("budget", 10*time.Second, "stop a pass after this long once 3 requests are done")
	objects := flag.Int("objects", 4000, "live heap objects (16 KiB each, from 50 stacks)")
	flag.Parse()

	for _, d := range metrics.All() {
		if d.Name == stwMetric {
			stwSample = []metrics.Sample{{Name: stwMetric}}
		}
	}

	parks := []func(){workerLoop, readLoop, waitEvent, subscriber}
	var started sync.WaitGroup
	started.Add(*n)
	for i := 0; i < *n; i++ {
		park, depth := parks[i%4], 5+i/4%3
		go func() {
			started.Done()
			descend(depth, park)
		}()
	}
	started.Wait()

	allocs := []func(int, int) []byte{allocA, allocB, allocC, allocD, allocE}
	for i := 0; i < *objects; i++ {
		s := i % 50
		sink = append(sink, allocs[s%5](s/5, 16<<10))
	}
	time.Sleep(200 * time.Millisecond) // let every goroutine reach its receive
	runtime.GC()
	runtime.GC() // the heap profile shows the heap as of the last completed GC
	var m runtime.MemStats
	runtime.ReadMemStats(&m)

	endpoints := []endpoint{
		{"goroutine debug=1", profile("goroutine", 1)},
		{"goroutine debug=0", profile("goroutine", 0)},
		{"heap debug=0", profile("heap", 0)},
		{"expvar /debug/vars", expvarRequest},
		{"goroutine debug=2", profile("goroutine", 2)},
	}

	fmt.Printf("go version %s %s/%s, GOMAXPROCS=%d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Printf("N=%d parked goroutines (%d in all; 12 distinct stacks of 11-14 frames), live heap %.0f MB (%d objects from 50 stacks)\n",
		*n, runtime.NumGoroutine(), float64(m.HeapAlloc)/(1<<20), *objects)
	if stwSample != nil {
		fmt.Printf("STW: runtime/metrics %s: pauses per request; the longest in a request (bucket upper bound), median/max over the requests\n", stwMetric)
	} else {
		fmt.Printf("STW: n/a, this Go has no %s (Go >= 1.22); see stall\n", stwMetric)
	}
	fmt.Printf("stall: longest gap a clock-reading goroutine on another P saw when the runtime took it off the CPU, median/max over the requests (second pass)\n")
	fmt.Printf("OS: longest gap it saw that was the OS running something else on its CPU (noise, not caused by the runtime)\n")
	fmt.Printf(row, "endpoint", "reps", "wall ms", "CPU ms/req", "bytes", "STW/req", "STW ms med/max", "stall ms med/max", "OS ms")
	fmt.Printf(row, "", "", "(median)", "", "", "", "", "", "max")

	for _, e := range endpoints {
		e.run() // warm up: first-use allocations, symbolization caches
		runtime.GC()

		// Pass 1: wall, CPU, bytes, the runtime's STW record.
		var walls, stwMax []time.Duration
		var bytes int64
		var stwN uint64
		t0, c0 := time.Now(), cpuTime()
		for i := 0; i < *reps && (i < 3 || time.Since(t0) < *budget); i++ {
			before := stwCounts()
			s := time.Now()
			bytes = e.run()
			walls = append(walls, time.Since(s))
			k, mx := stwDelta(before, stwCounts())
			stwN += k
			stwMax = append(stwMax, mx)
		}
		cpu := (cpuTime() - c0) / time.Duration(len(walls))

		// Pass 2: the stall another goroutine sees.
		rt, osGap := stallPass(*reps, *budget, func() { e.run() })

		stw, stwm := "n/a", "n/a"
		if stwSample != nil {
			stw = fmt.Sprintf("%.1f", float64(stwN)/float64(len(walls)))
			stwm = medMax(stwMax)
		}
		fmt.Printf(row, e.name, len(walls), fmt.Sprintf("%.3f", ms(median(walls))), fmt.Sprintf("%.3f", ms(cpu)),
			bytes, stw, stwm, medMax(rt), fmt.Sprintf("%.3f", ms(maxOf(osGap))))
	}
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"busy 5 ms (control)", func() { spin(5 * time.Millisecond) }},
		{"idle 20 ms (control)", func() { time.Sleep(20 * time.Millisecond) }},
	} {
		rt, osGap := stallPass(*reps, *budget, c.f)
		fmt.Printf(row, c.name, len(rt), "-", "-", "-", "-", "-", medMax(rt), fmt.Sprintf("%.3f", ms(maxOf(osGap))))
	}
}
