package pgstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
)

// Opening migrates once: a second Open of the same book (another laptop's
// sync, a restart) finds it current and keeps what it holds.
func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureSource(ctx, "acme", app.VendorEnneo, "http://127.0.0.1/api"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = pgstore.Open(ctx, url)
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	defer s.Close()
	if cur, err := s.Checkpoint(ctx, "acme", "contracts"); err != nil || cur != "" {
		t.Fatalf("checkpoint of the kept source = %q, %v; want \"\", nil", cur, err)
	}
}

// Two syncs of one book never clash: the second finds the advisory lock
// taken (or waits for it), however many processes share the database.
func TestSyncLockKeepsTwoSyncsApart(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	a, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	unlock, err := a.LockSync(ctx, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.LockSync(ctx, false, nil); !errors.Is(err, db.ErrSyncRunning) {
		t.Fatalf("second sync without waiting: err = %v, want ErrSyncRunning", err)
	}
	var (
		wg     sync.WaitGroup
		waited bool
		got    error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		un, err := b.LockSync(ctx, true, func(string) { waited = true })
		if got = err; err == nil {
			un()
		}
	}()
	time.Sleep(300 * time.Millisecond) // long enough for b to try once
	unlock()
	wg.Wait()
	if got != nil || !waited {
		t.Fatalf("waiting sync: err = %v, waited = %v; want the lock after being told to wait", got, waited)
	}
}

// The time series cannot go to PostgreSQL yet, and say so.
func TestSeriesSaySoOnPostgres(t *testing.T) {
	ctx := context.Background()
	s, err := pgstore.Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveMeters(ctx, "acme", nil); !errors.Is(err, pgstore.ErrSeriesNotYet) {
		t.Fatalf("SaveMeters: %v, want ErrSeriesNotYet", err)
	}
}
