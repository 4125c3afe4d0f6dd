// Package reqcount counts the requests a simulated vendor receives, stamped
// with the time they arrive, so that a test checks a request budget where
// the vendor would: at the server, whatever the client believes it sent.
package reqcount

import (
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// Counter is an http.Handler that records each request's arrival and
// answer before passing it on to Next.
type Counter struct {
	Next http.Handler
	// Now stamps arrivals: the fake clock the client waits on, so that the
	// server and the client agree on time without the test sleeping.
	Now func() time.Time

	mu       sync.Mutex
	arrivals []time.Time
	statuses map[int]int
}

// New counts the requests next receives, stamped by now (nil: time.Now).
func New(next http.Handler, now func() time.Time) *Counter {
	if now == nil {
		now = time.Now
	}
	return &Counter{Next: next, Now: now, statuses: map[int]int{}}
}

func (c *Counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.arrivals = append(c.arrivals, c.Now())
	c.mu.Unlock()
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	// Deferred, so that a simulated connection reset (a handler that
	// aborts) is counted too, with no status.
	defer func() {
		if !rec.wrote {
			rec.status = 0
		}
		c.mu.Lock()
		c.statuses[rec.status]++
		c.mu.Unlock()
	}()
	c.Next.ServeHTTP(rec, r)
}

// Total is how many requests arrived.
func (c *Counter) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.arrivals)
}

// Answered is how many requests were answered with status.
func (c *Counter) Answered(status int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.statuses[status]
}

// Span is the time from the first arrival to the last.
func (c *Counter) Span() time.Duration {
	at := c.sorted()
	if len(at) == 0 {
		return 0
	}
	return at[len(at)-1].Sub(at[0])
}

// MaxIn is the most requests that arrived within any window of length d,
// [t, t+d) for every t (a sliding window, the strictest way a vendor may
// count), and when the fullest such window began.
func (c *Counter) MaxIn(d time.Duration) (most int, from time.Time) {
	at := c.sorted()
	first := 0
	for last, t := range at {
		for !at[first].Add(d).After(t) {
			first++
		}
		if n := last - first + 1; n > most {
			most, from = n, at[first]
		}
	}
	return most, from
}

func (c *Counter) sorted() []time.Time {
	c.mu.Lock()
	at := slices.Clone(c.arrivals)
	c.mu.Unlock()
	slices.SortFunc(at, time.Time.Compare)
	return at
}

// statusWriter notes the status a handler answers with.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (simulated
// resets and stalls hijack or flush it).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Keeps fails t when more than budget requests arrived within any minute,
// or when fewer than budget+1 arrived at all (a sync that never reached the
// budget proves nothing), and returns the most that arrived in a minute.
func (c *Counter) Keeps(t testing.TB, budget int) int {
	t.Helper()
	most, from := c.MaxIn(time.Minute)
	if most > budget {
		t.Errorf("%d requests arrived in the 60 s from %s, budget %d", most, from.Format(time.TimeOnly), budget)
	}
	if n := c.Total(); n <= budget {
		t.Errorf("only %d requests arrived: the sync never reached the budget of %d, so it shows nothing", n, budget)
	}
	return most
}
