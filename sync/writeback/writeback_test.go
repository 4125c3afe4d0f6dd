package writeback_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db"
	"wattfolio/internal/loopback"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/podero"
	"wattfolio/sync/vendors/podero/poderosim"
	"wattfolio/sync/writeback"
)

type fixture struct {
	ctx    context.Context
	sim    *poderosim.Server
	client *podero.Client
	store  *db.Store
	src    engine.Source
	id     string // a contract's id
	user   string
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	sim := poderosim.New(poderosim.Options{Seed: 11, Users: 3})
	base := loopback.Serve(t, "/podero", sim)
	c, err := podero.New(podero.Config{
		Source: "pod", BaseURL: base, ClientID: "id", ClientSecret: "secret",
		OrgID: sim.OrgID(), UserIDs: sim.UserIDs(), Backoff: time.Millisecond, Retries: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{ctx: ctx, sim: sim, client: c, store: store,
		src: engine.Source{Name: "pod", Vendor: app.VendorPodero, BaseURL: base, Connector: c}}
	f.id = sim.ContractIDs()[0]
	f.user = sim.UserOf(f.id)
	f.sync(t)
	return f
}

func (f *fixture) sync(t *testing.T) {
	t.Helper()
	if _, err := (&engine.Engine{Store: f.store}).SyncAll(f.ctx, []engine.Source{f.src}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) edit(t *testing.T, fields map[string]string) string {
	t.Helper()
	id, err := f.store.Edit(f.ctx, "pod", f.id, fields)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) run(t *testing.T) []writeback.Outcome {
	t.Helper()
	out, err := writeback.Run(f.ctx, f.store, "pod", f.client)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cached is the cached contract's editable values.
func (f *fixture) cached(t *testing.T) map[string]string {
	t.Helper()
	var vals map[string]string
	err := f.store.EachContract(f.ctx, app.ContractFilter{Source: "pod"}, func(c app.Contract) error {
		if c.ExternalID == f.id {
			var err error
			vals, err = outbox.PoderoValues(c.Raw)
			return err
		}
		return nil
	})
	if err != nil || vals == nil {
		t.Fatalf("cached contract %s: %v", f.id, err)
	}
	return vals
}

func (f *fixture) vendor(t *testing.T) map[string]string {
	t.Helper()
	raw, _ := f.sim.Contract(f.id)
	vals, err := outbox.PoderoValues(raw)
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

func (f *fixture) change(t *testing.T, id string) outbox.Change {
	t.Helper()
	cs, err := f.store.Outbox(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no change %s in %+v", id, cs)
	return outbox.Change{}
}

func TestOfflineEditIsSentAndCacheHoldsAnswer(t *testing.T) {
	f := setup(t)
	id := f.edit(t, map[string]string{"supplier": "Stadtwerke Offline"})
	if got := f.cached(t)["supplier"]; got == "Stadtwerke Offline" {
		t.Fatal("the cache changed before the edit was sent")
	}
	out := f.run(t)
	if len(out) != 1 || out[0].State != outbox.Sent || strings.Join(out[0].Sent, ",") != "supplier" {
		t.Fatalf("outcomes = %+v", out)
	}
	if f.vendor(t)["supplier"] != "Stadtwerke Offline" || f.cached(t)["supplier"] != "Stadtwerke Offline" {
		t.Errorf("vendor %q, cache %q", f.vendor(t)["supplier"], f.cached(t)["supplier"])
	}
	if c := f.change(t, id); c.State != outbox.Sent || c.Attempts != 1 {
		t.Errorf("change = %+v", c)
	}
	if out := f.run(t); len(out) != 0 {
		t.Errorf("a second run sent %+v", out)
	}
}

func TestTwoEditsFoldIntoOnePut(t *testing.T) {
	f := setup(t)
	id := f.edit(t, map[string]string{"supplier": "First"})
	if id2 := f.edit(t, map[string]string{"supplier": "Second", "meter_id": "DE0001"}); id2 != id {
		t.Fatalf("second edit made change %s, want %s", id2, id)
	}
	out := f.run(t)
	if len(out) != 1 || out[0].State != outbox.Sent || f.sim.Writes() != 1 {
		t.Fatalf("outcomes %+v, %d writes; want one PUT", out, f.sim.Writes())
	}
	v := f.vendor(t)
	if v["supplier"] != "Second" || v["meter_id"] != "DE0001" {
		t.Errorf("vendor holds %v", v)
	}
}

func TestConflictKeepsBothAndWritesNothing(t *testing.T) {
	f := setup(t)
	id := f.edit(t, map[string]string{"supplier": "Mine", "meter_id": "M1"})
	f.sim.SetSupplier(f.user, f.id, "Theirs")
	out := f.run(t)
	if len(out) != 1 || out[0].State != outbox.Conflict || out[0].Theirs["supplier"] != "Theirs" {
		t.Fatalf("outcomes = %+v", out)
	}
	if f.sim.Writes() != 0 || f.vendor(t)["supplier"] != "Theirs" {
		t.Errorf("%d writes, vendor supplier %q", f.sim.Writes(), f.vendor(t)["supplier"])
	}
	c := f.change(t, id)
	if c.State != outbox.Conflict || c.New["supplier"] != "Mine" || c.Theirs["supplier"] != "Theirs" {
		t.Errorf("change = %+v", c)
	}
	// A conflict is not retried.
	if out := f.run(t); len(out) != 0 || f.sim.Writes() != 0 {
		t.Errorf("a second run: %+v", out)
	}
	// After a sync the cache holds their value; editing again settles it.
	f.sync(t)
	f.edit(t, map[string]string{"supplier": "Mine after all"})
	if out := f.run(t); len(out) != 1 || out[0].State != outbox.Sent || f.vendor(t)["supplier"] != "Mine after all" {
		t.Errorf("edit after the conflict: %+v, vendor %q", out, f.vendor(t)["supplier"])
	}
}

func TestRejectedEditKeepsMessageAndNextEditGoesOut(t *testing.T) {
	f := setup(t)
	id := f.edit(t, map[string]string{"supplier": "Refused"})
	f.sim.RejectNextWrite("supplier", "Ensure this field has no more than 100 characters.")
	out := f.run(t)
	if len(out) != 1 || out[0].State != outbox.Rejected {
		t.Fatalf("outcomes = %+v", out)
	}
	c := f.change(t, id)
	if c.State != outbox.Rejected || c.Message != "supplier: Ensure this field has no more than 100 characters." {
		t.Errorf("change = %+v", c)
	}
	f.edit(t, map[string]string{"supplier": "Accepted"})
	if out := f.run(t); len(out) != 1 || out[0].State != outbox.Sent || f.vendor(t)["supplier"] != "Accepted" {
		t.Errorf("next edit: %+v, vendor %q", out, f.vendor(t)["supplier"])
	}
}

func TestUnavailableVendorLeavesChangePending(t *testing.T) {
	f := setup(t)
	id := f.edit(t, map[string]string{"supplier": "Later"})
	f.sim.SetFaults(poderosim.Faults{Status: http.StatusServiceUnavailable})
	out := f.run(t)
	if len(out) != 1 || out[0].State != outbox.Pending {
		t.Fatalf("outcomes = %+v", out)
	}
	if c := f.change(t, id); c.State != outbox.Pending || c.Attempts != 1 {
		t.Errorf("change = %+v", c)
	}
	f.sim.SetFaults(poderosim.Faults{})
	if out := f.run(t); len(out) != 1 || out[0].State != outbox.Sent {
		t.Errorf("retry: %+v", out)
	}
}

func TestUndoBeforeSending(t *testing.T) {
	f := setup(t)
	id := f.edit(t, map[string]string{"supplier": "Never"})
	if err := f.store.Undo(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if out := f.run(t); len(out) != 0 || f.sim.Writes() != 0 {
		t.Errorf("after undo: %+v, %d writes", out, f.sim.Writes())
	}
}

// foldingVendor is the Podero client with a user editing the contract again
// while its PUT is on the wire.
type foldingVendor struct {
	writeback.Vendor
	fold func()
}

func (v foldingVendor) PutContract(ctx context.Context, customerID, contractID string, fields map[string]string) (app.Contract, error) {
	c, err := v.Vendor.PutContract(ctx, customerID, contractID, fields)
	v.fold()
	return c, err
}

func TestEditFoldedInDuringTheSendGoesOutNextRun(t *testing.T) {
	f := setup(t)
	id := f.edit(t, map[string]string{"supplier": "First"})
	v := foldingVendor{Vendor: f.client, fold: func() { f.edit(t, map[string]string{"meter_id": "DE0002", "supplier": "Second"}) }}
	out, err := writeback.Run(f.ctx, f.store, "pod", v)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].State != outbox.Pending || strings.Join(out[0].Sent, ",") != "supplier" {
		t.Fatalf("outcomes = %+v; want supplier sent and the change still pending", out)
	}
	if c := f.change(t, id); c.State != outbox.Pending || c.New["meter_id"] != "DE0002" {
		t.Fatalf("change = %+v", c)
	}
	if f.cached(t)["supplier"] != "First" {
		t.Errorf("cache supplier %q, want the vendor's answer", f.cached(t)["supplier"])
	}
	out = f.run(t)
	if len(out) != 1 || out[0].State != outbox.Sent || strings.Join(out[0].Sent, ",") != "meter_id,supplier" {
		t.Fatalf("next run: %+v", out)
	}
	v2, c := f.vendor(t), f.cached(t)
	if v2["supplier"] != "Second" || v2["meter_id"] != "DE0002" || c["supplier"] != "Second" || c["meter_id"] != "DE0002" || f.sim.Writes() != 2 {
		t.Errorf("vendor %v, cache %v, %d writes", v2, c, f.sim.Writes())
	}
}

// A PUT the vendor applied whose answer was never recorded (the process
// was killed, or the answer timed out) is known to be our own: the next
// run neither calls it a conflict nor loses an edit that sets the field
// back to what it was before.
func TestAPutWhoseAnswerWasLostIsOurOwn(t *testing.T) {
	for _, tt := range []struct {
		name, then string // the user's edit after the lost answer
	}{
		{"set back to the value before", ""}, // "" stands for the base
		{"edited on", "Newer Energie"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			before := f.cached(t)["supplier"]
			id := f.edit(t, map[string]string{"supplier": "Lost Answer GmbH"})
			// The run got as far as the PUT: recorded in flight, applied by the vendor, answer lost.
			sent := map[string]string{"supplier": "Lost Answer GmbH"}
			if err := f.store.MarkInFlight(f.ctx, id, sent, sent); err != nil {
				t.Fatal(err)
			}
			if _, err := f.client.PutContract(f.ctx, f.user, f.id, map[string]string{"supplier": "Lost Answer GmbH"}); err != nil {
				t.Fatal(err)
			}
			want := tt.then
			if want == "" {
				want = before
			}
			f.edit(t, map[string]string{"supplier": want})
			if c := f.change(t, id); c.New["supplier"] != want {
				t.Fatalf("the edit after the lost answer was dropped: %+v", c)
			}
			out := f.run(t)
			if len(out) != 1 || out[0].State != outbox.Sent {
				t.Fatalf("outcomes = %+v", out)
			}
			if got := f.vendor(t)["supplier"]; got != want {
				t.Errorf("the vendor holds %q, want %q", got, want)
			}
			if c := f.change(t, id); len(c.InFlight) != 0 {
				t.Errorf("still in flight after the answer: %v", c.InFlight)
			}
		})
	}
}
