package outbox

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := map[string][]string{
		FieldContractType: {"", "spot_hourly", "monthly", "yearly"},
		FieldMeterID:      {"", strings.Repeat("9", 19)},
		FieldSupplier:     {"", strings.Repeat("ü", 100)},
		FieldCurrency:     {"", "EUR", "CHF", "eur"},
		FieldIncludes:     {"true", "false"},
		FieldBuilding:     {"", "3c90c3cc-0d44-4b50-8888-8dd25736052a"},
		FieldPrices:       {"", "[]", `[{"price":0.25,"timestamp":"2026-01-01T00:00:00+01:00"}]`, `[{"price":0.25,"timestamp":"0001-01-02T00:00:00Z"}]`},
	}
	for f, vs := range ok {
		for _, v := range vs {
			if err := Validate(f, v); err != nil {
				t.Errorf("Validate(%s, %q) = %v", f, v, err)
			}
		}
	}
	bad := map[string][]string{
		FieldContractType: {"daily", "Monthly"},
		FieldMeterID:      {strings.Repeat("9", 20), "\x89"},
		FieldSupplier:     {strings.Repeat("x", 101), "M\xfcller"}, // Latin-1, which JSON would send as U+FFFD
		FieldCurrency:     {"EURO", "eu", "12€"},
		FieldIncludes:     {"", "yes", "1"},
		FieldBuilding:     {"building-7"},
		FieldPrices: {"0.25", `[{"price":"x","timestamp":"2026-01-01T00:00:00Z"}]`, `[{"price":0.2,"timestamp":"2026-01-01"}]`,
			`[{"price":1e300,"timestamp":"2026-01-01T00:00:00Z"}]`, // no Decimal: the contract would no longer read
			`[{"price":0.2,"timestamp":"2026-01-01T00:00:00Z"}]]`,
			// Year 0 at +01:00 is year -1 in UTC, which no one reads back.
			`[{"price":0.2,"timestamp":"0000-01-01T00:30:00+01:00"}]`,
			`[{"price":0.2,"timestamp":"0001-01-01T00:00:00Z"}]`, // Go's zero time: "no timestamp"
			`[{"price":0.2,"timestamp":"9999-12-31T23:30:00-01:00"}]`},
		"name": {"x"},
	}
	for f, vs := range bad {
		for _, v := range vs {
			err := Validate(f, v)
			if err == nil || !strings.Contains(err.Error(), f) {
				t.Errorf("Validate(%s, %q) = %v, want an error naming the field", f, v, err)
			}
		}
	}
}

func TestPoderoValuesAndBody(t *testing.T) {
	vals, err := PoderoValues([]byte(`{"energy_contract_type":null,"energy_prices":[{"price":0.2873,"timestamp":"2026-01-01T01:00:00+01:00"}],` +
		`"id":"x","building":"3C90C3CC-0D44-4B50-8888-8DD25736052A","meter_id":"M","supplier":"S","currency_energy_price":"EUR",` +
		`"energy_price_includes_external_components":false}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		FieldContractType: "", FieldMeterID: "M", FieldSupplier: "S", FieldCurrency: "EUR", FieldIncludes: "false",
		FieldBuilding: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
		FieldPrices:   `[{"price":0.2873,"timestamp":"2026-01-01T00:00:00Z"}]`,
	}
	for f, v := range want {
		if vals[f] != v {
			t.Errorf("%s = %q, want %q", f, vals[f], v)
		}
	}
	body, err := PoderoBody(map[string]string{FieldContractType: "", FieldIncludes: "true", FieldSupplier: "S", FieldPrices: ""})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(body); got != `{"energy_contract_type":null,"energy_price_includes_external_components":true,"energy_prices":[],"supplier":"S"}` {
		t.Errorf("body = %s", got)
	}
}

// Prices in every form the Podero connector accepts are read, so that any
// cached Podero contract can be edited; an edit itself needs RFC 3339.
func TestPoderoValuesReadsVendorPriceForms(t *testing.T) {
	for _, tt := range []struct{ prices, want string }{
		{`[{"price":0.31}]`, `[{"price":0.31,"timestamp":null}]`},
		{`[{"price":0.31,"timestamp":null}]`, `[{"price":0.31,"timestamp":null}]`},
		{`[{"price":0.1,"timestamp":"2026-01-01"},{"price":0.2,"timestamp":"2026-01-01 10:00:00+01:00"}]`,
			`[{"price":0.1,"timestamp":"2026-01-01T00:00:00Z"},{"price":0.2,"timestamp":"2026-01-01T09:00:00Z"}]`},
	} {
		vals, err := PoderoValues([]byte(`{"energy_prices":` + tt.prices + `}`))
		if err != nil || vals[FieldPrices] != tt.want {
			t.Errorf("%s: read as %q, %v; want %q", tt.prices, vals[FieldPrices], err, tt.want)
		}
		if Validate(FieldPrices, tt.prices) == nil {
			t.Errorf("edit %s accepted; an edit needs an RFC 3339 timestamp on each price", tt.prices)
		}
	}
}

func TestCanonical(t *testing.T) {
	for _, c := range [][3]string{
		{FieldBuilding, "3C90C3CC0D444B5088888DD25736052A", "3c90c3cc-0d44-4b50-8888-8dd25736052a"},
		{FieldCurrency, "chf", "CHF"},
		{FieldPrices, `[ {"timestamp": "2026-01-01T01:00:00+01:00", "price": 0.25} ]`, `[{"price":0.25,"timestamp":"2026-01-01T00:00:00Z"}]`},
		// Out of order as typed; Podero keeps a series sorted by time.
		{FieldPrices, `[{"price":0.3,"timestamp":"2026-02-01T00:00:00+01:00"},{"price":0.2,"timestamp":"2026-01-01T00:00:00Z"}]`,
			`[{"price":0.2,"timestamp":"2026-01-01T00:00:00Z"},{"price":0.3,"timestamp":"2026-01-31T23:00:00Z"}]`},
		{FieldSupplier, " Stadtwerke ", " Stadtwerke "},
	} {
		if got := Canonical(c[0], c[1]); got != c[2] {
			t.Errorf("Canonical(%s, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
