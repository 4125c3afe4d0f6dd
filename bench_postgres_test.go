package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/sync/engine"
	"wattfolio/sync/simulate"
)

// BenchmarkContractSyncBackends is the contract sync of the demo sources
// (the simulated vendors at their default sizes: 300 enneo, 250 otark
// contracts and the rest), contracts only, into an empty store: the SQLite cache file against a book on
// PostgreSQL over loopback (WATTFOLIO_TEST_POSTGRES; skipped without).
func BenchmarkContractSyncBackends(b *testing.B) {
	up := simulate.New(simulate.Options{Seed: 1})
	srv := httptest.NewServer(up)
	defer srv.Close()
	dir := b.TempDir()
	config := filepath.Join(dir, "sources.toml")
	if err := os.WriteFile(config, []byte(up.SourcesTOML(srv.URL)), 0o600); err != nil {
		b.Fatal(err)
	}
	for k, v := range up.Env() {
		b.Setenv(k, v)
	}
	all, err := loadSources(config, "")
	if err != nil {
		b.Fatal(err)
	}
	srcs := contractStreams(all)
	syncInto := func(b *testing.B, store engine.Store) {
		results, err := (&engine.Engine{Store: store, Logger: slog.New(slog.DiscardHandler)}).SyncAll(context.Background(), srcs)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, r := range results {
			n += r.Fetched
		}
		b.ReportMetric(float64(n), "contracts/op")
	}
	// each syncs into a fresh store of one backend per iteration; only the
	// sync is timed.
	each := func(open func(b *testing.B, i int) (engine.Store, func())) func(b *testing.B) {
		return func(b *testing.B) {
			for i := range b.N {
				b.StopTimer()
				store, closeStore := open(b, i)
				b.StartTimer()
				syncInto(b, store)
				b.StopTimer()
				closeStore()
				b.StartTimer()
			}
		}
	}
	b.Run("sqlite", each(func(b *testing.B, i int) (engine.Store, func()) {
		store, err := db.Open(context.Background(), filepath.Join(dir, fmt.Sprintf("fresh-%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		return store, func() { store.Close() }
	}))
	b.Run("postgres", each(func(b *testing.B, _ int) (engine.Store, func()) {
		store, err := pgstore.Open(context.Background(), pgtest.URL(b))
		if err != nil {
			b.Fatal(err)
		}
		return store, store.Close
	}))
}
