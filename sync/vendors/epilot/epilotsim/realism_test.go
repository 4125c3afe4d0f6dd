package epilotsim

import (
	"testing"
	"time"
)

// A business portal user's prices are a German business's net figures:
// a day-ahead price averaging 60–110 EUR/MWh that goes negative on spring
// and summer middays only, grid fees of 6–9 ct/kWh, the electricity tax of
// 2.05 ct plus 1–3 ct of levies, a margin of 1–2 ct; sites of tens of MWh.
func TestBusinessPricesArePlausible(t *testing.T) {
	s := New(Options{Seed: 1, Meters: 20, Business: true, To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	from, to := s.Range()
	c := s.clock()
	negative := map[time.Month]int{}
	var sum, n int64
	for ts := from.Unix(); ts < to.Unix(); ts += 900 {
		p := s.spot(c.at(ts), ts)
		if p < 0 {
			negative[time.Unix(ts, 0).UTC().Month()]++
		}
		sum += p
		n++
	}
	if mean := sum / n / 1000; mean < 60 || mean > 110 {
		t.Errorf("mean day-ahead price %d EUR/MWh", mean)
	}
	for m, k := range negative {
		if m < time.March || m > time.October {
			t.Errorf("%d negative quarter hours in %v", k, m)
		}
	}
	if negative[time.June]+negative[time.July] < 100 {
		t.Errorf("too few negative quarter hours in summer: %v", negative)
	}
	for m := range s.Meters() {
		p := s.profile(m)
		parts := s.price(&p, c.at(from.Unix()), from.Unix())
		if !p.business || p.pv || p.ntht {
			t.Errorf("meter %d: %+v, want a business site", m, p)
		}
		if p.annualKWh < 10_000 || p.annualKWh > 50_000 {
			t.Errorf("meter %d: %.0f kWh a year", m, p.annualKWh)
		}
		if parts.grid < 60_000 || parts.grid > 90_000 {
			t.Errorf("meter %d: grid fee %d e-6 EUR/kWh", m, parts.grid)
		}
		if parts.levies < 20_500+10_000 || parts.levies > 20_500+30_000 {
			t.Errorf("meter %d: taxes and levies %d e-6 EUR/kWh", m, parts.levies)
		}
		if parts.margin < 10_000 || parts.margin > 20_000 {
			t.Errorf("meter %d: margin %d e-6 EUR/kWh", m, parts.margin)
		}
	}
	if kwh := s.AnnualKWh(); kwh < 20*12_000 || kwh > 20*40_000 {
		t.Errorf("AnnualKWh %d", kwh)
	}
}
