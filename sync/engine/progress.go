package engine

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"wattfolio/app"
)

// Phase is what a source's sync is doing.
type Phase string

// A source goes through the phases in this order; one without time series
// skips meters and readings. Done and Failed are final.
const (
	PhaseQueued    Phase = "queued" // waiting for its turn among the sources
	PhaseContracts Phase = "contracts"
	PhaseMeters    Phase = "meters" // listing the meters
	PhaseReadings  Phase = "readings"
	PhaseDone      Phase = "done"
	PhaseFailed    Phase = "failed"
)

// Status is one source's progress at one moment: what a person watching a
// sync reads, on a terminal or on the Sync page.
type Status struct {
	Source    string
	Phase     Phase
	Pages     int // pages of contracts stored
	Contracts int // contracts stored
	Rejected  int // records rejected for bad data
	Missing   int // records not fetched after retries
	Meters    int // meters whose readings are done
	MetersOf  int // meters in all; 0 until they are listed
	Readings  int // readings stored
	// Wait is the wait under way (a 429, a retry after an outage), nil when
	// the source is not waiting; it ends at WaitUntil.
	Wait      *Wait
	WaitUntil time.Time
	Err       string // why the source failed (PhaseFailed), one line
	Started   time.Time
}

// Final reports whether the source has finished, well or not.
func (s Status) Final() bool { return s.Phase == PhaseDone || s.Phase == PhaseFailed }

// Waiting returns the wait under way at now, if any.
func (s Status) Waiting(now time.Time) (Wait, bool) {
	if s.Wait == nil || !now.Before(s.WaitUntil) || s.Final() {
		return Wait{}, false
	}
	return *s.Wait, true
}

// Reporter is told every change of a source's progress, with the whole
// status as it is now. Report is called from several goroutines and must
// not block for long: the sync waits for it.
type Reporter interface {
	Report(Status)
}

type reporterKey struct{}

// WithReporter returns ctx carrying r, told of the progress of every source
// a sync run under ctx reads, besides Engine.Reporter.
func WithReporter(ctx context.Context, r Reporter) context.Context {
	return context.WithValue(ctx, reporterKey{}, r)
}

// tracker keeps one source's status and tells the reporters of every
// change.
type tracker struct {
	mu        sync.Mutex
	st        Status
	reporters []Reporter
	now       func() time.Time
}

// newTracker returns the tracker of source, or nil when nobody listens.
func (e *Engine) newTracker(ctx context.Context, source string) *tracker {
	var rs []Reporter
	if e.Reporter != nil {
		rs = append(rs, e.Reporter)
	}
	if r, ok := ctx.Value(reporterKey{}).(Reporter); ok && r != nil {
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return nil
	}
	return &tracker{st: Status{Source: source, Phase: PhaseQueued, Started: e.now()}, reporters: rs, now: e.now}
}

// update changes the status under the lock and reports it. A change other
// than a wait ends the wait: the source is moving again. Safe on a nil
// tracker.
func (t *tracker) update(fn func(*Status)) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.st.Wait, t.st.WaitUntil = nil, time.Time{}
	fn(&t.st)
	for _, r := range t.reporters {
		r.Report(t.st)
	}
}

func (t *tracker) wait(w Wait) {
	t.update(func(s *Status) {
		s.Wait, s.WaitUntil = &w, t.now().Add(w.For)
	})
}

func (t *tracker) finish(res Result) {
	t.update(func(s *Status) {
		s.Contracts, s.Rejected, s.Missing, s.Readings = res.Fetched, res.Failed, res.Missing, res.Readings
		s.Phase = PhaseDone
		if res.Status == app.RunFailed || res.Status == app.RunInterrupted {
			s.Phase = PhaseFailed
			if res.Err != nil {
				s.Err, _, _ = strings.Cut(res.Err.Error(), "\n")
			}
		}
	})
}

type trackerKey struct{}

// trackerOf returns the tracker Sync put in ctx; nil when nobody listens.
func trackerOf(ctx context.Context) *tracker {
	t, _ := ctx.Value(trackerKey{}).(*tracker)
	return t
}

// Board is a Reporter that keeps every source's latest status, in the
// order the sources were first reported, for a view to read at its own
// pace.
type Board struct {
	mu    sync.Mutex
	order []string
	by    map[string]Status
}

// Report keeps s as its source's latest status.
func (b *Board) Report(s Status) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.by == nil {
		b.by = map[string]Status{}
	}
	if _, ok := b.by[s.Source]; !ok {
		b.order = append(b.order, s.Source)
	}
	b.by[s.Source] = s
}

// Statuses returns every source's latest status.
func (b *Board) Statuses() []Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Status, 0, len(b.order))
	for _, name := range b.order {
		out = append(out, b.by[name])
	}
	return out
}

// Reset forgets every source, for the next sync.
func (b *Board) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.order, b.by = slices.Delete(b.order, 0, len(b.order)), nil
}
