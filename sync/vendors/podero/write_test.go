package podero

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"wattfolio/app/outbox"
	"wattfolio/sync/vendors/podero/poderosim"
)

func TestGetAndPutContractOverSimulator(t *testing.T) {
	o := poderosim.Options{Seed: 7, Users: 3}
	sim := poderosim.New(o)
	c := simClient(t, sim, o, Config{})
	ctx := context.Background()
	id := sim.ContractIDs()[0]
	user := sim.UserOf(id)

	got, err := c.GetContract(ctx, user, id)
	if err != nil || got.ExternalID != id || got.Customer.ExternalID != user {
		t.Fatalf("GetContract = %+v, %v", got.ExternalID, err)
	}
	put, err := c.PutContract(ctx, user, id, map[string]string{"supplier": "Stadtwerke Test", "meter_id": ""})
	if err != nil {
		t.Fatal(err)
	}
	if put.Parties.Supplier != "Stadtwerke Test" || put.MeterID != "" || sim.Writes() != 1 {
		t.Errorf("PUT answer supplier %q meter %q, writes %d", put.Parties.Supplier, put.MeterID, sim.Writes())
	}
	raw, _ := sim.Contract(id)
	if !strings.Contains(string(raw), `"supplier":"Stadtwerke Test"`) || !strings.Contains(string(raw), `"meter_id":null`) {
		t.Errorf("stored contract %s", raw)
	}

	sim.RejectNextWrite("supplier", "Ensure this field has no more than 100 characters.")
	_, err = c.PutContract(ctx, user, id, map[string]string{"supplier": "x"})
	var rej *outbox.RejectedError
	if !errors.As(err, &rej) || rej.Status != http.StatusBadRequest || rej.Message != "supplier: Ensure this field has no more than 100 characters." {
		t.Errorf("rejected PUT: %v", err)
	}
	_, err = c.PutContract(ctx, user, "00000000-0000-0000-0000-000000000000", map[string]string{"supplier": "x"})
	if !errors.As(err, &rej) || rej.Status != http.StatusNotFound || rej.Message != "Not found." {
		t.Errorf("PUT of an unknown contract: %v", err)
	}

	sim.SetFaults(poderosim.Faults{Status: http.StatusServiceUnavailable})
	_, err = c.PutContract(ctx, user, id, map[string]string{"supplier": "y"})
	if !errors.Is(err, ErrUnavailable) || errors.As(err, &rej) {
		t.Errorf("PUT while down: %v, want ErrUnavailable", err)
	}
}

func TestVendorMessage(t *testing.T) {
	for body, want := range map[string]string{
		`{"detail":"Not found."}`: "Not found.",
		`{"meter_id":["Ensure this field has no more than 19 characters."],"supplier":["Not a valid string."]}`: "meter_id: Ensure this field has no more than 19 characters.; supplier: Not a valid string.",
		`{"energy_prices":[{"price":["A valid number is required."]}]}`:                                         `energy_prices: [{"price":["A valid number is required."]}]`,
		`oops`: "oops",
		``:     "(no message)",
	} {
		if got := VendorMessage([]byte(body)); got != want {
			t.Errorf("VendorMessage(%s) = %q, want %q", body, got, want)
		}
	}
}
