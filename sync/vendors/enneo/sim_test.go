// This test drives the connector against the simulated enneo over loopback.

package enneo

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/internal/loopback"
	"wattfolio/sync/vendors/enneo/enneosim"
)

const simPrefix = "/enneo/api/mind"

func simClient(t *testing.T, sim *enneosim.Server, cfg Config) *Client {
	t.Helper()
	base := loopback.Serve(t, simPrefix, sim)
	cfg.Source = "sim"
	cfg.BaseURL = base
	if cfg.Token == "" {
		cfg.Token = "sim-token"
	}
	if cfg.ContractIDs == nil {
		cfg.ContractIDs = sim.IDs()
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.api.Policy.Backoff = 0
	return c
}

// Every simulated payload decodes and maps; the broken ones name their field.
func TestSimulatorSyncsWhole(t *testing.T) {
	broken := []string{"700010", "700222"}
	sim := enneosim.New(enneosim.Options{Seed: 1, Token: "sim-token", Broken: broken})
	pages, err := collect(t.Context(), simClient(t, sim, Config{Concurrency: 8}), "")
	if err != nil {
		t.Fatal(err)
	}
	synced, failed := outcomeOf(pages)
	if len(synced) != 298 || len(failed) != 2 {
		t.Fatalf("%d synced, failures %q", len(synced), failed)
	}
	for _, id := range broken {
		if !strings.Contains(failed[id], `field consumption: want a number, got string "lots"`) {
			t.Errorf("broken %s: %q", id, failed[id])
		}
	}
	commodities := map[app.Commodity]int{}
	for _, p := range pages {
		for _, c := range p.Contracts {
			want, _ := sim.Payload(c.ExternalID)
			if !bytes.Equal(c.Raw, want) {
				t.Fatalf("contract %s: Raw differs from the payload served", c.ExternalID)
			}
			commodities[c.Commodity]++
			if c.Customer.Name == "" || c.Status == "" || c.ValidFrom.IsZero() || c.SignedAt.IsZero() {
				t.Errorf("contract %s mapped thinly: %+v", c.ExternalID, c)
			}
			if (c.Status == "terminated" || c.Status == "cancelled") == c.ValidTo.IsZero() {
				t.Errorf("contract %s: status %s, ValidTo %v", c.ExternalID, c.Status, c.ValidTo)
			}
			if w := c.Prices.WorkingPerKWh; w != nil && (*w < app.MustDecimal("0.08") || *w > app.MustDecimal("0.42")) {
				t.Errorf("contract %s: working price %s", c.ExternalID, w)
			}
		}
	}
	if commodities[app.CommodityElectricity] == 0 || commodities[app.CommodityGas] == 0 || commodities[app.CommodityUnknown] != 0 {
		t.Errorf("commodities %v", commodities)
	}
}

func TestSimulatorFaults(t *testing.T) {
	tests := []struct {
		name       string
		token      string
		faults     enneosim.Faults
		cfg        Config
		wantIs     error
		wantFailed int
	}{
		{name: "every third request fails, retries cover it", faults: enneosim.Faults{Status: 500, EveryNth: 3}, cfg: Config{Concurrency: 1}},
		{name: "revoked key", token: "old-key", wantIs: ErrUnauthorized},
		{name: "vendor down", faults: enneosim.Faults{Status: 503}, wantIs: ErrUnavailable},
		{name: "one body always cut", faults: enneosim.Faults{CutBody: true, IDs: []string{"700003"}}, wantFailed: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := enneosim.New(enneosim.Options{Seed: 2, Token: "sim-token", Contracts: 30})
			sim.SetFaults(tt.faults)
			cfg := tt.cfg
			cfg.Token = tt.token
			cfg.PageSize = 10
			pages, err := collect(t.Context(), simClient(t, sim, cfg), "")
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("err = %v, want %v", err, tt.wantIs)
			}
			if tt.wantIs != nil {
				return
			}
			synced, failed := outcomeOf(pages)
			if len(synced) != 30-tt.wantFailed || len(failed) != tt.wantFailed {
				t.Errorf("%d synced, failures %q", len(synced), failed)
			}
		})
	}
}
