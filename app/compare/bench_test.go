package compare_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/series"
	"wattfolio/app/tariff"
	"wattfolio/db"
)

// benchTariffs are ten tariffs of every model a comparison meets.
func benchTariffs() []*tariff.Tariff {
	ch := tariff.Charges{GridPerKWh: d("0.08"), LeviesPerKWh: d("0.012"), ElectricityTaxPerKWh: d("0.0205"), ConcessionPerKWh: d("0.0166")}
	return []*tariff.Tariff{
		{Name: "fixed", Model: tariff.Fixed, Gross: true, VATRate: d("0.19"), BasePerYear: d("119.40"), WorkingPerKWh: d("0.279"),
			Bonuses: []tariff.Bonus{{Kind: tariff.InstantBonus, Amount: d("100")}}},
		{Name: "business", Model: tariff.Fixed, VATRate: d("0.19"), BasePerYear: d("600"), WorkingPerKWh: d("0.12"), Charges: ch},
		{Name: "htnt", Model: tariff.TimeOfUse, VATRate: d("0.19"), WorkingPerKWh: d("0.31"),
			Zones: []tariff.Zone{{Name: "NT", From: 22 * 60, To: 6 * 60, PerKWh: d("0.24")}}},
		{Name: "14a", Model: tariff.Fixed, VATRate: d("0.19"), WorkingPerKWh: d("0.15"), Charges: ch,
			GridZones: []tariff.Zone{{From: 0, To: 360, PerKWh: d("0.02")}, {From: 17 * 60, To: 20 * 60, PerKWh: d("0.14")}}},
		{Name: "dynamic", Model: tariff.Dynamic, VATRate: d("0.19"), WorkingPerKWh: d("0.02"), Charges: ch},
		{Name: "dynamic clamp", Model: tariff.Dynamic, VATRate: d("0.19"), WorkingPerKWh: d("0.02"), Charges: ch, Negative: tariff.NegativeClamp},
		{Name: "monthly", Model: tariff.IndexedMonthly, VATRate: d("0.19"), WorkingPerKWh: d("0.03"), Charges: ch},
		{Name: "yearly", Model: tariff.IndexedYearly, VATRate: d("0.19"), WorkingPerKWh: d("0.03"), Charges: ch, Average: tariff.AverageLoadWeighted},
		{Name: "ppa", Model: tariff.PPA, VATRate: d("0.19"), PPA: &tariff.PPATerms{Kind: tariff.Baseload, BaseloadKW: d("0.3"), PricePerKWh: d("0.07")}, Charges: ch},
		{Name: "fixed 2", Model: tariff.Fixed, VATRate: d("0.19"), BasePerYear: d("90"), WorkingPerKWh: d("0.29")},
	}
}

// BenchmarkMeterYear is issue 9's first target: one meter-year of quarter
// hours read from a real cache file and priced under ten tariffs, spot
// prices read from the same meter's price series.
func BenchmarkMeterYear(b *testing.B) {
	ctx := context.Background()
	s, err := db.Open(ctx, filepath.Join(b.TempDir(), "cache.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.EnsureSource(ctx, "portal", app.VendorEpilot, "http://127.0.0.1/portal"); err != nil {
		b.Fatal(err)
	}
	run, err := s.BeginRun(ctx, "portal")
	if err != nil {
		b.Fatal(err)
	}
	if err := s.SaveMeters(ctx, "portal", []series.Meter{{ExternalID: "m1", Unit: "kWh", Zone: app.DefaultZoneName,
		Intervals: []series.Interval{series.PT15M}}}); err != nil {
		b.Fatal(err)
	}
	from, to := local(2025, 12, 1), local(2026, 12, 1)
	use := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M}
	price := series.Batch{Meter: "m1", Measure: series.Price, Interval: series.PT15M, Currency: "EUR"}
	for i, ts := 0, from; ts.Before(to); i, ts = i+1, ts.Add(15*time.Minute) {
		use.Readings = append(use.Readings, series.Reading{TS: ts.Unix(), Value: app.Decimal(100_000 + int64(i%96)*3_000)})
		price.Readings = append(price.Readings, series.Reading{TS: ts.Unix(), Value: d("0.2"),
			Parts: &series.Parts{Auction: app.Ptr(app.Decimal(int64(i%97)*2000 - 40_000))}})
	}
	if err := s.SaveReadings(ctx, run, "portal", use, price); err != nil {
		b.Fatal(err)
	}
	meters, err := s.ListMeters(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ts := benchTariffs()
	load := func(b *testing.B) (tariff.Curve, tariff.Market) {
		c, _, err := compare.MeterCurve(ctx, s, meters, from, to, berlin, compare.DefaultGas)
		if err != nil {
			b.Fatal(err)
		}
		m, _, err := compare.SpotOfMeter(ctx, s, meters[0], from, to)
		if err != nil {
			b.Fatal(err)
		}
		return c, m
	}
	// The parts apart, so a reader sees where the time goes; "all" is the
	// target's figure.
	b.Run("curve", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := compare.MeterCurve(ctx, s, meters, from, to, berlin, compare.DefaultGas); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("spot", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := compare.SpotOfMeter(ctx, s, meters[0], from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("price", func(b *testing.B) {
		c, m := load(b)
		for b.Loop() {
			if _, err := tariff.PriceAll(c, ts, m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, m := load(b)
			if _, err := tariff.PriceAll(c, ts, m); err != nil {
				b.Fatal(err)
			}
		}
	})
	// As a ranking prices: the year and year 2, no month by month.
	b.Run("all-years", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, m := load(b)
			if _, err := tariff.PriceYears(c, ts, m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkProfiles500 is issue 9's second target: 500 customers without
// meter data, each on its own standard-load-profile year, under 5 offers.
func BenchmarkProfiles500(b *testing.B) {
	ctx := context.Background()
	ts := benchTariffs()[:5]
	for i := range ts {
		if ts[i].Model != tariff.Fixed && ts[i].Model != tariff.TimeOfUse {
			ts[i] = &tariff.Tariff{Name: fmt.Sprint("fixed ", i), Model: tariff.Fixed, VATRate: d("0.19"), WorkingPerKWh: d("0.3")}
		}
	}
	profiles := []string{"H25", "G25", "L25"}
	b.ReportAllocs()
	for b.Loop() {
		for i := range 500 {
			c, err := compare.LoadCurve(ctx, nil, compare.CurveRequest{Profile: "", Account: app.Account{Name: "x", Profile: profiles[i%3]},
				AnnualKWh: app.DecimalFromInt(int64(2000 + i*37)), Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), Commodity: app.CommodityElectricity})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tariff.PriceYears(c, ts, tariff.Market{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
