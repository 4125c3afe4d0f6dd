package db

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
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
