// badtarget serves /debug/pprof/* the way broken or hostile services do, for tests/watch:
//
//	-mode hang     accept, read the request, never answer
//	-mode status   answer every request with 500
//	-mode garbage  answer 200 with bytes that are no profile
//	-mode huge     answer 200 with an endless body (10 GB announced, streamed until the client
//	               hangs up)
//	-mode flaky    real pprof, but every third request fails with 503
//
// It exits by itself after -for.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	mode := flag.String("mode", "status", "hang, status, garbage, huge or flaky")
	stop := flag.Duration("for", time.Minute, "exit after this long")
	flag.Parse()
	time.AfterFunc(*stop, func() { os.Exit(0) })
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", ln.Addr())
	var n int64
	h := func(w http.ResponseWriter, r *http.Request) {
		switch *mode {
		case "hang":
			<-r.Context().Done()
		case "status":
			http.Error(w, "internal error", http.StatusInternalServerError)
		case "garbage":
			w.Write([]byte("<html><body>this is not a profile</body></html>\n"))
		case "huge":
			w.Header().Set("Content-Length", "10737418240")
			chunk := make([]byte, 1<<20)
			for i := range chunk {
				chunk[i] = 'x'
			}
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case "flaky":
			if atomic.AddInt64(&n, 1)%3 == 0 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			pprof.Index(w, r)
		default:
			http.Error(w, "bad mode", http.StatusBadRequest)
		}
	}
	log.Fatal(http.Serve(ln, http.HandlerFunc(h)))
}
