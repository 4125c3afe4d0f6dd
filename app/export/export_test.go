package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
)

const header = "source,vendor,kind,external_id,customer_id,customer_name,name,status,commodity,product,product_code," +
	"valid_from,valid_to,signed_at,base_price_eur_per_year,working_price_ct_per_kwh,vat_rate,annual_consumption_kwh," +
	"meter_id,grid_operator,fetched_at," +
	"account,currency,seller,seller_eic,buyer,buyer_eic," +
	"flex_reservation_fee,flex_activation_fee_workdays,flex_activation_fee_non_workdays,flex_max_power_kw," +
	"ppa_type,ppa_period,ppa_delivery_profile,asset_name,asset_technology,asset_nominal_power_mw," +
	"partner_contract_type,partner_price_includes_external_components,partner_price_points,removed_at\r\n"

func dec(s string) *app.Decimal { return app.Ptr(app.MustDecimal(s)) }

func fullContract() app.Contract {
	berlin := time.FixedZone("CEST", 2*3600)
	return app.Contract{
		ID: 7, Source: "stadtwerke-enneo", Vendor: app.VendorEnneo, ExternalID: "746839", Kind: app.KindRetail,
		Commodity: app.CommodityElectricity, Status: "active",
		Customer: app.Customer{ExternalID: "C-1", Name: "Müller, Anna"},
		Name:     "Ökostrom Plus – Müller", Product: app.Product{Name: "Ökostrom Plus", Code: "OEKO+"},
		Parties:   app.Parties{GridOperator: "Netze BW"},
		ValidFrom: time.Date(2022, 9, 1, 2, 0, 0, 0, berlin), // stored in another zone: written as UTC
		SignedAt:  time.Date(2022, 8, 22, 10, 30, 15, 500, time.UTC),
		Prices: app.Prices{Currency: "EUR", BasePerYear: dec("149.88"), WorkingPerKWh: dec("0.285"),
			VATRate: dec("0.19")},
		AnnualConsumptionKWh: dec("3477"),
		MeterID:              "1ESY1160000001",
		FetchedAt:            time.Date(2026, 2, 27, 0, 50, 37, 0, time.UTC),
	}
}

func TestHeader(t *testing.T) {
	var b bytes.Buffer
	if err := NewContractWriter(&b, Standard, false).Flush(); err != nil {
		t.Fatal(err)
	}
	if b.String() != header {
		t.Errorf("header =\n%q\nwant\n%q", b.String(), header)
	}
	if len(ContractColumns) != strings.Count(header, ",")+1 {
		t.Errorf("%d columns, header has %d", len(ContractColumns), strings.Count(header, ",")+1)
	}
	for _, c := range ContractColumns {
		if c.Description == "" || strings.Contains(c.Description, "\n") {
			t.Errorf("column %s: description must be one non-empty line", c.Name)
		}
	}
}

