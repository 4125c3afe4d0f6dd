package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"wattfolio/app/offer"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/sync/simulate"
)

// What makes the team's book operable beside the sync itself: the vendors'
// request budgets it shares, the offers it carries, who holds its lock.

// 'sync --db postgres://…' keeps otark's request budget in the book: a
// budget another process (another server, an analyst's sync with the same
// key) recorded as spent for an hour holds this sync back, and otark
// fails saying so, instead of spending requests the vendor would refuse.
func TestSyncIntoPostgresSharesTheBudgetInTheBook(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, simulate.Options{})
	url := pgtest.URL(t)
	s, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sum := sha256.Sum256([]byte(f.up.Token()))
	if err := s.SetRateBudget(ctx, "otark", hex.EncodeToString(sum[:]), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", url)
	if code != exitSourceFailed || !summaryHas(stdout, "demo-otark", "failed") || !strings.Contains(stdout+stderr, "request budget is spent") {
		t.Fatalf("exit %d, want %d with otark failed on its spent budget\nstdout:\n%s\nstderr:\n%s", code, exitSourceFailed, stdout, stderr)
	}
	if !summaryHas(stdout, "demo-enneo", "ok", "300") {
		t.Errorf("the other sources did not sync:\n%s", stdout)
	}
}

// 'offers import --db postgres://…' brings the team's offers into the
// book, as into a cache: the same counts on the first import and the next
// (by name), the same offers read back, to the cent and the day; a file
// with mistakes is refused with the same messages and changes nothing.
func TestOffersImportIntoTheBook(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	for _, want := range []string{"imported 10 offers (10 new, 0 updated)\n", "imported 10 offers (0 new, 10 updated)\n"} {
		code, stdout, stderr := runCLI(t, "offers", "import", "--db", url, "offers.example.toml")
		if code != 0 || stdout != want {
			t.Fatalf("import into the book: exit %d\nstdout: %s (want %s)\nstderr: %s", code, stdout, want, stderr)
		}
	}
	cache := filepath.Join(t.TempDir(), "cache.db")
	if code, _, stderr := runCLI(t, "offers", "import", "--db", cache, "offers.example.toml"); code != 0 {
		t.Fatalf("import into a cache: %s", stderr)
	}
	book, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	store, err := db.Open(ctx, cache)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	readBook := func() []offer.Offer {
		got, err := book.Offers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return comparable(got)
	}
	fromCache, err := store.Offers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inBook := readBook()
	if len(inBook) != 10 || !reflect.DeepEqual(inBook, comparable(fromCache)) {
		t.Fatalf("the book's offers differ from the cache's:\nbook  %+v\ncache %+v", inBook, comparable(fromCache))
	}

	importBadOffers(t, url)
	if after := readBook(); !reflect.DeepEqual(after, inBook) {
		t.Errorf("a refused import changed the book's offers:\nbefore %+v\nafter  %+v", inBook, after)
	}
}

// comparable is offers without what each store sets itself: ids and the
// instant of the import.
func comparable(offers []offer.Offer) []offer.Offer {
	out := make([]offer.Offer, len(offers))
	for i, o := range offers {
		o.ID, o.UpdatedAt = 0, time.Time{}
		out[i] = o
	}
	return out
}
