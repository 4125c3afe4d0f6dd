package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/export"
	"wattfolio/db"
	"wattfolio/db/dbtest"
	"wattfolio/sync/simulate"
)

// `wattfolio export readings` through the command line, after a real sync
// of one simulated epilot meter (three weeks of quarter hours): every stored
// reading once, daily sums that equal the quarter hours behind them, the
// meter, range, interval and dialect flags, and clear usage errors.
func TestExportReadingsCLI(t *testing.T) {
	// Three weeks around the spring DST change keep it fast.
	f := newFixture(t, simulate.Options{Seed: 11, EpilotMeters: 1,
		EpilotFrom: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), EpilotTo: time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)})
	if code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	meters, err := store.ListMeters(ctx)
	total, _ := dbtest.CountReadings(ctx, store)
	store.Close()
	if err != nil || len(meters) != 1 || total == 0 {
		t.Fatalf("meters %v readings %d: %v", meters, total, err)
	}
	m := meters[0]
	header := make([]string, len(export.ReadingColumns))
	for i, c := range export.ReadingColumns {
		header[i] = c.Name
	}
	parse := func(s string, comma rune) [][]string {
		t.Helper()
		r := csv.NewReader(strings.NewReader(s))
		r.Comma = comma
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v", err)
		}
		if len(rows) == 0 || !slices.Equal(rows[0], header) {
			t.Fatalf("header %v, want %v", rows[0], header)
		}
		return rows[1:]
	}
	col := func(name string) int { return slices.Index(header, name) }

	// Everything, native, to a file.
	out := filepath.Join(t.TempDir(), "readings.csv")
	if code, _, stderr := runCLI(t, "export", "readings", "--db", f.db, "-o", out); code != 0 {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	all := parse(string(b), ',')
	if int64(len(all)) != total {
		t.Fatalf("%d rows, %d readings stored", len(all), total)
	}
	measures := map[string]int{}
	seen := map[string]bool{}
	for _, r := range all {
		measures[r[col("measure")]]++
		key := r[col("measure")] + "/" + r[col("channel")] + "/" + r[col("start")]
		if seen[key] {
			t.Fatalf("reading %s twice", key)
		}
		seen[key] = true
		if r[col("source")] != m.Source || r[col("meter_id")] != m.ExternalID || r[col("readings")] != "1" {
			t.Fatalf("row %v", r)
		}
		s, err1 := time.Parse(time.RFC3339, r[col("start")])
		e, err2 := time.Parse(time.RFC3339, r[col("end")])
		if err1 != nil || err2 != nil || e.Sub(s) != 15*time.Minute {
			t.Fatalf("interval %s..%s", r[col("start")], r[col("end")])
		}
		if r[col("measure")] == "price" && (r[col("currency")] != "EUR" || r[col("tax_rate")] != "19" || r[col("tax_behavior")] != "exclusive" || r[col("auction_price")] == "") {
			t.Fatalf("price row %v", r)
		}
	}
	if measures["consumption"] == 0 || measures["price"] == 0 || measures["cost"] == 0 {
		t.Errorf("measures %v", measures)
	}

	// One meter, one local week, daily, to standard output: each day's
	// consumption is the sum of its quarter hours in the full export.
	loc, _ := time.LoadLocation("Europe/Berlin")
	code, daily, stderr := runCLI(t, "export", "readings", "--db", f.db, "--meter", strconv.FormatInt(m.ID, 10),
		"--from", "2026-03-26", "--to", "2026-04-02", "--interval", "P1D")
	if code != 0 {
		t.Fatalf("daily export exit %d: %s", code, stderr)
	}
	days := parse(daily, ',')
	if len(days) == 0 {
		t.Fatal("no daily rows")
	}
	sums := map[string]app.Decimal{}
	counts := map[string]int64{}
	for _, r := range all {
		if r[col("measure")] != "consumption" {
			continue
		}
		s, _ := time.Parse(time.RFC3339, r[col("start")])
		l := s.In(loc)
		d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc).UTC().Format(time.RFC3339)
		v, err := app.ParseDecimal(r[col("value")])
		if err != nil {
			t.Fatal(err)
		}
		sums[r[col("channel")]+"/"+d] += v
		counts[r[col("channel")]+"/"+d]++
	}
	dst := false
	for _, r := range days {
		if r[col("measure")] != "consumption" {
			continue
		}
		k := r[col("channel")] + "/" + r[col("start")]
		if got := app.MustDecimal(r[col("value")]); got != sums[k] || r[col("readings")] != strconv.FormatInt(counts[k], 10) {
			t.Errorf("day %s: %s kWh from %s readings, quarter hours sum to %s from %d", k, got, r[col("readings")], sums[k], counts[k])
		}
		if r[col("readings")] == "92" {
			dst = true // 2026-03-29 is 23 hours long
		}
	}
	if !dst {
		t.Error("the week across the spring DST change has no 23-hour day")
	}

	// The excel-de dialect: BOM, semicolons, decimal commas.
	code, de, stderr := runCLI(t, "export", "readings", "--db", f.db, "--from", "2026-04-01", "--to", "2026-04-02", "--dialect", "excel-de")
	if code != 0 || !strings.HasPrefix(de, "\ufeff") {
		t.Fatalf("excel-de exit %d: %s", code, stderr)
	}
	rows := parse(strings.TrimPrefix(de, "\ufeff"), ';')
	if len(rows) == 0 || strings.Contains(rows[0][col("value")], ".") {
		t.Errorf("excel-de rows %v", rows[:min(len(rows), 1)])
	}

	// Usage errors.
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"export", "readings"}, 2, "needs --db"},
		{[]string{"export", "readings", "--db", f.db, "--interval", "PT5M"}, 2, "--interval"},
		{[]string{"export", "readings", "--db", f.db, "--meter", "x"}, 2, "--meter"},
		{[]string{"export", "readings", "--db", f.db, "--from", "yesterday"}, 2, "--from"},
		{[]string{"export", "readings", "--db", f.db, "--dialect", "tsv"}, 2, "dialect"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d mentioning %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
}
