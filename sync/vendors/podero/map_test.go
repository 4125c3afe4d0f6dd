package podero

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/contractdiff"
)

// The docs' sample response, served under a base path as a bare array and
// as a Django REST page, maps field by field.
func TestSeedPayloadMapsEveryField(t *testing.T) {
	seed := readSeed(t)
	for _, tt := range []struct {
		name string
		body []byte
	}{
		{"bare array", append(append([]byte("[\n"), seed...), ']')},
		{"page", append(append([]byte(`{"count": 1, "next": null, "previous": null, "results": [`), seed...), "]}"...)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := newFakeVendor(t, func(string, int) answer { return answer{body: tt.body} })
			c := newTestClient(t, v, Config{UserIDs: []string{"7a1c2e9d-5b4f-4c3e-8a2d-6f9b0c1d2e3f"}})
			pages, err := collect(t.Context(), c, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != 1 || len(pages[0].Contracts) != 1 || len(pages[0].Failures) != 0 || pages[0].Cursor != "1" {
				t.Fatalf("pages = %+v", pages)
			}
			want := app.Contract{
				Source:     "test",
				Vendor:     app.VendorPodero,
				ExternalID: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
				Kind:       app.KindPartner,
				Commodity:  app.CommodityElectricity,
				Status:     "active",
				Customer:   app.Customer{ExternalID: "7a1c2e9d-5b4f-4c3e-8a2d-6f9b0c1d2e3f"},
				Name:       "<string> · spot_hourly",
				Parties:    app.Parties{Supplier: "<string>"},
				// No prices: the placeholder currency prices nothing and
				// the default stands; there is no price in force.
				Prices:  app.Prices{Currency: "EUR"},
				MeterID: "<string>",
				Partner: &app.PartnerTerms{
					UserID:                     "7a1c2e9d-5b4f-4c3e-8a2d-6f9b0c1d2e3f",
					ContractType:               "spot_hourly",
					BuildingID:                 "3c90c3cc-0d44-4b50-8888-8dd25736052a",
					IncludesExternalComponents: app.Ptr(true),
				},
				Raw:       bytes.TrimSpace(seed),
				FetchedAt: time.Date(2026, 1, 15, 12, 30, 45, 0, time.UTC),
			}
			diffContract(t, pages[0].Contracts[0], want)
			if v.tokensIssued() != 1 {
				t.Errorf("%d tokens fetched, want 1", v.tokensIssued())
			}
		})
	}
}

