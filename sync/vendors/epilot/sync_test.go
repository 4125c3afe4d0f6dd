package epilot_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db"
	"wattfolio/db/dbtest"
	"wattfolio/internal/simfault"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/epilot/epilotsim"
)

const token = "portal-token-for-tests"

// prefix mounts the simulator under a non-empty base path, as a real
// deployment behind a gateway would be.
const prefix = "/gw/portal-api"

type env struct {
	sim    *epilotsim.Server
	store  *db.Store
	eng    *engine.Engine
	src    engine.Source
	client *epilot.Client
}

func setup(t *testing.T, o epilotsim.Options, now time.Time) *env {
	t.Helper()
	o.Token = token
	sim := epilotsim.New(o)
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", http.StripPrefix(prefix, sim))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	store, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	c, err := epilot.New(epilot.Config{Source: "ep", BaseURL: srv.URL + prefix, Token: token, Now: func() time.Time { return now }, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &env{sim: sim, store: store, eng: &engine.Engine{Store: store}, src: engine.Source{Name: "ep", Vendor: app.VendorEpilot, BaseURL: srv.URL, Connector: c}, client: c}
}

func (e *env) sync(t *testing.T) engine.Result {
	t.Helper()
	return e.eng.Sync(context.Background(), e.src)
}

func berlin(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal("no tz database")
	}
	return loc
}

func day(loc *time.Location, s string) time.Time {
	d, _ := time.ParseInLocation("2006-01-02", s, loc)
	return d
}

