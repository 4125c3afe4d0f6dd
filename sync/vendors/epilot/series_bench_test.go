package epilot_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
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
	"wattfolio/internal/cputime"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/epilot/epilotsim"
)

// BenchmarkSeries is the time-series report, side by side in one run: a
// full epilot sync of N meters × one year of quarter hours
// (WATTFOLIO_BENCH_METERS, default 20; the size is 500) from the
// simulator on loopback, against two baselines that cannot flatter it:
//
//   - the floor: the very blocks the sync wrote, copied into memory first,
//     then written into a fresh cache's reading_blocks in one transaction
//     through the same driver (no HTTP, no JSON, no encoding, no look-up,
//     no rollup, nothing untimed in between);
//   - the sqlite3 shell's .import of the same readings as a CSV of the nine
//     columns a row per reading needs, into a plain table.
//
// Then a no-change re-sync, a CSV export of every reading beside the
// shell's SELECT of the same rows and columns (no ORDER BY: Wattfolio sorts
// nothing either) to CSV, and, on a separate meter synced for a whole year
// whatever WATTFOLIO_BENCH_DAYS says, a year's monthly aggregate and a
// meter-year of consumption into memory. Every figure is a metric (make
// bench's table reads them), wall times and, steadier on a shared machine,
// CPU times (the sync's includes the simulator's, in the same process);
// the block codec's table is printed. It runs
// once whatever b.N. WATTFOLIO_BENCH_RESYNC_PROFILE names a file for a CPU
// profile of the re-sync.
func BenchmarkSeries(b *testing.B) {
	// The framework calls a benchmark again for each b.N; the report runs
	// once, and later calls report its figures again (the framework prints
	// the last call's).
	ran := false
	benchOnce.Do(func() { ran = true })
	if !ran {
		b.ReportMetric(0, "ns/op")
		for _, m := range seriesFigures {
			b.ReportMetric(m.v, m.unit)
		}
		return
	}
	report := func(v float64, unit string) {
		seriesFigures = append(seriesFigures, figure{v, unit})
		b.ReportMetric(v, unit)
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
	syncPath := filepath.Join(dir, "sync.db")
	store, sim, src, stop := simStore(ctx, b, syncPath, meters, from, to)
	defer stop()
	eng := &engine.Engine{Store: store, Logger: slog.New(slog.DiscardHandler)}

	b.ResetTimer()
	t0, cpu0 := time.Now(), cputime.Process()
	res := eng.Sync(ctx, src)
	syncDur, syncCPU := time.Since(t0), cputime.Process()-cpu0
	if res.Err != nil {
		b.Fatal(res.Err)
	}
	// Read now: the baselines below hold more in memory than a sync.
	rss := peakRSS()
	total := int64(res.Readings)

	floorDur := floorInsert(ctx, b, syncPath, filepath.Join(dir, "direct.db"))

	sim.Requests()
	var prof *os.File
	if p := os.Getenv("WATTFOLIO_BENCH_RESYNC_PROFILE"); p != "" {
		prof, _ = os.Create(p)
		_ = pprof.StartCPUProfile(prof)
	}
	t0, cpu0 = time.Now(), cputime.Process()
	if r := eng.Sync(ctx, src); r.Err != nil {
		b.Fatal(r.Err)
	}
	resyncDur, resyncCPU := time.Since(t0), cputime.Process()-cpu0
	if prof != nil {
		pprof.StopCPUProfile()
		prof.Close()
	}
	reqs := 0
	for _, n := range sim.Requests() {
		reqs += n
	}
	ms, _ := store.ListMeters(ctx)
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
	exportBytes := fileSize(csvPath)
	os.Remove(csvPath)

	// Fold the WAL into the file before measuring it.
	store.Close()
	chk, _ := db.Open(ctx, syncPath)
	chk.Close()
	size := fileSize(syncPath) + fileSize(syncPath+"-wal")

	shell := shellBaselines(ctx, b, dir, syncPath, rows)

	agg, curve := meterYear(ctx, b, filepath.Join(dir, "year.db"), to)
	b.StopTimer()

	fmt.Printf("\nepilot time series: %d meters x %d days of quarter hours, %d readings (consumption channels, prices, costs)\n", meters, int(to.Sub(from).Hours()/24), total)
	fmt.Print(codecs)
	b.ReportMetric(0, "ns/op")
	report(float64(meters), "meters")
	report(float64(total), "readings")
	report(syncDur.Seconds(), "sync-s")
	report(syncCPU.Seconds(), "sync-cpu-s")
	report(floorDur.Seconds(), "floor-s")
	report(syncDur.Seconds()/floorDur.Seconds(), "sync/floor")
	report(float64(rss)/1024, "sync-peak-RSS-MB")
	report(float64(size)/float64(total), "B/reading")
	report(resyncDur.Seconds(), "resync-s")
	report(resyncCPU.Seconds(), "resync-cpu-s")
	report(float64(reqs)/float64(meters), "resync-requests/meter")
	report(exportDur.Seconds(), "export-s")
	report(float64(exportBytes)/float64(max(rows, 1)), "export-B/row")
	if shell.ok {
		report(shell.importDur.Seconds(), "shell-import-s")
		report(syncDur.Seconds()/shell.importDur.Seconds(), "sync/shell-import")
		report(shell.importCPU.Seconds(), "shell-import-cpu-s")
		report(syncCPU.Seconds()/shell.importCPU.Seconds(), "sync-cpu/shell-import-cpu")
		report(shell.exportDur.Seconds(), "shell-export-s")
		report(float64(shell.exportBytes)/float64(max(rows, 1)), "shell-export-B/row")
		report(exportDur.Seconds()/shell.exportDur.Seconds(), "export/shell-export")
	}
	report(float64(agg)/1e6, "year-monthly-aggregate-ms")
	report(float64(curve)/1e6, "meter-year-curve-ms")
}

// BenchmarkResync is the no-change re-sync alone, the figure a sync every
// few minutes lives on: N meters (WATTFOLIO_BENCH_METERS, default 20) ×
// WATTFOLIO_BENCH_DAYS (default 30) of history synced once, untimed, then
// re-synced b.N times with nothing changed at the vendor. Besides the wall
// time per re-sync it reports the process's CPU time (the simulator's
// included), the requests per meter and the bytes the process had written
// to storage (Linux's write_bytes: the cache's pages and WAL; 0 elsewhere).
// BenchmarkSeries measures the same re-sync once, beside the full sync.
func BenchmarkResync(b *testing.B) {
	meters, days := 20, 30
	if n, err := strconv.Atoi(os.Getenv("WATTFOLIO_BENCH_METERS")); err == nil && n > 0 {
		meters = n
	}
	if n, err := strconv.Atoi(os.Getenv("WATTFOLIO_BENCH_DAYS")); err == nil && n > 0 {
		days = n
	}
	ctx := context.Background()
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	store, sim, src, stop := simStore(ctx, b, filepath.Join(b.TempDir(), "resync.db"), meters, to.AddDate(0, 0, -days), to)
	defer stop()
	eng := &engine.Engine{Store: store, Logger: slog.New(slog.DiscardHandler)}
	if r := eng.Sync(ctx, src); r.Err != nil {
		b.Fatal(r.Err)
	}
	sim.Requests()
	w0, cpu0 := storageWrites(), cputime.Process()
	b.ResetTimer()
	for range b.N {
		if r := eng.Sync(ctx, src); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	b.StopTimer()
	cpu, written := cputime.Process()-cpu0, storageWrites()-w0
	reqs := 0
	for _, n := range sim.Requests() {
		reqs += n
	}
	b.ReportMetric(float64(meters), "meters")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(reqs)/float64(meters*b.N), "requests/meter")
	b.ReportMetric(float64(written)/float64(b.N)/1024, "written-kB/op")
}

// simStore is a fresh cache at path and the epilot simulator of meters
// meters over [from, to) on loopback, with the source to sync it from.
func simStore(ctx context.Context, b *testing.B, path string, meters int, from, to time.Time) (*db.Store, *epilotsim.Server, engine.Source, func()) {
	b.Helper()
	sim := epilotsim.New(epilotsim.Options{Seed: 42, Meters: meters, Token: "t", From: from, To: to})
	srv := httptest.NewServer(httpPrefix("/epilot", sim))
	store, err := db.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	c, _ := epilot.New(epilot.Config{Source: "ep", BaseURL: srv.URL + "/epilot", Token: "t", Now: func() time.Time { return to }})
	src := engine.Source{Name: "ep", Vendor: app.VendorEpilot, BaseURL: srv.URL, Connector: c}
	return store, sim, src, func() { store.Close(); srv.Close() }
}

// floorInsert copies the blocks of the cache at from into memory, then
// times writing them into the empty reading_blocks of a fresh cache at to
// in one transaction, one prepared INSERT per block: what SQLite and the
// driver cost for the bytes the sync stores, with nothing else.
func floorInsert(ctx context.Context, b *testing.B, from, to string) time.Duration {
	b.Helper()
	s, err := db.Open(ctx, to)
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	src, err := sql.Open("sqlite", "file:"+from+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	type blk struct {
		sid, start, n int64
		data          []byte
	}
	var blocks []blk
	rs, err := src.QueryContext(ctx, "SELECT series_id, span_start, n, data FROM reading_blocks")
	if err != nil {
		b.Fatal(err)
	}
	for rs.Next() {
		var k blk
		if err := rs.Scan(&k.sid, &k.start, &k.n, &k.data); err != nil {
			b.Fatal(err)
		}
		blocks = append(blocks, k)
	}
	if err := rs.Err(); err != nil {
		b.Fatal(err)
	}
	dst, err := sql.Open("sqlite", "file:"+to+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		b.Fatal(err)
	}
	defer dst.Close()
	dst.SetMaxOpenConns(1)
	if err := dst.PingContext(ctx); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	tx, err := dst.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.PrepareContext(ctx, "INSERT INTO reading_blocks (series_id, span_start, n, data) VALUES (?, ?, ?, ?)")
	if err != nil {
		b.Fatal(err)
	}
	for _, k := range blocks {
		if _, err := st.ExecContext(ctx, k.sid, k.start, k.n, k.data); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return time.Since(t0)
}

type shellFigures struct {
	ok                   bool
	importDur, exportDur time.Duration
	importCPU            time.Duration // the shell's CPU time, user and system
	exportBytes          int64
}

// shellBaselines times the sqlite3 shell: .import of every reading of the
// cache at syncPath as a CSV of nine integer columns (series, instant,
// value, tax, five price components) into a plain table, as one row per
// reading would store them, with the cache's journal settings; then a
// SELECT of the same rows with the columns of Wattfolio's readings export
// (names joined by series id, instants as ISO 8601, values as decimals) to
// CSV, in the table's order. It needs rows, the readings exported.
func shellBaselines(ctx context.Context, b *testing.B, dir, syncPath string, rows int64) shellFigures {
	b.Helper()
	if _, err := exec.LookPath("sqlite3"); err != nil {
		b.Log("sqlite3 not installed (apt-get install sqlite3): no shell baselines")
		return shellFigures{}
	}
	store, err := db.Open(ctx, syncPath)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	ids := map[[3]string]int64{}
	src, err := sql.Open("sqlite", "file:"+syncPath+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	rs, err := src.QueryContext(ctx, "SELECT id, meter_id, measure, channel FROM series")
	if err != nil {
		b.Fatal(err)
	}
	for rs.Next() {
		var id, meter int64
		var measure, channel string
		if err := rs.Scan(&id, &meter, &measure, &channel); err != nil {
			b.Fatal(err)
		}
		ids[[3]string{strconv.FormatInt(meter, 10), measure, channel}] = id
	}
	csvPath := filepath.Join(dir, "rows.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	var line []byte
	var n int64
	err = store.EachReading(ctx, 0, time.Unix(0, 0), time.Unix(1<<40, 0), series.Native, func(r *series.Row) error {
		n++
		line = strconv.AppendInt(line[:0], ids[[3]string{strconv.FormatInt(r.Meter.ID, 10), string(r.Measure), r.Channel}], 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, r.Start.Unix(), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(r.Value), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, r.Tax.Code(), 10)
		var parts []*app.Decimal
		if p := r.Parts; p != nil {
			parts = []*app.Decimal{p.Auction, p.TaxesLevies, p.SourceFee, p.GridFee, p.Margin}
		}
		for k := range 5 {
			line = append(line, ',')
			if k < len(parts) && parts[k] != nil {
				line = strconv.AppendInt(line, int64(*parts[k]), 10)
			}
		}
		line = append(line, '\n')
		_, err := w.Write(line)
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil || n != rows {
		b.Fatalf("rows CSV: %d rows, %v", n, err)
	}
	shellDB := filepath.Join(dir, "shell.db")
	var cpu time.Duration
	sh := func(script string) time.Duration {
		cmd := exec.CommandContext(ctx, "sqlite3", "-bail", shellDB)
		cmd.Stdin = strings.NewReader(script)
		t0 := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sqlite3: %v\n%s", err, out)
		}
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		return time.Since(t0)
	}
	sh("PRAGMA journal_mode=WAL;\nCREATE TABLE readings (series_id INTEGER, ts INTEGER, value INTEGER, tax INTEGER, auction_e6 INTEGER, levies_e6 INTEGER, source_fee_e6 INTEGER, grid_fee_e6 INTEGER, margin_e6 INTEGER);\n")
	var fig shellFigures
	fig.importDur = sh("PRAGMA synchronous=NORMAL;\n.mode csv\n.import " + csvPath + " readings\n")
	fig.importCPU = cpu
	os.Remove(csvPath)
	out := filepath.Join(dir, "shell.csv")
	// The names of each series in one table keyed by its id, so that the
	// shell looks up one row per reading where Wattfolio formats them once
	// per series.
	sh("ATTACH '" + syncPath + "' AS c;\nCREATE TABLE names (id INTEGER PRIMARY KEY, source, meter_id, meter_number, measure, channel, currency);\n" +
		"INSERT INTO names SELECT s.id, so.name, m.external_id, m.number, s.measure, s.channel, CASE s.measure WHEN 'consumption' THEN '' ELSE 'EUR' END" +
		" FROM c.series s JOIN c.meters m ON m.id = s.meter_id JOIN c.sources so ON so.id = m.source_id;\n")
	fig.exportDur = sh(".mode csv\n.headers on\n.output " + out + "\n" +
		"SELECT n.source, n.meter_id, n.meter_number, n.measure, n.channel," +
		" strftime('%Y-%m-%dT%H:%M:%SZ', r.ts, 'unixepoch') AS start, strftime('%Y-%m-%dT%H:%M:%SZ', r.ts + 900, 'unixepoch') AS \"end\"," +
		" printf('%d.%06d', r.value / 1000000, abs(r.value) % 1000000) AS value, 1 AS readings, n.currency, r.tax AS tax_behavior, r.tax AS tax_rate," +
		" r.auction_e6, r.levies_e6, r.source_fee_e6, r.grid_fee_e6, r.margin_e6" +
		" FROM readings r JOIN names n ON n.id = r.series_id;\n")
	fig.exportBytes = fileSize(out)
	os.Remove(out)
	fig.ok = true
	return fig
}

// meterYear syncs one meter for a whole year into a cache at path and
// times what the meter page and the tariff engine read of it: the year's
// monthly aggregate and the year's consumption into memory, each the mean
// of a few runs.
func meterYear(ctx context.Context, b *testing.B, path string, to time.Time) (agg, curve time.Duration) {
	b.Helper()
	store, _, src, stop := simStore(ctx, b, path, 1, to.AddDate(-1, 0, 0), to)
	defer stop()
	if r := (&engine.Engine{Store: store, Logger: slog.New(slog.DiscardHandler)}).Sync(ctx, src); r.Err != nil {
		b.Fatal(r.Err)
	}
	ms, _ := store.ListMeters(ctx)
	loc, _ := series.LoadZone(ms[0].Zone)
	yTo := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, loc)
	yFrom := yTo.AddDate(-1, 0, 0)
	const aggRuns = 50
	t0 := time.Now()
	for range aggRuns {
		bs, err := store.Aggregate(ctx, ms[0].ID, yFrom, yTo, series.Month)
		if err != nil || len(bs) == 0 {
			b.Fatalf("aggregate: %d buckets, %v", len(bs), err)
		}
	}
	agg = time.Since(t0) / aggRuns
	const curveRuns = 20
	var values []app.Decimal
	t0 = time.Now()
	for range curveRuns {
		values = values[:0]
		if err := store.EachMeasure(ctx, ms[0].ID, series.Consumption, yFrom, yTo, series.Native, func(r *series.Row) error {
			values = append(values, r.Value)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	curve = time.Since(t0) / curveRuns
	if len(values) < 35_000 {
		b.Fatalf("a meter-year of %d readings", len(values))
	}
	return agg, curve
}

var benchOnce sync.Once

// figure is one of BenchmarkSeries' metrics, kept for the framework's
// later calls.
type figure struct {
	v    float64
	unit string
}

var seriesFigures []figure

// codecTable encodes every stored reading in local-day blocks with and
// without zstd and reports the bytes per reading and the decode time of a
// meter-year per measure: the figures behind the cache's block format.
func codecTable(ctx context.Context, b *testing.B, store *db.Store, ms []series.Meter, from, to time.Time) string {
	type key struct {
		m     series.Measure
		zstd  bool
		first bool
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

// peakRSS is the process's high-water resident set in kB (Linux; 0
// elsewhere).
func peakRSS() int64 { return procFigure("/proc/self/status", "VmHWM") }

// storageWrites is the bytes this process caused to be written to storage
// so far (Linux's write_bytes; 0 elsewhere).
func storageWrites() int64 { return procFigure("/proc/self/io", "write_bytes") }

// procFigure is the number on the line "name: n" (a " kB" after it left
// out) of a /proc file, 0 when there is none.
func procFigure(file, name string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, name+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func httpPrefix(p string, h interface {
	ServeHTTP(w http.ResponseWriter, r *http.Request)
}) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(p+"/", http.StripPrefix(p, h))
	return mux
}
