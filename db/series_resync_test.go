package db

import (
	"context"
	"errors"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/internal/resynctest"
)

// A re-sync saves the meter list and fetches each stream's look-back
// again. What it brings that the cache already holds must commit nothing
// at all (no meter, block, rollup or stream row), while a changed meter, a
// correction, a moved watermark or a record problem still lands: the cache
// file then only changes when the vendor's data did. Whether a save
// changed the file is what SQLite's data_version tells a reader's
// connection. The book is held to the same steps (pgstore's
// TestResyncGivesNoRowANewRev).
func TestResyncCommitsOnlyWhatChanged(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	version := dataVersion(t, s)
	for _, step := range resynctest.Steps() {
		run, err := s.BeginRun(ctx, "ep")
		if err != nil {
			t.Fatal(err)
		}
		before := version()
		if err := s.SaveMeters(ctx, "ep", []series.Meter{step.Meter}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveReadings(ctx, run, "ep", step.Batch); err != nil {
			t.Fatalf("%s: %v", step.Name, err)
		}
		if changed := version() != before; changed != step.Changes {
			t.Errorf("%s: the cache changed: %v, want %v", step.Name, changed, step.Changes)
		}
		st, err := s.SeriesState(ctx, "ep", "m1", series.Consumption)
		if err != nil || !st.Watermark.Equal(step.Watermark) || st.Interval != series.PT15M {
			t.Errorf("%s: stream %+v (%v), want watermark %v", step.Name, st, err, step.Watermark)
		}
	}
	ms, _ := s.ListMeters(ctx)
	var total app.Decimal
	n := 0
	err := s.EachMeasure(ctx, ms[0].ID, series.Consumption, resynctest.From, resynctest.From.Add(49*time.Hour), series.Native, func(r *series.Row) error {
		total += r.Value
		n++
		return nil
	})
	if err != nil || n != resynctest.Readings || total != resynctest.Total {
		t.Errorf("%d readings summing to %d (%v), want %d summing to %d", n, total, err, resynctest.Readings, resynctest.Total)
	}
}

// SeriesStates is SeriesState for every stream of a source at once: a
// stream never synced is missing from it, another source's are not in it.
func TestSeriesStatesAreEachStreamsState(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	if err := s.EnsureSource(ctx, "other", app.VendorEpilot, "http://127.0.0.1/other"); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"ep", "other"} {
		if err := s.SaveMeters(ctx, src, []series.Meter{{ExternalID: "m1"}, {ExternalID: "m2"}}); err != nil {
			t.Fatal(err)
		}
	}
	w := time.Date(2026, 5, 1, 22, 0, 0, 0, time.UTC)
	save := func(src, meter string, m series.Measure, iv series.Interval, wm time.Time) {
		t.Helper()
		r := series.Reading{TS: wm.Add(-time.Hour).Unix(), Value: 1}
		if err := s.SaveReadings(ctx, 0, src, series.Batch{Meter: meter, Measure: m, Interval: iv, Readings: []series.Reading{r}, Watermark: wm}); err != nil {
			t.Fatal(err)
		}
	}
	save("ep", "m1", series.Consumption, series.PT15M, w)
	save("ep", "m1", series.Price, series.PT1H, w.Add(time.Hour))
	save("ep", "m2", series.Cost, series.P1D, w.Add(24*time.Hour))
	save("other", "m2", series.Consumption, series.PT15M, w.Add(-time.Hour))
	all, err := s.SeriesStates(ctx, "ep")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Errorf("%d streams of ep, want 3: %v", len(all), all)
	}
	for _, meter := range []string{"m1", "m2"} {
		for _, m := range series.Measures {
			one, err := s.SeriesState(ctx, "ep", meter, m)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := all[series.StreamKey{Meter: meter, Measure: m}]
			if got != one || ok != (one != series.State{}) {
				t.Errorf("%s %s: %+v (listed %v), SeriesState says %+v", meter, m, got, ok, one)
			}
		}
	}
}

// A save that fails rolls back the series it made; the ids the store keeps
// between saves must not outlive that, or the next save of the same
// channel would write its blocks under a series that does not exist.
func TestFailedSaveLeavesNoSeriesBehind(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	t0 := time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC)
	good := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M, Watermark: t0.Add(time.Hour),
		Readings: []series.Reading{{TS: t0.Unix(), Channel: "feed-in", Value: 7}, {TS: t0.Unix() + 900, Channel: "feed-in", Value: 8}}}
	unknown := good
	unknown.Meter = "no such meter"
	if err := s.SaveReadings(ctx, 0, "ep", good, unknown); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("a batch of an unknown meter: %v, want app.ErrNotFound", err)
	}
	if err := s.SaveReadings(ctx, 0, "ep", good); err != nil {
		t.Fatal(err)
	}
	ms, _ := s.ListMeters(ctx)
	var got []app.Decimal
	err := s.EachMeasure(ctx, ms[0].ID, series.Consumption, t0, t0.Add(time.Hour), series.Native, func(r *series.Row) error {
		if r.Channel == "feed-in" {
			got = append(got, r.Value)
		}
		return nil
	})
	if err != nil || len(got) != 2 || got[0] != 7 || got[1] != 8 {
		t.Errorf("feed-in readings %v (%v), want [7 8]", got, err)
	}
}

// dataVersion reads SQLite's data_version on a reader's connection of its
// own: it changes when another connection commits a change to the file.
func dataVersion(t *testing.T, s *Store) func() int64 {
	t.Helper()
	ctx := context.Background()
	reader, err := s.r.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reader.Close() })
	return func() int64 {
		t.Helper()
		var v int64
		if err := reader.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// A re-sync saves every meter of the vendor's listing again; one the vendor
// describes as before is not written, one it describes otherwise is.
func TestSaveMetersWritesOnlyChangedMeters(t *testing.T) {
	s := oneMeter(t)
	ctx := context.Background()
	version := dataVersion(t, s)
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	m := series.Meter{ExternalID: "m1", Zone: "Europe/Berlin", Label: "Bakery", Intervals: []series.Interval{series.PT15M}, DataTo: to, Raw: []byte(`{"id":"m1"}`)}
	for i, step := range []struct {
		name    string
		edit    func(*series.Meter)
		changes bool
	}{
		{"first description", func(*series.Meter) {}, true},
		{"the same again", func(*series.Meter) {}, false},
		{"its data range grew", func(m *series.Meter) { m.DataTo = to.Add(24 * time.Hour) }, true},
		{"relabelled", func(m *series.Meter) { m.Label = "Bakery (new shop)" }, true},
		{"the same again", func(*series.Meter) {}, false},
	} {
		step.edit(&m)
		now := to.Add(time.Duration(i+1) * time.Hour) // each save a sync of its own, later
		s.now = func() time.Time { return now }
		before := version()
		if err := s.SaveMeters(ctx, "ep", []series.Meter{m}); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if changed := version() != before; changed != step.changes {
			t.Errorf("%s: the cache changed: %v, want %v", step.name, changed, step.changes)
		}
		ms, err := s.ListMeters(ctx)
		if err != nil || len(ms) != 1 || ms[0].Label != m.Label || !ms[0].DataTo.Equal(m.DataTo) {
			t.Fatalf("%s: meters %+v (%v), want label %q, data to %v", step.name, ms, err, m.Label, m.DataTo)
		}
	}
}
