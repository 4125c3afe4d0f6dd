package epilot_test

import (
	"net/http"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/epilot/epilotsim"
	"wattfolio/sync/vendors/internal/rest"
	"wattfolio/sync/vendors/internal/vendortest"
)

func TestSharedSuite(t *testing.T) {
	const token = "suite-portal-token"
	to := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	vendortest.Run(t, vendortest.Harness{
		Vendor: app.VendorEpilot,
		Prefix: "/epilot/portal-api",
		NewSim: func(t testing.TB) (vendortest.Sim, []string) {
			sim := epilotsim.New(epilotsim.Options{Seed: 4, Meters: 30, Token: token, From: to.AddDate(0, 0, -2), To: to})
			return sim, sim.ContractIDs()
		},
		Connector: func(t testing.TB, baseURL string, timeout time.Duration, clock rest.Clock) engine.Connector {
			c, err := epilot.New(epilot.Config{
				Source: "suite", BaseURL: baseURL, Token: token, PageSize: 5,
				HTTPClient: &http.Client{Timeout: timeout}, Retries: 2, Clock: clock, Now: clock.Now,
				// One request at a time, as for enneo: on the fake clock
				// parallel retries could all land on the n-th request.
				Concurrency: 1,
			})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		NotFound:   vendortest.SourceError,
		WrongTypes: vendortest.RecordErrors,
		// A few meters over a week: long enough for a sync to stop
		// three days short and resume, beyond the 48 h look-back.
		Series: &vendortest.SeriesHarness{
			NewSim: func(t testing.TB) (vendortest.SeriesSim, []string, time.Time, time.Time) {
				from := to.AddDate(0, 0, -7)
				sim := epilotsim.New(epilotsim.Options{Seed: 5, Meters: 3, Token: token, From: from, To: to})
				return sim, sim.MeterIDs(), from, to
			},
		},
	})
}
