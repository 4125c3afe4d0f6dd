package web

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/export/*.csv from the current code")

// goldenStore is hofStore (every kind, its terms, accounts linked to the
// vendors' customers) with 620 more contracts: a run of equal names across
// the first of the export's batches of 500 (the keyset orders them by id),
// text a spreadsheet would run, quotes, line breaks and leading spaces,
// negative and sub-cent prices, a price in another currency, personal data
// in the vendor's record, and two contracts the vendor no longer has.
// It returns the store and the span of the clock's time within which the
// two were removed.
func goldenStore(t testing.TB) (*db.Store, [2]time.Time) {
	t.Helper()
	s := hofStore(t)
	ctx := context.Background()
	texts := []string{"=HYPERLINK(\"http://evil\")", "+49 172 555", " @SUM(A1)", "-5", "-1+2", "say \"hi\", twice",
		"Zeile 1\nZeile 2", "\tTab", "Müller; Söhne", " leading", `\.`, ""}
	var cs []app.Contract
	for i := range 620 {
		name := fmt.Sprintf("Vertrag %03d", i)
		switch {
		case i%31 == 0:
			name = texts[i/31%len(texts)]
		case i >= 480 && i < 530, i%97 == 5:
			name = "Vertrag 480" // ties across the first batch boundary
		case i%7 == 3:
			name = strings.ToUpper(name) // lower(name) orders these with the rest
		}
		c := app.Contract{
			ExternalID: fmt.Sprintf("G-%04d", i), Kind: app.KindRetail, Commodity: app.Commodities[i%len(app.Commodities)],
			Status:   []string{"active", "ended", "pending", "-1"}[i%4],
			Customer: app.Customer{ExternalID: fmt.Sprintf("GK-%03d", i/5), Name: texts[i%len(texts)] + fmt.Sprintf(" Kunde %d", i/5)},
			Name:     name, Product: app.Product{Name: texts[(i+3)%len(texts)], Code: fmt.Sprintf("P%d", i%9)},
			Parties: app.Parties{Supplier: texts[(i+5)%len(texts)], SupplierCode: "99000", Buyer: texts[(i+7)%len(texts)],
				GridOperator: texts[(i+1)%len(texts)], GridOperatorCode: "99001"},
			ValidFrom: time.Date(2020+i%7, time.Month(1+i%12), 1+i%28, i%24, i%60, i%60, 0, time.UTC),
			Prices: app.Prices{Currency: []string{"EUR", "", "CHF"}[i%3],
				BasePerYear:   app.Ptr(app.Decimal(int64(i-300) * 123_457)),
				WorkingPerKWh: app.Ptr(app.Decimal(int64(i-100) * 1_001)), VATRate: dec("0.19")},
			MeterID:   fmt.Sprintf("DE%031d", i),
			FetchedAt: time.Date(2026, 11, 20, 8, 0, i%60, 0, time.UTC),
			Raw:       []byte(fmt.Sprintf(`{"id":"G-%04d","email":"kunde%d@example.de","phone":"+49 30 1234%03d","iban":"DE89370400440532013000"}`, i, i, i)),
		}
		if i%5 == 0 {
			c.ValidTo = c.ValidFrom.AddDate(2, 0, 0)
			c.SignedAt = c.ValidFrom.AddDate(0, -1, 0)
			c.AnnualConsumptionKWh = app.Ptr(app.Decimal(int64(i) * 1_234_567))
		}
		if i%11 == 0 {
			c.Prices.BasePerYear, c.Prices.WorkingPerKWh, c.Prices.VATRate = nil, nil, nil
		}
		cs = append(cs, c)
	}
	syncSource(t, s, srcEnneo, append(fixtures()[srcEnneo], cs...), nil, app.RunOK, "")
	// A second full listing without two of them: they are removed.
	run, err := s.BeginRun(ctx, srcEnneo)
	if err != nil {
		t.Fatal(err)
	}
	kept := append(fixtures()[srcEnneo], cs[2:]...)
	for i := range kept {
		kept[i].Source, kept[i].Vendor = srcEnneo, app.VendorEnneo
		if kept[i].FetchedAt.IsZero() {
			kept[i].FetchedAt = fetched
		}
	}
	if err := s.SavePage(ctx, run, srcEnneo, "contracts", kept, nil, "done"); err != nil {
		t.Fatal(err)
	}
	unseen, err := s.UnseenContracts(ctx, run, srcEnneo)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, u := range unseen {
		if u.ExternalID == "G-0000" || u.ExternalID == "G-0001" {
			ids = append(ids, u.ID)
		}
	}
	from := time.Now().Truncate(time.Second)
	n, err := s.MarkRemoved(ctx, run, srcEnneo, ids)
	if err != nil || n != 2 {
		t.Fatalf("marked %d removed: %v", n, err)
	}
	removed := [2]time.Time{from, time.Now()}
	if err := s.FinishRun(ctx, run, app.RunOK, ""); err != nil {
		t.Fatal(err)
	}
	return s, removed
}

// The contracts export is the same bytes as the files in testdata/export,
// written by the code before the export was made faster (go test -run
// TestExportGolden -update rewrites them): the default order, read in
// batches, in both dialects and with the personal data columns of every
// contract the cache holds, and other orders and filters, read by id.
func TestExportGolden(t *testing.T) {
	s, removed := goldenStore(t)
	h := New(hofOptions(s))
	hof := accountID(t, s, "Hof Sonnenschein")
	for _, tt := range []struct{ file, query string }{
		{"default.csv", ""},
		{"excel-de.csv", "?dialect=excel-de&commodity=electricity"},
		{"personal-all.csv", "?personal=include&upstream=all"},
		{"valid-from-desc.csv", "?sort=valid_from&desc=1&dialect=excel-de&status=ended"},
		{"status.csv", "?status=pending&personal=include"},
		{"search.csv", "?q=kunde+1"},
		{"account.csv", fmt.Sprintf("?account=%d", hof)},
	} {
		t.Run(tt.file, func(t *testing.T) {
			got := removedAt(mustGet(t, h, "/contracts.csv"+tt.query), removed)
			path := filepath.Join("testdata", "export", tt.file)
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("line %d of %d differs:\n got %q\nwant %q", i+1, len(wl), gl[i], wl[i])
					}
				}
				t.Fatalf("%d lines, want %d", len(gl), len(wl))
			}
		})
	}
}

// removedAt is body with the removed_at of the two removed contracts (the
// clock's time when the test removed them, within span) spelled
// <removed_at>; no other time in the export is that recent.
func removedAt(body string, span [2]time.Time) string {
	return instant.ReplaceAllStringFunc(body, func(s string) string {
		if at, err := time.Parse(time.RFC3339, s); err == nil && !at.Before(span[0]) && !at.After(span[1]) {
			return "<removed_at>"
		}
		return s
	})
}

var instant = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)
