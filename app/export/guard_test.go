package export

import (
	"bytes"
	"testing"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/offer"
	"wattfolio/app/series"
)

// readBack parses a whole export in dialect d and returns its records.
// guardCases are cells as a vendor or a user may send them and what a
// spreadsheet must be given: a quote in front of anything it would run as a
// formula, numbers untouched.
var guardCases = []struct{ in, want string }{
	{"=1+1", "'=1+1"},
	{"+49 172 1041689", "'+49 172 1041689"},
	{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
	{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
	{"\t=1", "'\t=1"},
	{"\r=1", "'=1"},     // encoding/csv drops a lone CR; the quote stays first
	{"\n=1", "'\n=1"},   // written as CRLF, read back as LF, behind the quote
	{" =1+1", "' =1+1"}, // a spreadsheet trims the space and runs the rest
	{"   @x", "'   @x"}, // any number of spaces
	{" -1+1", "' -1+1"}, // including before a minus
	{" \n=1", "' \n=1"}, // and before a line break
	{"-", "'-"},
	{"--1", "'--1"},
	{"-1e5", "'-1e5"}, // an exponent is a formula's business, not a plain number
	{"-12.5", "-12.5"},
	{"-0,05", "-0,05"},
	{"-1.234,56", "-1.234,56"},
	{"-1,234.56", "-1,234.56"},
	{"-42", "-42"},
	{"12.5", "12.5"},
	{"a=1", "a=1"},
	{"Müller, Anna", "Müller, Anna"},
	{" leading space", " leading space"},
	{"", ""},
}

// Every export's text cells go through the guard, in every dialect.
func TestGuardInEveryExport(t *testing.T) {
	for _, tc := range guardCases {
		for _, d := range Dialects {
			// contracts: a text column the vendor fills
			var b bytes.Buffer
			cw := NewContractWriter(&b, d, false)
			if err := cw.Write(app.Contract{Name: tc.in}); err != nil {
				t.Fatal(err)
			}
			cw.Flush()
			check(t, d, "contracts", "name", b.Bytes(), tc.in, tc.want)

			// offers: a name the user typed
			b.Reset()
			ow := NewOfferWriter(&b, d)
			ow.Write(offer.Offer{Name: tc.in})
			ow.Flush()
			check(t, d, "offers", "name", b.Bytes(), tc.in, tc.want)

			// savings: a customer from the sources file
			b.Reset()
			sw := NewSavingsWriter(&b, d)
			sw.Write(SavingsLine{Row: compare.SavingsRow{Account: tc.in}})
			sw.Flush()
			check(t, d, "savings", "customer", b.Bytes(), tc.in, tc.want)

			// readings, through both writers: a meter number the vendor sent
			row := series.Row{Meter: &series.Meter{Source: "ep", Number: tc.in}, Measure: series.Consumption}
			for name, w := range map[string]interface {
				Write(*series.Row) error
				Flush() error
			}{"readings": NewReadingWriter(&b, d), "readings (generic)": NewWriter(&b, d, ReadingColumns)} {
				b.Reset()
				w.Write(&row)
				w.Flush()
				check(t, d, name, "meter_number", b.Bytes(), tc.in, tc.want)
			}
		}
	}
}

func check(t *testing.T, d Dialect, export, col string, data []byte, in, want string) {
	t.Helper()
	recs := readBack(t, d, data)
	if len(recs) != 2 {
		t.Fatalf("%s %s: %d records for %q", d.Name, export, len(recs), in)
	}
	for i, h := range recs[0] {
		if h == col {
			if got := recs[1][i]; got != want {
				t.Errorf("%s %s %s(%q) = %q, want %q", d.Name, export, col, in, got, want)
			}
			return
		}
	}
	t.Fatalf("%s: no column %s", export, col)
}

// Numbers, negative ones included, reach the spreadsheet as numbers in
// either dialect: no quote in front, the dialect's decimal separator.
func TestNumbersStayNumbers(t *testing.T) {
	tests := []struct {
		value        string
		standard, de string
	}{
		{"-0.05", "-0.05", "-0,05"},
		{"-1234.56", "-1234.56", "-1234,56"},
		{"-3", "-3", "-3"},
		{"0", "0", "0"},
		{"149.88", "149.88", "149,88"},
	}
	for _, tt := range tests {
		c := app.Contract{Prices: app.Prices{BasePerYear: dec(tt.value)}, AnnualConsumptionKWh: dec(tt.value)}
		for _, d := range Dialects {
			want := tt.standard
			if d.DecimalComma {
				want = tt.de
			}
			rec := roundTrip(t, d, c)
			for i, col := range ContractColumns {
				if col.Name == "base_price_eur_per_year" || col.Name == "annual_consumption_kwh" {
					if rec[i] != want {
						t.Errorf("%s %s(%s) = %q, want %q", d.Name, col.Name, tt.value, rec[i], want)
					}
				}
			}
		}
	}
	// A negative tax rate on a price reading is a number too, in both
	// readings writers.
	row := series.Row{Meter: &series.Meter{Source: "ep"}, Measure: series.Price, Tax: series.Tax{Set: true, Rate: -3}}
	for _, d := range Dialects {
		var a, b bytes.Buffer
		rw, gw := NewReadingWriter(&a, d), NewWriter(&b, d, ReadingColumns)
		rw.Write(&row)
		rw.Flush()
		gw.Write(&row)
		gw.Flush()
		for _, data := range [][]byte{a.Bytes(), b.Bytes()} {
			recs := readBack(t, d, data)
			if got := recs[1][indexOf(recs[0], "tax_rate")]; got != "-3" {
				t.Errorf("%s tax_rate = %q, want -3", d.Name, got)
			}
		}
	}
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}
