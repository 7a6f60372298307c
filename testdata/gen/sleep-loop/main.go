// sleep-loop: each "request" spawns one status poller per job, each looping
// `for { time.Sleep(...); poll() }` with no exit condition (state "sleep").
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"time"
)

type StatusPoller struct {
	interval time.Duration
	checks   int
}

func (p *StatusPoller) check(jobID string) bool {
	p.checks++
	return false
}

func (p *StatusPoller) poll(jobID string) {
	for {
		time.Sleep(p.interval)
		if p.check(jobID) {
			continue // BUG: never breaks out, even when done
		}
	}
}

type JobAPI struct{}

func (api *JobAPI) handleSubmit(req int, jobs int) {
	for j := 0; j < jobs; j++ {
		p := &StatusPoller{interval: 10 * time.Second}
		go p.poll(fmt.Sprintf("req%d-job%d", req, j))
	}
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	api := &JobAPI{}
	api.handleSubmit(1, 25)
	api.handleSubmit(2, 25)
	waitGoroutines(51)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
