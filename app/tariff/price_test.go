package tariff

import (
	"errors"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
)

var berlin = app.DefaultZone()

func d(s string) app.Decimal { return app.MustDecimal(s) }

// local is a Berlin wall-clock instant.
func local(y int, m time.Month, day, h int) time.Time {
	return time.Date(y, m, day, h, 0, 0, 0, berlin).UTC()
}

// flatCurve spreads total kWh over the slots from start to end so that
// they sum to it exactly: equal millionths, the remainder on the first slots.
func flatCurve(t *testing.T, start, end time.Time, step time.Duration, total string) Curve {
	t.Helper()
	n := int(end.Sub(start) / step)
	micro := int64(d(total))
	each, rest := micro/int64(n), micro%int64(n)
	c := Curve{Start: start, Step: step, Zone: berlin, KWh: make([]app.Decimal, n)}
	for i := range c.KWh {
		c.KWh[i] = app.Decimal(each)
		if int64(i) < rest {
			c.KWh[i]++
		}
	}
	return c
}

// hourly is a curve of the given kWh, one per hour from start.
func hourly(start time.Time, kwh ...string) Curve {
	c := Curve{Start: start, Step: time.Hour, Zone: berlin}
	for _, k := range kwh {
		c.KWh = append(c.KWh, d(k))
	}
	return c
}

func spotHourly(start time.Time, prices ...string) Market {
	m := Market{SpotSource: app.Text("test")}
	for i, p := range prices {
		s := start.Add(time.Duration(i) * time.Hour)
		m.Spot = append(m.Spot, Rate{Start: s.Unix(), End: s.Add(time.Hour).Unix(), PerKWh: d(p)})
	}
	return m
}

// want is the figures a test checks, as strings so a table reads like a bill.
type want struct {
	kwh, energy, base, grid, levies, tax, concession, bonus, net, vat, gross, ct string
}

func check(t *testing.T, what string, b Breakdown, w want) {
	t.Helper()
	for _, f := range []struct {
		name string
		got  app.Decimal
		want string
	}{{"kwh", b.KWh, w.kwh}, {"energy", b.Energy, w.energy}, {"base", b.Base, w.base}, {"grid", b.Grid, w.grid},
		{"levies", b.Levies, w.levies}, {"tax", b.Tax, w.tax}, {"concession", b.Concession, w.concession},
		{"bonus", b.Bonus, w.bonus}, {"net", b.Net, w.net}, {"vat", b.VAT, w.vat}, {"gross", b.Gross, w.gross},
		{"ct/kWh", b.EffectiveCtPerKWh, w.ct}} {
		if f.want == "" {
			continue
		}
		if f.got != d(f.want) {
			t.Errorf("%s: %s = %s, want %s", what, f.name, f.got, f.want)
		}
	}
}

// The comparison portals' own example (TARIFFS.md): 3,500 kWh at 25 ct/kWh
// and 100 €/year, gross, with a 260 € bonus: 715 € in year 1, 975 € in year 2.
func TestFixedHouseholdGrossWithBonusAndGuarantee(t *testing.T) {
	c := flatCurve(t, local(2026, 1, 1, 0), local(2027, 1, 1, 0), 15*time.Minute, "3500")
	if len(c.KWh) != 35040 {
		t.Fatalf("2026 has %d quarter hours, want 35,040", len(c.KWh))
	}
	tf := &Tariff{Name: "Fix 12", Model: Fixed, Gross: true, VATRate: d("0.19"),
		BasePerYear: d("100"), WorkingPerKWh: d("0.25"),
		Bonuses:   []Bonus{{Kind: InstantBonus, Amount: d("60")}, {Kind: NewCustomerBonus, Amount: d("200")}},
		Guarantee: Guarantee{Months: 12, Scope: GuaranteeFull}, Start: local(2026, 1, 1, 0)}
	r, err := Price(c, tf, Market{})
	if err != nil {
		t.Fatal(err)
	}
	// Net = gross / 1.19: 875/1.19 = 735.2941..., 100/1.19 = 84.0336...,
	// -260/1.19 = -218.4873...; net 715/1.19 = 600.8403...; VAT the rest.
	check(t, "year 1", r.Year1, want{kwh: "3500", energy: "735.29", base: "84.03", bonus: "-218.49",
		net: "600.84", vat: "114.16", gross: "715", ct: "20.4286", grid: "0", tax: "0"})
	check(t, "year 2", r.Year2, want{energy: "735.29", base: "84.03", bonus: "0", net: "819.33", vat: "155.67",
		gross: "975", ct: "27.8571"})
	if len(r.Months) != 12 {
		t.Fatalf("%d months, want 12", len(r.Months))
	}
	// The instant bonus is credited in the third month, the new-customer
	// bonus with the first annual bill.
	if got := r.Months[2].Bonus; got != d("-50.42") { // 60/1.19
		t.Errorf("March bonus %s, want -50.42", got)
	}
	if got := r.Months[11].Bonus; got != d("-168.07") { // 200/1.19
		t.Errorf("December bonus %s, want -168.07", got)
	}
	// February: 28 of 365 days of the base price, 2,688 quarter hours.
	if got := r.Months[1].Base; got != d("6.45") { // 100 × 28/365 / 1.19 = 6.4464
		t.Errorf("February base %s, want 6.45", got)
	}
	if want := time.Date(2027, 1, 1, 0, 0, 0, 0, berlin); !r.GuaranteedUntil.Equal(want) {
		t.Errorf("guaranteed until %s, want %s", r.GuaranteedUntil, want)
	}
	if !hasNote(r, "price guarantee (full) until 2027-01-01") || !hasNote(r, "gross (incl. 19 % VAT)") {
		t.Errorf("notes %q", r.Notes)
	}
}

