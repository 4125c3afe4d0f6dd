package vendortest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db"
	"wattfolio/db/dbtest"
	"wattfolio/internal/simfault"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/rest"
)

// SeriesSim is a simulated vendor that also serves its meters' time series.
// Its fault knobs' IDs name meters: a fault aimed at a meter hits every
// request about it (its description and its readings).
type SeriesSim interface {
	Sim
	// Revise makes the vendor correct the readings of the last day or two
	// of every meter, within the connector's default look-back (values
	// grow by n %), as a meter operator's late correction does.
	Revise(n int)
}

// SeriesHarness adapts the time-series side of a vendor to the suite. The
// connector the Harness builds must take "now" (how far a series reaches)
// from the clock it is given, so that the suite moves time on by hand.
type SeriesHarness struct {
	// NewSim returns a fresh simulator of a few meters whose readings
	// span at least a week, from from to to, and the external ids of the
	// meters a full sync must describe.
	NewSim func(t testing.TB) (sim SeriesSim, meters []string, from, to time.Time)
}

// seriesEnv is one subtest's simulator and what it serves.
type seriesEnv struct {
	h        Harness
	sim      SeriesSim
	meters   []string
	from, to time.Time
	base     string
	// timeout is the connector's per-request timeout: generous, since a
	// window of readings is a larger answer than a contract and a loaded
	// machine (-race, parallel subtests) must not turn it into a timeout;
	// the timeout subtest shortens it.
	timeout time.Duration
}

func (h Harness) startSeries(t *testing.T) *seriesEnv {
	t.Helper()
	sim, meters, from, to := h.Series.NewSim(t)
	sim.SetFaults(simfault.Faults{})
	return &seriesEnv{h: h, sim: sim, meters: meters, from: from, to: to, base: h.mount(t, sim), timeout: 10 * time.Second}
}

// streams builds a connector whose clock stands at now.
func (e *seriesEnv) streams(t *testing.T, clock rest.Clock) engine.Streams {
	t.Helper()
	st := e.h.Connector(t, e.base, e.timeout, clock).Streams()
	if st.Series == nil {
		t.Fatal("the harness has a Series side, the connector declares no series stream")
	}
	return st
}

// describe lists and describes the source's meters as the engine does: the
// meters the contract pages name, then the series stream's description.
func (e *seriesEnv) describe(t *testing.T, st engine.Streams) ([]series.Meter, []*app.RecordError, error) {
	t.Helper()
	ctx := context.Background()
	var listed []series.Meter
	if err := st.Contracts.Contracts(ctx, "", func(p engine.Page) error {
		listed = append(listed, p.Meters...)
		return nil
	}); err != nil {
		t.Fatalf("listing the contracts: %v", err)
	}
	return st.Series.Meters(ctx, listed)
}

// meter returns the first meter, described by a healthy vendor.
func (e *seriesEnv) meter(t *testing.T, st engine.Streams) series.Meter {
	t.Helper()
	ms, fails, err := e.describe(t, st)
	if err != nil || len(fails) > 0 || len(ms) == 0 {
		t.Fatalf("describing the meters: %d meters, failures %v, err %v", len(ms), fails, err)
	}
	return ms[0]
}

// readings is everything one Readings call delivered.
type readings struct {
	batches  []series.Batch
	n        int
	failures []*app.RecordError
	err      error
}

func read(st engine.Streams, m series.Meter, measure series.Measure) readings {
	var r readings
	r.err = st.Series.Readings(context.Background(), m, measure, series.State{}, func(b series.Batch) error {
		r.batches = append(r.batches, b)
		r.n += len(b.Readings)
		r.failures = append(r.failures, b.Failures...)
		return nil
	})
	return r
}

// syncAt runs the engine over store with the connector's clock at now.
func (e *seriesEnv) syncAt(t *testing.T, store *db.Store, now time.Time) engine.Result {
	t.Helper()
	src := engine.Source{Name: "suite", Vendor: e.h.Vendor, BaseURL: e.base, Connector: e.streams(t, rest.NewFakeClock(now))}
	return (&engine.Engine{Store: store}).Sync(context.Background(), src)
}

