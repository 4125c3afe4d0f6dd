package db

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/internal/dbq"
	"wattfolio/internal/cputime"
)

// BenchmarkEachMeasureMeterYear reads one meter-year of quarter-hour
// consumption into memory, as the tariff engine does before pricing it,
// stored with and without zstd. The curve is a household's in Wh: a daily
// shape with noise.
func BenchmarkEachMeasureMeterYear(b *testing.B) {
	defer func(c bool) { compressBlocks = c }(compressBlocks)
	for _, z := range []bool{false, true} {
		name := "raw"
		if z {
			name = "zstd"
		}
		b.Run(name, func(b *testing.B) {
			compressBlocks = z
			benchMeterYear(b)
		})
	}
}

func benchMeterYear(b *testing.B) {
	ctx := context.Background()
	s := oneMeter(b)
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, app.DefaultZone())
	to := from.AddDate(1, 0, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	batch := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M}
	for ts := from.Unix(); ts < to.Unix(); ts += 900 {
		hour := float64(ts%86400) / 3600
		wh := 60 + 50*math.Sin((hour-6)*math.Pi/12) + float64(rng.IntN(40))
		batch.Readings = append(batch.Readings, series.Reading{TS: ts, Value: app.Decimal(1000 * int64(wh))})
	}
	if err := s.SaveReadings(ctx, 0, "ep", batch); err != nil {
		b.Fatal(err)
	}
	ms, _ := s.ListMeters(ctx)
	curve := make([]app.Decimal, 0, 35_040)
	cpu0 := cputime.Process()
	for b.Loop() {
		curve = curve[:0]
		err := s.EachMeasure(ctx, ms[0].ID, series.Consumption, from, to, series.Native, func(r *series.Row) error {
			curve = append(curve, r.Value)
			return nil
		})
		if err != nil || len(curve) != 35_040 {
			b.Fatalf("%d readings: %v", len(curve), err)
		}
	}
	b.ReportMetric(float64(cputime.Process()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkSaveMeterYear is the write path alone (blockwrite, the block
// codec, the cache's statements), as a full sync drives it: a meter-year
// of quarter hours of consumption, prices with their five components and
// costs, a month of the three measures to a transaction, into a fresh
// cache each time. The CPU a full sync spends writing; B/reading is the
// blocks' bytes as stored.
func BenchmarkSaveMeterYear(b *testing.B) {
	ctx := context.Background()
	loc := app.DefaultZone()
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	rng := rand.New(rand.NewPCG(1, 2))
	d := func(v int64) *app.Decimal { x := app.Decimal(v); return &x }
	var months [][]series.Batch
	readings := 0
	for m := range 12 {
		start, end := from.AddDate(0, m, 0).Unix(), from.AddDate(0, m+1, 0).Unix()
		use := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M, Watermark: time.Unix(end, 0)}
		price := series.Batch{Meter: "m1", Measure: series.Price, Interval: series.PT15M, Currency: "EUR", Watermark: time.Unix(end, 0)}
		cost := series.Batch{Meter: "m1", Measure: series.Cost, Interval: series.PT15M, Currency: "EUR", Watermark: time.Unix(end, 0)}
		tax := series.Tax{Set: true, Rate: 19, Inclusive: true}
		for ts := start; ts < end; ts += 900 {
			hour := float64(ts%86400) / 3600
			wh := int64(60+50*math.Sin((hour-6)*math.Pi/12)) + int64(rng.IntN(40))
			auction := int64(80_000 + rng.IntN(400)*100) // millionths of EUR per kWh
			p := auction + 143_500
			use.Readings = append(use.Readings, series.Reading{TS: ts, Value: app.Decimal(1000 * wh)})
			price.Readings = append(price.Readings, series.Reading{TS: ts, Value: app.Decimal(p), Tax: tax,
				Parts: &series.Parts{Auction: d(auction), TaxesLevies: d(20_500), SourceFee: d(5_000), GridFee: d(100_000), Margin: d(18_000)}})
			cost.Readings = append(cost.Readings, series.Reading{TS: ts, Value: app.Decimal(wh * p / 1000), Tax: tax})
		}
		months = append(months, []series.Batch{use, price, cost})
		readings += 3 * len(use.Readings)
	}
	var cpu time.Duration
	var size int64
	for b.Loop() {
		b.StopTimer()
		s := oneMeter(b)
		b.StartTimer()
		cpu0 := cputime.Process()
		for _, batches := range months {
			if err := s.SaveReadings(ctx, 0, "ep", batches...); err != nil {
				b.Fatal(err)
			}
		}
		cpu += cputime.Process() - cpu0
		b.StopTimer()
		size = blockBytes(b, s)
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(cpu.Seconds()*1e9/float64(b.N)/float64(readings), "cpu-ns/reading")
	b.ReportMetric(float64(size)/float64(readings), "B/reading")
}

// blockBytes are the bytes of every block of the cache's one meter.
func blockBytes(b *testing.B, s *Store) int64 {
	ctx := context.Background()
	ms, _ := s.ListMeters(ctx)
	ss, err := s.rq.SeriesOfMeter(ctx, ms[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, sr := range ss {
		bs, err := s.rq.BlocksOfSeries(ctx, dbq.BlocksOfSeriesParams{SeriesID: sr.ID, FromStart: 0, ToStart: 1 << 40, Lim: 1 << 20})
		if err != nil {
			b.Fatal(err)
		}
		for _, bl := range bs {
			n += int64(len(bl.Data))
		}
	}
	return n
}
