// Package racetest is code under test for testdata/race/y_gotest*.log: some
// of its tests race (under -race they fail with "race detected during
// execution of test"), some do not.
package racetest

import (
	"strings"
	"sync"
	"time"
)

// Normalize is pure and safe.
func Normalize(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// Counter is meant to be guarded by mu but Incr forgets to lock.
type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Incr() { c.n++ }

func (c *Counter) SafeIncr() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *Counter) Value() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Cache memoises lookups; Get is unsafe for concurrent use, SafeGet is.
type Cache struct {
	mu   sync.Mutex
	data map[string]string
	load func(string) string
}

func NewCache(load func(string) string) *Cache {
	return &Cache{data: map[string]string{}, load: load}
}

func (c *Cache) Get(k string) string {
	if v, ok := c.data[k]; ok {
		return v
	}
	v := c.load(k)
	c.data[k] = v
	return v
}

func (c *Cache) SafeGet(k string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Get(k)
}

// Session has a background refresher that rewrites the token.
type Session struct {
	token   string
	stop    chan struct{}
	stopped chan struct{}
}

func NewSession(tok string) *Session {
	return &Session{token: tok, stop: make(chan struct{}), stopped: make(chan struct{})}
}

// StartRefresher rotates the token every interval until Close.
func (s *Session) StartRefresher(interval time.Duration) {
	go s.refreshLoop(interval)
}

func (s *Session) refreshLoop(interval time.Duration) {
	defer close(s.stopped)
	t := time.NewTicker(interval)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.rotate(n)
		}
	}
}

func (s *Session) rotate(n int) {
	s.token = "tok-" + strings.Repeat("x", n%4)
}

func (s *Session) Token() string { return s.token }

func (s *Session) Close() {
	close(s.stop)
	<-s.stopped
}

// Metrics is flushed by a background goroutine that nobody waits for.
type Metrics struct {
	pending []string
}

var global = &Metrics{}

func Record(ev string) { global.pending = append(global.pending, ev) }

// StartFlusher drains global.pending once after delay, then exits.
func StartFlusher(delay time.Duration) {
	go func() {
		time.Sleep(delay)
		global.pending = global.pending[:0]
	}()
}