// One household over March to early November: the day and month totals
// across both DST changes, costs as price times consumption, and what an
// incremental re-sync costs.
func TestSyncTimeSeriesAcrossDST(t *testing.T) {
	loc := berlin(t)
	from, to := day(loc, "2026-03-01"), day(loc, "2026-11-01")
	e := setup(t, epilotsim.Options{Seed: 3, Meters: 1, From: from, To: to}, to.Add(6*time.Hour))
	res := e.sync(t)
	if res.Err != nil || res.Status != app.RunOK {
		t.Fatalf("sync: %v %v", res.Status, res.Err)
	}
	ctx := context.Background()
	meters, err := e.store.ListMeters(ctx)
	if err != nil || len(meters) != 1 {
		t.Fatalf("meters %v %v", meters, err)
	}
	m := meters[0]

	days, err := e.store.Aggregate(ctx, m.ID, day(loc, "2026-03-28"), day(loc, "2026-03-31"), series.Day)
	if err != nil {
		t.Fatal(err)
	}
	autumn, err := e.store.Aggregate(ctx, m.ID, day(loc, "2026-10-25"), day(loc, "2026-10-26"), series.Day)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		b    series.Bucket
		want int64
	}{{days[0], 96}, {days[1], 92}, {days[2], 96}, {autumn[0], 100}} {
		if tc.b.Readings != tc.want || tc.b.PriceN != tc.want {
			t.Errorf("%s: %d consumption and %d price readings, want %d", tc.b.Start.Format("2006-01-02"), tc.b.Readings, tc.b.PriceN, tc.want)
		}
	}

	// Month totals from the rollup equal the sums of the raw quarter hours
	// (hourly buckets, read from the readings themselves).
	for _, month := range []string{"2026-03-01", "2026-10-01"} {
		mf := day(loc, month)
		mt := mf.AddDate(0, 1, 0)
		ms, err := e.store.Aggregate(ctx, m.ID, mf, mt, series.Month)
		if err != nil || len(ms) != 1 {
			t.Fatalf("month %s: %v %v", month, ms, err)
		}
		hours, err := e.store.Aggregate(ctx, m.ID, mf, mt, series.Hour)
		if err != nil {
			t.Fatal(err)
		}
		ht := series.Total(hours)
		if ms[0].Consumption != ht.Consumption || ms[0].Cost != ht.Cost || ms[0].Readings != ht.Readings {
			t.Errorf("%s: month %s kWh %s EUR, hours %s kWh %s EUR", month, ms[0].Consumption, ms[0].Cost, ht.Consumption, ht.Cost)
		}
		wantQ := int64(mt.Sub(mf) / (15 * time.Minute))
		if ms[0].Readings != wantQ {
			t.Errorf("%s: %d quarter hours, want %d", month, ms[0].Readings, wantQ)
		}
	}

	// Cost is price times consumption, exactly, quarter hour by quarter hour.
	prices := map[int64]app.Decimal{}
	use := map[int64]app.Decimal{}
	var costs app.Decimal
	negative := false // a negative spot (auction) price stored as such
	err = e.store.EachReading(ctx, m.ID, day(loc, "2026-06-01"), day(loc, "2026-06-08"), series.Native, func(r *series.Row) error {
		switch r.Measure {
		case series.Price:
			prices[r.Start.Unix()] = r.Value
			if r.Tax.Rate != 19 || r.Tax.Inclusive || r.Parts == nil || r.Parts.Auction == nil {
				t.Fatalf("price without tax or components: %+v", r)
			}
			negative = negative || *r.Parts.Auction < 0
		case series.Consumption:
			if r.Channel != series.FeedIn {
				use[r.Start.Unix()] += r.Value
			}
		case series.Cost:
			costs += r.Value
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want app.Decimal
	for ts, u := range use {
		cost, err := u.Mul(prices[ts])
		if err != nil {
			t.Fatal(err)
		}
		want += cost
	}
	if costs != want || len(use) != 7*96 {
		t.Errorf("week of costs %s, price × consumption %s over %d quarter hours", costs, want, len(use))
	}
	// The simulated spot market dips below zero at midday on sunny June
	// days; the stored auction component must keep its sign.
	if !negative {
		t.Error("no negative auction price in a week of June: lost sign, or the check meets none")
	}

	// A re-sync with nothing new asks for a few windows per meter, and a
	// correction within the look-back overwrites without duplicating.
	before, _ := dbtest.CountReadings(ctx, e.store)
	lastBefore, _ := e.store.Aggregate(ctx, m.ID, to.AddDate(0, 0, -1), to, series.Day)
	e.sim.Requests()
	e.sim.Revise(10)
	res = e.sync(t)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	reqs := 0
	for _, n := range e.sim.Requests() {
		reqs += n
	}
	if reqs > 10 {
		t.Errorf("no-change re-sync of one meter took %d requests", reqs)
	}
	after, _ := dbtest.CountReadings(ctx, e.store)
	if after != before {
		t.Errorf("re-sync changed the reading count %d -> %d: duplicates", before, after)
	}
	last, _ := e.store.Aggregate(ctx, m.ID, to.AddDate(0, 0, -1), to, series.Day)
	e.sim.Revise(0)
	if last[0].Readings != 96 {
		t.Errorf("last day has %d readings", last[0].Readings)
	}
	// The correction (+10 %) reached the stored readings and their rollup.
	if len(lastBefore) != 1 || last[0].Consumption <= lastBefore[0].Consumption {
		t.Errorf("last day after the correction %s kWh, before %s kWh: not overwritten", last[0].Consumption, lastBefore[0].Consumption)
	}
}

// The revoked token is a clear whole-source error and costs no data.
func TestRevokedToken(t *testing.T) {
	loc := berlin(t)
	from, to := day(loc, "2026-05-01"), day(loc, "2026-05-03")
	e := setup(t, epilotsim.Options{Seed: 1, Meters: 2, From: from, To: to}, to)
	if r := e.sync(t); r.Err != nil {
		t.Fatal(r.Err)
	}
	n, _ := dbtest.CountReadings(context.Background(), e.store)
	e.sim.Revoke()
	r := e.sync(t)
	if !errors.Is(r.Err, epilot.ErrUnauthorized) || !strings.Contains(r.Err.Error(), `"ep"`) {
		t.Fatalf("want ErrUnauthorized naming the source, got %v", r.Err)
	}
	if strings.Contains(r.Err.Error(), token) {
		t.Fatal("the error leaks the token")
	}
	if m, _ := dbtest.CountReadings(context.Background(), e.store); m != n {
		t.Errorf("readings %d -> %d after a failed sync", n, m)
	}
}

// Meter 6 offers no quarter hours and meter 10 claims them but refuses:
// both end up hourly. Wrong types in some records fail those records only.
func TestIntervalFallbackAndBadRecords(t *testing.T) {
	loc := berlin(t)
	from, to := day(loc, "2026-05-01"), day(loc, "2026-05-02")
	e := setup(t, epilotsim.Options{Seed: 2, Meters: 11, From: from, To: to}, to)
	if r := e.sync(t); r.Err != nil {
		t.Fatal(r.Err)
	}
	ctx := context.Background()
	meters, _ := e.store.ListMeters(ctx)
	intervals := map[string]series.Interval{}
	for _, m := range meters {
		st, err := e.store.SeriesState(ctx, "ep", m.ExternalID, series.Consumption)
		if err != nil {
			t.Fatal(err)
		}
		intervals[m.ExternalID[len(m.ExternalID)-2:]] = st.Interval
	}
	for id, want := range map[string]series.Interval{"00": series.PT15M, "06": series.PT1H, "10": series.PT1H} {
		if intervals[id] != want {
			t.Errorf("meter %s: interval %q, want %q", id, intervals[id], want)
		}
	}
	n, _ := dbtest.CountReadings(ctx, e.store)

	e.sim.Faults.Set(simfault.Faults{WrongTypes: true})
	r := e.sync(t)
	if r.Err != nil || r.Status != app.RunPartial || r.Failed == 0 {
		t.Fatalf("want a partial run with failures, got %v %v %d", r.Status, r.Err, r.Failed)
	}
	if m, _ := dbtest.CountReadings(ctx, e.store); m != n {
		t.Errorf("bad records cost data: %d -> %d", n, m)
	}
}
