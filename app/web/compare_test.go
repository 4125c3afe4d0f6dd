package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/series"
	"wattfolio/app/tariff"
	"wattfolio/db"
	"wattfolio/frontend/views"
)

// offerList is the stored offers, as the offers branch will list them.
type offerList []compare.Alternative

func (l offerList) Alternatives(context.Context) ([]compare.Alternative, error) { return l, nil }

func decv(s string) app.Decimal { return app.MustDecimal(s) }

var testOffers = offerList{
	{ID: 7, Name: "Gewerbe Spar", Tariff: tariff.Tariff{Model: tariff.Fixed, VATRate: decv("0.19"), WorkingPerKWh: decv("0.18"), BasePerYear: decv("120")}},
	{ID: 8, Name: "Haushalt Öko", Tariff: tariff.Tariff{Model: tariff.Fixed, VATRate: decv("0.19"), WorkingPerKWh: decv("0.30"), BasePerYear: decv("120"),
		Guarantee: tariff.Guarantee{Months: 12, Scope: tariff.GuaranteeFull}, MinTermMonths: 12, Notice: tariff.Notice{N: 4, Unit: "week"}}},
}

// bakeryShop is a real cache with the customer of the compare tests:
// "Bäckerei Schmidt GmbH" has an enneo contract at a fixed price (240 €
// a year, 20 ct/kWh, 20,000 kWh a year) and an epilot contract whose meter
// has a quarter hour of 0.5 kWh at 5 ct spot plus 1 ct source fee, 2 ct
// margin, 7 ct grid fee and 3 ct levies in every slot from `from` for
// `days` local days. A second customer, "Autohaus Schulz", has an enneo
// contract of its own.
func bakeryShop(t testing.TB, from time.Time, days int) (*db.Store, map[string]int64, map[string]app.Account) {
	t.Helper()
	ctx := context.Background()
	s := openStore(t)
	run := map[string]int64{}
	save := func(source string, v app.Vendor, cs ...app.Contract) {
		if err := s.EnsureSource(ctx, source, v, "http://127.0.0.1/"+source); err != nil {
			t.Fatal(err)
		}
		r, err := s.BeginRun(ctx, source)
		if err != nil {
			t.Fatal(err)
		}
		run[source] = r
		for i := range cs {
			c := &cs[i]
			c.Source, c.Vendor, c.Kind, c.Commodity, c.Status = source, v, app.KindRetail, app.CommodityElectricity, "active"
			c.ValidFrom, c.FetchedAt, c.Raw = utcDay(2025, 1, 1), fetched, []byte(`{}`)
		}
		if err := s.SavePage(ctx, r, source, "contracts", cs, nil, "done"); err != nil {
			t.Fatal(err)
		}
	}
	save("stadtwerk", app.VendorEnneo,
		app.Contract{ExternalID: "746839", Name: "Gewerbe Fix",
			Customer:             app.Customer{ExternalID: "C-1", Name: "Bäckerei Schmidt GmbH"},
			Prices:               app.Prices{Currency: "EUR", BasePerYear: dec("240"), WorkingPerKWh: dec("0.20"), VATRate: dec("0.19")},
			AnnualConsumptionKWh: dec("20000")},
		app.Contract{ExternalID: "746900", Name: "Autohaus Strom",
			Customer: app.Customer{ExternalID: "C-2", Name: "Autohaus Schulz"},
			Prices:   app.Prices{Currency: "EUR", BasePerYear: dec("180"), WorkingPerKWh: dec("0.25"), VATRate: dec("0.19")}})
	save("portal", app.VendorEpilot, app.Contract{ExternalID: "ep-1", Name: "Strom Dynamisch <b>",
		Customer: app.Customer{ExternalID: "portal", Name: "Bäckerei Schmidt GmbH"}, Prices: app.Prices{Currency: "EUR"}})
	if err := s.SaveMeters(ctx, "portal", []series.Meter{{ExternalID: "m1", ContractExternalID: "ep-1", Number: "1EMH0004711000",
		Unit: "kWh", Intervals: []series.Interval{series.PT15M}, Zone: app.DefaultZoneName}}); err != nil {
		t.Fatal(err)
	}
	use := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M}
	price := series.Batch{Meter: "m1", Measure: series.Price, Interval: series.PT15M, Currency: "EUR"}
	l := from.In(berlinLoc)
	end := time.Date(l.Year(), l.Month(), l.Day()+days, 0, 0, 0, 0, berlinLoc)
	parts := &series.Parts{Auction: dec("0.05"), GridFee: dec("0.07"), TaxesLevies: dec("0.03"), Margin: dec("0.02"), SourceFee: dec("0.01")}
	for ts := from; ts.Before(end); ts = ts.Add(15 * time.Minute) {
		use.Readings = append(use.Readings, series.Reading{TS: ts.Unix(), Value: decv("0.5")})
		price.Readings = append(price.Readings, series.Reading{TS: ts.Unix(), Value: decv("0.18"), Tax: series.Tax{Set: true, Rate: 19}, Parts: parts})
	}
	if err := s.SaveReadings(ctx, run["portal"], "portal", use, price); err != nil {
		t.Fatal(err)
	}
	for _, r := range run {
		if err := s.FinishRun(ctx, r, app.RunOK, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ReplaceAccounts(ctx, []app.Account{
		{Name: "Bäckerei Schmidt GmbH", Links: []app.AccountLink{{Source: "stadtwerk", ExternalID: "C-1"}, {Source: "portal", ExternalID: "portal"}}},
		{Name: "Autohaus Schulz", Links: []app.AccountLink{{Source: "stadtwerk", ExternalID: "C-2"}}},
	}); err != nil {
		t.Fatal(err)
	}
	accts, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]app.Account{}
	for _, a := range accts {
		byName[a.Name] = a
	}
	ids := map[string]int64{}
	err = s.EachContract(ctx, app.ContractFilter{}, func(c app.Contract) error {
		ids[c.Name] = c.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, ids, byName
}

func compareHandler(s *db.Store) http.Handler {
	o := testOptions(s)
	german(&o) // the figures are asserted in German, with ?lang=en beside
	o.Accounts, o.Meters, o.Compare, o.Offers = s, s, s, testOffers
	return New(o)
}

// june is the bakery's June 2026, metered in full: 30 days × 96 × 0.5 kWh.
func june(t testing.TB) (http.Handler, map[string]int64, map[string]app.Account) {
	s, ids, accts := bakeryShop(t, utcDay(2026, 6, 1), 30)
	return compareHandler(s), ids, accts
}

func key(kind string, id int64) string { return kind + strconv.FormatInt(id, 10) }

// The figures of June, by hand, on 1,440 kWh:
//   - Gewerbe Fix: 288.00 + 240 × 30/365 = 19.7260 → net 307.7260, VAT 58.4679, gross 366.19;
//   - Strom Dynamisch: (0.05 + 0.03) × 1440 = 115.20, grid 100.80, levies 43.20 → 259.20 net, gross 308.45;
//   - Gewerbe Spar: 259.20 + 120 × 30/365 = 9.8630 → 269.0630 net, gross 320.18.
//
// Savings against Gewerbe Fix: 57.74 (15.77 %) and 46.01 (12.56 %).
func TestComparePageFigures(t *testing.T) {
	h, ids, accts := june(t)
	base := "/customers/" + views.ID(accts["Bäckerei Schmidt GmbH"].ID) + "/compare?o=" + key("c", ids["Gewerbe Fix"]) +
		"&o=" + key("c", ids["Strom Dynamisch <b>"]) + "&o=o7&from=2026-06&to=2026-06"
	body := mustGet(t, h, base)
	txt := text(body)
	for _, want := range []string{"366,19", "308,45", "320,18", "57,74", "15,77", "46,01", "12,56", "307,73", "58,47",
		"1.440", "100,80", "43,20", "01.06.2026 – 30.06.2026", "gemessen", "Spotpreise aus dem Auktionspreisanteil von portal, 01.06.2026 bis 30.06.2026",
		"stadtwerk", "23.11.2026 10:00 CET", "Automatisch: gemessen"} {
		if !strings.Contains(txt, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if !strings.Contains(body, `<td class="num best">308,45`) || strings.Count(body, "★ günstigste") != 2 {
		t.Errorf("the cheapest is not marked on the dynamic contract's total")
	}
	if strings.Contains(body, "Dynamisch <b>") || !strings.Contains(body, "Strom Dynamisch &lt;b&gt;") {
		t.Errorf("vendor name not escaped")
	}
	// The chart has a bar per option and month, its value on hover.
	if !strings.Contains(body, "Strom Dynamisch &lt;b&gt; · Juni 2026: 308,45") {
		t.Errorf("the monthly chart lacks the dynamic contract's June bar")
	}
	// The offer's base price differs from the baseline's: highlighted.
	if !strings.Contains(body, `<td class="num diff">120,00`) {
		t.Errorf("differing base price not highlighted")
	}
	en := text(mustGet(t, h, base+"&lang=en"))
	for _, want := range []string{"366.19", "308.45", "57.74", "15.77", "1,440"} {
		if !strings.Contains(en, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
}

// A profile year of 3,500 kWh: the household offer costs 1,050 + 120 net,
// 1,392.30 gross; the epilot contract has no prices for the year and says so.
func TestComparePageProfileYear(t *testing.T) {
	h, ids, accts := june(t)
	u := "/customers/" + views.ID(accts["Bäckerei Schmidt GmbH"].ID) + "/compare?o=o8&o=" + key("c", ids["Strom Dynamisch <b>"]) +
		"&profile=H25&kwh=3500&from=2025-01&to=2025-12"
	de, en := text(mustGet(t, h, u)), text(mustGet(t, h, u+"&lang=en"))
	if !strings.Contains(de, "1.392,30") || !strings.Contains(en, "1,392.30") {
		t.Errorf("household offer's year not 1.392,30 / 1,392.30:\n%s", de)
	}
	if !strings.Contains(de, "Nicht berechnet") || !strings.Contains(de, "nicht bewertbar: Zähler ") || !strings.Contains(de, " hat keine Preise für den Zeitraum") || !strings.Contains(en, "cannot be priced: meter ") {
		t.Errorf("unpriced option without its reason")
	}
	if !strings.Contains(de, "Profil H25") || !strings.Contains(de, "12 Monate, vollständig") || !strings.Contains(en, "12 months, full") {
		t.Errorf("curve label or guarantee missing")
	}
}

// TestCompareAssumptionsGerman: the assumptions behind each figure are in
// the page's language, with dates and amounts written as the page writes
// them (the English page too; the command line keeps ISO dates).
func TestCompareAssumptionsGerman(t *testing.T) {
	h, ids, accts := june(t)
	base := "/customers/" + views.ID(accts["Bäckerei Schmidt GmbH"].ID) + "/compare?o=" + key("c", ids["Gewerbe Fix"]) +
		"&o=" + key("c", ids["Strom Dynamisch <b>"]) + "&o=o8&from=2026-06&to=2026-06"
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"de", []string{
			"Preise netto angegeben; 19 % MwSt. aufgeschlagen",
			"Jahresentgelte tageweise anteilig",
			"Spotpreise aus dem Auktionspreisanteil von portal, 01.06.2026 bis 30.06.2026",
			"Preisgarantie (full) bis ",
			"Jahr 2: dieselbe Lastkurve und dieselben Preise, ohne einmalige Boni",
		}},
		{"en", []string{
			"prices quoted net; 19 % VAT added",
			"yearly charges pro rata per day",
			"spot prices from portal's auction price component, 1 Jun 2026 to 30 Jun 2026",
			"price guarantee (full) until ",
			"year 2: the same curve and prices, without one-off bonuses",
		}},
	} {
		body := text(mustGet(t, h, base+"&lang="+tc.lang))
		_, notes, ok := strings.Cut(body, map[string]string{"de": "Annahmen", "en": "Assumptions"}[tc.lang])
		if !ok {
			t.Fatalf("%s: no assumptions on the page:\n%s", tc.lang, body)
		}
		for _, want := range tc.want {
			if !strings.Contains(notes, want) {
				t.Errorf("%s: assumptions lack %q:\n%s", tc.lang, want, notes)
			}
		}
		if tc.lang == "de" && strings.Contains(notes, "prices quoted") {
			t.Errorf("German page with English assumptions:\n%s", notes)
		}
	}
}

// Without a choice the page shows the current contracts and the offers.
func TestComparePageDefault(t *testing.T) {
	h, _, accts := june(t)
	body := text(mustGet(t, h, "/customers/"+views.ID(accts["Bäckerei Schmidt GmbH"].ID)+"/compare?from=2026-06&to=2026-06"))
	for _, want := range []string{"Gewerbe Fix", "Strom Dynamisch <b>", "Gewerbe Spar", "Haushalt Öko", "Autohaus Schulz – Autohaus Strom"} {
		if !strings.Contains(body, want) {
			t.Errorf("default comparison lacks %q", want)
		}
	}
}

func TestCompareErrors(t *testing.T) {
	h, ids, accts := june(t)
	p := "/customers/" + views.ID(accts["Bäckerei Schmidt GmbH"].ID) + "/compare"
	fix := key("c", ids["Gewerbe Fix"])
	for _, tc := range []struct {
		q      string
		status int
		want   string
	}{
		{"?o=" + fix + "&o=x12", 400, `"x12"`},
		{"?o=" + fix + "&o=" + key("c", ids["Autohaus Strom"]), 400, key("c", ids["Autohaus Strom"]) + `", which is not one of this customer's current electricity contracts`},
		{"?o=" + fix + "&o=o99", 400, `"o99", which is not a stored offer`},
		{"?o=" + fix + "&o=t99999", 400, `"t99999", which is not a contract in the cache`},
		{"?o=" + fix, 400, "needs 2 to 6 options; this address chooses 1"},
		{"?o=c1&o=c2&o=c3&o=c4&o=c5&o=c6&o=c7", 400, "needs 2 to 6 options; this address chooses 7"},
		{"?scale=500", 400, `"500" is not a whole percentage from -50 to +100`}, // beside the field, with the comparison
		// German by default, English when asked for.
		{"?o=" + fix + "&lang=de", 400, "Ein Vergleich braucht 2 bis 6 Optionen; diese Adresse wählt 1."},
		{"?o=" + fix + "&o=o99&lang=de", 400, `Der Parameter "o" hat den Wert "o99"; er ist kein gespeichertes Angebot.`},
	} {
		if !strings.Contains(tc.q, "lang=") {
			tc.q += "&lang=en"
		}
		res, body := get(t, h, p+tc.q)
		if res.StatusCode != tc.status || !strings.Contains(text(body), tc.want) {
			t.Errorf("%s: %d, want %d with %q\n%s", tc.q, res.StatusCode, tc.status, tc.want, text(body))
		}
	}
	if res, _ := get(t, h, "/customers/999/compare"); res.StatusCode != 404 {
		t.Errorf("unknown customer: %d", res.StatusCode)
	}
	// Another customer's contract as a template is fine.
	mustGet(t, h, p+"?o="+fix+"&o="+key("t", ids["Autohaus Strom"])+"&from=2026-06&to=2026-06")
}

func TestCompareCSVAndJSON(t *testing.T) {
	h, ids, accts := june(t)
	q := "?o=" + key("c", ids["Gewerbe Fix"]) + "&o=" + key("c", ids["Strom Dynamisch <b>"]) + "&o=o7&from=2026-06&to=2026-06"
	p := "/customers/" + views.ID(accts["Bäckerei Schmidt GmbH"].ID) + "/compare"

	res, body := get(t, h, p+".csv"+q)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="wattfolio-compare-baeckerei-schmidt-gmbh-`) {
		t.Fatalf("CSV: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 4 || strings.Join(rows[0][:4], ",") != "option,source,kind,model" {
		t.Fatalf("CSV %v: %q", err, body)
	}
	if rows[1][0] != "Gewerbe Fix" || !strings.Contains(strings.Join(rows[1], ","), "366.19") {
		t.Errorf("CSV row %q", rows[1])
	}
	_, de := get(t, h, p+".csv"+q+"&dialect=excel-de")
	if !strings.HasPrefix(de, "\ufeffoption;") || !strings.Contains(de, "366,19") {
		t.Errorf("excel-de CSV: %q", de[:min(len(de), 200)])
	}

	var doc struct {
		Curve struct {
			Metered bool
			KWh     string
			Months  []struct{ Month, KWh string }
		}
		Options []struct {
			Key      string
			Cheapest bool
			Baseline bool
			Year1    struct {
				Gross string `json:"gross_eur"`
			}
			Saving1 *string `json:"saving_eur_year1"`
		}
		Cheapest string
	}
	for _, get := range []func() (*http.Response, string){
		func() (*http.Response, string) { return get(t, h, p+".json"+q) },
		func() (*http.Response, string) {
			return do(t, h, http.MethodGet, p+q, func(r *http.Request) { r.Header.Set("Accept", "application/json") })
		},
	} {
		res, body := get()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("JSON: %d %s", res.StatusCode, body)
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatal(err)
		}
		if !doc.Curve.Metered || doc.Curve.KWh != "1440" || len(doc.Curve.Months) != 1 || doc.Curve.Months[0].Month != "2026-06" {
			t.Errorf("JSON curve %+v", doc.Curve)
		}
		if len(doc.Options) != 3 || doc.Options[0].Year1.Gross != "366.19" || !doc.Options[0].Baseline ||
			doc.Options[1].Year1.Gross != "308.45" || !doc.Options[1].Cheapest || doc.Cheapest != doc.Options[1].Key ||
			doc.Options[2].Saving1 == nil || *doc.Options[2].Saving1 != "46.01" {
			t.Errorf("JSON options %+v", doc.Options)
		}
	}
	if res, body := get(t, h, p+".json?o=zz"); res.StatusCode != 400 || !strings.Contains(body, `"error"`) {
		t.Errorf("JSON error: %d %s", res.StatusCode, body)
	}
}

// The series cache holds for one state of the data: a new run changes the
// generation, and a running sync bypasses the cache.
func TestSeriesCacheGeneration(t *testing.T) {
	done := &app.SyncRun{ID: 4, Status: app.RunOK}
	g1, ok1 := dataGen([]app.SourceStatus{{Name: "portal", LastRun: done, LastSuccess: fetched}})
	g2, ok2 := dataGen([]app.SourceStatus{{Name: "portal", LastRun: &app.SyncRun{ID: 5, Status: app.RunOK}, LastSuccess: fetched.Add(time.Hour)}})
	_, ok3 := dataGen([]app.SourceStatus{{Name: "portal", LastRun: &app.SyncRun{ID: 6, Status: app.RunRunning}}})
	if !ok1 || !ok2 || ok3 || g1 == g2 {
		t.Fatalf("generations %q %v, %q %v, running %v", g1, ok1, g2, ok2, ok3)
	}
	var c seriesCache
	cv := tariff.Curve{KWh: []app.Decimal{1}}
	for i := range maxCachedCurves + 1 {
		c.putCurve(g1, curveKey{account: int64(i)}, cv)
	}
	if _, ok := c.curve(g1, curveKey{account: 0}); ok {
		t.Error("the oldest curve was not evicted")
	}
	if _, ok := c.curve(g1, curveKey{account: 3}); !ok {
		t.Error("a recent curve was evicted")
	}
	if _, ok := c.curve(g2, curveKey{account: 1}); ok {
		t.Error("a curve of an older generation was served")
	}
}

// The customer page prices the current contracts on the customer's last
// metered year: 17,520 kWh × 20 ct + 240 € = 3,744 € net, 4,455.36 € gross.
func TestCustomerPageAnnualCost(t *testing.T) {
	s, _, accts := bakeryShop(t, utcDay(2025, 6, 1), 365)
	o := testOptions(s)
	o.Accounts, o.Meters, o.Compare, o.Offers = s, s, s, testOffers
	o.Now = func() time.Time { return time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC) }
	h := New(o)
	id := views.ID(accts["Bäckerei Schmidt GmbH"].ID)
	body := mustGet(t, h, "/customers/"+id)
	txt := text(body)
	for _, want := range []string{"Annual cost of the current contracts", "Gewerbe Fix 4,455.36 25.43 main supply", "1 Jun 2025 – 31 May 2026"} {
		if !strings.Contains(txt, want) {
			t.Errorf("customer page lacks %q:\n%s", want, txt)
		}
	}
	if !strings.Contains(body, `href="/customers/`+id+`/compare"`) {
		t.Error("no Compare link")
	}
}

// A vendor that sends only a customer id shows "not linked to a customer"
// and the start of the id (whole in its title), not a bare UUID as a name; a price point from months ago says how old it is.
func TestUnlinkedIDAndStalePrice(t *testing.T) {
	s := hofStore(t)
	syncVendor(t, s, "podero-2", app.VendorPodero, []app.Contract{{
		ExternalID: "POD-9", Kind: app.KindPartner, Commodity: app.CommodityElectricity, Status: "active",
		Customer: app.Customer{ExternalID: "3f6c1d2e-0000-4000-8000-000000000009"}, Name: "Podero Alt",
		Prices: app.Prices{Currency: "EUR"},
		Partner: &app.PartnerTerms{UserID: "3f6c1d2e-0000-4000-8000-000000000009", ContractType: "spot_hourly",
			Prices: []app.PricePoint{{From: time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC), PerKWh: decv("0.0999")}}},
	}})
	o := hofOptions(s)
	german(&o) // German by default; English with ?lang=en
	h := New(o)
	body := mustGet(t, h, "/contracts?q=POD-9")
	if !strings.Contains(body, `title="Kein [[customer]]-Block der Quellendatei verknüpft diese ID">keinem Kunden zugeordnet</span>`) ||
		!strings.Contains(body, `<span class="secondary mono muted" title="3f6c1d2e-0000-4000-8000-000000000009">3f6c1d2e…</span>`) {
		t.Errorf("unlinked id-only customer not marked:\n%s", text(body))
	}
	if en := mustGet(t, h, "/contracts?q=POD-9&lang=en"); !strings.Contains(en, `title="No [[customer]] block of the sources file links this id">not linked to a customer</span>`) {
		t.Errorf("unlinked id-only customer in English:\n%s", text(en))
	}
	if !strings.Contains(text(body), "9,99 ct/kWh (veraltet: letzter Preis, ab 01.02.2026, 295 Tage alt)") {
		t.Errorf("stale price not aged:\n%s", text(body))
	}
	// A linked Podero user shows the account's name and a fresh price.
	if txt := text(mustGet(t, h, "/contracts?q=POD-5")); !strings.Contains(txt, "Hof Sonnenschein u-4711") || !strings.Contains(txt, "12,35 ct/kWh jetzt") {
		t.Errorf("linked Podero row:\n%s", txt)
	}
}

// countingStore counts the consumption reads a comparison makes.
type countingStore struct {
	*db.Store
	reads atomic.Int64
}

func (c *countingStore) EachMeasure(ctx context.Context, meterID int64, m series.Measure, from, to time.Time, res series.Resolution, fn func(*series.Row) error) error {
	if m == series.Consumption {
		c.reads.Add(1)
	}
	return c.Store.EachMeasure(ctx, meterID, m, from, to, res, fn)
}

// A second view and a change of scale reuse the customer's curve: the
// meters' consumption is read once.
func TestCompareKeepsTheCurve(t *testing.T) {
	s, ids, accts := bakeryShop(t, utcDay(2026, 6, 1), 30)
	cs := &countingStore{Store: s}
	o := testOptions(s)
	o.Accounts, o.Meters, o.Compare, o.Offers = s, s, cs, testOffers
	h := New(o)
	base := "/customers/" + views.ID(accts["Bäckerei Schmidt GmbH"].ID) + "/compare?o=" + key("c", ids["Gewerbe Fix"]) +
		"&o=o7&from=2026-06&to=2026-06"
	mustGet(t, h, base)
	first := cs.reads.Load()
	if first == 0 {
		t.Fatal("the comparison read no consumption")
	}
	mustGet(t, h, base)
	mustGet(t, h, base+"&scale=10")
	if n := cs.reads.Load(); n != first {
		t.Errorf("consumption read %d times over three views, want %d (the first view's)", n, first)
	}
}
