package podero

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/sync/vendors/internal/rest"
	"wattfolio/sync/vendors/internal/vendortest"
)

// A list answer (a bare array or a page) maps contract by contract to one
// the cache can keep, within the documented limits, or to a failure; and
// every contract that maps can be edited offline: the outbox reads its
// editable fields from the same JSON.
func FuzzDecodeList(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "contract_seed.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(append(append([]byte("["), seed...), ']'))
	f.Add(append(append([]byte(`{"count":1,"next":null,"previous":null,"results":[`), seed...), "]}"...))
	for _, s := range []string{
		`[{"id":"c1","energy_contract_type":"monthly","energy_prices":[{"price":0.31}],"energy_price_includes_external_components":false}]`,
		`[{"id":"c2","energy_contract_type":"spot_hourly","currency_energy_price":"eur","energy_prices":[{"price":"0.1","timestamp":"2026-01-01T00:00:00+01:00"},{"price":0.2,"timestamp":"2026-01-01"}]}]`,
		`[{"id":"c3","energy_prices":[{"price":1e-7,"timestamp":"2026-01-01 10:00:00+00:00"}],"building_id":"3C90C3CC0D444B5088888DD25736052A"}]`,
		`{"results":[{"id":""},{"id":5},null],"next":"https://x/?page=2"}`, `{"results":null}`, `{}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	m := mapper{source: "s"}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		lp, err := decodeList(body)
		if err != nil {
			vendortest.CheckFailure(t, body, err.Error())
			return
		}
		for _, raw := range lp.items {
			c, id, ferr := m.toContract(raw, "u1", at)
			if ferr != nil {
				vendortest.CheckFailure(t, body, ferr.Error())
				continue
			}
			vendortest.CheckMapped(t, raw, c)
			p := c.Partner
			switch {
			case id != c.ExternalID || p == nil:
				t.Fatalf("contract %q named %q, terms %v", c.ExternalID, id, p)
			case utf8.RuneCountInString(c.MeterID) > MaxMeterIDLen || utf8.RuneCountInString(c.Parties.Supplier) > MaxSupplierLen:
				t.Fatalf("meter %q or supplier %q beyond the documented limits", c.MeterID, c.Parties.Supplier)
			case !slices.IsSortedFunc(p.Prices, func(a, b app.PricePoint) int { return a.From.Compare(b.From) }):
				t.Fatalf("prices not in time order: %v", p.Prices)
			case len(c.Prices.Currency) != 3:
				t.Fatalf("currency %q", c.Prices.Currency)
			}
			if _, err := outbox.PoderoValues(c.Raw); err != nil {
				t.Fatalf("contract maps but cannot be edited: %v\n%s", err, c.Raw)
			}
		}
	})
}

// The token endpoint's answer and an error body are read without a panic;
// a token is never quoted, and the messages are valid UTF-8.
func FuzzVendorAnswers(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"eyJ0eXAi.abc","token_type":"Bearer","expires_in":3600}`,
		`{"access_token":"t","token_type":"bearer","expires_in":"86400.5"}`, `{"access_token":"a b"}`,
		`{"error":"invalid_client","error_description":"Client authentication failed"}`,
		`{"detail":"Nicht gefunden."}`, `{"meter_id":["Stellen Sie sicher, dass dieses Feld nicht mehr als 19 Zeichen hat."],"supplier":"x"}`,
		`{"x":{"y":1}}`, `<html>502 Bad Gateway</html>`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, life, err := rest.ParseToken(body, DefaultTokenLifetime)
		switch {
		case err == nil && (tok == "" || life < 0):
			t.Fatalf("token %q for %v", tok, life)
		case err != nil:
			vendortest.CheckFailure(t, body, err.Error())
		}
		_ = rest.OAuthCode(body)
		msg := VendorMessage(body)
		if msg == "" || len(msg) > maxErrorMessage+len("…") {
			t.Fatalf("message of %d bytes: %q", len(msg), msg)
		}
		vendortest.CheckFailure(t, body, msg)
	})
}
