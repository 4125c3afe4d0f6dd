// This test drives the connector against the simulated vendor over loopback.

package prosumer

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/internal/loopback"
	"wattfolio/internal/simfault"
	"wattfolio/sync/vendors/prosumer/prosumersim"
)

const simPrefix = "/prosumer"

func simClient(t *testing.T, sim *prosumersim.Server, cfg Config) *Client {
	t.Helper()
	base := loopback.Serve(t, simPrefix, sim)
	cfg.Source = "sim"
	cfg.BaseURL = base
	if cfg.CustomerIDs == nil {
		cfg.CustomerIDs = sim.CustomerIDs()
	}
	if cfg.Now == nil {
		// The simulator's dates are anchored at the help page's sample time.
		cfg.Now = func() time.Time { return time.Date(2026, 2, 27, 12, 0, 0, 0, time.UTC) }
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.api.Policy.Backoff = time.Millisecond
	return c
}

// Every simulated contract arrives, in order, with its own JSON as Raw,
// whichever JSON content type its customer is served with.
func TestSimulatorSyncsWhole(t *testing.T) {
	sim := prosumersim.New(prosumersim.Options{Seed: 1})
	pages, err := collect(t.Context(), simClient(t, sim, Config{}), "")
	if err != nil {
		t.Fatal(err)
	}
	synced, failed := outcomeOf(pages)
	if len(failed) > 0 || !slices.Equal(synced, sim.ContractIDs()) {
		t.Fatalf("%d synced of %d, failures %v", len(synced), len(sim.ContractIDs()), failed)
	}
	if len(pages) != 40 {
		t.Errorf("%d pages, want one per customer", len(pages))
	}
	textJSON := 0
	kinds := map[app.Kind]int{}
	statuses := map[string]int{}
	for i, id := range sim.CustomerIDs() {
		if ct, _ := sim.ContentType(id); ct == "text/json; charset=utf-8" {
			textJSON++
		}
		payload, _ := sim.Payload(id)
		var doc struct{ EnergyContracts, ServiceContracts, FlexibilityContracts []json.RawMessage }
		if err := json.Unmarshal(payload, &doc); err != nil {
			t.Fatal(err)
		}
		raws := slices.Concat(doc.EnergyContracts, doc.ServiceContracts, doc.FlexibilityContracts)
		p := pages[i]
		if len(p.Contracts) != len(raws) {
			t.Fatalf("customer %s: %d contracts, payload has %d", id, len(p.Contracts), len(raws))
		}
		for j, c := range p.Contracts {
			if !bytes.Equal(c.Raw, raws[j]) {
				t.Errorf("contract %s: Raw differs from its object in the payload", c.ExternalID)
			}
			if c.Customer.ExternalID != id || c.Name == "" || c.ValidFrom.IsZero() || c.Commodity != app.CommodityElectricity {
				t.Errorf("contract %s mapped thinly: %+v", c.ExternalID, c)
			}
			if c.ValidFrom.Location() != time.UTC || c.ValidFrom.Hour() != 23 {
				t.Errorf("contract %s: ValidFrom %v, want CET midnight as UTC", c.ExternalID, c.ValidFrom)
			}
			kinds[c.Kind]++
			statuses[c.Status]++
			if (c.Kind == app.KindFlexibility) != (c.Flexibility != nil) {
				t.Errorf("contract %s: kind %s with terms %v", c.ExternalID, c.Kind, c.Flexibility)
			}
			if f := c.Flexibility; f != nil && (f.ReservationFee == nil || f.MaxPowerPerActivation == nil || f.MaxActivationMinutes == nil || f.AssetName == "" || f.PermittedIntervals == "") {
				t.Errorf("contract %s: terms %+v", c.ExternalID, f)
			}
			if c.Kind != app.KindFlexibility && c.Product.Name == "" {
				t.Errorf("contract %s: no product", c.ExternalID)
			}
		}
	}
	if textJSON != 13 {
		t.Errorf("%d customers served as text/json, want every third (13)", textJSON)
	}
	for _, k := range []app.Kind{app.KindEnergy, app.KindService, app.KindFlexibility} {
		if kinds[k] == 0 {
			t.Errorf("no %s contracts: %v", k, kinds)
		}
	}
	for _, s := range []string{StatusActive, StatusPending, StatusEnded, StatusCancelled} {
		if statuses[s] == 0 {
			t.Errorf("no %s contracts: %v", s, statuses)
		}
	}
}

func TestSimulatorFaults(t *testing.T) {
	tests := []struct {
		name       string
		token      string // the client's
		faults     simfault.Faults
		wantIs     error
		wantFailed int
	}{
		{name: "every third request fails, retries cover it", faults: simfault.Faults{Status: 500, EveryNth: 3}},
		{name: "rate limited with Retry-After 0", faults: simfault.Faults{Status: 429, EveryNth: 2}},
		{name: "missing token", token: "", wantIs: ErrUnauthorized},
		{name: "wrong token", token: "old", wantIs: ErrUnauthorized},
		{name: "vendor down", faults: simfault.Faults{Status: 503}, wantIs: ErrUnavailable},
		{name: "one customer's body always cut", faults: simfault.Faults{CutBody: true, IDs: []string{"$first"}}, wantFailed: 1},
		{name: "one customer gone", faults: simfault.Faults{Status: 404, IDs: []string{"$first"}}, wantFailed: 1},
		{name: "extra fields", faults: simfault.Faults{Extra: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := prosumersim.New(prosumersim.Options{Seed: 2, Customers: 9, Token: "sim-token"})
			f := tt.faults
			for i, id := range f.IDs {
				if id == "$first" {
					f.IDs[i] = sim.CustomerIDs()[0]
				}
			}
			sim.SetFaults(f)
			token := "sim-token"
			if tt.wantIs == ErrUnauthorized {
				token = tt.token
			}
			pages, err := collect(t.Context(), simClient(t, sim, Config{Token: token}), "")
			if tt.wantIs != nil {
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("err = %v, want %v", err, tt.wantIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			synced, failed := outcomeOf(pages)
			if tt.wantFailed == 0 && !slices.Equal(synced, sim.ContractIDs()) || len(failed) != tt.wantFailed {
				t.Errorf("%d synced of %d, failures %v", len(synced), len(sim.ContractIDs()), failed)
			}
		})
	}
}

// The WrongTypes fault breaks every flexibility contract on its
// ReservationFee; energy and service contracts are kept.
func TestSimulatorWrongTypes(t *testing.T) {
	sim := prosumersim.New(prosumersim.Options{Seed: 3, Customers: 12})
	sim.SetFaults(simfault.Faults{WrongTypes: true})
	pages, err := collect(t.Context(), simClient(t, sim, Config{}), "")
	if err != nil {
		t.Fatal(err)
	}
	synced, failed := outcomeOf(pages)
	if len(failed) == 0 || len(synced)+len(failed) != len(sim.ContractIDs()) {
		t.Fatalf("%d synced, %d failed, of %d", len(synced), len(failed), len(sim.ContractIDs()))
	}
	for rec, f := range failed {
		if f.Field != prosumersim.WrongTypeField || f.Source != "sim" {
			t.Errorf("%s: %v (field %q)", rec, f, f.Field)
		}
	}
	for _, p := range pages {
		for _, c := range p.Contracts {
			if c.Kind == app.KindFlexibility {
				t.Errorf("flexibility contract %s survived a wrong ReservationFee", c.ExternalID)
			}
		}
	}
}
