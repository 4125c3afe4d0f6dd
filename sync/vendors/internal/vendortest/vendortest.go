// Package vendortest is the one test suite every connector passes, in the
// spirit of litestream's shared replica-client tests: each vendor package
// adapts its connector and simulator in a Harness and calls Run. The suite
// drives the simulator's shared fault knobs (simfault) and checks the
// documented outcome of each: everything fetched exactly once, auth failures
// stopping the source, 404, 429 and 5xx, timeouts, cut-off bodies, wrong JSON
// types, unknown extra fields, and nothing half-written to a real cache when
// a page fails. Failures are checked by kind (errors.Is against the
// connector kit's rest.ErrUnauthorized, rest.ErrUnavailable, ...), not
// passed on any error, and every subtest runs in parallel on a fake clock,
// so that backoff and Retry-After take no time.
package vendortest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db/dbtest"
	"wattfolio/internal/simfault"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/rest"
)

// Sim is a simulated vendor with the shared fault knobs.
type Sim interface {
	http.Handler
	SetFaults(simfault.Faults)
}

// Outcome is what a fault on every request leads to.
type Outcome int

const (
	// SourceError: Contracts returns an error; the source failed as a whole.
	SourceError Outcome = iota
	// RecordErrors: Contracts succeeds and reports the affected records in
	// Page.Failures, naming the record (and, for bad data, the field).
	RecordErrors
)

func (o Outcome) String() string {
	if o == RecordErrors {
		return "record errors"
	}
	return "a source error"
}

// Harness adapts one vendor to the suite.
type Harness struct {
	Vendor app.Vendor
	// NewSim returns a fresh simulator of a few dozen contracts and the
	// external ids a full sync must deliver, in any order.
	NewSim func(t testing.TB) (sim Sim, wantIDs []string)
	// Prefix is where the suite mounts the simulator, e.g. "/otark"; a
	// non-empty prefix shows absolute-URL bugs.
	Prefix string
	// Connector builds the connector against baseURL (server URL + Prefix)
	// with the simulator's credentials, a per-request timeout, few retries,
	// and clock for its waits.
	Connector func(t testing.TB, baseURL string, timeout time.Duration, clock rest.Clock) engine.Connector
	// NotFound and WrongTypes are the vendor's documented outcomes of a 404
	// on every request and of a wrong JSON type in every payload.
	NotFound   Outcome
	WrongTypes Outcome
	// Series is the time-series side of a vendor that serves one (its
	// connector declares a series stream); nil for the others.
	Series *SeriesHarness
}

// clock is a fake clock for one subtest's connector.
func clock() *rest.FakeClock { return rest.NewFakeClock(time.Now()) }

// result is everything one Contracts call delivered.
type result struct {
	ids      []string
	failures []*app.RecordError
	pages    int
	err      error
}

func (h Harness) start(t *testing.T) (Sim, []string, string) {
	t.Helper()
	sim, want := h.NewSim(t)
	return sim, want, h.mount(t, sim)
}

// mount serves sim under h.Prefix on loopback and returns the base URL.
func (h Harness) mount(t *testing.T, sim Sim) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(h.Prefix+"/", http.StripPrefix(h.Prefix, sim))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + h.Prefix
}

// suiteTimeout is the connectors' per-request timeout in the suite.
const suiteTimeout = 300 * time.Millisecond

func collect(ctx context.Context, c engine.Connector) result {
	var r result
	r.err = c.Streams().Contracts.Contracts(ctx, "", func(p engine.Page) error {
		r.pages++
		for _, c := range p.Contracts {
			r.ids = append(r.ids, c.ExternalID)
		}
		r.failures = append(r.failures, p.Failures...)
		return nil
	})
	return r
}

