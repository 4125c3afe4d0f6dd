package main

import (
	"context"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db"
	"wattfolio/sync/simulate"
)

func TestOfflineEditsFromTheCommandLine(t *testing.T) {
	f := newFixture(t, simulate.Options{PoderoUsers: 4})
	sim := f.up.Podero
	syncPodero := func() (int, string, string) {
		return runCLI(t, "sync", "--config", f.config, "--db", f.db, "--source", "demo-podero")
	}
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("first sync: exit %d: %s", code, stderr)
	}
	ids := sim.ContractIDs()
	a, b := ids[0], ids[1]
	edit := func(contract string, sets ...string) (int, string, string) {
		args := []string{"edit", "--db", f.db, "--source", "demo-podero", "--contract", contract}
		for _, s := range sets {
			args = append(args, "--set", s)
		}
		return runCLI(t, args...)
	}
	supplier := func(id string) string {
		store, err := db.Open(context.Background(), f.db)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		return findContract(t, store, id).Parties.Supplier
	}

	// Validation: exit 2 with the field's message, nothing queued.
	for _, bad := range []string{"meter_id=" + strings.Repeat("1", 20), "currency_energy_price=euro", "energy_contract_type=daily", "colour=red"} {
		code, _, stderr := edit(a, bad)
		field, _, _ := strings.Cut(bad, "=")
		if code != 2 || !strings.Contains(stderr, field) {
			t.Errorf("edit --set %s: exit %d, stderr %q; want 2 naming the field", bad, code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "edit", "--db", f.db, "--source", "demo-enneo", "--contract", "1", "--set", "supplier=x"); code != 2 || !strings.Contains(stderr, "only Podero sources") {
		t.Errorf("edit of an enneo contract: exit %d, %s", code, stderr)
	}

	// Two edits fold into one change, sent on the next sync.
	if code, stdout, stderr := edit(a, "supplier=Stadtwerke Offline"); code != 0 || !strings.Contains(stdout, "change 1 queued") {
		t.Fatalf("edit: exit %d: %s%s", code, stdout, stderr)
	}
	edit(a, "meter_id=DE0001")
	_, stdout, _ := runCLI(t, "outbox", "--db", f.db)
	if !strings.Contains(stdout, `meter_id="DE0001", supplier="Stadtwerke Offline"`) || !strings.Contains(stdout, "pending") {
		t.Errorf("outbox:\n%s", stdout)
	}
	code, stdout, stderr := syncPodero()
	if code != 0 || !strings.Contains(stdout, "sent      change 1 demo-podero "+a+": meter_id, supplier") {
		t.Fatalf("sync: exit %d\n%s%s", code, stdout, stderr)
	}
	if got := supplier(a); got != "Stadtwerke Offline" {
		t.Errorf("cached supplier %q after the sync", got)
	}

	// Undo before sending.
	edit(b, "supplier=Never")
	if code, stdout, _ := runCLI(t, "edit", "--db", f.db, "--undo", "2"); code != 0 || !strings.Contains(stdout, "change 2 dropped") {
		t.Errorf("undo: exit %d %s", code, stdout)
	}

	// A conflict: exit 3, nothing written over the vendor's value.
	edit(a, "supplier=Mine")
	sim.SetSupplier(sim.UserOf(a), a, "Theirs")
	writes := sim.Writes()
	code, stdout, stderr = syncPodero()
	if code != 3 || !strings.Contains(stdout, `conflict  change`) || !strings.Contains(stdout, `vendor now "Theirs"`) {
		t.Errorf("sync with a conflict: exit %d\n%s%s", code, stdout, stderr)
	}
	if sim.Writes() != writes || supplier(a) != "Theirs" {
		t.Errorf("conflict: %d writes, cached supplier %q", sim.Writes()-writes, supplier(a))
	}

	// A rejection: exit 3 with the vendor's message; the next edit goes out.
	edit(b, "supplier=Refused")
	sim.RejectNextWrite("supplier", "Ensure this field has no more than 100 characters.")
	code, stdout, _ = syncPodero()
	if code != 3 || !strings.Contains(stdout, `rejected  change`) || !strings.Contains(stdout, "Ensure this field has no more than 100 characters.") {
		t.Errorf("sync with a rejection: exit %d\n%s", code, stdout)
	}
	_, stdout, _ = runCLI(t, "outbox", "--db", f.db)
	if !strings.Contains(stdout, "rejected") || !strings.Contains(stdout, "supplier: Ensure this field") || !strings.Contains(stdout, "conflict") {
		t.Errorf("outbox:\n%s", stdout)
	}
	edit(b, "supplier=Accepted")
	if code, stdout, _ := syncPodero(); code != 0 || supplier(b) != "Accepted" {
		t.Errorf("the next edit: exit %d, cached %q\n%s", code, supplier(b), stdout)
	}

	// The conflict resolved from the command line: mine goes out on the next sync.
	conflictID := ""
	store, err := db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	changes, _ := store.Outbox(context.Background())
	var enneoID string
	store.EachContract(context.Background(), app.ContractFilter{Source: "demo-enneo"}, func(c app.Contract) error {
		enneoID = c.ExternalID
		return nil
	})
	store.Close()
	for _, c := range changes {
		if c.State == outbox.Conflict {
			conflictID = c.ID
		}
	}
	if code, _, stderr := runCLI(t, "edit", "--db", f.db, "--resolve", conflictID); code != 2 || !strings.Contains(stderr, "--keep-mine") {
		t.Errorf("resolve without a choice: exit %d %s", code, stderr)
	}
	if code, stdout, stderr := runCLI(t, "edit", "--db", f.db, "--resolve", conflictID, "--keep-mine"); code != 0 || !strings.Contains(stdout, "pending again") {
		t.Fatalf("resolve: exit %d %s%s", code, stdout, stderr)
	}
	if code, stdout, _ := syncPodero(); code != 0 || supplier(a) != "Mine" {
		t.Errorf("after keeping mine: exit %d, cached %q\n%s", code, supplier(a), stdout)
	}

	// Notes work on any vendor's contract and never reach the outbox.
	code, stdout, stderr = runCLI(t, "edit", "--db", f.db, "--source", "demo-enneo", "--contract", enneoID,
		"--set", "notes=Call after the audit", "--set", "tags=VIP, heat pump", "--set", "next_contact=2027-01-15")
	if code != 0 || !strings.Contains(stdout, "notes of demo-enneo "+enneoID+" saved") {
		t.Fatalf("notes: exit %d %s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "edit", "--db", f.db, "--source", "demo-enneo", "--contract", enneoID, "--set", "next_contact=31.02.2027"); code != 2 || !strings.Contains(stderr, "is not a day of the calendar: 2027-02 has 28 days") {
		t.Errorf("bad date: exit %d %s", code, stderr)
	}
	store, err = db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	n, err := store.ContractNotes(context.Background(), "demo-enneo", enneoID)
	if err != nil || n.Text != "Call after the audit" || strings.Join(n.Tags, "|") != "VIP|heat pump" || n.NextContact.Format("2006-01-02") != "2027-01-15" {
		t.Errorf("notes stored: %+v, %v", n, err)
	}
}
