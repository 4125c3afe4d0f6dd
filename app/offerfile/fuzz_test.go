package offerfile

import (
	"errors"
	"os"
	"reflect"
	"strings"
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

// An offers file is read into valid offers whose terms survive the form,
// or refused with every problem as an *Error with a line; never a panic.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile("../../offers.example.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	for _, block := range strings.SplitAfter(string(example), "\n[[offer]]") {
		f.Add([]byte("[[offer]]" + block))
	}
	for _, s := range []string{
		"[[offer]]\nname = \"A\"\nsupplier = \"S\"\nmodel = \"fixed\"\ngross = true\nworking_price_ct_per_kwh = 27.9\n",
		"[[offer]]\nname = \"B\"\nmodel = \"tou\"\nworking_price_ct_per_kwh = \"x\"\n[[offer.zone]]\nname = \"N\\u007f\"\nfrom = \"22:00\"\nto = \"06:00\"\n",
		"\ufeff[[offer]]\nname = 1\n", "offer = 3", "[[offer]", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		offers, err := Parse("offers.toml", data)
		if err != nil {
			for _, e := range unjoin(err) {
				var oe *Error
				if !errors.As(e, &oe) || oe.Line < 0 || oe.Msg == "" {
					t.Fatalf("problem %v (%T) is not an *Error with a line", e, e)
				}
			}
			return
		}
		for _, o := range offers {
			if errs := o.Validate(); errs != nil {
				t.Fatalf("offer %q read but invalid: %v", o.Name, errs)
			}
			termsRoundTrip(t, TermsOf(o.Tariff), o.Tariff.Model, o.Commodity)
		}
	})
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