// A business tariff quoted net with every charge listed, in a leap year:
// the base price is pro rata over 366 days.
func TestFixedBusinessNetChargesLeapYear(t *testing.T) {
	tf := &Tariff{Name: "Gewerbe", Model: Fixed, VATRate: d("0.19"), BasePerYear: d("600"), WorkingPerKWh: d("0.12"),
		Charges: Charges{GridPerKWh: d("0.075"), GridBasePerYear: d("300"), LeviesPerKWh: d("0.012"),
			ElectricityTaxPerKWh: d("0.0205"), ConcessionPerKWh: d("0.0011")}}
	year := flatCurve(t, local(2028, 1, 1, 0), local(2029, 1, 1, 0), time.Hour, "100000")
	if len(year.KWh) != 8784 {
		t.Fatalf("2028 has %d hours, want 8,784", len(year.KWh))
	}
	r, err := Price(year, tf, Market{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "2028", r.Year1, want{kwh: "100000", energy: "12000", base: "600", grid: "7800", levies: "1200",
		tax: "2050", concession: "110", bonus: "0", net: "23760", vat: "4514.40", gross: "28274.40", ct: "28.2744"})

	// February 2028 alone: 29 of 366 days of the yearly charges.
	feb := flatCurve(t, local(2028, 2, 1, 0), local(2028, 3, 1, 0), time.Hour, "8000")
	r, err = Price(feb, tf, Market{})
	if err != nil {
		t.Fatal(err)
	}
	// base 600 × 29/366 = 47.5410; grid 8000 × 0.075 + 300 × 29/366 = 600 + 23.7705
	check(t, "February 2028", r.Year1, want{base: "47.54", grid: "623.77", energy: "960", levies: "96", tax: "164",
		concession: "8.80", net: "1900.11"})
}

// HT/NT with a zone that wraps past midnight and a weekend zone after it,
// and §14a Module 3 grid windows: one June week in Berlin, 1 kWh an hour.
func TestTimeOfUseAndModule3(t *testing.T) {
	c := flatCurve(t, local(2026, 6, 1, 0), local(2026, 6, 8, 0), time.Hour, "168") // Monday to Monday
	tf := &Tariff{Name: "HT/NT", Model: TimeOfUse, VATRate: d("0.19"), WorkingPerKWh: d("0.30"),
		Zones: []Zone{
			{Name: "NT", From: 22 * 60, To: 6 * 60, PerKWh: d("0.22")},
			{Name: "weekend", Weekdays: []time.Weekday{time.Saturday, time.Sunday}, PerKWh: d("0.22")},
		},
		Charges: Charges{GridPerKWh: d("0.08")},
		GridZones: []Zone{
			{Name: "low", From: 0, To: 6 * 60, PerKWh: d("0.02"), Months: []time.Month{4, 5, 6, 7, 8, 9}},
			{Name: "high", From: 17 * 60, To: 20 * 60, PerKWh: d("0.14"), Months: []time.Month{4, 5, 6, 7, 8, 9}},
			// Not yet in force: the operator's windows from July on.
			{Name: "later", From: 0, To: 0, PerKWh: d("9"), ValidFrom: local(2026, 7, 1, 0)},
		}}
	r, err := Price(c, tf, Market{})
	if err != nil {
		t.Fatal(err)
	}
	// HT: Mon-Fri 06-22 = 80 kWh × 0.30 = 24.00; NT: 88 kWh × 0.22 = 19.36.
	// Grid: low 7×6 = 42 × 0.02 = 0.84; high 7×3 = 21 × 0.14 = 2.94; the
	// remaining 105 × 0.08 = 8.40.
	check(t, "week", r.Year1, want{kwh: "168", energy: "43.36", grid: "12.18", net: "55.54"})
}

// The DST days: the spring day has no 02:00-03:00, the autumn day has it
// twice; a zone on those clock times sees 0 and 8 quarter hours.
func TestTimeOfUseOnDSTDays(t *testing.T) {
	tf := &Tariff{Name: "2-3 h", Model: TimeOfUse, Zones: []Zone{{From: 120, To: 180, PerKWh: d("1")}}}
	for _, tc := range []struct {
		day          int
		month        time.Month
		slots        int
		energy, kwhs string
	}{{29, time.March, 92, "0", "92"}, {25, time.October, 100, "8", "100"}, {1, time.June, 96, "4", "96"}} {
		from := time.Date(2026, tc.month, tc.day, 0, 0, 0, 0, berlin)
		c := flatCurve(t, from, from.AddDate(0, 0, 1), 15*time.Minute, tc.kwhs)
		if len(c.KWh) != tc.slots {
			t.Fatalf("%s: %d slots, want %d", from.Format("01-02"), len(c.KWh), tc.slots)
		}
		r, err := Price(c, tf, Market{})
		if err != nil {
			t.Fatal(err)
		}
		check(t, from.Format("2006-01-02"), r.Year1, want{kwh: tc.kwhs, energy: tc.energy})
	}
}

// Four hours with negative spot prices, 1,000-2,000 kWh each. Charges are
// 0.08 grid + 0.01 levies + 0.0205 tax = 0.1105 per kWh.
func TestDynamicNegativePrices(t *testing.T) {
	c := hourly(local(2026, 5, 10, 12), "1000", "2000", "1000", "1000")
	m := spotHourly(local(2026, 5, 10, 12), "0.10", "-0.05", "-0.20", "0.08")
	base := Tariff{Name: "Dynamisch", Model: Dynamic, VATRate: d("0.19"), WorkingPerKWh: d("0.02"),
		Charges: Charges{GridPerKWh: d("0.08"), LeviesPerKWh: d("0.01"), ElectricityTaxPerKWh: d("0.0205")}}
	credit, clamp := base, base
	credit.Negative, clamp.Negative = NegativeCredit, NegativeClamp
	rs, err := PriceAll(c, []*Tariff{&credit, &clamp}, m)
	if err != nil {
		t.Fatal(err)
	}
	// Credit: 1000×0.12 + 2000×(-0.03) + 1000×(-0.18) + 1000×0.10 = -20.
	check(t, "credit", rs[0].Year1, want{energy: "-20", grid: "400", levies: "50", tax: "102.50", net: "532.50",
		vat: "101.18", gross: "633.68"})
	// Clamp: the third hour's -0.18 + 0.1105 < 0 costs nothing, so its
	// energy is -0.1105: 120 - 60 - 110.50 + 100 = 49.50.
	check(t, "clamp", rs[1].Year1, want{energy: "49.50", net: "602", vat: "114.38", gross: "716.38"})

	// Quarter-hour consumption on hourly prices takes each hour's price.
	q := Curve{Start: c.Start, Step: 15 * time.Minute, Zone: berlin}
	for _, k := range c.KWh {
		for range 4 {
			q.KWh = append(q.KWh, k/4)
		}
	}
	r, err := Price(q, &credit, m)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "quarter hours", r.Year1, want{energy: "-20", gross: "633.68"})

	// A slot without a price is an error naming it, not a zero.
	_, err = Price(c, &credit, spotHourly(local(2026, 5, 10, 12), "0.10", "-0.05", "-0.20"))
	if !errors.Is(err, ErrNoSpot) || !strings.Contains(err.Error(), "1 of 4 slots, the first at 2026-05-10 15:00 CEST") {
		t.Errorf("missing price: %v", err)
	}
}

