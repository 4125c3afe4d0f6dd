package pgstore_test

import (
	"context"
	"testing"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/internal/resynctest"
)

// Laptops pull what changed on the book by rev, which a trigger sets on
// every row written. A re-sync that brings what the book already holds
// (the meter list as before, a stream's look-back again) must write no
// row, or every pull copies the whole series again; a changed meter, a
// late correction, a moved watermark or a record problem still lands: the
// steps db's TestResyncCommitsOnlyWhatChanged holds the cache to.
func TestResyncGivesNoRowANewRev(t *testing.T) {
	ctx := context.Background()
	steps := resynctest.Steps()
	s := bookWithMeters(t, steps[0].Meter)
	for _, step := range steps {
		run, err := s.BeginRun(ctx, "ep")
		if err != nil {
			t.Fatal(err)
		}
		before, err := s.SeriesRev(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveMeters(ctx, "ep", []series.Meter{step.Meter}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveReadings(ctx, run, "ep", step.Batch); err != nil {
			t.Fatalf("%s: %v", step.Name, err)
		}
		after, err := s.SeriesRev(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if changed := after != before; changed != step.Changes {
			t.Errorf("%s: a series row got a new rev: %v, want %v", step.Name, changed, step.Changes)
		}
		st, err := s.SeriesState(ctx, "ep", "m1", series.Consumption)
		if err != nil || !st.Watermark.Equal(step.Watermark) || st.Interval != series.PT15M {
			t.Errorf("%s: stream %+v (%v), want watermark %v", step.Name, st, err, step.Watermark)
		}
	}
	var n, total int64
	days, err := s.Days(ctx)
	for _, d := range days {
		n, total = n+int64(d.N), total+d.Total
	}
	if err != nil || n != resynctest.Readings || app.Decimal(total) != resynctest.Total {
		t.Errorf("%d readings summing to %d (%v), want %d summing to %d", n, total, err, resynctest.Readings, resynctest.Total)
	}
	// Every stream's state at once is each stream's state.
	all, err := s.SeriesStates(ctx, "ep")
	one, err1 := s.SeriesState(ctx, "ep", "m1", series.Consumption)
	if err != nil || err1 != nil || len(all) != 1 || all[series.StreamKey{Meter: "m1", Measure: series.Consumption}] != one {
		t.Errorf("states = %v (%v), want only m1's consumption %+v (%v)", all, err, one, err1)
	}
}
