package prosumer

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/vendortest"
)

// A customer's answer maps contract by contract: each to one the cache can
// keep, with a derived status and its collection's kind, or to a failure.
func FuzzPortfolio(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "portfolio_seed.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	for _, s := range []string{
		`{"EnergyContracts":null,"ServiceContracts":[{"Id":"s1","ValidFrom":"0001-01-01T00:00:00","ValidTo":"9999-12-31T23:59:59.9999999"}],"FlexibilityContracts":null}`,
		`{"EnergyContracts":[],"FlexibilityContracts":[{"Id":"f1","ReservationFee":12.5,"Renewal":"3","MaxAllowedActivationTime":3.0,"AssetId":17}]}`,
		`{"EnergyContracts":[{"Id":""},7,{"Id":"e1","CancelTime":"2026-02-27T00:50:37.5282548+00:00"}]}`,
		`{"EnergyContracts":{}}`, `{"Message":"An error has occurred."}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	m := mapper{source: "s", now: now, fetchedAt: now}
	f.Fuzz(func(t *testing.T, body []byte) {
		items, ferr := m.portfolio(body, "cust-17")
		if ferr != nil {
			vendortest.CheckFailure(t, body, ferr.Error())
			return
		}
		for _, it := range items {
			if it.err != nil {
				vendortest.CheckFailure(t, body, it.err.Error())
				continue
			}
			c := it.contract
			vendortest.CheckMapped(t, body, c)
			if c.Customer.ExternalID != "cust-17" || c.Status == "" || (c.Kind == app.KindFlexibility) != (c.Flexibility != nil) {
				t.Fatalf("contract %+v", c)
			}
		}
	})
}
