package offerfile

import (
	"errors"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/app/tariff"
)

func d(s string) app.Decimal { return app.MustDecimal(s) }

// berlin is the midnight starting day in Europe/Berlin, in UTC.
func berlin(y int, m time.Month, day int) time.Time {
	return time.Date(y, m, day, 0, 0, 0, 0, app.DefaultZone()).UTC()
}

func TestParseExampleFile(t *testing.T) {
	data, err := os.ReadFile("../../offers.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	offers, err := Parse("offers.example.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	models := map[tariff.Model]bool{}
	for _, o := range offers {
		models[o.Tariff.Model] = true
	}
	for _, m := range tariff.Models {
		if !models[m] {
			t.Errorf("no example of model %s", m)
		}
	}
	household := offers[0]
	want := offer.Offer{
		Name: "Stadtwerk Fix 12", Supplier: "Stadtwerke Musterstadt GmbH", Commodity: app.CommodityElectricity,
		ValidFrom: berlin(2026, 11, 1), ValidTo: berlin(2027, 7, 1),
		Notes: "Portal price for PLZ 12345 at 3,500 kWh/year.",
		Tariff: tariff.Tariff{
			Name: "Stadtwerk Fix 12", Supplier: "Stadtwerke Musterstadt GmbH", Commodity: app.CommodityElectricity,
			Model: tariff.Fixed, Currency: "EUR", Gross: true, VATRate: d("0.19"),
			BasePerYear: d("119.4"), WorkingPerKWh: d("0.279"),
			Bonuses:   []tariff.Bonus{{Kind: tariff.InstantBonus, Amount: d("50")}, {Kind: tariff.NewCustomerBonus, Amount: d("75")}},
			Guarantee: tariff.Guarantee{Months: 12, Scope: tariff.GuaranteeFull}, MinTermMonths: 12,
			Notice: tariff.Notice{N: 1, Unit: "month"},
		},
	}
	if !reflect.DeepEqual(household, want) {
		t.Errorf("household offer:\n got %+v\nwant %+v", household, want)
	}
	business := offers[1].Tariff
	if business.Gross || business.Charges != (tariff.Charges{
		GridPerKWh: d("0.075"), GridBasePerYear: d("95.2"), LeviesPerKWh: d("0.012"),
		ElectricityTaxPerKWh: d("0.0205"), ConcessionPerKWh: d("0.0011"),
	}) {
		t.Errorf("business charges %+v", business.Charges)
	}
	tou := offers[2].Tariff.Zones
	if len(tou) != 1 || tou[0].From != 6*60 || tou[0].To != 22*60 || len(tou[0].Weekdays) != 6 || tou[0].Weekdays[0] != time.Monday || tou[0].PerKWh != d("0.2987") {
		t.Errorf("HT zone %+v", tou)
	}
}

// Numbers are read from their text: a float64 would make 0.1 + 0.2 style
// errors invisible here, but 1.0000001 would not round-trip, and 27.9 must
// not become 27.899999999999998.
func TestNumbersAreExact(t *testing.T) {
	for _, tc := range []struct {
		lit  string
		want string // EUR per kWh
	}{
		{"27.9", "0.279"}, {`"27.9"`, "0.279"}, {"1_027.5", "10.275"}, {"30", "0.3"},
		{"2.9e1", "0.29"}, {"0.0001", "0.000001"}, {"+12.3456", "0.123456"}, {`"17.10"`, "0.171"},
	} {
		text := "[[offer]]\nname = \"x\"\nsupplier = \"y\"\nmodel = \"fixed\"\ngross = true\nworking_price_ct_per_kwh = " + tc.lit + "\n"
		offers, err := Parse("o.toml", []byte(text))
		if err != nil {
			t.Errorf("%s: %v", tc.lit, err)
			continue
		}
		if got := offers[0].Tariff.WorkingPerKWh; got != d(tc.want) {
			t.Errorf("%s: %s, want %s", tc.lit, got, tc.want)
		}
	}
	// Numbers inside inline tables and arrays of inline tables are found too.
	text := `offer = [{ name = "x", supplier = "y", model = "tou", gross = false, working_price_ct_per_kwh = 20.05,
  zone = [{ from = "22:00", to = "06:00", ct_per_kwh = 18.1234 }, { months = [7, 8], ct_per_kwh = 0.5 }],
  charges = { grid_ct_per_kwh = 7.35 } }]`
	offers, err := Parse("o.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tf := offers[0].Tariff
	if tf.WorkingPerKWh != d("0.2005") || tf.Zones[0].PerKWh != d("0.181234") || tf.Zones[1].PerKWh != d("0.005") || tf.Charges.GridPerKWh != d("0.0735") {
		t.Errorf("inline numbers: %s %+v %s", tf.WorkingPerKWh, tf.Zones, tf.Charges.GridPerKWh)
	}
	if tf.Zones[0].From != 22*60 || tf.Zones[0].To != 6*60 || !reflect.DeepEqual(tf.Zones[1].Months, []time.Month{7, 8}) {
		t.Errorf("inline zones %+v", tf.Zones)
	}
}

// A file with many mistakes reports each of them once, on its line, and
// returns no offers.
func TestParseReportsEveryMistakeByLine(t *testing.T) {
	text := `# offers
[[offer]]
name = "Stadtwerk Fix 12"
supplier = "Stadtwerke"
model = "fixed"
gross = true
working_price_ct_per_kwh = "abc"
base_price_eur_per_year = -5
colour = "blue"
guarantee = { months = 12, scope = "forever" }

[[offer.zone]]
from = "25:00"
ct_per_kwh = 30

[[offer]]
name = "stadtwerk fix 12"
supplier = "X"
model = "tou"
gross = "yes"
vat_percent = 119
notice = "one month"
working_price_ct_per_kwh = 27.12345

[[offer.bonus]]
kind = "cash"
amount_eur = 0

[[offer]]
supplier = "Y"
model = "heatpump"
valid_from = 2026-05-01
valid_to = 2026-04-01
extra = 1
`
	_, err := Parse("offers.toml", []byte(text))
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`offers.toml:7: offer "Stadtwerk Fix 12": working_price_ct_per_kwh: must be a decimal number`,
		`offers.toml:8: offer "Stadtwerk Fix 12": base_price_eur_per_year: must not be negative`,
		`offers.toml:9: offer "Stadtwerk Fix 12": colour: unknown key; an offer has name, supplier,`,
		`offers.toml:10: offer "Stadtwerk Fix 12": guarantee.scope: must be full, limited or energy`,
		`offers.toml:12: offer "Stadtwerk Fix 12": zone: only a time-of-use tariff (model tou) has zones`,
		`offers.toml:13: offer "Stadtwerk Fix 12": zone[0].from: must be HH:MM, like "22:00", not "25:00"`,
		`offers.toml:16: offer "stadtwerk fix 12": zone: a time-of-use tariff needs at least one zone`,
		`offers.toml:17: offer "stadtwerk fix 12": name: duplicate name: the offer on line 3 already uses it (as "Stadtwerk Fix 12")`,
		`offers.toml:20: offer "stadtwerk fix 12": gross: must be true or false, not a string`,
		`offers.toml:21: offer "stadtwerk fix 12": vat_percent: must be between 0 and 100`,
		`offers.toml:22: offer "stadtwerk fix 12": notice: "one month" is not a notice period`,
		`offers.toml:23: offer "stadtwerk fix 12": working_price_ct_per_kwh: has more than 4 decimal places`,
		`offers.toml:26: offer "stadtwerk fix 12": bonus[0].kind: must be instant or new_customer`,
		`offers.toml:27: offer "stadtwerk fix 12": bonus[0].amount_eur: must be more than 0`,
		`offers.toml:29: offer #3: name: is required`,
		`offers.toml:29: offer #3: gross: is required`,
		`offers.toml:31: offer #3: model: must be one of fixed, tou, dynamic,`,
		`offers.toml:33: offer #3: valid_to: is before valid_from`,
		`offers.toml:34: offer #3: extra: unknown key`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Errorf("%d errors, want %d:\n%s", len(lines), len(want), err)
	}
	for i := range min(len(lines), len(want)) {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("error %d:\n got %s\nwant %s...", i, lines[i], want[i])
		}
	}
	var pe *Error
	if !errors.As(err, &pe) || pe.Line != 7 || pe.Key != "working_price_ct_per_kwh" || pe.Offer != `offer "Stadtwerk Fix 12"` {
		t.Errorf("first error as *Error: %+v", pe)
	}
}

