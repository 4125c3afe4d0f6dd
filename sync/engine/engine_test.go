package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/db/dbtest"
	"wattfolio/sync/engine"
)

// pages is a connector serving n contracts in pages of size, failing with
// failAt's error when it reaches that page (-1: never).
type pages struct {
	n, size, failAt int
	err             error
	bad             map[int]bool // contracts reported as record failures
	calls           []string     // the cursors it was asked to start from
}

func (p *pages) Streams() engine.Streams { return engine.Streams{Contracts: p} }

func (p *pages) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	p.calls = append(p.calls, cursor)
	start := 0
	if cursor != "" {
		start, _ = strconv.Atoi(cursor)
	}
	for i := start; i < p.n; i += p.size {
		if i/p.size == p.failAt {
			return p.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var pg engine.Page
		for j := i; j < min(i+p.size, p.n); j++ {
			if p.bad[j] {
				pg.Failures = append(pg.Failures, &app.RecordError{Source: "s", Record: fmt.Sprintf("contract %d", j), Field: "consumption", Err: errors.New("bad")})
				continue
			}
			pg.Contracts = append(pg.Contracts, app.Contract{
				ExternalID: strconv.Itoa(j), Kind: app.KindRetail, Status: "active",
				Raw: []byte("{}"), FetchedAt: time.Now(),
			})
		}
		pg.Cursor = strconv.Itoa(min(i+p.size, p.n))
		if err := page(pg); err != nil {
			return err
		}
	}
	return nil
}

func newStore(t *testing.T) *db.Store { return dbtest.Open(t) }

func count(t *testing.T, s *db.Store) int {
	t.Helper()
	p, err := s.ListContracts(context.Background(), app.ContractFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

func TestSyncFailureKeepsStoredPagesAndNextRunResumes(t *testing.T) {
	s := newStore(t)
	e := &engine.Engine{Store: s}
	conn := &pages{n: 100, size: 10, failAt: 4, err: errors.New("vendor down")}
	src := engine.Source{Name: "s", Vendor: app.VendorEnneo, BaseURL: "http://x", Connector: conn}

	res := e.Sync(context.Background(), src)
	if res.Status != app.RunFailed || res.Err == nil || res.Fetched != 40 {
		t.Fatalf("first run = %+v, want failed after 40", res)
	}
	if got := count(t, s); got != 40 {
		t.Fatalf("%d contracts after failed run, want the 40 stored before it", got)
	}

	conn.failAt = -1
	res = e.Sync(context.Background(), src)
	if res.Status != app.RunOK || !res.Resumed || res.Fetched != 60 {
		t.Fatalf("second run = %+v, want ok, resumed, 60 fetched", res)
	}
	if conn.calls[1] != "40" {
		t.Errorf("second run started at cursor %q, want 40", conn.calls[1])
	}
	if got := count(t, s); got != 100 {
		t.Errorf("%d contracts after resume, want 100", got)
	}
	// A completed run resets the checkpoint: the next one starts over.
	e.Sync(context.Background(), src)
	if conn.calls[2] != "" {
		t.Errorf("third run started at %q, want the beginning", conn.calls[2])
	}
}

func TestSyncRecordFailuresMakeRunPartial(t *testing.T) {
	s := newStore(t)
	e := &engine.Engine{Store: s}
	var seen []engine.Progress
	e.Progress = func(p engine.Progress) { seen = append(seen, p) }
	src := engine.Source{Name: "s", Vendor: app.VendorEnneo, BaseURL: "http://x",
		Connector: &pages{n: 25, size: 10, failAt: -1, bad: map[int]bool{3: true, 17: true}}}
	res := e.Sync(context.Background(), src)
	if res.Status != app.RunPartial || res.Err != nil || res.Fetched != 23 || res.Failed != 2 {
		t.Fatalf("run = %+v, want partial 23/2", res)
	}
	if len(seen) != 3 || seen[2].Fetched != 23 || seen[2].Failed != 2 {
		t.Errorf("progress = %+v", seen)
	}
	run, err := s.LastRun(context.Background(), "s")
	if err != nil || run.Status != app.RunPartial || len(run.Problems) != 2 || run.Error != "2 records rejected" {
		t.Errorf("last run = %+v, %v", run, err)
	}
}

func TestSyncAllRunsEverySourceDespiteOneFailing(t *testing.T) {
	s := newStore(t)
	e := &engine.Engine{Store: s}
	srcs := []engine.Source{
		{Name: "a", Vendor: app.VendorEnneo, BaseURL: "http://a", Connector: &pages{n: 5, size: 2, failAt: -1}},
		{Name: "b", Vendor: app.VendorEnneo, BaseURL: "http://b", Connector: &pages{n: 5, size: 2, failAt: 0, err: errors.New("401 Unauthorized")}},
		{Name: "c", Vendor: app.VendorEnneo, BaseURL: "http://c", Connector: &pages{n: 7, size: 2, failAt: -1}},
	}
	res, err := e.SyncAll(context.Background(), srcs)
	if err == nil {
		t.Fatal("SyncAll hid source b's failure")
	}
	want := []app.RunStatus{app.RunOK, app.RunFailed, app.RunOK}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("source %s: %s, want %s", r.Source, r.Status, want[i])
		}
	}
	if got := count(t, s); got != 12 {
		t.Errorf("%d contracts, want 12", got)
	}
}

func TestSyncCancelledIsInterrupted(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	e := &engine.Engine{Store: s, Progress: func(p engine.Progress) {
		if p.Fetched >= 20 {
			cancel()
		}
	}}
	res := e.Sync(ctx, engine.Source{Name: "s", Vendor: app.VendorEnneo, BaseURL: "http://x", Connector: &pages{n: 100, size: 10, failAt: -1}})
	if res.Status != app.RunInterrupted {
		t.Fatalf("run = %+v, want interrupted", res)
	}
	run, err := s.LastRun(context.Background(), "s")
	if err != nil || run.Status != app.RunInterrupted || run.FinishedAt.IsZero() {
		t.Errorf("recorded run = %+v, %v", run, err)
	}
}
