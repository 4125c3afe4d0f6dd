package web

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/app/tariff"
	"wattfolio/db"
)

// browser talks to the handler over real HTTP on loopback, as the browser
// does: form POSTs carry the page's own Origin and Sec-Fetch-Site.
type browser struct {
	t   *testing.T
	srv *httptest.Server
	hd  *handler
}

func newBrowser(t *testing.T, s *db.Store, mod ...func(*Options)) *browser {
	t.Helper()
	o := testOptions(s)
	o.Accounts, o.OfferStore, o.Savings = s, s, s
	for _, m := range mod {
		m(&o)
	}
	hd := newHandler(o)
	srv := httptest.NewServer(hd.chain())
	t.Cleanup(func() {
		srv.Close()
		hd.waitSavings() // before the store closes
	})
	return &browser{t: t, srv: srv, hd: hd}
}

func (b *browser) send(method, path string, form url.Values, hdr map[string]string) (int, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	serverToken(req)
	// A redirect would be a bug here: the desktop window does not follow one.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(data)
}

func (b *browser) get(path string) string {
	b.t.Helper()
	code, body := b.send(http.MethodGet, path, nil, nil)
	if code != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", path, code, text(body))
	}
	return body
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	return b.send(http.MethodPost, path, form, nil)
}

// householdForm is a complete offer as a German user types it.
func householdForm() url.Values {
	return url.Values{
		"name": {"Öko Fix 12"}, "supplier": {"Stadtwerke Musterstadt GmbH"}, "commodity": {"electricity"}, "model": {"fixed"},
		"currency": {"EUR"}, "gross": {"true"}, "vat_percent": {"19"}, "base_price_eur_per_year": {"1.119,40"},
		"working_price_ct_per_kwh": {"27,9"}, "charges.grid_ct_per_kwh": {"0,5"}, "bonus.instant_eur": {"50"},
		"bonus.new_customer_eur": {"75,5"}, "guarantee.months": {"12"}, "guarantee.scope": {"full"}, "min_term_months": {"12"},
		"notice": {"1 month"}, "valid_from": {"2026-11-01"}, "valid_to": {"2027-06-30"}, "notes": {"Portal price, PLZ 12345"},
	}
}

