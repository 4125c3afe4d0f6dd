package engine_test

import (
	"context"
	"testing"
	"time"

	"wattfolio/sync/engine"
)

func TestWaitLine(t *testing.T) {
	for _, tt := range []struct {
		w    engine.Wait
		want string
	}{
		{engine.Wait{Source: "otark", Cause: "429 Too Many Requests", Status: 429, For: 12 * time.Second, Attempt: 2, Of: 5}, "otark: 429, waiting 12 s (attempt 2 of 5)"},
		{engine.Wait{Source: "otark", Cause: "429 Too Many Requests", Status: 429, For: 90 * time.Second, Attempt: 7}, "otark: 429, waiting 90 s (attempt 7)"},
		{engine.Wait{Source: "enneo", Cause: "request timed out", For: 400 * time.Millisecond, Attempt: 3, Of: 3}, "enneo: request timed out, waiting 0.4 s (attempt 3 of 3)"},
		{engine.Wait{Source: "otark", Cause: "request budget spent", For: 29500 * time.Millisecond}, "otark: request budget spent, waiting 30 s"},
		{engine.Wait{Source: "podero", Cause: "503 Service Unavailable", Status: 503, For: 5 * time.Millisecond, Attempt: 2, Of: 3}, "podero: 503, waiting 5 ms (attempt 2 of 3)"},
	} {
		if got := tt.w.String(); got != tt.want {
			t.Errorf("%+v = %q, want %q", tt.w, got, tt.want)
		}
	}
}

// Sync names the source in every wait its connector reports, and tells
// both the engine's hook and the one already in the context.
func TestSyncReportsWaits(t *testing.T) {
	var fromEngine, fromContext []string
	e := &engine.Engine{Store: newStore(t), Waits: func(w engine.Wait) { fromEngine = append(fromEngine, w.String()) }}
	ctx := engine.WithWaits(context.Background(), func(w engine.Wait) { fromContext = append(fromContext, w.String()) })
	e.Sync(ctx, engine.Source{Name: "acme", Connector: engine.Streams{Contracts: contractsFunc(func(ctx context.Context, cursor string, page func(engine.Page) error) error {
		engine.ReportWait(ctx, engine.Wait{Cause: "503 Service Unavailable", Status: 503, For: time.Second, Attempt: 2, Of: 3})
		return nil
	})}})
	want := "acme: 503, waiting 1.0 s (attempt 2 of 3)"
	if len(fromEngine) != 1 || fromEngine[0] != want || len(fromContext) != 1 || fromContext[0] != want {
		t.Errorf("engine hook %q, context hook %q, want %q each", fromEngine, fromContext, want)
	}
}

type contractsFunc func(ctx context.Context, cursor string, page func(engine.Page) error) error

func (f contractsFunc) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	return f(ctx, cursor, page)
}
