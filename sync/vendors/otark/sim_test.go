package otark_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/internal/loopback"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/rest"
	"wattfolio/sync/vendors/internal/vendortest"
	"wattfolio/sync/vendors/otark"
	"wattfolio/sync/vendors/otark/otarksim"
)

const (
	simPrefix = "/otark"
	simKey    = "sim-key"
)

func serve(t testing.TB, sim http.Handler) string {
	t.Helper()
	return loopback.Serve(t, simPrefix, sim)
}

func newClient(t testing.TB, cfg otark.Config) *otark.Client {
	t.Helper()
	if cfg.Source == "" {
		cfg.Source = "sim"
	}
	if cfg.APIKey == "" {
		cfg.APIKey = simKey
	}
	c, err := otark.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func syncAll(t *testing.T, c *otark.Client) ([]app.Contract, []*app.RecordError) {
	t.Helper()
	var got []app.Contract
	var failed []*app.RecordError
	err := c.Contracts(t.Context(), "", func(p engine.Page) error {
		got = append(got, p.Contracts...)
		failed = append(failed, p.Failures...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, failed
}

func TestSharedSuite(t *testing.T) {
	vendortest.Run(t, vendortest.Harness{
		Vendor: app.VendorOtark,
		NewSim: func(t testing.TB) (vendortest.Sim, []string) {
			sim := otarksim.New(otarksim.Options{Seed: 42, Contracts: 45, APIKey: simKey})
			return sim, sim.IDs()
		},
		Prefix: simPrefix,
		Connector: func(t testing.TB, baseURL string, timeout time.Duration, clock rest.Clock) engine.Connector {
			return newClient(t, otark.Config{BaseURL: baseURL, Limit: 10, Retries: 1, HTTPClient: &http.Client{Timeout: timeout}, Clock: clock})
		},
		NotFound:   vendortest.SourceError,
		WrongTypes: vendortest.RecordErrors,
	})
}

// The whole simulated book syncs and maps; Raw is each contract's bytes as
// served.
func TestSimulatorSyncsWhole(t *testing.T) {
	sim := otarksim.New(otarksim.Options{Seed: 1, APIKey: simKey})
	got, failed := syncAll(t, newClient(t, otark.Config{BaseURL: serve(t, sim)}))
	if len(failed) > 0 {
		t.Fatalf("failures: %v", failed[0])
	}
	var ids []string
	kinds := map[app.Kind]int{}
	for _, c := range got {
		ids = append(ids, c.ExternalID)
		kinds[c.Kind]++
		want, _ := sim.Contract(c.ExternalID)
		if !bytes.Equal(c.Raw, want) {
			t.Fatalf("%s: Raw differs from the bytes served", c.ExternalID)
		}
		if c.PPA == nil || c.Customer.ExternalID == "" || c.Parties.Supplier == "" || c.ValidFrom.IsZero() || c.ValidTo.Before(c.ValidFrom) {
			t.Errorf("%s mapped thinly: %+v", c.ExternalID, c)
		}
		if (c.Kind == app.KindPPA) != (c.PPA.NominalPowerMW != nil) {
			t.Errorf("%s: kind %s, MW %v", c.ExternalID, c.Kind, c.PPA.NominalPowerMW)
		}
	}
	if !slices.Equal(ids, sim.IDs()) {
		t.Errorf("synced %d ids, want the sim's %d in order", len(ids), len(sim.IDs()))
	}
	if kinds[app.KindPPA] == 0 || kinds[app.KindDayAhead] == 0 || kinds[app.KindIntraday] == 0 {
		t.Errorf("kinds %v", kinds)
	}
}

// Filters configured on the connector reach the simulator, which applies them.
func TestSimulatorFilters(t *testing.T) {
	sim := otarksim.New(otarksim.Options{Seed: 3, APIKey: simKey})
	base := serve(t, sim)
	all, _ := syncAll(t, newClient(t, otark.Config{BaseURL: base}))
	buyer := sim.Buyers()[0].EIC
	day := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		cfg  otark.Config
		keep func(app.Contract) bool
	}{
		{"status", otark.Config{Status: "pending"}, func(c app.Contract) bool { return c.Status == "pending" }},
		{"type", otark.Config{Type: "intraday"}, func(c app.Contract) bool { return c.Kind == app.KindIntraday }},
		{"eic", otark.Config{EIC: buyer}, func(c app.Contract) bool { return c.Parties.BuyerCode == buyer || c.Parties.SupplierCode == buyer }},
		{"delivery window", otark.Config{DeliveryStart: day.AddDate(0, 0, -10), DeliveryEnd: day}, func(c app.Contract) bool {
			return !c.ValidFrom.Before(day.AddDate(0, 0, -10)) && !c.ValidTo.After(day)
		}},
		{"active on", otark.Config{ActiveOn: day}, func(c app.Contract) bool {
			return c.ValidFrom.Before(day.AddDate(0, 0, 1)) && !c.ValidTo.Before(day)
		}},
		{"combined", otark.Config{Type: "ppa", Status: "in_progress", Limit: 3}, func(c app.Contract) bool {
			return c.Kind == app.KindPPA && c.Status == "in_progress"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for _, c := range all {
				if tt.keep(c) {
					want = append(want, c.ExternalID)
				}
			}
			cfg := tt.cfg
			cfg.BaseURL = base
			got, _ := syncAll(t, newClient(t, cfg))
			var ids []string
			for _, c := range got {
				ids = append(ids, c.ExternalID)
			}
			if len(want) == 0 || !slices.Equal(ids, want) {
				t.Errorf("got %d %v, want %d %v", len(ids), ids, len(want), want)
			}
		})
	}
}

// The simulator's own rate limit is waited out, not failed on.
func TestSimulatorRateLimit(t *testing.T) {
	sim := otarksim.New(otarksim.Options{Seed: 4, Contracts: 20, APIKey: simKey, RateLimit: 2, Window: 500 * time.Millisecond})
	start := time.Now()
	got, _ := syncAll(t, newClient(t, otark.Config{BaseURL: serve(t, sim), Limit: 5}))
	if len(got) != 20 {
		t.Fatalf("synced %d", len(got))
	}
	// Four pages with two requests per window: one reset waited out.
	if d := time.Since(start); d < time.Second {
		t.Errorf("took only %v", d)
	}
	if n := sim.Requests(); n != 4 {
		t.Errorf("%d requests: the client ran into 429s instead of waiting for the reset", n)
	}
}

// A wrong key against the simulator is a whole-source error.
func TestSimulatorWrongKey(t *testing.T) {
	sim := otarksim.New(otarksim.Options{Seed: 5, Contracts: 5, APIKey: simKey})
	c := newClient(t, otark.Config{BaseURL: serve(t, sim), APIKey: "wrong"})
	err := c.Contracts(context.Background(), "", func(engine.Page) error { return nil })
	if err == nil || err.Error() != `otark source "sim": GET /v1/contracts: 401 Unauthorized: missing or invalid API key in X-Api-Key: the API key was rejected (revoked or mistyped?)` {
		t.Fatalf("err = %v", err)
	}
}
