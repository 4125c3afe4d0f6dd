package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/block"
	"wattfolio/db/internal/dbq"
)

// oneMeter is a cache with source "ep" and its meter "m1" in Berlin.
func oneMeter(t testing.TB) *Store {
	t.Helper()
	s, _ := openTest(t)
	ctx := context.Background()
	if err := s.EnsureSource(ctx, "ep", app.VendorEpilot, "http://127.0.0.1/ep"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveMeters(ctx, "ep", []series.Meter{{ExternalID: "m1", Zone: "Europe/Berlin"}}); err != nil {
		t.Fatal(err)
	}
	return s
}

// Readings written by the multi-row statements (100, 10 and 1 rows at a
// time) come back exactly, price components one by one included; an
// unchanged batch writes nothing; a changed one overwrites and rolls up.
func TestReadingsRoundTripAndUpsert(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	d := func(v int64) *app.Decimal { x := app.Decimal(v); return &x }
	t0 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).Unix()
	const n = 100 + 3*10 + 7 // every statement size
	var rs []series.Reading
	for i := range int64(n) {
		r := series.Reading{TS: t0 + 900*i, Value: app.Decimal(-5000 + i*1000), Tax: series.Tax{Set: true, Rate: i % 30, Inclusive: i%2 == 0}}
		// Components present by the bits of i: every subset appears.
		if i%32 != 0 {
			p := &series.Parts{}
			for bit, f := range []**app.Decimal{&p.Auction, &p.TaxesLevies, &p.SourceFee, &p.GridFee, &p.Margin} {
				if i&(1<<bit) != 0 {
					*f = d(i*10 + int64(bit) - 300)
				}
			}
			r.Parts = p
		}
		rs = append(rs, r)
	}
	save := func() {
		t.Helper()
		if err := s.SaveReadings(ctx, 0, "ep", series.Batch{Meter: "m1", Measure: series.Price, Interval: series.PT15M, Currency: "EUR", Readings: rs}); err != nil {
			t.Fatal(err)
		}
	}
	save()
	ms, _ := s.ListMeters(ctx)
	check := func() {
		t.Helper()
		i := 0
		err := s.EachReading(ctx, ms[0].ID, time.Unix(0, 0), time.Unix(1<<40, 0), series.Native, func(r *series.Row) error {
			w := rs[i]
			if r.Start.Unix() != w.TS || r.Value != w.Value || r.Tax != w.Tax || (r.Parts == nil) != (w.Parts == nil) {
				t.Fatalf("reading %d: %+v, want %+v", i, r, w)
			}
			if w.Parts != nil {
				got := []*app.Decimal{r.Parts.Auction, r.Parts.TaxesLevies, r.Parts.SourceFee, r.Parts.GridFee, r.Parts.Margin}
				for bit, wp := range []*app.Decimal{w.Parts.Auction, w.Parts.TaxesLevies, w.Parts.SourceFee, w.Parts.GridFee, w.Parts.Margin} {
					if (got[bit] == nil) != (wp == nil) || wp != nil && *got[bit] != *wp {
						t.Fatalf("reading %d component %d: %v, want %v", i, bit, got[bit], wp)
					}
				}
			}
			i++
			return nil
		})
		if err != nil || i != n {
			t.Fatalf("%d readings back, want %d: %v", i, n, err)
		}
	}
	check()
	if c, _ := s.countReadings(ctx); c != n {
		t.Fatalf("%d readings stored", c)
	}
	daily := func() app.Decimal {
		t.Helper()
		b, err := s.Aggregate(ctx, ms[0].ID, time.Unix(t0, 0), time.Unix(t0+900*n, 0), series.Month)
		if err != nil {
			t.Fatal(err)
		}
		return series.Total(b).PriceSum
	}
	sum := func() (t app.Decimal) {
		for _, r := range rs {
			t += r.Value
		}
		return t
	}
	if got := daily(); got != sum() {
		t.Fatalf("rollup %s, readings sum to %s", got, sum())
	}
	save() // unchanged: no error, same rows
	check()
	rs[n-1].Value += 7 // in the 1-row tail
	rs[5].Parts = nil  // in the 100-row statement
	save()
	check()
	if got := daily(); got != sum() {
		t.Errorf("rollup after a correction %s, readings sum to %s", got, sum())
	}
	if c, _ := s.countReadings(ctx); c != n {
		t.Fatalf("%d readings after the upsert", c)
	}
}

