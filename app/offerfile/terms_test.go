package offerfile

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/app/tariff"
)

// Every example offer's terms survive FormatTerms and ParseTerms.
func TestTermsRoundTrip(t *testing.T) {
	data, err := os.ReadFile("../../offers.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	offers, err := Parse("offers.example.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	nonEmpty := 0
	for _, o := range offers {
		want := TermsOf(o.Tariff)
		text := FormatTerms(want)
		if text != "" {
			nonEmpty++
		}
		got, errs := ParseTerms(text, o.Tariff.Model, o.Commodity)
		if errs != nil {
			t.Errorf("%s: %v\n%s", o.Name, errs, text)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v\n%s", o.Name, got, want, text)
		}
	}
	if nonEmpty < 4 {
		t.Errorf("only %d examples have terms", nonEmpty)
	}
}

func TestParseTermsErrors(t *testing.T) {
	for _, tc := range []struct {
		text  string
		model tariff.Model
		field string
		msg   string
	}{
		{"[[offer.zone]]\nfrom = \"25:00\"\nct_per_kwh = 20\n", tariff.TimeOfUse, "zone[0].from", "line 2: must be HH:MM"},
		{"[[offer.zone]]\nfrom = \"22:00\"\nto = \"06:00\"\nct_per_kwh = 20\n", tariff.Fixed, "zone", "only a time-of-use tariff"},
		{"negative = \"maybe\"\n", tariff.Dynamic, "negative", "must be credit or clamp"},
		{"this is not toml", tariff.Fixed, "terms", "line"},
		{"min_term_months = 12\n", tariff.Fixed, "terms", "fields of their own"},
	} {
		_, errs := ParseTerms(tc.text, tc.model, app.CommodityElectricity)
		found := false
		for _, e := range errs {
			if e.Field == tc.field && strings.Contains(e.Msg.String(), tc.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: errors %v, want %s: …%s…", tc.text, errs, tc.field, tc.msg)
		}
	}
}
