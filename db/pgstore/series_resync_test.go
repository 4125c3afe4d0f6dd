package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

// Laptops pull what changed on the book by rev, which a trigger sets on
// every row written. A re-sync that brings what the book already holds
// (the meter list as before, a stream's look-back again) must write no
// row, or every pull copies the whole series again; a changed meter, a
// late correction, a moved watermark or a record problem still lands. Each
// step is a run of its own, as each re-sync is.
func TestResyncGivesNoRowANewRev(t *testing.T) {
	ctx := context.Background()
	meter := series.Meter{ExternalID: "m1", Label: "Hall", Intervals: []series.Interval{series.PT15M}}
	s := bookWithMeters(t, meter)
	// Two local days of quarter hours from Berlin's midnight, in two
	// channels, as a consumption look-back brings them.
	t0 := time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC) // 29 March, the spring DST day, 00:00 in Berlin
	readings := func(bump int64) []series.Reading {
		var rs []series.Reading
		for i := range int64(2 * 96) {
			for _, ch := range []string{"ht", "nt"} {
				rs = append(rs, series.Reading{TS: t0.Unix() + 900*i, Channel: ch, Value: app.Decimal(1000 + i + bump)})
			}
		}
		return rs
	}
	relabelled := meter
	relabelled.Label = "Hall 2"
	w1, w2 := t0.Add(48*time.Hour), t0.Add(49*time.Hour)
	fail := &app.RecordError{Source: "ep", Record: "meter m1 consumption at x", Field: "value", Err: errors.New("not a number")}
	for _, step := range []struct {
		name      string
		meter     series.Meter
		batch     series.Batch
		changes   bool
		watermark time.Time // the stream's afterwards
	}{
		{"first sync", meter, series.Batch{Readings: readings(0), Watermark: w1}, true, w1},
		{"the same meter and look-back again", meter, series.Batch{Readings: readings(0), Watermark: w1}, false, w1},
		{"the meter relabelled", relabelled, series.Batch{Readings: readings(0), Watermark: w1}, true, w1},
		{"the same readings, the watermark moved", relabelled, series.Batch{Readings: readings(0), Watermark: w2}, true, w2},
		{"the same readings after a gap (no watermark)", relabelled, series.Batch{Readings: readings(0)}, false, w2},
		{"a late correction", relabelled, series.Batch{Readings: readings(5), Watermark: w2}, true, w2},
		{"nothing new but a record problem", relabelled, series.Batch{Readings: readings(5), Watermark: w2, Failures: []*app.RecordError{fail}}, true, w2},
		{"an empty window", relabelled, series.Batch{Watermark: w2}, false, w2},
	} {
		b := step.batch
		b.Meter, b.Measure, b.Interval = "m1", series.Consumption, series.PT15M
		run, err := s.BeginRun(ctx, "ep")
		if err != nil {
			t.Fatal(err)
		}
		before, err := s.SeriesRev(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveMeters(ctx, "ep", []series.Meter{step.meter}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveReadings(ctx, run, "ep", b); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		after, err := s.SeriesRev(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if changed := after != before; changed != step.changes {
			t.Errorf("%s: a series row got a new rev: %v, want %v", step.name, changed, step.changes)
		}
		st, err := s.SeriesState(ctx, "ep", "m1", series.Consumption)
		if err != nil || !st.Watermark.Equal(step.watermark) || st.Interval != series.PT15M {
			t.Errorf("%s: stream %+v (%v), want watermark %v", step.name, st, err, step.watermark)
		}
	}
	// Each channel: 1005 + 1006 + … + 1196 (192 readings, the correction).
	var n, total int64
	days, err := s.Days(ctx)
	for _, d := range days {
		n, total = n+int64(d.N), total+d.Total
	}
	if want := int64(2 * 192 * (1005 + 1196) / 2); err != nil || n != 2*192 || total != want {
		t.Errorf("%d readings summing to %d (%v), want 384 summing to %d", n, total, err, want)
	}
	// Every stream's state at once is each stream's state.
	all, err := s.SeriesStates(ctx, "ep")
	one, err1 := s.SeriesState(ctx, "ep", "m1", series.Consumption)
	if err != nil || err1 != nil || len(all) != 1 || all[series.StreamKey{Meter: "m1", Measure: series.Consumption}] != one {
		t.Errorf("states = %v (%v), want only m1's consumption %+v (%v)", all, err, one, err1)
	}
}
