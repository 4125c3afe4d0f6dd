package db

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/internal/blockwrite"
	"wattfolio/db/internal/dbq"
)

// The cache holds the blocks of a transaction until Flush and writes them
// eight to a statement, the rest one by one: a block put twice before a
// Flush keeps the later bytes and rollup, whether both fall in one
// eight-row statement, one in it and one after, or both after it.
func TestFlushKeepsTheLaterOfABlockPutTwice(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	ms, err := s.ListMeters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	day := func(i int) int64 { return time.Date(2026, 5, 1+i, 0, 0, 0, 0, app.DefaultZone()).Unix() }
	// Twelve puts of nine days: day 0 twice within the first eight, day 1
	// in them and again after, day 8 twice after them.
	puts := []int{0, 1, 2, 0, 3, 4, 5, 6, 7, 1, 8, 8}
	want := map[int64]int64{} // day → the n of its last put
	err = s.inTx(ctx, func(q *dbq.Queries) error {
		tx := &cacheTx{q: q, now: s.now}
		sid, err := tx.EnsureSeries(ctx, ms[0].ID, series.Consumption, "")
		if err != nil {
			return err
		}
		for k, d := range puts {
			n := int64(10 + k)
			data := []byte(fmt.Sprintf("put %d", k))
			if err := tx.PutBlock(ctx, sid, day(d), data, blockwrite.Day{N: n, Total: 100 * n, Lo: -n, Hi: n}); err != nil {
				return err
			}
			clear(data) // PutBlock's data is reused after the call
			want[day(d)] = n
		}
		return tx.Flush(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	ss, _ := s.rq.SeriesOfMeter(ctx, ms[0].ID)
	bs, err := s.rq.BlocksOfSeries(ctx, dbq.BlocksOfSeriesParams{SeriesID: ss[0].ID, FromStart: 0, ToStart: 1 << 40, Lim: 100})
	if err != nil || len(bs) != 9 {
		t.Fatalf("%d blocks, want 9: %v", len(bs), err)
	}
	for _, b := range bs {
		if k := want[b.SpanStart] - 10; string(b.Data) != fmt.Sprintf("put %d", k) {
			t.Errorf("block of %s holds %q, want put %d's", time.Unix(b.SpanStart, 0), b.Data, k)
		}
	}
	days, err := s.rq.DailyOfMeter(ctx, dbq.DailyOfMeterParams{MeterID: ms[0].ID, FromDay: 0, ToDay: 1 << 40})
	if err != nil || len(days) != 9 {
		t.Fatalf("%d days, want 9: %v", len(days), err)
	}
	for _, d := range days {
		if n := want[d.Day]; d.N != n || d.Total != 100*n || d.Lo != -n || d.Hi != n {
			t.Errorf("rollup of %s is %+v, want the one of n %d", time.Unix(d.Day, 0), d, n)
		}
	}
}

// cancelAt is a context cancelled by its own at-th Err call: the writer
// asks it before each batch and block, so it is cancelled part-way through
// a save, after some blocks were written in the transaction.
type cancelAt struct {
	context.Context
	cancel context.CancelFunc
	calls  atomic.Int64
	at     int64
}

func (c *cancelAt) Err() error {
	if c.calls.Add(1) == c.at {
		c.cancel()
	}
	return c.Context.Err()
}

// A save whose run is cancelled part-way stops at the next block and
// leaves nothing: its statements run on a context that cannot be
// cancelled, yet neither the blocks written before nor any watermark stay.
func TestCancelledSaveStopsAndLeavesNothing(t *testing.T) {
	s := oneMeter(t)
	loc := app.DefaultZone()
	var batches []series.Batch
	for m := range 3 { // three batches of ten days each
		from := time.Date(2026, time.Month(4+m), 1, 0, 0, 0, 0, loc)
		var rs []series.Reading
		for ts := from.Unix(); ts < from.AddDate(0, 0, 10).Unix(); ts += 900 {
			rs = append(rs, series.Reading{TS: ts, Value: app.Decimal(ts % 97 * 1000)})
		}
		batches = append(batches, series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M,
			Readings: rs, Watermark: from.AddDate(0, 0, 10)})
	}
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx := &cancelAt{Context: base, cancel: cancel, at: 15} // in the second batch
	err := s.SaveReadings(ctx, 0, "ep", batches...)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("save = %v, want it cancelled", err)
	}
	if n := ctx.calls.Load(); n != ctx.at {
		t.Errorf("the save asked the context %d times, went on %d times after it was cancelled", n, n-ctx.at)
	}
	bg := context.Background()
	if n, err := s.countReadings(bg); err != nil || n != 0 {
		t.Errorf("%d readings stored, want none: %v", n, err)
	}
	if st, err := s.SeriesState(bg, "ep", "m1", series.Consumption); err != nil || !st.Watermark.IsZero() {
		t.Errorf("stream %+v, %v: want none", st, err)
	}
	// The cache is not left in a transaction: the same save goes through.
	if err := s.SaveReadings(bg, 0, "ep", batches...); err != nil {
		t.Fatal(err)
	}
	if n, err := s.countReadings(bg); err != nil || n != 3*10*96 {
		t.Errorf("%d readings stored, want %d: %v", n, 3*10*96, err)
	}
}

// The writer lays readings out in space it keeps from save to save: a
// save with fewer channels or readings than the one before stores its own
// readings only, each in its channel's series, and leaves the others'.
func TestSavesReuseNoReadingOfAnother(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	loc := app.DefaultZone()
	type key struct {
		ch string
		ts int64
	}
	want := map[key]app.Decimal{}
	// channels: readings at step seconds from day d, one channel after
	// another in turn, as a vendor sends two registers of a meter.
	batch := func(d, n int, step int64, val int64, channels ...string) series.Batch {
		from := time.Date(2026, 2, d, 0, 0, 0, 0, loc).Unix()
		var rs []series.Reading
		for i := range int64(n) {
			for _, ch := range channels {
				r := series.Reading{TS: from + i*step, Channel: ch, Value: app.Decimal(val + i*1000)}
				rs = append(rs, r)
				want[key{ch, r.TS}] = r.Value
			}
		}
		return series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M, Readings: rs}
	}
	for _, b := range []series.Batch{
		batch(1, 3*96, 900, 1_000, "a", "b"), // three days of two channels
		batch(5, 10, 900, 7_000, "b"),        // fewer readings, one channel
		batch(6, 96, 900, 9_000, "c", "a"),   // a new channel first
		batch(1, 4, 900, 5_000, "a"),         // a correction of the first day
	} {
		if err := s.SaveReadings(ctx, 0, "ep", b); err != nil {
			t.Fatal(err)
		}
	}
	ms, _ := s.ListMeters(ctx)
	got := map[key]app.Decimal{}
	err := s.EachMeasure(ctx, ms[0].ID, series.Consumption, time.Unix(0, 0), time.Unix(1<<40, 0), series.Native, func(r *series.Row) error {
		got[key{r.Channel, r.Start.Unix()}] = r.Value
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("%d readings back, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("channel %s at %s: %s, want %s", k.ch, time.Unix(k.ts, 0).In(loc), got[k], v)
		}
	}
}
