package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"wattfolio/db"
	"wattfolio/sync/simulate"
)

// The team's way end to end: the simulated vendors synced into a book on
// PostgreSQL ('wattfolio sync --db postgres://…', series included), two
// customers pulled into a fresh laptop cache, and the laptop's app over
// HTTP shows the same figures for them as a cache the same vendors were
// synced into directly: the portfolio's rows, the customer pages, the
// metered bakery's meter page and both comparisons against the team's
// offers, imported into the book (each page's JSON twin, ids and links
// aside, which are the cache's own).
func TestPulledSliceShowsWhatADirectSyncShows(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, simulate.Options{Seed: 3})
	url := syncBook(t, f)
	if code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("direct sync: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// The same offers in the book (for the laptop) and in the cache.
	for _, to := range []string{url, f.db} {
		if code, _, stderr := runCLI(t, "offers", "import", "--db", to, "offers.example.toml"); code != 0 {
			t.Fatalf("offers import into %s: %s", to, stderr)
		}
	}
	laptop := filepath.Join(t.TempDir(), "laptop.db")
	names := []string{"Bäckerei Sonnenkorn GmbH", "Anna Schneider"}
	if code, stdout, stderr := runCLI(t, "pull", "--from", url, "--db", laptop, "--config", f.config,
		"--customer", names[0], "--customer", names[1]); code != 0 {
		t.Fatalf("pull: exit %d\n%s\n%s", code, stdout, stderr)
	}

	type side struct {
		store *db.Store
		url   string
	}
	var sides [2]side
	for i, path := range []string{f.db, laptop} {
		store, err := db.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		srv := httptest.NewServer(handler(ctx, store, sourcesFile{}, testToken))
		defer srv.Close()
		sides[i] = side{store, srv.URL}
	}
	metered := false
	for _, name := range names {
		var paths [2][]string
		for i, s := range sides {
			a := accountNamed(t, s.store, name)
			paths[i] = []string{
				fmt.Sprintf("/contracts.json?account=%d&per=200", a.ID),
				fmt.Sprintf("/customers/%d.json", a.ID),
				fmt.Sprintf("/customers/%d/compare.json", a.ID),
			}
			ms, err := s.store.MetersOfAccount(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				paths[i] = append(paths[i], fmt.Sprintf("/meters/%d.json", m.ID), fmt.Sprintf("/meters/%d.json?res=day", m.ID))
				metered = true
			}
		}
		if len(paths[0]) != len(paths[1]) {
			t.Errorf("%s: %d pages directly, %d on the laptop (meters differ)", name, len(paths[0]), len(paths[1]))
			continue
		}
		for j := range paths[0] {
			direct := twinOf(t, sides[0].url+paths[0][j])
			pulled := twinOf(t, sides[1].url+paths[1][j])
			if !reflect.DeepEqual(direct, pulled) {
				d, _ := json.MarshalIndent(direct, "", " ")
				p, _ := json.MarshalIndent(pulled, "", " ")
				t.Errorf("%s %s: the laptop shows other figures than a direct sync\ndirect:\n%s\npulled (%s):\n%s", name, paths[0][j], d, paths[1][j], p)
			}
		}
	}
	if !metered {
		t.Errorf("no meter among %v: the meter page was not compared", names)
	}
}

// idInPath is a cache's own id in a link.
var idInPath = regexp.MustCompile(`/(contracts|meters|customers|offers)/\d+`)

// twinOf is a page's JSON twin without what is the cache's own (see
// cacheOwn; ids in links and option keys).
func twinOf(t *testing.T, url string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(get(t, url)), &v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return scrub(v)
}

// cacheOwn are the twins' keys whose values are the cache's own: ids,
// the slice, and when the cache fetched or computed (the book and the
// direct sync ran seconds apart).
var cacheOwn = map[string]bool{"id": true, "account": true, "account_id": true, "contract_id": true, "meter_id": true,
	"offer_id": true, "current_contract_id": true, "slice": true, "fetched_at": true, "generated_at": true}

// optionKey is a comparison's key of an option, made of a cache's id.
var optionKey = regexp.MustCompile(`^([a-z])\d+$`)

func scrub(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if cacheOwn[k] {
				delete(x, k)
				continue
			}
			x[k] = scrub(e)
		}
	case []any:
		for i := range x {
			x[i] = scrub(x[i])
		}
	case string:
		return optionKey.ReplaceAllString(idInPath.ReplaceAllString(x, "/$1/N"), "${1}N")
	}
	return v
}
