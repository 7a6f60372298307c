package app

import (
	"bufio"
	"io"
	"net"
	"syscall"
)

// TCPServer accepts loopback connections and blocks reading requests that
// never come: [IO wait] through the netpoller.
type TCPServer struct {
	ln   net.Listener
	env  *Env
	open int
}

// StartTCP starts a listener plus nconns client connections; every
// connection yields two [IO wait] goroutines (server and client side) and the
// accept loop is one more.
func StartTCP(env *Env, nconns int) (*TCPServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &TCPServer{ln: ln, env: env}
	accepted := make(chan struct{})
	env.Ready.Add(1) // accept loop
	go s.acceptLoop(accepted, nconns)
	for i := 0; i < nconns; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return nil, err
		}
		<-accepted
		cl := &TCPClient{conn: c, env: env, id: i}
		env.Ready.Add(1)
		go cl.readLoop(i % 4)
	}
	return s, nil
}

//go:noinline
func (s *TCPServer) acceptLoop(accepted chan<- struct{}, n int) {
	for {
		if s.open == n {
			s.env.Ready.Done()
		}
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.open++
		s.env.Ready.Add(1)
		go s.handle(c, s.open%8)
		accepted <- struct{}{}
	}
}

//go:noinline
func (s *TCPServer) handle(c net.Conn, worker int) {
	br := bufio.NewReader(c)
	s.env.Ready.Done()
	line, err := br.ReadString('\n')
	if err == nil {
		c.Write([]byte(line))
	}
	sinkI += worker
	keep(s, c, br)
}

// TCPClient waits for a response that never comes.
type TCPClient struct {
	conn net.Conn
	env  *Env
	id   int
}

//go:noinline
func (cl *TCPClient) readLoop(lane int) {
	buf := make([]byte, 512)
	cl.env.Ready.Done()
	for {
		if _, err := cl.readResponse(buf, lane); err != nil {
			break
		}
	}
	sinkI += lane
	keep(cl, buf)
}

//go:noinline
func (cl *TCPClient) readResponse(buf []byte, lane int) (int, error) {
	n, err := io.ReadFull(cl.conn, buf)
	sinkI += lane
	keep(cl, buf)
	return n, err
}

// PipeReader blocks in a raw read(2) on a blocking pipe: [syscall].
type PipeReader struct {
	fd  int
	wfd int
	env *Env
}

func StartSyscall(env *Env, n int) error {
	for i := 0; i < n; i++ {
		var p [2]int
		if err := syscall.Pipe(p[:]); err != nil {
			return err
		}
		pr := &PipeReader{fd: p[0], wfd: p[1], env: env}
		env.Ready.Add(1)
		go pr.readRaw(i)
	}
	return nil
}

//go:noinline
func (pr *PipeReader) readRaw(idx int) {
	buf := make([]byte, 64)
	pr.env.Ready.Done()
	syscall.Read(pr.fd, buf)
}

// Hasher spins on the CPU: [running]/[runnable].
type Hasher struct {
	sum  uint64
	stop *int32
}

var sink uint64

func StartBusy(n int) {
	for i := 0; i < n; i++ {
		h := &Hasher{sum: uint64(i)}
		go h.spin(i)
	}
}

//go:noinline
func (h *Hasher) spin(seed int) {
	x := uint64(seed) + 0x9e3779b97f4a7c15
	for {
		for i := 0; i < 1<<20; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
		h.sum += x
		sink = h.sum
	}
}
