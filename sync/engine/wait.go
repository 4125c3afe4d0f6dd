package engine

import (
	"context"
	"fmt"
	"time"
)

// Wait is a connector waiting before it asks the vendor again, told to the
// person running the sync so that a stalled vendor is never minutes of
// silence.
type Wait struct {
	Source  string        // the configured source; stamped by the engine
	Cause   string        // e.g. "429 Too Many Requests", "request timed out"
	Status  int           // the answer's status; 0 when none came
	For     time.Duration // how long it waits
	Attempt int           // the try that comes after the wait (2 for the first retry)
	Of      int           // tries in all; 0 when the waits are not counted (a rate limit waited out)
}

// String is the line a person reads, e.g.
// "otark: 429, waiting 12 s (attempt 2 of 5)".
func (w Wait) String() string {
	cause := w.Cause
	if w.Status != 0 {
		cause = fmt.Sprint(w.Status)
	}
	s := fmt.Sprintf("%s: %s, waiting %s", w.Source, cause, seconds(w.For))
	switch {
	case w.Of > 0:
		s += fmt.Sprintf(" (attempt %d of %d)", w.Attempt, w.Of)
	case w.Attempt > 0:
		s += fmt.Sprintf(" (attempt %d)", w.Attempt)
	}
	return s
}

// seconds says a wait the way a person reads it: whole seconds from 10 s,
// one decimal below, never "0 s".
func seconds(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%d s", int((d+time.Second/2)/time.Second))
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

type waitKey struct{}

// WithWaits returns ctx carrying fn, which connectors call (through
// ReportWait) before each wait between tries. fn may be called from several
// goroutines.
func WithWaits(ctx context.Context, fn func(Wait)) context.Context {
	return context.WithValue(ctx, waitKey{}, fn)
}

// ReportWait tells the hook in ctx, if any, about w.
func ReportWait(ctx context.Context, w Wait) {
	if fn, ok := ctx.Value(waitKey{}).(func(Wait)); ok && fn != nil {
		fn(w)
	}
}

// withWaits returns ctx whose wait hook names source and tells e.Waits and
// the source's progress tracker (nil: none) as well as the hook ctx had.
func (e *Engine) withWaits(ctx context.Context, source string, tr *tracker) context.Context {
	outer, _ := ctx.Value(waitKey{}).(func(Wait))
	if outer == nil && e.Waits == nil && tr == nil {
		return ctx
	}
	return WithWaits(ctx, func(w Wait) {
		w.Source = source
		if tr != nil {
			tr.wait(w)
		}
		if e.Waits != nil {
			e.Waits(w)
		}
		if outer != nil {
			outer(w)
		}
	})
}
