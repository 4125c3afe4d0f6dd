package enneo_test

import (
	"net/http"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/enneo"
	"wattfolio/sync/vendors/enneo/enneosim"
	"wattfolio/sync/vendors/internal/vendortest"
)

const suiteToken = "suite-token"

func TestSharedSuite(t *testing.T) {
	var ids []string
	vendortest.Run(t, vendortest.Harness{
		Vendor: app.VendorEnneo,
		Prefix: "/enneo/api/mind",
		NewSim: func(t testing.TB) (vendortest.Sim, []string) {
			sim := enneosim.New(enneosim.Options{Seed: 9, Contracts: 40, Token: suiteToken})
			ids = sim.IDs()
			return sim, ids
		},
		Connector: func(t testing.TB, baseURL string, timeout time.Duration) engine.Connector {
			c, err := enneo.New(enneo.Config{
				Source: "suite", BaseURL: baseURL, Token: suiteToken, ContractIDs: ids,
				HTTPClient: &http.Client{Timeout: timeout}, PageSize: 10, Retries: 2,
			})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		NotFound:   vendortest.RecordErrors,
		WrongTypes: vendortest.RecordErrors,
	})
}
