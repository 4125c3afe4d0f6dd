package reqcount

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
)

// ServePipe serves h over real HTTP on in-memory connections (net.Pipe)
// and returns its base URL and a client that dials it. Inside a
// testing/synctest bubble this is what makes a budget test exact: time
// moves on only when every goroutine, server ones included, is blocked, so
// a request in flight takes no time and the server stamps it with the
// moment the client's limiter let it go. Over a loopback socket the
// bubble's clock would run on while a request is in flight, and requests
// sent seconds apart could be stamped together. Everything is closed at the
// end of the test, so the bubble's goroutines end.
func ServePipe(t testing.TB, h http.Handler) (baseURL string, client *http.Client) {
	l := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	tr := &http.Transport{
		DialContext:         l.dial,
		MaxIdleConnsPerHost: 16,
	}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	return "http://sim.invalid", &http.Client{Transport: tr}
}

type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "sim.invalid" }
