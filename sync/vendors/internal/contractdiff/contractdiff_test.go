package contractdiff

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"wattfolio/app"
)

func dec(s string) *app.Decimal { return app.Ptr(app.MustDecimal(s)) }

func TestDiff(t *testing.T) {
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	base := func() app.Contract {
		return app.Contract{
			ExternalID: "c1",
			Prices:     app.Prices{Currency: "EUR", WorkingPerKWh: dec("0.3")},
			PPA:        &app.PPATerms{AssetName: "Park", NominalPowerMW: dec("25")},
			ValidFrom:  day,
			Raw:        json.RawMessage(`{"id":"c1"}`),
		}
	}
	for _, tt := range []struct {
		name   string
		change func(c *app.Contract)
		want   []string
	}{
		{"equal", func(*app.Contract) {}, nil},
		{"top-level string", func(c *app.Contract) { c.ExternalID = "c2" }, []string{"ExternalID = c2, want c1"}},
		{"decimal in a nested struct", func(c *app.Contract) { c.Prices.WorkingPerKWh = dec("0.31") },
			[]string{"Prices.WorkingPerKWh = 0.31, want 0.3"}},
		{"nil decimal", func(c *app.Contract) { c.Prices.WorkingPerKWh = nil },
			[]string{"Prices.WorkingPerKWh = nil, want 0.3"}},
		{"field of pointed-to terms", func(c *app.Contract) { c.PPA.AssetName = "Farm" },
			[]string{"PPA.AssetName = Farm, want Park"}},
		{"terms missing", func(c *app.Contract) { c.PPA = nil }, []string{"PPA = nil, want {"}},
		{"time", func(c *app.Contract) { c.ValidFrom = day.AddDate(0, 0, 1) },
			[]string{"ValidFrom = 2026-01-02 00:00:00 +0000 UTC, want 2026-01-01 00:00:00 +0000 UTC"}},
		{"raw JSON", func(c *app.Contract) { c.Raw = json.RawMessage(`{}`) }, []string{`Raw = {}, want {"id":"c1"}`}},
		{"two fields", func(c *app.Contract) { c.ExternalID, c.Prices.Currency = "c2", "CHF" },
			[]string{"ExternalID = c2, want c1", "Prices.Currency = CHF, want EUR"}},
	} {
		got := base()
		tt.change(&got)
		d := Diff(got, base())
		ok := len(d) == len(tt.want)
		for i := range min(len(d), len(tt.want)) {
			ok = ok && (d[i] == tt.want[i] || len(tt.want[i]) < len(d[i]) && d[i][:len(tt.want[i])] == tt.want[i])
		}
		if !ok {
			t.Errorf("%s: Diff = %q, want %q", tt.name, d, tt.want)
		}
	}
}

func TestShow(t *testing.T) {
	var nilDec *app.Decimal
	var nilTerms *app.PPATerms
	n := int64(240)
	for _, tt := range []struct {
		v    any
		want string
	}{
		{nil, "nil"},
		{nilDec, "nil"},
		{nilTerms, "nil"},
		{dec("12.5"), "12.5"},
		{&n, "240"},
		{app.Ptr(true), "true"},
		{[]byte("raw"), "raw"},
		{json.RawMessage(`{"a":1}`), `{"a":1}`},
		{"text", "text"},
		{struct {
			A int
			B string
		}{1, "x"}, "{A:1 B:x}"},
	} {
		if got := Show(tt.v); got != tt.want {
			t.Errorf("Show(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
	if got := Diff(app.Contract{}, app.Contract{}); !slices.Equal(got, nil) {
		t.Errorf("Diff of zero contracts = %q", got)
	}
}
