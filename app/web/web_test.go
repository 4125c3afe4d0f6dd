package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
)

// TestPortfolioShowsContracts reads the portfolio as a German account
// manager sees it by default: German labels, numbers and dates.
func TestPortfolioShowsContracts(t *testing.T) {
	o := testOptions(seeded(t))
	german(&o)
	h := New(o)
	for _, path := range []string{"/", "/contracts"} {
		body := mustGet(t, h, path)
		got := rowNames(body)
		if len(got) != 6 {
			t.Fatalf("GET %s: %d rows, want 6: %q", path, len(got), got)
		}
		txt := text(body)
		for _, want := range []string{
			"6 Verträge im Cache",
			"Bäckerei Müller GmbH",
			"Strom Business 24",                                               // product under the name
			"Arbeitspreis ct/kWh", "Grundpreis €/Jahr", "Jahresverbrauch kWh", // units in the headers
			" 28,50 ",                                          // 0.285 EUR/kWh in ct, German format
			" 119,88 ",                                         // base price
			" 1.234,56 ",                                       // thousands separator
			" 35.000 ",                                         // consumption
			"01.01.2025",                                       // valid from, Berlin day
			"31.12.2026",                                       // valid to
			"unbefristet",                                      // no end date
			"Aktiv", "Beendet", "Ausstehend", "Fehlgeschlagen", // status badges
			"Endkunde", "PPA", "Strom", "Gas", "Wärme",
			"DE0001234567890000000000000000001",
			"CSV exportieren",
			"1–6 von 6",
		} {
			if !strings.Contains(txt, want) {
				t.Errorf("GET %s: page lacks %q", path, want)
			}
		}
		for _, want := range []string{`class="badge badge-ok" title="Aktiv">Aktiv`, `class="badge badge-muted" title="Beendet">Beendet`, `class="badge badge-warn" title="Ausstehend">Ausstehend`, `class="badge badge-bad" title="Fehlgeschlagen">Fehlgeschlagen`} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: lacks badge %s", path, want)
			}
		}
		if !strings.Contains(body, `href="/contracts.csv?dialect=standard"`) {
			t.Errorf("GET %s: no export link to the same filters", path)
		}
		if !strings.Contains(body, `<link rel="stylesheet" href="/static/app.css">`) {
			t.Errorf("GET %s: no stylesheet", path)
		}
	}
}

func TestPortfolioRowsLinkToContracts(t *testing.T) {
	s := seeded(t)
	h := New(testOptions(s))
	body := mustGet(t, h, "/contracts?sort=name")
	m := rowLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no row link")
	}
	page := mustGet(t, h, m[1])
	if !strings.Contains(text(page), html.UnescapeString(m[2])) {
		t.Errorf("%s does not show the contract %q", m[1], m[2])
	}
}

func TestPortfolioFilters(t *testing.T) {
	h := New(testOptions(seeded(t)))
	tests := []struct {
		query string
		want  []string
	}{
		{"kind=ppa", []string{"Solarpark Nord PPA"}},
		{"kind=retail&commodity=gas", []string{"Gas Klassik – Zahnarztpraxis Weber"}},
		{"commodity=heat", []string{"Wärmeservice Hotel Adler"}},
		{"status=pending", []string{"Energievertrag Autohaus Schulz"}},
		{"status=ended", []string{"Gas Klassik – Zahnarztpraxis Weber"}},
		// On 2024-06-01 only the gas contract and the heat service were in force.
		{"active_on=2024-06-01", []string{"Gas Klassik – Zahnarztpraxis Weber", "Wärmeservice Hotel Adler"}},
		// The first day of a contract counts, in Berlin time.
		{"active_on=2027-01-01&kind=energy", []string{"Energievertrag Autohaus Schulz"}},
		{"active_on=2026-12-31&kind=energy", nil},
		{"q=m%C3%BCller", []string{"Strom Business 24 – Bäckerei Müller"}},
		{"q=BÄCKEREI", []string{"Strom Business 24 – Bäckerei Müller"}},
		{"q=G-778812", []string{"Gas Klassik – Zahnarztpraxis Weber"}}, // meter
		{"source=" + srcProsumer, []string{"Energievertrag Autohaus Schulz", "Wärmeservice Hotel Adler"}},
		{"vendor=otark", []string{"Solarpark Nord PPA"}},
		{"kind=&commodity=&q=", nil}, // empty form fields do not filter: all six
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			body := mustGet(t, h, "/contracts?sort=name&"+tt.query)
			got := rowNames(body)
			want := tt.want
			if tt.query == "kind=&commodity=&q=" {
				if len(got) != 6 {
					t.Fatalf("rows %q, want all six", got)
				}
				return
			}
			if !slices.Equal(got, want) {
				t.Fatalf("rows %q, want %q", got, want)
			}
			if len(want) == 0 {
				if !strings.Contains(text(body), "No contracts match these filters") {
					t.Error("no empty-result message")
				}
				return
			}
			if !strings.Contains(text(body), fmt.Sprintf("%d contract", len(want))) {
				t.Errorf("count of %d not shown", len(want))
			}
			verb := map[bool]string{true: "matches", false: "match"}[len(want) == 1]
			if !strings.Contains(text(body), fmt.Sprintf("%d %s %s the filters", len(want), plural(len(want), "contract", "contracts"), verb)) {
				t.Errorf("count does not say it is filtered, in agreement with %d", len(want))
			}
		})
	}
}

