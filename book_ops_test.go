package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/sync/simulate"
)

// What makes the team's book operable beside the sync itself: the vendors'
// request budgets it shares, the offers it carries, who holds its lock.

// 'sync --db postgres://…' keeps otark's request budget in the book: a
// budget another process (another server, an analyst's sync with the same
// key) recorded as spent for an hour holds this sync back, and otark
// fails saying so, instead of spending requests the vendor would refuse.
func TestSyncIntoPostgresSharesTheBudgetInTheBook(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, simulate.Options{})
	url := pgtest.URL(t)
	s, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sum := sha256.Sum256([]byte(f.up.Token()))
	if err := s.SetRateBudget(ctx, "otark", hex.EncodeToString(sum[:]), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", url)
	if code != exitSourceFailed || !summaryHas(stdout, "demo-otark", "failed") || !strings.Contains(stdout+stderr, "request budget is spent") {
		t.Fatalf("exit %d, want %d with otark failed on its spent budget\nstdout:\n%s\nstderr:\n%s", code, exitSourceFailed, stdout, stderr)
	}
	if !summaryHas(stdout, "demo-enneo", "ok", "300") {
		t.Errorf("the other sources did not sync:\n%s", stdout)
	}
}
