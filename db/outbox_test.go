package db

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db/internal/dbq"
)

func seedPodero(t *testing.T, s *Store, raw string) {
	t.Helper()
	ctx := context.Background()
	if err := s.EnsureSource(ctx, "pod", app.VendorPodero, "http://127.0.0.1/pod"); err != nil {
		t.Fatal(err)
	}
	c := sample("k1")
	c.Source, c.Vendor, c.Kind, c.Raw = "pod", app.VendorPodero, app.KindPartner, []byte(raw)
	run, err := s.BeginRun(ctx, "pod")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SavePage(ctx, run, "pod", "contracts", []app.Contract{c}, nil, "1"); err != nil {
		t.Fatal(err)
	}
}

func onlyChange(t *testing.T, s *Store) outbox.Change {
	t.Helper()
	cs, err := s.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("outbox has %d changes, want 1: %+v", len(cs), cs)
	}
	return cs[0]
}

func TestOutboxEditFoldsAndKeepsFirstBase(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	seedPodero(t, s, `{"id":"k1","supplier":"Old","meter_id":null,"energy_prices":[],"energy_price_includes_external_components":true}`)
	id, err := s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "New"})
	if err != nil {
		t.Fatal(err)
	}
	// The cache changes under the pending edit: the base stays the first one.
	seedPodero(t, s, `{"id":"k1","supplier":"Changed","meter_id":"M1"}`)
	id2, err := s.Edit(ctx, "pod", "k1", map[string]string{"meter_id": "M2", "supplier": "Newer"})
	if err != nil || id2 != id {
		t.Fatalf("second edit: id %q, %v; want the same change %q", id2, err, id)
	}
	c := onlyChange(t, s)
	if c.State != outbox.Pending || c.New["supplier"] != "Newer" || c.New["meter_id"] != "M2" || len(c.New) != 2 {
		t.Errorf("change = %+v", c)
	}
	if c.Base["supplier"] != "Old" || c.Base["meter_id"] != "" || c.Base["energy_price_includes_external_components"] != "true" {
		t.Errorf("base = %v, want the values before the first edit", c.Base)
	}
	if c.CustomerID != "Ck1" || c.Source != "pod" || c.ContractID != "k1" {
		t.Errorf("change addresses %s/%s/%s", c.Source, c.CustomerID, c.ContractID)
	}
}

func TestOutboxUndoAndSettle(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	seedPodero(t, s, `{"id":"k1","supplier":"Old"}`)
	id, err := s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "New"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Undo(ctx, id); err != nil {
		t.Fatal(err)
	}
	if cs, _ := s.Outbox(ctx); len(cs) != 0 {
		t.Fatalf("after undo: %+v", cs)
	}
	if err := s.Undo(ctx, id); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("second undo: %v, want not found", err)
	}

	id, _ = s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "New"})
	if err := s.MarkRejected(ctx, id, "supplier: too long"); err != nil {
		t.Fatal(err)
	}
	if c := onlyChange(t, s); c.State != outbox.Rejected || c.Message != "supplier: too long" || c.Attempts != 1 {
		t.Errorf("rejected change = %+v", c)
	}
	// A new edit after a settled change starts afresh.
	id, _ = s.Edit(ctx, "pod", "k1", map[string]string{"meter_id": "M"})
	if c := onlyChange(t, s); c.State != outbox.Pending || c.Message != "" || len(c.New) != 1 || c.Attempts != 0 {
		t.Errorf("new change = %+v", c)
	}
	if err := s.MarkConflict(ctx, id, map[string]string{"meter_id": "X"}); err != nil {
		t.Fatal(err)
	}
	if c := onlyChange(t, s); c.State != outbox.Conflict || c.Theirs["meter_id"] != "X" {
		t.Errorf("conflict change = %+v", c)
	}

	id, _ = s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "Sent"})
	answer := sample("k1")
	answer.Source, answer.Vendor, answer.Kind = "pod", app.VendorPodero, app.KindPartner
	answer.Parties.Supplier, answer.Raw = "Sent", []byte(`{"id":"k1","supplier":"Sent"}`)
	if settled, err := s.MarkSent(ctx, id, map[string]string{"supplier": "Sent"}, answer); err != nil || !settled {
		t.Fatalf("MarkSent = %v, %v", settled, err)
	}
	if c := onlyChange(t, s); c.State != outbox.Sent {
		t.Errorf("sent change = %+v", c)
	}
	row, err := s.rq.OutboxContract(ctx, dbq.OutboxContractParams{Source: "pod", ExternalID: "k1"})
	if err != nil || row.RawJson != `{"id":"k1","supplier":"Sent"}` || row.RunID == nil {
		t.Errorf("cached contract after MarkSent: %+v, %v", row, err)
	}
	if err := s.Undo(ctx, id); err == nil {
		t.Error("undo of a sent change succeeded")
	}
}

