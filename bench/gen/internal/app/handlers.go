package app

import (
	"fmt"
	"strconv"
)

// Ctx is a per-goroutine request context.
type Ctx struct {
	ID       int
	Deadline int64
	Values   map[string]string
	env      *Env
}

// Request is a per-goroutine request (a distinct pointer per goroutine).
type Request struct {
	Method string
	Path   string
	UserID int
	Shard  int
	Body   []byte
}

// Handler mimics net/http.Handler layering.
type Handler interface {
	Serve(c *Ctx, r *Request)
}

// HandlerFunc mimics net/http.HandlerFunc: every middleware adds a
// HandlerFunc.Serve frame plus its closure frame.
type HandlerFunc func(c *Ctx, r *Request)

func (f HandlerFunc) Serve(c *Ctx, r *Request) {
	f(c, r)
	keep(f, c, r)
}

// Middleware wraps a handler.
type Middleware func(Handler) Handler

func WithLogging(next Handler) Handler {
	return HandlerFunc(func(c *Ctx, r *Request) {
		c.Values["log"] = r.Path
		next.Serve(c, r)
		keep(next, c, r)
	})
}

func WithAuth(next Handler) Handler {
	return HandlerFunc(func(c *Ctx, r *Request) {
		if r.UserID < 0 {
			return
		}
		next.Serve(c, r)
		keep(next, c, r)
	})
}

func WithRecover(next Handler) Handler {
	return HandlerFunc(func(c *Ctx, r *Request) {
		defer func() {
			if e := recover(); e != nil {
				c.Values["panic"] = fmt.Sprint(e)
			}
		}()
		next.Serve(c, r)
		keep(next, c, r)
	})
}

func WithTimeout(next Handler) Handler {
	return HandlerFunc(func(c *Ctx, r *Request) {
		c.Deadline += 30
		next.Serve(c, r)
		keep(next, c, r)
	})
}

func WithMetrics(next Handler) Handler {
	return HandlerFunc(func(c *Ctx, r *Request) {
		c.Values["metric"] = r.Method
		next.Serve(c, r)
		keep(next, c, r)
	})
}

func WithTracing(next Handler) Handler {
	return HandlerFunc(func(c *Ctx, r *Request) {
		c.Values["trace"] = strconv.Itoa(c.ID)
		next.Serve(c, r)
		keep(next, c, r)
	})
}

// Middlewares is the pool specs draw from.
var Middlewares = []Middleware{WithLogging, WithAuth, WithRecover, WithTimeout, WithMetrics, WithTracing}

// Router adds one frame and dispatches on path.
type Router struct {
	routes map[string]Handler
}

func NewRouter(path string, h Handler) *Router {
	return &Router{routes: map[string]Handler{path: h}}
}

//go:noinline
func (rt *Router) Serve(c *Ctx, r *Request) {
	if h, ok := rt.routes[r.Path]; ok {
		h.Serve(c, r)
	}
	keep(rt, c, r)
}

// Node is a recursive tree walker (repeated identical frames).
type Node struct {
	depth int
	next  Handler
}

//go:noinline
func (n *Node) walk(c *Ctx, r *Request, level int) {
	if level > 0 {
		n.walk(c, r, level-1)
		sinkI += level
		keep(n, c, r)
		return
	}
	n.next.Serve(c, r)
	sinkI += level
	keep(n, c, r)
}

func (n *Node) Serve(c *Ctx, r *Request) {
	n.walk(c, r, n.depth)
	keep(n, c, r)
}

// Endpoint is the terminal handler: service-layer frames, then the leaf.
type Endpoint struct {
	Env   *Env
	Leaf  Leaf
	Obj   int // which instance of the blocking object
	Layer int // 0..2 extra service frames
}

//go:noinline
func (ep *Endpoint) Serve(c *Ctx, r *Request) {
	switch ep.Layer {
	case 0:
		ep.block(c, r)
	case 1:
		svc := &UserService{ep: ep}
		svc.loadUser(c, r, r.UserID)
	default:
		svc := &OrderService{ep: ep}
		svc.placeOrder(c, r, r.Shard, len(r.Body))
	}
	keep(ep, c, r)
}

type UserService struct{ ep *Endpoint }

//go:noinline
func (s *UserService) loadUser(c *Ctx, r *Request, uid int) {
	s.ep.block(c, r)
	sinkI += uid
	keep(s, c, r)
}

type OrderService struct{ ep *Endpoint }

//go:noinline
func (s *OrderService) placeOrder(c *Ctx, r *Request, shard, n int) {
	s.reserve(c, r, shard)
	sinkI += shard + n
	keep(s, c, r)
}

//go:noinline
func (s *OrderService) reserve(c *Ctx, r *Request, shard int) {
	s.ep.block(c, r)
	sinkI += shard
	keep(s, c, r)
}

//go:noinline
func (ep *Endpoint) block(c *Ctx, r *Request) {
	e := ep.Env
	o := ep.Obj
	switch ep.Leaf {
	case LeafChanRecv:
		e.Queues[o].Pop(c, r.Shard*100)
	case LeafChanSend:
		e.Brokers[o].Publish(c, r.UserID, r.Body)
	case LeafSelect:
		e.Schedulers[o].waitEvent(c, r.Shard)
	case LeafSelectNoCases:
		e.Daemons[o].Park(c)
	case LeafNilChanRecv:
		e.Streams[o].Recv(c)
	case LeafNilChanSend:
		e.Streams[o].Send(c, r.Body)
	case LeafMutex:
		e.Caches[o].Get(c, r.Path, r.Shard)
	case LeafRWMutex:
		e.Registries[o].Lookup(c, r.Method)
	case LeafWaitGroup:
		e.Batches[o].Wait(c, r.UserID)
	case LeafCond:
		e.Rings[o].Read(c, r.Shard+1)
	case LeafSleep:
		e.Backoffs[o].Sleep(c, r.Shard)
	case LeafGenericPool:
		e.Pools[o].Get(c)
	}
	keep(ep, c, r)
}
