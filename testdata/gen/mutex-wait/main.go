// mutex-wait: Store.flush takes the store mutex and then waits for an ack that
// never comes, while still holding the lock. Every request goroutine then piles
// up in sync.(*Mutex).Lock (Go 1.19 state "semacquire").
package main

import (
	"fmt"
	"gomedic.test/gen/internal/dumpforms"
	"os"
	"runtime"
	"sync"
	"time"
)

type Store struct {
	mu      sync.Mutex
	data    map[string]string
	flushed chan struct{}
}

func (s *Store) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	<-s.flushed // BUG: waits for an ack while holding s.mu; nobody acks
}

func (s *Store) Get(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data[key]
}

type Server struct{ store *Store }

func (srv *Server) handleGet(key string) {
	v := srv.store.Get(key)
	_ = v
}

func waitGoroutines(n int) {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

func main() {
	st := &Store{data: map[string]string{"a": "1"}, flushed: make(chan struct{})}
	srv := &Server{store: st}
	go st.flush()
	time.Sleep(50 * time.Millisecond)
	for i := 0; i < 40; i++ {
		go srv.handleGet(fmt.Sprintf("key-%d", i))
	}
	waitGoroutines(42)
	if err := dumpforms.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
