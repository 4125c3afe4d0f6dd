package main

import (
	"context"
	"strings"
	"testing"

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
}
