package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/internal/cputime"
	"wattfolio/sync/engine"
	"wattfolio/sync/simulate"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/epilot/epilotsim"
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

// BenchmarkSeriesSyncBackends is the time-series comparison, side
// by side in one run: a full epilot sync of N meters × one year of quarter
// hours (WATTFOLIO_BENCH_METERS, default 20; the size is 500;
// WATTFOLIO_BENCH_DAYS shortens the year) from the simulator on loopback
// into a fresh SQLite cache file and into a fresh book on PostgreSQL over
// loopback (WATTFOLIO_TEST_POSTGRES; skipped without), then a no-change
// re-sync of each, and what each takes on disk per reading: the cache
// file (its WAL folded in), and on PostgreSQL pg_total_relation_size of
// meters, meter_streams, series, reading_blocks and readings_daily (tables,
// indexes, TOAST). CPU times are this process's (the sync and the
// simulator), not the PostgreSQL server's. It runs once whatever b.N.
func BenchmarkSeriesSyncBackends(b *testing.B) {
	ran := false
	seriesBackendsOnce.Do(func() { ran = true })
	if !ran {
		b.ReportMetric(0, "ns/op")
		for _, m := range seriesBackendsFigures {
			b.ReportMetric(m.v, m.unit)
		}
		return
	}
	report := func(v float64, unit string) {
		seriesBackendsFigures = append(seriesBackendsFigures, benchFigure{v, unit})
		b.ReportMetric(v, unit)
	}
	ctx := context.Background()
	url := pgtest.URL(b)
	meters, days := envInt("WATTFOLIO_BENCH_METERS", 20), envInt("WATTFOLIO_BENCH_DAYS", 0)
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	from := to.AddDate(-1, 0, 0)
	if days > 0 {
		from = to.AddDate(0, 0, -days)
	}
	sim := epilotsim.New(epilotsim.Options{Seed: 42, Meters: meters, Token: "t", From: from, To: to})
	mux := http.NewServeMux()
	mux.Handle("/epilot/", http.StripPrefix("/epilot", sim))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := epilot.New(epilot.Config{Source: "ep", BaseURL: srv.URL + "/epilot", Token: "t", Now: func() time.Time { return to }})
	if err != nil {
		b.Fatal(err)
	}
	src := engine.Source{Name: "ep", Vendor: app.VendorEpilot, BaseURL: srv.URL, Connector: c}

	// syncTwice times a full sync of src into store and a no-change
	// re-sync.
	syncTwice := func(name string, store engine.Store) (readings int64) {
		eng := &engine.Engine{Store: store, Logger: slog.New(slog.DiscardHandler)}
		for _, pass := range []string{"sync", "resync"} {
			t0, cpu0 := time.Now(), cputime.Process()
			res := eng.Sync(ctx, src)
			dur, cpu := time.Since(t0), cputime.Process()-cpu0
			if res.Err != nil {
				b.Fatalf("%s %s: %v", name, pass, res.Err)
			}
			if pass == "sync" {
				readings = int64(res.Readings)
			}
			report(dur.Seconds(), name+"-"+pass+"-s")
			report(cpu.Seconds(), name+"-"+pass+"-cpu-s")
		}
		return readings
	}
	b.ResetTimer()

	path := filepath.Join(b.TempDir(), "cache.db")
	lite, err := db.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	n := syncTwice("sqlite", lite)
	lite.Close()
	chk, err := db.Open(ctx, path) // folds the WAL into the file
	if err != nil {
		b.Fatal(err)
	}
	chk.Close()
	liteBytes := fileBytes(path) + fileBytes(path+"-wal")

	book, err := pgstore.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer book.Close()
	if got := syncTwice("postgres", book); got != n {
		b.Fatalf("postgres stored %d readings, sqlite %d", got, n)
	}
	stored, err := book.CountReadings(ctx)
	if err != nil {
		b.Fatal(err)
	}
	pgBytes, err := book.SeriesBytes(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()

	fmt.Printf("\nepilot time series into both backends: %d meters x %d days of quarter hours, %d readings\n", meters, int(to.Sub(from).Hours()/24), stored)
	b.ReportMetric(0, "ns/op")
	report(float64(meters), "meters")
	report(float64(stored), "readings")
	figs := map[string]float64{}
	for _, f := range seriesBackendsFigures {
		figs[f.unit] = f.v
	}
	report(figs["postgres-sync-s"]/figs["sqlite-sync-s"], "postgres/sqlite-sync")
	report(float64(liteBytes)/float64(stored), "sqlite-B/reading")
	report(float64(pgBytes)/float64(stored), "postgres-B/reading")
}

var (
	seriesBackendsOnce    sync.Once
	seriesBackendsFigures []benchFigure
)

type benchFigure struct {
	v    float64
	unit string
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func fileBytes(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
