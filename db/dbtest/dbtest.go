// Package dbtest is what tests and benchmarks need of a cache beyond what
// the app asks of it: counting every stored reading, and the benchmarks'
// direct-insert baseline. The app never imports it.
package dbtest

import (
	"context"
	"path/filepath"
	"testing"

	"wattfolio/app/series"
	"wattfolio/db"
	"wattfolio/db/internal/testhooks"
)

// CountReadings counts every reading s stores.
func CountReadings(ctx context.Context, s *db.Store) (int64, error) {
	return testhooks.CountReadings(ctx, s)
}

// BulkLoad writes readings of one meter's measure straight into day blocks
// in one transaction, with no look-up of existing blocks and no daily
// rollup: the benchmarks' direct-insert baseline, the least this storage
// does to put readings in the cache. The readings must be new.
func BulkLoad(ctx context.Context, s *db.Store, source, meter string, m series.Measure, rs []series.Reading) error {
	return testhooks.BulkLoad(ctx, s, source, meter, m, rs)
}

// Open opens a fresh cache in tb's temporary directory, closed when the
// test ends.
func Open(tb testing.TB) *db.Store {
	tb.Helper()
	s, err := db.Open(context.Background(), filepath.Join(tb.TempDir(), "cache.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
