// gen-targets serves net/http/pprof on N loopback ports from one process, for bench/watch.sh:
// one `gomedic watch` polling many services. Each port is a listener of the same server (so
// every target answers with this process's real goroutine and heap profiles); a few hundred
// goroutines and a steady allocation rate make the profiles look like a service's. It writes
// the targets, one URL a line, to -targets and exits after -for.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"sync"
	"time"
)

var sink [][]byte

func main() {
	n := flag.Int("n", 1000, "ports to serve")
	targets := flag.String("targets", "targets.txt", "where to write the target list")
	stop := flag.Duration("for", 2*time.Minute, "exit after this long")
	flag.Parse()
	time.AfterFunc(*stop, func() { os.Exit(0) })
	f, err := os.Create(*targets)
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < *n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(f, "t%04d=http://%s\n", i, ln.Addr())
		go http.Serve(ln, nil)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	// a service's background: workers parked on channels, a cache that churns
	var mu sync.Mutex
	for i := 0; i < 200; i++ {
		ch := make(chan int)
		go func() { <-ch }()
	}
	go func() {
		for {
			mu.Lock()
			sink = append(sink, make([]byte, 1024))
			if len(sink) > 4096 {
				sink = sink[:0]
			}
			mu.Unlock()
			time.Sleep(time.Millisecond)
		}
	}()
	fmt.Printf("serving %d targets\n", *n)
	select {}
}
