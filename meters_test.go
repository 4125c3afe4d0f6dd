package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db"
)

// gasCache is a cache file with a power meter and a gas meter in m³.
func gasCache(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	s, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.EnsureSource(ctx, "portal", app.VendorEpilot, "http://127.0.0.1/portal"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveMeters(ctx, "portal", []series.Meter{{ExternalID: "p1", Number: "1EMH0001", Unit: "kWh"},
		{ExternalID: "g1", Number: "7GAS0001"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeterUnit(ctx, "portal", "g1", series.M3); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMetersSetGasAndList(t *testing.T) {
	cache := gasCache(t)
	code, stdout, stderr := runCLI(t, "meters", "--db", cache)
	if code != 0 || !strings.Contains(stdout, "7GAS0001") || !strings.Contains(stdout, "(default)") {
		t.Fatalf("list: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "meters", "set-gas", "--db", cache, "--meter", "7gas0001", "--calorific-value", "11.234", "--state-number", "0.9653")
	if code != 0 || stdout != "meter 2 (7GAS0001): m³ × 11.234 kWh/m³ × 0.9653\n" || stderr != "" {
		t.Fatalf("set-gas: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "meters", "list", "--db", cache)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 3 {
		t.Fatalf("list: exit %d\n%s", code, stdout)
	}
	if f := strings.Fields(lines[2]); len(f) != 7 || f[0] != "2" || f[3] != "m³" || f[4] != "11.234" || f[5] != "0.9653" {
		t.Errorf("gas meter row %q", lines[2])
	}
	if f := strings.Fields(lines[1]); len(f) != 4 || f[3] != "kWh" {
		t.Errorf("power meter row %q", lines[1])
	}
	// By id, on the power meter: kept, with a note.
	code, _, stderr = runCLI(t, "meters", "set-gas", "--db", cache, "--meter", "1", "--calorific-value", "10", "--state-number", "1")
	if code != 0 || !strings.Contains(stderr, "counts kWh so far") {
		t.Errorf("set-gas on a kWh meter: exit %d, %s", code, stderr)
	}
}

func TestMetersSetGasRejectsBadValues(t *testing.T) {
	cache := gasCache(t)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--calorific-value", "112", "--state-number", "0.96"}, "calorific value 112 kWh/m³: want 8 to 13"},
		{[]string{"--calorific-value", "11,2", "--state-number", "0.96"}, `--calorific-value "11,2": want a positive number`},
		{[]string{"--calorific-value", "11.2", "--state-number", "9636"}, "state number 9636: want 0.8 to 1.1"},
		{[]string{"--calorific-value", "11.2", "--state-number", "-1"}, `--state-number "-1": want a positive number`},
		{[]string{"--calorific-value", "11.2"}, "needs --db, --meter, --calorific-value and --state-number"},
	} {
		args := append([]string{"meters", "set-gas", "--db", cache, "--meter", "7GAS0001"}, tc.args...)
		code, _, stderr := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
	code, _, stderr := runCLI(t, "meters", "set-gas", "--db", cache, "--meter", "nope", "--calorific-value", "11.2", "--state-number", "0.96")
	if code != 2 || !strings.Contains(stderr, `--meter "nope": no meter`) {
		t.Errorf("unknown meter: exit %d, %q", code, stderr)
	}
	if code, _, _ := runCLI(t, "meters"); code != 2 {
		t.Errorf("meters without arguments: exit %d", code)
	}
	if code, _, stderr := runCLI(t, "meters", "frob"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("meters frob: exit %d, %q", code, stderr)
	}
}
