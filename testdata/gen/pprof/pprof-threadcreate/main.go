// pprof-threadcreate: threadcreate profile. 8 goroutines lock their OS
// thread and block in a raw syscall (read on a pipe); each holds its
// thread, so the runtime has to start new Ms for the rest. Go 1.19's
// threadcreate profile records the stack of the thread-creating code
// (mostly runtime frames).
//
// Usage: pprof-threadcreate OUT.pb.gz
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"
)

func blockOnPipe(fd int, started *sync.WaitGroup, done *sync.WaitGroup) {
	defer done.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	started.Done()
	var b [1]byte
	syscall.Read(fd, b[:]) // blocks until main writes
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pprof-threadcreate OUT.pb.gz")
		os.Exit(2)
	}
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		panic(err)
	}
	var started, done sync.WaitGroup
	for i := 0; i < 8; i++ {
		started.Add(1)
		done.Add(1)
		go blockOnPipe(p[0], &started, &done)
	}
	started.Wait()
	time.Sleep(100 * time.Millisecond)
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("threadcreate").WriteTo(f, 0); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
	syscall.Write(p[1], make([]byte, 8))
	done.Wait()
	fmt.Fprintln(os.Stderr, "pprof-threadcreate: threads =", pprof.Lookup("threadcreate").Count())
}