func TestFullRow(t *testing.T) {
	tests := []struct {
		dialect Dialect
		want    string
	}{
		{Standard, header +
			`stadtwerke-enneo,enneo,retail,746839,C-1,"Müller, Anna",Ökostrom Plus – Müller,active,electricity,Ökostrom Plus,OEKO+,` +
			`2022-09-01T00:00:00Z,,2022-08-22T10:30:15Z,149.88,28.5,0.19,3477,1ESY1160000001,Netze BW,2026-02-27T00:50:37Z,,EUR,,,,,,,,,,,,,,,,,,` + "\r\n"},
		{ExcelDE, "\ufeff" + strings.ReplaceAll(header, ",", ";") +
			`stadtwerke-enneo;enneo;retail;746839;C-1;Müller, Anna;Ökostrom Plus – Müller;active;electricity;Ökostrom Plus;OEKO+;` +
			`2022-09-01T00:00:00Z;;2022-08-22T10:30:15Z;149,88;28,5;0,19;3477;1ESY1160000001;Netze BW;2026-02-27T00:50:37Z;;EUR;;;;;;;;;;;;;;;;;;` + "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.dialect.Name, func(t *testing.T) {
			var b bytes.Buffer
			w := NewContractWriter(&b, tt.dialect, false)
			if err := w.Write(fullContract()); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		name           string
		prices         app.Prices
		base, working  string // in Standard
		baseDE, workDE string // in ExcelDE
	}{
		{"negative spot price", app.Prices{WorkingPerKWh: dec("-0.05")}, "", "-5", "", "-5"},
		{"sub-cent", app.Prices{WorkingPerKWh: dec("0.123456"), BasePerYear: dec("1234567.5")}, "1234567.5", "12.3456", "1234567,5", "12,3456"},
		{"no currency means EUR", app.Prices{BasePerYear: dec("-12")}, "-12", "", "-12", ""},
		{"other currency left out", app.Prices{Currency: "CHF", BasePerYear: dec("100"), WorkingPerKWh: dec("0.2")}, "", "", "", ""},
		{"cents beyond a Decimal", app.Prices{WorkingPerKWh: dec("-9223372036854.775808")}, "", "-922337203685477.5808", "", "-922337203685477,5808"},
		{"whole cents beyond a Decimal", app.Prices{WorkingPerKWh: dec("100000000000")}, "", "10000000000000", "", "10000000000000"},
	}
	for _, tt := range tests {
		for _, d := range []Dialect{Standard, ExcelDE} {
			rec := roundTrip(t, d, app.Contract{Prices: tt.prices})
			base, work := tt.base, tt.working
			if d.DecimalComma {
				base, work = tt.baseDE, tt.workDE
			}
			if got := [2]string{rec[col("base_price_eur_per_year")], rec[col("working_price_ct_per_kwh")]}; got != [2]string{base, work} {
				t.Errorf("%s/%s: base, working = %q, want %q, %q", tt.name, d.Name, got, base, work)
			}
		}
	}
}

func TestNilAndZeroFieldsAreEmpty(t *testing.T) {
	for _, d := range Dialects {
		rec := roundTrip(t, d, app.Contract{})
		for i, v := range rec {
			if v != "" {
				t.Errorf("%s: column %s = %q, want empty", d.Name, ContractColumns[i].Name, v)
			}
		}
	}
}

func TestFormulaInjection(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		// encoding/csv with UseCRLF writes line ends as CRLF and drops a lone
		// CR, so the guard's quote is what is left to see.
		{"\r=1", "'=1"},
		{"\n=1", "'\n=1"}, // written as CRLF, read back as LF
		{"a=1", "a=1"},
		{" =1", "' =1"},
		{"  @x", "'  @x"},
		{" a", " a"},
		{"'quoted", "'quoted"},
		{"", ""},
	}
	for _, tt := range tests {
		c := app.Contract{Source: tt.in, ExternalID: tt.in, Customer: app.Customer{ExternalID: tt.in, Name: tt.in},
			Name: tt.in, Status: tt.in, Product: app.Product{Name: tt.in, Code: tt.in}, MeterID: tt.in,
			Parties: app.Parties{GridOperator: tt.in, Supplier: tt.in, SupplierCode: tt.in, Buyer: tt.in, BuyerCode: tt.in},
			Vendor:  app.Vendor(tt.in), Kind: app.Kind(tt.in), Commodity: app.Commodity(tt.in)}
		c.Customer.AccountName = tt.in
		c.Prices.Currency = tt.in
		c.PPA = &app.PPATerms{PPAType: tt.in, Period: tt.in, DeliveryProfile: tt.in, AssetName: tt.in, Technology: tt.in}
		c.Partner = &app.PartnerTerms{ContractType: tt.in}
		for _, d := range Dialects {
			rec := roundTrip(t, d, c)
			for i, col := range ContractColumns {
				if col.Value(&c).kind != cellText {
					continue
				}
				if rec[i] != tt.want {
					t.Errorf("%s: %s(%q) = %q, want %q", d.Name, col.Name, tt.in, rec[i], tt.want)
				}
			}
		}
	}
}

