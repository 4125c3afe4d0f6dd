// Package resynctest holds the re-syncs both backends' tests drive through
// their write path (db.Store, pgstore.Store), so that the cache and the
// book are held to the same rule: a re-sync that brings what the store
// already holds writes nothing, anything new still lands. Only tests
// import it.
package resynctest

import (
	"errors"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

// Step is one re-sync of source "ep": the meter list's meter m1, then one
// batch of m1's consumption (Meter, Measure and Interval filled in).
type Step struct {
	Name      string
	Meter     series.Meter
	Batch     series.Batch
	Changes   bool      // whether the step must write anything
	Watermark time.Time // the stream's afterwards
}

// From is where the readings start: 29 March 2026, the spring DST day,
// 00:00 in Berlin.
var From = time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC)

// Readings, Total: after the steps, the stream holds Readings readings
// (two channels of 192 quarter hours) summing to Total; each channel
// 1005 + 1006 + … + 1196, the late correction's values.
const (
	Readings = 2 * 192
	Total    = app.Decimal(2 * 192 * (1005 + 1196) / 2)
)

// Steps are the re-syncs in order: each is a run of its own, as each
// re-sync is.
func Steps() []Step {
	// Two local days of quarter hours, in two channels, as a consumption
	// look-back brings them.
	readings := func(bump int64) []series.Reading {
		var rs []series.Reading
		for i := range int64(2 * 96) {
			for _, ch := range []string{"ht", "nt"} {
				rs = append(rs, series.Reading{TS: From.Unix() + 900*i, Channel: ch, Value: app.Decimal(1000 + i + bump)})
			}
		}
		return rs
	}
	meter := series.Meter{ExternalID: "m1", Zone: "Europe/Berlin", Label: "Hall", Intervals: []series.Interval{series.PT15M}}
	relabelled := meter
	relabelled.Label = "Hall 2"
	w1, w2 := From.Add(48*time.Hour), From.Add(49*time.Hour)
	fail := &app.RecordError{Source: "ep", Record: "meter m1 consumption at x", Field: "value", Err: errors.New("not a number")}
	steps := []Step{
		{"first sync", meter, series.Batch{Readings: readings(0), Watermark: w1}, true, w1},
		{"the same meter and look-back again", meter, series.Batch{Readings: readings(0), Watermark: w1}, false, w1},
		{"the meter relabelled", relabelled, series.Batch{Readings: readings(0), Watermark: w1}, true, w1},
		{"the same readings, the watermark moved", relabelled, series.Batch{Readings: readings(0), Watermark: w2}, true, w2},
		{"the same readings after a gap (no watermark)", relabelled, series.Batch{Readings: readings(0)}, false, w2},
		{"a late correction", relabelled, series.Batch{Readings: readings(5), Watermark: w2}, true, w2},
		{"nothing new but a record problem", relabelled, series.Batch{Readings: readings(5), Watermark: w2, Failures: []*app.RecordError{fail}}, true, w2},
		{"an empty window", relabelled, series.Batch{Watermark: w2}, false, w2},
	}
	for i := range steps {
		b := &steps[i].Batch
		b.Meter, b.Measure, b.Interval = "m1", series.Consumption, series.PT15M
	}
	return steps
}
