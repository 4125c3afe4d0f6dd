package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wattfolio/db"
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