// An edit folded into a change while it is being sent is not marked sent
// with it: the change stays pending for what is left, based on what the
// vendor holds now, and the cache holds the vendor's answer.
func TestOutboxMarkSentKeepsAnEditFoldedInMeanwhile(t *testing.T) {
	for _, tt := range []struct {
		name        string
		first       map[string]string
		folds       []map[string]string // while the first is on its way
		settled     bool
		wantNew     map[string]string
		wantBase    map[string]string // of the fields in wantNew
		wantMessage string
	}{
		{
			name:  "a newer value and another field",
			first: map[string]string{"supplier": "New"},
			folds: []map[string]string{{"meter_id": "M2", "supplier": "Newer"}},
			// The vendor holds the sent supplier: that is the base now, so
			// sending "Newer" is no conflict; the meter's base is still the
			// one the edit began on.
			wantNew: map[string]string{"supplier": "Newer", "meter_id": "M2"}, wantBase: map[string]string{"supplier": "New", "meter_id": "M0"},
			wantMessage: outbox.EditedWhileSending,
		},
		{
			name:  "a sent field set back to what it was",
			first: map[string]string{"supplier": "New", "meter_id": "M1"},
			folds: []map[string]string{{"supplier": "Old"}},
			// The meter went out and leaves the change; the supplier must go
			// out again, back to "Old".
			wantNew: map[string]string{"supplier": "Old"}, wantBase: map[string]string{"supplier": "New"},
			wantMessage: outbox.EditedWhileSending,
		},
		{
			name:    "a field edited and set back before the answer",
			first:   map[string]string{"supplier": "New"},
			folds:   []map[string]string{{"meter_id": "M2"}, {"meter_id": "M0"}},
			settled: true, wantNew: map[string]string{"supplier": "New"}, wantBase: map[string]string{"supplier": "Old"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			ctx := context.Background()
			seedPodero(t, s, `{"id":"k1","supplier":"Old","meter_id":"M0","energy_prices":[]}`)
			id, _ := s.Edit(ctx, "pod", "k1", tt.first)
			sent := onlyChange(t, s).New
			for _, f := range tt.folds {
				if _, err := s.Edit(ctx, "pod", "k1", f); err != nil {
					t.Fatal(err)
				}
			}
			held := map[string]string{"supplier": "Old", "meter_id": "M0"}
			maps.Copy(held, sent)
			answer := sample("k1")
			answer.Source, answer.Vendor, answer.Kind = "pod", app.VendorPodero, app.KindPartner
			answer.Raw = fmt.Appendf(nil, `{"id":"k1","supplier":%q,"meter_id":%q,"energy_prices":[]}`, held["supplier"], held["meter_id"])
			settled, err := s.MarkSent(ctx, id, sent, answer)
			if err != nil || settled != tt.settled {
				t.Fatalf("MarkSent = %v, %v; want settled %v", settled, err, tt.settled)
			}
			c := onlyChange(t, s)
			state := outbox.Pending
			if tt.settled {
				state = outbox.Sent
			}
			if c.State != state || !maps.Equal(c.New, tt.wantNew) || c.Attempts != 1 || c.Message != tt.wantMessage {
				t.Errorf("change = %+v", c)
			}
			for f, b := range tt.wantBase {
				if c.Base[f] != b {
					t.Errorf("base %s = %q, want %q", f, c.Base[f], b)
				}
			}
			row, err := s.rq.OutboxContract(ctx, dbq.OutboxContractParams{Source: "pod", ExternalID: "k1"})
			if err != nil || row.RawJson != string(answer.Raw) {
				t.Errorf("cached contract: %+v, %v", row, err)
			}
		})
	}
}

func TestOutboxEditRefusesUnknownContractAndOtherVendors(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	seed(t, s, "acme", sample("1"))
	if _, err := s.Edit(ctx, "acme", "nope", map[string]string{"supplier": "x"}); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown contract: %v", err)
	}
	if _, err := s.Edit(ctx, "acme", "1", map[string]string{"supplier": "x"}); err == nil {
		t.Error("an enneo contract took an edit")
	}
}

