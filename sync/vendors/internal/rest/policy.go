package rest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Policy is the one retry policy of every connector: what differs between
// vendors is a number here, not a loop of their own.
type Policy struct {
	// Retries is how many extra tries a request gets after a 429, a 5xx, a
	// timeout or a cut-off body: 0 means DefaultRetries, negative none.
	Retries int
	// Backoff is the first wait between tries, doubled for every retry
	// before it; default 200 ms.
	Backoff time.Duration
	// Jitter adds up to this fraction of each backoff, so that parallel
	// requests that failed together do not come back together; default 0.2,
	// negative none. It only lengthens a wait: Backoff is the least.
	Jitter float64
	// MaxRetryAfter caps how long a Retry-After header may hold a request
	// up (longer asks are shortened); 0 leaves it uncapped.
	MaxRetryAfter time.Duration
	// MaxWait is the longest wait the source sits through: a longer one
	// ends the request (ErrRateLimited after a 429, else ErrUnavailable);
	// 0 means no limit.
	MaxWait time.Duration
	// WaitOutRateLimits makes a 429 a wait, not a try: it is waited out
	// however often, as long as each wait fits MaxWait (otark's published
	// rate limit). Without it a 429 counts as a failed try.
	WaitOutRateLimits bool
	// RequestsPerMinute is the source's request budget (New gives the
	// client a Limiter of it); 0 is none.
	RequestsPerMinute int
}

// DefaultRetries is how many extra tries a request gets when the policy
// leaves Retries at 0.
const DefaultRetries = 2

// RetryCount turns a configured Retries value into the number of extra
// tries: 0 means DefaultRetries, a negative value none.
func RetryCount(configured int) int {
	switch {
	case configured == 0:
		return DefaultRetries
	case configured < 0:
		return 0
	}
	return configured
}

func (p Policy) withDefaults() Policy {
	p.Retries = RetryCount(p.Retries)
	if p.Backoff == 0 {
		p.Backoff = 200 * time.Millisecond
	}
	switch {
	case p.Jitter == 0:
		p.Jitter = 0.2
	case p.Jitter < 0:
		p.Jitter = 0
	}
	return p
}

// delay is how long to wait before retry number try (1 for the first):
// Backoff doubled per retry before it plus jitter, or hint (a Retry-After)
// when longer.
func (p Policy) delay(try int, hint time.Duration, rnd func() float64) time.Duration {
	d := p.Backoff << (try - 1)
	if p.Jitter > 0 && d > 0 {
		d += time.Duration(float64(d) * p.Jitter * rnd())
	}
	return max(hint, d)
}

// Clock is the time a client reads and waits on; tests pass a FakeClock so
// that backoff and rate-limit waits take no time.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends, returning ctx.Err() then.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx ends, whichever comes first. A d of 0 or
// less only checks ctx.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// FakeClock is a Clock for tests: Sleep moves it forward at once and
// records the wait.
type FakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

// NewFakeClock starts a fake clock at start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{now: start} }

func (f *FakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if d > 0 {
		f.now = f.now.Add(d)
		f.waits = append(f.waits, d)
	}
	return nil
}

// Waits returns the waits slept so far, in order.
func (f *FakeClock) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date;
// -1 when absent or unreadable.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return -1
	}
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n < 0 {
			return -1
		}
		return seconds(n)
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}

func seconds(n int64) time.Duration {
	const maxSecs = int64(1<<63-1) / int64(time.Second)
	return time.Duration(min(n, maxSecs)) * time.Second
}

func defaultRand() float64 { return rand.Float64() }
