package epilot

import (
	"errors"
	"testing"

	"wattfolio/app"
)

// money checks the cents against the decimal string over the whole Decimal
// range: an amount too large to count in hundredths of a unit still
// compares, and cents that no Decimal holds are an error, not a wrapped
// amount.
func TestMoney(t *testing.T) {
	tests := []struct {
		cents, dec string
		want       string // "" for an error
		field      string // the field an error names
		rangeErr   bool
	}{
		{`2853`, `"28.53"`, "28.53", "", false},
		{`2853`, `"28.5349"`, "28.5349", "", false},
		{`2854`, `"28.535"`, "28.535", "", false},
		{`2853`, `"28.535"`, "28.535", "", false}, // either rounding rule
		{`2852`, `"28.535"`, "", "unit_amount", false},
		{`-5`, `"-0.05"`, "-0.05", "", false},
		{`2853`, ``, "28.53", "", false},
		{`922337203685477`, `"9223372036854.77"`, "9223372036854.77", "", false},
		{`922337203685478`, `"9223372036854.775807"`, "", "unit_amount", true},
		{`-922337203685477`, `"-9223372036854.775808"`, "-9223372036854.775808", "", false},
		{`922337203685478`, ``, "", "unit_amount", true},
		{`-9223372036854775808`, ``, "", "unit_amount", true},
		{`100`, `"9223372036854.775807"`, "", "unit_amount", false},
	}
	for _, tt := range tests {
		d, field, err := money(lit(tt.cents), lit(tt.dec), "unit_amount")
		if tt.want != "" {
			if err != nil || d != app.MustDecimal(tt.want) {
				t.Errorf("money(%s, %s) = %s, %s, %v; want %s", tt.cents, tt.dec, d, field, err, tt.want)
			}
			continue
		}
		if err == nil || field != tt.field || errors.Is(err, app.ErrDecimalRange) != tt.rangeErr {
			t.Errorf("money(%s, %s) = %s, %q, %v; want an error on %s (range error: %v)", tt.cents, tt.dec, d, field, err, tt.field, tt.rangeErr)
		}
	}
}
