package epilot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/sync/vendors/epilot/epilotsim"
)

// streams is what the cache holds of every meter: per meter number and
// measure, the interval, the watermark and how many readings each day has.
type streamView struct {
	interval  series.Interval
	watermark time.Time
}

func cacheView(t *testing.T, e *env, from, to time.Time) (map[string]streamView, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	meters, err := e.store.ListMeters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	streams := map[string]streamView{}
	days := map[string]int64{}
	for _, m := range meters {
		for _, measure := range series.Measures {
			st, err := e.store.SeriesState(ctx, "ep", m.ExternalID, measure)
			if err != nil {
				t.Fatal(err)
			}
			streams[m.Number+" "+string(measure)] = streamView{st.Interval, st.Watermark}
		}
		bs, err := e.store.Aggregate(ctx, m.ID, from, to, series.Day)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			days[m.Number+" "+b.Start.Format("2006-01-02")] = b.Readings*1000 + b.PriceN
		}
	}
	return streams, days
}

// An older deployment (the 0.23.1 client's API) has no visualization
// metadata and knows meters by meter_id only. No meter is dropped: the
// intervals are probed, and the cache ends with the same streams, at the
// same intervals, with the same readings as against a current deployment.
// Meter 6 offers no quarter hours and meter 10 claims them but refuses.
func TestOlderDeploymentWithoutMetadata(t *testing.T) {
	loc := berlin(t)
	from, to := day(loc, "2026-05-01"), day(loc, "2026-05-04")
	now := to.Add(3 * time.Hour)
	current := setup(t, epilotsim.Options{Seed: 2, Meters: 11, From: from, To: to}, now)
	older := setup(t, epilotsim.Options{Seed: 2, Meters: 11, From: from, To: to, Legacy: true}, now)
	for name, e := range map[string]*env{"current": current, "older": older} {
		if r := e.sync(t); r.Err != nil || r.Status != app.RunOK || r.Meters != 11 || r.Failed != 0 {
			t.Fatalf("%s deployment: %v %v, %d meters, %d failed", name, r.Status, r.Err, r.Meters, r.Failed)
		}
	}
	if n := older.sim.Requests()["/v2/portal/visualization/metadata"]; n != 11 {
		t.Errorf("older deployment: %d metadata requests, want one per meter", n)
	}
	wantStreams, wantDays := cacheView(t, current, from, to)
	gotStreams, gotDays := cacheView(t, older, from, to)
	if len(wantDays) != 11*3 {
		t.Fatalf("current deployment: %d meter days, want 33", len(wantDays))
	}
	for k, want := range wantStreams {
		got := gotStreams[k]
		// Without a data range, the watermark is the end of what was asked:
		// now, not the vendor's end of data.
		if got.interval != want.interval || got.watermark.Before(want.watermark) {
			t.Errorf("%s: %s to %s, want %s to %s", k, got.interval, got.watermark, want.interval, want.watermark)
		}
	}
	for k, want := range wantDays {
		if gotDays[k] != want {
			t.Errorf("%s: %d readings (×1000 + prices), want %d", k, gotDays[k], want)
		}
	}
}

// A 200 with no records for a window the vendor's metadata says has data
// (a portal hook that lost data for a while) does not move the watermark
// past it: the windows after it are stored, the run names the empty
// window, and the next sync asks for it again and fills it.
func TestEmptyAnswerInsideDataRangeKeepsWatermark(t *testing.T) {
	loc := berlin(t)
	from, to := day(loc, "2026-01-01"), day(loc, "2026-03-15") // three windows at PT15M
	now := to.Add(3 * time.Hour)
	blankFrom, blankTo := day(loc, "2026-02-10"), day(loc, "2026-02-11")
	ref := setup(t, epilotsim.Options{Seed: 2, Meters: 1, From: from, To: to}, now)
	if r := ref.sync(t); r.Err != nil {
		t.Fatal(r.Err)
	}
	wantStreams, wantDays := cacheView(t, ref, from, to)

	e := setup(t, epilotsim.Options{Seed: 2, Meters: 1, From: from, To: to}, now)
	e.sim.Blank(blankFrom, blankTo)
	r := e.sync(t)
	if r.Err != nil || r.Status != app.RunPartial || r.Failed != 3 {
		t.Fatalf("with a blank window: %v %v, %d failed, want a partial run naming one window per measure", r.Status, r.Err, r.Failed)
	}
	if n := e.sim.Blank(time.Time{}, time.Time{}); n != 3 {
		t.Fatalf("%d blank answers, want 3", n)
	}
	streams, days := cacheView(t, e, from, to)
	for k, st := range streams {
		if st.watermark.After(blankFrom) {
			t.Errorf("%s: watermark %s past the empty window from %s", k, st.watermark, blankFrom)
		}
	}
	// Windows of 31 days from 1 January: the second, 1 February to
	// 4 March, holds the blank day and is answered empty as a whole; the
	// first and the third are stored.
	for k, want := range wantDays {
		d := k[len(k)-len("2026-01-01"):]
		if d >= "2026-02-01" && d < "2026-03-04" {
			want = 0
		}
		if days[k] != want {
			t.Errorf("%s: %d readings (×1000 + prices), want %d", k, days[k], want)
		}
	}
	run, err := e.store.LastRun(context.Background(), "ep")
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Problems) == 0 || !strings.Contains(run.Problems[0], "no records, though the vendor names data from 2025-12-31T23:00:00Z to 2026-03-14T23:00:00Z") {
		t.Errorf("problems %q", run.Problems)
	}

	if r := e.sync(t); r.Err != nil || r.Status != app.RunOK {
		t.Fatalf("after the vendor has the data again: %v %v", r.Status, r.Err)
	}
	streams, days = cacheView(t, e, from, to)
	for k, want := range wantStreams {
		if streams[k] != want {
			t.Errorf("%s: %v, want %v as after an unbroken sync", k, streams[k], want)
		}
	}
	for k, want := range wantDays {
		if days[k] != want {
			t.Errorf("%s: %d readings (×1000 + prices), want %d", k, days[k], want)
		}
	}
}

// An empty last window is more likely data the vendor has not published
// yet than data lost: the run stays ok and names nothing, but the
// watermark stays before it all the same, so the next sync reads it.
func TestEmptyEndOfRangeHoldsWatermarkQuietly(t *testing.T) {
	loc := berlin(t)
	from, to := day(loc, "2026-01-01"), day(loc, "2026-03-15") // windows from 1 January, 1 February, 4 March
	e := setup(t, epilotsim.Options{Seed: 2, Meters: 1, From: from, To: to}, to.Add(3*time.Hour))
	e.sim.Blank(day(loc, "2026-03-10"), to)
	if r := e.sync(t); r.Err != nil || r.Status != app.RunOK || r.Failed != 0 {
		t.Fatalf("%v %v, %d failed; want an ok run", r.Status, r.Err, r.Failed)
	}
	streams, _ := cacheView(t, e, from, to)
	for k, st := range streams {
		if !st.watermark.Equal(day(loc, "2026-03-04")) {
			t.Errorf("%s: watermark %s, want the start of the empty window, 2026-03-04 local", k, st.watermark)
		}
	}
}