// When the vendor stops serving a stream's interval the connector fetches it
// again, coarser, from its start. The quarter hours already stored must go
// in the same transaction: a day is never counted at both intervals.
func TestCoarserIntervalReplacesTheStream(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	loc := app.DefaultZone()
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, loc)
	batch := func(iv series.Interval, step int64, kwh string) series.Batch {
		b := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: iv, Watermark: day.AddDate(0, 0, 2)}
		for ts := day.Unix(); ts < day.AddDate(0, 0, 2).Unix(); ts += step {
			b.Readings = append(b.Readings, series.Reading{Channel: "ht", TS: ts, Value: app.MustDecimal(kwh)})
		}
		return b
	}
	total := func() (app.Decimal, int64) {
		t.Helper()
		ms, _ := s.ListMeters(ctx)
		bs, err := s.Aggregate(ctx, ms[0].ID, day, day.AddDate(0, 0, 2), series.Day)
		if err != nil {
			t.Fatal(err)
		}
		tot := series.Total(bs)
		n, _ := s.countReadings(ctx)
		return tot.Consumption, n
	}
	if err := s.SaveReadings(ctx, 0, "ep", batch(series.PT15M, 900, "0.25")); err != nil {
		t.Fatal(err)
	}
	if kwh, n := total(); kwh != app.MustDecimal("48") || n != 192 {
		t.Fatalf("quarter hours: %s kWh in %d readings, want 48 in 192", kwh, n)
	}
	if err := s.SaveReadings(ctx, 0, "ep", batch(series.PT1H, 3600, "1")); err != nil {
		t.Fatal(err)
	}
	if kwh, n := total(); kwh != app.MustDecimal("48") || n != 48 {
		t.Fatalf("after falling back to hours: %s kWh in %d readings, want 48 in 48", kwh, n)
	}
	st, err := s.SeriesState(ctx, "ep", "m1", series.Consumption)
	if err != nil || st.Interval != series.PT1H {
		t.Fatalf("stream state %+v, %v; want PT1H", st, err)
	}
	// Another batch at the same interval keeps what is there.
	if err := s.SaveReadings(ctx, 0, "ep", batch(series.PT1H, 3600, "1")); err != nil {
		t.Fatal(err)
	}
	if _, n := total(); n != 48 {
		t.Fatalf("a second hourly batch left %d readings, want 48", n)
	}
}

