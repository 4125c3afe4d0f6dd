package main

import (
	"context"
	"encoding/json"
	"html"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/sync/simulate"
)

// syncBook syncs the fixture's simulated vendors into a fresh book on
// PostgreSQL and returns its URL.
func syncBook(t *testing.T, f *fixture) string {
	t.Helper()
	url := pgtest.URL(t)
	// Exit 5 while the book holds contracts only (the series stay behind).
	if code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", url); code != 0 && code != exitMissing {
		t.Fatalf("sync into the book: exit %d\n%s\n%s", code, stdout, stderr)
	}
	return url
}

// 'wattfolio pull' copies the customers it is given, by the name the app
// shows (the sources file's customers bring their ids at every vendor),
// into a laptop's cache; the app served from it lists their contracts and
// says, in English and German and in the JSON twins, which book the slice
// comes from, for how many customers and when it was pulled. Names that
// match nothing or two customers, a cache synced on its own and a slice of
// another book are refused, changing nothing.
func TestPullThroughTheCLI(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, simulate.Options{})
	url := syncBook(t, f)
	laptop := filepath.Join(t.TempDir(), "laptop.db")

	for _, tc := range []struct {
		customer string
		want     []string
	}{
		{"Anna Weber", []string{"2 customers at one source", "demo-enneo/300339 (Anna Weber)", "demo-enneo/301006 (Anna Weber)", "SOURCE/ID"}},
		{"Nobody Here", []string{`"Nobody Here" matches no customer`}},
	} {
		code, stdout, stderr := runCLI(t, "pull", "--from", url, "--db", laptop, "--customer", "Anna Schneider", "--customer", tc.customer)
		for _, w := range tc.want {
			if code != exitUsage || !strings.Contains(stderr, w) {
				t.Errorf("pull of %q: exit %d, want %d saying %q\nstdout:\n%s\nstderr:\n%s", tc.customer, code, exitUsage, w, stdout, stderr)
			}
		}
	}

	code, stdout, stderr := runCLI(t, "pull", "--from", url, "--db", laptop, "--config", f.config,
		"--customer", "Anna Schneider", "--customer", "amstel brouwerijen bv")
	if code != 0 {
		t.Fatalf("pull: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	book := pgstore.BookName(url)
	// Anna and the brewery at each vendor the sources file links them at
	// (enneo, prosumer and Podero; enneo, otark and Podero).
	if !strings.Contains(stdout, "is a slice of "+book+" for 6 customers, pulled") {
		t.Errorf("pull's summary lacks the slice:\n%s", stdout)
	}

	// The book's contracts of those customers, which the laptop must list.
	bs, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	all, err := bs.Contracts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]bool{"demo-enneo/300057": true, "demo-prosumer/ed2a4ee9-e679-4dc8-bf8d-cf3d3c94a321": true,
		"demo-podero/0e53f987-f48b-46c1-9ca4-096aad665d11": true, "demo-enneo/300017": true, "demo-otark/11YAMSTELBROUWE9": true,
		"demo-podero/5eac8f48-7087-4b3b-bdc4-0c8e7a489602": true}
	want := 0
	for _, c := range all {
		if refs[c.Source+"/"+c.Customer] && !c.Removed {
			want++
		}
	}

	store, err := db.Open(ctx, laptop)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(handler(ctx, store, sourcesFile{}, testToken))
	defer srv.Close()
	page, err := store.ListContracts(ctx, app.ContractFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if want < 5 || page.Total != want {
		t.Errorf("the laptop lists %d contracts, want the book's %d of the slice's customers", page.Total, want)
	}
	for _, tc := range []struct{ path, want string }{
		{"/", "Slice of " + book + " for 6 customers, pulled"},
		{"/sync", "Slice of " + book + " for 6 customers, pulled"},
		{"/?lang=de", "Ausschnitt von " + book + " für 6 Kunden, abgerufen am"},
		{"/sync?lang=de", "Ausschnitt von " + book + " für 6 Kunden, abgerufen am"},
	} {
		if body := html.UnescapeString(get(t, srv.URL+tc.path)); !strings.Contains(body, tc.want) {
			t.Errorf("%s does not say %q", tc.path, tc.want)
		}
	}
	for _, path := range []string{"/.json", "/sync.json"} {
		var doc struct {
			Slice *struct {
				Book      string `json:"book"`
				Customers int    `json:"customers"`
				PulledAt  string `json:"pulled_at"`
			} `json:"slice"`
		}
		if err := json.Unmarshal([]byte(get(t, srv.URL+path)), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Slice == nil || doc.Slice.Book != book || doc.Slice.Customers != 6 || !strings.HasSuffix(doc.Slice.PulledAt, "Z") {
			t.Errorf("%s: slice = %+v, want the book, 6 customers and a UTC time", path, doc.Slice)
		}
	}

	// The brewery's notes keep it in the slice until they are gone.
	amstel := contractOfSource(t, store, "demo-otark")
	if err := store.SetContractNotes(ctx, "demo-otark", amstel, app.ContractNotes{Text: "Angebot im Mai"}); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, "pull", "--from", url, "--db", laptop, "--config", f.config, "--drop", "Amstel Brouwerijen BV")
	if code != exitFailed || !strings.Contains(stderr, "stays in the slice: it has 1 contract with notes") {
		t.Errorf("drop with notes: exit %d, want %d naming the notes\n%s\n%s", code, exitFailed, stdout, stderr)
	}
	if err := store.SetContractNotes(ctx, "demo-otark", amstel, app.ContractNotes{}); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, "pull", "--from", url, "--db", laptop, "--config", f.config, "--drop", "Amstel Brouwerijen BV")
	if code != 0 || !strings.Contains(stdout, "dropped Amstel Brouwerijen BV (demo-otark/11YAMSTELBROUWE9)") ||
		!strings.Contains(stdout, "dropped demo-podero/5eac8f48-7087-4b3b-bdc4-0c8e7a489602") ||
		!strings.Contains(stdout, "for 3 customers") {
		t.Errorf("drop: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if contractOfSource(t, store, "demo-otark") != "" {
		t.Errorf("the brewery's otark contract is still on the laptop after the drop")
	}

	// A cache of its own, or a slice of another book, is not pulled into.
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync: %s", stderr)
	}
	for _, tc := range []struct{ cache, from, want string }{
		{f.db, url, "holds a sync of its own"},
		{laptop, pgtest.URL(t), "holds a slice of " + book},
	} {
		code, stdout, stderr := runCLI(t, "pull", "--from", tc.from, "--db", tc.cache, "--customer", "Anna Schneider")
		if code != exitFailed || !strings.Contains(stderr, tc.want) {
			t.Errorf("pull into %s from %s: exit %d, want %d saying %q\n%s\n%s", tc.cache, tc.from, code, exitFailed, tc.want, stdout, stderr)
		}
	}
}

// contractOfSource is the external id of the laptop's first contract of
// source, "" when it has none.
func contractOfSource(t *testing.T, store *db.Store, source string) string {
	t.Helper()
	page, err := store.ListContracts(context.Background(), app.ContractFilter{Source: source, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Contracts) == 0 {
		return ""
	}
	return page.Contracts[0].ExternalID
}