// offerRows are the names of the offers listed, top to bottom.
func offerRows(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<tr id="offer-\d+"[^>]*>\s*<td class="cell-name"><a class="row-link" href="[^"]*" title="[^"]*">([^<]*)</a>`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// inputValue is the value attribute of the input named name.
func inputValue(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<input id="[^"]*" type="[^"]*"(?: inputmode="decimal")? name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no input %s", name)
	}
	return html.UnescapeString(m[1])
}

// fieldMessage is the message shown beside input name, "" when none.
func fieldMessage(body, name string) string {
	m := regexp.MustCompile(`<p class="field-msg" id="` + regexp.QuoteMeta("o-"+strings.NewReplacer(".", "-", "_", "-").Replace(name)) + `-msg">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestOfferCreate(t *testing.T) {
	s := seeded(t)
	b := newBrowser(t, s, german)
	if body := b.get("/offers"); !strings.Contains(text(body), "Noch keine Angebote") || !strings.Contains(body, `href="/offers" aria-current="page">Angebote</a>`) {
		t.Fatalf("empty offers page:\n%s", text(body))
	}
	if body := b.get("/offers/new"); inputValue(t, body, "vat_percent") != "19" || !strings.Contains(body, `<form class="card offer-form" method="post" action="/offers"`) {
		t.Fatal("new-offer form")
	}
	code, body := b.post("/offers", householdForm())
	if code != http.StatusOK {
		t.Fatalf("POST /offers: %d\n%s", code, text(body))
	}
	if got := offerRows(body); len(got) != 1 || got[0] != "Öko Fix 12" {
		t.Fatalf("offers listed %q", got)
	}
	txt := text(body)
	for _, want := range []string{"Angebot „Öko Fix 12“ angelegt.", "27,90", "1.119,40", "125,50 €", "12 Monate, vollständig", "01.11.2026 – 30.06.2027", "brutto"} {
		if !strings.Contains(txt, want) {
			t.Errorf("offers page lacks %q:\n%s", want, txt)
		}
	}
	o, err := s.OfferByName(context.Background(), "Öko Fix 12")
	if err != nil {
		t.Fatal(err)
	}
	tf := o.Tariff
	if tf.WorkingPerKWh != app.MustDecimal("0.279") || tf.BasePerYear != app.MustDecimal("1119.4") || tf.Charges.GridPerKWh != app.MustDecimal("0.005") ||
		tf.VATRate != app.MustDecimal("0.19") || !tf.Gross || tf.Guarantee != (tariff.Guarantee{Months: 12, Scope: tariff.GuaranteeFull}) ||
		tf.MinTermMonths != 12 || tf.Notice != (tariff.Notice{N: 1, Unit: "month"}) || len(tf.Bonuses) != 2 ||
		tf.Bonuses[1] != (tariff.Bonus{Kind: tariff.NewCustomerBonus, Amount: app.MustDecimal("75.5")}) ||
		!o.ValidFrom.Equal(utcDay(2026, 11, 1)) || !o.ValidTo.Equal(utcDay(2027, 7, 1)) || o.Notes != "Portal price, PLZ 12345" {
		t.Errorf("stored %+v", o)
	}
}

func TestOfferFormErrors(t *testing.T) {
	s := seeded(t)
	b := newBrowser(t, s, german)
	f := householdForm()
	f.Set("working_price_ct_per_kwh", "27,9x")
	f.Set("supplier", "")
	f.Set("base_price_eur_per_year", "12,1234567")
	code, body := b.post("/offers", f)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("POST /offers with a bad field: %d, want 422", code)
	}
	if msg := fieldMessage(body, "working_price_ct_per_kwh"); msg != "muss eine Zahl wie 27,9 sein" {
		t.Errorf("working price message %q", msg)
	}
	if msg := fieldMessage(body, "base_price_eur_per_year"); msg != "hat mehr als 6 Nachkommastellen" {
		t.Errorf("base price message %q", msg)
	}
	if v := inputValue(t, body, "working_price_ct_per_kwh"); v != "27,9x" {
		t.Errorf("the input was not kept: %q", v)
	}
	if v := inputValue(t, body, "name"); v != "Öko Fix 12" {
		t.Errorf("name not kept: %q", v)
	}
	if !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(text(body), "Nichts wurde gespeichert: 2 Felder brauchen Ihre Aufmerksamkeit.") {
		t.Error("the form does not say what is wrong")
	}
	// Parsing problems come first; once the numbers read, Validate's
	// findings are shown beside their fields too.
	f.Set("working_price_ct_per_kwh", "27,9")
	f.Set("base_price_eur_per_year", "120")
	f.Set("guarantee.scope", "")
	f.Set("bonus.new_customer_eur", "-5")
	code, body = b.post("/offers", f)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("POST /offers without a supplier: %d", code)
	}
	for input, want := range map[string]string{"supplier": "ist erforderlich", "guarantee.scope": "muss angeben, was die Garantie festschreibt", "bonus.new_customer_eur": "muss größer als 0 sein"} {
		if msg := fieldMessage(body, input); !strings.Contains(msg, want) {
			t.Errorf("%s: message %q, want %q", input, msg, want)
		}
	}
	if offers, _ := s.Offers(context.Background()); len(offers) != 0 {
		t.Errorf("an invalid form saved %d offers", len(offers))
	}
	// English numbers in the English UI; a German comma there is a mistake.
	f = householdForm()
	f.Set("base_price_eur_per_year", "1,119.40")
	f.Set("working_price_ct_per_kwh", "27,9")
	code, body = b.post("/offers?lang=en", f)
	if code != http.StatusUnprocessableEntity || !strings.Contains(fieldMessage(body, "working_price_ct_per_kwh"), "like 27.9") || fieldMessage(body, "base_price_eur_per_year") != "" {
		t.Errorf("English form: %d, %q, %q", code, fieldMessage(body, "working_price_ct_per_kwh"), fieldMessage(body, "base_price_eur_per_year"))
	}
	// A name another offer has.
	if code, _ := b.post("/offers", householdForm()); code != http.StatusOK {
		t.Fatal(code)
	}
	code, body = b.post("/offers", householdForm())
	if code != http.StatusUnprocessableEntity || !strings.Contains(fieldMessage(body, "name"), "ein anderes Angebot heißt so") {
		t.Errorf("duplicate name: %d %q", code, fieldMessage(body, "name"))
	}
}

func TestOfferTermsText(t *testing.T) {
	s := seeded(t)
	b := newBrowser(t, s, german)
	f := householdForm()
	f.Set("model", "tou")
	f.Set("terms", "[[offer.zone]]\nname = \"NT\"\nfrom = \"22:00\"\nto = \"6:00\"\nct_per_kwh = 24.5\n")
	code, body := b.post("/offers", f)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("bad zone: %d", code)
	}
	if msg := fieldMessage(body, "terms"); msg != `zone[0].to: Zeile 4: muss HH:MM sein, etwa "22:00", nicht "6:00"` {
		t.Errorf("terms message %q", msg)
	}
	f.Set("terms", "[[offer.zone]]\nname = \"NT\"\nfrom = \"22:00\"\nto = \"06:00\"\nct_per_kwh = 24.5\n")
	if code, body = b.post("/offers", f); code != http.StatusOK {
		t.Fatalf("good zone: %d\n%s", code, text(body))
	}
	o, err := s.OfferByName(context.Background(), "Öko Fix 12")
	if err != nil {
		t.Fatal(err)
	}
	if z := o.Tariff.Zones; len(z) != 1 || z[0].From != 22*60 || z[0].To != 6*60 || z[0].PerKWh != app.MustDecimal("0.245") {
		t.Errorf("zones %+v", z)
	}
	edit := b.get("/offers/" + strconv.FormatInt(o.ID, 10) + "/edit")
	if !strings.Contains(html.UnescapeString(edit), "[[offer.zone]]\nname = \"NT\"\nfrom = \"22:00\"\nto = \"06:00\"\nct_per_kwh = 24.5\n") {
		t.Errorf("the edit form does not show the zone as text:\n%s", edit)
	}
}

