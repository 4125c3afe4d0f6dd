package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db"
)

// savingsCache holds three customers: a household on H25 with a fixed
// enneo contract read as gross (3,500 kWh, 30 ct/kWh, 120 €/year, ending
// 30 June 2027), a bakery on G25 with a net one (20,000 kWh, 25 ct/kWh,
// 200 €/year, 19 % VAT, open-ended), and a customer without contracts
// whose name a spreadsheet would run as a formula.
func savingsCache(t testing.TB) *db.Store {
	t.Helper()
	s := openStore(t)
	syncSource(t, s, srcEnneo, []app.Contract{
		{ExternalID: "H-1", Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: "active", Name: "Strom Fix Weber",
			Customer: app.Customer{ExternalID: "K-H1", Name: "Weber"}, ValidFrom: utcDay(2025, 7, 1), ValidTo: utcDay(2027, 6, 30),
			Prices:               app.Prices{Currency: "EUR", BasePerYear: dec("120"), WorkingPerKWh: dec("0.30"), VATRate: dec("0.19")},
			AnnualConsumptionKWh: dec("3500"), Raw: []byte(`{}`)},
		{ExternalID: "B-1", Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: "active", Name: "Gewerbe Strom Schmidt",
			Customer: app.Customer{ExternalID: "K-B1", Name: "Schmidt"}, ValidFrom: utcDay(2024, 1, 1),
			Prices:               app.Prices{Currency: "EUR", BasePerYear: dec("200"), WorkingPerKWh: dec("0.25"), VATRate: dec("0.19")},
			AnnualConsumptionKWh: dec("20000"), Raw: []byte(`{}`)},
	}, nil, app.RunOK, "")
	if err := s.ReplaceAccounts(context.Background(), []app.Account{
		{Name: "Familie Weber", Profile: "H25", Links: []app.AccountLink{{Source: srcEnneo, ExternalID: "K-H1"}}},
		{Name: "Bäckerei Schmidt", Profile: "G25", Links: []app.AccountLink{{Source: srcEnneo, ExternalID: "K-B1"}}},
		{Name: "=SUM(A1)", Profile: "L25"},
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// savingsOffer is the one offer of the savings tests: 27 ct/kWh, 100 €
// a year, gross, a 50 € bonus, valid at any time.
func savingsOffer() url.Values {
	f := householdForm()
	f.Set("name", "Öko Fix")
	f.Set("base_price_eur_per_year", "100")
	f.Set("working_price_ct_per_kwh", "27")
	for _, k := range []string{"charges.grid_ct_per_kwh", "bonus.new_customer_eur", "valid_from", "valid_to"} {
		f.Del(k)
	}
	return f
}

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// savingsRows are the customers of the savings table, top to bottom.
func savingsRows(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<td class="cell-name"><a class="row-link" href="/customers/\d+[^"]*" title="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// The figures, worked out by hand. The offer costs 3,500 × 0.27 + 100 =
// 1,045.00 € (household) and 20,000 × 0.27 + 100 = 5,500.00 € (bakery),
// gross, less its 50 € bonus in year 1. The household pays 1,170.00 €
// (its enneo prices read as gross): saving 175.00 € (14.96 %) in year 1,
// 125.00 € in year 2; notice by 30 May 2027 (end of term less one month),
// and a missed notice date holds it for a year: 175.00 € at stake. The
// bakery pays (5,000 + 200) × 1.19 = 6,188.00 €: saving 738.00 € (11.93 %)
// in year 1, 688.00 € in year 2; it has no end date, so no deadline.
func TestSavingsView(t *testing.T) {
	s := savingsCache(t)
	clk := &clock{t: now}
	b := newBrowser(t, s, german, func(o *Options) { o.Now = clk.now })

	// Never computed: the first view starts the computation.
	first := b.get("/savings")
	if !strings.Contains(text(first), "Die Ersparnis jedes Kunden wird berechnet") || !strings.Contains(first, `http-equiv="refresh"`) {
		t.Errorf("first view:\n%s", text(first))
	}
	b.hd.waitSavings()

	// An offer saved from the form is in the figures once recomputed.
	if code, body := b.post("/offers", savingsOffer()); code != http.StatusOK {
		t.Fatalf("POST /offers: %d\n%s", code, text(body))
	}
	b.hd.waitSavings()
	clk.add(5 * time.Minute)

	body := b.get("/savings")
	if got := strings.Join(savingsRows(body), "|"); got != "Bäckerei Schmidt|Familie Weber|=SUM(A1)" {
		t.Errorf("rows by saving: %s", got)
	}
	txt := text(body)
	for _, want := range []string{
		"Berechnet vor 5 Minuten",
		"Gewerbe Strom Schmidt 6.188,00 € Öko Fix 5.450,00 € im Jahr 1 738,00 € 688,00 € 11,93 % keine bekannt",
		"Strom Fix Weber 1.170,00 € Öko Fix 995,00 € im Jahr 1 175,00 € 125,00 € 14,96 % 30.05.2027 Kündigungstermin 175,00 €",
		"=SUM(A1) L25 cannot be compared",
		"Ersparnis im Jahr 1 zusammen 913,00 €", "vor den nächsten Fristen auf dem Spiel 175,00 €",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("savings view lacks %q:\n%s", want, txt)
		}
	}
	if !strings.Contains(body, `href="/savings" aria-current="page">Ersparnis</a>`) {
		t.Error("no Savings nav item")
	}

	for query, want := range map[string]string{
		"sort=pct&desc=1":        "Familie Weber|Bäckerei Schmidt|=SUM(A1)",
		"sort=name":              "=SUM(A1)|Bäckerei Schmidt|Familie Weber",
		"sort=name&desc=1":       "Familie Weber|Bäckerei Schmidt|=SUM(A1)",
		"sort=deadline":          "Familie Weber|=SUM(A1)|Bäckerei Schmidt",
		"sort=saving&desc=0":     "Familie Weber|Bäckerei Schmidt|=SUM(A1)",
		"positive=1":             "Bäckerei Schmidt|Familie Weber",
		"segment=h25":            "Familie Weber",
		"q=b%C3%A4ck":            "Bäckerei Schmidt",
		"q=%C3%B6ko&segment=":    "Bäckerei Schmidt|Familie Weber",
		"positive=1&segment=L25": "",
	} {
		if got := strings.Join(savingsRows(b.get("/savings?"+query)), "|"); got != want {
			t.Errorf("?%s: %s, want %s", query, got, want)
		}
	}
	if code, _ := b.send(http.MethodGet, "/savings?sort=price", nil, nil); code != http.StatusBadRequest {
		t.Errorf("unknown sort: %d", code)
	}
	// Refused values answer 400 with the savings view itself: the valid
	// filter applied, the search kept and marked with the reason beside it,
	// the sort (a column header, no field) said above the form.
	for lang, want := range map[string][2]string{
		"de": {`"` + strings.Repeat("x", 60) + `…" ist länger als 200 Zeichen`, `"price" ist keine sortierbare Spalte (saving, pct, deadline, name)`},
		"en": {`"` + strings.Repeat("x", 60) + `…" is longer than 200 characters`, `"price" is not a sortable column (saving, pct, deadline, name)`},
	} {
		code, body := b.send(http.MethodGet, "/savings?lang="+lang+"&positive=1&sort=price&q="+strings.Repeat("x", 201), nil, nil)
		if code != http.StatusBadRequest {
			t.Errorf("%s: refused values: %d, want 400", lang, code)
		}
		refusedField(t, "savings "+lang, body, "s-q", strings.Repeat("x", 60)+"…", want[0])
		if got := strings.Join(savingsRows(body), "|"); got != "Bäckerei Schmidt|Familie Weber" || !strings.Contains(text(body), want[1]) {
			t.Errorf("%s: rows %s, or the sort's refusal is not said:\n%s", lang, got, text(body))
		}
	}
}

func TestSavingsExports(t *testing.T) {
	s := savingsCache(t)
	b := newBrowser(t, s, german)
	if code, body := b.post("/offers", savingsOffer()); code != http.StatusOK {
		t.Fatalf("POST /offers: %d\n%s", code, text(body))
	}
	// Recompute answers once the figures are in.
	code, body := b.post("/savings/recompute", url.Values{})
	if code != http.StatusOK || !strings.Contains(text(body), "Neu berechnet.") || len(savingsRows(body)) != 3 {
		t.Fatalf("POST /savings/recompute: %d\n%s", code, text(body))
	}

	_, csvBody := b.send(http.MethodGet, "/savings.csv?positive=1", nil, nil)
	recs, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "customer" || recs[0][6] != "saving_eur_year1" {
		t.Fatalf("CSV %q", recs)
	}
	if r := recs[2]; r[0] != "Familie Weber" || r[3] != "1170" || r[5] != "995" || r[6] != "175" || r[7] != "125" || r[8] != "14.96" ||
		r[9] != "2027-05-30" || r[10] != "notice" || r[11] != "175" || r[13] != "2026-11-23T12:00:00Z" {
		t.Errorf("CSV row %q", r)
	}
	_, xl := b.send(http.MethodGet, "/savings.csv?dialect=excel-de&sort=name", nil, nil)
	if !strings.HasPrefix(xl, "\ufeffcustomer;profile;") || !strings.Contains(xl, "\r\n'=SUM(A1);L25;") || !strings.Contains(xl, ";14,96;") {
		t.Errorf("excel-de CSV:\n%s", xl)
	}

	var doc struct {
		ComputedAt time.Time `json:"computed_at"`
		Rows       []struct {
			Account  string  `json:"account"`
			Saving1  *string `json:"saving_eur_year1"`
			AtStake  *string `json:"at_stake_eur"`
			Deadline *string `json:"deadline"`
			Note     string  `json:"note"`
		} `json:"rows"`
	}
	for _, req := range []struct {
		path string
		hdr  map[string]string
	}{{"/savings.json", nil}, {"/savings", map[string]string{"Accept": "application/json"}}} {
		code, js := b.send(http.MethodGet, req.path, nil, req.hdr)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", req.path, code)
		}
		if err := json.Unmarshal([]byte(js), &doc); err != nil {
			t.Fatalf("%s: %v\n%s", req.path, err, js)
		}
		if !doc.ComputedAt.Equal(now) || len(doc.Rows) != 3 || doc.Rows[0].Account != "Bäckerei Schmidt" || *doc.Rows[0].Saving1 != "738" ||
			doc.Rows[0].Deadline != nil || doc.Rows[1].AtStake == nil || *doc.Rows[1].AtStake != "175" || *doc.Rows[1].Deadline != "2027-05-29T22:00:00Z" ||
			doc.Rows[2].Saving1 != nil || doc.Rows[2].Note == "" {
			t.Errorf("%s: %s", req.path, js)
		}
	}
}

// A finished sync recomputes the view in the background.
func TestSavingsAfterSync(t *testing.T) {
	s := savingsCache(t)
	fs := &fakeSyncer{started: make(chan struct{}, 1), release: make(chan struct{})}
	close(fs.release)
	b := newBrowser(t, s, german, func(o *Options) { o.Syncer = fs })
	if code, _ := b.post("/sync", url.Values{}); code != http.StatusOK {
		t.Fatal(code)
	}
	b.hd.wait()
	b.hd.waitSavings()
	rows, at, err := s.Savings(context.Background())
	if err != nil || len(rows) != 3 || !at.Equal(now.Truncate(time.Second)) {
		t.Errorf("after a sync: %d rows computed at %s, %v", len(rows), at, err)
	}
}

// An expired offer is marked on the offers page and left out of the
// savings, however cheap.
func TestSavingsIgnoreExpiredOffers(t *testing.T) {
	s := savingsCache(t)
	b := newBrowser(t, s, german)
	if code, _ := b.post("/offers", savingsOffer()); code != http.StatusOK {
		t.Fatal(code)
	}
	cheap := savingsOffer()
	cheap.Set("name", "Abgelaufen")
	cheap.Set("working_price_ct_per_kwh", "5")
	cheap.Set("valid_from", "2026-01-01")
	cheap.Set("valid_to", "2026-10-31")
	code, body := b.post("/offers", cheap)
	if code != http.StatusOK {
		t.Fatalf("%d\n%s", code, text(body))
	}
	if !strings.Contains(text(body), "01.01.2026 – 31.10.2026 abgelaufen") || !regexp.MustCompile(`class="[^"]*row-expired`).MatchString(body) {
		t.Errorf("expired offer not marked:\n%s", text(body))
	}
	_, body = b.post("/savings/recompute", url.Values{})
	if txt := text(body); strings.Contains(txt, "Abgelaufen") || !strings.Contains(txt, "Öko Fix 995,00 €") {
		t.Errorf("savings with an expired offer:\n%s", txt)
	}
}
