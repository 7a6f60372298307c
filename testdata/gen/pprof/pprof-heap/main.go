// pprof-heap builds a small heap with several allocation sites (some data
// retained, some garbage) and writes, at one moment:
//
//	OUT/y_heap_legacy.txt   pprof.Lookup("heap").WriteTo(w, 1)    (legacy text + # runtime.MemStats)
//	OUT/y_heap.pb.gz        pprof.Lookup("heap").WriteTo(w, 0)    (gzipped proto)
//	OUT/y_allocs.pb.gz      pprof.Lookup("allocs").WriteTo(w, 0)  (default_sample_type alloc_space)
//
// Usage: pprof-heap OUTDIR
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
)

var sink []byte

// primeSampler: see pprof-heapseries (makes MemProfileRate effective on every P).
func primeSampler() {
	var wg sync.WaitGroup
	for g := 0; g < 4*runtime.GOMAXPROCS(0); g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1024; i++ {
				sink = make([]byte, 1024)
			}
		}()
	}
	wg.Wait()
	sink = nil
}

type User struct {
	ID    int
	Name  string
	Email string
	Tags  []string
}

type Store struct {
	users map[int]*User
	blobs [][]byte
}

// loadUsers: retained, many small objects (User, strings, tag slices).
//
//go:noinline
func (s *Store) loadUsers(n int) {
	for i := 0; i < n; i++ {
		u := &User{ID: i, Name: fmt.Sprintf("user-%05d", i), Email: fmt.Sprintf("u%d@example.com", i)}
		u.Tags = make([]string, 0, 4)
		u.Tags = append(u.Tags, "a", "b")
		s.users[i] = u
	}
}

// loadBlobs: retained, few large objects.
//
//go:noinline
func (s *Store) loadBlobs(n, size int) {
	for i := 0; i < n; i++ {
		s.blobs = append(s.blobs, make([]byte, size))
	}
}

// renderPage: garbage only (alloc_* > 0, inuse_* = 0).
//
//go:noinline
func renderPage(u *User) string {
	var b strings.Builder
	for i := 0; i < 20; i++ {
		b.WriteString(u.Name)
		b.WriteString(" <")
		b.WriteString(u.Email)
		b.WriteString(">\n")
	}
	return b.String()
}

// decodeRequest: garbage, medium objects.
//
//go:noinline
func decodeRequest(i int) []byte {
	buf := make([]byte, 8192)
	buf[0] = byte(i)
	return buf
}

func main() {
	runtime.MemProfileRate = 4096
	primeSampler()
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pprof-heap OUTDIR")
		os.Exit(2)
	}
	out := os.Args[1]
	s := &Store{users: make(map[int]*User)}
	s.loadUsers(3000)
	s.loadBlobs(16, 32<<10)
	total := 0
	for r := 0; r < 2000; r++ {
		total += len(renderPage(s.users[r%3000]))
		sink = decodeRequest(r)
	}
	sink = nil
	runtime.GC()
	runtime.GC()
	write := func(name, profile string, debug int) {
		f, err := os.Create(filepath.Join(out, name))
		if err != nil {
			panic(err)
		}
		if err := pprof.Lookup(profile).WriteTo(f, debug); err != nil {
			panic(err)
		}
		if err := f.Close(); err != nil {
			panic(err)
		}
	}
	// Legacy text first: every write allocates (gzip, buffers) and the
	// buckets of those allocations are listed with all-zero values until
	// the next GC, so the later profiles contain a few all-zero samples.
	write("y_heap_legacy.txt", "heap", 1)
	write("y_heap.pb.gz", "heap", 0)
	write("y_allocs.pb.gz", "allocs", 0)
	fmt.Fprintf(os.Stderr, "pprof-heap: %d users, %d blobs, rendered %d bytes\n", len(s.users), len(s.blobs), total)
	runtime.KeepAlive(s)
}
