package podero_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/reqcount"
	"wattfolio/sync/vendors/internal/rest"
	"wattfolio/sync/vendors/podero"
	"wattfolio/sync/vendors/podero/poderosim"
)

// A source with max_requests_per_minute = N never sends more than N
// requests in any 60 s, counted at the simulated server: users fetched in
// parallel, pages followed and the token request all share the one budget.
// The waits a person should see are reported as such.
func TestSyncKeepsMaxRequestsPerMinuteAtTheServer(t *testing.T) {
	for _, tt := range []struct {
		name        string
		perMinute   int
		concurrency int
		users       int
	}{
		{"10 a minute, 4 users at a time", 10, 4, 30},
		{"45 a minute, 8 users at a time", 45, 8, 80},
		{"300 a minute, 16 users at a time", 300, 16, 320},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) { syncUnderBudget(t, tt.perMinute, tt.concurrency, tt.users) })
		})
	}
}

// syncUnderBudget runs in a synctest bubble: the connector waits on the
// wall clock (nil Clock), which the bubble fakes, and the server counts on
// it too, so the minutes of spacing take none and every request is stamped
// with the moment it left.
func syncUnderBudget(t *testing.T, perMinute, concurrency, users int) {
	opts := poderosim.Options{Seed: 14, Users: users, ClientID: "budget-client", ClientSecret: "budget-secret", PageSize: 2}
	sim := poderosim.New(opts)
	counted := reqcount.New(http.StripPrefix("/podero", sim), nil)
	url, hc := reqcount.ServePipe(t, counted)
	base := url + "/podero"
	c, err := podero.New(podero.Config{
		Source: "budget", BaseURL: base, TokenURL: base + "/oauth2/token/",
		ClientID: opts.ClientID, ClientSecret: opts.ClientSecret, OrgID: poderosim.DefaultOrgID,
		UserIDs: sim.UserIDs(), HTTPClient: hc,
		Concurrency: concurrency, RequestsPerMinute: perMinute,
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var waits []engine.Wait
	ctx := engine.WithWaits(t.Context(), func(w engine.Wait) {
		mu.Lock()
		waits = append(waits, w)
		mu.Unlock()
	})
	contracts := 0
	err = c.Contracts(ctx, "", func(p engine.Page) error {
		if len(p.Failures) > 0 {
			t.Errorf("record errors: %v", p.Failures)
		}
		contracts += len(p.Contracts)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(sim.ContractIDs()); contracts != want {
		t.Errorf("synced %d contracts, want %d", contracts, want)
	}
	most := counted.Keeps(t, perMinute)
	budgetWaits := 0
	for _, w := range waits {
		if w.Cause == fmt.Sprintf("request budget of %d a minute", perMinute) {
			budgetWaits++
		}
	}
	// Spacing under a second is not worth a line; above, a person
	// waiting should be told why.
	if spaced := rest.Spacing(perMinute); spaced >= time.Second && budgetWaits == 0 {
		t.Errorf("no wait for the request budget was reported (spacing %s); waits: %v", spaced, waits)
	}
	t.Logf("%d requests in %s (fake time), at most %d in any 60 s (max_requests_per_minute %d); %d budget waits reported",
		counted.Total(), counted.Span().Round(time.Second), most, perMinute, budgetWaits)
}
