package epilot_test

import (
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/epilot/epilotsim"
	"wattfolio/sync/vendors/internal/reqcount"
)

// A source with max_requests_per_minute = N never sends more than N
// requests in any 60 s, counted at the simulated portal, while contract
// details are fetched 8 at a time. The sync runs in a synctest bubble on
// in-memory HTTP, so minutes of spacing take none and each request is
// stamped with the moment it left.
func TestSyncKeepsMaxRequestsPerMinuteAtTheServer(t *testing.T) {
	for _, perMinute := range []int{6, 30} {
		t.Run(fmt.Sprintf("%d a minute", perMinute), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				sim := epilotsim.New(epilotsim.Options{Seed: 14, Meters: 2 * perMinute, Token: token})
				counted := reqcount.New(http.StripPrefix(prefix, sim), nil)
				url, hc := reqcount.ServePipe(t, counted)
				c, err := epilot.New(epilot.Config{Source: "ep", BaseURL: url + prefix, Token: token, HTTPClient: hc,
					Concurrency: 8, PageSize: 10, RequestsPerMinute: perMinute})
				if err != nil {
					t.Fatal(err)
				}
				contracts := 0
				err = c.Contracts(t.Context(), "", func(p engine.Page) error {
					if len(p.Failures) > 0 {
						t.Errorf("record errors: %v", p.Failures)
					}
					contracts += len(p.Contracts)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				most := counted.Keeps(t, perMinute)
				t.Logf("max_requests_per_minute %d: %d contracts, %d requests in %s (fake time), at most %d in any 60 s",
					perMinute, contracts, counted.Total(), counted.Span().Round(time.Second), most)
			})
		})
	}
}