func TestQuoting(t *testing.T) {
	tests := []struct{ in, want string }{
		{`say "hi"`, `say "hi"`},
		{"a,b", "a,b"},
		{"a;b", "a;b"},
		{"line1\nline2", "line1\nline2"},
		{"line1\r\nline2", "line1\nline2"}, // the reader folds CRLF inside quotes to LF
		{" leading space", " leading space"},
		{"Ärger ß €", "Ärger ß €"},
	}
	for _, tt := range tests {
		for _, d := range Dialects {
			rec := roundTrip(t, d, app.Contract{Name: tt.in, Customer: app.Customer{Name: tt.in}})
			if rec[col("name")] != tt.want || rec[col("customer_name")] != tt.want {
				t.Errorf("%s: %q read back as %q", d.Name, tt.in, rec[col("name")])
			}
		}
	}
}

// roundTrip writes c and reads the file back with encoding/csv, checking
// the header, and returns the one data record.
func roundTrip(t *testing.T, d Dialect, c app.Contract) []string {
	t.Helper()
	var b bytes.Buffer
	w := NewContractWriter(&b, d, false)
	if err := w.Write(c); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	data := b.String()
	if bom := strings.HasPrefix(data, "\ufeff"); bom != d.BOM {
		t.Fatalf("%s: BOM = %v, want %v", d.Name, bom, d.BOM)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, "\ufeff")))
	r.Comma = d.Comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: reading back %q: %v", d.Name, data, err)
	}
	if len(recs) != 2 || strings.Join(recs[0], ",")+"\r\n" != header {
		t.Fatalf("%s: read back %q", d.Name, recs)
	}
	return recs[1]
}

func col(name string) int {
	for i, c := range ContractColumns {
		if c.Name == name {
			return i
		}
	}
	panic("no column " + name)
}

