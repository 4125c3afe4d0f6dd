package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"wattfolio/app/export"
	"wattfolio/db"
)

func TestOffersImportAndList(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache.db")
	code, stdout, stderr := runCLI(t, "offers", "import", "--db", cache, "offers.example.toml")
	if code != 0 || stdout != "imported 10 offers (10 new, 0 updated)\n" {
		t.Fatalf("import: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	// Again, with the file before the flags: the same offers, updated by name.
	code, stdout, stderr = runCLI(t, "offers", "import", "offers.example.toml", "--db", cache)
	if code != 0 || stdout != "imported 10 offers (0 new, 10 updated)\n" {
		t.Fatalf("second import: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}

	code, stdout, stderr = runCLI(t, "offers", "list", "--db", cache)
	if code != 0 {
		t.Fatalf("list: exit %d, %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := make([]string, len(export.OfferColumns))
	for i, c := range export.OfferColumns {
		header[i] = c.Name
	}
	if !slices.Equal(rows[0], header) || len(rows) != 11 {
		t.Fatalf("list: header %v and %d rows", rows[0], len(rows)-1)
	}
	want := map[string]string{
		"name": "Stadtwerk Fix 12", "supplier": "Stadtwerke Musterstadt GmbH", "commodity": "electricity",
		"model": "fixed", "gross": "true", "vat_rate": "0.19", "base_eur_per_year": "119.4",
		"working_ct_per_kwh": "27.9", "bonus_eur": "125", "guarantee_months": "12", "guarantee_scope": "full",
		"min_term_months": "12", "notice": "1 month", "valid_from": "2026-11-01", "valid_to": "2027-06-30",
	}
	found := false
	for _, r := range rows[1:] {
		if r[0] != want["name"] {
			continue
		}
		found = true
		for i, col := range header {
			if r[i] != want[col] {
				t.Errorf("%s = %q, want %q", col, r[i], want[col])
			}
		}
	}
	if !found {
		t.Errorf("no row for %s", want["name"])
	}

	out := filepath.Join(dir, "offers.csv")
	if code, _, stderr := runCLI(t, "offers", "list", "--db", cache, "-o", out, "--dialect", "excel-de"); code != 0 {
		t.Fatalf("list -o: exit %d, %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(b), "\ufeffname;supplier;") || !strings.Contains(string(b), ";0,19;119,4;27,9;") {
		t.Errorf("excel-de list: %v\n%s", err, b)
	}
}

func TestOffersImportRejectsBadFileAndLeavesCache(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache.db")
	if code, _, stderr := runCLI(t, "offers", "import", "--db", cache, "offers.example.toml"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	before, err := os.ReadFile(cache)
	if err != nil {
		t.Fatal(err)
	}
	bad := importBadOffers(t, cache)
	after, err := os.ReadFile(cache)
	if err != nil || !slices.Equal(before, after) {
		t.Errorf("the cache file changed after a refused import (%v)", err)
	}
	store, err := db.Open(context.Background(), cache)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.OfferByName(context.Background(), "Neu"); err == nil {
		t.Error("an offer of the refused file is in the cache")
	}

	// A refused file never creates a cache either.
	fresh := filepath.Join(dir, "fresh.db")
	if code, _, _ := runCLI(t, "offers", "import", "--db", fresh, bad); code != 2 {
		t.Errorf("bad file into a new cache: exit %d", code)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("a refused import created %s", fresh)
	}
}

// importBadOffers imports an offers file with two mistakes into the cache
// or book db and checks it is refused, each mistake named by its line; it
// returns the file.
func importBadOffers(t *testing.T, db string) string {
	t.Helper()
	bad := filepath.Join(t.TempDir(), "offers.toml")
	text := `[[offer]]
name = "Stadtwerk Fix 12"
supplier = "Stadtwerke Musterstadt GmbH"
model = "fixed"
gross = true
working_price_ct_per_kwh = "25,9"

[[offer]]
name = "Neu"
supplier = "X"
model = "fixed"
gross = true
working_price_ct_per_kwh = 20
notice = "soon"
`
	if err := os.WriteFile(bad, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "offers", "import", "--db", db, bad)
	if code != exitUsage || stdout != "" {
		t.Fatalf("bad file: exit %d, stdout %q", code, stdout)
	}
	for _, want := range []string{
		bad + `:6: offer "Stadtwerk Fix 12": working_price_ct_per_kwh: must be a decimal number with a point`,
		bad + `:14: offer "Neu": notice: "soon" is not a notice period`,
		"nothing imported",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	return bad
}

func TestOffersUsage(t *testing.T) {
	if code, stdout, _ := runCLI(t, "offers", "--help"); code != 0 || !strings.Contains(stdout, "offers import --db FILE") {
		t.Errorf("offers --help: exit %d\n%s", code, stdout)
	}
	for _, args := range [][]string{
		{"offers"}, {"offers", "frobnicate"}, {"offers", "import", "offers.example.toml"},
		{"offers", "import", "--db", "x.db"}, {"offers", "list"}, {"offers", "import", "--db", "x.db", "a.toml", "b.toml"},
	} {
		if code, _, stderr := runCLI(t, args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
