package offerfile

import (
	"reflect"
	"testing"

	"wattfolio/app"
	"wattfolio/app/tariff"
)

// termsRoundTrip fails t unless want, written by FormatTerms, reads back
// the same: the offers form shows an offer's terms that way and saves
// what it shows.
func termsRoundTrip(t *testing.T, want Terms, model tariff.Model, commodity app.Commodity) {
	t.Helper()
	text := FormatTerms(want)
	got, errs := ParseTerms(text, model, commodity)
	if errs != nil {
		t.Fatalf("terms written as\n%s\ndo not read back: %v", text, errs)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("terms written as\n%s\nread back as %+v, want %+v", text, got, want)
	}
}

// Terms typed into the offers form read back from their written form.
func FuzzParseTerms(f *testing.F) {
	for _, s := range []string{
		"negative = \"zero\"\n[[offer.zone]]\nname = \"HT\"\nfrom = \"06:00\"\nto = \"22:00\"\nworking_price_ct_per_kwh = 30.1\n",
		"start = 2026-01-01\n[offer.ppa]\nvolume_mwh = 1200\n", "[offer.flex]\nreservation_fee_eur = 10\n",
		"[[offer.zone]]\nname = \"NT\\u0007\"\nfrom = \"22:00\"\nto = \"06:00\"\nct_per_kwh = 20\n",
		"[[offer.grid_zone]]\nname = \"\\\"N\\\\T\\u007f\"\nfrom = \"00:00\"\nto = \"06:00\"\nct_per_kwh = 3\n", "average = 5", "x",
	} {
		for m := range tariff.Models {
			f.Add(s, uint8(m), uint8(m%2))
		}
	}
	f.Fuzz(func(t *testing.T, text string, m, c uint8) {
		model := tariff.Models[int(m)%len(tariff.Models)]
		commodity := []app.Commodity{app.CommodityElectricity, app.CommodityGas}[c%2]
		tm, errs := ParseTerms(text, model, commodity)
		if errs != nil {
			return
		}
		termsRoundTrip(t, tm, model, commodity)
	})
}
