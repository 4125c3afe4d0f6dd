package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"wattfolio/app"
)

// The facets beside the portfolio's filters count each status, vendor and
// commodity under the other filters, in the page and in its twin, through
// both the index-only count and the one for customer, day and search.
func TestPortfolioFacets(t *testing.T) {
	o := testOptions(seeded(t))
	german(&o) // German by default; the page is also read with ?lang=en
	h := New(o)
	for _, tc := range []struct {
		query                     string
		status, vendor, commodity string // value=count, most first
	}{
		{"", "active=3 ended=1 failed=1 pending=1", "enneo=3 prosumer=2 otark=1", "electricity=4 gas=1 heat=1"},
		{"vendor=enneo", "active=2 ended=1", "enneo=3 prosumer=2 otark=1", "electricity=2 gas=1"},
		{"vendor=enneo&status=active", "active=2 ended=1", "enneo=2 otark=1", "electricity=2"},
		{"commodity=heat", "failed=1", "prosumer=1", "electricity=4 gas=1 heat=1"},
		{"kind=retail", "active=2 ended=1", "enneo=3", "electricity=2 gas=1"},
		{"status=bogus", "active=3 ended=1 failed=1 pending=1 bogus=0", "", ""},
		// The counts that need each contract's customer or dates.
		{"q=m%C3%BCller", "active=1", "enneo=1", "electricity=1"},
		{"q=m%C3%BCller&status=ended", "active=1 ended=0", "", ""},
		{"active_on=2027-01-01", "active=2 failed=1 pending=1", "prosumer=2 enneo=1 otark=1", "electricity=3 heat=1"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			res, body := get(t, h, "/contracts.json?"+tc.query)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			var doc struct {
				Facets map[string][]struct {
					Value string `json:"value"`
					Count int    `json:"count"`
				} `json:"facets"`
			}
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct{ name, want string }{{"status", tc.status}, {"vendor", tc.vendor}, {"commodity", tc.commodity}} {
				var got []string
				for _, c := range doc.Facets[f.name] {
					got = append(got, fmt.Sprintf("%s=%d", c.Value, c.Count))
				}
				if strings.Join(got, " ") != f.want {
					t.Errorf("%s facet %q, want %q", f.name, strings.Join(got, " "), f.want)
				}
			}
		})
	}

	// On the page: each value a link that applies it, with its count; the
	// applied one a link that removes it.
	page := mustGet(t, h, "/contracts?vendor=enneo&sort=status&lang=en")
	for _, want := range []string{
		`<a class="facet-value" href="/contracts?lang=en&amp;sort=status&amp;status=active&amp;vendor=enneo">Active <span class="facet-count">2</span>`,
		`<a class="facet-value facet-selected" href="/contracts?lang=en&amp;sort=status" aria-current="true" title="Remove this filter">enneo <span class="facet-count">3</span>`,
		`<a class="facet-value" href="/contracts?lang=en&amp;sort=status&amp;vendor=prosumer">Prosumer <span class="facet-count">2</span>`,
		`<h2 class="facet-title">By commodity</h2>`,
	} {
		if !strings.Contains(strings.Join(strings.Fields(page), " "), want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if de := text(mustGet(t, h, "/contracts")); !strings.Contains(de, "Nach Anbieter enneo 3 Prosumer 2 otark 1") {
		t.Errorf("German facets: %s", de)
	}
}

// A long name, product, customer and meter number are cut in the table to
// keep it readable, but each cut cell has the whole value in its title,
// and the CSV has it whole.
func TestLongValuesAreWholeSomewhere(t *testing.T) {
	s := openStore(t)
	name := "Strom Business 24 Plus mit Herkunftsnachweis und Preisgarantie bis Ende 2027 – Bäckerei Müller Filiale Hauptbahnhof Ost"
	meter := "DE0001234567890000000000000000001"
	c := fixtures()[srcEnneo][0]
	c.Name, c.MeterID = name, meter
	c.Product.Name = "Strom Business 24 Plus mit Herkunftsnachweis und Preisgarantie"
	c.Customer.Name = "Bäckerei Müller GmbH & Co. KG, Filialbetrieb Hauptbahnhof Ost und Umgebung"
	syncSource(t, s, srcEnneo, []app.Contract{c}, nil, app.RunOK, "")
	h := New(testOptions(s))
	body := mustGet(t, h, "/contracts")
	for _, v := range []string{name, meter, c.Product.Name, c.Customer.Name} {
		if !strings.Contains(html.UnescapeString(body), `title="`+v+`"`) {
			t.Errorf("no title with the whole %q", v)
		}
	}
	res, csv := get(t, h, "/contracts.csv")
	if res.StatusCode != http.StatusOK {
		t.Fatal(res.StatusCode)
	}
	for _, v := range []string{name, meter, c.Product.Name, c.Customer.Name} {
		if !strings.Contains(csv, v) {
			t.Errorf("the CSV cuts %q", v)
		}
	}
}

// The counts are kept between pages for one state of the data, and a sync
// that changes the contracts changes them.
func TestFacetsFollowASync(t *testing.T) {
	s := seeded(t)
	h := New(testOptions(s))
	count := func() string {
		_, body := get(t, h, "/contracts.json?vendor=otark&page=1")
		var doc struct {
			Facets struct {
				Status []struct {
					Value string `json:"value"`
					Count int    `json:"count"`
				} `json:"status"`
			} `json:"facets"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(doc.Facets.Status)
	}
	if got := count(); got != "[{active 1}]" || count() != got {
		t.Fatalf("otark's statuses %s", got)
	}
	ppa := fixtures()[srcOtark][0]
	ppa2 := ppa
	ppa2.ExternalID, ppa2.Status = "PPA-2026-02", "pending"
	syncSource(t, s, srcOtark, []app.Contract{ppa, ppa2}, nil, app.RunOK, "")
	if got := count(); got != "[{active 1} {pending 1}]" {
		t.Errorf("after the sync: %s", got)
	}
}

// The status list and the customers with their contract counts are kept
// between pages too, and follow a sync that brings a new status or
// contract and a sources file that renames a customer.
func TestListsFollowSyncsAndAccounts(t *testing.T) {
	s := seeded(t)
	o := testOptions(s)
	o.Accounts = s
	h := New(o)
	ctx := context.Background()
	link := []app.AccountLink{{Source: srcEnneo, ExternalID: "K-1001"}}
	if err := s.ReplaceAccounts(ctx, []app.Account{{Name: "Mueller Gruppe", Links: link}}); err != nil {
		t.Fatal(err)
	}
	total := regexp.MustCompile(`>([A-Za-z ]+)</a>\s*</td>(?s:.*?)<td class="num"><strong>(\d+)</strong>`)
	customers := func() string {
		_, body := get(t, h, "/customers")
		var rows []string
		for _, m := range total.FindAllStringSubmatch(body, -1) {
			rows = append(rows, m[1]+": "+m[2])
		}
		return strings.Join(rows, ", ")
	}
	statuses := func() bool {
		_, body := get(t, h, "/contracts")
		return strings.Contains(body, `<option value="suspended"`)
	}
	// The enneo fixtures hold one contract of K-1001.
	if got := customers(); got != "Mueller Gruppe: 1" || customers() != got {
		t.Fatalf("customers %q", got)
	}
	if statuses() || statuses() {
		t.Fatal("a status no contract has is listed")
	}
	cs := fixtures()[srcEnneo]
	extra := cs[0]
	extra.ExternalID, extra.Status = "V-NEW", "suspended"
	syncSource(t, s, srcEnneo, append(cs, extra), nil, app.RunOK, "")
	if got := customers(); got != "Mueller Gruppe: 2" {
		t.Errorf("after a sync that adds a contract: %q", got)
	}
	if !statuses() {
		t.Error("after a sync that brings a new status it is not listed")
	}
	if err := s.ReplaceAccounts(ctx, []app.Account{{Name: "Mueller Holding", Links: link}}); err != nil {
		t.Fatal(err)
	}
	if got := customers(); got != "Mueller Holding: 2" {
		t.Errorf("after the customer's renaming: %q", got)
	}
}
