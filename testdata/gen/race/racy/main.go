// Command racy contains several distinct, realistic data races. It is the
// source of testdata/race/y_races.log (GORACE=halt_on_error=0) and
// y_halt.log (GORACE=halt_on_error=1). Build with -race.
//
// The racing accesses are ordered in wall-clock time with time.Sleep (which
// creates no happens-before edge), so the detector sees every race while the
// runtime's own map checks never fire and the report set stays stable from
// run to run. Only the counter race (d) is genuinely concurrent.
package main

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

const settle = 20 * time.Millisecond

// ---- (a) loop variable captured by a goroutine closure (Go 1.19 semantics).

type Job struct {
	ID   int
	Name string
}

type Dispatcher struct {
	wg   sync.WaitGroup
	seen []string
	mu   sync.Mutex
}

func (d *Dispatcher) handle(j Job) {
	d.mu.Lock()
	d.seen = append(d.seen, j.Name)
	d.mu.Unlock()
}

func (d *Dispatcher) DispatchAll(jobs []Job) {
	for _, job := range jobs {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			time.Sleep(settle) // let the loop move on first
			d.handle(job)      // reads the shared loop variable
		}()
	}
	d.wg.Wait()
}

// ---- (b) map read vs map write (no lock), reported before any runtime check.

type Inventory struct {
	stock map[string]int
}

func (inv *Inventory) Restock(item string, n int) {
	inv.stock[item] += n
}

func (inv *Inventory) Available(item string) int {
	return inv.stock[item]
}

type Warehouse struct {
	inv *Inventory
}

func (w *Warehouse) receiveShipment(done chan<- struct{}) {
	w.inv.Restock("widget", 10)
	close(done)
}

func (w *Warehouse) report() string {
	return fmt.Sprintf("widgets=%d", w.inv.Available("widget"))
}

// ---- (c) lazy initialisation of a package-level variable without sync.Once.

type Config struct {
	Endpoint string
	Retries  int
}

var defaultConfig *Config

func loadConfig() *Config {
	return &Config{Endpoint: "http://localhost:8080", Retries: 3}
}

func getConfig() *Config {
	if defaultConfig == nil {
		defaultConfig = loadConfig()
	}
	return defaultConfig
}

type Client struct{ name string }

func (c *Client) Do(path string) string {
	cfg := getConfig()
	return c.name + " -> " + cfg.Endpoint + path
}

// ---- (d) unsynchronised struct field counter incremented from many goroutines.

type Stats struct {
	requests int
	errors   int
}

func (s *Stats) recordRequest() {
	s.requests++
}

type Server struct {
	stats Stats
}

func (s *Server) serve(req int) {
	if req%7 == 0 {
		return
	}
	s.stats.recordRequest()
}

func (s *Server) ServeBurst(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(req int) {
			defer wg.Done()
			s.serve(req)
		}(i)
	}
	wg.Wait()
}

// ---- (e) slice append race.

type Collector struct {
	results []string
}

func (c *Collector) Add(r string) {
	c.results = append(c.results, r)
}

func worker(c *Collector, id int, start <-chan struct{}) {
	<-start
	time.Sleep(time.Duration(id) * settle)
	c.Add(fmt.Sprintf("result-%d", id))
}

// ---- (f) stop flag polled by a background goroutine, set by main.

type Poller struct {
	stopped bool
	polls   int
}

func (p *Poller) loop() {
	for !p.stopped {
		p.polls++
		time.Sleep(settle / 4)
	}
}

func (p *Poller) Stop() {
	p.stopped = true
}

func main() {
	// (a) loop variable; the reads happen in goroutines, the writes in main.
	d := &Dispatcher{}
	d.DispatchAll([]Job{{1, "alpha"}, {2, "beta"}, {3, "gamma"}})
	fmt.Println("dispatched:", len(d.seen))

	// (b) map write in a goroutine, later read in main without sync.
	w := &Warehouse{inv: &Inventory{stock: map[string]int{}}}
	shipped := make(chan struct{})
	go w.receiveShipment(shipped)
	time.Sleep(settle) // "surely it's done by now"
	fmt.Println(w.report())
	<-shipped

	// (c) two clients race on the lazy init; the first one has finished
	// by the time the second one looks at defaultConfig.
	var cwg sync.WaitGroup
	for i, name := range []string{"billing", "search"} {
		cwg.Add(1)
		go func(name string, delay time.Duration) {
			defer cwg.Done()
			time.Sleep(delay)
			fmt.Println((&Client{name: name}).Do("/v1/ping"))
		}(name, time.Duration(i)*3*settle)
	}
	cwg.Wait()

	// (d) counter.
	srv := &Server{}
	srv.ServeBurst(50)
	fmt.Println("requests (lossy):", srv.stats.requests)

	// (e) slice append from several workers.
	c := &Collector{}
	start := make(chan struct{})
	var ewg sync.WaitGroup
	for id := 1; id <= 3; id++ {
		ewg.Add(1)
		go func(id int) {
			defer ewg.Done()
			worker(c, id, start)
		}(id)
	}
	close(start)
	ewg.Wait()
	fmt.Println("results:", strings.Join(c.results, ","))

	// (f) stop flag: main writes what a running goroutine keeps reading.
	p := &Poller{}
	go p.loop()
	time.Sleep(settle)
	p.Stop()
	time.Sleep(settle)
	fmt.Println("poller stopped")
}
