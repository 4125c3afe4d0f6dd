package compare_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"wattfolio/app/compare"
	"wattfolio/db"
)

// markGone marks a contract removed as a sync does when the vendor answers
// 404 for it.
func markGone(t *testing.T, s *db.Store, source, externalID string) {
	t.Helper()
	ctx := context.Background()
	run, err := s.BeginRun(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.MarkGone(ctx, run, source, []string{externalID}); err != nil || n != 1 {
		t.Fatalf("mark %s removed: %d, %v", externalID, n, err)
	}
}

// A contract the vendor no longer has is not the customer's current one:
// the comparison leaves it out and the savings report finds none.
func TestRemovedContractIsNotCurrent(t *testing.T) {
	s, acct := bakery(t, 7)
	markGone(t, s, "stadtwerk", "746839")
	cmp := week(t, s, acct, compare.Request{Offers: []compare.Alternative{offer}})
	for _, o := range cmp.Options {
		if o.Name == "Gewerbe Fix" {
			t.Errorf("the removed contract is compared as current: %+v", o)
		}
	}
	if len(cmp.Options) != 2 {
		t.Errorf("%d options, want the epilot contract and the offer", len(cmp.Options))
	}

	h, accts := household(t)
	markGone(t, h, "stadtwerk", "1")
	rows, err := compare.Savings(context.Background(), h, accts, []compare.Alternative{offer}, time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if w := rows[0]; w.Account != "Familie Weber" || w.Current == "Strom Fix" || w.CurrentCost != nil || !strings.Contains(w.Note, "cannot be compared") && !strings.Contains(w.Note, "no priced current") {
		t.Errorf("savings row of a customer whose only contract was removed: %+v", w)
	}
}
