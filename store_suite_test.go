package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db"
	"wattfolio/db/block"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/sync/engine"
	"wattfolio/sync/simulate"
)

// The shared store suite, as litestream runs one suite against every
// replica client: the same contract syncs of the simulated vendors run
// against the SQLite cache and the team's book on PostgreSQL, and both must
// end with the same contracts, checkpoints, runs and record problems. The
// PostgreSQL half needs WATTFOLIO_TEST_POSTGRES (.ci/postgres).

// suiteStore is a backend under the suite: the engine's store and what the
// suite reads back of it.
type suiteStore interface {
	engine.Store
	snapshot(t *testing.T, sources []string) bookState
}

// bookState is what a user of either backend would see of the contracts'
// side: every contract, each source's checkpoint and last run, and the
// records its last run had problems with.
type bookState struct {
	Contracts   []string          // "source/id customer status working-price-e6 [removed]"
	Checkpoints map[string]string // by source
	LastRuns    map[string]string // by source: "status fetched/failed/missing"
	Problems    map[string][]string
}

type sqliteSuite struct{ *db.Store }

func (s sqliteSuite) snapshot(t *testing.T, sources []string) bookState {
	t.Helper()
	ctx := context.Background()
	st := newBookState()
	err := s.EachContract(ctx, app.ContractFilter{Upstream: app.UpstreamAll}, func(c app.Contract) error {
		st.Contracts = append(st.Contracts, contractLine(c.Source, c.ExternalID, c.Customer.ExternalID, c.Status, (*int64)(c.Prices.WorkingPerKWh), c.Removed()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		st.Checkpoints[src] = checkpoint(t, s, src)
		run, err := s.LastRun(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		if run == nil {
			continue // no run yet
		}
		st.LastRuns[src] = fmt.Sprintf("%s %d/%d/%d", run.Status, run.Fetched, run.Failed, run.Missing)
		for _, p := range run.Problems {
			st.Problems[src] = append(st.Problems[src], strings.SplitN(p, ":", 2)[0])
		}
	}
	return st.sorted()
}

type postgresSuite struct{ *pgstore.Store }

func (s postgresSuite) snapshot(t *testing.T, sources []string) bookState {
	t.Helper()
	ctx := context.Background()
	st := newBookState()
	cs, err := s.Contracts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		st.Contracts = append(st.Contracts, contractLine(c.Source, c.ExternalID, c.Customer, c.Status, c.WorkingPerKWhE6, c.Removed))
	}
	runs, err := s.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	problems, err := s.Problems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		st.Checkpoints[src] = checkpoint(t, s, src)
		last := int64(0)
		for _, r := range runs {
			if r.SourceName == src {
				last = r.ID
				st.LastRuns[src] = fmt.Sprintf("%s %d/%d/%d", r.Status, r.Fetched, r.Failed, r.Missing)
			}
		}
		for _, p := range problems {
			if p.RunID == last {
				st.Problems[src] = append(st.Problems[src], p.Record)
			}
		}
	}
	return st.sorted()
}

func newBookState() bookState {
	return bookState{Checkpoints: map[string]string{}, LastRuns: map[string]string{}, Problems: map[string][]string{}}
}

func (b bookState) sorted() bookState {
	slices.Sort(b.Contracts)
	for _, p := range b.Problems {
		slices.Sort(p)
	}
	return b
}

func contractLine(source, id, customer, status string, working *int64, removed bool) string {
	price := "-"
	if working != nil {
		price = fmt.Sprint(*working)
	}
	line := source + "/" + id + " " + customer + " " + status + " " + price
	if removed {
		line += " removed"
	}
	return line
}

func checkpoint(t *testing.T, s engine.Store, source string) string {
	t.Helper()
	cur, err := s.Checkpoint(context.Background(), source, "contracts")
	if err != nil {
		t.Fatal(err)
	}
	return cur
}

// errCut is the failure a cut stream ends with part-way.
var errCut = errors.New("connection reset part-way through the listing")

// cutStream passes a source's contract pages on, but fails before page
// failAt (counted from 1; 0: never) and leaves the contract drop out of
// every page, as a vendor that no longer lists it.
type cutStream struct {
	inner  engine.ContractStream
	failAt int
	drop   string
}

func (c cutStream) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	n := 0
	return c.inner.Contracts(ctx, cursor, func(p engine.Page) error {
		if n++; n == c.failAt {
			return errCut
		}
		if c.drop != "" {
			p.Contracts = slices.DeleteFunc(slices.Clone(p.Contracts), func(k app.Contract) bool { return k.ExternalID == c.drop })
		}
		return page(p)
	})
}

// contractStreams declares each source's contracts only.
func contractStreams(srcs []engine.Source) []engine.Source {
	out := make([]engine.Source, len(srcs))
	for i, s := range srcs {
		st := s.Connector.Streams()
		s.Connector = engine.Streams{Contracts: st.Contracts, Scope: st.Scope}
		out[i] = s
	}
	return out
}

// contractsOnly declares each source's contracts only (contractStreams),
// its stream wrapped as cutStream says.
func contractsOnly(srcs []engine.Source, failAt int, drop string) []engine.Source {
	out := contractStreams(srcs)
	for i, s := range out {
		st := s.Connector.Streams()
		st.Contracts = cutStream{inner: st.Contracts, failAt: failAt, drop: drop}
		out[i].Connector = st
	}
	return out
}

// suiteStep is one sync of the suite and what it ended with.
type suiteStep struct {
	Results []string // by source: "status fetched/failed/missing resumed removed"
	State   bookState
}

// runStoreSuite runs the suite's syncs against s and returns each step, for
// the caller to compare across backends; it checks what a user would
// notice of each by hand.
func runStoreSuite(t *testing.T, s suiteStore, f *fixture, broken []string) []suiteStep {
	t.Helper()
	ctx := context.Background()
	srcs, err := loadSources(f.config, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range srcs {
		names = append(names, s.Name)
	}
	runs := map[string]int64{} // each source's last run
	step := func(failAt int, drop string) suiteStep {
		e := &engine.Engine{Store: s}
		results, _ := e.SyncAll(ctx, contractsOnly(srcs, failAt, drop))
		var st suiteStep
		for _, r := range results {
			runs[r.Source] = r.RunID
			st.Results = append(st.Results, fmt.Sprintf("%s %s %d/%d/%d resumed=%v removed=%d", r.Source, r.Status, r.Fetched, r.Failed, r.Missing, r.Resumed, r.Removed))
		}
		st.State = s.snapshot(t, names)
		return st
	}
	var steps []suiteStep

	// 1. Cut off after enneo's first page (50 contracts): the run failed,
	// the page stays with its checkpoint.
	first := step(2, "")
	steps = append(steps, first)
	if got := first.State.Checkpoints["demo-enneo"]; got == "" {
		t.Errorf("after a cut-off sync enneo's checkpoint is empty; want the first page's cursor")
	}
	if got := first.State.LastRuns["demo-enneo"]; !strings.HasPrefix(got, "failed 50/") {
		t.Errorf("cut-off enneo run = %q, want failed after 50 contracts", got)
	}

	// 2. The next sync resumes after that page and completes; the broken
	// records are rejected and kept as problems.
	resumed := step(0, "")
	steps = append(steps, resumed)
	enneo := resumed.Results[slices.Index(names, "demo-enneo")]
	if want := fmt.Sprintf("demo-enneo partial %d/%d/0 resumed=true removed=0", 300-50-len(broken), len(broken)); enneo != want {
		t.Errorf("resumed enneo sync = %q, want %q", enneo, want)
	}
	if got := resumed.State.Problems["demo-enneo"]; len(got) != len(broken) {
		t.Errorf("problems of the resumed enneo run = %v, want one for each of %v", got, broken)
	}
	for _, src := range names {
		if cur := resumed.State.Checkpoints[src]; cur != "" {
			t.Errorf("%s's checkpoint after a completed sync = %q, want \"\" (start again)", src, cur)
		}
	}

	// 3. A full sync whose listing lacks one otark contract marks it
	// removed; the others stay current.
	otark := firstContract(t, resumed.State, "demo-otark")
	gone := step(0, otark)
	steps = append(steps, gone)
	if !slices.ContainsFunc(gone.State.Contracts, func(l string) bool {
		return strings.HasPrefix(l, "demo-otark/"+otark+" ") && strings.HasSuffix(l, " removed")
	}) {
		t.Errorf("otark contract %s, no longer listed, is not marked removed", otark)
	}
	if got := gone.Results[slices.Index(names, "demo-otark")]; !strings.HasSuffix(got, "removed=1") {
		t.Errorf("otark sync without %s = %q, want removed=1", otark, got)
	}

	// 4. Problems found outside any page (a meter that could not be
	// read) are kept with the run and counted in it.
	miss := &app.RecordError{Record: "meter M-7", Field: "readings", Err: fmt.Errorf("no answer: %w", app.ErrNotFetched)}
	if err := s.RecordFailures(ctx, runs["demo-otark"], []*app.RecordError{miss}); err != nil {
		t.Fatal(err)
	}
	kept := suiteStep{Results: gone.Results, State: s.snapshot(t, names)}
	steps = append(steps, kept)
	if got := kept.State.LastRuns["demo-otark"]; got != "ok 29/0/1" {
		t.Errorf("otark run after a recorded missing meter = %q, want \"ok 29/0/1\"", got)
	}
	if got := kept.State.Problems["demo-otark"]; !slices.Equal(got, []string{"meter M-7"}) {
		t.Errorf("otark run's problems = %v, want [meter M-7]", got)
	}
	return steps
}

func firstContract(t *testing.T, st bookState, source string) string {
	t.Helper()
	for _, l := range st.Contracts {
		if rest, ok := strings.CutPrefix(l, source+"/"); ok {
			return strings.Fields(rest)[0]
		}
	}
	t.Fatalf("no contract of %s in the book", source)
	return ""
}

func TestStoreSuiteSQLiteAndPostgres(t *testing.T) {
	// Two of enneo's records are bad data, past its first page.
	f := newFixture(t, simulate.Options{})
	ids := f.up.Enneo.IDs()
	broken := []string{ids[120], ids[250]}
	f = newFixture(t, simulate.Options{EnneoBroken: broken})
	ctx := context.Background()

	steps := map[string][]suiteStep{}
	t.Run("sqlite", func(t *testing.T) {
		s, err := db.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		steps["sqlite"] = runStoreSuite(t, sqliteSuite{s}, f, broken)
	})
	t.Run("postgres", func(t *testing.T) {
		s, err := pgstore.Open(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		steps["postgres"] = runStoreSuite(t, postgresSuite{s}, f, broken)
	})
	lite, pg := steps["sqlite"], steps["postgres"]
	if lite == nil || pg == nil {
		return // one half skipped or failed: said above
	}
	for i := range lite {
		if !reflect.DeepEqual(lite[i], pg[i]) {
			t.Errorf("step %d differs between the backends:\nsqlite   %+v\npostgres %+v", i+1, lite[i], pg[i])
		}
	}
}

// The suite's series path: the same time-series syncs run against both
// backends, which must end with the same blocks (decoded and compared
// reading by reading), daily rollups, watermarks, runs and record
// problems.

// seriesState is what either backend holds of the time series. Keys are
// "source/meter/measure" for streams, "source/meter/measure/channel@day"
// (the local day a block spans, in Berlin) for blocks and rollups.
type seriesState struct {
	Streams map[string]string          // "interval currency watermark"
	Blocks  map[string][]block.Reading // decoded
	Counts  map[string]int64           // each block's stored reading count
	Days    map[string]string          // "n total lo hi"
}

// storedBlock is one block as a backend stores it, with what wrote it:
// the writing transaction on PostgreSQL (rev), nothing on SQLite.
type storedBlock struct {
	key  string
	data []byte
	rev  int64
}

func newSeriesState() seriesState {
	return seriesState{Streams: map[string]string{}, Blocks: map[string][]block.Reading{}, Counts: map[string]int64{}, Days: map[string]string{}}
}

func seriesKey(source, meter, measure, channel string, start int64) string {
	return fmt.Sprintf("%s/%s/%s/%s@%s", source, meter, measure, channel, time.Unix(start, 0).In(app.DefaultZone()).Format(time.DateOnly))
}

func streamLine(interval int64, currency string, watermark time.Time) string {
	w := "-"
	if !watermark.IsZero() {
		w = watermark.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("%s %s %s", series.IntervalOfSeconds(interval), currency, w)
}

func (st seriesState) addBlock(t *testing.T, key string, n int64, data []byte) {
	t.Helper()
	rs, err := new(block.Decoder).Decode(nil, data)
	if err != nil {
		t.Fatalf("block %s: %v", key, err)
	}
	st.Blocks[key], st.Counts[key] = rs, n
}

// seriesSnapshot reads a cache file's series with SQL of its own, read
// only: the cache's API reads readings, not blocks.
func (s sqliteSuite) seriesSnapshot(t *testing.T) (seriesState, []storedBlock) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	st := newSeriesState()
	var blocks []storedBlock
	const join = ` JOIN series se ON se.id = x.series_id JOIN meters m ON m.id = se.meter_id JOIN sources s ON s.id = m.source_id`
	each := func(query string, scan func(*sql.Rows) error) {
		rows, err := raw.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	var src, meter, measure, channel, currency string
	var start, n, total, lo, hi, interval int64
	var watermark *int64
	var data []byte
	each(`SELECT s.name, m.external_id, x.measure, x.interval_s, x.currency, x.watermark FROM meter_streams x
		JOIN meters m ON m.id = x.meter_id JOIN sources s ON s.id = m.source_id`, func(r *sql.Rows) error {
		if err := r.Scan(&src, &meter, &measure, &interval, &currency, &watermark); err != nil {
			return err
		}
		w := time.Time{}
		if watermark != nil {
			w = time.Unix(*watermark, 0)
		}
		st.Streams[src+"/"+meter+"/"+measure] = streamLine(interval, currency, w)
		return nil
	})
	each(`SELECT s.name, m.external_id, se.measure, se.channel, x.span_start, x.n, x.data FROM reading_blocks x`+join+
		` ORDER BY s.name, m.external_id, se.measure, se.channel, x.span_start`, func(r *sql.Rows) error {
		if err := r.Scan(&src, &meter, &measure, &channel, &start, &n, &data); err != nil {
			return err
		}
		key := seriesKey(src, meter, measure, channel, start)
		st.addBlock(t, key, n, data)
		blocks = append(blocks, storedBlock{key: key, data: slices.Clone(data)})
		return nil
	})
	each(`SELECT s.name, m.external_id, se.measure, se.channel, x.day, x.n, x.total, x.lo, x.hi FROM readings_daily x`+join, func(r *sql.Rows) error {
		if err := r.Scan(&src, &meter, &measure, &channel, &start, &n, &total, &lo, &hi); err != nil {
			return err
		}
		st.Days[seriesKey(src, meter, measure, channel, start)] = fmt.Sprintf("%d %d %d %d", n, total, lo, hi)
		return nil
	})
	return st, blocks
}

func (s postgresSuite) seriesSnapshot(t *testing.T) (seriesState, []storedBlock) {
	t.Helper()
	ctx := context.Background()
	st := newSeriesState()
	streams, err := s.Streams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range streams {
		w := time.Time{}
		if x.Watermark.Valid {
			w = x.Watermark.Time
		}
		st.Streams[x.SourceName+"/"+x.Meter+"/"+x.Measure] = streamLine(int64(x.IntervalS), x.Currency, w)
	}
	bs, err := s.Blocks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []storedBlock
	for _, b := range bs {
		key := seriesKey(b.SourceName, b.Meter, b.Measure, b.Channel, b.SpanStart)
		st.addBlock(t, key, int64(b.N), b.Data)
		blocks = append(blocks, storedBlock{key: key, data: b.Data, rev: b.Rev})
	}
	days, err := s.Days(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		st.Days[seriesKey(d.SourceName, d.Meter, d.Measure, d.Channel, d.Day)] = fmt.Sprintf("%d %d %d %d", d.N, d.Total, d.Lo, d.Hi)
	}
	return st, blocks
}

// seriesSuite is a backend under the series path.
type seriesSuite interface {
	suiteStore
	seriesSnapshot(t *testing.T) (seriesState, []storedBlock)
}

// seriesStep is one step of the series path and what it ended with.
type seriesStep struct {
	Name    string
	Results []string
	Book    bookState
	Series  seriesState
}

// rewritten lists the blocks of after that are new or differ from before,
// or (where the backend says which transaction wrote a block) were
// written again.
func rewritten(before, after []storedBlock) []string {
	was := map[string]storedBlock{}
	for _, b := range before {
		was[b.key] = b
	}
	var out []string
	for _, b := range after {
		if w, ok := was[b.key]; !ok || !bytes.Equal(w.data, b.data) || w.rev != b.rev {
			out = append(out, b.key)
		}
	}
	return out
}

// localDays counts the distinct local days of the blocks keys name.
func localDays(keys []string) []string {
	var days []string
	for _, k := range keys {
		days = append(days, k[strings.LastIndex(k, "@")+1:])
	}
	slices.Sort(days)
	return slices.Compact(days)
}

// runSeriesSuite runs the series path against s: epilot's series synced
// over the autumn DST change, a late correction, then batches written
// straight through the store (the spring DST day with record problems, a
// stream coming back coarser). It checks by hand what a user would notice
// of each step and returns them for the caller to compare across
// backends.
func runSeriesSuite(t *testing.T, s seriesSuite, f *fixture) []seriesStep {
	t.Helper()
	ctx := context.Background()
	srcs, err := loadSources(f.config, "demo-epilot")
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"demo-epilot", "suite"}
	if err := s.EnsureSource(ctx, "suite", app.VendorEpilot, "http://127.0.0.1/suite"); err != nil {
		t.Fatal(err)
	}
	var steps []seriesStep
	snap := func(name string, results []engine.Result) []storedBlock {
		st := seriesStep{Name: name, Book: s.snapshot(t, names)}
		for _, r := range results {
			st.Results = append(st.Results, fmt.Sprintf("%s %s %d/%d/%d resumed=%v", r.Source, r.Status, r.Fetched, r.Failed, r.Missing, r.Resumed))
		}
		var blocks []storedBlock
		st.Series, blocks = s.seriesSnapshot(t)
		steps = append(steps, st)
		return blocks
	}
	sync := func() []engine.Result {
		results, err := (&engine.Engine{Store: s, Logger: slog.New(slog.DiscardHandler)}).SyncAll(ctx, srcs)
		if err != nil {
			t.Fatal(err)
		}
		return results
	}

	// 1. epilot's three meters over 2026-10-19..11-02: a block per
	// series and local day, the autumn DST day with 100 quarter hours,
	// every stream's watermark at the end of the data.
	first := snap("epilot synced", sync())
	st := steps[0].Series
	if len(st.Streams) == 0 || len(first) == 0 {
		t.Fatalf("no series stored: %d streams, %d blocks", len(st.Streams), len(first))
	}
	_, to := f.up.Epilot.Range()
	for k, line := range st.Streams {
		if !strings.HasSuffix(line, to.UTC().Format(time.RFC3339)) {
			t.Errorf("stream %s = %q, want its watermark at %s", k, line, to.UTC().Format(time.RFC3339))
		}
	}
	dst := 0
	for k, rs := range st.Blocks {
		if strings.HasSuffix(k, "@2026-10-25") && strings.Contains(k, "/consumption/") {
			dst++
			if len(rs) != 100 || st.Counts[k] != 100 {
				t.Errorf("block %s holds %d readings (counted %d), want the 100 quarter hours of the autumn DST day", k, len(rs), st.Counts[k])
			}
		}
	}
	if dst == 0 {
		t.Error("no consumption block of the autumn DST day 2026-10-25")
	}
	checkRollups(t, st)

	// 2. The meter operator revises the last two days (+10 %): the next
	// sync rewrites the blocks of those days only.
	f.up.Epilot.Revise(10)
	corrected := snap("late correction", sync())
	f.up.Epilot.Revise(0)
	changed := rewritten(first, corrected)
	t.Logf("%d streams, %d blocks; the late correction rewrote %d of them, of the days %v", len(st.Streams), len(first), len(changed), localDays(changed))
	if days := localDays(changed); len(changed) == 0 || len(days) > 3 || days[0] < to.AddDate(0, 0, -3).Format(time.DateOnly) {
		t.Errorf("the late correction rewrote %d blocks of the days %v; want some of the last two or three days only", len(changed), days)
	}
	checkRollups(t, steps[1].Series)

	// 3. Batches straight through the store: a meter of source "suite"
	// with the quarter hours of 2026-03-28..30 (the spring DST day has 92)
	// in two batches of one transaction, the second repeating an instant
	// with a new value, and two record problems (their names without a
	// colon: the cache's LastRun gives "record: message").
	if err := s.SaveMeters(ctx, "suite", []series.Meter{{ExternalID: "m1", Zone: "Europe/Berlin", Intervals: []series.Interval{series.PT15M, series.PT1H}}}); err != nil {
		t.Fatal(err)
	}
	loc := app.DefaultZone()
	from, mid, end := time.Date(2026, 3, 28, 0, 0, 0, 0, loc), time.Date(2026, 3, 29, 12, 0, 0, 0, loc), time.Date(2026, 3, 31, 0, 0, 0, 0, loc)
	quarters := func(from, to time.Time, step int64) []series.Reading {
		var rs []series.Reading
		for ts := from.Unix(); ts < to.Unix(); ts += step {
			rs = append(rs, series.Reading{TS: ts, Value: app.Decimal(ts % 1_000 * 1_000)})
		}
		return rs
	}
	head, tail := quarters(from, mid, 900), quarters(mid, end, 900)
	tail = append(tail, series.Reading{TS: mid.Add(-15 * time.Minute).Unix(), Value: 7_000_000}) // a correction of the first batch's last
	run, err := s.BeginRun(ctx, "suite")
	if err != nil {
		t.Fatal(err)
	}
	bad := []*app.RecordError{{Record: "m1 2026-03-29 01h00", Field: "value", Err: errors.New("not a number")}, {Record: "m1 2026-03-30 05h00", Field: "value", Err: errors.New("negative")}}
	err = s.SaveReadings(ctx, run, "suite",
		series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M, Readings: head, Failures: bad[:1], Watermark: mid},
		series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M, Readings: tail, Failures: bad[1:], Watermark: end})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, run, app.RunPartial, ""); err != nil {
		t.Fatal(err)
	}
	snap("spring DST written", nil)
	st = steps[2].Series
	for day, want := range map[string]int{"2026-03-28": 96, "2026-03-29": 92, "2026-03-30": 96} {
		k := "suite/m1/consumption/@" + day
		if got := len(st.Blocks[k]); got != want {
			t.Errorf("block %s holds %d readings, want %d", k, got, want)
		}
	}
	if rs := st.Blocks["suite/m1/consumption/@2026-03-29"]; !slices.ContainsFunc(rs, func(r block.Reading) bool { return r.Value == 7_000_000 }) {
		t.Error("the second batch's correction of an instant of the first did not win")
	}
	if got := st.Streams["suite/m1/consumption"]; got != "PT15M  "+end.UTC().Format(time.RFC3339) {
		t.Errorf("stream after both batches = %q, want PT15M up to %s", got, end.UTC().Format(time.RFC3339))
	}
	if got := steps[2].Book.LastRuns["suite"]; got != "partial 0/2/0" {
		t.Errorf("run of the batches = %q, want partial with two rejected records", got)
	}
	checkRollups(t, st)

	// 4. The stream comes back hourly: its quarter hours go in the same
	// transaction (never both summed), the hours of the spring DST day
	// are 23.
	err = s.SaveReadings(ctx, 0, "suite", series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT1H, Readings: quarters(from, mid, 3600), Watermark: mid})
	if err != nil {
		t.Fatal(err)
	}
	snap("coarser interval", nil)
	st = steps[3].Series
	if got := len(st.Blocks["suite/m1/consumption/@2026-03-29"]); got != 11 {
		t.Errorf("the spring DST day holds %d hourly readings before noon, want 11 (02:00 does not exist)", got)
	}
	if _, ok := st.Blocks["suite/m1/consumption/@2026-03-30"]; ok {
		t.Error("a quarter-hour block is left after the stream came back hourly")
	}
	if got := st.Streams["suite/m1/consumption"]; got != "PT1H  "+mid.UTC().Format(time.RFC3339) {
		t.Errorf("stream after the hourly batch = %q, want PT1H up to %s", got, mid.UTC().Format(time.RFC3339))
	}
	checkRollups(t, st)
	return steps
}