func TestDialectByName(t *testing.T) {
	for _, d := range Dialects {
		if got, err := DialectByName(d.Name); err != nil || got != d {
			t.Errorf("DialectByName(%q) = %v, %v", d.Name, got, err)
		}
	}
	if _, err := DialectByName("excel"); err == nil || err.Error() != `export: unknown CSV dialect "excel"; want one of standard, excel-de` {
		t.Errorf("DialectByName(excel) error = %v", err)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	// A failing BOM write is reported by Write and again by Flush.
	w := NewContractWriter(&failWriter{}, ExcelDE, false)
	if err := w.Write(fullContract()); err == nil || err.Error() != "disk full" {
		t.Errorf("Write = %v, want disk full", err)
	}
	if err := w.Flush(); err == nil {
		t.Error("Flush after a failed write succeeded")
	}
	// Past the BOM, the error surfaces when the buffer is flushed.
	w = NewContractWriter(&failWriter{n: 3}, ExcelDE, false)
	if err := w.Write(fullContract()); err != nil {
		t.Fatalf("buffered Write = %v", err)
	}
	if err := w.Flush(); err == nil || err.Error() != "disk full" {
		t.Errorf("Flush = %v, want disk full", err)
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// 100,000 rows stream through without the writer holding on to them: the
// heap does not grow with the row count.
func TestStreaming(t *testing.T) {
	const rows = 100_000
	c := fullContract()
	var out countWriter
	w := NewContractWriter(&out, ExcelDE, false)
	before := liveHeap()
	for i := range rows {
		c.ExternalID = string(rune('A' + i%26))
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	after := liveHeap()
	if out.n < rows*150 {
		t.Errorf("wrote %d bytes for %d rows", out.n, rows)
	}
	if grown := int64(after) - int64(before); grown > 1<<20 {
		t.Errorf("live heap grew by %d bytes over %d rows", grown, rows)
	}
	discard := NewContractWriter(io.Discard, Standard, false)
	for range rows {
		if err := discard.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := discard.Flush(); err != nil {
		t.Fatal(err)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	return s.HeapAlloc
}

func BenchmarkContractWriter(b *testing.B) {
	for _, d := range Dialects {
		b.Run(d.Name, func(b *testing.B) {
			c := fullContract()
			w := NewContractWriter(io.Discard, d, false)
			b.ReportAllocs()
			for b.Loop() {
				if err := w.Write(c); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// The columns added for the prosumer, otark and Podero kinds carry exact
// values for each kind and stay empty where a kind has no such term.
func TestKindColumns(t *testing.T) {
	from := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	flexC := app.Contract{
		Vendor: app.VendorProsumer, Kind: app.KindFlexibility, ExternalID: "F-1",
		Customer: app.Customer{ExternalID: "C-9", AccountID: 3, AccountName: "Hof Sonnenschein"},
		Prices:   app.Prices{Currency: "EUR"},
		Flexibility: &app.FlexibilityTerms{AssetName: "Wärmepumpe 1", ReservationFee: dec("5.10"),
			ActivationFeeWorkdays: dec("6.1"), ActivationFeeNonWorkdays: dec("7.10"), MaxPowerPerActivation: dec("11.5")},
	}
	ppaC := app.Contract{
		Vendor: app.VendorOtark, Kind: app.KindPPA, ExternalID: "PPA-1",
		Prices:  app.Prices{Currency: "EUR"},
		Parties: app.Parties{Supplier: "Solarpark Nord GmbH", SupplierCode: "11XSOLARNORD--1", Buyer: "-Musterwerke", BuyerCode: "11XMUSTER-----2"},
		PPA: &app.PPATerms{PPAType: "indexed", Period: "Q1-2026", DeliveryProfile: "ENWEX Solar 2026", AssetName: "Solarpark Nord",
			Technology: "solar", NominalPowerMW: dec("25.5")},
	}
	partnerC := app.Contract{
		Vendor: app.VendorPodero, Kind: app.KindPartner, ExternalID: "POD-1",
		Prices: app.Prices{Currency: "EUR"},
		Partner: &app.PartnerTerms{ContractType: "spot_hourly", IncludesExternalComponents: app.Ptr(false),
			Prices: []app.PricePoint{{From: from, PerKWh: app.MustDecimal("0.1235")}, {From: from.Add(time.Hour), PerKWh: app.MustDecimal("-0.01")}}},
	}
	partnerUnknown := partnerC
	partnerUnknown.Partner = &app.PartnerTerms{ContractType: "", Prices: nil}
	cols := []string{"account", "currency", "seller", "seller_eic", "buyer", "buyer_eic",
		"flex_reservation_fee", "flex_activation_fee_workdays", "flex_activation_fee_non_workdays", "flex_max_power_kw",
		"ppa_type", "ppa_period", "ppa_delivery_profile", "asset_name", "asset_technology", "asset_nominal_power_mw",
		"partner_contract_type", "partner_price_includes_external_components", "partner_price_points"}
	tests := []struct {
		name string
		c    app.Contract
		d    Dialect
		want []string
	}{
		{"flexibility", flexC, Standard, []string{"Hof Sonnenschein", "EUR", "", "", "", "", "5.1", "6.1", "7.1", "11.5", "", "", "", "Wärmepumpe 1", "", "", "", "", ""}},
		{"flexibility excel-de", flexC, ExcelDE, []string{"Hof Sonnenschein", "EUR", "", "", "", "", "5,1", "6,1", "7,1", "11,5", "", "", "", "Wärmepumpe 1", "", "", "", "", ""}},
		{"ppa", ppaC, Standard, []string{"", "EUR", "Solarpark Nord GmbH", "11XSOLARNORD--1", "'-Musterwerke", "11XMUSTER-----2", "", "", "", "", "indexed", "Q1-2026", "ENWEX Solar 2026", "Solarpark Nord", "solar", "25.5", "", "", ""}},
		{"partner", partnerC, Standard, []string{"", "EUR", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "spot_hourly", "false", "2"}},
		{"partner unknown", partnerUnknown, Standard, []string{"", "EUR", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := roundTrip(t, tt.d, tt.c)
			for i, name := range cols {
				if got := rec[col(name)]; got != tt.want[i] {
					t.Errorf("%s = %q, want %q", name, got, tt.want[i])
				}
			}
		})
	}
	yes := partnerC
	yes.Partner = &app.PartnerTerms{IncludesExternalComponents: app.Ptr(true)}
	if got := roundTrip(t, Standard, yes)[col("partner_price_includes_external_components")]; got != "true" {
		t.Errorf("includes external components = %q, want true", got)
	}
}

// ContractWriter appends the contract columns by hand: it writes what the
// generic writer writes from ContractColumns, byte for byte, for contracts
// of every kind, with terms and without, in every dialect, with and
// without the personal columns. A column added to ContractColumns and not
// to the hand-written row fails here.
func TestContractWriterMatchesColumns(t *testing.T) {
	full := fullContract()
	huge := fullContract()
	huge.Prices.WorkingPerKWh = app.Ptr(app.Decimal(1 << 62)) // ct beyond a Decimal: spelled out
	usd := fullContract()
	usd.Prices.Currency = "USD" // EUR columns left empty
	removed := fullContract()
	removed.RemovedAt, removed.ValidTo = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	removed.Raw = []byte(`{"email":"anna@example.org","phone":"+49 711 123456","iban":"DE89370400440532013000"}`)
	flexOnly := app.Contract{Kind: app.KindFlexibility, Flexibility: &app.FlexibilityTerms{AssetName: "=Wärmepumpe", ReservationFee: dec("-5.1"),
		MaxPowerPerActivation: dec("11.5")}}
	both := app.Contract{Kind: app.KindPPA, Flexibility: &app.FlexibilityTerms{AssetName: "flex asset"},
		PPA: &app.PPATerms{PPAType: "fixed", Period: "Q1-2026", DeliveryProfile: " =1+1", Technology: "wind", NominalPowerMW: dec("25.5")}}
	ppaNoAsset := both
	ppaNoAsset.Flexibility = nil
	partner := func(inc *bool, n int) app.Contract {
		return app.Contract{Kind: app.KindPartner, Partner: &app.PartnerTerms{ContractType: "spot_hourly", IncludesExternalComponents: inc,
			Prices: make([]app.PricePoint, n)}}
	}
	quoting := app.Contract{Source: "a;b", Name: "say \"hi\"\r\nnext", Status: " lead", Customer: app.Customer{Name: `\.`, AccountName: "-12,5"},
		Parties: app.Parties{Buyer: "@SUM(A1)", SupplierCode: "x\ty"}}
	contracts := []app.Contract{{}, full, huge, usd, removed, flexOnly, both, ppaNoAsset,
		partner(nil, 0), partner(app.Ptr(true), 1), partner(app.Ptr(false), 96), quoting}
	for _, d := range fuzzDialects {
		for _, personal := range []bool{false, true} {
			var got, want bytes.Buffer
			cols := ContractColumns
			if personal {
				cols = append(slices.Clip(ContractColumns), PersonalColumns()...)
			}
			cw, gw := NewContractWriter(&got, d, personal), NewWriter(&want, d, cols)
			for _, c := range contracts {
				if err := cw.Write(c); err != nil {
					t.Fatal(err)
				}
				if err := gw.Write(&c); err != nil {
					t.Fatal(err)
				}
			}
			if err := errors.Join(cw.Flush(), gw.Flush()); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s, personal %t: ContractWriter wrote\n%q\nthe columns\n%q", d.Name, personal, got.Bytes(), want.Bytes())
			}
		}
	}
}
