package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/db"
)

// enneoSeed is enneo's documented sample contract, as the connector stores
// it: the customer's e-mail, IBAN, phone and two addresses in the record.
func enneoSeed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../sync/vendors/enneo/testdata/contract_746839.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seedPersonal is what no page or export may show unasked; the phone is a
// number on the wire.
var seedPersonal = []string{"DE89370400440532013000", "491721041689", "Hugo-Junkers-Str. 5", "Rechnungssstraße 24", "email protected"}

// personalStore holds the seed contract, linked to a customer, and serves it.
func personalStore(t *testing.T) (http.Handler, *db.Store, int64) {
	t.Helper()
	s := openStore(t)
	c := app.Contract{
		ExternalID: "746839", Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: "active",
		Customer: app.Customer{ExternalID: "123", Name: "John Doe"}, Name: "Flex 24 · John Doe",
		Product: app.Product{Name: "Flex 24", Code: "flx_24"}, MeterID: "1ESY1160669167",
		Raw: enneoSeed(t),
	}
	syncSource(t, s, srcEnneo, []app.Contract{c}, nil, app.RunOK, "")
	if err := s.ReplaceAccounts(context.Background(), []app.Account{{Name: "John Doe", Links: []app.AccountLink{{Source: srcEnneo, ExternalID: "123"}}}}); err != nil {
		t.Fatal(err)
	}
	o := testOptions(s)
	o.Accounts = s
	return New(o), s, contractID(t, s, "746839")
}

func shows(body string) []string {
	var out []string
	for _, p := range seedPersonal {
		if strings.Contains(strings.ReplaceAll(body, "\u00a0", " "), p) {
			out = append(out, p)
		}
	}
	return out
}

func TestContractPageMasksPersonalData(t *testing.T) {
	h, _, id := personalStore(t)
	page := fmt.Sprintf("/contracts/%d", id)
	res, body := get(t, h, page)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("contract page: %d", res.StatusCode)
	}
	if got := shows(body); len(got) > 0 {
		t.Errorf("the contract page shows %q unasked", got)
	}
	for _, want := range []string{`&#34;iban&#34;: &#34;•••&#34;`, `&#34;productName&#34;: &#34;Flex 24&#34;`, "Show personal data"} {
		if !strings.Contains(body, want) {
			t.Errorf("contract page lacks %s", want)
		}
	}
	if !strings.Contains(body, `href="`+page+`?personal=show"`) {
		t.Errorf("no link to show the personal data")
	}

	// The explicit action shows it, not to be cached, with the way back.
	res, body = get(t, h, page+"?personal=show&lang=de")
	if got := shows(body); len(got) != len(seedPersonal) {
		t.Errorf("?personal=show shows %q, want all of %q", got, seedPersonal)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q on a page with personal data, want no-store", res.Header.Get("Cache-Control"))
	}
	if !strings.Contains(body, `href="`+page+`?lang=de"`) || !strings.Contains(body, "Personenbezogene Daten verbergen") {
		t.Errorf("no link to hide the personal data again (keeping the language)")
	}

	// A record without personal data offers nothing to show.
	s := seeded(t)
	_, body = get(t, New(testOptions(s)), fmt.Sprintf("/contracts/%d", contractID(t, s, "746840")))
	if strings.Contains(body, "personal data") {
		t.Errorf("a record without personal data mentions it")
	}
}

func TestCustomerAndPortfolioPagesShowNoPersonalData(t *testing.T) {
	h, s, _ := personalStore(t)
	accts, err := s.Accounts(context.Background())
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts: %v %v", accts, err)
	}
	for _, path := range []string{"/", "/contracts?q=flex", "/customers", fmt.Sprintf("/customers/%d", accts[0].ID)} {
		body := mustGet(t, h, path)
		if got := shows(body); len(got) > 0 {
			t.Errorf("%s shows %q", path, got)
		}
	}
}

func TestContractsCSVLeavesOutPersonalDataUnlessAsked(t *testing.T) {
	h, _, _ := personalStore(t)
	for _, q := range []string{"", "?dialect=excel-de", "?account=1"} {
		res, body := get(t, h, "/contracts.csv"+q)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("export %s: %d", q, res.StatusCode)
		}
		if got := shows(body); len(got) > 0 || strings.Contains(body, "personal_") {
			t.Errorf("export %s carries %q", q, got)
		}
	}
	res, body := get(t, h, "/contracts.csv?personal=include")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export with personal data: %d", res.StatusCode)
	}
	if got := shows(body); len(got) != len(seedPersonal) {
		t.Errorf("export with personal data carries %q, want all of %q", got, seedPersonal)
	}
	header := strings.SplitN(body, "\r\n", 2)[0]
	if !strings.HasSuffix(header, ",personal_email,personal_phone,personal_iban,personal_address") {
		t.Errorf("header %q", header)
	}
	if res, _ := get(t, h, "/contracts.csv?personal=yes"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("personal=yes: %d, want 400", res.StatusCode)
	}
	// The portfolio offers it as its own link.
	if body := mustGet(t, h, "/contracts"); !strings.Contains(body, `href="/contracts.csv?dialect=standard&amp;personal=include"`) {
		t.Errorf("the portfolio has no export link with personal data")
	}
}
