package db

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

// goldenReads is the SHA-256 of everything readGolden prints, taken from
// the read path before its speed-ups: the readings and buckets a meter page,
// a CSV download or the tariff engine gets must stay the same to the byte.
// WATTFOLIO_GOLDEN_OUT=file writes the text, to diff a change against.
const goldenReads = "8e0a5ae4b4bbb8f83ad8ff857a5a462391569591392e1c02868fc23d32a343bf"

// TestReadsStayTheSame reads four months of a meter across both DST changes
// (two consumption channels, prices with components and changing tax, costs;
// a gap, a day begun late, a zstd and a raw block) through every resolution
// of Aggregate and EachReading, over ranges that start and end inside blocks.
func TestReadsStayTheSame(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	loc := app.DefaultZone()
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
	to := time.Date(2026, 11, 3, 0, 0, 0, 0, loc)
	batches := map[string]*series.Batch{}
	add := func(m series.Measure, ch string, r series.Reading) {
		k := string(m)
		if batches[k] == nil {
			batches[k] = &series.Batch{Meter: "m1", Measure: m, Interval: series.PT15M, Currency: "EUR"}
		}
		r.Channel = ch
		batches[k].Readings = append(batches[k].Readings, r)
	}
	d := func(v int64) *app.Decimal { x := app.Decimal(v); return &x }
	i := int64(0)
	for ts := from.Unix() + 5*3600; ts < to.Unix(); ts += 900 {
		i++
		if day := time.Unix(ts, 0).In(loc); day.Month() == time.May && day.Day() >= 10 && day.Day() < 13 {
			continue // a gap of three days
		}
		wh := 1000 * (40 + (i*7919)%97)
		add(series.Consumption, "", series.Reading{TS: ts, Value: app.Decimal(wh)})
		if i%5 == 0 {
			add(series.Consumption, series.FeedIn, series.Reading{TS: ts, Value: app.Decimal(1000 * (i % 13))})
		}
		p := &series.Parts{Auction: d(80_000 + (i*31)%50_000*10), TaxesLevies: d(120_000)}
		if i%96 < 48 {
			p.GridFee = d(75_000 + i%3)
		}
		price := *p.Auction + *p.TaxesLevies
		if p.GridFee != nil {
			price += *p.GridFee
		}
		add(series.Price, "", series.Reading{TS: ts, Value: price, Parts: p, Tax: series.Tax{Set: true, Rate: 19, Inclusive: i%2000 < 1000}})
		add(series.Cost, "", series.Reading{TS: ts, Value: app.Decimal(wh) * price / 1_000_000})
	}
	for _, k := range []series.Measure{series.Consumption, series.Price, series.Cost} {
		b := batches[string(k)]
		if b == nil {
			t.Fatalf("no batch %s", k)
		}
		if err := s.SaveReadings(ctx, 0, "ep", *b); err != nil {
			t.Fatal(err)
		}
	}
	ms, _ := s.ListMeters(ctx)
	id := ms[0].ID
	h := sha256.New()
	var out *os.File
	if name := os.Getenv("WATTFOLIO_GOLDEN_OUT"); name != "" {
		var err error
		if out, err = os.Create(name); err != nil {
			t.Fatal(err)
		}
		defer out.Close()
	}
	pr := func(format string, args ...any) {
		fmt.Fprintf(h, format, args...)
		if out != nil {
			fmt.Fprintf(out, format, args...)
		}
	}
	readGolden(t, s, id, loc, pr)
	if got := hex.EncodeToString(h.Sum(nil)); got != goldenReads {
		t.Errorf("the reads changed: sha256 %s, want %s (WATTFOLIO_GOLDEN_OUT=file writes them)", got, goldenReads)
	}
}