// Readings are stored in day blocks: a window of new readings writes a
// block per local day, a look-back rewrites only the blocks of the days it
// touches (the last value of a repeated instant wins), readings older than
// every block add theirs, and reads come back in time order across all of
// them with the rollup equal to their sum.
func TestBlockPlacement(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	ms, _ := s.ListMeters(ctx)
	day0 := time.Date(2026, 2, 1, 0, 0, 0, 0, app.DefaultZone())
	value := func(ts int64) app.Decimal { return app.Decimal(ts % 9973 * 100) }
	window := func(fromDay, toDay int) series.Batch {
		b := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M, Watermark: day0.AddDate(0, 0, toDay)}
		for ts := day0.AddDate(0, 0, fromDay).Unix(); ts < day0.AddDate(0, 0, toDay).Unix(); ts += 900 {
			b.Readings = append(b.Readings, series.Reading{TS: ts, Value: value(ts)})
		}
		return b
	}
	save := func(b series.Batch) {
		t.Helper()
		if err := s.SaveReadings(ctx, 0, "ep", b); err != nil {
			t.Fatal(err)
		}
	}
	// blocks returns the series' blocks by day.
	blocks := func() map[int64]string {
		t.Helper()
		ss, err := s.rq.SeriesOfMeter(ctx, ms[0].ID)
		if err != nil || len(ss) != 1 {
			t.Fatalf("series %v, %v", ss, err)
		}
		bs, err := s.rq.BlocksOfSeries(ctx, dbq.BlocksOfSeriesParams{SeriesID: ss[0].ID, FromStart: 0, ToStart: 1 << 40, Lim: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]string{}
		for _, b := range bs {
			if series.DayStart(b.SpanStart, app.DefaultZone()) != b.SpanStart {
				t.Fatalf("block keyed %d, not a local midnight", b.SpanStart)
			}
			out[b.SpanStart] = string(b.Data)
		}
		return out
	}
	// check reads every reading back in time order and compares the
	// month's rollup with their sum.
	check := func(wantN int, override map[int64]app.Decimal) {
		t.Helper()
		var n int
		var prev int64
		var sum app.Decimal
		err := s.EachReading(ctx, ms[0].ID, day0.AddDate(0, 0, -40), day0.AddDate(0, 0, 40), series.Native, func(r *series.Row) error {
			ts := r.Start.Unix()
			want := value(ts)
			if v, ok := override[ts]; ok {
				want = v
			}
			if ts <= prev || r.Value != want {
				t.Fatalf("reading %d at %s: %s after %d, want %s in time order", n, r.Start, r.Value, prev, want)
			}
			prev = ts
			sum += r.Value
			n++
			return nil
		})
		if err != nil || n != wantN {
			t.Fatalf("%d readings back, want %d: %v", n, wantN, err)
		}
		bs, err := s.Aggregate(ctx, ms[0].ID, day0.AddDate(0, 0, -40), day0.AddDate(0, 0, 40), series.Month)
		if err != nil {
			t.Fatal(err)
		}
		if got := series.Total(bs).Consumption; got != sum {
			t.Fatalf("rollup %s, readings sum to %s", got, sum)
		}
	}

	save(window(0, 11)) // 1,056 readings: 11 blocks
	save(window(11, 22))
	if c := len(blocks()); c != 22 {
		t.Fatalf("%d blocks after two windows of 22 days, want 22", c)
	}
	check(22*96, nil)
	before := blocks()

	// A look-back of two days with one correction, and one new day.
	b := window(20, 23)
	fixed := b.Readings[5].TS
	b.Readings[5].Value = app.MustDecimal("42.5")
	// The vendor repeats an instant: the last value wins.
	dupTS := b.Readings[7].TS
	b.Readings = append(b.Readings, series.Reading{TS: dupTS, Value: app.MustDecimal("1")})
	save(b)
	fixes := map[int64]app.Decimal{fixed: app.MustDecimal("42.5"), dupTS: app.MustDecimal("1")}
	after := blocks()
	if len(after) != 23 {
		t.Fatalf("%d blocks after a look-back with a new day, want 23", len(after))
	}
	for d, b := range before {
		if changed := after[d] != b; changed != (d == series.DayStart(fixed, app.DefaultZone())) {
			t.Errorf("block of %s changed: %v; only the corrected day's should", time.Unix(d, 0), changed)
		}
	}
	check(23*96, fixes)

	// Older history, fetched later: blocks before the others in time.
	save(window(-12, 0))
	if c := len(blocks()); c != 35 {
		t.Fatalf("%d blocks after back-filling, want 35", c)
	}
	check(35*96, fixes)

	// The same window again changes nothing.
	before = blocks()
	save(window(0, 11))
	check(35*96, fixes)
	if !maps.Equal(before, blocks()) {
		t.Errorf("an unchanged window rewrote blocks")
	}
	if n, _ := s.countReadings(ctx); n != 35*96 {
		t.Fatalf("%d readings stored, want %d", n, 35*96)
	}
}

// A cache written by schema version 3 (readings keyed by series) opens with
// every reading, price component and daily total where it was.
func TestMigrationToChunksKeepsReadings(t *testing.T) {
	ctx := context.Background()
	path := v3Cache(t)

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	meters, _ := s.ListMeters(ctx)
	loc := app.DefaultZone()
	day := time.Date(2026, 3, 29, 0, 0, 0, 0, loc)
	type got struct {
		measure, channel string
		ts               int64
		value            app.Decimal
		grid             string
	}
	var rows []got
	err = s.EachReading(ctx, meters[0].ID, day, day.AddDate(0, 0, 1), series.Native, func(r *series.Row) error {
		g := got{string(r.Measure), r.Channel, r.Start.Unix(), r.Value, "-"}
		if r.Parts != nil && r.Parts.GridFee != nil {
			g.grid = r.Parts.GridFee.String()
		}
		rows = append(rows, g)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"consumption/ht": 3, "consumption/nt": 2, "price/": 2}
	grids := ""
	for _, r := range rows {
		want[r.measure+"/"+r.channel]--
		if r.measure == "price" {
			grids += r.grid + ";"
		}
	}
	if grids != "0.09;-;" {
		t.Errorf("grid fees of the prices %q after the migration, want 0.09 and none", grids)
	}
	for k, n := range want {
		if n != 0 {
			t.Errorf("%s: %d readings off after the migration (%v)", k, n, rows)
		}
	}
	bs, err := s.Aggregate(ctx, meters[0].ID, day, day.AddDate(0, 0, 1), series.Day)
	if err != nil {
		t.Fatal(err)
	}
	if tot := series.Total(bs); tot.Consumption != app.MustDecimal("3.875") {
		t.Errorf("day's consumption %s after the migration, want 3.875", tot.Consumption)
	}
	// The stream goes on: a new window lands after the migrated readings.
	next := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M, Watermark: day.AddDate(0, 0, 2)}
	next.Readings = append(next.Readings, series.Reading{Channel: "ht", TS: day.AddDate(0, 0, 1).Unix(), Value: app.MustDecimal("1")})
	if err := s.SaveReadings(ctx, 0, "ep", next); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.countReadings(ctx); n != 8 {
		t.Errorf("%d readings, want 8", n)
	}
}

