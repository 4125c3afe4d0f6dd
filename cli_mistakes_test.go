package main

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/sync/engine"
	"wattfolio/sync/simulate"
)

// Mistakes on the command line end with exit 2 and a message that says
// what exists, never with an empty report and exit 0.
func TestExportMistakesSayWhatExists(t *testing.T) {
	f := newFixture(t, simulate.Options{EnneoContracts: 20})
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync: exit %d: %s", code, stderr)
	}
	store, err := db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	meters, err := store.ListMeters(context.Background())
	store.Close()
	if err != nil || len(meters) == 0 {
		t.Fatalf("meters %v, %v", meters, err)
	}
	m := meters[0]
	for _, tt := range []struct {
		args       []string
		code       int
		stderr     string // a part of the message
		stdoutPart string
	}{
		{[]string{"export", "contracts", "--status", "bogus"}, 2, `--status "bogus": want one of `, ""},
		{[]string{"export", "contracts", "--vendor", "Acme"}, 2, `--vendor "Acme": want one of enneo, prosumer, otark, epilot, podero`, ""},
		{[]string{"export", "contracts", "--source", "nope"}, 2, `--source "nope": want one of demo-`, ""},
		{[]string{"export", "contracts", "--kind", "lease"}, 2, `--kind "lease": want one of retail`, ""},
		// Case does not matter: Enneo is enneo.
		{[]string{"export", "contracts", "--vendor", "Enneo"}, 0, "", "demo-enneo"},
		{[]string{"export", "readings", "--from", "2026-06-02", "--to", "2026-06-01"}, 2, "--from 2026-06-02 is not before --to 2026-06-01", ""},
		{[]string{"export", "readings", "--meter", "NOPE"}, 2, "no meter has that number, vendor id or cache id; the cache has " + m.Number, ""},
		{[]string{"export", "readings", "--meter", m.Number, "--from", "2026-11-10", "--to", "2026-11-11"}, 0, "", m.Number},
		{[]string{"export", "readings", "--meter", m.ExternalID, "--from", "2026-11-10", "--to", "2026-11-11"}, 0, "", m.Number},
		{[]string{"export", "contracts", "-o", filepath.Join(t.TempDir(), "no", "such", "dir", "x.csv")}, 1, "the folder", ""},
	} {
		args := append(append([]string{}, tt.args...), "--db", f.db)
		code, stdout, stderr := runCLI(t, args...)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) || !strings.Contains(stdout, tt.stdoutPart) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", strings.Join(tt.args, " "), code, firstLine(stderr), tt.code, tt.stderr)
		}
		if strings.Contains(stderr, "/.x.csv.") {
			t.Errorf("%s: the message names a temporary file: %s", strings.Join(tt.args, " "), stderr)
		}
	}
	// The reports are named in the help and in the error for a wrong one.
	if code, stdout, _ := runCLI(t, "export", "--help"); code != 0 || !strings.Contains(stdout, "readings") {
		t.Errorf("export --help: %d %s", code, stdout)
	}
	if code, _, stderr := runCLI(t, "export", "bogus"); code != 2 || !strings.Contains(stderr, `there is no report "bogus"; the reports are contracts and readings`) {
		t.Errorf("export bogus: %d %s", code, stderr)
	}
}

// serve and demo agree: the default port, when busy, gives way to a free
// one; a port the user chose does not, and the message says so.
func TestBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().String()
	var errb strings.Builder
	other, err := listenApp(busy, false, &errb)
	if err != nil {
		t.Fatalf("default port busy: %v", err)
	}
	other.Close()
	if !strings.Contains(errb.String(), busy+" is busy") {
		t.Errorf("no note that the port was busy: %q", errb.String())
	}
	if _, err := listenApp(busy, true, os.Stderr); err == nil || !strings.Contains(err.Error(), "another program") {
		t.Errorf("a chosen busy port: %v", err)
	}
}

// The summary's last word on a sync says what happened to every source,
// in whole sentences: no "the others" when there are none, no "(s)".
func TestSyncOutcomeMessages(t *testing.T) {
	down := errors.New("demo-enneo: 401 Unauthorized")
	for _, tt := range []struct {
		name    string
		results []engine.Result
		want    string
	}{
		{"every source failed", []engine.Result{{Source: "a", Status: app.RunFailed}, {Source: "b", Status: app.RunInterrupted}},
			"no source synced (a, b): each keeps the data of its last good sync:\n" + down.Error()},
		{"one failed, one other synced", []engine.Result{{Source: "a", Status: app.RunFailed}, {Source: "b", Status: app.RunOK}},
			"1 of 2 sources did not sync (a): each keeps the data of its last good sync; the other synced:\n" + down.Error()},
		{"one failed, two others synced", []engine.Result{{Source: "a", Status: app.RunFailed}, {Source: "b", Status: app.RunOK}, {Source: "c", Status: app.RunOK}},
			"1 of 3 sources did not sync (a): each keeps the data of its last good sync; the others synced:\n" + down.Error()},
	} {
		err := syncOutcome(tt.results, down)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
		}
	}
}

// Counted words agree with their number.
func TestMessagesCountInWholeWords(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one.toml")
	if err := os.WriteFile(one, []byte("[[offer]]\nname = \"Haushalt Fix\"\nsupplier = \"Stadtwerk\"\nmodel = \"fixed\"\ngross = true\n"+
		"working_price_ct_per_kwh = 30\nbase_price_eur_per_year = 120\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "offers", "import", "--db", filepath.Join(dir, "c.db"), one)
	if code != 0 || stdout != "imported 1 offer (1 new, 0 updated)\n" {
		t.Errorf("import of one offer: exit %d, %q %s", code, stdout, stderr)
	}
	for _, tt := range []struct {
		n    int
		want string
	}{{1, "1 contract"}, {0, "0 contracts"}, {2, "2 contracts"}} {
		if got := plural(tt.n, "contract", "contracts"); got != tt.want {
			t.Errorf("plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
