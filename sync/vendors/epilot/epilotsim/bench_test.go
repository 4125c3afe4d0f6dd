package epilotsim

import (
	"testing"
	"time"
)

// BenchmarkRender is the simulator's own cost in a full sync: a year of
// consumption, prices and costs of four meters (a household with PV and a
// double tariff, a business, a plain household, an old hourly meter) in
// the 31-day windows a sync asks for, rendered into a reused buffer as
// the handler does. An op is one meter-year of all three series.
func BenchmarkRender(b *testing.B) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Options{Seed: 7, Meters: 24, From: from, To: from.AddDate(1, 0, 0)})
	meters := []int{0, 4, 5, 6}
	var buf []byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m := meters[i%len(meters)]
		p := s.profile(m)
		iv := "PT15M"
		if !p.quarter {
			iv = "PT1H"
		}
		for w := from; w.Before(s.o.To); w = w.AddDate(0, 0, 31) {
			for _, kind := range []string{"consumption", "prices", "costs"} {
				buf = s.render(buf[:0], kind, m, p, iv, w, w.AddDate(0, 0, 31))
			}
		}
	}
}
