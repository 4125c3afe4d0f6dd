package db

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"wattfolio/app"
)

func TestContractNotesRoundTripAndSurviveAResync(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	seedPodero(t, s, `{"id":"k1","supplier":"Old"}`)
	want := app.ContractNotes{Text: "Call before Christmas", Tags: []string{"VIP", "Wärmepumpe"}, NextContact: time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC)}
	if err := s.SetContractNotes(ctx, "pod", "k1", want); err != nil {
		t.Fatal(err)
	}
	seedPodero(t, s, `{"id":"k1","supplier":"Changed upstream"}`) // a later sync
	got, err := s.ContractNotes(ctx, "pod", "k1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != want.Text || !slices.Equal(got.Tags, want.Tags) || !got.NextContact.Equal(want.NextContact) || got.UpdatedAt.IsZero() {
		t.Fatalf("notes = %+v, want %+v", got, want)
	}
	// Empty notes remove the row.
	if err := s.SetContractNotes(ctx, "pod", "k1", app.ContractNotes{}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ContractNotes(ctx, "pod", "k1"); err != nil || !got.Empty() {
		t.Fatalf("after clearing: %+v, %v", got, err)
	}
	if err := s.SetContractNotes(ctx, "nope", "k1", want); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("unknown source: %v", err)
	}
}
