package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/app/tariff"
	"wattfolio/db"
)

// benchPortfolio is a cache of n customers priced on profiles (no meters),
// each with one fixed enneo contract in force, and five offers.
func benchPortfolio(b *testing.B, n int) *db.Store {
	b.Helper()
	s := openStore(b)
	cs := make([]app.Contract, n)
	accts := make([]app.Account, n)
	profiles := []string{"H25", "G25", "L25", "H25", "G25"}
	for i := range cs {
		ext := fmt.Sprintf("K%04d", i)
		cs[i] = app.Contract{ExternalID: fmt.Sprintf("S%04d", i), Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: "active",
			Name: "Strom " + ext, Customer: app.Customer{ExternalID: ext, Name: "Kunde " + ext},
			ValidFrom: utcDay(2025, time.Month(1+i%12), 1), ValidTo: utcDay(2027, time.Month(1+i%12), 1),
			Prices: app.Prices{Currency: "EUR", BasePerYear: app.Ptr(app.DecimalFromInt(int64(90 + i%200))),
				WorkingPerKWh: app.Ptr(app.Decimal(220_000 + int64(i%120)*1000)), VATRate: dec("0.19")},
			AnnualConsumptionKWh: app.Ptr(app.DecimalFromInt(int64(1500 + i*37%60000))), Raw: []byte(`{}`)}
		accts[i] = app.Account{Name: "Kunde " + ext, Profile: profiles[i%len(profiles)], Links: []app.AccountLink{{Source: srcEnneo, ExternalID: ext}}}
	}
	syncSource(b, s, srcEnneo, cs, nil, app.RunOK, "")
	ctx := context.Background()
	if err := s.ReplaceAccounts(ctx, accts); err != nil {
		b.Fatal(err)
	}
	d := app.MustDecimal
	ch := tariff.Charges{GridPerKWh: d("0.08"), LeviesPerKWh: d("0.012"), ElectricityTaxPerKWh: d("0.0205"), ConcessionPerKWh: d("0.0166")}
	tariffs := []tariff.Tariff{
		{Name: "Fix", Model: tariff.Fixed, Gross: true, BasePerYear: d("119.40"), WorkingPerKWh: d("0.279"),
			Bonuses: []tariff.Bonus{{Kind: tariff.InstantBonus, Amount: d("100")}}, Guarantee: tariff.Guarantee{Months: 12, Scope: tariff.GuaranteeFull}},
		{Name: "Business", Model: tariff.Fixed, BasePerYear: d("600"), WorkingPerKWh: d("0.12"), Charges: ch},
		{Name: "HT/NT", Model: tariff.TimeOfUse, WorkingPerKWh: d("0.31"), Gross: true,
			Zones: []tariff.Zone{{Name: "NT", From: 22 * 60, To: 6 * 60, PerKWh: d("0.24")}}},
		{Name: "14a", Model: tariff.Fixed, WorkingPerKWh: d("0.15"), Charges: ch,
			GridZones: []tariff.Zone{{From: 0, To: 360, PerKWh: d("0.02")}, {From: 17 * 60, To: 20 * 60, PerKWh: d("0.14")}}},
		{Name: "Fix 2", Model: tariff.Fixed, Gross: true, BasePerYear: d("90"), WorkingPerKWh: d("0.29")},
	}
	var offers []offer.Offer
	for _, t := range tariffs {
		t.Supplier, t.Commodity, t.Currency, t.VATRate = "Stadtwerk", app.CommodityElectricity, "EUR", d("0.19")
		offers = append(offers, offer.Offer{Name: t.Name, Supplier: t.Supplier, Commodity: t.Commodity, Tariff: t})
	}
	if _, _, err := s.SaveOffers(ctx, offers); err != nil {
		b.Fatal(err)
	}
	return s
}

func benchHandler(s *db.Store) *handler {
	o := testOptions(s)
	o.Accounts, o.OfferStore, o.Savings = s, s, s
	return newHandler(o)
}

// BenchmarkSavingsFresh is one whole recompute: 500 customers on load
// profiles, each priced under its contract and 5 offers, written to the
// cache. Target: 2 s.
func BenchmarkSavingsFresh(b *testing.B) {
	s := benchPortfolio(b, 500)
	hd := benchHandler(s)
	for b.Loop() {
		if err := hd.computeSavings(); err != nil {
			b.Fatal(err)
		}
	}
	rows, _, err := s.Savings(context.Background())
	if err != nil || len(rows) != 500 || rows[0].Saving1 == nil {
		b.Fatalf("%d rows, first %+v, %v", len(rows), rows[0], err)
	}
}

// BenchmarkSavingsCached is GET /savings on 500 cached customers, the
// whole handler. Target: 100 ms.
func BenchmarkSavingsCached(b *testing.B) {
	s := benchPortfolio(b, 500)
	hd := benchHandler(s)
	if err := hd.computeSavings(); err != nil {
		b.Fatal(err)
	}
	h := hd.chain()
	durations := make([]time.Duration, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodGet, "/savings", nil)
		r.Host = "127.0.0.1:34115"
		withToken(r)
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, r)
		durations = append(durations, time.Since(start))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
	slices.Sort(durations)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(durations[len(durations)/2]), "p50-ms")
	b.ReportMetric(ms(durations[min(len(durations)-1, len(durations)*95/100)]), "p95-ms")
}