// dump is every stored reading, one line each, in a stable order: two
// caches with the same dump hold the same series.
func (e *seriesEnv) dump(t *testing.T, store *db.Store) []string {
	t.Helper()
	var out []string
	err := store.EachReading(context.Background(), 0, e.from.AddDate(0, 0, -2), e.to.AddDate(0, 0, 2), series.Native, func(r *series.Row) error {
		out = append(out, fmt.Sprintf("%s %s %s %d %s", r.Meter.ExternalID, r.Measure, r.Channel, r.Start.Unix(), r.Value))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// sameDump reports where two dumps first differ.
func sameDump(t *testing.T, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("%s: %d readings, want %d; first difference %q, want %q", what, len(got), len(want), got[i], want[i])
			return
		}
	}
	t.Errorf("%s: %d readings, want %d", what, len(got), len(want))
}

// runSeries is the series path of the suite: meters, readings, watermarks,
// late corrections and the kinds of failure of a series request.
func runSeries(t *testing.T, h Harness, run func(string, func(*testing.T))) {
	run("series: every meter listed once and described", func(t *testing.T) {
		e := h.startSeries(t)
		ms, fails, err := e.describe(t, e.streams(t, rest.NewFakeClock(e.to)))
		if err != nil || len(fails) > 0 {
			t.Fatalf("healthy vendor: err %v, failures %v", err, fails)
		}
		var ids []string
		for _, m := range ms {
			ids = append(ids, m.ExternalID)
			if len(m.Intervals) == 0 {
				t.Errorf("meter %s: no interval described", m.ExternalID)
			}
			if len(m.Raw) == 0 {
				t.Errorf("meter %s: no raw JSON", m.ExternalID)
			}
		}
		exactlyOnce(t, ids, e.meters)
	})

	run("series: readings of a window", func(t *testing.T) {
		e := h.startSeries(t)
		st := e.streams(t, rest.NewFakeClock(e.to))
		m := e.meter(t, st)
		for _, measure := range series.Measures {
			r := read(st, m, measure)
			if r.err != nil || len(r.failures) > 0 || len(r.batches) == 0 {
				t.Fatalf("%s: err %v, %d batches, failures %v", measure, r.err, len(r.batches), r.failures)
			}
			if measure == series.Consumption && r.n == 0 {
				t.Errorf("no consumption delivered")
			}
			var prev time.Time
			for _, b := range r.batches {
				if b.Meter != m.ExternalID || b.Measure != measure || !slices.Contains(m.Intervals, b.Interval) {
					t.Fatalf("%s: batch of meter %s, %s at %s; want meter %s at one of %v", measure, b.Meter, b.Measure, b.Interval, m.ExternalID, m.Intervals)
				}
				if !b.Watermark.After(prev) {
					t.Fatalf("%s: watermark %v after %v: windows out of order", measure, b.Watermark, prev)
				}
				for _, x := range b.Readings {
					if x.TS >= b.Watermark.Unix() || x.TS < prev.Unix()-2*86400 {
						t.Fatalf("%s: reading at %v outside its window (watermark %v, previous %v)", measure, time.Unix(x.TS, 0).UTC(), b.Watermark, prev)
					}
				}
				prev = b.Watermark
			}
			if !prev.Equal(e.to) {
				t.Errorf("%s: last watermark %v, want the end of the data %v", measure, prev, e.to)
			}
		}
	})

	run("series: the watermark advances and the next sync resumes from it", func(t *testing.T) {
		e := h.startSeries(t)
		mid := e.to.AddDate(0, 0, -3)
		a := dbtest.Open(t)
		if r := e.syncAt(t, a, mid); r.Err != nil || r.Status != app.RunOK {
			t.Fatalf("sync until %v: %s, %v", mid, r.Status, r.Err)
		}
		watermarks := func(want time.Time) {
			t.Helper()
			for _, id := range e.meters {
				for _, measure := range series.Measures {
					st, err := a.SeriesState(context.Background(), "suite", id, measure)
					if err != nil || !st.Watermark.Equal(want) {
						t.Fatalf("meter %s %s: watermark %v (%v), want %v", id, measure, st.Watermark, err, want)
					}
				}
			}
		}
		watermarks(mid)
		resumed := e.syncAt(t, a, e.to)
		if resumed.Err != nil || resumed.Status != app.RunOK {
			t.Fatalf("sync until %v: %s, %v", e.to, resumed.Status, resumed.Err)
		}
		watermarks(e.to)
		b := dbtest.Open(t)
		full := e.syncAt(t, b, e.to)
		if full.Err != nil {
			t.Fatal(full.Err)
		}
		if resumed.Readings >= full.Readings {
			t.Errorf("the resumed sync fetched %d readings, a full one %d: it did not start from the watermark", resumed.Readings, full.Readings)
		}
		sameDump(t, "two syncs resumed at the watermark against one full sync", e.dump(t, a), e.dump(t, b))
	})

	run("series: a late correction inside the look-back is stored", func(t *testing.T) {
		e := h.startSeries(t)
		a := dbtest.Open(t)
		if r := e.syncAt(t, a, e.to); r.Err != nil {
			t.Fatal(r.Err)
		}
		before := e.dump(t, a)
		e.sim.Revise(10)
		if r := e.syncAt(t, a, e.to); r.Err != nil || r.Status != app.RunOK {
			t.Fatalf("re-sync after the correction: %s, %v", r.Status, r.Err)
		}
		after := e.dump(t, a)
		if slices.Equal(before, after) {
			t.Fatal("the correction was not stored")
		}
		b := dbtest.Open(t)
		if r := e.syncAt(t, b, e.to); r.Err != nil {
			t.Fatal(r.Err)
		}
		sameDump(t, "a re-sync after the correction against a fresh sync of the corrected vendor", after, e.dump(t, b))
	})

	// A fault aimed at one meter's requests, after it was described: the
	// kind of the error its readings end in.
	kinds := []struct {
		name   string
		faults simfault.Faults
		kinds  []error
	}{
		{"401", simfault.Faults{Status: http.StatusUnauthorized}, []error{rest.ErrUnauthorized}},
		{"404", simfault.Faults{Status: http.StatusNotFound}, []error{rest.ErrNotFound}},
		{"server down", simfault.Faults{Status: http.StatusInternalServerError}, []error{rest.ErrUnavailable, app.ErrNotFetched}},
		{"timeout", simfault.Faults{Delay: 4 * suiteTimeout}, []error{rest.ErrUnavailable, app.ErrNotFetched}},
		{"cut-off body", simfault.Faults{CutBody: true}, []error{rest.ErrUnavailable, app.ErrNotFetched}},
	}
	for _, k := range kinds {
		run("series: "+k.name+" on a meter's readings", func(t *testing.T) {
			e := h.startSeries(t)
			if k.faults.Delay > 0 {
				e.timeout = suiteTimeout
			}
			st := e.streams(t, rest.NewFakeClock(e.to))
			m := e.meter(t, st)
			f := k.faults
			f.IDs = []string{m.ExternalID}
			e.sim.SetFaults(f)
			r := read(st, m, series.Consumption)
			for _, kind := range k.kinds {
				if !errors.Is(r.err, kind) {
					t.Errorf("err %v, want one of kind %v", r.err, kind)
				}
			}
		})
	}

	run("series: rate limited then served", func(t *testing.T) {
		e := h.startSeries(t)
		clock := rest.NewFakeClock(e.to)
		st := e.streams(t, clock)
		m := e.meter(t, st)
		healthy := map[series.Measure]int{}
		for _, measure := range series.Measures {
			healthy[measure] = read(st, m, measure).n
		}
		// Every other request about the meter is refused: some measure's
		// first try is, and its retry is not.
		e.sim.SetFaults(simfault.Faults{Status: http.StatusTooManyRequests, RetryAfter: time.Second, EveryNth: 2, IDs: []string{m.ExternalID}})
		for _, measure := range series.Measures {
			r := read(st, m, measure)
			if r.err != nil || r.n != healthy[measure] {
				t.Fatalf("%s, 429 on every other request: err %v, %d readings; want all %d after retries", measure, r.err, r.n, healthy[measure])
			}
		}
		if !slices.ContainsFunc(clock.Waits(), func(d time.Duration) bool { return d >= time.Second }) {
			t.Errorf("waits %v: the Retry-After of 1 s was not honoured", clock.Waits())
		}
	})

	run("series: wrong JSON types are record failures", func(t *testing.T) {
		e := h.startSeries(t)
		st := e.streams(t, rest.NewFakeClock(e.to))
		m := e.meter(t, st)
		e.sim.SetFaults(simfault.Faults{WrongTypes: true, IDs: []string{m.ExternalID}})
		r := read(st, m, series.Consumption)
		if r.err != nil || len(r.failures) == 0 {
			t.Fatalf("wrong types: err %v, %d failures; want record failures", r.err, len(r.failures))
		}
		for _, f := range r.failures {
			if f.Source == "" || f.Field == "" || !strings.Contains(f.Record, m.ExternalID) {
				t.Errorf("record error %q does not name source, meter and field", f)
			}
		}
	})

	run("series: a meter the vendor does not answer for is missing, the others stored", func(t *testing.T) {
		e := h.startSeries(t)
		down := e.meters[0]
		e.sim.SetFaults(simfault.Faults{Status: http.StatusServiceUnavailable, IDs: []string{down}})
		a := dbtest.Open(t)
		r := e.syncAt(t, a, e.to)
		if r.Err != nil || r.Status != app.RunPartial || r.Missing == 0 {
			t.Fatalf("run %s, %d missing, err %v; want partial with meter %s missing", r.Status, r.Missing, r.Err, down)
		}
		if !slices.ContainsFunc(r.NotFetched, func(s string) bool { return strings.Contains(s, down) }) {
			t.Errorf("not fetched %v, want meter %s named", r.NotFetched, down)
		}
		e.sim.SetFaults(simfault.Faults{})
		b := dbtest.Open(t)
		if r := e.syncAt(t, b, e.to); r.Err != nil {
			t.Fatal(r.Err)
		}
		others := func(d []string) []string {
			return slices.DeleteFunc(d, func(s string) bool { return strings.HasPrefix(s, down+" ") })
		}
		got, want := e.dump(t, a), others(e.dump(t, b))
		sameDump(t, "the meters the vendor answered for", got, want)
	})
}
