package web

import (
	"encoding/csv"
	"regexp"
	"strings"
	"testing"

	"wattfolio/app"
)

// numberCell is a cell a spreadsheet reads as a number, never a formula.
var numberCell = regexp.MustCompile(`^ *[-+]?[0-9]+([.,][0-9]+)?$`)

// The portfolio's "Export CSV" over a real cache: a contract's vendor text
// comes back from the download, read with encoding/csv, as it was synced
// (a CR dropped, as encoding/csv writes line ends) or with the guard's
// quote in front, and never unguarded where a spreadsheet would run it: a
// first character after leading spaces of = + - @ tab CR LF, unless the
// cell is a plain number.
func FuzzContractsCSV(f *testing.F) {
	for _, s := range []struct{ a, b string }{
		{"Strom Business 24", "Bäckerei Müller GmbH"}, {"=HYPERLINK(\"http://evil\")", "+49 172"},
		{" @SUM(A1)", "\n-1"}, {"\tx\r\ny", "-5"}, {"say \"hi\";x", ""},
	} {
		f.Add(s.a, s.b, false)
		f.Add(s.a, s.b, true)
	}
	s := openStore(f)
	h := New(testOptions(s))
	f.Fuzz(func(t *testing.T, a, b string, excel bool) {
		c := app.Contract{ExternalID: "F-1", Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: "active",
			Customer: app.Customer{ExternalID: "K-1", Name: b}, Name: a, Product: app.Product{Name: b, Code: a},
			Parties: app.Parties{Supplier: a, GridOperator: b}, MeterID: a, Raw: []byte(`{}`)}
		syncSource(t, s, srcEnneo, []app.Contract{c}, nil, app.RunOK, "")
		dialect, comma := "standard", ','
		if excel {
			dialect, comma = "excel-de", ';'
		}
		body := mustGet(t, h, "/contracts.csv?dialect="+dialect)
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
		r.Comma = comma
		recs, err := r.ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("%d records, %v:\n%q", len(recs), err, body)
		}
		for i, col := range recs[0] {
			want := map[string]string{"name": a, "customer_name": b, "product": b, "product_code": a, "meter_id": a, "grid_operator": b, "seller": a}
			in, ok := want[col]
			if !ok {
				continue
			}
			got, text := recs[1][i], strings.ReplaceAll(in, "\r", "")
			lead := strings.TrimLeft(got, " ")
			switch {
			case got == "'"+text:
			case got != text:
				t.Fatalf("%s %q downloaded as %q", col, in, got)
			case lead != "" && strings.ContainsRune("=+-@\t\r\n", rune(lead[0])) && !numberCell.MatchString(got):
				t.Fatalf("%s %q downloaded unguarded as %q", col, in, got)
			}
		}
	})
}
