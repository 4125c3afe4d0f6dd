package db

import (
	"context"
	"reflect"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
)

// The savings rows come back as saved, missing figures as nil; a save
// replaces every row.
func TestSavingsRoundTrip(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	if rows, at, err := s.Savings(ctx); err != nil || len(rows) != 0 || !at.IsZero() {
		t.Fatalf("never computed: %v %s %v", rows, at, err)
	}
	d := func(v string) *app.Decimal { return app.Ptr(app.MustDecimal(v)) }
	full := compare.SavingsRow{AccountID: 2, Account: "Familie Weber", Profile: "H25", CurrentContractID: 7, Current: "Strom Fix",
		CurrentCost: d("1170"), OfferID: 3, Offer: "Öko Fix", OfferCost: d("995"), Saving1: d("175"), Saving2: d("125"),
		SavingPct1: d("14.96"), Deadline: time.Date(2027, 5, 29, 22, 0, 0, 0, time.UTC), DeadlineKind: compare.DeadlineNotice, AtStake: d("175")}
	bare := compare.SavingsRow{AccountID: 1, Account: "Bäckerei", Note: "no priced current electricity contract"}
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if err := s.SaveSavings(ctx, []compare.SavingsRow{{AccountID: 9, Account: "gone"}}, at.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSavings(ctx, []compare.SavingsRow{full, bare}, at); err != nil {
		t.Fatal(err)
	}
	rows, got, err := s.Savings(ctx)
	if err != nil || !got.Equal(at) {
		t.Fatalf("computed at %s, %v", got, err)
	}
	if !reflect.DeepEqual(rows, []compare.SavingsRow{bare, full}) {
		t.Errorf("rows by name:\n got %+v\nwant %+v", rows, []compare.SavingsRow{bare, full})
	}
}

// A cache that has a later migration but not 0008 (0009 came to main
// first) still gets the savings table.
func TestMigrationBelowTheHighestRuns(t *testing.T) {
	s, path := openTest(t)
	ctx := context.Background()
	if _, err := s.w.ExecContext(ctx, `DROP TABLE savings; DELETE FROM schema_migrations WHERE version = 8`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.SaveSavings(ctx, []compare.SavingsRow{{AccountID: 1, Account: "A"}}, time.Now()); err != nil {
		t.Fatalf("no savings table after reopening: %v", err)
	}
}
