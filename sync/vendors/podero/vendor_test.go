package podero_test

import (
	"net/http"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/rest"
	"wattfolio/sync/vendors/internal/vendortest"
	"wattfolio/sync/vendors/podero"
	"wattfolio/sync/vendors/podero/poderosim"
)

// suiteSim is the simulator every suite run gets afresh: the same options
// give the same users, so the connector can be built without it.
var suiteSim = poderosim.Options{Seed: 2026, Users: 24, ClientID: "suite-client", ClientSecret: "suite-secret", PageSize: 2}

func TestSharedSuite(t *testing.T) {
	users := poderosim.New(suiteSim).UserIDs()
	vendortest.Run(t, vendortest.Harness{
		Vendor: app.VendorPodero,
		NewSim: func(testing.TB) (vendortest.Sim, []string) {
			s := poderosim.New(suiteSim)
			return s, s.ContractIDs()
		},
		Prefix: "/podero",
		Connector: func(t testing.TB, baseURL string, timeout time.Duration, clock rest.Clock) engine.Connector {
			c, err := podero.New(podero.Config{
				Source:       "suite",
				BaseURL:      baseURL,
				TokenURL:     baseURL + "/oauth2/token/",
				ClientID:     suiteSim.ClientID,
				ClientSecret: suiteSim.ClientSecret,
				OrgID:        poderosim.DefaultOrgID,
				UserIDs:      users,
				HTTPClient:   &http.Client{Timeout: timeout},
				Retries:      2,
				Clock:        clock,
				// One user at a time: the suite's EveryNth counts all
				// requests together, so with users fetched in parallel one
				// user's retries could all land on an n-th request.
				Concurrency: 1,
			})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		// A 404 on every request includes the token endpoint: a wrong
		// token_url fails the source. A 404 for one user is a record error
		// (TestContractsErrors).
		NotFound:   vendortest.SourceError,
		WrongTypes: vendortest.RecordErrors,
	})
}
