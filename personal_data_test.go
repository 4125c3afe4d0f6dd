package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/sync/simulate"
)

// anIBAN is a German IBAN as enneo's records carry them.
var anIBAN = regexp.MustCompile(`DE\d{20}`)

// raws returns every cached enneo contract's vendor record, decoded.
func raws(t *testing.T, path string) []map[string]any {
	t.Helper()
	s, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []map[string]any
	err = s.EachContract(context.Background(), app.ContractFilter{Vendor: app.VendorEnneo}, func(c app.Contract) error {
		var m map[string]any
		if err := json.Unmarshal(c.Raw, &m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExportLeavesOutPersonalDataUnlessAsked(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 4, EnneoContracts: 20})
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, stderr)
	}
	var ibans []string
	for _, r := range raws(t, f.db) {
		if s, ok := r["iban"].(string); ok {
			ibans = append(ibans, s)
		}
	}
	if len(ibans) == 0 {
		t.Fatal("fixture: the simulated enneo records carry no IBAN; the test would prove nothing")
	}

	out := filepath.Join(t.TempDir(), "contracts.csv")
	if code, _, stderr := runCLI(t, "export", "contracts", "--db", f.db, "-o", out); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	b, _ := os.ReadFile(out)
	if anIBAN.Match(b) || bytes.Contains(b, []byte("@example")) || bytes.Contains(b, []byte("personal_")) {
		t.Errorf("the export carries personal data unasked")
	}

	if code, _, stderr := runCLI(t, "export", "contracts", "--db", f.db, "-o", out, "--include-personal-data", "--vendor", "enneo"); code != 0 {
		t.Fatalf("export --include-personal-data: exit %d\n%s", code, stderr)
	}
	rows := readCSV(t, out)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var got []string
	for _, r := range rows[1:] {
		if v := r[col["personal_iban"]]; v != "" {
			got = append(got, v)
		}
		if !strings.Contains(r[col["personal_email"]], "@") {
			t.Errorf("row %s: personal_email %q", r[col["external_id"]], r[col["personal_email"]])
		}
	}
	if strings.Join(got, ",") != strings.Join(ibans, ",") {
		t.Errorf("personal_iban column %v, want the records' IBANs %v", got, ibans)
	}
}

func TestStorePersonalDataFalseKeepsItOutOfTheCache(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 4, EnneoContracts: 20})
	conf, _ := os.ReadFile(f.config)
	if err := os.WriteFile(f.config, append([]byte("store_personal_data = false\n"), conf...), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, stderr)
	}
	rs := raws(t, f.db)
	if len(rs) != 20 {
		t.Fatalf("%d enneo records cached, want 20", len(rs))
	}
	for _, r := range rs {
		for _, k := range []string{"iban", "email", "phone", "deliveryAddress", "billingAddress"} {
			if _, ok := r[k]; ok {
				t.Fatalf("record %v still has %s", r["id"], k)
			}
		}
		if r["productName"] == nil || r["counterNumber"] == nil {
			t.Fatalf("record %v lost what is not personal: %v", r["id"], r)
		}
	}
	// Nowhere in the file either (the WAL included: the store is closed).
	b, _ := os.ReadFile(f.db)
	if anIBAN.Match(b) {
		t.Errorf("an IBAN is in the cache file")
	}
}

func TestLogsCarryNoPersonalData(t *testing.T) {
	var stderr bytes.Buffer
	defer slog.SetDefault(slog.Default())
	if code := run(context.Background(), []string{"version"}, &bytes.Buffer{}, &stderr); code != 0 {
		t.Fatalf("version: exit %d", code)
	}
	// What a connector might log about a bad answer.
	slog.Warn("vendor answered 422: invalid iban DE89370400440532013000 for max@example.com",
		"body", `{"email":"max@example.com"}`, "phone", "+49 172 1041689", "contract", "746839")
	out := stderr.String()
	for _, p := range []string{"DE89370400440532013000", "max@example.com", "1041689"} {
		if strings.Contains(out, p) {
			t.Errorf("the log carries %s:\n%s", p, out)
		}
	}
	if !strings.Contains(out, "contract=746839") {
		t.Errorf("the log lost the record's id:\n%s", out)
	}
}
