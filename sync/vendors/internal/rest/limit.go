package rest

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"wattfolio/sync/engine"
)

// Limiter keeps a source's requests within a number per minute (the
// sources file's max_requests_per_minute, a vendor's published budget),
// shared by every request of the source: its fan-out, its retries and its
// token requests.
//
// Requests are spaced evenly rather than allowed in bursts: a token bucket
// with a burst of b lets b + N requests through in some 60 s window, and a
// vendor counting in sliding windows would refuse the extra ones.
type Limiter struct {
	perMinute int
	lim       *rate.Limiter
	// turn lets one request at a time wait for its slot, so requests leave
	// in the order they reserved and each waits only the gap since the one
	// before; on a FakeClock, whose Sleep moves time on, parallel sleepers
	// would otherwise add up their waits. A channel, not a mutex, so that a
	// request whose source is cancelled stops queueing at once.
	turn chan struct{}
}

// headroom widens the spacing by 1 %, so that requests that leave on time
// but arrive with uneven latency (the first slow, the last fast) still land
// within the budget at the vendor's end, and rounding in the token bucket
// never lets one extra through.
const headroom = 101

// NewLimiter allows perMinute requests in any minute; nil when perMinute
// is 0 or less (no limit).
func NewLimiter(perMinute int) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	return &Limiter{perMinute: perMinute, lim: rate.NewLimiter(rate.Every(Spacing(perMinute)), 1), turn: make(chan struct{}, 1)}
}

// Spacing is the least time between two requests under a budget of
// perMinute requests a minute.
func Spacing(perMinute int) time.Duration {
	d := time.Duration(perMinute)
	return (time.Minute*headroom/100 + d - 1) / d
}

// PerMinute is the budget the limiter keeps.
func (l *Limiter) PerMinute() int { return l.perMinute }

// reportFrom is the shortest wait for the budget that is told to the user:
// the spacing of a busy source is a fraction of a second per request, and a
// line for each would drown the waits that matter.
const reportFrom = time.Second

// waitLimit waits for the request's turn in the source's budget, on the
// client's clock (a FakeClock in tests).
func (c *Client) waitLimit(ctx context.Context) error {
	if c.Limiter == nil {
		return nil
	}
	select {
	case c.Limiter.turn <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("waiting for the request budget: %w", ctx.Err())
	}
	defer func() { <-c.Limiter.turn }()
	now := c.now()
	r := c.Limiter.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	if d >= reportFrom {
		engine.ReportWait(ctx, engine.Wait{Cause: fmt.Sprintf("request budget of %d a minute", c.Limiter.perMinute), For: d})
	}
	if err := c.clock().Sleep(ctx, d); err != nil {
		r.CancelAt(c.now())
		return fmt.Errorf("waiting for the request budget: %w", err)
	}
	return nil
}
