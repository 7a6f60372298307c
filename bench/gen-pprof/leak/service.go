package main

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"
)

// ---- routes ----------------------------------------------------------------

var middlewares = []struct {
	name string
	mw   Middleware
}{
	{"requestID", withRequestID},
	{"logging", withLogging},
	{"auth", withAuth},
	{"metrics", withMetrics},
	{"tracing", withTracing},
	{"recover", withRecover},
	{"timeout", withTimeout},
	{"gzip", withGzip},
	{"session", withSession},
	{"cache", withCache},
	{"ratelimit", withRateLimit},
	{"cors", withCORS},
}

var handlers = []struct {
	name string
	h    func(*Ctx) error
}{
	{"getOrder", getOrder},
	{"listOrders", listOrders},
	{"createOrder", createOrder},
	{"search", search},
	{"renderPage", renderPage},
	{"report", report},
	{"upload", upload},
	{"export", exportCSV},
	{"feed", subscribeFeed},
	{"tree", buildTree},
}

func buildRoutes(n int, seed int64) []*Route {
	rng := rand.New(rand.NewSource(seed))
	seen := map[string]bool{}
	var out []*Route
	for len(out) < n {
		hi := rng.Intn(len(handlers))
		depth := 1 + rng.Intn(7)
		width := 1 + rng.Intn(4)
		k := 2 + rng.Intn(6)
		perm := rng.Perm(len(middlewares))[:k]
		// The session middleware (the leak) is on about half the routes.
		if rng.Intn(2) == 0 {
			perm = append(perm[:0:0], perm...)
			has := false
			for _, p := range perm {
				has = has || middlewares[p].name == "session"
			}
			if !has {
				perm = append(perm, 8)
			}
		}
		var names []string
		for _, p := range perm {
			names = append(names, middlewares[p].name)
		}
		key := fmt.Sprintf("%d/%d/%d/%s", hi, depth, width, strings.Join(names, ","))
		if seen[key] {
			continue
		}
		seen[key] = true
		r := &Route{
			ID:    len(out),
			Path:  fmt.Sprintf("/api/v%d/%s/%d", 1+rng.Intn(3), handlers[hi].name, len(out)),
			chain: names,
			depth: depth,
			width: width,
		}
		bw := width // keep request bodies under ~300 nodes
		for bw > 1 && pow(bw, depth) > 300 {
			bw--
		}
		r.body, _ = json.Marshal(makeTree(rng, depth, bw, "n"))
		h := Handler(handlers[hi].h)
		for i := len(perm) - 1; i >= 0; i-- {
			h = middlewares[perm[i]].mw(h)
		}
		r.handler = h
		out = append(out, r)
	}
	return out
}

// Node is a recursive payload: JSON bodies, templates and trees are this deep.
type Node struct {
	Name  string            `json:"name"`
	Value float64           `json:"value"`
	Tags  map[string]string `json:"tags,omitempty"`
	Kids  []*Node           `json:"kids,omitempty"`
}

func makeTree(rng *rand.Rand, depth, width int, prefix string) *Node {
	n := &Node{Name: prefix, Value: rng.Float64() * 100}
	if rng.Intn(3) == 0 {
		n.Tags = map[string]string{"k": prefix, "region": "eu-" + strconv.Itoa(rng.Intn(4))}
	}
	if depth > 1 {
		for i := 0; i < width; i++ {
			n.Kids = append(n.Kids, makeTree(rng, depth-1, width, prefix+"."+strconv.Itoa(i)))
		}
	}
	return n
}

// ---- middlewares -------------------------------------------------------------

func withRequestID(next Handler) Handler {
	return func(c *Ctx) error {
		var b [16]byte
		c.rng.Read(b[:])
		c.reqID = hex.EncodeToString(b[:])
		c.header["X-Request-Id"] = c.reqID
		return next(c)
	}
}

var logRing = struct {
	sync.Mutex
	lines [4096]string
	i     int
}{}

func logLine(c *Ctx, level, msg string) {
	line := fmt.Sprintf("%s level=%s route=%s req=%s status=%d msg=%q", time.Now().Format(time.RFC3339Nano),
		level, c.route.Path, c.reqID, c.status, msg)
	logRing.Lock()
	logRing.lines[logRing.i%len(logRing.lines)] = line
	logRing.i++
	logRing.Unlock()
}

func withLogging(next Handler) Handler {
	return func(c *Ctx) error {
		t0 := time.Now()
		err := next(c)
		logLine(c, "info", "served in "+time.Since(t0).String()+" bytes="+strconv.Itoa(c.resp.Len()))
		return err
	}
}

type User struct {
	ID     int      `json:"id"`
	Name   string   `json:"name"`
	Roles  []string `json:"roles"`
	Tenant string   `json:"tenant"`
}

