package prosumer_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/rest"
	"wattfolio/sync/vendors/internal/vendortest"
	"wattfolio/sync/vendors/prosumer"
	"wattfolio/sync/vendors/prosumer/prosumersim"
)

// suiteSim is the simulator the shared suite runs against: a token, as a
// deployment behind an API gateway would have, and a few dozen contracts.
var suiteSim = prosumersim.Options{Seed: 7, Customers: 14, Token: "suite-token"}

func TestSharedSuite(t *testing.T) {
	vendortest.Run(t, vendortest.Harness{
		Vendor: app.VendorProsumer,
		NewSim: func(testing.TB) (vendortest.Sim, []string) {
			sim := prosumersim.New(suiteSim)
			return sim, sim.ContractIDs()
		},
		Prefix: "/prosumer",
		Connector: func(t testing.TB, baseURL string, timeout time.Duration, clock rest.Clock) engine.Connector {
			// The simulator is deterministic: a twin names the same customers.
			c, err := prosumer.New(prosumer.Config{
				Source:      "suite",
				BaseURL:     baseURL,
				Token:       suiteSim.Token,
				CustomerIDs: prosumersim.New(suiteSim).CustomerIDs(),
				HTTPClient:  &http.Client{Timeout: timeout},
				Retries:     1,
				Clock:       clock,
			})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		NotFound:   vendortest.RecordErrors, // a 404 is one customer's failure
		WrongTypes: vendortest.RecordErrors,
	})
}

// The suite's simulator is the size the suite asks for and has contracts
// for the WrongTypes fault to break.
func TestSuiteSimulatorShape(t *testing.T) {
	sim := prosumersim.New(suiteSim)
	if n := len(sim.ContractIDs()); n < 30 || n > 60 {
		t.Errorf("%d contracts, want 30 to 60", n)
	}
	flex := 0
	for _, id := range sim.CustomerIDs() {
		p, _ := sim.Payload(id)
		if len(p) > 0 && containsField(p, prosumersim.WrongTypeField) {
			flex++
		}
	}
	if flex == 0 {
		t.Error("no customer has a flexibility contract")
	}
}

func containsField(p []byte, field string) bool {
	return bytes.Contains(p, []byte(`"`+field+`":`))
}
