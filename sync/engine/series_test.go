package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/dbtest"
	"wattfolio/sync/engine"
)

// meterFeed is a series connector with no contracts: n meters, each measure
// in windows of a day of quarter hours. The third window of a meter in
// strays comes labelled with a meter the cache does not know, so the cache
// refuses it: a real failure of the store, not a mocked one.
type meterFeed struct {
	n, days int
	strays  map[string]bool
	units   map[string]string // the unit a meter's consumption windows state
	windows atomic.Int64      // windows handed to the engine
}

var day0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func (f *meterFeed) Streams() engine.Streams {
	return engine.Streams{Contracts: f, Series: f}
}

func (f *meterFeed) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	return nil
}

// Meters lists the feed's own meters: it has no contracts to name them.
func (f *meterFeed) Meters(ctx context.Context, _ []series.Meter) ([]series.Meter, []*app.RecordError, error) {
	var ms []series.Meter
	for i := range f.n {
		ms = append(ms, series.Meter{ExternalID: fmt.Sprintf("m%d", i), Zone: "Europe/Berlin", Intervals: []series.Interval{series.PT15M}})
	}
	return ms, nil, nil
}

func (f *meterFeed) Readings(ctx context.Context, m series.Meter, measure series.Measure, st series.State, batch func(series.Batch) error) error {
	from := day0
	if !st.Watermark.IsZero() {
		from = st.Watermark
	}
	for d := from; d.Before(day0.AddDate(0, 0, f.days)); d = d.AddDate(0, 0, 1) {
		b := series.Batch{Meter: m.ExternalID, Measure: measure, Interval: series.PT15M, Watermark: d.AddDate(0, 0, 1)}
		if f.strays[m.ExternalID] && d.Equal(day0.AddDate(0, 0, 2)) {
			b.Meter = "stray-" + m.ExternalID
		}
		if measure != series.Consumption {
			b.Currency = "EUR"
		} else {
			b.Unit = f.units[m.ExternalID]
		}
		for ts := d.Unix(); ts < d.AddDate(0, 0, 1).Unix(); ts += 900 {
			b.Readings = append(b.Readings, series.Reading{TS: ts, Value: app.Decimal(ts % 1000 * 1000)})
		}
		f.windows.Add(1)
		if err := batch(b); err != nil {
			return err
		}
	}
	return nil
}

// The engine's one writer commits what the meters' workers fetch: every
// reading lands once, each stream's watermark is its last window, and a
// second run asks for nothing it has.
func TestSeriesWriterStoresEveryStreamInOrder(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	feed := &meterFeed{n: 12, days: 9}
	eng := &engine.Engine{Store: s}
	src := engine.Source{Name: "ts", Vendor: app.VendorEpilot, Connector: feed}
	res := eng.Sync(ctx, src)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	want := 12 * len(series.Measures) * 9 * 96
	if n, _ := dbtest.CountReadings(ctx, s); n != int64(want) || res.Readings != want {
		t.Fatalf("%d readings stored, %d reported; want %d", n, res.Readings, want)
	}
	for i := range 12 {
		for _, m := range series.Measures {
			st, err := s.SeriesState(ctx, "ts", fmt.Sprintf("m%d", i), m)
			if err != nil || !st.Watermark.Equal(day0.AddDate(0, 0, 9)) {
				t.Fatalf("m%d %s: watermark %v, %v; want %v", i, m, st.Watermark, err, day0.AddDate(0, 0, 9))
			}
		}
	}
	feed.windows.Store(0)
	if res := eng.Sync(ctx, src); res.Err != nil || feed.windows.Load() != 0 {
		t.Fatalf("second run: %v, %d windows fetched again", res.Err, feed.windows.Load())
	}
}

// A cache that refuses a batch fails the run with the cache's error and
// stops the fetching; what was committed before stays.
func TestSeriesWriterFailureStopsTheRun(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	feed := &meterFeed{n: 40, days: 30, strays: map[string]bool{"m3": true}}
	res := (&engine.Engine{Store: s}).Sync(ctx, engine.Source{Name: "ts", Vendor: app.VendorEpilot, Connector: feed})
	if res.Err == nil || !strings.Contains(res.Err.Error(), "stray-m3") {
		t.Fatalf("run error %v, want the cache refusing meter stray-m3", res.Err)
	}
	if res.Status == app.RunOK {
		t.Errorf("status %s", res.Status)
	}
	all := int64(40 * len(series.Measures) * 30)
	if got := feed.windows.Load(); got >= all {
		t.Errorf("%d windows fetched after the cache failed; the run should stop well before all %d", got, all)
	}
	if n, _ := dbtest.CountReadings(ctx, s); n%96 != 0 {
		t.Errorf("%d readings: a window was stored in part", n)
	}
}