func withAuth(next Handler) Handler {
	return func(c *Ctx) error {
		claims := fmt.Sprintf(`{"id":%d,"name":"user-%d","roles":["reader","writer"],"tenant":"t%d"}`,
			c.rng.Intn(1e6), c.rng.Intn(1e4), c.rng.Intn(50))
		tok := base64.RawURLEncoding.EncodeToString([]byte(claims))
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return err
		}
		u := new(User)
		if err := json.Unmarshal(raw, u); err != nil {
			return err
		}
		c.user = u
		return next(c)
	}
}

var metrics = struct {
	sync.Mutex
	m map[string]int
}{m: map[string]int{}}

func withMetrics(next Handler) Handler {
	return func(c *Ctx) error {
		err := next(c)
		key := strings.Join([]string{"http_requests_total", c.route.Path, strconv.Itoa(c.status)}, "|")
		metrics.Lock()
		metrics.m[key]++
		metrics.Unlock()
		return err
	}
}

func withTracing(next Handler) Handler {
	return func(c *Ctx) error {
		span := make([]Attr, 0, 4)
		span = append(span, Attr{"http.route", c.route.Path}, Attr{"http.method", "GET"})
		for i := 0; i < c.route.width*3; i++ {
			span = append(span, Attr{"attr." + strconv.Itoa(i), c.rng.Int63()})
		}
		c.attrs = span
		return next(c)
	}
}