// checkRollups holds each day's rollup to its block's readings.
func checkRollups(t *testing.T, st seriesState) {
	t.Helper()
	for k, rs := range st.Blocks {
		d := blockwriteRollup(rs)
		if got := st.Days[k]; got != d {
			t.Errorf("rollup of %s = %q, want %q from its readings", k, got, d)
		}
	}
	if len(st.Days) != len(st.Blocks) {
		t.Errorf("%d daily rollups for %d blocks", len(st.Days), len(st.Blocks))
	}
}

// blockwriteRollup sums readings by hand: "n total lo hi".
func blockwriteRollup(rs []block.Reading) string {
	var total int64
	lo, hi := rs[0].Value, rs[0].Value
	for _, r := range rs {
		total += r.Value
		lo, hi = min(lo, r.Value), max(hi, r.Value)
	}
	return fmt.Sprintf("%d %d %d %d", len(rs), total, lo, hi)
}

func TestStoreSuiteSeriesSQLiteAndPostgres(t *testing.T) {
	// Three epilot meters over the autumn DST change.
	f := newFixture(t, simulate.Options{EpilotMeters: 3, EpilotFrom: time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC), EpilotTo: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
	ctx := context.Background()
	steps := map[string][]seriesStep{}
	t.Run("sqlite", func(t *testing.T) {
		s, err := db.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		steps["sqlite"] = runSeriesSuite(t, sqliteSuite{s}, f)
	})
	t.Run("postgres", func(t *testing.T) {
		s, err := pgstore.Open(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		steps["postgres"] = runSeriesSuite(t, postgresSuite{s}, f)
	})
	lite, pg := steps["sqlite"], steps["postgres"]
	if lite == nil || pg == nil {
		return // one half skipped or failed: said above
	}
	for i := range lite {
		if d := firstSeriesDiff(lite[i], pg[i]); d != "" {
			t.Errorf("step %d (%s) differs between the backends: %s", i+1, lite[i].Name, d)
		}
	}
}

// firstSeriesDiff names the first difference between two backends' step,
// "" when none.
func firstSeriesDiff(a, b seriesStep) string {
	if !reflect.DeepEqual(a.Results, b.Results) || !reflect.DeepEqual(a.Book, b.Book) {
		return fmt.Sprintf("runs:\nsqlite   %v %+v\npostgres %v %+v", a.Results, a.Book, b.Results, b.Book)
	}
	for _, m := range []struct {
		name string
		a, b map[string]string
	}{{"streams", a.Series.Streams, b.Series.Streams}, {"rollups", a.Series.Days, b.Series.Days}} {
		keys := slices.Collect(maps.Keys(m.a))
		for k := range m.b {
			if _, ok := m.a[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			if m.a[k] != m.b[k] {
				return fmt.Sprintf("%s %s: sqlite %q, postgres %q", m.name, k, m.a[k], m.b[k])
			}
		}
	}
	if len(a.Series.Blocks) != len(b.Series.Blocks) {
		return fmt.Sprintf("%d blocks on sqlite, %d on postgres", len(a.Series.Blocks), len(b.Series.Blocks))
	}
	for k, rs := range a.Series.Blocks {
		if !slices.Equal(rs, b.Series.Blocks[k]) || a.Series.Counts[k] != b.Series.Counts[k] {
			return fmt.Sprintf("block %s: sqlite %d readings, postgres %d, or their values differ", k, len(rs), len(b.Series.Blocks[k]))
		}
	}
	return ""
}

// contractTerms is what a user sees of a contract's kind-specific terms
// (the Contract page's terms, the exports' columns) and what the
// portfolio's free-text search looks in.
type contractTerms struct {
	SearchText  string
	Flexibility *app.FlexibilityTerms
	PPA         *app.PPATerms
	Partner     *app.PartnerTerms
}

// termsOf reads every contract's terms back from one backend, by
// "source/external id".
type termsOf func(t *testing.T) map[string]contractTerms

func sqliteTerms(s *db.Store, path string) termsOf {
	return func(t *testing.T) map[string]contractTerms {
		t.Helper()
		ctx := context.Background()
		// The search text is no field of app.Contract: read it as it lies.
		raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		search := map[string]string{}
		rows, err := raw.QueryContext(ctx, `SELECT s.name || '/' || c.external_id, c.search_text FROM contracts c JOIN sources s ON s.id = c.source_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			search[k] = v
		}
		out := map[string]contractTerms{}
		err = s.EachContract(ctx, app.ContractFilter{Upstream: app.UpstreamAll}, func(c app.Contract) error {
			k := c.Source + "/" + c.ExternalID
			out[k] = contractTerms{SearchText: search[k], Flexibility: c.Flexibility, PPA: c.PPA, Partner: c.Partner}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
}

func postgresTerms(s *pgstore.Store) termsOf {
	return func(t *testing.T) map[string]contractTerms {
		t.Helper()
		cs, err := s.Terms(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]contractTerms{}
		for _, c := range cs {
			out[c.Source+"/"+c.ExternalID] = contractTerms{SearchText: c.SearchText, Flexibility: c.Flexibility, PPA: c.PPA, Partner: c.Partner}
		}
		return out
	}
}

// changedTerms are contracts the vendors changed after the first sync:
// the flexibility tolerance raised, the PPA terms dropped, the partner's
// price changing a month on, its flag false (not "not said").
func changedTerms(t *testing.T, s *db.Store) []app.Contract {
	t.Helper()
	var flex, ppa, partner *app.Contract
	err := s.EachContract(context.Background(), app.ContractFilter{Upstream: app.UpstreamAll}, func(c app.Contract) error {
		switch {
		case flex == nil && c.Flexibility != nil && c.Flexibility.Tolerance != nil:
			flex = &c
		case ppa == nil && c.PPA != nil && !c.PPA.CreatedAt.IsZero():
			ppa = &c
		case partner == nil && c.Partner != nil && len(c.Partner.Prices) > 0:
			partner = &c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if flex == nil || ppa == nil || partner == nil {
		t.Fatalf("the simulated vendors serve no contract with flexibility (%v), PPA (%v) or partner terms with price points (%v)", flex != nil, ppa != nil, partner != nil)
	}
	tol := *flex.Flexibility.Tolerance + app.Decimal(125_000)
	flex.Flexibility.Tolerance = &tol
	ppa.PPA = nil
	first := partner.Partner.Prices[0]
	partner.Partner.Prices = []app.PricePoint{first, {From: first.From.AddDate(0, 1, 0), PerKWh: first.PerKWh - app.Decimal(12_345)}}
	partner.Partner.IncludesExternalComponents = app.Ptr(false)
	out := []app.Contract{*flex, *ppa, *partner}
	for i := range out {
		// A changed record: an unchanged one is only marked fetched again.
		out[i].Raw = []byte(fmt.Sprintf(`{"changed": %q}`, out[i].ExternalID))
	}
	return out
}

// saveChanged stores the changed contracts as one page of a run of each
// contract's source.
func saveChanged(t *testing.T, s engine.Store, cs []app.Contract) {
	t.Helper()
	ctx := context.Background()
	for _, c := range cs {
		run, err := s.BeginRun(ctx, c.Source)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SavePage(ctx, run, c.Source, "contracts", []app.Contract{c}, nil, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRun(ctx, run, app.RunOK, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// The terms the vendors publish beside a contract (prosumer's flexibility,
// otark's PPA, Podero's partner terms and price points) and the search
// text read back the same from a cache file and a book, after a full sync
// and after the vendors changed or dropped some: a contract pulled from
// the book shows what the cache would have shown.
func TestStoreSuiteTermsSQLiteAndPostgres(t *testing.T) {
	f := newFixture(t, simulate.Options{})
	ctx := context.Background()
	srcs, err := loadSources(f.config, "")
	if err != nil {
		t.Fatal(err)
	}
	var changed []app.Contract
	read := map[string][2]map[string]contractTerms{} // by backend: after the sync, after the changes
	steps := func(t *testing.T, s engine.Store, terms termsOf) [2]map[string]contractTerms {
		t.Helper()
		results, err := (&engine.Engine{Store: s}).SyncAll(ctx, contractsOnly(srcs, 0, ""))
		if err != nil {
			t.Fatalf("sync: %v (%+v)", err, results)
		}
		synced := terms(t)
		saveChanged(t, s, changed)
		return [2]map[string]contractTerms{synced, terms(t)}
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cache.db")
		s, err := db.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// The changes are taken from what the cache holds after the sync.
		if _, err := (&engine.Engine{Store: s}).SyncAll(ctx, contractsOnly(srcs, 0, "")); err != nil {
			t.Fatal(err)
		}
		changed = changedTerms(t, s)
		read["sqlite"] = steps(t, s, sqliteTerms(s, path))
		after := read["sqlite"][1]
		for _, c := range changed {
			k := c.Source + "/" + c.ExternalID
			if got := after[k]; !reflect.DeepEqual(got.Flexibility, c.Flexibility) || !reflect.DeepEqual(got.PPA, c.PPA) || !reflect.DeepEqual(got.Partner, c.Partner) {
				t.Errorf("%s after the change: %s, want the changed terms %s", k, termsLine(got), termsLine(contractTerms{Flexibility: c.Flexibility, PPA: c.PPA, Partner: c.Partner}))
			}
		}
	})
	t.Run("postgres", func(t *testing.T) {
		if changed == nil {
			t.Skip("the SQLite half did not get as far as the changes")
		}
		s, err := pgstore.Open(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		read["postgres"] = steps(t, s, postgresTerms(s))
	})
	lite, pg := read["sqlite"], read["postgres"]
	if lite[0] == nil || pg[0] == nil {
		return // one half skipped or failed: said above
	}
	for i, step := range []string{"after the sync", "after the vendors' changes"} {
		if len(lite[i]) != len(pg[i]) {
			t.Errorf("%s: the cache holds %d contracts, the book %d", step, len(lite[i]), len(pg[i]))
		}
		kinds, differ := map[string]int{}, 0
		for k, want := range lite[i] {
			got, ok := pg[i][k]
			switch {
			case !ok:
				t.Errorf("%s: %s is in the cache, not in the book", step, k)
			case !reflect.DeepEqual(got, want):
				if differ++; differ <= 3 { // the first few say enough
					t.Errorf("%s: %s differs:\nsqlite   %s\npostgres %s", step, k, termsLine(want), termsLine(got))
				}
			}
			if want.SearchText == "" {
				t.Errorf("%s: %s has no search text", step, k)
			}
			if want.Flexibility != nil {
				kinds["flexibility"]++
			}
			if want.PPA != nil {
				kinds["ppa"]++
			}
			if want.Partner != nil {
				kinds["partner"]++
				kinds["price points"] += len(want.Partner.Prices)
			}
		}
		if differ > 3 {
			t.Errorf("%s: %d contracts differ in all", step, differ)
		}
		// Each kind of terms was compared, not only contracts without any.
		for _, kind := range []string{"flexibility", "ppa", "partner", "price points"} {
			if kinds[kind] == 0 {
				t.Errorf("%s: no contract with %s terms compared", step, kind)
			}
		}
	}
}

// termsLine prints terms with their pointers followed.
func termsLine(c contractTerms) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // plain structs of strings, numbers and times
	}
	return string(b)
}
