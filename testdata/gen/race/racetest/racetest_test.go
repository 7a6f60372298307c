package racetest

import (
	"sync"
	"testing"
	"time"
)

// TestA: no race.
func TestA(t *testing.T) {
	if got := Normalize("  Hello "); got != "hello" {
		t.Fatalf("Normalize = %q", got)
	}
}

// TestB: unsynchronised counter incremented from worker goroutines.
func TestB(t *testing.T) {
	c := &Counter{}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.Incr()
			}
		}()
	}
	wg.Wait()
	t.Logf("count=%d", c.n)
}

// TestC: table of subtests; only the "unsafe" one races.
func TestC(t *testing.T) {
	load := func(k string) string { return "v:" + k }
	t.Run("safe", func(t *testing.T) {
		c := NewCache(load)
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); c.SafeGet("k") }()
		}
		wg.Wait()
	})
	t.Run("unsafe", func(t *testing.T) {
		c := NewCache(load)
		var wg sync.WaitGroup
		for _, k := range []string{"a", "b"} {
			wg.Add(1)
			go func(k string) { defer wg.Done(); c.Get(k) }(k)
		}
		time.Sleep(10 * time.Millisecond)
		c.Get("a")
		wg.Wait()
	})
	t.Run("normalize", func(t *testing.T) {
		if Normalize("X") != "x" {
			t.Fail()
		}
	})
}

// TestD: the race is between the test goroutine and a helper goroutine
// (the session refresher) that the code under test starts.
func TestD(t *testing.T) {
	s := NewSession("tok-0")
	s.StartRefresher(2 * time.Millisecond)
	defer s.Close()
	deadline := time.Now().Add(30 * time.Millisecond)
	for time.Now().Before(deadline) {
		if s.Token() == "" {
			t.Fatal("empty token")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestE: correct locking, no race.
func TestE(t *testing.T) {
	c := &Counter{}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SafeIncr()
		}()
	}
	wg.Wait()
	if c.Value() != 8 {
		t.Fatalf("Value = %d", c.Value())
	}
}

// TestF starts a flusher goroutine and returns without waiting for it; it
// passes. The flusher fires while TestG runs, so the race between
// TestF's goroutine and TestG's Record call is blamed on TestG.
func TestF(t *testing.T) {
	Record("f-start")
	StartFlusher(20 * time.Millisecond)
}

func TestG(t *testing.T) {
	time.Sleep(40 * time.Millisecond)
	Record("g")
}
