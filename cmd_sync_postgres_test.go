package main

import (
	"context"
	"strings"
	"testing"

	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/sync/simulate"
)

// 'wattfolio sync --db postgres://…' syncs every source's contracts into
// the team's book and says, with exit code 5, that the time series stayed
// behind; a second sync finds the book current and removes nothing.
func TestSyncIntoPostgresThroughTheCLI(t *testing.T) {
	f := newFixture(t, simulate.Options{})
	url := pgtest.URL(t)
	for round := 1; round <= 2; round++ {
		code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", url)
		if code != exitMissing {
			t.Fatalf("round %d: exit code %d, want %d (series not synced)\nstdout:\n%s\nstderr:\n%s", round, code, exitMissing, stdout, stderr)
		}
		if !summaryHas(stdout, "demo-enneo", "ok", "300") || !summaryHas(stdout, "demo-otark", "ok", "30") {
			t.Errorf("round %d: summary lacks the contracts synced:\n%s", round, stdout)
		}
		if !strings.Contains(stdout, "Not synced: the time series of demo-epilot") ||
			!strings.Contains(stderr, "cannot go to PostgreSQL yet") && !strings.Contains(stderr, "PostgreSQL holds contracts only") {
			t.Errorf("round %d: no word of the time series left behind:\nstdout:\n%s\nstderr:\n%s", round, stdout, stderr)
		}
	}
	s, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs, err := s.Contracts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bySource := map[string]int{}
	for _, c := range cs {
		if c.Removed {
			t.Errorf("contract %s/%s marked removed after two identical syncs", c.Source, c.ExternalID)
		}
		bySource[c.Source]++
	}
	if bySource["demo-enneo"] != 300 || bySource["demo-otark"] != 30 {
		t.Errorf("contracts in the book by source = %v, want 300 of enneo and 30 of otark among them", bySource)
	}
}

// A book that cannot be reached fails the command (exit 1), naming where
// without the password.
func TestSyncIntoUnreachablePostgres(t *testing.T) {
	f := newFixture(t, simulate.Options{})
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", "postgres://team:s3cret@127.0.0.1:1/book?connect_timeout=5")
	if code != exitFailed || !strings.Contains(stderr, "team@127.0.0.1:1/book") || strings.Contains(stdout+stderr, "s3cret") {
		t.Fatalf("exit code %d, want %d with where but not the password:\nstdout:\n%s\nstderr:\n%s", code, exitFailed, stdout, stderr)
	}
}
