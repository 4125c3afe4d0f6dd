package enneo

import (
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/vendortest"
)

// A contract payload maps, in every unit setting, to a contract the cache
// can keep or to a failure naming the field; a price in ct/kWh is the
// EUR/kWh one divided by 100 exactly, rounded half away from zero.
func FuzzToContract(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "contract_746839.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden, uint8(0))
	f.Add(golden, uint8(3))
	for _, s := range []string{
		`{"id":746839,"workingPrice":"28.5","basePrice":"12.49","startDate":"2022-09-01","endDate":"2024-08-31T23:59:59+02:00"}`,
		`{"id":"746839","signupDate":1661126400000,"vatRate":"0.19","gridOperatorCode":9900001000001}`,
		`{"id":746839,"workingPrice":9223372036854.775807}`, `{"id":746839,"basePrice":-768614336404.564651}`,
		`{"id":746840}`, `{"id":null,"status":5}`, `[]`, `null`, ``, `{"id":746839`,
	} {
		f.Add([]byte(s), uint8(1))
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte, units uint8) {
		m := mapper{source: "s", workingInCt: units&1 != 0, basePerMonth: units&2 != 0}
		c, ferr := m.toContract(body, "746839", at)
		if ferr != nil {
			vendortest.CheckFailure(t, body, ferr.Error())
			return
		}
		vendortest.CheckMapped(t, body, c)
		if c.ExternalID != "746839" {
			t.Fatalf("contract %q, asked for 746839", c.ExternalID)
		}
		if !m.workingInCt {
			return
		}
		plain, ferr := mapper{source: "s", basePerMonth: m.basePerMonth}.toContract(body, "746839", at)
		if ferr != nil {
			t.Fatalf("maps in ct/kWh but not in EUR/kWh: %v", ferr)
		}
		if p := plain.Prices.WorkingPerKWh; p != nil {
			want, err := app.DecimalFromRat(new(big.Rat).Quo(p.Rat(), big.NewRat(100, 1)))
			if err != nil || *c.Prices.WorkingPerKWh != want {
				t.Fatalf("%s ct/kWh read as %s EUR/kWh, want %s", *p, *c.Prices.WorkingPerKWh, want)
			}
		}
	})
}