// Run runs the suite against h: the contract path, and the series path
// when h has a Series side.
func Run(t *testing.T, h Harness) {
	const timeout = suiteTimeout
	sync := func(t *testing.T, f simfault.Faults) (result, []string) {
		t.Helper()
		sim, want, base := h.start(t)
		sim.SetFaults(f)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		return collect(ctx, h.Connector(t, base, timeout, clock())), want
	}
	run := func(name string, f func(t *testing.T)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t)
		})
	}

	run("fetches everything exactly once", func(t *testing.T) {
		r, want := sync(t, simfault.Faults{})
		if r.err != nil {
			t.Fatalf("healthy sync failed: %v", r.err)
		}
		if len(r.failures) > 0 {
			t.Fatalf("healthy sync rejected records: %v", r.failures[0])
		}
		exactlyOnce(t, r.ids, want)
	})

	run("contracts are well-formed", func(t *testing.T) {
		sim, _, base := h.start(t)
		sim.SetFaults(simfault.Faults{})
		err := h.Connector(t, base, timeout, clock()).Streams().Contracts.Contracts(context.Background(), "", func(p engine.Page) error {
			for _, c := range p.Contracts {
				switch {
				case c.Vendor != h.Vendor:
					t.Errorf("contract %s: vendor %q, want %q", c.ExternalID, c.Vendor, h.Vendor)
				case c.Kind == "":
					t.Errorf("contract %s: no kind", c.ExternalID)
				case c.Source == "":
					t.Errorf("contract %s: no source name", c.ExternalID)
				case len(c.Raw) == 0:
					t.Errorf("contract %s: no raw JSON", c.ExternalID)
				case c.FetchedAt.IsZero() || c.FetchedAt.Location() != time.UTC:
					t.Errorf("contract %s: fetched at %v, want a UTC instant", c.ExternalID, c.FetchedAt)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	run("auth failure stops the source", func(t *testing.T) {
		r, _ := sync(t, simfault.Faults{Status: http.StatusUnauthorized})
		if !errors.Is(r.err, rest.ErrUnauthorized) {
			t.Fatalf("401 on every request: err %v, want rest.ErrUnauthorized (got %d contracts, %d failures)", r.err, len(r.ids), len(r.failures))
		}
		if len(r.ids) > 0 {
			t.Errorf("401 on every request delivered %d contracts", len(r.ids))
		}
	})

	run("not found", func(t *testing.T) {
		r, _ := sync(t, simfault.Faults{Status: http.StatusNotFound})
		expect(t, h.NotFound, r, rest.ErrNotFound)
	})

	run("rate limited then served", func(t *testing.T) {
		r, want := sync(t, simfault.Faults{Status: http.StatusTooManyRequests, EveryNth: 3})
		if r.err != nil || len(r.failures) > 0 {
			t.Fatalf("429 on every third request: err %v, %d failures; want all retried", r.err, len(r.failures))
		}
		exactlyOnce(t, r.ids, want)
	})

	run("server errors retried", func(t *testing.T) {
		r, want := sync(t, simfault.Faults{Status: http.StatusServiceUnavailable, EveryNth: 3})
		if r.err != nil || len(r.failures) > 0 {
			t.Fatalf("503 on every third request: err %v, %d failures; want all retried", r.err, len(r.failures))
		}
		exactlyOnce(t, r.ids, want)
	})

	// A vendor that does not answer fails the source as unavailable, which
	// the engine counts as data missing (app.ErrNotFetched), not rejected.
	unavailable := func(t *testing.T, what string, r result) {
		t.Helper()
		if !errors.Is(r.err, rest.ErrUnavailable) || !errors.Is(r.err, app.ErrNotFetched) {
			t.Fatalf("%s: err %v, want rest.ErrUnavailable (%d contracts, %d failures)", what, r.err, len(r.ids), len(r.failures))
		}
	}
	run("server down", func(t *testing.T) {
		r, _ := sync(t, simfault.Faults{Status: http.StatusInternalServerError})
		unavailable(t, "500 on every request", r)
	})

	run("timeout", func(t *testing.T) {
		r, _ := sync(t, simfault.Faults{Delay: 4 * timeout})
		unavailable(t, "every request slower than the timeout", r)
	})

	run("cut-off body", func(t *testing.T) {
		r, _ := sync(t, simfault.Faults{CutBody: true})
		unavailable(t, "every body cut off", r)
	})

	run("cut-off body now and then is retried", func(t *testing.T) {
		r, want := sync(t, simfault.Faults{CutBody: true, EveryNth: 4})
		if r.err != nil || len(r.failures) > 0 {
			t.Fatalf("every fourth body cut off: err %v, %d failures; want all retried", r.err, len(r.failures))
		}
		exactlyOnce(t, r.ids, want)
	})

	run("wrong JSON types", func(t *testing.T) {
		r, _ := sync(t, simfault.Faults{WrongTypes: true})
		expect(t, h.WrongTypes, r, nil)
		if h.WrongTypes == RecordErrors {
			for _, f := range r.failures {
				if f.Field == "" || f.Record == "" || f.Source == "" {
					t.Errorf("record error %q does not name source, record and field", f)
				}
			}
		}
	})

	run("unknown extra fields are ignored", func(t *testing.T) {
		r, want := sync(t, simfault.Faults{Extra: true})
		if r.err != nil || len(r.failures) > 0 {
			t.Fatalf("extra fields: err %v, failures %v", r.err, r.failures)
		}
		exactlyOnce(t, r.ids, want)
	})

	run("a failing page leaves nothing half-written", func(t *testing.T) {
		sim, want, base := h.start(t)
		store := dbtest.Open(t)
		// Every request after the first few fails for good, so the source
		// fails part-way through, after some pages were stored.
		sim.SetFaults(simfault.Faults{})
		streams := h.Connector(t, base, timeout, clock()).Streams()
		conn := &failAfter{ContractStream: streams.Contracts, pages: 1, sim: sim}
		streams.Contracts = conn
		res := (&engine.Engine{Store: store}).Sync(context.Background(), engine.Source{Name: "suite", Vendor: h.Vendor, BaseURL: base, Connector: streams})
		if res.Status != app.RunFailed {
			t.Fatalf("run status %s, want failed", res.Status)
		}
		var stored []string
		if err := store.EachContract(context.Background(), app.ContractFilter{}, func(c app.Contract) error {
			stored = append(stored, c.ExternalID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(stored)
		slices.Sort(conn.delivered)
		if !slices.Equal(stored, conn.delivered) {
			t.Errorf("cache holds %v, want exactly the contracts of the pages delivered before the failure %v", stored, conn.delivered)
		}
		if len(stored) >= len(want) {
			t.Errorf("the failure did not interrupt the sync (%d of %d stored)", len(stored), len(want))
		}
		// The next sync, with the vendor healthy again, completes.
		sim.SetFaults(simfault.Faults{})
		res = (&engine.Engine{Store: store}).Sync(context.Background(), engine.Source{Name: "suite", Vendor: h.Vendor, BaseURL: base, Connector: h.Connector(t, base, timeout, clock())})
		if res.Err != nil {
			t.Fatalf("sync after recovery: %v", res.Err)
		}
	})

	if h.Series != nil {
		runSeries(t, h, run)
	}
}

// failAfter lets the first pages through, then turns every later request
// into a 401 by setting the simulator's faults, so the source fails
// part-way. It records what it delivered before that.
type failAfter struct {
	engine.ContractStream
	pages     int
	sim       Sim
	delivered []string
}

func (f *failAfter) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	n := 0
	return f.ContractStream.Contracts(ctx, cursor, func(p engine.Page) error {
		if err := page(p); err != nil {
			return err
		}
		for _, c := range p.Contracts {
			f.delivered = append(f.delivered, c.ExternalID)
		}
		n++
		if n == f.pages {
			f.sim.SetFaults(simfault.Faults{Status: http.StatusUnauthorized})
		}
		return nil
	})
}

// expect checks r is the outcome want, and, when kind is not nil, that
// the source error or every record error is of that kind.
func expect(t *testing.T, want Outcome, r result, kind error) {
	t.Helper()
	switch want {
	case SourceError:
		if r.err == nil {
			t.Errorf("want a source error; got %d contracts, %d record errors", len(r.ids), len(r.failures))
		}
		if kind != nil && !errors.Is(r.err, kind) {
			t.Errorf("source error %v, want one of kind %v", r.err, kind)
		}
	case RecordErrors:
		if r.err != nil {
			t.Errorf("want record errors, got a source error: %v", r.err)
		}
		if len(r.failures) == 0 {
			t.Errorf("want record errors, got none (%d contracts)", len(r.ids))
		}
		for _, f := range r.failures {
			if f.Record == "" || errors.Unwrap(f) == nil {
				t.Errorf("record error %q names no record or cause", f)
			}
			if kind != nil && !errors.Is(f, kind) {
				t.Errorf("record error %q, want one of kind %v", f, kind)
			}
		}
	}
}

func exactlyOnce(t *testing.T, got, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("contract %s delivered %d times", id, n)
		}
	}
	for _, id := range want {
		if seen[id] == 0 {
			t.Errorf("contract %s never delivered", id)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("delivered %d distinct contracts, want %d", len(seen), len(want))
	}
}