func TestIndexed(t *testing.T) {
	c := hourly(local(2026, 5, 10, 12), "1000", "2000", "1000", "1000")
	m := spotHourly(local(2026, 5, 10, 12), "0.10", "-0.05", "-0.20", "0.08")
	plain := &Tariff{Name: "plain", Model: IndexedMonthly, WorkingPerKWh: d("0.15"), Average: AveragePlain}
	weighted := &Tariff{Name: "weighted", Model: IndexedYearly, WorkingPerKWh: d("0.15"), Average: AverageLoadWeighted}
	rs, err := PriceAll(c, []*Tariff{plain, weighted}, m)
	if err != nil {
		t.Fatal(err)
	}
	// Plain: (0.10 - 0.05 - 0.20 + 0.08)/4 = -0.0175; + 0.15 = 0.1325 × 5000.
	check(t, "plain", rs[0].Year1, want{energy: "662.50"})
	// Load-weighted: (100 - 100 - 200 + 80)/5000 = -0.024; + 0.15 = 0.126 × 5000.
	check(t, "load-weighted", rs[1].Year1, want{energy: "630"})
}

func TestPPA(t *testing.T) {
	c := hourly(local(2026, 5, 10, 12), "1000", "2000", "1000", "1000")
	m := spotHourly(local(2026, 5, 10, 12), "0.10", "-0.05", "-0.20", "0.08")
	produced := m
	produced.Production = []app.Decimal{d("500"), d("3000"), d("0"), d("1000")}
	floor, cap := d("0"), d("0.09")
	for _, tc := range []struct {
		name   string
		terms  PPATerms
		m      Market
		energy string
		note   string
	}{
		// 35 + 500×0.11 | 210 + 1000 surplus sold at -0.05 (costs 50) |
		// 1000 × (-0.19) | 70  = 90 + 260 - 190 + 70
		{"pay as produced", PPATerms{Kind: PayAsProduced, PricePerKWh: d("0.07"), ResidualMarkup: d("0.01")}, produced, "230", "asset's production"},
		// 1,000 kWh an hour at 0.07, the second hour's extra 1,000 at -0.04
		{"baseload", PPATerms{Kind: Baseload, PricePerKWh: d("0.07"), BaseloadKW: d("1000"), ResidualMarkup: d("0.01")}, m, "240", "constant 1000 kW"},
		// spot - 0.01 within [0, 0.09], volume = consumption: 90 + 0 + 0 + 70
		{"indexed", PPATerms{Kind: IndexedPPA, PricePerKWh: d("0.01"), Floor: &floor, Cap: &cap}, m, "160", "follows consumption"},
	} {
		r, err := Price(c, &Tariff{Name: tc.name, Model: PPA, PPA: &tc.terms}, tc.m)
		if err != nil {
			t.Fatal(err)
		}
		check(t, tc.name, r.Year1, want{energy: tc.energy})
		if !hasNote(r, tc.note) {
			t.Errorf("%s: notes %q lack %q", tc.name, r.Notes, tc.note)
		}
	}
}