func readGolden(t *testing.T, s *Store, id int64, loc *time.Location, pr func(string, ...any)) {
	ctx := context.Background()
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	ranges := [][2]time.Time{
		{at(2026, 3, 1, 0, 0), at(2026, 11, 3, 0, 0)},
		{at(2026, 3, 28, 13, 7), at(2026, 4, 2, 1, 0)},
		{at(2026, 5, 9, 0, 0), at(2026, 5, 14, 0, 0)},
		{at(2026, 10, 24, 22, 45), at(2026, 10, 26, 3, 15)},
		{at(2026, 2, 1, 0, 0), at(2026, 3, 2, 0, 0)},
	}
	for _, r := range ranges {
		for _, res := range []series.Resolution{series.Native, series.Hour, series.Day, series.Month} {
			bs, err := s.Aggregate(ctx, id, r[0], r[1], res)
			if err != nil {
				t.Fatal(err)
			}
			pr("aggregate %s %s %s: %d\n", r[0], r[1], res, len(bs))
			for _, b := range bs {
				pr("%+v\n", b)
			}
			err = s.EachReading(ctx, id, r[0], r[1], res, func(row *series.Row) error {
				pr("%s %s %s %s %s %d %+v", row.Measure, row.Channel, row.Currency, row.Start, row.End, row.N, row.Tax)
				pr(" %s", row.Value)
				if p := row.Parts; p != nil {
					for _, v := range []*app.Decimal{p.Auction, p.TaxesLevies, p.SourceFee, p.GridFee, p.Margin} {
						if v == nil {
							pr(" -")
						} else {
							pr(" %s", *v)
						}
					}
				}
				pr("\n")
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range []series.Measure{series.Consumption, series.Price} {
			n := 0
			var sum app.Decimal
			err := s.EachMeasure(ctx, id, m, r[0], r[1], series.Native, func(row *series.Row) error {
				n++
				sum += row.Value
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			pr("each %s: %d %s\n", m, n, sum)
		}
	}
}

// Months come from the daily rollup twelve at a time: over 26 months begun
// and ended mid-month, each month holds what its days hold (the first
// from its first day, the last up to the range's end).
func TestMonthsAreTheirDays(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	loc := app.DefaultZone()
	from := time.Date(2024, 11, 17, 0, 0, 0, 0, loc)
	to := time.Date(2027, 1, 9, 0, 0, 0, 0, loc)
	var use, price []series.Reading
	for d, i := from, int64(0); d.Before(to); d, i = d.AddDate(0, 0, 1), i+1 {
		use = append(use, series.Reading{TS: d.Unix(), Value: app.Decimal(1000 * (3 + i%11))})
		price = append(price, series.Reading{TS: d.Unix(), Value: app.Decimal(200_000 + (i*7919)%50_000)})
	}
	for _, b := range []series.Batch{
		{Meter: "m1", Measure: series.Consumption, Interval: series.P1D, Readings: use},
		{Meter: "m1", Measure: series.Price, Interval: series.P1D, Currency: "EUR", Readings: price},
	} {
		if err := s.SaveReadings(ctx, 0, "ep", b); err != nil {
			t.Fatal(err)
		}
	}
	ms, _ := s.ListMeters(ctx)
	lo, hi := from.AddDate(0, 0, 3), to.AddDate(0, 0, -2)
	months, err := s.Aggregate(ctx, ms[0].ID, lo, hi, series.Month)
	if err != nil {
		t.Fatal(err)
	}
	if len(months) != 27 {
		t.Fatalf("%d months, want 27 (November 2024 to January 2027)", len(months))
	}
	for i, m := range months {
		// A month counts from its first day, as the table shows it, and
		// up to the range's end.
		a, b := m.Start, m.End
		if b.After(hi) {
			b = hi
		}
		days, err := s.Aggregate(ctx, ms[0].ID, a, b, series.Day)
		if err != nil {
			t.Fatal(err)
		}
		want := series.Total(days)
		want.Start, want.End = m.Start, m.End
		if m != want {
			t.Errorf("month %d (%s): %+v\nits days: %+v", i, m.Start.Format("2006-01"), m, want)
		}
	}
}
