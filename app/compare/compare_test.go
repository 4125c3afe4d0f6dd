package compare_test

import (
	"context"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/series"
	"wattfolio/app/tariff"
	"wattfolio/db"
)

var berlin = app.DefaultZone()

func d(s string) app.Decimal { return app.MustDecimal(s) }

func local(y int, m time.Month, day int) time.Time {
	return time.Date(y, m, day, 0, 0, 0, 0, berlin).UTC()
}

// bakery is a real cache holding one customer with an enneo contract (a
// fixed price) and an epilot contract whose meter has quarter hours of
// 0.5 kWh and prices with components, from 1 June 2026 local for `days`
// days, without the readings of the local days in `gaps`.
func bakery(t *testing.T, days int, gaps ...int) (*db.Store, app.Account) {
	t.Helper()
	ctx := context.Background()
	s, err := db.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	from := local(2026, 6, 1)
	save := func(source string, v app.Vendor, c app.Contract) int64 {
		if err := s.EnsureSource(ctx, source, v, "http://127.0.0.1/"+source); err != nil {
			t.Fatal(err)
		}
		run, err := s.BeginRun(ctx, source)
		if err != nil {
			t.Fatal(err)
		}
		c.Source, c.Vendor, c.Kind, c.Commodity, c.Status = source, v, app.KindRetail, app.CommodityElectricity, "active"
		c.ValidFrom, c.FetchedAt, c.Raw = local(2025, 1, 1), time.Now().UTC(), []byte(`{}`)
		if err := s.SavePage(ctx, run, source, "contracts", []app.Contract{c}, nil, "done"); err != nil {
			t.Fatal(err)
		}
		return run
	}
	save("stadtwerk", app.VendorEnneo, app.Contract{ExternalID: "746839", Name: "Gewerbe Fix",
		Customer:             app.Customer{ExternalID: "C-1", Name: "Bäckerei Schmidt GmbH"},
		Prices:               app.Prices{Currency: "EUR", BasePerYear: app.Ptr(d("240")), WorkingPerKWh: app.Ptr(d("0.20")), VATRate: app.Ptr(d("0.19"))},
		AnnualConsumptionKWh: app.Ptr(d("20000"))})
	run := save("portal", app.VendorEpilot, app.Contract{ExternalID: "ep-1", Name: "Strom Dynamisch <b>",
		Customer: app.Customer{ExternalID: "portal", Name: "Bäckerei Schmidt GmbH"}, Prices: app.Prices{Currency: "EUR"}})
	if err := s.SaveMeters(ctx, "portal", []series.Meter{{ExternalID: "m1", ContractExternalID: "ep-1", Number: "1EMH0004711000",
		Unit: "kWh", Intervals: []series.Interval{series.PT15M}, Zone: app.DefaultZoneName}}); err != nil {
		t.Fatal(err)
	}
	skip := map[int]bool{}
	for _, g := range gaps {
		skip[g] = true
	}
	use := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT15M}
	price := series.Batch{Meter: "m1", Measure: series.Price, Interval: series.PT15M, Currency: "EUR"}
	for ts := from; ts.Before(local(2026, 6, 1+days)); ts = ts.Add(15 * time.Minute) {
		if skip[ts.In(berlin).Day()] {
			continue
		}
		use.Readings = append(use.Readings, series.Reading{TS: ts.Unix(), Value: d("0.5")})
		price.Readings = append(price.Readings, series.Reading{TS: ts.Unix(), Value: d("0.18"),
			Tax: series.Tax{Set: true, Rate: 19},
			Parts: &series.Parts{Auction: app.Ptr(d("0.05")), GridFee: app.Ptr(d("0.07")), TaxesLevies: app.Ptr(d("0.03")),
				Margin: app.Ptr(d("0.02")), SourceFee: app.Ptr(d("0.01"))}})
	}
	if err := s.SaveReadings(ctx, run, "portal", use, price); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceAccounts(ctx, []app.Account{{Name: "Bäckerei Schmidt GmbH", Profile: "G25",
		Links: []app.AccountLink{{Source: "stadtwerk", ExternalID: "C-1"}, {Source: "portal", ExternalID: "portal"}}}}); err != nil {
		t.Fatal(err)
	}
	accts, err := s.Accounts(ctx)
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts %v, %v", accts, err)
	}
	return s, accts[0]
}

