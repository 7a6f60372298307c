// minutes: job runners wait on a result channel that is never written. The
// program runs two GCs once they are parked (the runtime records a goroutine's
// wait start during GC) and then sleeps 65 s, so the dump headers read
// "[chan receive, 1 minutes]". A few younger waiters started just before the
// dump show no age.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

type Job struct {
	ID     int
	result chan error
}

type JobRunner struct{}

func (r *JobRunner) awaitResult(j *Job) error {
	return <-j.result // BUG: the executor dropped the job; nobody sends
}

func (r *JobRunner) Run(j *Job) {
	if err := r.awaitResult(j); err != nil {
		fmt.Fprintln(os.Stderr, "job", j.ID, err)
	}
}

func (r *JobRunner) submit(id int) {
	go r.Run(&Job{ID: id, result: make(chan error)})
}

func main() {
	r := &JobRunner{}
	for i := 0; i < 20; i++ {
		r.submit(i)
	}
	time.Sleep(200 * time.Millisecond)
	// The runtime stamps gp.waitsince during GC stack scanning, using the start
	// time of the previous GC (zero before the first one), so two GCs are needed.
	runtime.GC()
	runtime.GC()
	time.Sleep(63 * time.Second)
	for i := 100; i < 105; i++ {
		r.submit(i)
	}
	time.Sleep(2 * time.Second)
	if err := pprof.Lookup("goroutine").WriteTo(os.Stdout, 2); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
