// Package app contains the fake "application" whose goroutines end up in the
// benchmark dumps: services, caches, queues, middleware chains and the
// primitives they block on. Everything here is real code that really blocks;
// nothing is faked in the text of the dump.
package app

import (
	"sync"
	"time"
)

// Leaf is the operation a goroutine finally blocks in.
type Leaf int

const (
	LeafChanRecv      Leaf = iota // [chan receive]
	LeafChanSend                  // [chan send]
	LeafSelect                    // [select]
	LeafSelectNoCases             // [select (no cases)]
	LeafNilChanRecv               // [chan receive (nil chan)]
	LeafNilChanSend               // [chan send (nil chan)]
	LeafMutex                     // [semacquire] via sync.Mutex.Lock
	LeafRWMutex                   // [semacquire] via sync.RWMutex.RLock
	LeafWaitGroup                 // [semacquire] via sync.WaitGroup.Wait
	LeafCond                      // [sync.Cond.Wait]
	LeafSleep                     // [sleep]
	LeafGenericPool               // [chan receive] through a generic type
	NumLeaves
)

var leafNames = [...]string{"chan-recv", "chan-send", "select", "select-no-cases",
	"nil-chan-recv", "nil-chan-send", "mutex", "rwmutex", "waitgroup", "cond",
	"sleep", "generic-pool"}

func (l Leaf) String() string { return leafNames[l] }

// Job is what queues carry.
type Job struct {
	ID      int
	Payload []byte
}

// Message is what brokers publish.
type Message struct {
	Topic string
	Key   int
	Body  []byte
}

// Queue: consumers block in Pop on a channel nobody sends to.
type Queue struct {
	name string
	ch   chan *Job
	env  *Env
}

//go:noinline
func (q *Queue) Pop(c *Ctx, timeoutMs int) *Job {
	q.env.Ready.Done()
	j := <-q.ch
	sinkI += timeoutMs
	keep(q, c)
	return j
}

// Broker: publishers block sending on an unbuffered channel nobody reads.
type Broker struct {
	topic string
	out   chan Message
	env   *Env
}

//go:noinline
func (b *Broker) Publish(c *Ctx, key int, body []byte) {
	b.env.Ready.Done()
	b.out <- Message{Topic: b.topic, Key: key, Body: body}
	sinkI += key
	keep(b, c, body)
}

// Scheduler: waits in a multi-case select.
type Scheduler struct {
	wake   chan struct{}
	stop   chan struct{}
	ticks  chan int
	events chan Message
	env    *Env
}

//go:noinline
func (s *Scheduler) waitEvent(c *Ctx, slot int) (int, bool) {
	s.env.Ready.Done()
	select {
	case <-s.wake:
		sinkI += slot
		keep(s, c)
		return 0, true
	case <-s.stop:
		return 0, false
	case s.ticks <- slot:
		return slot, true
	case m := <-s.events:
		return m.Key, true
	}
}

// Daemon parks forever in an empty select.
type Daemon struct {
	name string
	env  *Env
}

//go:noinline
func (d *Daemon) Park(c *Ctx) {
	d.env.Ready.Done()
	keep(d, c) // spills d and c across Done so the dump shows them
	select {}
}

// Stream has a nil channel (a classic bug: never initialised).
type Stream struct {
	id  int
	in  chan []byte // nil
	out chan []byte // nil
	env *Env
}

//go:noinline
func (s *Stream) Recv(c *Ctx) []byte {
	s.env.Ready.Done()
	p := <-s.in
	keep(s, c)
	return p
}

//go:noinline
func (s *Stream) Send(c *Ctx, p []byte) {
	s.env.Ready.Done()
	s.out <- p
	keep(s, c, p)
}

// Cache: its mutex is held forever by refreshLoop, so Get blocks.
type Cache struct {
	mu      sync.Mutex
	data    map[string][]byte
	refresh chan struct{}
	env     *Env
}

//go:noinline
func (cc *Cache) Get(c *Ctx, key string, shard int) []byte {
	cc.env.Ready.Done()
	cc.mu.Lock()
	defer cc.mu.Unlock()
	sinkI += shard
	keep(cc, c, key)
	return cc.data[key]
}

// refreshLoop takes the lock and then waits forever while holding it.
//
//go:noinline
func (cc *Cache) refreshLoop(locked chan<- struct{}) {
	cc.mu.Lock()
	locked <- struct{}{}
	<-cc.refresh // never signalled: deadlock with Get
	cc.mu.Unlock()
}

// Registry: write lock held forever by rebuild, readers block in RLock.
type Registry struct {
	mu      sync.RWMutex
	entries map[string]int
	env     *Env
}

//go:noinline
func (r *Registry) Lookup(c *Ctx, name string) (int, bool) {
	r.env.Ready.Done()
	r.mu.RLock()
	defer r.mu.RUnlock()
	keep(r, c, name)
	v, ok := r.entries[name]
	return v, ok
}

//go:noinline
func (r *Registry) rebuild(locked chan<- struct{}, d time.Duration) {
	r.mu.Lock()
	locked <- struct{}{}
	time.Sleep(d) // "slow rebuild" holding the write lock
	r.mu.Unlock()
}

// Batch: waiters block on a WaitGroup that never reaches zero.
type Batch struct {
	wg   sync.WaitGroup
	size int
	env  *Env
}

//go:noinline
func (b *Batch) Wait(c *Ctx, seq int) {
	b.env.Ready.Done()
	b.wg.Wait()
	sinkI += seq
	keep(b, c)
}

// Ring: readers block in sync.Cond.Wait.
type Ring struct {
	mu    sync.Mutex
	cond  *sync.Cond
	buf   [][]byte
	avail int
	env   *Env
}

//go:noinline
func (r *Ring) Read(c *Ctx, max int) []byte {
	r.mu.Lock()
	r.env.Ready.Done()
	for r.avail == 0 {
		r.cond.Wait()
	}
	r.avail--
	sinkI += max
	keep(r, c)
	p := r.buf[0]
	r.mu.Unlock()
	return p
}

// Backoff sleeps for a long time.
type Backoff struct {
	base time.Duration
	env  *Env
}

//go:noinline
func (b *Backoff) Sleep(c *Ctx, attempt int) {
	b.env.Ready.Done()
	time.Sleep(b.base + time.Duration(attempt)*time.Second)
	sinkI += attempt
	keep(b, c)
}

// Pool is generic so that dumps contain "(*Pool[...]).Get" frames.
type Pool[T any] struct {
	items chan T
	env   *Env
}

//go:noinline
func (p *Pool[T]) Get(c *Ctx) T {
	p.env.Ready.Done()
	v := <-p.items
	keep(p, c)
	return v
}

// Conn is a pooled "database connection".
type Conn struct {
	id   int
	addr string
}

// Sinks that keep arguments live across the blocking call, so the compiler
// spills them to the stack and the traceback prints real (varying) values
// instead of "0x0?".
var (
	sinkP interface{}
	sinkI int
)

//go:noinline
func keep(v ...interface{}) {
	sinkP = v
}
