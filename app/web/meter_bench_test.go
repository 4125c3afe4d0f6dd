package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/internal/cputime"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/epilot/epilotsim"
)

// minSamples is the fewest requests a page's p50 and p95 come from,
// whatever b.N: a 95th percentile of three requests is their maximum.
const minSamples = 200

// pageLatencies serves GET target through h max(b.N, minSamples) times and
// reports the median and 95th percentile of the handler's time, its mean as
// the time per op, and the process's CPU time per request (user and system,
// the garbage collector's included): on a shared machine the wall times
// carry every other process's load, the CPU time much less of it; check
// sees the first response.
func pageLatencies(b *testing.B, h http.Handler, target string, check func(b *testing.B, w *httptest.ResponseRecorder)) {
	b.Helper()
	pageLatenciesOf(b, h, func(int) string { return target }, check)
}

// pageLatenciesOf is pageLatencies with the i-th request's URL from urlOf.
func pageLatenciesOf(b *testing.B, h http.Handler, urlOf func(i int) string, check func(b *testing.B, w *httptest.ResponseRecorder)) {
	b.Helper()
	n := max(b.N, minSamples)
	durations := make([]time.Duration, 0, n)
	var total time.Duration
	cpu0 := cputime.Process()
	b.ResetTimer()
	for i := range n {
		target := urlOf(i)
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.Host = "127.0.0.1:34115"
		withToken(r)
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, r)
		d := time.Since(start)
		durations, total = append(durations, d), total+d
		if w.Code != http.StatusOK {
			b.Fatalf("%s: status %d", target, w.Code)
		}
		if i == 0 && check != nil {
			check(b, w)
		}
	}
	b.StopTimer()
	cpu := cputime.Process() - cpu0
	slices.Sort(durations)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(durations[len(durations)/2]), "p50-ms")
	b.ReportMetric(ms(durations[min(len(durations)-1, len(durations)*95/100)]), "p95-ms")
	b.ReportMetric(float64(total)/float64(n), "ns/op")
	b.ReportMetric(float64(n), "samples")
	b.ReportMetric(ms(cpu)/float64(n), "cpu-ms/op")
}

// BenchmarkMeterPage times the meter page (/meters/{id}) of a meter synced
// from the simulated epilot for a year (consumption, prices and costs in
// quarter hours, as a sync stores them): the hourly view over 93 days (the
// issue's target: 10 ms), the daily view over a year, and the year's
// quarter hours as CSV, the download the page offers.
func BenchmarkMeterPage(b *testing.B) {
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	h := syncedMeter(b, to.AddDate(-1, 0, 0), to)
	for _, t := range []struct{ name, url, want string }{
		{"hour-93-days", "/meters/1?from=2026-07-01&to=2026-10-02&res=hour", "<svg"},
		{"day-365-days", "/meters/1?from=2025-11-01&to=2026-11-01&res=day", "<svg"},
	} {
		b.Run(t.name, func(b *testing.B) {
			pageLatencies(b, h, t.url, func(b *testing.B, w *httptest.ResponseRecorder) {
				if !strings.Contains(w.Body.String(), t.want) {
					b.Fatalf("%s: no %q in the page", t.url, t.want)
				}
			})
		})
	}
	b.Run("csv-year-quarter-hours", func(b *testing.B) {
		target := "/meters/1/readings.csv?from=2025-11-01&to=2026-11-01&res=native"
		var lines int
		for range b.N {
			r := httptest.NewRequest(http.MethodGet, target, nil)
			r.Host = "127.0.0.1:34115"
			withToken(r)
			w := &countingWriter{header: http.Header{}}
			h.ServeHTTP(w, r)
			if w.code != 0 && w.code != http.StatusOK {
				b.Fatalf("%s: status %d", target, w.code)
			}
			lines = w.lines
		}
		// Consumption, price and cost: three quarter-hour rows a quarter hour.
		if lines < 3*35_000 {
			b.Fatalf("%d lines, want a year of quarter hours of three measures", lines)
		}
		b.ReportMetric(float64(lines-1), "rows")
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/download")
	})
}

// syncedMeter is the handler over a cache holding one meter synced from the
// simulated epilot over [from, to) (consumption, prices and costs in
// quarter hours, as a sync stores them).
func syncedMeter(tb testing.TB, from, to time.Time) http.Handler {
	tb.Helper()
	sim := epilotsim.New(epilotsim.Options{Seed: 42, Meters: 1, Token: "t", From: from, To: to})
	up := httptest.NewServer(http.StripPrefix("/ep", sim))
	tb.Cleanup(up.Close)
	s := openStore(tb)
	c, _ := epilot.New(epilot.Config{Source: "ep", BaseURL: up.URL + "/ep", Token: "t", Now: func() time.Time { return to }})
	if r := (&engine.Engine{Store: s}).Sync(context.Background(), engine.Source{Name: "ep", Vendor: app.VendorEpilot, Connector: c}); r.Err != nil {
		tb.Fatal(r.Err)
	}
	o := testOptions(s)
	o.Meters = s
	return New(o)
}