func TestFlexibilityRevenue(t *testing.T) {
	f := &FlexTerms{ReservationPerMonth: d("100"), ActivationFeeWorkdays: d("50"), ActivationFeeNonWorkdays: d("80"),
		MaxActivations: 10, PlanWorkdays: 4, PlanNonWorkdays: 2}
	tf := &Tariff{Name: "flex", Model: Flexibility, VATRate: d("0.19"), Flex: f}
	// June and the first 15 days of July: 460 + 460 × 15/31.
	c := flatCurve(t, local(2026, 6, 1, 0), local(2026, 7, 16, 0), time.Hour, "1080")
	r, err := Price(c, tf, Market{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "flex", r.Year1, want{energy: "-682.58", net: "-682.58", vat: "-129.69", gross: "-812.27"})
	f.PlanWorkdays = 9
	if _, err := Price(c, tf, Market{}); err == nil || !strings.Contains(err.Error(), "exceed the contract's 10") {
		t.Errorf("a plan over the cap: %v", err)
	}
}

func TestCurveErrors(t *testing.T) {
	for _, c := range []Curve{
		{Start: local(2026, 1, 1, 0), Step: 30 * time.Minute, KWh: []app.Decimal{1}},
		{Start: local(2026, 1, 1, 0), Step: time.Hour},
		{Start: local(2026, 1, 1, 0).Add(time.Minute), Step: time.Hour, KWh: []app.Decimal{1}},
	} {
		if _, err := Price(c, &Tariff{Model: Fixed}, Market{}); !errors.Is(err, ErrCurve) {
			t.Errorf("%+v: %v, want ErrCurve", c, err)
		}
	}
	if _, err := Price(hourly(local(2026, 1, 1, 0), "1"), &Tariff{Model: "flat"}, Market{}); err == nil {
		t.Error("an unknown model priced")
	}
}

func hasNote(r Result, s string) bool {
	for _, n := range r.Notes {
		if strings.Contains(n.String(), s) {
			return true
		}
	}
	return false
}

// One hour in twenty-four without a price takes the average of its month:
// 23 hours at 0.10 and the missing one at 0.10 too, 1 kWh each.
func TestDynamicFillsAFewMissingPrices(t *testing.T) {
	start := local(2026, 3, 2, 0)
	c := flatCurve(t, start, start.Add(24*time.Hour), time.Hour, "24")
	prices := make([]string, 23)
	for i := range prices {
		prices[i] = "0.10"
	}
	r, err := Price(c, &Tariff{Name: "dyn", Model: Dynamic}, spotHourly(start.Add(time.Hour), prices...))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "day", r.Year1, want{energy: "2.40"})
	if !hasNote(r, "no spot price for 1 of 24 slots: each took its month's average") {
		t.Errorf("notes %q", r.Notes)
	}
}
