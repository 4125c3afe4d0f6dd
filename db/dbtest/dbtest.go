// Package dbtest is what tests and benchmarks need of a cache beyond what
// the app asks of it: counting every stored reading and opening fresh
// caches quickly. The app never imports it.
package dbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"wattfolio/db"
	"wattfolio/db/internal/testhooks"
)

// CountReadings counts every reading s stores.
func CountReadings(ctx context.Context, s *db.Store) (int64, error) {
	return testhooks.CountReadings(ctx, s)
}

// Open opens a fresh cache in tb's temporary directory, closed when the
// test ends. The first call of a process creates and migrates one cache
// and keeps its bytes; every call copies them, since migrating a cache
// takes seconds under -race and the suites open dozens.
func Open(tb testing.TB) *db.Store {
	tb.Helper()
	blank, err := template()
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "cache.db")
	if err := os.WriteFile(path, blank, 0o600); err != nil {
		tb.Fatal(err)
	}
	s, err := db.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// template is the file of a freshly migrated, closed cache.
var template = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "wattfolio-dbtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "cache.db")
	s, err := db.Open(context.Background(), path)
	if err != nil {
		return nil, err
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	// Closing the last connection folds the WAL into the file; a WAL
	// left behind would hold part of the schema.
	if _, err := os.Stat(path + "-wal"); err == nil {
		return nil, fmt.Errorf("dbtest: a closed cache left its WAL behind")
	}
	return os.ReadFile(path)
})