// The unit a meter's consumption windows state is recorded for the meter
// and stays when the next run's meter list knows none.
func TestSeriesRecordsTheUnit(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	feed := &meterFeed{n: 3, days: 2, units: map[string]string{"m1": series.M3, "m2": series.KWh}}
	eng := &engine.Engine{Store: s}
	src := engine.Source{Name: "ts", Vendor: app.VendorEpilot, Connector: feed}
	for run := range 2 {
		if res := eng.Sync(ctx, src); res.Err != nil {
			t.Fatal(res.Err)
		}
		ms, err := s.ListMeters(ctx)
		if err != nil || len(ms) != 3 {
			t.Fatalf("meters %v, %v", ms, err)
		}
		for _, m := range ms {
			want := map[string]string{"m0": "kWh", "m1": "m³", "m2": "kWh"}[m.ExternalID]
			if m.Unit != want {
				t.Errorf("run %d: meter %s unit %q, want %q", run+1, m.ExternalID, m.Unit, want)
			}
		}
	}
}

// contractMeters is a source whose contracts name its meters, one per
// contract, as epilot's do; its listing fails at page failAt until the
// test clears it. Meters describes exactly the meters it is handed.
type contractMeters struct {
	pages  *pages
	listed []string // the meters the last Meters call was handed
}

func (c *contractMeters) Streams() engine.Streams {
	return engine.Streams{Contracts: c, Series: c}
}

func (c *contractMeters) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	return c.pages.Contracts(ctx, cursor, func(p engine.Page) error {
		for _, ct := range p.Contracts {
			p.Meters = append(p.Meters, series.Meter{ExternalID: "m" + ct.ExternalID, ContractExternalID: ct.ExternalID, Zone: "Europe/Berlin", Intervals: []series.Interval{series.PT15M}})
		}
		return page(p)
	})
}

func (c *contractMeters) Meters(ctx context.Context, listed []series.Meter) ([]series.Meter, []*app.RecordError, error) {
	c.listed = c.listed[:0]
	for _, m := range listed {
		c.listed = append(c.listed, m.ExternalID)
	}
	return listed, nil, nil
}

func (c *contractMeters) Readings(ctx context.Context, m series.Meter, measure series.Measure, st series.State, batch func(series.Batch) error) error {
	return batch(series.Batch{Meter: m.ExternalID, Measure: measure, Interval: series.PT15M, Watermark: day0,
		Readings: []series.Reading{{TS: day0.Add(-15 * time.Minute).Unix(), Value: 1000}}})
}

// A run that resumes part-way through the listing still syncs the series
// of every meter: the meters of the pages stored by the interrupted run
// are found by reading the listing again, since the connector keeps
// nothing between runs.
func TestResumedRunListsEveryMeter(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	src := &contractMeters{pages: &pages{n: 30, size: 10, failAt: 2, err: errors.New("vendor down")}}
	eng := &engine.Engine{Store: s}
	if res := eng.Sync(ctx, engine.Source{Name: "cm", Vendor: app.VendorEpilot, Connector: src}); res.Err == nil {
		t.Fatal("the first run did not fail")
	}
	if src.listed != nil {
		t.Fatalf("a failed listing went on to the series with %v", src.listed)
	}
	src.pages.failAt = -1
	res := eng.Sync(ctx, engine.Source{Name: "cm", Vendor: app.VendorEpilot, Connector: src})
	if res.Err != nil || !res.Resumed {
		t.Fatalf("second run: resumed %v, %v", res.Resumed, res.Err)
	}
	if len(src.listed) != 30 || res.Meters != 30 {
		t.Fatalf("the resumed run described %d meters and synced %d, want all 30: %v", len(src.listed), res.Meters, src.listed)
	}
	ms, err := s.ListMeters(ctx)
	if err != nil || len(ms) != 30 {
		t.Fatalf("%d meters stored, %v; want 30", len(ms), err)
	}
}
