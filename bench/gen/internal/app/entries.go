package app

import (
	"fmt"
	"math/rand"
	"strings"
)

// Entry is how a goroutine starts (which also decides the "created by" frame).
type Entry int

const (
	EntryServer   Entry = iota // (*Server).serveConn
	EntryWorker                // (*WorkerPool).worker
	EntryConsumer              // (*Consumer).Start.func1 -> (*Consumer).run
	EntryPipeline              // (*Pipeline).Run.func1 (closure)
	EntryDirect                // (*Janitor).loop -> leaf, no handler stack
	numEntries
)

var entryNames = [...]string{"server", "worker", "consumer", "pipeline", "direct"}

// Spec describes one family of identical stacks.
type Spec struct {
	Entry    Entry
	Leaf     Leaf
	Obj      int
	MW       []int // indexes into Middlewares
	Router   bool
	Tree     int // recursion depth of (*Node).walk, 0 = none
	Layer    int // service layers in Endpoint
	Variants int // number of distinct integer-argument values (exact vs similar grouping)
	Weight   int
	Frames   int // approx user frames

	handler Handler
}

func (s *Spec) String() string {
	var mw []string
	for _, m := range s.MW {
		mw = append(mw, fmt.Sprint(m))
	}
	return fmt.Sprintf("entry=%s leaf=%s obj=%d mw=[%s] router=%v tree=%d layer=%d variants=%d weight=%d frames~%d",
		entryNames[s.Entry], s.Leaf, s.Obj, strings.Join(mw, ","), s.Router, s.Tree, s.Layer, s.Variants, s.Weight, s.Frames)
}

// MakeSpecs deterministically builds n stack families with user depth 2..12.
func MakeSpecs(env *Env, n int, seed int64) []*Spec {
	rnd := rand.New(rand.NewSource(seed))
	var specs []*Spec
	for len(specs) < n {
		i := len(specs)
		s := &Spec{Leaf: Leaf(i % int(NumLeaves)), Obj: rnd.Intn(instances)}
		if i < int(NumLeaves) {
			// One "direct" (shallow, 3 user frames) family per leaf kind.
			s.Entry = EntryDirect
		} else {
			s.Entry = Entry(rnd.Intn(int(EntryDirect)))
			nmw := rnd.Intn(5)
			perm := rnd.Perm(len(Middlewares))
			s.MW = perm[:nmw]
			s.Router = rnd.Intn(2) == 0
			if rnd.Intn(4) == 0 {
				s.Tree = 1 + rnd.Intn(3)
			}
			s.Layer = rnd.Intn(3)
		}
		s.Variants = []int{1, 1, 2, 3, 4, 7}[rnd.Intn(6)]
		s.Weight = 1 + rnd.Intn(20)
		s.Frames = s.userFrames()
		if s.Frames > 12 {
			continue
		}
		s.build(env)
		specs = append(specs, s)
	}
	return specs
}

func (s *Spec) userFrames() int {
	if s.Entry == EntryDirect {
		return 3 // loop, block, leaf
	}
	f := 1 // entry
	if s.Entry == EntryConsumer {
		f++
	}
	f += 2 * len(s.MW)
	if s.Router {
		f++
	}
	if s.Tree > 0 {
		f += 2 + s.Tree // (*Node).Serve + (*Node).walk x (Tree+1)
	}
	f++ // Endpoint.Serve
	f += []int{0, 1, 2}[s.Layer]
	f += 2 // block + leaf method
	return f
}

func (s *Spec) build(env *Env) {
	var h Handler = &Endpoint{Env: env, Leaf: s.Leaf, Obj: s.Obj, Layer: s.Layer}
	if s.Tree > 0 {
		h = &Node{depth: s.Tree, next: h}
	}
	if s.Router {
		h = NewRouter("/api/v1/items", h)
	}
	for j := len(s.MW) - 1; j >= 0; j-- {
		h = Middlewares[s.MW[j]](h)
	}
	s.handler = h
}

func (s *Spec) newReq(i int) (*Ctx, *Request) {
	v := i % s.Variants
	c := &Ctx{ID: i, Values: map[string]string{}}
	r := &Request{Method: "GET", Path: "/api/v1/items", UserID: 1000 + v, Shard: v, Body: make([]byte, 1+v)}
	return c, r
}

// Spawn starts goroutine number i of this spec.
func (s *Spec) Spawn(env *Env, i int) {
	switch s.Entry {
	case EntryServer:
		srv.Spawn(s, i)
	case EntryWorker:
		workers.Start(s, i)
	case EntryConsumer:
		consumers.Start(s, i)
	case EntryPipeline:
		pipeline.Run(s, i)
	case EntryDirect:
		janitor.Start(env, s, i)
	}
}

var (
	srv       = &Server{name: "api"}
	workers   = &WorkerPool{size: 64}
	consumers = &Consumer{group: "billing"}
	pipeline  = &Pipeline{stages: 4}
	janitor   = &Janitor{}
)

type Server struct{ name string }

func (s *Server) Spawn(spec *Spec, i int) {
	c, r := spec.newReq(i)
	go s.serveConn(spec.handler, c, r, r.Shard)
}

//go:noinline
func (s *Server) serveConn(h Handler, c *Ctx, r *Request, connID int) {
	h.Serve(c, r)
	sinkI += connID
	keep(s, h, c, r)
}

type WorkerPool struct{ size int }

func (p *WorkerPool) Start(spec *Spec, i int) {
	c, r := spec.newReq(i)
	go p.worker(r.Shard, spec.handler, c, r)
}

//go:noinline
func (p *WorkerPool) worker(id int, h Handler, c *Ctx, r *Request) {
	for c.ID >= 0 {
		h.Serve(c, r)
		sinkI += id
		keep(p, h, c, r)
	}
}

type Consumer struct{ group string }

func (cs *Consumer) Start(spec *Spec, i int) {
	c, r := spec.newReq(i)
	partition := r.Shard
	go func() {
		cs.run(partition, spec.handler, c, r)
		sinkI += partition
		keep(c, r, cs)
	}()
}

//go:noinline
func (cs *Consumer) run(partition int, h Handler, c *Ctx, r *Request) {
	h.Serve(c, r)
	sinkI += partition
	keep(cs, h, c, r)
}

type Pipeline struct{ stages int }

func (p *Pipeline) Run(spec *Spec, i int) {
	c, r := spec.newReq(i)
	h := spec.handler
	go func(stage int) {
		h.Serve(c, r)
		sinkI += stage
		keep(c, r, h)
	}(r.Shard)
}

type Janitor struct{}

func (j *Janitor) Start(env *Env, spec *Spec, i int) {
	c, r := spec.newReq(i)
	ep := &Endpoint{Env: env, Leaf: spec.Leaf, Obj: spec.Obj}
	go j.loop(ep, c, r, r.Shard)
}

//go:noinline
func (j *Janitor) loop(ep *Endpoint, c *Ctx, r *Request, interval int) {
	ep.block(c, r)
	sinkI += interval
	keep(j, ep, c, r)
}
