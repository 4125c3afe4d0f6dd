package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/big"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db"
	"wattfolio/sync/simulate"
)

// Issue 9's end-to-end path: sync the simulated vendors, import the example
// offers, compare a customer on a profile and one on their meters, and
// check the euros against the offer's and the contract's own figures.
func TestCompareEndToEnd(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 7, EnneoContracts: 120})
	if code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "offers", "import", "--db", f.db, "offers.example.toml"); code != 0 {
		t.Fatalf("offers import exit %d: %s", code, stderr)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	// "Gewerbe Strom Netto 24": net 14.25 ct + grid 7.5 + levies 1.2 + tax
	// 2.05 + concession 0.11 = 25.11 ct/kWh; 180 € base + 95.20 € grid base
	// a year; 19 % VAT on top.
	perKWh, perYear := big.NewRat(2511, 10000), big.NewRat(27520, 100)
	gross := func(kwh, days, yearDays *big.Rat) app.Decimal {
		net := new(big.Rat).Mul(kwh, perKWh)
		net.Add(net, new(big.Rat).Mul(perYear, new(big.Rat).Quo(days, yearDays)))
		g, err := app.RoundRat(net.Mul(net, big.NewRat(119, 100)), 2)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}

	t.Run("profile", func(t *testing.T) {
		// A business without meters: its enneo contract's annual
		// consumption spread over G25, which sums to it exactly.
		c := contractOf(t, store, "Schwäbische Zulieferer GmbH", app.VendorEnneo)
		kwh := c.AnnualConsumptionKWh.Rat()
		out := filepath.Join(t.TempDir(), "compare.csv")
		code, _, stderr := runCLI(t, "compare", "--db", f.db, "--customer", "schwäbische zulieferer gmbh",
			"--offer", "Gewerbe Strom Netto 24", "--from", "2026-01-01", "--to", "2027-01-01", "-o", out)
		if code != 0 {
			t.Fatalf("compare exit %d: %s", code, stderr)
		}
		rows := readCSV(t, out)
		offer, current := csvRowWhere(t, rows, "option", "Gewerbe Strom Netto 24"), csvRowWhere(t, rows, "kind", "current")
		if offer["curve"] != "profile G25" || offer["consumption_kwh"] != c.AnnualConsumptionKWh.String() {
			t.Errorf("curve %q of %s kWh, want profile G25 of %s", offer["curve"], offer["consumption_kwh"], c.AnnualConsumptionKWh)
		}
		if want := gross(kwh, big.NewRat(365, 1), big.NewRat(365, 1)); offer["gross_eur_year1"] != want.String() {
			t.Errorf("offer gross %s, want %s", offer["gross_eur_year1"], want)
		}
		// The enneo contract: net working and base price, 19 % VAT.
		net := new(big.Rat).Mul(kwh, c.Prices.WorkingPerKWh.Rat())
		net.Add(net, c.Prices.BasePerYear.Rat())
		want, _ := app.RoundRat(net.Mul(net, big.NewRat(119, 100)), 2)
		if current["gross_eur_year1"] != want.String() || current["baseline"] != "yes" {
			t.Errorf("current contract %q: gross %s (baseline %q), want %s", current["option"], current["gross_eur_year1"], current["baseline"], want)
		}
		saving, _ := want.Sub(app.MustDecimal(offer["gross_eur_year1"]))
		if offer["saving_eur_year1"] != saving.String() {
			t.Errorf("saving %s, want %s", offer["saving_eur_year1"], saving)
		}
	})

	t.Run("metered", func(t *testing.T) {
		// The bakery's meter has two weeks of quarter hours (2 to 16
		// November UTC): twelve whole local days inside them, summed here
		// from the cache's daily rollup, a path the curve does not take.
		acct := accountNamed(t, store, "Bäckerei Sonnenkorn GmbH")
		from, to := time.Date(2026, 11, 3, 0, 0, 0, 0, app.DefaultZone()), time.Date(2026, 11, 15, 0, 0, 0, 0, app.DefaultZone())
		meters, err := store.MetersOfAccount(ctx, acct.ID)
		if err != nil || len(meters) == 0 {
			t.Fatalf("meters %v, %v", meters, err)
		}
		var kwh app.Decimal
		for _, m := range meters {
			days, err := store.Aggregate(ctx, m.ID, from, to, series.Day)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range days {
				kwh += d.Consumption
			}
		}
		if kwh < app.DecimalFromInt(100) {
			t.Fatalf("the bakery drew %s kWh in twelve days", kwh)
		}
		out := filepath.Join(t.TempDir(), "compare.csv")
		code, _, stderr := runCLI(t, "compare", "--db", f.db, "--customer", "Bäckerei Sonnenkorn GmbH", "--offer", "Gewerbe Strom Netto 24",
			"--from", "2026-11-03", "--to", "2026-11-15", "-o", out, "--dialect", "excel-de")
		if code != 0 {
			t.Fatalf("compare exit %d: %s", code, stderr)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		offer := csvRowWhere(t, rows, "option", "Gewerbe Strom Netto 24")
		if offer["curve"] != "metered" || offer["consumption_kwh"] != decimalComma(kwh) {
			t.Errorf("curve %q of %s kWh, want metered %s", offer["curve"], offer["consumption_kwh"], kwh)
		}
		if want := gross(kwh.Rat(), big.NewRat(12, 1), big.NewRat(365, 1)); offer["gross_eur_year1"] != decimalComma(want) {
			t.Errorf("offer gross %s, want %s", offer["gross_eur_year1"], want)
		}
	})

	t.Run("page", func(t *testing.T) {
		// The app's compare page prices the stored offer as the CLI does.
		srv := httptest.NewServer(handler(ctx, store, sourcesFile{}, testToken))
		defer srv.Close()
		o, err := store.OfferByName(ctx, "Gewerbe Strom Netto 24")
		if err != nil {
			t.Fatal(err)
		}
		acct := accountNamed(t, store, "Schwäbische Zulieferer GmbH")
		c := contractOf(t, store, "Schwäbische Zulieferer GmbH", app.VendorEnneo)
		page := get(t, fmt.Sprintf("%s/customers/%d/compare?o=o%d&o=c%d&from=2026-01&to=2026-12&lang=en", srv.URL, acct.ID, o.ID, c.ID))
		want := gross(c.AnnualConsumptionKWh.Rat(), big.NewRat(365, 1), big.NewRat(365, 1))
		if !strings.Contains(page, "Gewerbe Strom Netto 24") || !strings.Contains(page, groupThousands(want.Fixed(2))) {
			t.Errorf("compare page lacks the offer or its gross %s", want)
		}
		if !strings.Contains(page, "Automatic: profile G25 (no meter data)") {
			t.Errorf("the curve choice does not say the customer is on a profile")
		}
	})

	t.Run("usage errors", func(t *testing.T) {
		for _, args := range [][]string{
			{"compare", "--db", f.db, "--customer", "Nobody GmbH"},
			{"compare", "--db", f.db, "--customer", "Hofgut Lindenau", "--offer", "No Such Offer"},
			{"compare", "--db", f.db, "--customer", "Hofgut Lindenau", "--from", "2026-06-02", "--to", "2026-06-01"},
			{"compare", "--db", f.db, "--customer", "Hofgut Lindenau", "--profile", "G9"},
		} {
			if code, _, stderr := runCLI(t, args...); code != 2 || stderr == "" {
				t.Errorf("%v: exit %d, %q; want 2 and a message", args[3:], code, stderr)
			}
		}
	})
}

func accountNamed(t *testing.T, store *db.Store, name string) app.Account {
	t.Helper()
	accts, err := store.Accounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no customer %q among %v", name, accts)
	return app.Account{}
}

// contractOf returns the customer's active contract at the vendor.
func contractOf(t *testing.T, store *db.Store, customer string, v app.Vendor) app.Contract {
	t.Helper()
	acct := accountNamed(t, store, customer)
	var found app.Contract
	err := store.EachContract(context.Background(), app.ContractFilter{Account: acct.ID, Vendor: v,
		Commodity: app.CommodityElectricity, ActiveOn: time.Now()}, func(c app.Contract) error {
		found = c
		return nil
	})
	if err != nil || found.ID == 0 || found.AnnualConsumptionKWh == nil {
		t.Fatalf("no active %s contract with a consumption for %s: %v", v, customer, err)
	}
	return found
}

// csvRowWhere returns the first row whose column col holds v, as a map.
func csvRowWhere(t *testing.T, rows [][]string, col, v string) map[string]string {
	t.Helper()
	at := -1
	for i, h := range rows[0] {
		if h == col {
			at = i
		}
	}
	for _, r := range rows[1:] {
		if at >= 0 && r[at] == v {
			m := map[string]string{}
			for i, h := range rows[0] {
				m[h] = r[i]
			}
			return m
		}
	}
	t.Fatalf("no row with %s = %q", col, v)
	return nil
}

// groupThousands writes 257303.23 as 257,303.23, as the English page does.
func groupThousands(s string) string {
	i := strings.IndexByte(s, '.')
	if i < 0 {
		i = len(s)
	}
	for j := i - 3; j > 0; j -= 3 {
		s = s[:j] + "," + s[j:]
	}
	return s
}

func decimalComma(d app.Decimal) string {
	return string(d.Append(nil, ','))
}
