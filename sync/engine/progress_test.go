package engine_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"wattfolio/sync/engine"
)

// recorder keeps every status reported, in order.
type recorder struct {
	mu  sync.Mutex
	all []engine.Status
}

func (r *recorder) Report(s engine.Status) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, s)
}

// A person following a sync sees it move page by page, the wait under way
// while it lasts, and how it ended; a failed source says why in one line.
func TestProgressIsReported(t *testing.T) {
	for _, tc := range []struct {
		name       string
		conn       *pages
		wantPhase  engine.Phase
		wantPages  int
		wantStored int
		wantErr    string
	}{
		{name: "done", conn: &pages{n: 25, size: 10, failAt: -1}, wantPhase: engine.PhaseDone, wantPages: 3, wantStored: 25},
		{name: "failed on page 2", conn: &pages{n: 25, size: 10, failAt: 1, err: errors.New("vendor down")}, wantPhase: engine.PhaseFailed, wantPages: 1, wantStored: 10, wantErr: "s: vendor down"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rec recorder
			board := new(engine.Board)
			e := &engine.Engine{Store: newStore(t), Reporter: &rec}
			ctx := engine.WithReporter(context.Background(), board)
			// A wait told by the connector shows in the status until the
			// next change.
			ctx = engine.WithWaits(ctx, func(engine.Wait) {})
			e.SyncAll(ctx, []engine.Source{{Name: "s", Vendor: "enneo", Connector: waitFirst{tc.conn}}})
			last := rec.all[len(rec.all)-1]
			if last.Phase != tc.wantPhase || last.Pages != tc.wantPages || last.Contracts != tc.wantStored || last.Err != tc.wantErr {
				t.Errorf("last status %+v, want %s after %d pages, %d contracts, err %q", last, tc.wantPhase, tc.wantPages, tc.wantStored, tc.wantErr)
			}
			if got := board.Statuses(); len(got) != 1 || got[0].Phase != last.Phase {
				t.Errorf("the board holds %+v, want the last status", got)
			}
			var waited, pagesSeen bool
			for _, s := range rec.all {
				if s.Wait != nil {
					waited = s.Wait.Source == "s" && s.WaitUntil.After(s.Started)
					if _, ok := s.Waiting(s.WaitUntil.Add(-time.Millisecond)); !ok {
						t.Error("a wait is not under way before it ends")
					}
				}
				if s.Pages == 1 && s.Phase == engine.PhaseContracts {
					pagesSeen = true
					if s.Wait != nil {
						t.Error("a stored page did not end the wait")
					}
				}
			}
			if !waited || !pagesSeen {
				t.Errorf("statuses lack the wait (%v) or the first page (%v): %+v", waited, pagesSeen, rec.all)
			}
		})
	}
}

// waitFirst tells a 429 wait before the connector's first page.
type waitFirst struct{ *pages }

func (w waitFirst) Streams() engine.Streams { return engine.Streams{Contracts: w} }

func (w waitFirst) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	engine.ReportWait(ctx, engine.Wait{Cause: "429 Too Many Requests", Status: 429, For: 12 * time.Second, Attempt: 2})
	return w.pages.Contracts(ctx, cursor, page)
}
