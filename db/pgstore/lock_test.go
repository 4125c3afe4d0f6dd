package pgstore_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
)

// A second sync of a book, on a connection of its own, is told who holds
// the lock: the first sync's application_name, where it connects from and
// since when, as pg_locks and pg_stat_activity tell, both when it gives up
// at once and when it waits. The lock taken, the second one gets it.
func TestSecondSyncNamesTheLockHolder(t *testing.T) {
	ctx := context.Background()
	base := pgtest.URL(t)
	open := func(app string) *pgstore.Store {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if app != "" {
			q.Set("application_name", app)
		}
		u.RawQuery = q.Encode()
		s, err := pgstore.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	// The first as a server's sync names itself; the second leaves
	// Wattfolio's own name ("wattfolio pid N on HOST").
	first, second := open("team-sync-on-book-1"), open("")
	before := time.Now().UTC().Truncate(time.Second)
	unlock, err := first.LockSync(ctx, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	held := true
	defer func() {
		if held {
			unlock()
		}
	}()

	_, err = second.LockSync(ctx, false, nil)
	if !errors.Is(err, db.ErrSyncRunning) || !errors.Is(err, pgstore.ErrSyncRunning) {
		t.Fatalf("second sync without waiting: %v, want ErrSyncRunning", err)
	}
	// The server's operator reads of the book, not of a laptop's cache.
	if want := `a sync of this book is already running (held by "team-sync-on-book-1" from `; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("second sync without waiting: %q, want it to begin %q", err, want)
	}
	checkHolder(t, "refused", err.Error(), before)

	var (
		wg     sync.WaitGroup
		holder string
		got    error
	)
	told, done := make(chan struct{}), make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		un, err := second.LockSync(ctx, true, func(h string) { holder = h; close(told) })
		if got = err; err == nil {
			un()
		}
	}()
	select { // the second sync is waiting, and has said for whom
	case <-told:
	case <-done:
		t.Fatalf("the second sync did not wait: %v", got)
	}
	unlock()
	held = false
	wg.Wait()
	if got != nil {
		t.Fatalf("waiting sync: %v, want the lock once the first released it", got)
	}
	checkHolder(t, "waiting", holder, before)
	if h := second.SyncHolder(ctx); h != "held by another connection" {
		t.Errorf("holder of a free lock = %q", h)
	}
}

// checkHolder checks that msg names the first sync as pg_stat_activity
// shows it: its name, its loopback address, and a time no earlier than
// just before it took the lock.
func checkHolder(t *testing.T, what, msg string, before time.Time) {
	t.Helper()
	if !strings.Contains(msg, `"team-sync-on-book-1" from 127.0.0.1, since `) {
		t.Fatalf("%s: %q does not name the holder, its address and since when", what, msg)
	}
	_, rest, _ := strings.Cut(msg, ", since ")
	since, err := time.Parse("2006-01-02 15:04:05 UTC", rest[:len("2006-01-02 15:04:05 UTC")])
	if err != nil || since.Before(before) || since.After(time.Now().UTC()) {
		t.Errorf("%s: since %q (%v), want between %v and now", what, rest, err, before)
	}
}
