package epilot_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/export"
	"wattfolio/app/series"
	"wattfolio/db"
	"wattfolio/db/block"
	"wattfolio/db/dbtest"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/epilot/epilotsim"
)

// BenchmarkSeries is the time-series report: a full epilot sync of N meters
// × one year of quarter hours (WATTFOLIO_BENCH_METERS, default 20; the
// issue's target size is 500) from the simulator on loopback, the same
// readings bulk-loaded straight into a second cache, a no-change re-sync, a
// year's monthly aggregate of one meter, a meter-year of consumption into
// memory, a CSV export of every reading and what the block codec makes of
// the readings with and without zstd. It prints a table; it runs once
// whatever b.N. (The sqlite3 shell's CSV export is gone from it: the shell
// cannot decode blocks.)
func BenchmarkSeries(b *testing.B) {
	// The framework calls a benchmark again for each b.N; the report runs once.
	ran := false
	benchOnce.Do(func() { ran = true })
	if !ran {
		return
	}
	meters := 20
	if s := os.Getenv("WATTFOLIO_BENCH_METERS"); s != "" {
		meters, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	dir := b.TempDir()
	// WATTFOLIO_BENCH_DAYS shortens the history (default a year): a no-change
	// re-sync of many meters costs the same whatever the history behind it.
	days := 0
	if s := os.Getenv("WATTFOLIO_BENCH_DAYS"); s != "" {
		days, _ = strconv.Atoi(s)
	}
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	from := to.AddDate(-1, 0, 0)
	if days > 0 {
		from = to.AddDate(0, 0, -days)
	}
	sim := epilotsim.New(epilotsim.Options{Seed: 42, Meters: meters, Token: "t", From: from, To: to})
	srv := httptest.NewServer(httpPrefix("/epilot", sim))
	defer srv.Close()
	store, err := db.Open(ctx, filepath.Join(dir, "sync.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	c, _ := epilot.New(epilot.Config{Source: "ep", BaseURL: srv.URL + "/epilot", Token: "t", Now: func() time.Time { return to }})
	eng := &engine.Engine{Store: store}
	src := engine.Source{Name: "ep", Vendor: app.VendorEpilot, BaseURL: srv.URL, Connector: c}

	b.ResetTimer()
	t0 := time.Now()
	res := eng.Sync(ctx, src)
	syncDur := time.Since(t0)
	if res.Err != nil {
		b.Fatal(res.Err)
	}
	total, _ := dbtest.CountReadings(ctx, store)

	// The same readings, straight into a fresh cache as blocks through the
	// same driver and codec, with no HTTP, no JSON, no look-up of existing
	// blocks and no rollup.
	direct, err := db.Open(ctx, filepath.Join(dir, "direct.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer direct.Close()
	ms, _ := store.ListMeters(ctx)
	_ = direct.EnsureSource(ctx, "ep", app.VendorEpilot, srv.URL)
	_ = direct.SaveMeters(ctx, "ep", ms)
	var directDur time.Duration
	for i := range ms {
		m := &ms[i]
		byMeasure := map[series.Measure][]series.Reading{}
		_ = store.EachReading(ctx, m.ID, from, to, series.Native, func(r *series.Row) error {
			byMeasure[r.Measure] = append(byMeasure[r.Measure], series.Reading{Channel: r.Channel, TS: r.Start.Unix(), Value: r.Value, Tax: r.Tax, Parts: copyParts(r.Parts)})
			return nil
		})
		for _, meas := range series.Measures {
			t := time.Now()
			if err := dbtest.BulkLoad(ctx, direct, "ep", m.ExternalID, meas, byMeasure[meas]); err != nil {
				b.Fatal(err)
			}
			directDur += time.Since(t)
		}
	}

	sim.Requests()
	t0 = time.Now()
	if r := eng.Sync(ctx, src); r.Err != nil {
		b.Fatal(r.Err)
	}
	resyncDur := time.Since(t0)
	reqs := 0
	for _, n := range sim.Requests() {
		reqs += n
	}

	loc, _ := series.LoadZone("")
	yf := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	const aggRuns = 50
	t0 = time.Now()
	for range aggRuns {
		if _, err := store.Aggregate(ctx, ms[0].ID, yf, yf.AddDate(1, 0, 0), series.Month); err != nil {
			b.Fatal(err)
		}
	}
	aggDur := time.Since(t0) / aggRuns

	// What the tariff engine does first: one meter-year of consumption into
	// memory.
	const curveRuns = 20
	var curve []app.Decimal
	t0 = time.Now()
	for range curveRuns {
		curve = curve[:0]
		if err := store.EachMeasure(ctx, ms[0].ID, series.Consumption, from, to, series.Native, func(r *series.Row) error {
			curve = append(curve, r.Value)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	curveDur := time.Since(t0) / curveRuns
	codecs := codecTable(ctx, b, store, ms, from, to)

	csvPath := filepath.Join(dir, "readings.csv")
	t0 = time.Now()
	f, _ := os.Create(csvPath)
	bw := bufio.NewWriterSize(f, 1<<16)
	cw := export.NewReadingWriter(bw, export.Standard)
	var rows int64
	if err := store.EachReading(ctx, 0, time.Unix(0, 0), time.Unix(1<<40, 0), series.Native, func(r *series.Row) error { rows++; return cw.Write(r) }); err != nil {
		b.Fatal(err)
	}
	cw.Flush()
	bw.Flush()
	f.Close()
	exportDur := time.Since(t0)

	// Fold the WAL into the file before measuring it.
	store.Close()
	chk, _ := db.Open(ctx, filepath.Join(dir, "sync.db"))
	chk.Close()
	size := fileSize(filepath.Join(dir, "sync.db")) + fileSize(filepath.Join(dir, "sync.db-wal"))
	direct.Close()
	chk, _ = db.Open(ctx, filepath.Join(dir, "direct.db"))
	chk.Close()
	directSize := fileSize(filepath.Join(dir, "direct.db")) + fileSize(filepath.Join(dir, "direct.db-wal"))
	b.StopTimer()

	rate := func(n int64, d time.Duration) string { return fmt.Sprintf("%.0f rows/s", float64(n)/d.Seconds()) }
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nepilot time series: %d meters x %d days of quarter hours, %d readings (consumption channels, prices, costs)\n", len(ms), int(to.Sub(from).Hours()/24), total)
	fmt.Fprintf(&sb, "| step | time | throughput | note |\n|---|---|---|---|\n")
	fmt.Fprintf(&sb, "| full sync (loopback HTTP + JSON + SQLite) | %s | %s | %d meters |\n", syncDur.Round(time.Millisecond), rate(total, syncDur), res.Meters)
	fmt.Fprintf(&sb, "| direct insert: the same day blocks written straight (dbtest.BulkLoad: no look-up, no rollup) | %s | %s | sync/direct = %.2fx (target <= 1.5x) |\n", directDur.Round(time.Millisecond), rate(total, directDur), syncDur.Seconds()/directDur.Seconds())
	fmt.Fprintf(&sb, "| no-change re-sync | %s | %d requests | %.1f requests/meter (target < 2 s at 500 meters) |\n", resyncDur.Round(time.Millisecond), reqs, float64(reqs)/float64(len(ms)))
	fmt.Fprintf(&sb, "| monthly aggregate, one meter-year | %s | | target < 20 ms |\n", aggDur.Round(time.Microsecond))
	fmt.Fprintf(&sb, "| one meter-year of consumption into memory (EachMeasure) | %s | %d readings | target <= 2 ms |\n", curveDur.Round(time.Microsecond), len(curve))
	fmt.Fprintf(&sb, "| CSV export, every reading (wattfolio) | %s | %s | %d rows |\n", exportDur.Round(time.Millisecond), rate(rows, exportDur), rows)
	fmt.Fprintf(&sb, "| database size | %.1f MB | %.1f bytes/reading | direct insert's: %.1f MB, %.1f bytes/reading, no rollup |\n", float64(size)/1e6, float64(size)/float64(total), float64(directSize)/1e6, float64(directSize)/float64(total))
	fmt.Fprintf(&sb, "| peak memory (RSS, whole process incl. simulator) | %s | | target < 200 MB |\n", peakRSS())
	sb.WriteString(codecs)
	fmt.Print(sb.String())
	runtime.KeepAlive(sim)
}

var benchOnce sync.Once

// codecTable encodes every stored reading in local-day blocks with and
// without zstd and reports the bytes per reading and the decode time of a
// meter-year per measure: the figures behind the cache's block format.
func codecTable(ctx context.Context, b *testing.B, store *db.Store, ms []series.Meter, from, to time.Time) string {
	type key struct {
		m    series.Measure
		zstd bool
	}
	size := map[key]int{}
	count := map[series.Measure]int{}
	decode := map[key]time.Duration{}
	loc, _ := series.LoadZone("")
	for i := range ms {
		days := map[series.Measure]map[string][]block.Reading{}
		err := store.EachReading(ctx, ms[i].ID, from, to, series.Native, func(r *series.Row) error {
			br := block.Reading{TS: r.Start.Unix(), Value: int64(r.Value), Tax: r.Tax.Code()}
			if p := r.Parts; p != nil {
				for k, c := range []*app.Decimal{p.Auction, p.TaxesLevies, p.SourceFee, p.GridFee, p.Margin} {
					if c != nil {
						br.Mask |= 1 << k
						br.Parts[k] = int64(*c)
					}
				}
			}
			if days[r.Measure] == nil {
				days[r.Measure] = map[string][]block.Reading{}
			}
			k := r.Channel + r.Start.In(loc).Format(time.DateOnly)
			days[r.Measure][k] = append(days[r.Measure][k], br)
			count[r.Measure]++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		for m, byDay := range days {
			for _, z := range []bool{false, true} {
				e := block.Encoder{Compress: z}
				var blobs [][]byte
				for _, rs := range byDay {
					blob := e.Append(nil, rs)
					size[key{m: m, zstd: z}] += len(blob)
					blobs = append(blobs, blob)
				}
				if i == 0 {
					var d block.Decoder
					var buf []block.Reading
					t := time.Now()
					for _, blob := range blobs {
						buf, _ = d.Decode(buf, blob)
					}
					decode[key{m: m, zstd: z}] = time.Since(t)
				}
			}
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nblock codec, local-day blocks of the same readings (payload only, no SQLite overhead)\n| measure | readings | bytes/reading raw | bytes/reading, zstd where it halves a block | decode, meter %s's year, raw | zstd where it halves |\n|---|---|---|---|---|---|\n", ms[0].ExternalID)
	for _, m := range series.Measures {
		n := max(count[m], 1)
		fmt.Fprintf(&sb, "| %s | %d | %.2f | %.2f | %s | %s |\n", m, count[m], float64(size[key{m: m}])/float64(n), float64(size[key{m: m, zstd: true}])/float64(n),
			decode[key{m: m}].Round(time.Microsecond), decode[key{m: m, zstd: true}].Round(time.Microsecond))
	}
	return sb.String()
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.Size()
}

// peakRSS is the process's high-water resident set (Linux).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "n/a"
}

func httpPrefix(p string, h interface {
	ServeHTTP(w http.ResponseWriter, r *http.Request)
}) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(p+"/", http.StripPrefix(p, h))
	return mux
}

// copyParts keeps a row's price components past the callback, which may
// reuse them.
func copyParts(p *series.Parts) *series.Parts {
	if p == nil {
		return nil
	}
	c := *p
	for _, f := range []**app.Decimal{&c.Auction, &c.TaxesLevies, &c.SourceFee, &c.GridFee, &c.Margin} {
		if *f != nil {
			d := **f
			*f = &d
		}
	}
	return &c
}