func TestParseShapes(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"syntax", "[[offer]]\nname = \n", "o.toml:2: TOML syntax:"},
		{"top-level key", "currency = \"EUR\"\n", "o.toml:1: currency: unknown key; each offer is an [[offer]] table"},
		{"offer not a list", "offer = 3\n", "o.toml:1: offer: must be a list of [[offer]] tables, not an integer"},
		{"zones not tables", "[[offer]]\nname = \"a\"\nsupplier = \"b\"\nmodel = \"tou\"\ngross = true\nzone = [1]\n", `o.toml:6: offer "a": zone: must be a list of [[offer.zone]] tables, not a list`},
		{"date with time", "[[offer]]\nname = \"a\"\nsupplier = \"b\"\nmodel = \"fixed\"\ngross = true\nworking_price_ct_per_kwh = 1\nvalid_from = 2026-01-01T10:00:00Z\n", `o.toml:7: offer "a": valid_from: must be a date like 2026-03-31, without a time`},
		{"weekday", "[[offer]]\nname = \"a\"\nsupplier = \"b\"\nmodel = \"tou\"\ngross = true\n[[offer.zone]]\nweekdays = [\"mo\"]\nct_per_kwh = 1\n", `o.toml:7: offer "a": zone[0].weekdays: entry 1: must be one of mon,`},
		{"ppa missing", "[[offer]]\nname = \"a\"\nsupplier = \"b\"\nmodel = \"ppa\"\ngross = false\n", `o.toml:1: offer "a": ppa: a PPA needs its ppa terms`},
		{"ppa unknown key", "[[offer]]\nname = \"a\"\nsupplier = \"b\"\nmodel = \"ppa\"\ngross = false\n[offer.ppa]\nkind = \"baseload\"\nbaseload_kw = 100\nprice_ct_per_kwh = 8\nfloor = 2\n", `o.toml:10: offer "a": ppa.floor: unknown key; ppa has kind,`},
	} {
		_, err := Parse("o.toml", []byte(tc.text))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant %s...", tc.name, err, tc.want)
		}
	}
}