// A realistic spot contract: prices out of order, negative, five decimals,
// exponent notation; lower-case currency; building_id instead of building;
// plus a constant contract with nulls.
func TestRealisticPayloadMapsEveryField(t *testing.T) {
	spot := `{"energy_contract_type": "spot_hourly", "energy_prices": [
		{"price": 0.10342, "timestamp": "2026-01-15T14:00:00+01:00"},
		{"price": 0.12345, "timestamp": "2026-01-15T11:00:00Z"},
		{"price": -0.01234, "timestamp": "2026-01-15T12:00:00Z"},
		{"price": 1.5e-2, "timestamp": "2026-01-15T14:00:00Z"}
	], "id": "aa4e0c4b-1d0a-4bd8-9a54-0c4f4e1c2d3e", "building_id": "5b9f8d2c-0e1a-4c3b-8d7e-6f5a4b3c2d1e",
	"meter_id": "1ESY1161234567", "supplier": "Tibber", "currency_energy_price": "eur",
	"energy_price_includes_external_components": false, "x_new_field": {"a": 1}}`
	constant := `{"energy_contract_type": null, "energy_prices": [{"price": 0.3199, "timestamp": "2025-04-01T00:00:00+02:00"}],
	"id": "bb4e0c4b-1d0a-4bd8-9a54-0c4f4e1c2d3e", "building": null, "meter_id": null,
	"supplier": "Stadtwerke München", "currency_energy_price": null, "energy_price_includes_external_components": null}`
	v := newFakeVendor(t, func(string, int) answer { return answer{body: bodyOf(spot, constant)} })
	c := newTestClient(t, v, Config{})
	pages, err := collect(t.Context(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	cs, fs := flatten(pages)
	if len(cs) != 2 || len(fs) != 0 {
		t.Fatalf("contracts %v, failures %v", ids(cs), fs)
	}
	fetched := time.Date(2026, 1, 15, 12, 30, 45, 0, time.UTC)
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	diffContract(t, cs[0], app.Contract{
		Source: "test", Vendor: app.VendorPodero, ExternalID: "aa4e0c4b-1d0a-4bd8-9a54-0c4f4e1c2d3e",
		Kind: app.KindPartner, Commodity: app.CommodityElectricity, Status: "active",
		Customer: app.Customer{ExternalID: "u1"},
		Name:     "Tibber · spot_hourly",
		Parties:  app.Parties{Supplier: "Tibber"},
		// 12:30:45 UTC: the 12:00 price is in force.
		Prices:  app.Prices{Currency: "EUR", WorkingPerKWh: dec("-0.01234")},
		MeterID: "1ESY1161234567",
		Partner: &app.PartnerTerms{
			UserID: "u1", ContractType: "spot_hourly", BuildingID: "5b9f8d2c-0e1a-4c3b-8d7e-6f5a4b3c2d1e",
			IncludesExternalComponents: app.Ptr(false),
			Prices: []app.PricePoint{
				{From: at("2026-01-15T11:00:00Z"), PerKWh: app.MustDecimal("0.12345")},
				{From: at("2026-01-15T12:00:00Z"), PerKWh: app.MustDecimal("-0.01234")},
				{From: at("2026-01-15T13:00:00Z"), PerKWh: app.MustDecimal("0.10342")},
				{From: at("2026-01-15T14:00:00Z"), PerKWh: app.MustDecimal("0.015")},
			},
		},
		Raw:       []byte(spot),
		FetchedAt: fetched,
	})
	diffContract(t, cs[1], app.Contract{
		Source: "test", Vendor: app.VendorPodero, ExternalID: "bb4e0c4b-1d0a-4bd8-9a54-0c4f4e1c2d3e",
		Kind: app.KindPartner, Commodity: app.CommodityElectricity, Status: "active",
		Customer: app.Customer{ExternalID: "u1"},
		Name:     "Stadtwerke München",
		Parties:  app.Parties{Supplier: "Stadtwerke München"},
		Prices:   app.Prices{Currency: "EUR", WorkingPerKWh: dec("0.3199")},
		Partner: &app.PartnerTerms{
			UserID: "u1",
			Prices: []app.PricePoint{{From: at("2025-03-31T22:00:00Z"), PerKWh: app.MustDecimal("0.3199")}},
		},
		Raw:       []byte(constant),
		FetchedAt: fetched,
	})
}

// mapOne serves one contract object and returns its contract or failure.
func mapOne(t *testing.T, obj string) (*app.Contract, *app.RecordError) {
	t.Helper()
	v := newFakeVendor(t, func(string, int) answer { return answer{body: bodyOf(obj)} })
	pages, err := collect(t.Context(), newTestClient(t, v, Config{}), "")
	if err != nil {
		t.Fatal(err)
	}
	cs, fs := flatten(pages)
	switch {
	case len(cs) == 1 && len(fs) == 0:
		return &cs[0], nil
	case len(cs) == 0 && len(fs) == 1:
		return nil, fs[0]
	}
	t.Fatalf("contracts %v, failures %v", ids(cs), fs)
	return nil, nil
}

func TestLengthLimits(t *testing.T) {
	tests := []struct {
		name, field, value string
		wantErr            string // empty: accepted
	}{
		{"meter id of 19", "meter_id", strings.Repeat("1", 19), ""},
		{"meter id of 20", "meter_id", "DE0001234567890123456"[:20], "field meter_id: 20 characters, more than the documented limit of 19"},
		{"supplier of 100 with umlauts", "supplier", strings.Repeat("ü", 100), ""},
		{"supplier of 101", "supplier", strings.Repeat("a", 101), "field supplier: 101 characters, more than the documented limit of 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := mapOne(t, contractJSON("c1", map[string]*string{tt.field: lit(fmt.Sprintf("%q", tt.value))}))
			if tt.wantErr == "" {
				if f != nil {
					t.Fatalf("rejected: %v", f)
				}
				if got := map[string]string{"meter_id": c.MeterID, "supplier": c.Parties.Supplier}[tt.field]; got != tt.value {
					t.Errorf("%s = %q", tt.field, got)
				}
				return
			}
			if f == nil {
				t.Fatal("accepted")
			}
			if f.Record != "contract c1" || f.Field != tt.field || f.Source != "test" || !strings.Contains(f.Error(), tt.wantErr) {
				t.Errorf("failure %+v: %v", f, f)
			}
		})
	}
}

// Prices are read from their JSON literal: exact, negative, exponents.
func TestSpotPricesExact(t *testing.T) {
	lits := []string{"0.12345", "-0.05", "-0.00001", "0.1", "0", "0.0", "1.5e-2", "2E-5", "0.45", "-0.049999"}
	var items []string
	for i, l := range lits {
		items = append(items, fmt.Sprintf(`{"price": %s, "timestamp": "2026-01-15T%02d:00:00Z"}`, l, i))
	}
	c, f := mapOne(t, contractJSON("c1", map[string]*string{
		"energy_contract_type": lit(`"spot_hourly"`),
		"energy_prices":        lit("[" + strings.Join(items, ", ") + "]"),
	}))
	if f != nil {
		t.Fatal(f)
	}
	want := []string{"0.12345", "-0.05", "-0.00001", "0.1", "0", "0", "0.015", "0.00002", "0.45", "-0.049999"}
	if len(c.Partner.Prices) != len(want) {
		t.Fatalf("%d prices", len(c.Partner.Prices))
	}
	for i, p := range c.Partner.Prices {
		if p.PerKWh != app.MustDecimal(want[i]) || p.From.Hour() != i {
			t.Errorf("price %d = %s from %v, want %s", i, p.PerKWh, p.From, want[i])
		}
	}
	// The in-force price at 12:30 UTC is the last, from 09:00.
	if w := c.Prices.WorkingPerKWh; w == nil || *w != app.MustDecimal("-0.049999") {
		t.Errorf("working price %v", contractdiff.Show(w))
	}
	// Exactly: 0.12345 is 123450 millionths, not 0.12344999….
	if int64(c.Partner.Prices[0].PerKWh) != 123450 {
		t.Errorf("0.12345 read as %d millionths", int64(c.Partner.Prices[0].PerKWh))
	}
}

func TestWorkingPriceInForce(t *testing.T) {
	prices := func(stamps ...string) *string {
		var items []string
		for i, s := range stamps {
			items = append(items, fmt.Sprintf(`{"price": 0.%d, "timestamp": %s}`, i+1, s))
		}
		return lit("[" + strings.Join(items, ",") + "]")
	}
	tests := []struct {
		name   string
		prices *string
		want   *app.Decimal
	}{
		{"all in the future: the first", prices(`"2026-02-01T00:00:00Z"`, `"2026-03-01T00:00:00Z"`), dec("0.1")},
		{"all past: the last", prices(`"2025-01-01T00:00:00Z"`, `"2025-06-01T00:00:00Z"`), dec("0.2")},
		{"one starting exactly now", prices(`"2026-01-15T12:30:45Z"`, `"2025-06-01T00:00:00Z"`), dec("0.1")},
		{"one constant price without timestamp", prices(`null`), dec("0.1")},
		{"no prices", lit(`[]`), nil},
		{"null prices", lit(`null`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := mapOne(t, contractJSON("c1", map[string]*string{"energy_prices": tt.prices}))
			if f != nil {
				t.Fatal(f)
			}
			if contractdiff.Show(c.Prices.WorkingPerKWh) != contractdiff.Show(tt.want) {
				t.Errorf("working price %s, want %s", contractdiff.Show(c.Prices.WorkingPerKWh), contractdiff.Show(tt.want))
			}
		})
	}
}

func TestCurrencyRules(t *testing.T) {
	one := `[{"price": 0.3, "timestamp": "2026-01-01T00:00:00Z"}]`
	two := `[{"price": 0.1, "timestamp": "2026-01-15T00:00:00Z"}, {"price": 0.2, "timestamp": "2026-01-15T01:00:00Z"}]`
	tests := []struct {
		name, typ, currency, prices string
		want                        string // currency, or the record error
		wantField                   string
	}{
		{"constant, null: EUR", `"yearly"`, `null`, one, "EUR", ""},
		{"monthly, absent: EUR", `"monthly"`, "", one, "EUR", ""},
		{"null type, several prices, null: EUR", `null`, `null`, two, "EUR", ""},
		{"lower case is upper-cased", `"yearly"`, `"chf"`, one, "CHF", ""},
		{"spot with prices, EUR", `"spot_hourly"`, `"EUR"`, two, "EUR", ""},
		{"spot with prices, null", `"spot_hourly"`, `null`, two, "an ISO 4217 code is required for spot_hourly prices", "currency_energy_price"},
		{"spot with prices, empty", `"spot_hourly"`, `""`, one, "an ISO 4217 code is required for spot_hourly prices", "currency_energy_price"},
		{"spot without prices, null: EUR", `"spot_hourly"`, `null`, `[]`, "EUR", ""},
		{"not a code, with prices", `"yearly"`, `"Euro"`, one, `want an ISO 4217 code such as EUR, got "EURO"`, "currency_energy_price"},
		{"not a code, no prices: EUR", `"yearly"`, `"<string>"`, `[]`, "EUR", ""},
		{"a number", `"yearly"`, `978`, one, "want a string, got number 978", "currency_energy_price"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := map[string]*string{"energy_contract_type": lit(tt.typ), "energy_prices": lit(tt.prices), "currency_energy_price": lit(tt.currency)}
			if tt.currency == "" {
				o["currency_energy_price"] = nil
			}
			c, f := mapOne(t, contractJSON("c1", o))
			if tt.wantField == "" {
				if f != nil {
					t.Fatal(f)
				}
				if c.Prices.Currency != tt.want {
					t.Errorf("currency %q, want %q", c.Prices.Currency, tt.want)
				}
				return
			}
			if f == nil || f.Field != tt.wantField || !strings.Contains(f.Error(), tt.want) {
				t.Errorf("failure %v, want field %s: %s", f, tt.wantField, tt.want)
			}
		})
	}
}

