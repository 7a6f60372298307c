// map-only-grows, fixed: a session is removed when it ends.
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
	s.sessions[id] = make([]byte, 1024)
}

func (s *SessionStore) End(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, id)
}

func main() {
	s := &SessionStore{sessions: map[string][]byte{}}
	for i := 0; i < 3; i++ {
		s.Add(fmt.Sprint(i))
		s.End(fmt.Sprint(i))
	}
	fmt.Println(len(s.sessions))
}