// checkScan holds the scanner to the TOML library: every float the library
// decodes, the scanner finds at the same path, with the same value.
func checkScan(t *testing.T, data []byte) {
	text := strings.TrimPrefix(string(data), "\ufeff")
	var doc map[string]any
	if _, err := toml.Decode(text, &doc); err != nil {
		return
	}
	ix := scan(text)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(join(path, k), e)
			}
		case []map[string]any:
			for i, e := range v {
				walk(join(path, strconv.Itoa(i)), e)
			}
		case []any:
			for i, e := range v {
				walk(join(path, strconv.Itoa(i)), e)
			}
		case float64:
			raw, ok := ix.raw[path]
			if !ok {
				t.Fatalf("float %v at %q not found by the scanner", v, strings.ReplaceAll(path, pathSep, "."))
			}
			if math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) > 1e12 {
				return
			}
			d, err := app.ParseDecimal(strings.ReplaceAll(raw, "_", ""))
			if err != nil {
				t.Fatalf("float %v at %q: scanner read %q: %v", v, strings.ReplaceAll(path, pathSep, "."), raw, err)
			}
			if got := float64(d) / app.DecimalScale; math.Abs(got-v) > 1e-6+1e-9*math.Abs(v) {
				t.Fatalf("float %v at %q: scanner read %q", v, strings.ReplaceAll(path, pathSep, "."), raw)
			}
		}
	}
	walk("", doc)
}

func FuzzParseOffers(f *testing.F) {
	data, err := os.ReadFile("../../offers.example.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, block := range strings.SplitAfter(string(data), "\n[[offer]]") {
		f.Add([]byte("[[offer]]" + block))
	}
	f.Add([]byte("[[offer]]\nname = \"B\"\nsupplier = \"S\"\nmodel = \"tou\"\ngross = true\nworking_price_ct_per_kwh = 20\n[[offer.zone]]\nname = \"N\\u0007\"\nfrom = \"22:00\"\nto = \"06:00\"\nct_per_kwh = 20\n"))
	f.Add([]byte("offer = [{ name = \"x\", supplier = \"y\", model = \"fixed\", gross = true, working_price_ct_per_kwh = 1e1 }]"))
	f.Add([]byte("[[offer]]\nname = '''a\nb'''\n[[offer.zone]]\nct_per_kwh = [1.5, { a = 2 }]\n"))
	f.Add([]byte("a = 1.5\n\"b.c\" = { d = [2.5e3, [ -0.1 ]], 'e' . f = 1_0.0_1 }\n[[g . h]]\ni = \"\"\"x\n= 9.9\"\"\" # 8.8\nj = 7e-1\n[[g.h]]\nj = 2026-01-01 07:00:00\nk = -3.0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkScan(t, data)
		offers, err := Parse("f.toml", data)
		if err != nil {
			// Every problem is an *Error with its line.
			for _, e := range unjoin(err) {
				var oe *Error
				if !errors.As(e, &oe) || oe.Line < 0 || oe.Msg.IsZero() {
					t.Fatalf("problem %v (%T) is not an *Error with a line", e, e)
				}
			}
			return
		}
		for _, o := range offers {
			if errs := o.Validate(); len(errs) > 0 {
				t.Errorf("offer %q parsed but does not validate: %v", o.Name, errs)
			}
			termsRoundTrip(t, TermsOf(o.Tariff), o.Tariff.Model, o.Commodity)
		}
	})
}