var offer = compare.Alternative{Name: "Gewerbe Spar", Tariff: tariff.Tariff{Model: tariff.Fixed, VATRate: d("0.19"),
	WorkingPerKWh: d("0.18"), BasePerYear: d("120")}}

// week compares the bakery's first metered week with req's offers and contracts.
func week(t *testing.T, s *db.Store, acct app.Account, req compare.Request) *compare.Comparison {
	t.Helper()
	req.Account, req.Now = acct, time.Date(2026, 6, 20, 12, 0, 0, 0, time.UTC)
	req.Curve = compare.CurveRequest{From: local(2026, 6, 1), To: local(2026, 6, 8)}
	cmp, err := compare.Run(context.Background(), s, req)
	if err != nil {
		t.Fatal(err)
	}
	return cmp
}

// One metered week: every figure worked out by hand.
func TestMeteredWeek(t *testing.T) {
	s, acct := bakery(t, 7)
	cmp := week(t, s, acct, compare.Request{Offers: []compare.Alternative{offer}})
	if o := cmp.Curve.Origin; !o.Metered || o.Filled != 0 || len(cmp.Curve.KWh) != 672 {
		t.Fatalf("curve %+v with %d slots, want 672 metered", o, len(cmp.Curve.KWh))
	}
	got := map[string]compare.Option{}
	for _, o := range cmp.Options {
		if o.Err != nil {
			t.Fatalf("%s: %v", o.Name, o.Err)
		}
		got[o.Name] = o
	}
	// 336 kWh. Fixed: 67.20 + 240 × 7/365 = 4.6027 → net 71.8027, VAT 13.6425, gross 85.4453.
	// epilot: spot 0.05 + source fee and margin 0.03 = 26.88, grid 23.52, levies 10.08 → 60.48 net, 71.9712 gross.
	// Offer: 60.48 + 120 × 7/365 = 2.3014 → 62.7814 net, 74.7098 gross.
	for _, tc := range []struct {
		name, net, gross, saving, pct string
	}{
		{"Gewerbe Fix", "71.80", "85.45", "", ""},
		{"Strom Dynamisch <b>", "60.48", "71.97", "13.48", "15.78"},
		{"Gewerbe Spar", "62.78", "74.71", "10.74", "12.57"},
	} {
		o := got[tc.name]
		if o.Result == nil {
			t.Fatalf("%s not priced", tc.name)
		}
		if o.Result.Year1.Net != d(tc.net) || o.Result.Year1.Gross != d(tc.gross) {
			t.Errorf("%s: net %s gross %s, want %s and %s", tc.name, o.Result.Year1.Net, o.Result.Year1.Gross, tc.net, tc.gross)
		}
		if tc.saving == "" {
			if o.Saving1 != nil {
				t.Errorf("%s: the baseline has a saving %s", tc.name, *o.Saving1)
			}
			continue
		}
		if o.Saving1 == nil || *o.Saving1 != d(tc.saving) || *o.SavingPct1 != d(tc.pct) {
			t.Errorf("%s: saving %v %v, want %s (%s %%)", tc.name, o.Saving1, o.SavingPct1, tc.saving, tc.pct)
		}
	}
	if b := cmp.Options[cmp.Baseline].Name; b != "Gewerbe Fix" {
		t.Errorf("baseline %q, want the contract with the annual consumption", b)
	}
	if c := cmp.Options[cmp.Cheapest].Name; c != "Strom Dynamisch <b>" {
		t.Errorf("cheapest %q", c)
	}
	dyn := got["Strom Dynamisch <b>"]
	if dyn.Tariff.Charges.GridPerKWh != d("0.07") || dyn.Tariff.WorkingPerKWh != d("0.03") {
		t.Errorf("epilot tariff %+v", dyn.Tariff)
	}
}

