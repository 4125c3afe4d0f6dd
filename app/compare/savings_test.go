package compare_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/tariff"
	"wattfolio/db"
)

// household is a cache with three customers: a household on H25 with a
// fixed enneo contract (3,500 kWh a year, 30 ct/kWh, 120 € a year, read
// as gross) ending 30 June 2027, one without any contract, and one whose
// only contract carries no price.
func household(t *testing.T) (*db.Store, []app.Account) {
	t.Helper()
	ctx := context.Background()
	s, err := db.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.EnsureSource(ctx, "stadtwerk", app.VendorEnneo, "http://127.0.0.1/stadtwerk"); err != nil {
		t.Fatal(err)
	}
	run, err := s.BeginRun(ctx, "stadtwerk")
	if err != nil {
		t.Fatal(err)
	}
	base := app.Contract{Source: "stadtwerk", Vendor: app.VendorEnneo, Kind: app.KindRetail, Commodity: app.CommodityElectricity,
		Status: "active", ValidFrom: local(2025, 7, 1), FetchedAt: time.Now().UTC(), Raw: []byte(`{}`)}
	fix, bare := base, base
	fix.ExternalID, fix.Name, fix.Customer = "1", "Strom Fix", app.Customer{ExternalID: "C-1", Name: "Familie Weber"}
	fix.ValidTo = local(2027, 6, 30)
	fix.Prices = app.Prices{Currency: "EUR", BasePerYear: app.Ptr(d("120")), WorkingPerKWh: app.Ptr(d("0.30")), VATRate: app.Ptr(d("0.19"))}
	fix.AnnualConsumptionKWh = app.Ptr(d("3500"))
	bare.ExternalID, bare.Name, bare.Customer = "2", "Strom ohne Preis", app.Customer{ExternalID: "C-3", Name: "Hof Brandt"}
	bare.AnnualConsumptionKWh = app.Ptr(d("20000"))
	if err := s.SavePage(ctx, run, "stadtwerk", "contracts", []app.Contract{fix, bare}, nil, "done"); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceAccounts(ctx, []app.Account{
		{Name: "Familie Weber", Profile: "H25", Links: []app.AccountLink{{Source: "stadtwerk", ExternalID: "C-1"}}},
		{Name: "Gärtnerei Ost", Profile: "G25"},
		{Name: "Hof Brandt", Profile: "L25", Links: []app.AccountLink{{Source: "stadtwerk", ExternalID: "C-3"}}},
	}); err != nil {
		t.Fatal(err)
	}
	accts, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s, accts
}

// The household's saving worked out by hand: the contract costs
// 3,500 × 0.30 + 120 = 1,170.00 € (gross); the offer 3,500 × 0.27 + 100 =
// 1,045.00 € less a 50 € bonus in year 1: 995.00 €. Saving 175.00 €
// (14.96 %) in year 1, 125.00 € in year 2. The contract ends on 30 June
// 2027 and states no notice, so one month: notice by 30 May 2027, and a
// missed notice date holds the customer for a year: 175.00 € at stake.
func TestSavingsByHand(t *testing.T) {
	s, accts := household(t)
	offers := []compare.Alternative{
		{ID: 7, Name: "Öko Fix", Tariff: tariff.Tariff{Model: tariff.Fixed, Gross: true, VATRate: d("0.19"), WorkingPerKWh: d("0.27"),
			BasePerYear: d("100"), Bonuses: []tariff.Bonus{{Kind: tariff.InstantBonus, Amount: d("50")}}}},
		{ID: 8, Name: "Teuer", Tariff: tariff.Tariff{Model: tariff.Fixed, Gross: true, VATRate: d("0.19"), WorkingPerKWh: d("0.40")}},
	}
	rows, err := compare.Savings(context.Background(), s, accts, offers, time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	w := rows[0]
	if w.Account != "Familie Weber" || w.Profile != "H25" || w.Current != "Strom Fix" || w.Offer != "Öko Fix" || w.OfferID != 7 {
		t.Fatalf("row %+v", w)
	}
	for _, c := range []struct {
		name string
		got  *app.Decimal
		want string
	}{{"current", w.CurrentCost, "1170"}, {"offer", w.OfferCost, "995"}, {"saving1", w.Saving1, "175"},
		{"saving2", w.Saving2, "125"}, {"pct", w.SavingPct1, "14.96"}, {"at stake", w.AtStake, "175"}} {
		if c.got == nil || *c.got != d(c.want) {
			t.Errorf("%s = %v, want %s", c.name, c.got, c.want)
		}
	}
	if w.DeadlineKind != compare.DeadlineNotice || !w.Deadline.Equal(local(2027, 5, 30)) {
		t.Errorf("deadline %s %s, want notice on 2027-05-30", w.DeadlineKind, w.Deadline)
	}
	if g := rows[1]; g.Account != "Gärtnerei Ost" || g.CurrentCost != nil || !strings.Contains(g.Note, "cannot be compared") {
		t.Errorf("customer without contracts: %+v", g)
	}
	if b := rows[2]; b.CurrentCost != nil || !strings.Contains(b.Note, "no priced current electricity contract") {
		t.Errorf("customer without prices: %+v", b)
	}
}

func TestSavingsCancelled(t *testing.T) {
	s, accts := household(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := compare.Savings(ctx, s, accts, nil, time.Now()); err == nil {
		t.Error("a cancelled context computed savings")
	}
}