func withRecover(next Handler) Handler {
	return func(c *Ctx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

func withTimeout(next Handler) Handler {
	return func(c *Ctx) error {
		ctx, cancel := context.WithTimeout(c.ctx, time.Second)
		defer cancel()
		c.ctx = context.WithValue(ctx, ctxKey("route"), c.route.Path)
		return next(c)
	}
}

type ctxKey string

var gzPool = sync.Pool{New: func() interface{} { w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return w }}

func withGzip(next Handler) Handler {
	return func(c *Ctx) error {
		if err := next(c); err != nil {
			return err
		}
		var out bytes.Buffer
		zw := gzPool.Get().(*gzip.Writer)
		zw.Reset(&out)
		zw.Write(c.resp.Bytes())
		zw.Close()
		gzPool.Put(zw)
		c.header["Content-Encoding"] = "gzip"
		c.resp = &out
		return nil
	}
}

// Session is what the session store keeps forever (leak #1).
type Session struct {
	ID      string
	User    string
	Created time.Time
	Data    map[string][]byte
	History []string
}

type sessionStore struct {
	sync.Mutex
	m    map[string]*Session
	next int
}

var sessions = &sessionStore{m: map[string]*Session{}}

func (s *sessionStore) Len() int { s.Lock(); defer s.Unlock(); return len(s.m) }

//go:noinline
func (s *sessionStore) Touch(c *Ctx) *Session {
	s.Lock()
	defer s.Unlock()
	var id string
	if s.next > 0 && c.rng.Intn(10) < 7 {
		id = "sess-" + strconv.Itoa(s.next-1-c.rng.Intn(min(s.next, 50)))
	} else {
		id = "sess-" + strconv.Itoa(s.next)
		s.next++
	}
	if ss := s.m[id]; ss != nil {
		ss.History = append(ss.History, c.route.Path)
		return ss
	}
	ss := &Session{ID: id, Created: time.Now(), Data: map[string][]byte{}}
	if c.user != nil {
		ss.User = c.user.Name
	}
	ss.Data["csrf"] = make([]byte, 32)
	ss.Data["prefs"] = make([]byte, 512+c.rng.Intn(1024))
	s.m[id] = ss
	return ss
}

func pow(b, e int) int {
	r := 1
	for ; e > 0; e-- {
		r *= b
	}
	return r
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func withSession(next Handler) Handler {
	return func(c *Ctx) error {
		c.session = sessions.Touch(c)
		return next(c)
	}
}

// lru is a bounded response cache: grows until full, then flat.
type lru struct {
	sync.Mutex
	max int
	ll  *list.List
	m   map[string]*list.Element
}

type lruEntry struct {
	key string
	val []byte
}

var respCache = &lru{max: 3000, ll: list.New(), m: map[string]*list.Element{}}

func (l *lru) Get(k string) ([]byte, bool) {
	l.Lock()
	defer l.Unlock()
	if e, ok := l.m[k]; ok {
		l.ll.MoveToFront(e)
		return e.Value.(*lruEntry).val, true
	}
	return nil, false
}

func (l *lru) Put(k string, v []byte) {
	l.Lock()
	defer l.Unlock()
	if e, ok := l.m[k]; ok {
		e.Value.(*lruEntry).val = v
		l.ll.MoveToFront(e)
		return
	}
	l.m[k] = l.ll.PushFront(&lruEntry{k, v})
	for l.ll.Len() > l.max {
		old := l.ll.Back()
		l.ll.Remove(old)
		delete(l.m, old.Value.(*lruEntry).key)
	}
}

func withCache(next Handler) Handler {
	return func(c *Ctx) error {
		key := c.route.Path + "?page=" + strconv.Itoa(c.rng.Intn(8))
		if v, ok := respCache.Get(key); ok && c.rng.Intn(2) == 0 {
			c.resp.Write(v)
			return nil
		}
		if err := next(c); err != nil {
			return err
		}
		respCache.Put(key, append([]byte(nil), c.resp.Bytes()...))
		return nil
	}
}

var limiter = struct {
	sync.Mutex
	buckets map[int]*tokenBucket
}{buckets: map[int]*tokenBucket{}}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

func withRateLimit(next Handler) Handler {
	return func(c *Ctx) error {
		uid := c.rng.Intn(2000)
		limiter.Lock()
		b := limiter.buckets[uid]
		if b == nil {
			b = &tokenBucket{tokens: 100, last: time.Now()}
			limiter.buckets[uid] = b
		}
		b.tokens = b.tokens - 1 + time.Since(b.last).Seconds()*10
		b.last = time.Now()
		limiter.Unlock()
		return next(c)
	}
}

func withCORS(next Handler) Handler {
	return func(c *Ctx) error {
		c.header["Access-Control-Allow-Origin"] = "https://" + c.route.Path[1:8] + ".example.com"
		c.header["Access-Control-Allow-Headers"] = strings.Join([]string{"Authorization", "Content-Type", "X-Request-Id"}, ", ")
		return next(c)
	}
}

// ---- handlers ----------------------------------------------------------------

type Order struct {
	ID       int64       `json:"id"`
	Customer string      `json:"customer"`
	Items    []OrderItem `json:"items"`
	Total    float64     `json:"total"`
	Created  time.Time   `json:"created"`
	Notes    *Node       `json:"notes,omitempty"`
}

type OrderItem struct {
	SKU   string  `json:"sku"`
	Qty   int     `json:"qty"`
	Price float64 `json:"price"`
}

//go:noinline
func loadOrder(c *Ctx, id int64) *Order {
	o := &Order{ID: id, Customer: "cust-" + strconv.FormatInt(id%997, 10), Created: time.Unix(1700000000+id, 0)}
	n := 1 + c.rng.Intn(4*c.route.width)
	o.Items = make([]OrderItem, 0, n)
	for i := 0; i < n; i++ {
		it := OrderItem{SKU: fmt.Sprintf("SKU-%05d", c.rng.Intn(99999)), Qty: 1 + c.rng.Intn(5), Price: float64(c.rng.Intn(10000)) / 100}
		o.Total += float64(it.Qty) * it.Price
		o.Items = append(o.Items, it)
	}
	if c.route.depth > 2 {
		o.Notes = makeTree(c.rng, c.route.depth-2, 2, "note")
	}
	return o
}

func getOrder(c *Ctx) error {
	o := loadOrder(c, c.rng.Int63n(1e9))
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	c.resp.Write(b)
	return nil
}

func listOrders(c *Ctx) error {
	n := 5 * c.route.width
	orders := make([]*Order, 0, n)
	for i := 0; i < n; i++ {
		orders = append(orders, loadOrder(c, int64(i)+c.rng.Int63n(1e6)))
	}
	sort.Slice(orders, func(i, j int) bool { return orders[i].Total > orders[j].Total })
	return json.NewEncoder(c.resp).Encode(orders)
}

func createOrder(c *Ctx) error {
	var generic interface{}
	if err := json.Unmarshal(c.body, &generic); err != nil {
		return err
	}
	var typed Node
	if err := json.Unmarshal(c.body, &typed); err != nil {
		return err
	}
	sum := sha256.Sum256(c.body)
	fmt.Fprintf(c.resp, `{"created":true,"name":%q,"digest":"%x","kids":%d}`, typed.Name, sum[:8], len(typed.Kids))
	return nil
}

var searchRE = []*regexp.Regexp{
	regexp.MustCompile(`(\w+)@(\w+)\.com`),
	regexp.MustCompile(`order-(\d+)-([a-f0-9]{4})`),
	regexp.MustCompile(`(?i)status=(ok|failed|pending)`),
}

func search(c *Ctx) error {
	var sb strings.Builder
	for i := 0; i < 20*c.route.width; i++ {
		fmt.Fprintf(&sb, "user%d@host%d.com order-%d-%04x status=%s; ", c.rng.Intn(1000), c.rng.Intn(9),
			c.rng.Intn(1e6), c.rng.Intn(65535), []string{"ok", "FAILED", "pending"}[c.rng.Intn(3)])
	}
	text := sb.String()
	var hits []string
	for _, re := range searchRE {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			hits = append(hits, strings.Join(m[1:], ":"))
		}
	}
	sort.Strings(hits)
	return json.NewEncoder(c.resp).Encode(map[string]interface{}{"q": c.route.Path, "hits": hits, "n": len(hits)})
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{"upper": strings.ToUpper}).Parse(
	`{{define "node"}}<li>{{.Name | upper}} {{printf "%.2f" .Value}}{{range $k, $v := .Tags}} {{$k}}={{$v}}{{end}}` +
		`{{if .Kids}}<ul>{{range .Kids}}{{template "node" .}}{{end}}</ul>{{end}}</li>{{end}}` +
		`<html><head><title>{{.Title}}</title></head><body><ul>{{template "node" .Root}}</ul></body></html>`))

func renderPage(c *Ctx) error {
	root := makeTree(c.rng, c.route.depth, 2, "page")
	return pageTmpl.Execute(c.resp, map[string]interface{}{"Title": c.route.Path, "Root": root})
}

func report(c *Ctx) error {
	type row struct {
		name string
		vals []float64
	}
	rows := make([]row, 10*c.route.width)
	for i := range rows {
		rows[i].name = "series-" + strconv.Itoa(c.rng.Intn(500))
		for j := 0; j < 12; j++ {
			rows[i].vals = append(rows[i].vals, c.rng.NormFloat64()*100)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	for _, r := range rows {
		fmt.Fprintf(c.resp, "%-16s", r.name)
		for _, v := range r.vals {
			c.resp.WriteString(" " + strconv.FormatFloat(v, 'f', 2, 64))
		}
		c.resp.WriteByte('\n')
	}
	return nil
}

func upload(c *Ctx) error {
	size := 4096 << uint(c.rng.Intn(2+c.route.width))
	var buf bytes.Buffer
	chunk := make([]byte, 1500)
	for buf.Len() < size {
		c.rng.Read(chunk)
		buf.Write(chunk)
	}
	h := sha256.New()
	io.Copy(h, &buf)
	c.resp.WriteString(hex.EncodeToString(h.Sum(nil)))
	return nil
}

func exportCSV(c *Ctx) error {
	w := csv.NewWriter(c.resp)
	for i := 0; i < 25*c.route.width; i++ {
		rec := []string{strconv.Itoa(i), "name-" + strconv.Itoa(c.rng.Intn(1e5)), strconv.FormatFloat(c.rng.Float64(), 'g', -1, 64),
			time.Unix(int64(1.7e9)+int64(c.rng.Intn(1e7)), 0).UTC().Format(time.RFC3339)}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// Event bus whose subscribers are never removed (leak #2).
type eventBus struct {
	sync.Mutex
	subs []*subscriber
}

type subscriber struct {
	topic string
	ch    chan []byte
	since time.Time
}

var bus = &eventBus{}

func (b *eventBus) Len() int { b.Lock(); defer b.Unlock(); return len(b.subs) }

//go:noinline
func (b *eventBus) Subscribe(topic string) *subscriber {
	s := &subscriber{topic: topic, ch: make(chan []byte, 16), since: time.Now()}
	b.Lock()
	b.subs = append(b.subs, s)
	b.Unlock()
	return s
}

func subscribeFeed(c *Ctx) error {
	s := bus.Subscribe(c.route.Path + "#" + strconv.Itoa(c.rng.Intn(100)))
	select {
	case s.ch <- []byte("hello " + c.reqID):
	default:
	}
	fmt.Fprintf(c.resp, `{"subscribed":%q}`, s.topic)
	return nil
}

type treeNode struct {
	key   string
	val   []byte
	left  *treeNode
	right *treeNode
}

//go:noinline
func growTree(c *Ctx, depth int) *treeNode {
	n := &treeNode{key: strconv.Itoa(c.rng.Intn(1e6)), val: make([]byte, 16+c.rng.Intn(256))}
	if depth > 0 {
		n.left = growTree(c, depth-1)
		if c.rng.Intn(2) == 0 {
			n.right = growTree(c, depth-1)
		}
	}
	return n
}

//go:noinline
func walkTree(n *treeNode, path []string, out *[]string) {
	if n == nil {
		return
	}
	p := append(path, n.key)
	if n.left == nil && n.right == nil {
		*out = append(*out, strings.Join(p, "/"))
	}
	walkTree(n.left, p, out)
	walkTree(n.right, p, out)
}

func buildTree(c *Ctx) error {
	t := growTree(c, c.route.depth+2)
	var paths []string
	walkTree(t, nil, &paths)
	if len(paths) == 0 {
		return errors.New("empty tree")
	}
	return json.NewEncoder(c.resp).Encode(paths)
}
