package enneo_test

import (
	"net/http"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/enneo"
	"wattfolio/sync/vendors/enneo/enneosim"
	"wattfolio/sync/vendors/internal/rest"
	"wattfolio/sync/vendors/internal/vendortest"
)

const suiteToken = "suite-token"

func TestSharedSuite(t *testing.T) {
	// The simulator is deterministic: every one the suite starts has these.
	ids := enneosim.New(enneosim.Options{Seed: 9, Contracts: 40, Token: suiteToken}).IDs()
	vendortest.Run(t, vendortest.Harness{
		Vendor: app.VendorEnneo,
		Prefix: "/enneo/api/mind",
		NewSim: func(t testing.TB) (vendortest.Sim, []string) {
			return enneosim.New(enneosim.Options{Seed: 9, Contracts: 40, Token: suiteToken}), ids
		},
		Connector: func(t testing.TB, baseURL string, timeout time.Duration, clock rest.Clock) engine.Connector {
			c, err := enneo.New(enneo.Config{
				Source: "suite", BaseURL: baseURL, Token: suiteToken, ContractIDs: ids,
				HTTPClient: &http.Client{Timeout: timeout}, PageSize: 4, Retries: 2, Clock: clock,
				// One contract at a time: the suite's EveryNth counts all
				// requests together, and on the fake clock parallel retries
				// are not spread out by sleeping, so one contract's tries
				// could all land on an n-th request.
				Concurrency: 1,
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
