package app

import (
	"fmt"
	"sync"
	"time"
)

// Env holds the shared objects goroutines block on. Several instances of each
// kind exist so receivers (pointer arguments) differ between groups.
type Env struct {
	// Ready is Done()'d by every goroutine right before it blocks.
	Ready sync.WaitGroup

	Queues     []*Queue
	Brokers    []*Broker
	Schedulers []*Scheduler
	Daemons    []*Daemon
	Streams    []*Stream
	Caches     []*Cache
	Registries []*Registry
	Batches    []*Batch
	Rings      []*Ring
	Backoffs   []*Backoff
	Pools      []*Pool[*Conn]
}

const instances = 3

// NewEnv builds the shared objects and starts the lock holders (which are
// themselves blocked goroutines in the dump: the "culprits").
func NewEnv() *Env {
	e := &Env{}
	locked := make(chan struct{})
	for i := 0; i < instances; i++ {
		e.Queues = append(e.Queues, &Queue{name: fmt.Sprintf("jobs-%d", i), ch: make(chan *Job), env: e})
		e.Brokers = append(e.Brokers, &Broker{topic: fmt.Sprintf("events.%d", i), out: make(chan Message), env: e})
		e.Schedulers = append(e.Schedulers, &Scheduler{wake: make(chan struct{}), stop: make(chan struct{}),
			ticks: make(chan int), events: make(chan Message, 1), env: e})
		e.Daemons = append(e.Daemons, &Daemon{name: fmt.Sprintf("daemon-%d", i), env: e})
		e.Streams = append(e.Streams, &Stream{id: i, env: e})
		c := &Cache{data: map[string][]byte{}, refresh: make(chan struct{}), env: e}
		e.Caches = append(e.Caches, c)
		go c.refreshLoop(locked)
		<-locked
		r := &Registry{entries: map[string]int{}, env: e}
		e.Registries = append(e.Registries, r)
		go r.rebuild(locked, 1000*time.Hour)
		<-locked
		b := &Batch{size: 10 + i, env: e}
		b.wg.Add(1)
		e.Batches = append(e.Batches, b)
		rg := &Ring{env: e}
		rg.cond = sync.NewCond(&rg.mu)
		e.Rings = append(e.Rings, rg)
		e.Backoffs = append(e.Backoffs, &Backoff{base: time.Duration(i+1) * time.Hour, env: e})
		e.Pools = append(e.Pools, &Pool[*Conn]{items: make(chan *Conn), env: e})
	}
	return e
}
