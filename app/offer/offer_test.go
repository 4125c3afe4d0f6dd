package offer

import (
	"slices"
	"testing"

	"time"

	"wattfolio/app"
	"wattfolio/app/tariff"
)

func valid() Offer {
	return Offer{
		Name: "Fix 12", Supplier: "Stadtwerke", Commodity: app.CommodityElectricity,
		Tariff: tariff.Tariff{
			Model: tariff.Fixed, Currency: "EUR", Gross: true, VATRate: app.MustDecimal("0.19"),
			BasePerYear: app.MustDecimal("119.4"), WorkingPerKWh: app.MustDecimal("0.279"),
		},
	}
}

func fields(errs []FieldError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	return out
}

func TestValidate(t *testing.T) {
	if errs := valid().Validate(); errs != nil {
		t.Fatalf("valid offer: %v", errs)
	}
	for _, tc := range []struct {
		name   string
		change func(o *Offer)
		want   []string
	}{
		{"empty", func(o *Offer) { *o = Offer{} }, []string{"name", "supplier", "commodity", "model", "currency"}},
		{"fixed without price", func(o *Offer) { o.Tariff.WorkingPerKWh = 0 }, []string{"working_price_ct_per_kwh"}},
		{"negative price", func(o *Offer) { o.Tariff.WorkingPerKWh = -1 }, []string{"working_price_ct_per_kwh"}},
		{"vat", func(o *Offer) { o.Tariff.VATRate = app.MustDecimal("19") }, []string{"vat_percent"}},
		{"tou without zones", func(o *Offer) { o.Tariff.Model = tariff.TimeOfUse }, []string{"zone"}},
		{"zone clock", func(o *Offer) {
			o.Tariff.Model = tariff.TimeOfUse
			o.Tariff.Zones = []tariff.Zone{{From: 0, To: 0}, {From: 1440, To: 60}}
		}, []string{"zone[1].from"}},
		{"dynamic without negative rule", func(o *Offer) { o.Tariff.Model = tariff.Dynamic }, []string{"negative"}},
		{"indexed without average", func(o *Offer) { o.Tariff.Model = tariff.IndexedYearly }, []string{"average"}},
		{"ppa without terms", func(o *Offer) { o.Tariff.Model = tariff.PPA }, []string{"ppa"}},
		{"baseload without power", func(o *Offer) {
			o.Tariff.Model = tariff.PPA
			o.Tariff.PPA = &tariff.PPATerms{Kind: tariff.Baseload}
		}, []string{"ppa.baseload_kw"}},
		{"flex on a fixed tariff", func(o *Offer) { o.Tariff.Flex = &tariff.FlexTerms{} }, []string{"flex"}},
		{"bonus", func(o *Offer) { o.Tariff.Bonuses = []tariff.Bonus{{Kind: "cash"}} }, []string{"bonus[0].kind", "bonus[0].amount_eur"}},
		{"guarantee without scope", func(o *Offer) { o.Tariff.Guarantee.Months = 12 }, []string{"guarantee.scope"}},
		{"notice unit", func(o *Offer) { o.Tariff.Notice = tariff.Notice{N: 1, Unit: "year"} }, []string{"notice"}},
		{"gas ppa", func(o *Offer) {
			o.Commodity = app.CommodityGas
			o.Tariff.Model = tariff.PPA
			o.Tariff.PPA = &tariff.PPATerms{Kind: tariff.PayAsProduced}
		}, []string{"model"}},
	} {
		o := valid()
		tc.change(&o)
		if got := fields(o.Validate()); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, o.Validate(), tc.want)
		}
	}
}

func TestFormatNotice(t *testing.T) {
	for n, want := range map[tariff.Notice]string{{}: "", {N: 1, Unit: "month"}: "1 month", {N: 6, Unit: "week"}: "6 weeks"} {
		if got := FormatNotice(n); got != want {
			t.Errorf("%+v: %q, want %q", n, got, want)
		}
	}
}

func TestValidOn(t *testing.T) {
	loc := app.DefaultZone()
	o := Offer{ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, loc), ValidTo: time.Date(2026, 4, 1, 0, 0, 0, 0, loc)}
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2025, 12, 31, 23, 59, 0, 0, loc), false},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, loc), true},
		{time.Date(2026, 3, 31, 23, 59, 0, 0, loc), true},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, loc), false},
	} {
		if got := o.ValidOn(tc.at); got != tc.want {
			t.Errorf("ValidOn(%s) = %v", tc.at, got)
		}
	}
	if got := o.Validity(); got != "from 2026-01-01 to 2026-03-31" {
		t.Errorf("Validity %q", got)
	}
	if !(Offer{}).ValidOn(time.Now()) || (Offer{}).Validity() != "at any time" {
		t.Error("an offer without bounds is not always valid")
	}
}
