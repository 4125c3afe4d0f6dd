package history

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
)

func TestDiff(t *testing.T) {
	base := app.Contract{
		ID: 7, Source: "s", ExternalID: "c1", Kind: app.KindPartner, Name: "Fix",
		Customer: app.Customer{ExternalID: "u1", AccountName: "Linked by the store"},
		Prices:   app.Prices{Currency: "EUR", WorkingPerKWh: app.Ptr(app.MustDecimal("0.279"))},
		Partner: &app.PartnerTerms{ContractType: "monthly", IncludesExternalComponents: app.Ptr(true),
			Prices: []app.PricePoint{{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), PerKWh: app.MustDecimal("0.25")}}},
		Raw:       []byte(`{"id":"c1","supplier":"A","extra":{"note":"x"}}`),
		FetchedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	v := func(c app.Contract, removed bool) Version {
		return Version{Raw: c.Raw, Fields: Fields(&c), Removed: removed}
	}
	with := func(f func(*app.Contract)) app.Contract {
		c := base
		p := *base.Partner
		c.Partner = &p
		f(&c)
		return c
	}
	tests := []struct {
		name     string
		old, new Version
		want     []app.Change
	}{
		{"same contract, fetched again and linked otherwise", v(base, false),
			v(with(func(c *app.Contract) { c.FetchedAt = c.FetchedAt.Add(time.Hour); c.Customer.AccountName = "" }), false), nil},
		{"mapped fields in the contract's order, raw not repeated", v(base, false),
			v(with(func(c *app.Contract) {
				c.Partner.ContractType = "yearly"
				c.Prices.WorkingPerKWh = app.Ptr(app.MustDecimal("0.3"))
				c.Partner.Prices = append(c.Partner.Prices, app.PricePoint{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), PerKWh: app.MustDecimal("0.26")})
				c.Raw = []byte(`{"id":"c1","supplier":"B"}`)
			}), false),
			[]app.Change{
				{Field: "Prices.WorkingPerKWh", Old: "0.279", New: "0.3"},
				{Field: "Partner.ContractType", Old: "monthly", New: "yearly"},
				{Field: "Partner.Prices", Old: "2026-01-01T00:00:00Z 0.25", New: "2026-01-01T00:00:00Z 0.25; 2026-02-01T00:00:00Z 0.26"},
			}},
		{"a field the mapping leaves out shows by its raw path", v(base, false),
			v(with(func(c *app.Contract) { c.Raw = []byte(`{"id":"c1","supplier":"A","extra":{"note":"y"}}`) }), false),
			[]app.Change{{Field: "raw: extra.note", Old: "x", New: "y"}}},
		{"removed, nothing else changed", v(base, false), v(base, true),
			[]app.Change{{Field: Upstream, Old: Current, New: Removed}}},
		{"back, with a new price", v(base, true), v(with(func(c *app.Contract) { c.Partner.IncludesExternalComponents = app.Ptr(false) }), false),
			[]app.Change{{Field: Upstream, Old: Removed, New: Current}, {Field: "Partner.IncludesExternalComponents", Old: "true", New: "false"}}},
		{"a version from before history compares raw only", Version{Raw: base.Raw}, v(with(func(c *app.Contract) { c.Name = "New" }), false), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Diff(tt.old, tt.new); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diff =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// Two vendor names that differ only in invalid UTF-8 bytes are different
// fields: JSON alone would make both "B\ufffdckerei", and the second sync
// would keep the first name (found by FuzzContractsCSV).
func TestFieldsKeepInvalidUTF8Apart(t *testing.T) {
	a := &app.Contract{ExternalID: "F-1", Name: "B\xc3ckerei M\xbcller GmbH"}
	b := &app.Contract{ExternalID: "F-1", Name: "B\xc3ckerei M\xc3ller GmbH"}
	if Fields(a) == Fields(b) {
		t.Fatalf("both read %s", Fields(a))
	}
	valid := &app.Contract{ExternalID: "F-1", Name: "Bäckerei Müller GmbH"}
	if !strings.Contains(Fields(valid), `"Bäckerei Müller GmbH"`) {
		t.Errorf("a valid name is stored as is: %s", Fields(valid))
	}
}
