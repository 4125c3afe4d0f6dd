package outbox

import (
	"encoding/json"
	"testing"

	"wattfolio/app"
)

// An accepted edit is one the app can send and read back: its canonical
// form is accepted too and canonical already, the PUT body carrying it is
// valid JSON from which PoderoValues reads the same canonical value, and
// prices are JSON the cache's decimals can hold.
func FuzzValidate(f *testing.F) {
	for _, s := range []struct{ field, value string }{
		{FieldContractType, "spot_hourly"}, {FieldContractType, "weekly"}, {FieldMeterID, "DE0001"},
		{FieldMeterID, "12345678901234567890"}, {FieldSupplier, "Stadtwerke Nord"}, {FieldCurrency, "eur"},
		{FieldCurrency, "EURO"}, {FieldIncludes, "true"}, {FieldIncludes, "yes"}, {FieldBuilding, "3c90c3cc-0d44-4b50-8888-8dd25736052a"},
		{FieldBuilding, "3C90C3CC0D444B5088888DD25736052A"}, {FieldBuilding, "building-1"},
		{FieldPrices, `[{"price": 0.31, "timestamp": "2026-01-01T00:00:00+01:00"}, {"price": "0.2", "timestamp": "2026-02-01T00:00:00Z"}]`},
		{FieldPrices, `[{"price": 1e300, "timestamp": "2026-01-01T00:00:00Z"}]`},
		{FieldPrices, `[{"price": 1, "timestamp": "2026-01-01T00:00:00Z"}]]`}, {FieldPrices, ""}, {FieldPrices, "[]"},
		{"status", "active"},
	} {
		f.Add(s.field, s.value)
	}
	f.Fuzz(func(t *testing.T, field, value string) {
		if Validate(field, value) != nil {
			return
		}
		canon := Canonical(field, value)
		if err := Validate(field, canon); err != nil {
			t.Fatalf("%s %q is accepted, its canonical form %q not: %v", field, value, canon, err)
		}
		if again := Canonical(field, canon); again != canon {
			t.Fatalf("%s: canonical %q becomes %q", field, canon, again)
		}
		body, err := PoderoBody(map[string]string{field: canon})
		if err != nil || !json.Valid(body) {
			t.Fatalf("%s %q: body %q, %v", field, canon, body, err)
		}
		back, err := PoderoValues(body)
		if err != nil || back[field] != canon {
			t.Fatalf("%s %q sent as %s reads back as %q, %v", field, canon, body, back[field], err)
		}
		if field == FieldPrices && canon != "" {
			var ps []struct{ Price json.Number }
			if err := json.Unmarshal([]byte(canon), &ps); err != nil {
				t.Fatalf("prices %q: %v", canon, err)
			}
			for _, p := range ps {
				if _, err := app.ParseDecimal(p.Price.String()); err != nil {
					t.Fatalf("price %s is accepted but no decimal: %v", p.Price, err)
				}
			}
		}
	})
}

// A contract's JSON as Podero sent it is read without a panic, and what
// is read is canonical: editing a field back to it changes nothing.
func FuzzPoderoValues(f *testing.F) {
	for _, s := range []string{
		`{"id":"c1","energy_contract_type":"spot_hourly","energy_prices":[],"building":"3c90c3cc-0d44-4b50-8888-8dd25736052a","meter_id":"M1","supplier":"S","currency_energy_price":"eur","energy_price_includes_external_components":true}`,
		`{"energy_prices":[{"price":0.31}],"building":null,"building_id":"3C90C3CC0D444B5088888DD25736052A"}`,
		`{"energy_prices":[{"price":0.1,"timestamp":"2026-01-01"},{"price":0.2,"timestamp":"2026-01-01 10:00:00+00:00"}]}`,
		`{"energy_prices":"x"}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		vals, err := PoderoValues(raw)
		if err != nil {
			return
		}
		for field, v := range vals {
			if Canonical(field, v) != v && Validate(field, v) == nil {
				t.Fatalf("%s: %q is read, its canonical form is %q", field, v, Canonical(field, v))
			}
		}
	})
}
