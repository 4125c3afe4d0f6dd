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
	"wattfolio/sync/engine"
	"wattfolio/sync/simulate"
)

// BenchmarkSync measures a full sync of N simulated enneo contracts over
// loopback HTTP into a fresh cache file, and a re-sync into a cache that
// already holds them (every row updated in place). It reports contracts/s.
func BenchmarkSync(b *testing.B) {
	for _, n := range []int{5000} {
		up := simulate.New(simulate.Options{Seed: 1, EnneoContracts: n})
		srv := httptest.NewServer(up)
		dir := b.TempDir()
		config := filepath.Join(dir, "sources.toml")
		if err := os.WriteFile(config, []byte(up.SourcesTOML(srv.URL)), 0o600); err != nil {
			b.Fatal(err)
		}
		for k, v := range up.Env() {
			b.Setenv(k, v)
		}
		srcs, err := loadSources(config, "")
		if err != nil {
			b.Fatal(err)
		}
		syncInto := func(b *testing.B, store *db.Store) {
			res := (&engine.Engine{Store: store, Logger: slog.New(slog.DiscardHandler)}).Sync(context.Background(), srcs[0])
			if res.Err != nil || res.Fetched != n {
				b.Fatalf("sync: %d fetched, %v", res.Fetched, res.Err)
			}
		}
		b.Run(fmt.Sprintf("fresh/%d", n), func(b *testing.B) {
			for i := range b.N {
				b.StopTimer()
				store, err := db.Open(context.Background(), filepath.Join(dir, fmt.Sprintf("fresh-%d.db", i)))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				syncInto(b, store)
				b.StopTimer()
				store.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "contracts/s")
		})
		b.Run(fmt.Sprintf("resync/%d", n), func(b *testing.B) {
			store, err := db.Open(context.Background(), filepath.Join(dir, "resync.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			syncInto(b, store)
			b.ResetTimer()
			for range b.N {
				syncInto(b, store)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "contracts/s")
		})
		srv.Close()
	}
}