func TestFilterFormKeepsValues(t *testing.T) {
	h := New(testOptions(seeded(t)))
	body := mustGet(t, h, "/contracts?kind=ppa&source="+srcOtark+"&q=solar&active_on=2026-01-15&sort=valid_to&desc=1")
	for _, want := range []string{
		`<option value="ppa" selected>`,
		`<option value="` + srcOtark + `" selected>`,
		`name="q" value="solar"`,
		`name="active_on" value="15 Jan 2026"`, // as the English page writes days
		`<input type="hidden" name="sort" value="valid_to">`,
		`<input type="hidden" name="desc" value="1">`,
		// export keeps the filters, without paging
		`href="/contracts.csv?active_on=2026-01-15&amp;desc=1&amp;dialect=standard&amp;kind=ppa&amp;q=solar&amp;sort=valid_to&amp;source=otark-trading"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Every source and status in the cache is offered.
	for _, want := range []string{srcEnneo, srcProsumer, srcOtark, `value="active"`, `value="ended"`, `value="pending"`, `value="failed"`} {
		if !strings.Contains(body, want) {
			t.Errorf("filter drop-downs lack %s", want)
		}
	}
}

func TestPortfolioSort(t *testing.T) {
	h := New(testOptions(seeded(t)))
	asc := rowNames(mustGet(t, h, "/contracts?sort=name"))
	if !slices.IsSortedFunc(asc, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("sort=name: %q not ascending", asc)
	}
	desc := rowNames(mustGet(t, h, "/contracts?sort=name&desc=1"))
	if !slices.Equal(desc, reversed(asc)) {
		t.Errorf("sort=name&desc=1: %q, want %q", desc, reversed(asc))
	}
	// Working price, highest first: 0.31, 0.285, 0.2649, 0.0999, 0.0612; the
	// contract without a price is last or first, but the priced ones keep order.
	byPrice := rowNames(mustGet(t, h, "/contracts?sort=working_price&desc=1"))
	priced := slices.DeleteFunc(slices.Clone(byPrice), func(s string) bool { return s == "Wärmeservice Hotel Adler" })
	want := []string{"<script>alert(1)</script>", "Strom Business 24 – Bäckerei Müller", "Energievertrag Autohaus Schulz", "Gas Klassik – Zahnarztpraxis Weber", "Solarpark Nord PPA"}
	if !slices.Equal(priced, want) {
		t.Errorf("sort=working_price&desc=1: %q, want %q", priced, want)
	}
	// Valid from, oldest first.
	byFrom := rowNames(mustGet(t, h, "/contracts?sort=valid_from"))
	if byFrom[0] != "Gas Klassik – Zahnarztpraxis Weber" || byFrom[len(byFrom)-1] != "Energievertrag Autohaus Schulz" {
		t.Errorf("sort=valid_from: %q", byFrom)
	}
}

func TestSortHeaderLinks(t *testing.T) {
	h := New(testOptions(seeded(t)))
	body := mustGet(t, h, "/contracts?kind=retail&sort=name")
	// The sorted column offers the other direction and says how it is sorted.
	if !strings.Contains(body, `aria-sort="ascending"`) {
		t.Error("sorted column has no aria-sort")
	}
	if !strings.Contains(body, `href="/contracts?desc=1&amp;kind=retail&amp;sort=name"`) {
		t.Error("name header does not link to the descending sort with the same filters")
	}
	if !strings.Contains(body, `href="/contracts?kind=retail&amp;sort=customer"`) {
		t.Error("customer header does not link to sort by customer with the same filters")
	}
}

func TestPortfolioPaging(t *testing.T) {
	s := openStore(t)
	cs := make([]app.Contract, 60)
	for i := range cs {
		cs[i] = app.Contract{
			ExternalID: fmt.Sprintf("C%03d", i+1), Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: "active",
			Name: fmt.Sprintf("Contract %03d", i+1), ValidFrom: utcDay(2025, 1, 1), Raw: []byte(`{}`),
		}
	}
	syncSource(t, s, srcEnneo, cs, nil, app.RunOK, "")
	h := New(testOptions(s))

	first := mustGet(t, h, "/contracts?sort=name")
	if n := len(rowNames(first)); n != 50 {
		t.Fatalf("default page has %d rows, want 50", n)
	}
	if !strings.Contains(text(first), "Showing 1–50 of 60") {
		t.Error("first page does not say which rows it shows")
	}
	if !strings.Contains(first, `href="/contracts?page=2&amp;sort=name" rel="next"`) {
		t.Error("first page has no link to the next")
	}

	p2 := rowNames(mustGet(t, h, "/contracts?sort=name&per=25&page=2"))
	if len(p2) != 25 || p2[0] != "Contract 026" || p2[24] != "Contract 050" {
		t.Fatalf("per=25&page=2: %q", p2)
	}
	p3 := mustGet(t, h, "/contracts?sort=name&per=25&page=3")
	if got := rowNames(p3); len(got) != 10 || got[9] != "Contract 060" {
		t.Fatalf("per=25&page=3: %q", got)
	}
	if !strings.Contains(text(p3), "Showing 51–60 of 60") {
		t.Error("last page does not say which rows it shows")
	}
	if !strings.Contains(p3, `href="/contracts?page=2&amp;per=25&amp;sort=name" rel="prev"`) {
		t.Error("last page has no link to the previous, keeping per")
	}
	far := mustGet(t, h, "/contracts?page=9")
	if !strings.Contains(text(far), "No contracts on this page") || !strings.Contains(text(far), "Go to the first page") {
		t.Error("a page past the end does not say so")
	}
}

func TestEmptyCache(t *testing.T) {
	s := openStore(t)
	opts := testOptions(s)
	opts.Syncer = &fakeSyncer{}
	body := mustGet(t, New(opts), "/")
	txt := text(body)
	for _, want := range []string{"No contracts yet", "Sync now"} {
		if !strings.Contains(txt, want) {
			t.Errorf("empty state lacks %q", want)
		}
	}
	if strings.Contains(body, "<table") {
		t.Error("empty cache shows a table")
	}
}

// TestEnglishNumberFormat switches a German system's app to English: words,
// numbers and dates change together, and the choice is carried in links
// and remembered in a cookie.
func TestEnglishNumberFormat(t *testing.T) {
	o := testOptions(seeded(t))
	german(&o)
	h := New(o)
	res, body := get(t, h, "/contracts?lang=en&sort=name")
	if res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	txt := text(body)
	for _, want := range []string{" 28.50 ", " 119.88 ", " 1,234.56 ", " 35,000 ", "1 Jan 2025", "Working price", "6 contracts in the cache"} {
		if !strings.Contains(txt, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
	id := regexp.MustCompile(`/contracts/(\d+)\?lang=en" title="[^"]*">Strom Business 24`).FindStringSubmatch(body)
	if id == nil {
		t.Fatal("row links drop lang=en")
	}
	txt = text(mustGet(t, h, "/contracts/"+id[1]+"?lang=en"))
	for _, want := range []string{"28.50 ct/kWh", "€119.88/year", "35,000 kWh", "19%", "Valid from 1 Jan 2025"} {
		if !strings.Contains(txt, want) {
			t.Errorf("English contract page lacks %q", want)
		}
	}
	// Links keep the choice, and a cookie remembers it.
	if !strings.Contains(body, `href="/sync?lang=en"`) {
		t.Error("nav link drops lang=en")
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == langCookie {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "en" {
		t.Fatalf("no lang cookie: %v", res.Cookies())
	}
	_, body = do(t, h, http.MethodGet, "/contracts", func(r *http.Request) { r.AddCookie(cookie) })
	if !strings.Contains(text(body), " 28.50 ") || !strings.Contains(body, `<html lang="en">`) {
		t.Error("the cookie does not keep the English format")
	}
	// Back to German with the switch: the cookie follows.
	res, body = get(t, h, "/contracts?lang=de")
	if !strings.Contains(text(body), " 28,50 ") || !strings.Contains(body, `<html lang="de">`) || !strings.Contains(text(body), "Arbeitspreis") {
		t.Error("the switch does not bring German back")
	}
	if c := res.Cookies(); len(c) == 0 || c[0].Value != "de" {
		t.Errorf("German not remembered: %v", c)
	}
}

func TestContractPage(t *testing.T) {
	s := seeded(t)
	opts := testOptions(s)
	german(&opts)
	opts.Now = func() time.Time { return fetched.Add(3 * time.Hour) }
	h := New(opts)
	id := contractID(t, s, "746839")
	body := mustGet(t, h, fmt.Sprintf("/contracts/%d", id))
	txt := text(body)
	for _, want := range []string{
		"Strom Business 24 – Bäckerei Müller",
		"Bäckerei Müller GmbH", "K-1001",
		"Strom Business 24", "SB24",
		"Stadtwerke Musterstadt", "9900000000001", "Netze Musterstadt",
		"01.01.2025", "31.12.2026",
		"Arbeitspreis 28,50 ct/kWh", "Grundpreis 119,88 €/Jahr", "MwSt.-Satz 19 %",
		"35.000 kWh", "DE0001234567890000000000000000001",
		srcEnneo, "enneo", "746839",
		"23.11.2026 10:00 CET", // fetched, in Berlin
		"vor 3 Stunden",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("contract page lacks %q", want)
		}
	}
	// The raw JSON is indented.
	if !strings.Contains(body, "{\n  &#34;id&#34;: 746839,\n  &#34;tariff&#34;: &#34;SB24&#34;,") {
		t.Errorf("raw JSON not pretty-printed:\n%s", body[strings.Index(body, "<pre"):])
	}
}

func TestContractPageEscapes(t *testing.T) {
	s := seeded(t)
	h := New(testOptions(s))
	id := contractID(t, s, "746841")
	body := mustGet(t, h, fmt.Sprintf("/contracts/%d", id))
	for _, bad := range []string{"<script>alert(1)</script>", "<img src=x", "</pre><img"} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the name is not shown escaped")
	}
	if !strings.Contains(body, "&lt;/pre&gt;&lt;img src=x onerror=alert(2)&gt;") {
		t.Error("the raw JSON is not shown escaped")
	}
	// And in the list.
	list := mustGet(t, h, "/contracts")
	if strings.Contains(list, "<script>alert(1)") {
		t.Error("portfolio contains the unescaped name")
	}
}

func TestNotFound(t *testing.T) {
	h := New(testOptions(seeded(t)))
	for _, path := range []string{"/contracts/999999", "/no-such-page", "/static/nope.css"} {
		res, body := get(t, h, path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
		if path != "/static/nope.css" && !strings.Contains(text(body), "Not found") {
			t.Errorf("GET %s: no friendly 404 page", path)
		}
	}
}

func TestBadParameters(t *testing.T) {
	h := New(testOptions(seeded(t)))
	// The portfolio itself answers its filters' refusals beside the fields
	// (refused_test.go); the others, a CSV and a path's id, answer with the
	// error page naming the parameter.
	tests := []struct{ path, name, value string }{
		{"/contracts?kind=banana", "kind", "banana"},
		{"/contracts?commodity=plutonium", "commodity", "plutonium"},
		{"/contracts?vendor=acme", "vendor", "acme"},
		{"/contracts?sort=colour", "sort", "colour"},
		{"/contracts?desc=yes", "desc", "yes"},
		{"/contracts?page=0", "page", "0"},
		{"/contracts?page=two", "page", "two"},
		{"/contracts?per=30", "per", "30"},
		{"/contracts?active_on=2026-13-01", "active_on", "2026-13-01"},
		{"/contracts?active_on=31.02.2026", "active_on", "31.02.2026"},
		{"/contracts?active_on=11/23/2026", "active_on", "11/23/2026"},
		{"/contracts?q=" + strings.Repeat("x", 201), "q", strings.Repeat("x", 60) + "…"},
		{"/contracts?lang=fr", "lang", "fr"},
		{"/contracts.csv?dialect=xlsx", "dialect", "xlsx"},
		{"/contracts.csv?kind=banana", "kind", "banana"},
		{"/contracts/abc", "id", "abc"},
		{"/?sort=%3Cb%3E", "sort", "<b>"},
	}
	for _, tt := range tests {
		res, body := get(t, h, tt.path)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", tt.path, res.StatusCode)
			continue
		}
		want := fmt.Sprintf("parameter %q has the value %q", tt.name, tt.value)
		if onPage := (strings.HasPrefix(tt.path, "/contracts?") || strings.HasPrefix(tt.path, "/?")) && tt.name != "lang"; onPage {
			want = fmt.Sprintf("%q is", tt.value)
			if !strings.Contains(body, `id="refused"`) {
				t.Errorf("GET %s: not the portfolio with its refusal", tt.path)
			}
		}
		if !strings.Contains(text(body), want) {
			t.Errorf("GET %s: page does not say %s:\n%s", tt.path, want, text(body))
		}
		if strings.Contains(body, "<b>") {
			t.Errorf("GET %s: value echoed unescaped", tt.path)
		}
	}
}

func TestExportCSV(t *testing.T) {
	h := New(testOptions(seeded(t)))
	res, body := get(t, h, "/contracts.csv?kind=retail&sort=name&page=2&per=25")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="wattfolio-contracts-2026-11-23.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || !slices.Contains(recs[0], "external_id") || !slices.Contains(recs[0], "working_price_ct_per_kwh") {
		t.Fatalf("no header: %q", recs)
	}
	col := slices.Index(recs[0], "external_id")
	var ids []string
	for _, r := range recs[1:] {
		ids = append(ids, r[col])
	}
	// Only the three retail contracts, all of them despite page=2, in name order.
	want := []string{"746841", "746840", "746839"} // "<script>…", "Gas …", "Strom …"
	if !slices.Equal(ids, want) {
		t.Errorf("rows %q, want %q", ids, want)
	}
}

func TestExportCSVExcelDE(t *testing.T) {
	h := New(testOptions(seeded(t)))
	res, body := get(t, h, "/contracts.csv?dialect=excel-de&q=m%C3%BCller")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !strings.HasPrefix(body, "\ufeff") {
		t.Error("no BOM for Excel")
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], ";") || !strings.Contains(lines[1], "28,5") {
		t.Errorf("excel-de export:\n%s", body)
	}
}

func TestExportEmptyHasHeader(t *testing.T) {
	h := New(testOptions(seeded(t)))
	_, body := get(t, h, "/contracts.csv?q=nothing-matches-this")
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 1 {
		t.Fatalf("empty export: %q, %v", recs, err)
	}
}

func TestLoopbackGuard(t *testing.T) {
	h := New(testOptions(seeded(t)))
	for host, want := range map[string]int{
		"evil.example":            http.StatusForbidden,
		"evil.example:34115":      http.StatusForbidden,
		"127.0.0.1.nip.io":        http.StatusForbidden,
		"localhost.evil.example":  http.StatusForbidden,
		"192.168.1.10:34115":      http.StatusForbidden,
		"":                        http.StatusForbidden,
		"localhost":               http.StatusOK,
		"localhost:34115":         http.StatusOK,
		"LOCALHOST:34115":         http.StatusOK,
		"127.0.0.1:8080":          http.StatusOK,
		"[::1]:8080":              http.StatusOK,
		"[::1]":                   http.StatusOK,
		"127.0.0.2:8080":          http.StatusOK, // serve --addr 127.0.0.2:8080
		"127.255.255.254":         http.StatusOK,
		"[::ffff:127.0.0.1]:8080": http.StatusOK,
		// The desktop's names are not this machine over TCP: a page in a
		// browser must not borrow the window's exemptions.
		"wails.localhost":           http.StatusForbidden,
		"wails":                     http.StatusForbidden,
		"wails.localhost:34115":     http.StatusForbidden,
		"wails:80":                  http.StatusForbidden,
		"127.0.0.1:notaport":        http.StatusForbidden,
		"128.0.0.1:8080":            http.StatusForbidden,
		"[::2]:8080":                http.StatusForbidden,
		"127.1:8080":                http.StatusForbidden,
		"localhost:34115@evil.test": http.StatusForbidden,
	} {
		res, _ := do(t, h, http.MethodGet, "/contracts", func(r *http.Request) { r.Host = host })
		if res.StatusCode != want {
			t.Errorf("Host %q: %d, want %d", host, res.StatusCode, want)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	h := New(testOptions(seeded(t)))
	for path, ctype := range map[string]string{"/static/app.css": "text/css", "/static/app.js": "javascript", "/static/favicon.svg": "image/svg+xml"} {
		res, body := get(t, h, path)
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
		if !strings.Contains(res.Header.Get("Content-Type"), ctype) {
			t.Errorf("GET %s: Content-Type %q", path, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(res.Header.Get("Cache-Control"), "max-age=") {
			t.Errorf("GET %s: no cache header", path)
		}
	}
	if res, _ := get(t, h, "/static/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /static/: %d, want 404 (no listing)", res.StatusCode)
	}
}

func TestSyncPage(t *testing.T) {
	s := openStore(t)
	cs := fixtures()
	syncSource(t, s, srcEnneo, cs[srcEnneo], nil, app.RunOK, "")
	syncSource(t, s, srcOtark, cs[srcOtark], []*app.RecordError{
		{Source: srcOtark, Record: "trade 4711", Field: "price", Err: fmt.Errorf("not a number: %q", "<b>n/a</b>")},
	}, app.RunFailed, "otark: 401 Unauthorized")
	if err := s.EnsureSource(context.Background(), srcProsumer, app.VendorProsumer, "https://prosumer.example/api"); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(s)
	opts.Now = func() time.Time { return time.Now().Add(50 * time.Hour) } // the store stamps runs with the real clock
	body := mustGet(t, New(opts), "/sync")
	txt := text(body)
	for _, want := range []string{
		srcEnneo, "https://api." + srcEnneo + ".example/v1", "enneo",
		srcProsumer, "Never synced", "No run yet",
		"Data is 2 days old",
		"otark: 401 Unauthorized",
		`trade 4711: field price: not a number: "<b>n/a</b>"`,
		"Fetched", "Failed", "Duration", "Started", "Finished",
		"OK", // run status badge
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("sync page lacks %q", want)
		}
	}
	if !strings.Contains(body, `class="staleness staleness-stale">Data is 2 days old`) {
		t.Error("two-day-old data is not highlighted")
	}
	if strings.Contains(body, "<b>n/a</b>") {
		t.Error("problem text is not escaped")
	}
	if strings.Contains(body, `http-equiv="refresh"`) {
		t.Error("page refreshes though nothing runs")
	}
	if strings.Contains(txt, "Sync now") {
		t.Error("sync button shown without a Syncer")
	}
	// Fresh data is not highlighted.
	opts.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	body = mustGet(t, New(opts), "/sync")
	if !strings.Contains(body, `<p class="staleness">Data is 2 hours old`) {
		t.Error("fresh data not shown as such")
	}
}

func TestSyncPageRefreshesWhileRunning(t *testing.T) {
	s := openStore(t)
	syncSource(t, s, srcEnneo, fixtures()[srcEnneo][:1], nil, app.RunRunning, "")
	body := mustGet(t, New(testOptions(s)), "/sync")
	if !strings.Contains(body, `<meta http-equiv="refresh" content="2; url=/sync">`) {
		t.Error("a running sync does not refresh the page")
	}
	if !strings.Contains(text(body), "Running") {
		t.Error("running status not shown")
	}
}

// fakeSyncer counts SyncAll calls; each blocks until release is closed.
type fakeSyncer struct {
	mu      sync.Mutex
	calls   int
	started chan struct{}
	release chan struct{}
	ctxErr  error
	waits   []engine.Wait // told to the context's hook before started
}

func (f *fakeSyncer) SyncAll(ctx context.Context) error {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	for _, w := range f.waits {
		engine.ReportWait(ctx, w)
	}
	if f.started != nil {
		f.started <- struct{}{}
	}
	if f.release != nil {
		<-f.release
	}
	f.mu.Lock()
	f.ctxErr = ctx.Err()
	f.mu.Unlock()
	return nil
}

func TestPostSync(t *testing.T) {
	s := seeded(t)
	fs := &fakeSyncer{started: make(chan struct{}, 1), release: make(chan struct{})}
	opts := testOptions(s)
	opts.Syncer = fs
	hd := newHandler(opts)
	h := hd.chain()

	if body := mustGet(t, h, "/sync"); !strings.Contains(body, `<form class="actions" method="post" action="/sync">`) || !strings.Contains(text(body), "Sync now") {
		t.Fatal("no Sync now button")
	}

	// The request's context ends with the request; the sync must not.
	ctx, cancel := context.WithCancel(context.Background())
	res, body := do(t, h, http.MethodPost, "/sync", func(r *http.Request) { *r = *r.WithContext(ctx) })
	cancel()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST /sync: %d, want 200 (no redirect)", res.StatusCode)
	}
	if !strings.Contains(text(body), "Sync started") || !strings.Contains(body, `http-equiv="refresh"`) {
		t.Errorf("POST /sync did not answer with the refreshing sync page:\n%s", text(body))
	}
	if !strings.Contains(body, "disabled") {
		t.Error("the button stays enabled during a sync")
	}
	select {
	case <-fs.started:
	case <-time.After(5 * time.Second):
		t.Fatal("SyncAll was not called")
	}

	// A second press while it runs starts nothing.
	_, body = do(t, h, http.MethodPost, "/sync")
	if !strings.Contains(text(body), "already running") {
		t.Error("second press does not say a sync is running")
	}
	close(fs.release)
	hd.wait()
	if fs.calls != 1 {
		t.Errorf("SyncAll called %d times, want 1", fs.calls)
	}
	if fs.ctxErr != nil {
		t.Errorf("sync context ended with the request: %v", fs.ctxErr)
	}
	if body := mustGet(t, h, "/sync"); strings.Contains(body, `http-equiv="refresh"`) {
		t.Error("page still refreshes after the sync finished")
	}
}

// While a sync runs, the page shows the latest wait between tries, so that
// a vendor answering 429 does not look like a hung sync; it goes with the sync.
func TestSyncPageShowsWaits(t *testing.T) {
	fs := &fakeSyncer{started: make(chan struct{}, 1), release: make(chan struct{}), waits: []engine.Wait{
		{Source: "otark", Cause: "503 Service Unavailable", Status: 503, For: 500 * time.Millisecond, Attempt: 2, Of: 3},
		{Source: "otark", Cause: "429 Too Many Requests", Status: 429, For: 12 * time.Second, Attempt: 2, Of: 5},
	}}
	opts := testOptions(seeded(t))
	opts.Syncer = fs
	hd := newHandler(opts)
	h := hd.chain()
	do(t, h, http.MethodPost, "/sync")
	<-fs.started
	const line = "otark: 429, waiting 12 s (attempt 2 of 5)"
	if body := mustGet(t, h, "/sync"); !strings.Contains(text(body), line) || strings.Contains(text(body), "otark: 503") {
		t.Errorf("running sync page does not show the latest wait %q:\n%s", line, text(body))
	}
	close(fs.release)
	hd.wait()
	if body := mustGet(t, h, "/sync"); strings.Contains(text(body), "waiting") {
		t.Errorf("the wait is still shown after the sync:\n%s", text(body))
	}
}

func TestPostSyncWithoutSyncer(t *testing.T) {
	h := New(testOptions(seeded(t)))
	if res, _ := do(t, h, http.MethodPost, "/sync"); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /sync without Syncer: %d, want 405", res.StatusCode)
	}
}

func TestPostSyncCrossOrigin(t *testing.T) {
	fs := &fakeSyncer{}
	opts := testOptions(seeded(t))
	opts.Syncer = fs
	hd := newHandler(opts)
	h := hd.chain()
	for _, hdr := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "http://evil.example"},
	} {
		res, _ := do(t, h, http.MethodPost, "/sync", func(r *http.Request) {
			for k, v := range hdr {
				r.Header.Set(k, v)
			}
		})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST /sync with %v: %d, want 403", hdr, res.StatusCode)
		}
	}
	// The window's host and origin over TCP are a browser page's, refused.
	res, _ := do(t, h, http.MethodPost, "/sync", func(r *http.Request) {
		r.Host = "wails"
		r.Header.Set("Origin", "wails://wails")
	})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /sync with Host wails over TCP: %d, want 403", res.StatusCode)
	}
	res, _ = do(t, h, http.MethodPost, "/sync", func(r *http.Request) { r.Header.Set("Origin", "wails://wails") })
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /sync with Origin wails://wails over TCP: %d, want 403", res.StatusCode)
	}
	// The same request from the window itself.
	res, _ = do(t, Window(h), http.MethodPost, "/sync", func(r *http.Request) {
		r.Host = "wails"
		r.Header.Set("Origin", "wails://wails")
	})
	if res.StatusCode != http.StatusOK {
		t.Errorf("POST /sync from the Wails window: %d, want 200", res.StatusCode)
	}
	hd.wait()
	if fs.calls > 1 {
		t.Errorf("refused requests started syncs: %d calls", fs.calls)
	}
}

func TestStoreFailureIsGeneric500(t *testing.T) {
	s := seeded(t)
	h := New(testOptions(s))
	s.Close() // the store is gone: every read fails
	res, body := get(t, h, "/contracts")
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", res.StatusCode)
	}
	if !strings.Contains(text(body), "Something went wrong") || strings.Contains(body, "sql") || strings.Contains(body, "cache:") {
		t.Errorf("500 page leaks detail or is missing:\n%s", text(body))
	}
	if res, _ := get(t, h, "/contracts.csv"); res.StatusCode != http.StatusInternalServerError || res.Header.Get("Content-Disposition") != "" {
		t.Errorf("failed export: %d %q, want 500 without attachment", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
}

func TestAllowedHost(t *testing.T) {
	for _, h := range []string{"localhost", "127.0.0.1:1", "[::1]:65535", "127.0.0.2", "127.10.20.30:8080"} {
		if !allowedHost(h) {
			t.Errorf("allowedHost(%q) = false", h)
		}
	}
	for _, h := range []string{"", "::1", "wails", "wails.localhost:80", "localhost.", "wails.example", "[::1]:123456", "10.0.0.1"} {
		if allowedHost(h) {
			t.Errorf("allowedHost(%q) = true", h)
		}
	}
}

// contractID finds the cache id of the contract with external id ext.
func contractID(t testing.TB, s interface {
	ListContracts(context.Context, app.ContractFilter) (app.ContractPage, error)
}, ext string) int64 {
	t.Helper()
	p, err := s.ListContracts(context.Background(), app.ContractFilter{Query: ext, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Contracts {
		if c.ExternalID == ext {
			return c.ID
		}
	}
	t.Fatalf("no contract %s", ext)
	return 0
}

func reversed(s []string) []string {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

func TestPostSyncFromWailsWindowWithOpaqueOrigin(t *testing.T) {
	fs := &fakeSyncer{}
	opts := testOptions(seeded(t))
	opts.Syncer = fs
	hd := newHandler(opts)
	res, _ := do(t, Window(hd.chain()), http.MethodPost, "/sync", func(r *http.Request) {
		r.Host = "wails"
		r.Header.Set("Origin", "null")
	})
	hd.wait()
	if res.StatusCode != http.StatusOK || fs.calls != 1 {
		t.Errorf("POST /sync in the Wails window: %d, %d calls", res.StatusCode, fs.calls)
	}
	// The same opaque origin on a loopback port is a browser: refused.
	res, _ = do(t, hd.chain(), http.MethodPost, "/sync", func(r *http.Request) { r.Header.Set("Origin", "null") })
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /sync with Origin null on loopback: %d, want 403", res.StatusCode)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
