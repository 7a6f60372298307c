// map-only-grows: the session store adds an entry per login and never removes one.
package main

import (
	"fmt"
	"sync"
)

type SessionStore struct {
	mu       sync.Mutex
	sessions map[string][]byte
}

func (s *SessionStore) Add(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[id] = make([]byte, 1024) // want: heap-growth
}

func main() {
	s := &SessionStore{sessions: map[string][]byte{}}
	for i := 0; i < 3; i++ {
		s.Add(fmt.Sprint(i))
	}
	fmt.Println(len(s.sessions))
}