// A day without readings is filled from the customer's profile at the
// level of the readings around it, and counted.
func TestMeteredGapsFilledFromProfile(t *testing.T) {
	s, acct := bakery(t, 7, 3) // Wednesday 3 June missing
	c, err := compare.LoadCurve(context.Background(), s, compare.CurveRequest{Account: acct,
		Commodity: app.CommodityElectricity, From: local(2026, 6, 1), To: local(2026, 6, 8)})
	if err != nil {
		t.Fatal(err)
	}
	if o := c.Origin; !o.Metered || o.Filled != 96 || o.Profile != "G25" || !strings.Contains(o.Why, "sources file") {
		t.Fatalf("origin %+v, want 96 slots filled from G25", o)
	}
	var day, rest app.Decimal
	for i, k := range c.KWh {
		if k <= 0 && i/96 == 2 {
			t.Fatalf("filled slot %d is %s", i, k)
		}
		if i/96 == 2 {
			day += k
		} else {
			rest += k
		}
	}
	// 288 metered kWh over six days; the G25 workday is above the week's
	// average (the weekend is below), so the filled Wednesday holds more
	// than a sixth of them, but not twice as much.
	if rest != d("288") || day < d("48") || day > d("96") {
		t.Errorf("metered %s kWh, filled day %s kWh", rest, day)
	}
}

// Without meter data the annual consumption is spread over a profile, so a
// fixed price over a year comes out exactly: 3,500 kWh × 0.30 + 120.
func TestProfileYear(t *testing.T) {
	s, acct := bakery(t, 1)
	cmp, err := compare.Run(context.Background(), s, compare.Request{Account: acct, Now: time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC),
		Offers: []compare.Alternative{{Name: "Haushalt", Tariff: tariff.Tariff{Model: tariff.Fixed, VATRate: d("0.19"),
			WorkingPerKWh: d("0.30"), BasePerYear: d("120")}}},
		Curve: compare.CurveRequest{Profile: "H25", AnnualKWh: d("3500")}})
	if err != nil {
		t.Fatal(err)
	}
	if o := cmp.Curve.Origin; o.Metered || o.Profile != "H25" || cmp.Curve.Start != local(2026, 1, 1) || len(cmp.Curve.KWh) != 35040 {
		t.Fatalf("curve %+v from %s, %d slots", o, cmp.Curve.Start, len(cmp.Curve.KWh))
	}
	var h compare.Option
	for _, o := range cmp.Options {
		if o.Name == "Haushalt" {
			h = o
		}
	}
	if h.Result == nil || h.Result.Year1.KWh != d("3500") || h.Result.Year1.Net != d("1170") || h.Result.Year1.Gross != d("1392.30") {
		t.Fatalf("household offer: %+v", h.Result)
	}
	// The epilot contract's meter has no prices for 2026: it says so.
	for _, o := range cmp.Options {
		if o.Source == "portal" && (o.Result != nil || !strings.Contains(o.Why(), "no spot price")) {
			t.Errorf("epilot without prices: %v", o.Why())
		}
	}
}

