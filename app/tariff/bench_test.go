package tariff

import (
	"testing"
	"time"

	"wattfolio/app"
)

// tenTariffs is one of every model a year of quarter hours is priced
// under in a comparison, with spot prices for every slot.
func tenTariffs(b *testing.B, c Curve) ([]*Tariff, Market) {
	b.Helper()
	var m Market
	for i := range c.KWh {
		s := c.Start.Add(time.Duration(i) * c.Step)
		p := app.Decimal(int64(i%97)*2000 - 40_000) // -0.04 .. 0.152 EUR/kWh
		m.Spot = append(m.Spot, Rate{Start: s.Unix(), End: s.Add(c.Step).Unix(), PerKWh: p})
	}
	ch := Charges{GridPerKWh: d("0.08"), LeviesPerKWh: d("0.012"), ElectricityTaxPerKWh: d("0.0205"), ConcessionPerKWh: d("0.0166")}
	ts := []*Tariff{
		{Name: "fixed", Model: Fixed, Gross: true, VATRate: d("0.19"), BasePerYear: d("119.40"), WorkingPerKWh: d("0.279"),
			Bonuses: []Bonus{{Kind: InstantBonus, Amount: d("100")}}},
		{Name: "business", Model: Fixed, VATRate: d("0.19"), BasePerYear: d("600"), WorkingPerKWh: d("0.12"), Charges: ch},
		{Name: "htnt", Model: TimeOfUse, VATRate: d("0.19"), WorkingPerKWh: d("0.31"),
			Zones: []Zone{{Name: "NT", From: 22 * 60, To: 6 * 60, PerKWh: d("0.24")}, {Name: "we", Weekdays: []time.Weekday{0, 6}, PerKWh: d("0.24")}}},
		{Name: "14a", Model: Fixed, VATRate: d("0.19"), WorkingPerKWh: d("0.15"), Charges: ch,
			GridZones: []Zone{{From: 0, To: 360, PerKWh: d("0.02")}, {From: 17 * 60, To: 20 * 60, PerKWh: d("0.14")}}},
		{Name: "dynamic", Model: Dynamic, VATRate: d("0.19"), WorkingPerKWh: d("0.02"), Charges: ch},
		{Name: "dynamic clamp", Model: Dynamic, VATRate: d("0.19"), WorkingPerKWh: d("0.02"), Charges: ch, Negative: NegativeClamp},
		{Name: "monthly", Model: IndexedMonthly, VATRate: d("0.19"), WorkingPerKWh: d("0.03"), Charges: ch},
		{Name: "yearly weighted", Model: IndexedYearly, VATRate: d("0.19"), WorkingPerKWh: d("0.03"), Charges: ch, Average: AverageLoadWeighted},
		{Name: "ppa", Model: PPA, VATRate: d("0.19"), PPA: &PPATerms{Kind: Baseload, BaseloadKW: d("0.3"), PricePerKWh: d("0.07")}, Charges: ch},
		{Name: "flex", Model: Flexibility, VATRate: d("0.19"), Flex: &FlexTerms{ReservationPerMonth: d("50"), ActivationFeeWorkdays: d("20"), PlanWorkdays: 4}},
	}
	return ts, m
}

// BenchmarkPriceYear prices one meter-year of quarter hours under ten
// tariffs, one of each model (the cache read is in app/compare's benchmark).
func BenchmarkPriceYear(b *testing.B) {
	c := Curve{Start: time.Date(2025, 12, 1, 0, 0, 0, 0, berlin).UTC(), Step: 15 * time.Minute, Zone: berlin}
	for t := c.Start; t.Before(time.Date(2026, 12, 1, 0, 0, 0, 0, berlin)); t = t.Add(15 * time.Minute) {
		c.KWh = append(c.KWh, app.Decimal(100_000+int64(len(c.KWh)%96)*3_000))
	}
	ts, m := tenTariffs(b, c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PriceAll(c, ts, m); err != nil {
			b.Fatal(err)
		}
	}
}
