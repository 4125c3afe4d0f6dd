package otark_test

import (
	"net/http"
	"testing"
	"time"

	"wattfolio/internal/simfault"
	"wattfolio/sync/vendors/internal/reqcount"
	"wattfolio/sync/vendors/internal/rest"
	"wattfolio/sync/vendors/otark"
	"wattfolio/sync/vendors/otark/otarksim"
)

// Counted where otark counts them, at the server, a whole sync never sends
// more requests in any 60 s than the budget: otark's published 300, a
// smaller budget a simulated account announces only in its rate-limit
// headers, and a source's own max_requests_per_minute. The simulator, the
// counter and the client share a fake clock, so minutes of waiting take
// none; a page of one contract makes a request per contract.
func TestSyncKeepsTheRequestBudgetAtTheServer(t *testing.T) {
	tests := []struct {
		name      string
		contracts int
		simBudget int // requests per 60 s the simulator allows; 0 is otark's 300
		perMinute int // the source's max_requests_per_minute
		faults    simfault.Faults
		budget    int // the most requests any 60 s window may hold
	}{
		{name: "otark's 300 a minute, kept by its headers", contracts: 700, budget: 300},
		{name: "otark's 300 a minute, as a sync passes it", contracts: 700, perMinute: otark.PublishedBudget, budget: 300},
		{name: "an account allowing 5 a minute", contracts: 40, simBudget: 5, budget: 5},
		{name: "max_requests_per_minute = 20", contracts: 90, perMinute: 20, budget: 20},
		// Retries are requests too: they wait their turn like any other.
		{name: "max_requests_per_minute = 20, every 5th answered 503", contracts: 90, perMinute: 20, budget: 20,
			faults: simfault.Faults{Status: http.StatusServiceUnavailable, EveryNth: 5}},
		{name: "max_requests_per_minute = 20, every 5th cut off", contracts: 90, perMinute: 20, budget: 20,
			faults: simfault.Faults{CutBody: true, EveryNth: 5}},
		{name: "max_requests_per_minute = 20, every 5th 429 with Retry-After 2 s", contracts: 90, perMinute: 20, budget: 20,
			faults: simfault.Faults{Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second, EveryNth: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := rest.NewFakeClock(time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC))
			sim := otarksim.New(otarksim.Options{Seed: 3, Contracts: tt.contracts, APIKey: simKey,
				RateLimit: tt.simBudget, Window: time.Minute, Clock: clock.Now})
			sim.SetFaults(tt.faults)
			counted := reqcount.New(sim, clock.Now)
			c := newClient(t, otark.Config{BaseURL: serve(t, counted), Limit: 1, Clock: clock,
				RequestsPerMinute: tt.perMinute, Retries: 10, MaxWait: 5 * time.Minute,
				HTTPClient: &http.Client{Timeout: 5 * time.Second}})
			got, failed := syncAll(t, c)
			if len(got) != tt.contracts || len(failed) > 0 {
				t.Fatalf("synced %d contracts and %d failures, want %d and none", len(got), len(failed), tt.contracts)
			}
			most := counted.Keeps(t, tt.budget)
			if n := counted.Answered(http.StatusTooManyRequests); n > 0 && tt.faults.Status == 0 {
				t.Errorf("%d requests were refused with 429: the client overspent the budget", n)
			}
			t.Logf("%d requests in %s (fake time), at most %d in any 60 s (budget %d), %d answered 429",
				counted.Total(), counted.Span().Round(time.Second), most, tt.budget, counted.Answered(http.StatusTooManyRequests))
		})
	}
}
