// Command racerepeat hits the same racing pair of source locations many times
// (fresh objects each round, so fresh addresses, and one long-lived object),
// plus the same pair reached through a second call path. It shows how the
// race runtime suppresses repeated reports within one process; regen.sh runs
// it three times into one log (testdata/race/y_repeat.log), as a CI log of
// several test binaries would contain.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

type Gauge struct {
	value int
}

func (g *Gauge) Set(v int) { g.value = v }

func (g *Gauge) Get() int { return g.value }

type Sampler struct {
	g *Gauge
}

// sample: goroutine writes, caller reads, no synchronisation between them
// except the final wg.Wait (after the read).
func (s *Sampler) sample(round int) int {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.g.Set(round)
	}()
	v := s.g.Get()
	wg.Wait()
	return v
}

// viaOtherPath reaches the same two racing lines (Set/Get) from a different
// caller, so the full stacks differ while the top frames are identical.
func viaOtherPath(g *Gauge, round int) int {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		g.Set(-round)
	}()
	v := g.Get()
	wg.Wait()
	return v
}

func main() {
	rounds := 200
	if len(os.Args) > 1 {
		rounds, _ = strconv.Atoi(os.Args[1])
	}
	shared := &Sampler{g: &Gauge{}}
	sum := 0
	for r := 0; r < rounds; r++ {
		fresh := &Sampler{g: &Gauge{}} // new address every round
		sum += fresh.sample(r)
		sum += shared.sample(r) // same address every round
	}
	for r := 0; r < rounds; r++ {
		sum += viaOtherPath(&Gauge{}, r)
	}
	fmt.Printf("rounds=%d sum=%d\n", rounds, sum)
}