// v3Cache writes testdata/v3_cache.sql as schema version 3 left it and
// returns the file's path.
func v3Cache(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v3.db")
	raw, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile(filepath.Join("testdata", "v3_cache.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range append(ms[:4:4], migration{name: "v3_cache.sql", sql: string(fixture)}) {
		if _, err := raw.ExecContext(ctx, m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	return path
}

// The move of old rows into blocks is one series per transaction: killed
// after the first series, the cache holds that series in blocks and the
// others in rows (their tables not yet dropped), and the next Open moves
// the rest with every reading, component and daily total as an
// uninterrupted move leaves them, then drops the emptied tables.
func TestMoveToBlocksResumesAfterAKill(t *testing.T) {
	ctx := context.Background()
	dump := func(s *Store) []string {
		t.Helper()
		var out []string
		err := s.EachReading(ctx, 0, time.Unix(0, 0), time.Unix(1<<40, 0), series.Native, func(r *series.Row) error {
			out = append(out, fmt.Sprintf("%s/%s %d %s %d %v", r.Measure, r.Channel, r.Start.Unix(), r.Value, r.Tax.Code(), partsString(r.Parts)))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		bs, err := s.Aggregate(ctx, 1, time.Unix(1774738800, 0), time.Unix(1774738800+86400, 0), series.Day)
		if err != nil {
			t.Fatal(err)
		}
		tot := series.Total(bs)
		return append(out, fmt.Sprintf("day: %s kWh, price sum %s", tot.Consumption, tot.PriceSum))
	}
	whole, err := Open(ctx, v3Cache(t))
	if err != nil {
		t.Fatal(err)
	}
	want := dump(whole)
	whole.Close()
	if len(want) != 8 {
		t.Fatalf("uninterrupted move: %d lines, want 7 readings and a day: %v", len(want), want)
	}

	path := v3Cache(t)
	kill := errors.New("killed")
	movedSeries = func(done, total int) error {
		if done == 1 {
			return kill
		}
		return nil
	}
	defer func() { movedSeries = nil }()
	if _, err := Open(ctx, path); !errors.Is(err, kill) {
		t.Fatalf("open with a kill after one series: %v", err)
	}
	raw, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks, rows, chunks int
	if err := raw.QueryRowContext(ctx, "SELECT (SELECT COUNT(DISTINCT series_id) FROM reading_blocks), (SELECT COUNT(*) FROM readings), (SELECT COUNT(DISTINCT series_id) FROM reading_chunks)").Scan(&blocks, &rows, &chunks); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if blocks != 1 || chunks != 2 || rows != 4 {
		t.Fatalf("after the kill: %d series in blocks, %d in rows (%d rows), want 1, 2 (4)", blocks, chunks, rows)
	}

	movedSeries = nil
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := dump(s); !slices.Equal(got, want) {
		t.Errorf("resumed move:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n, _ := s.countReadings(ctx); n != 7 {
		t.Errorf("%d readings after the resumed move, want 7", n)
	}
	// Moved in full, the row tables are dropped (migration 0019) and a
	// meter's series still go with it (the trigger no longer names them).
	var tables int
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('readings', 'reading_chunks')").Scan(&tables); err != nil || tables != 0 {
		t.Errorf("after the move: %d row tables left (%v), want 0", tables, err)
	}
	if _, err := s.w.ExecContext(ctx, "DELETE FROM series"); err != nil {
		t.Errorf("series of the moved cache cannot be deleted: %v", err)
	}
}

func partsString(p *series.Parts) string {
	if p == nil {
		return "-"
	}
	var sb strings.Builder
	for _, c := range []*app.Decimal{p.Auction, p.TaxesLevies, p.SourceFee, p.GridFee, p.Margin} {
		if c == nil {
			sb.WriteString("_,")
		} else {
			sb.WriteString(c.String() + ",")
		}
	}
	return sb.String()
}

// A block is a local day of the meter's zone: the spring DST day holds 92
// quarter hours and the autumn one 100, an hourly stream 23 and 25, a daily
// one 1; each day's rollup counts its block, and reading back crosses the
// days in time order. Nine days: the first eight (both DST days among them)
// go in one eight-row statement, the last alone.
func TestBlocksFollowLocalDays(t *testing.T) {
	ctx := context.Background()
	loc := app.DefaultZone()
	for _, c := range []struct {
		iv   series.Interval
		want map[string]int64 // readings per local day
	}{
		{series.PT15M, map[string]int64{"2026-03-28": 96, "2026-03-29": 92, "2026-03-30": 96, "2026-10-21": 96, "2026-10-22": 96, "2026-10-23": 96, "2026-10-24": 96, "2026-10-25": 100, "2026-10-26": 96}},
		{series.PT1H, map[string]int64{"2026-03-28": 24, "2026-03-29": 23, "2026-03-30": 24, "2026-10-21": 24, "2026-10-22": 24, "2026-10-23": 24, "2026-10-24": 24, "2026-10-25": 25, "2026-10-26": 24}},
		{series.P1D, map[string]int64{"2026-03-28": 1, "2026-03-29": 1, "2026-03-30": 1, "2026-10-21": 1, "2026-10-22": 1, "2026-10-23": 1, "2026-10-24": 1, "2026-10-25": 1, "2026-10-26": 1}},
	} {
		t.Run(string(c.iv), func(t *testing.T) {
			s := oneMeter(t)
			var rs []series.Reading
			for _, span := range [][2]time.Time{
				{time.Date(2026, 3, 28, 0, 0, 0, 0, loc), time.Date(2026, 3, 31, 0, 0, 0, 0, loc)},
				{time.Date(2026, 10, 21, 0, 0, 0, 0, loc), time.Date(2026, 10, 27, 0, 0, 0, 0, loc)},
			} {
				for d := span[0]; d.Before(span[1]); d = d.AddDate(0, 0, 1) {
					// A P1D reading covers the local day, 23 or 25 hours on DST days.
					step := c.iv.Seconds()
					if c.iv == series.P1D {
						step = d.AddDate(0, 0, 1).Unix() - d.Unix()
					}
					for ts := d.Unix(); ts < d.AddDate(0, 0, 1).Unix(); ts += step {
						rs = append(rs, series.Reading{TS: ts, Value: app.Decimal(-1_000 + ts%7*1_000)})
					}
				}
			}
			b := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: c.iv, Readings: rs}
			if err := s.SaveReadings(ctx, 0, "ep", b); err != nil {
				t.Fatal(err)
			}
			ms, _ := s.ListMeters(ctx)
			ss, _ := s.rq.SeriesOfMeter(ctx, ms[0].ID)
			bs, err := s.rq.BlocksOfSeries(ctx, dbq.BlocksOfSeriesParams{SeriesID: ss[0].ID, FromStart: 0, ToStart: 1 << 40, Lim: 100})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			var dec block.Decoder
			for _, bl := range bs {
				in, err := dec.Decode(nil, bl.Data)
				if err != nil {
					t.Fatal(err)
				}
				got[time.Unix(bl.SpanStart, 0).In(loc).Format(time.DateOnly)] = int64(len(in))
			}
			if !maps.Equal(got, c.want) {
				t.Errorf("readings per block %v, want %v", got, c.want)
			}
			days, err := s.Aggregate(ctx, ms[0].ID, time.Date(2026, 3, 28, 0, 0, 0, 0, loc), time.Date(2026, 10, 27, 0, 0, 0, 0, loc), series.Day)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range days {
				if n := c.want[d.Start.Format(time.DateOnly)]; d.Readings != n {
					t.Errorf("%s: rollup counts %d readings, want %d", d.Start.Format(time.DateOnly), d.Readings, n)
				}
			}
			i := 0
			err = s.EachMeasure(ctx, ms[0].ID, series.Consumption, time.Unix(0, 0), time.Unix(1<<40, 0), series.Native, func(r *series.Row) error {
				if r.Start.Unix() != rs[i].TS || r.Value != rs[i].Value {
					t.Fatalf("reading %d: %s %s, want %d %s", i, r.Start, r.Value, rs[i].TS, rs[i].Value)
				}
				i++
				return nil
			})
			if err != nil || i != len(rs) {
				t.Fatalf("%d of %d readings back: %v", i, len(rs), err)
			}
		})
	}
}