func TestOutboxEditBackToBaseDropsTheChange(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	seedPodero(t, s, `{"id":"k1","supplier":"Old","meter_id":"M1"}`)
	// Setting a field to the cached value queues nothing.
	if id, err := s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "Old"}); err != nil || id != "" {
		t.Fatalf("edit to the cached value: id %q, %v; want no change", id, err)
	}
	id, err := s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "New", "meter_id": "M2"})
	if err != nil || id == "" {
		t.Fatal(id, err)
	}
	// One field back: the other stays pending.
	if id2, err := s.Edit(ctx, "pod", "k1", map[string]string{"meter_id": "M1"}); err != nil || id2 != id {
		t.Fatalf("fold: %q, %v", id2, err)
	}
	if c := onlyChange(t, s); len(c.New) != 1 || c.New["supplier"] != "New" {
		t.Fatalf("after one field back: %v", c.New)
	}
	// Both back: nothing is pending.
	if id3, err := s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "Old"}); err != nil || id3 != "" {
		t.Fatalf("all back: %q, %v", id3, err)
	}
	if cs, _ := s.Outbox(ctx); len(cs) != 0 {
		t.Fatalf("outbox: %+v", cs)
	}
}

func TestOutboxResolveConflict(t *testing.T) {
	conflicted := func(t *testing.T) (*Store, string) {
		s, _ := openTest(t)
		ctx := context.Background()
		seedPodero(t, s, `{"id":"k1","supplier":"Old","meter_id":"M1"}`)
		id, err := s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "Mine", "meter_id": "M2"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.MarkConflict(ctx, id, map[string]string{"supplier": "Theirs"}); err != nil {
			t.Fatal(err)
		}
		return s, id
	}
	tests := []struct {
		name     string
		keep     map[string]string
		wantNew  map[string]string
		wantBase string // base of supplier afterwards
	}{
		{"keep mine", map[string]string{"supplier": "Mine"}, map[string]string{"supplier": "Mine", "meter_id": "M2"}, "Theirs"},
		{"take theirs", nil, map[string]string{"meter_id": "M2"}, "Theirs"},
		{"a new value", map[string]string{"supplier": "Third"}, map[string]string{"supplier": "Third", "meter_id": "M2"}, "Theirs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, id := conflicted(t)
			if err := s.Resolve(context.Background(), id, tt.keep); err != nil {
				t.Fatal(err)
			}
			c := onlyChange(t, s)
			if c.State != outbox.Pending || len(c.Theirs) != 0 || c.Base["supplier"] != tt.wantBase || c.Base["meter_id"] != "M1" {
				t.Fatalf("after resolve: %+v", c)
			}
			if len(c.New) != len(tt.wantNew) {
				t.Fatalf("new = %v, want %v", c.New, tt.wantNew)
			}
			for f, v := range tt.wantNew {
				if c.New[f] != v {
					t.Errorf("new[%s] = %q, want %q", f, c.New[f], v)
				}
			}
			// A resolved change is pending: resolving again is refused.
			if err := s.Resolve(context.Background(), id, nil); err == nil {
				t.Error("resolving a pending change succeeded")
			}
		})
	}
	t.Run("taking theirs for the only field drops the change", func(t *testing.T) {
		s, _ := openTest(t)
		ctx := context.Background()
		seedPodero(t, s, `{"id":"k1","supplier":"Old"}`)
		id, _ := s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "Mine"})
		if err := s.MarkConflict(ctx, id, map[string]string{"supplier": "Theirs"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Resolve(ctx, id, nil); err != nil {
			t.Fatal(err)
		}
		if cs, _ := s.Outbox(ctx); len(cs) != 0 {
			t.Fatalf("outbox: %+v", cs)
		}
	})
	t.Run("a field not in conflict cannot be kept", func(t *testing.T) {
		s, id := conflicted(t)
		if err := s.Resolve(context.Background(), id, map[string]string{"meter_id": "M9"}); err == nil {
			t.Fatal("want an error")
		}
	})
}

func TestOutboxCountsAndChangeOf(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	seedPodero(t, s, `{"id":"k1","supplier":"Old"}`)
	if c, err := s.ChangeOf(ctx, "pod", "k1"); err != nil || c != nil {
		t.Fatalf("before any edit: %v, %v", c, err)
	}
	id, _ := s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "New"})
	c, err := s.ChangeOf(ctx, "pod", "k1")
	if err != nil || c == nil || c.ID != id || c.ContractRef == 0 || c.New["supplier"] != "New" {
		t.Fatalf("change of k1: %+v, %v", c, err)
	}
	if err := s.MarkRejected(ctx, id, "no"); err != nil {
		t.Fatal(err)
	}
	n, err := s.OutboxCounts(ctx)
	if err != nil || n[outbox.Rejected] != 1 || n[outbox.Pending] != 0 {
		t.Fatalf("counts %v, %v", n, err)
	}
}