func TestOfferEditDuplicateDelete(t *testing.T) {
	s := seeded(t)
	b := newBrowser(t, s, german)
	if code, _ := b.post("/offers", householdForm()); code != http.StatusOK {
		t.Fatal(code)
	}
	o, err := s.OfferByName(context.Background(), "Öko Fix 12")
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(o.ID, 10)

	edit := b.get("/offers/" + id + "/edit")
	if v := inputValue(t, edit, "working_price_ct_per_kwh"); v != "27,9" {
		t.Errorf("German edit form shows %q", v)
	}
	if v := inputValue(t, b.get("/offers/"+id+"/edit?lang=en"), "base_price_eur_per_year"); v != "1119.4" {
		t.Errorf("English edit form shows %q", v)
	}
	f := householdForm()
	f.Set("name", "Öko Fix 24")
	f.Set("working_price_ct_per_kwh", "26,5")
	code, body := b.post("/offers/"+id, f)
	if code != http.StatusOK || !strings.Contains(text(body), "Angebot „Öko Fix 24“ gespeichert.") {
		t.Fatalf("edit: %d\n%s", code, text(body))
	}
	if got, err := s.Offer(context.Background(), o.ID); err != nil || got.Name != "Öko Fix 24" || got.Tariff.WorkingPerKWh != app.MustDecimal("0.265") {
		t.Errorf("after edit: %+v %v", got, err)
	}

	for _, want := range []string{"Kopie von Öko Fix 24", "Kopie von Öko Fix 24 (2)"} {
		code, body = b.post("/offers/"+id+"/duplicate", url.Values{})
		if code != http.StatusOK || !strings.Contains(text(body), "als „"+want+"“ dupliziert") {
			t.Fatalf("duplicate: %d\n%s", code, text(body))
		}
	}
	if got := offerRows(body); strings.Join(got, "|") != "Kopie von Öko Fix 24|Kopie von Öko Fix 24 (2)|Öko Fix 24" {
		t.Errorf("after duplicating: %q", got)
	}
	cp, err := s.OfferByName(context.Background(), "Kopie von Öko Fix 24")
	if err != nil || cp.Tariff.WorkingPerKWh != app.MustDecimal("0.265") || len(cp.Tariff.Bonuses) != 2 || cp.ID == o.ID {
		t.Errorf("copy %+v %v", cp, err)
	}
	// In the English UI the copy is named in English.
	if code, body = b.post("/offers/"+id+"/duplicate?lang=en", url.Values{}); code != http.StatusOK || !strings.Contains(text(body), "as “Copy of Öko Fix 24”") {
		t.Errorf("English duplicate: %d\n%s", code, text(body))
	}

	code, body = b.post("/offers/"+id+"/delete", url.Values{})
	if code != http.StatusOK || !strings.Contains(text(body), "Angebot „Öko Fix 24“ gelöscht.") {
		t.Fatalf("delete: %d\n%s", code, text(body))
	}
	if _, err := s.Offer(context.Background(), o.ID); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("deleted offer still there: %v", err)
	}
	if code, _ := b.send(http.MethodGet, "/offers/"+id+"/edit", nil, nil); code != http.StatusNotFound {
		t.Errorf("edit of a deleted offer: %d", code)
	}
	if code, _ := b.post("/offers/"+id+"/delete", url.Values{}); code != http.StatusNotFound {
		t.Errorf("deleting twice: %d", code)
	}
}

// A POST from another site is refused before it changes anything; the
// desktop window's own POSTs pass.
func TestOfferPostCrossOrigin(t *testing.T) {
	s := seeded(t)
	b := newBrowser(t, s, german)
	for _, hdr := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"}} {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/offers", strings.NewReader(householdForm().Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		serverToken(req) // the app's own cookie does not make another site's POST the app's
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST /offers with %v: %d, want 403", hdr, res.StatusCode)
		}
	}
	if offers, _ := s.Offers(context.Background()); len(offers) != 0 {
		t.Fatalf("a cross-site POST saved an offer")
	}
	res, _ := do(t, Window(b.hd.chain()), http.MethodPost, "/offers", func(r *http.Request) {
		r.Host = "wails"
		r.Header.Set("Origin", "null")
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Body = io.NopCloser(strings.NewReader(householdForm().Encode()))
	})
	if res.StatusCode != http.StatusOK {
		t.Errorf("POST /offers in the Wails window: %d", res.StatusCode)
	}
}
