package db

import (
	"context"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/app/offerfile"
)

func exampleOffers(t *testing.T) []offer.Offer {
	t.Helper()
	b, err := os.ReadFile("../offers.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	offers, err := offerfile.Parse("offers.example.toml", b)
	if err != nil {
		t.Fatal(err)
	}
	return offers
}

// sameOffers compares stored offers with what was saved, field by field,
// after taking over the two fields only the store sets.
func sameOffers(t *testing.T, got, saved []offer.Offer) {
	t.Helper()
	want := slices.Clone(saved)
	slices.SortFunc(want, func(a, b offer.Offer) int { return strings.Compare(a.Name, b.Name) })
	if len(got) != len(want) {
		t.Fatalf("%d offers stored, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID == 0 || got[i].UpdatedAt.IsZero() {
			t.Errorf("offer %q: id %d, updated %v", got[i].Name, got[i].ID, got[i].UpdatedAt)
		}
		want[i].ID, want[i].UpdatedAt = got[i].ID, got[i].UpdatedAt
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("offer %q changed on the way through the cache:\n got %+v\nwant %+v", want[i].Name, got[i], want[i])
		}
	}
}

// Every field of every example offer survives the cache exactly, and a
// second import updates by name instead of adding.
func TestOffersRoundTrip(t *testing.T) {
	s, path := openTest(t)
	ctx := context.Background()
	offers := exampleOffers(t)
	if len(offers) < 7 {
		t.Fatalf("the example file has %d offers", len(offers))
	}
	s.now = func() time.Time { return time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC) }
	created, updated, err := s.SaveOffers(ctx, offers)
	if err != nil || created != len(offers) || updated != 0 {
		t.Fatalf("first import: %d created, %d updated, %v", created, updated, err)
	}
	got, err := s.Offers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameOffers(t, got, offers)
	if got[0].UpdatedAt != s.now() {
		t.Errorf("updated_at %v, want %v", got[0].UpdatedAt, s.now())
	}

	offers[0].Tariff.WorkingPerKWh = app.MustDecimal("0.2899")
	offers[0].Notes = "new price list"
	created, updated, err = s.SaveOffers(ctx, offers)
	if err != nil || created != 0 || updated != len(offers) {
		t.Fatalf("second import: %d created, %d updated, %v", created, updated, err)
	}
	again, err := s.Offers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameOffers(t, again, offers)
	for i := range again {
		if again[i].ID != got[i].ID {
			t.Errorf("offer %q: id %d after update, was %d", again[i].Name, again[i].ID, got[i].ID)
		}
	}

	// Offers are the user's data: a sync's writes and the accounts the
	// sources file replaces leave them alone, and they survive reopening.
	seed(t, s, "acme", sample("1"))
	if err := s.ReplaceAccounts(ctx, []app.Account{{Name: "Bäckerei Schmidt"}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	reopened, err := s2.Offers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(reopened, again) {
		t.Errorf("offers changed after a sync and reopening")
	}
}

func TestSaveOffersIsAllOrNothing(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	offers := exampleOffers(t)
	offers[1].Tariff.VATRate = app.MustDecimal("1.5")
	_, _, err := s.SaveOffers(ctx, offers)
	if err == nil || !strings.Contains(err.Error(), "vat_percent") {
		t.Fatalf("invalid batch: %v", err)
	}
	if got, err := s.Offers(ctx); err != nil || len(got) != 0 {
		t.Errorf("after a refused batch: %d offers, %v", len(got), err)
	}
}

func TestOfferLookupsSaveAndDelete(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	offers := exampleOffers(t)
	if _, _, err := s.SaveOffers(ctx, offers[:2]); err != nil {
		t.Fatal(err)
	}
	first, err := s.OfferByName(ctx, offers[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	byID, err := s.Offer(ctx, first.ID)
	if err != nil || !reflect.DeepEqual(byID, first) {
		t.Fatalf("Offer(%d) = %+v, %v", first.ID, byID, err)
	}
	if _, err := s.OfferByName(ctx, "nope"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := s.Offer(ctx, 9999); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}

	// A form adds an offer, renames it, and may not take another's name.
	added, err := s.SaveOffer(ctx, offers[2])
	if err != nil || added.ID == 0 {
		t.Fatalf("SaveOffer new: %+v, %v", added, err)
	}
	added.Name = "WärmeStrom Nacht"
	renamed, err := s.SaveOffer(ctx, added)
	if err != nil || renamed.ID != added.ID || renamed.Name != added.Name || renamed.Tariff.Name != added.Name {
		t.Fatalf("rename: %+v, %v", renamed, err)
	}
	renamed.Name = offers[0].Name
	if _, err := s.SaveOffer(ctx, renamed); !errors.Is(err, ErrOfferNameTaken) {
		t.Errorf("taking another offer's name: %v", err)
	}
	fresh := offers[3]
	fresh.ID = 9999
	if _, err := s.SaveOffer(ctx, fresh); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("saving an offer that was deleted: %v", err)
	}

	if err := s.DeleteOffer(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteOffer(ctx, first.ID); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	left, err := s.Offers(ctx)
	if err != nil || len(left) != 2 {
		t.Errorf("after delete: %d offers, %v", len(left), err)
	}
}
