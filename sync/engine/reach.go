package engine

import (
	"context"
	"fmt"
	"sync"
)

// Reach records whether a source's vendor could be reached at all in one
// run, so that a sync started offline fails at once with one clear line per
// source instead of retrying every request of a fan-out: the connector kit
// marks it answered on any answer, and down on a failure to connect
// (connection refused, no such host, network unreachable) before any
// answer came. A failure to connect after an answer is an outage in the
// middle of a sync, retried as usual.
type Reach struct {
	mu       sync.Mutex
	answered bool
	cause    string
}

type reachKey struct{}

// WithReach returns ctx carrying a new Reach, as Sync gives each source's
// run.
func WithReach(ctx context.Context) context.Context {
	return context.WithValue(ctx, reachKey{}, new(Reach))
}

// ReachOf returns the Reach of the source being synced under ctx, nil
// outside a sync.
func ReachOf(ctx context.Context) *Reach {
	r, _ := ctx.Value(reachKey{}).(*Reach)
	return r
}

// Answered notes that the vendor answered. Safe on nil.
func (r *Reach) Answered() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.answered = true
	r.mu.Unlock()
}

// Unreachable notes a failure to connect and reports whether the source is
// now taken for offline (no answer came before), which ends its requests
// without retries. Safe on nil: false.
func (r *Reach) Unreachable(cause string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.answered {
		return false
	}
	if r.cause == "" {
		r.cause = cause
	}
	return true
}

// Down returns why the source is taken for offline, if it is. Safe on nil.
func (r *Reach) Down() (string, bool) {
	if r == nil {
		return "", false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cause, r.cause != "" && !r.answered
}

// UnreachableError is a source that could not be reached at all: its one
// line says where and why, e.g. "could not reach http://…: connection
// refused". It wraps the connector's own error.
type UnreachableError struct {
	URL   string
	Cause string
	Err   error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("could not reach %s: %s", e.URL, e.Cause)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

func offline(ctx context.Context) bool {
	_, down := ReachOf(ctx).Down()
	return down
}
