package db

import (
	"context"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

// oneMeter is a cache with source "ep" and its meter "m1" in Berlin.
func oneMeter(t *testing.T) *Store {
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
	if c, _ := s.CountReadings(ctx); c != n {
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
	if c, _ := s.CountReadings(ctx); c != n {
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
		n, _ := s.CountReadings(ctx)
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