// A wrong JSON type fails that contract only, naming the field.
func TestWrongTypes(t *testing.T) {
	tests := []struct {
		name, field, value string
		wantRecord         string
		wantField, wantErr string
	}{
		{"price as string", "energy_prices", `[{"price": "0.3", "timestamp": "2026-01-01T00:00:00Z"}]`, "contract c1", "energy_prices[0].price", `want a number, got string "0.3"`},
		{"price null", "energy_prices", `[{"price": null, "timestamp": "2026-01-01T00:00:00Z"}]`, "contract c1", "energy_prices[0].price", "want a number, got null"},
		{"prices an object", "energy_prices", `{"price": 1}`, "contract c1", "energy_prices", "want an array of prices, got an object"},
		{"price item a number", "energy_prices", `[0.3]`, "contract c1", "energy_prices[0]", "want a price object, got number 0.3"},
		{"timestamp without offset", "energy_prices", `[{"price": 0.3, "timestamp": "2026-01-01T00:00:00"}]`, "contract c1", "energy_prices[0].timestamp", "with a UTC offset"},
		{"timestamp missing among several", "energy_prices", `[{"price": 0.3}, {"price": 0.2, "timestamp": "2026-01-01T00:00:00Z"}]`, "contract c1", "energy_prices[0].timestamp", "missing"},
		{"meter id a number", "meter_id", `1161234567`, "contract c1", "meter_id", "want a string, got number 1161234567"},
		{"includes a string", "energy_price_includes_external_components", `"yes"`, "contract c1", "energy_price_includes_external_components", `want true, false or null, got string "yes"`},
		{"supplier an array", "supplier", `["EWE"]`, "contract c1", "supplier", "want a string, got an array"},
		{"id a number", "id", `42`, "user u1 contract #2", "id", "want a string, got number 42"},
		{"id null", "id", `null`, "user u1 contract #2", "id", "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := contractJSON("c1", map[string]*string{tt.field: lit(tt.value)})
			v := newFakeVendor(t, func(string, int) answer {
				return answer{body: bodyOf(contractJSON("c0", nil), bad, contractJSON("c2", nil))}
			})
			pages, err := collect(t.Context(), newTestClient(t, v, Config{}), "")
			if err != nil {
				t.Fatal(err)
			}
			cs, fs := flatten(pages)
			if got := strings.Join(ids(cs), ","); got != "c0,c2" || len(fs) != 1 {
				t.Fatalf("contracts %s, failures %v", got, fs)
			}
			f := fs[0]
			if f.Record != tt.wantRecord || f.Field != tt.wantField || f.Source != "test" || !strings.Contains(f.Err.Error(), tt.wantErr) {
				t.Errorf("failure %+v (%v); want %s field %s: %s", f, f, tt.wantRecord, tt.wantField, tt.wantErr)
			}
		})
	}
	t.Run("a contract that is not an object", func(t *testing.T) {
		v := newFakeVendor(t, func(string, int) answer { return answer{body: bodyOf(contractJSON("c0", nil), `"c1"`)} })
		pages, err := collect(t.Context(), newTestClient(t, v, Config{}), "")
		if err != nil {
			t.Fatal(err)
		}
		cs, fs := flatten(pages)
		if len(cs) != 1 || len(fs) != 1 || fs[0].Record != "user u1 contract #2" || !strings.Contains(fs[0].Error(), `want a contract object, got string "c1"`) {
			t.Errorf("contracts %v, failures %v", ids(cs), fs)
		}
	})
}