// A meter goes with its contract's commodity, whatever unit it counts in:
// a gas meter read in kWh is not electricity.
func TestMetersGoByTheirContractsCommodity(t *testing.T) {
	s, acct := bakery(t, 7)
	for _, tc := range []struct {
		contract app.Commodity
		metered  bool
	}{{app.CommodityGas, true}, {app.CommodityElectricity, false}} {
		c, err := compare.LoadCurve(context.Background(), s, compare.CurveRequest{Account: acct, Commodity: app.CommodityGas,
			From: local(2026, 6, 1), To: local(2026, 6, 8), AnnualKWh: d("10000"),
			MeterCommodity: map[compare.MeterKey]app.Commodity{{Source: "portal", Contract: "ep-1"}: tc.contract}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Origin.Metered != tc.metered {
			t.Errorf("meter of a %s contract in the gas curve: metered %v, want %v", tc.contract, c.Origin.Metered, tc.metered)
		}
	}
}

// Leaving out the main contract makes the one kept the baseline; a key of
// no option is refused by name.
func TestKeep(t *testing.T) {
	s, acct := bakery(t, 7)
	cmp := week(t, s, acct, compare.Request{Offers: []compare.Alternative{offer}})
	var dyn string
	for _, o := range cmp.Options {
		if o.Source == "portal" {
			dyn = o.Key()
		}
	}
	var uk *compare.UnknownKeyError
	if err := cmp.Keep([]string{dyn, "c999"}); !errors.As(err, &uk) || uk.Key != "c999" || len(cmp.Options) != 3 {
		t.Fatalf("Keep with an unknown key: %v, %d options", err, len(cmp.Options))
	}
	if err := cmp.Keep([]string{"o0", dyn}); err != nil {
		t.Fatal(err)
	}
	if len(cmp.Options) != 2 || cmp.Options[cmp.Baseline].Key() != dyn || cmp.Options[cmp.Cheapest].Key() != dyn {
		t.Fatalf("kept %d, baseline %d, cheapest %d", len(cmp.Options), cmp.Baseline, cmp.Cheapest)
	}
	// Offer 74.71 against the epilot contract's 71.97: 2.74 dearer.
	if o := cmp.Options[1]; o.Saving1 == nil || *o.Saving1 != d("-2.74") {
		t.Errorf("saving %v", o.Saving1)
	}
}

// Request.Contracts leaves the other current contracts unpriced, and the
// curve still comes from the customer's whole use.
func TestOnlyChosenContracts(t *testing.T) {
	s, acct := bakery(t, 7)
	cmp := week(t, s, acct, compare.Request{Offers: []compare.Alternative{offer}, Contracts: []int64{}})
	if len(cmp.Options) != 1 || cmp.Options[0].Kind != compare.Offer || cmp.Baseline != -1 || cmp.Options[0].Result.Year1.Gross != d("74.71") {
		t.Fatalf("options %+v, baseline %d", cmp.Options, cmp.Baseline)
	}
}

func TestScaledLeavesTheCurve(t *testing.T) {
	c := tariff.Curve{Start: local(2026, 6, 1), Step: 15 * time.Minute, KWh: []app.Decimal{d("0.5"), d("1")}, Zone: berlin}
	s, err := compare.Scaled(c, -10)
	if err != nil || s.KWh[0] != d("0.45") || s.KWh[1] != d("0.9") || s.Origin.ScalePercent != -10 || c.KWh[0] != d("0.5") || c.Origin.ScalePercent != 0 {
		t.Fatalf("scaled %v %+v (%v), original %v", s.KWh, s.Origin, err, c.KWh)
	}
}

// A meter read hourly beside one read in quarter hours makes an hourly
// curve: each hour holds the four quarter hours and the hourly reading.
func TestHourlyAndQuarterHourMeters(t *testing.T) {
	s, acct := bakery(t, 7)
	ctx := context.Background()
	if err := s.SaveMeters(ctx, "portal", []series.Meter{{ExternalID: "m2", ContractExternalID: "ep-1", Number: "1EMH0004711001",
		Unit: "kWh", Intervals: []series.Interval{series.PT1H}, Zone: app.DefaultZoneName}}); err != nil {
		t.Fatal(err)
	}
	run, err := s.BeginRun(ctx, "portal")
	if err != nil {
		t.Fatal(err)
	}
	b := series.Batch{Meter: "m2", Measure: series.Consumption, Interval: series.PT1H}
	for ts := local(2026, 6, 1); ts.Before(local(2026, 6, 8)); ts = ts.Add(time.Hour) {
		b.Readings = append(b.Readings, series.Reading{TS: ts.Unix(), Value: d("2")})
	}
	if err := s.SaveReadings(ctx, run, "portal", b); err != nil {
		t.Fatal(err)
	}
	c, err := compare.LoadCurve(ctx, s, compare.CurveRequest{Account: acct, Commodity: app.CommodityElectricity,
		From: local(2026, 6, 1), To: local(2026, 6, 8)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Step != time.Hour || len(c.KWh) != 168 || c.Origin.Filled != 0 {
		t.Fatalf("curve of %d slots of %s, %d filled; want 168 hours", len(c.KWh), c.Step, c.Origin.Filled)
	}
	for i, k := range c.KWh {
		if k != d("4") {
			t.Fatalf("hour %d holds %s kWh, want 4", i, k)
		}
	}
}

// A scaled curve sums to its sum scaled and rounded once, whatever its
// slots round to: thirds of a kWh at +10 % are not a millionth off.
func TestScaledSumsExactly(t *testing.T) {
	c := tariff.Curve{Start: local(2026, 6, 1), Step: 15 * time.Minute, Zone: berlin}
	for range 3000 {
		c.KWh = append(c.KWh, d("0.333333"))
	}
	for _, pct := range []int{10, -10, 37, -99, 100} {
		s, err := compare.Scaled(c, pct)
		if err != nil {
			t.Fatal(err)
		}
		var sum app.Decimal
		for _, k := range s.KWh {
			sum += k
		}
		// 3,000 × 0.333333 = 999.999 kWh.
		want, _ := app.RoundRat(new(big.Rat).Mul(d("999.999").Rat(), big.NewRat(int64(100+pct), 100)), 6)
		if sum != want {
			t.Errorf("%+d %%: sum %s, want %s", pct, sum, want)
		}
	}
}
