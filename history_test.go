package main

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/web"
	"wattfolio/db"
	"wattfolio/sync/engine"
	"wattfolio/sync/simulate"
	"wattfolio/sync/vendors/enneo/enneosim"
	"wattfolio/sync/vendors/podero/poderosim"
)

// historyEnv syncs one simulated source through the real engine into a
// cache file and serves the app over loopback.
type historyEnv struct {
	t     *testing.T
	f     *fixture
	store *db.Store
	src   engine.Source
	srv   *httptest.Server
}

func newHistoryEnv(t *testing.T, source string) *historyEnv {
	t.Helper()
	f := newFixture(t, simulate.Options{PoderoUsers: 4, EnneoContracts: 6})
	srcs, err := loadSources(f.config, source)
	if err != nil || len(srcs) != 1 {
		t.Fatalf("sources: %v", err)
	}
	store, err := db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	srv := httptest.NewServer(web.New(web.Options{Contracts: store, Sources: store, Token: "launch"}))
	t.Cleanup(srv.Close)
	return &historyEnv{t: t, f: f, store: store, src: srcs[0], srv: srv}
}

// sync runs the source once; stopAfter > 0 cancels the run once that many
// pages are stored, as Ctrl-C would.
func (e *historyEnv) sync(stopAfter int) engine.Result {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pages := 0
	eng := &engine.Engine{Store: e.store, Logger: slog.New(slog.DiscardHandler), Progress: func(engine.Progress) {
		if pages++; pages == stopAfter {
			cancel()
		}
	}}
	return eng.Sync(ctx, e.src)
}

// contract finds a cached contract whether or not it is current.
func (e *historyEnv) contract(externalID string) app.Contract {
	e.t.Helper()
	page, err := e.store.ListContracts(context.Background(), app.ContractFilter{Query: externalID, Upstream: app.UpstreamAll})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range page.Contracts {
		if c.ExternalID == externalID {
			return c
		}
	}
	e.t.Fatalf("contract %s not in the cache", externalID)
	return app.Contract{}
}

func (e *historyEnv) history(externalID string) []app.Change {
	e.t.Helper()
	h, err := e.store.ContractHistory(context.Background(), e.contract(externalID).ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

func (e *historyEnv) get(path string) string {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: "wattfolio_token_" + req.URL.Port(), Value: "launch"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
	}
	return string(b)
}

// lastContractOf is a contract of the last user that has any, so that a
// run cut off after its first page has not read it yet.
func lastContractOf(sim *poderosim.Server) string {
	ids := sim.ContractIDs()
	return ids[len(ids)-1]
}

// A contract changed behind Wattfolio's back keeps its previous version
// and the history names the field, both values and the sync run; an
// unchanged re-sync adds nothing.
func TestHistoryKeepsChangedContract(t *testing.T) {
	e := newHistoryEnv(t, "demo-podero")
	sim := e.f.up.Podero
	if r := e.sync(0); r.Err != nil {
		t.Fatal(r.Err)
	}
	ids := sim.ContractIDs()
	changed, same := ids[0], ids[1]
	before := e.contract(changed)
	for _, id := range []string{changed, same} {
		if h := e.history(id); len(h) != 0 {
			t.Fatalf("contract %s has history after its first sync: %+v", id, h)
		}
	}

	sim.SetSupplier(sim.UserOf(changed), changed, "Stadtwerke Hinterrücks")
	r := e.sync(0)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	// The display name is made of the supplier, so it changed with it.
	after := e.contract(changed)
	want := []app.Change{
		{Field: "Name", Old: before.Name, New: after.Name, RunID: r.RunID},
		{Field: "Parties.Supplier", Old: before.Parties.Supplier, New: "Stadtwerke Hinterrücks", RunID: r.RunID},
	}
	h := e.history(changed)
	if len(h) != len(want) {
		t.Fatalf("history after the change = %+v, want %+v", h, want)
	}
	for i := range want {
		if h[i].At.IsZero() {
			t.Errorf("change %d has no time", i)
		}
		h[i].At = time.Time{}
		if h[i] != want[i] {
			t.Errorf("change %d = %+v, want %+v", i, h[i], want[i])
		}
	}
	if got := e.contract(changed).Parties.Supplier; got != "Stadtwerke Hinterrücks" {
		t.Errorf("cached supplier %q, want the vendor's new one", got)
	}

	// Unchanged re-syncs: no new version, but the contract was seen.
	r2 := e.sync(0)
	if r2.Err != nil || r2.Removed != 0 {
		t.Fatalf("re-sync: %v, %d removed", r2.Err, r2.Removed)
	}
	if h2 := e.history(changed); len(h2) != len(want) {
		t.Errorf("an unchanged re-sync added history: %+v", h2)
	}
	if h := e.history(same); len(h) != 0 {
		t.Errorf("a contract never changed has history: %+v", h)
	}

	// The contract page shows it: field, old, new, the run.
	page := e.get("/contracts/" + strconv.FormatInt(e.contract(changed).ID, 10) + "?lang=en")
	for _, s := range []string{`id="h-history"`, "Supplier", before.Parties.Supplier, "Stadtwerke Hinterrücks", "#" + strconv.FormatInt(r.RunID, 10)} {
		if !strings.Contains(page, s) {
			t.Errorf("contract page lacks %q", s)
		}
	}
	if strings.Contains(page, "Removed upstream") {
		t.Error("a current contract's page says it was removed")
	}
}

// A contract the vendor no longer lists is marked removed only after a
// run that read the whole listing from its start with every record
// readable: not after a failed, partial, interrupted or resumed one. It is
// shown as removed, exported with removed_at, and current again when it
// comes back.
func TestRemovedUpstream(t *testing.T) {
	e := newHistoryEnv(t, "demo-podero")
	sim := e.f.up.Podero
	if r := e.sync(0); r.Err != nil {
		t.Fatal(r.Err)
	}
	gone := lastContractOf(sim)
	owner := sim.UserOf(gone)
	other := sim.UserIDs()[0]
	if other == owner {
		t.Fatal("the removed contract must not be the first user's")
	}
	seen := e.contract(gone).FetchedAt
	if !sim.RemoveContract(gone) {
		t.Fatal("knob: no such contract")
	}

	notYet := []struct {
		name  string
		setup func()
		run   func() engine.Result
	}{
		{"every user failing: the source fails", func() { sim.SetFaults(poderosim.Faults{Status: http.StatusInternalServerError}) },
			func() engine.Result { return e.sync(0) }},
		{"another user failing: a partial run", func() { sim.SetFaults(poderosim.Faults{Status: http.StatusInternalServerError, IDs: []string{other}}) },
			func() engine.Result { return e.sync(0) }},
		{"interrupted after the first page", func() { sim.SetFaults(poderosim.Faults{}) },
			func() engine.Result { return e.sync(1) }},
		{"resuming the interrupted run to its end", func() {},
			func() engine.Result { return e.sync(0) }},
	}
	for _, tc := range notYet {
		tc.setup()
		r := tc.run()
		if r.Removed != 0 || e.contract(gone).Removed() {
			t.Fatalf("%s (run %d, %s): the contract was marked removed", tc.name, r.RunID, r.Status)
		}
		t.Logf("%s: run %d %s, resumed %v", tc.name, r.RunID, r.Status, r.Resumed)
	}

	// A complete listing from the start: removed, last seen kept.
	r := e.sync(0)
	if r.Err != nil || r.Resumed || r.Removed != 1 {
		t.Fatalf("full run: %v, resumed %v, %d removed; want 1", r.Err, r.Resumed, r.Removed)
	}
	c := e.contract(gone)
	if !c.Removed() || !c.FetchedAt.Equal(seen) {
		t.Fatalf("after a full run: removed at %v, last seen %v (was %v)", c.RemovedAt, c.FetchedAt, seen)
	}
	if h := e.history(gone); len(h) != 1 || h[0].Field != "Upstream" || h[0].Old != "current" || h[0].New != "removed" || h[0].RunID != r.RunID {
		t.Errorf("history = %+v, want current → removed in run %d", h, r.RunID)
	}
	if r := e.sync(0); r.Removed != 0 || len(e.history(gone)) != 1 {
		t.Errorf("a second full run marked it again: %d removed, history %+v", r.Removed, e.history(gone))
	}

	// Where users see it.
	portfolio := e.get("/contracts?lang=en")
	if strings.Contains(portfolio, ">"+gone+"<") || strings.Contains(portfolio, "badge-bad\">Removed<") {
		t.Error("the default portfolio shows the removed contract")
	}
	if !strings.Contains(portfolio, "1 removed upstream") {
		t.Error("the default portfolio does not say a removed contract is hidden")
	}
	removed := e.get("/contracts?lang=en&upstream=removed")
	if !strings.Contains(removed, `<span class="badge badge-bad" title="Removed">Removed</span>`) || !strings.Contains(removed, "last seen") ||
		!strings.Contains(removed, "/contracts/"+strconv.FormatInt(c.ID, 10)) || !strings.Contains(removed, "<strong>1</strong> contract matches the filters") {
		t.Errorf("upstream=removed does not list the removed contract alone with its badge:\n%s", removed)
	}
	page := e.get("/contracts/" + strconv.FormatInt(c.ID, 10) + "?lang=en")
	for _, s := range []string{"Removed upstream</strong>, last seen", `datetime="` + seen.UTC().Format("2006-01-02T15:04:05Z") + `"`, "At the vendor", ">removed<"} {
		if !strings.Contains(page, s) {
			t.Errorf("contract page lacks %q", s)
		}
	}
	rows := csvRows(t, e.get("/contracts.csv?"+url.Values{"upstream": {"all"}, "source": {"demo-podero"}}.Encode()))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	n := 0
	for _, row := range rows[1:] {
		switch {
		case row[col["external_id"]] == gone:
			n++
			if row[col["removed_at"]] == "" || row[col["fetched_at"]] != seen.UTC().Format("2006-01-02T15:04:05Z") {
				t.Errorf("export of the removed contract: removed_at %q, fetched_at %q", row[col["removed_at"]], row[col["fetched_at"]])
			}
		case row[col["removed_at"]] != "":
			t.Errorf("contract %s exported as removed", row[col["external_id"]])
		}
	}
	if n != 1 || len(rows) != len(sim.ContractIDs())+2 {
		t.Errorf("export with upstream=all: %d rows, the removed one %d times", len(rows)-1, n)
	}

	// It comes back: current again, and the history says so.
	sim.RestoreContract(gone)
	r = e.sync(0)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if c := e.contract(gone); c.Removed() || !c.FetchedAt.After(seen) && !c.FetchedAt.Equal(seen) {
		t.Errorf("after it reappeared: removed at %v", c.RemovedAt)
	}
	h := e.history(gone)
	if len(h) != 2 || h[0].Field != "Upstream" || h[0].Old != "removed" || h[0].New != "current" || h[0].RunID != r.RunID {
		t.Errorf("history after it reappeared = %+v, want removed → current first", h)
	}
	if p := e.get("/contracts?lang=en"); strings.Contains(p, "removed upstream") {
		t.Error("the portfolio still counts a reappeared contract as removed")
	}
}

// enneo fetches each configured contract directly: a 404 marks it removed
// at once, while the others are still answered.
func TestRemovedOnNotFound(t *testing.T) {
	e := newHistoryEnv(t, "demo-enneo")
	if r := e.sync(0); r.Err != nil {
		t.Fatal(r.Err)
	}
	page, err := e.store.ListContracts(context.Background(), app.ContractFilter{Source: "demo-enneo", Limit: 1})
	if err != nil || len(page.Contracts) == 0 {
		t.Fatalf("no enneo contract: %v", err)
	}
	gone := page.Contracts[0].ExternalID
	e.f.up.Enneo.SetFaults(enneosim.Faults{Status: http.StatusNotFound, IDs: []string{gone}})
	r := e.sync(0)
	if r.Err != nil || r.Failed != 0 || r.Removed != 1 {
		t.Fatalf("sync with a 404: %v, %d failed, %d removed; want 1 removed", r.Err, r.Failed, r.Removed)
	}
	if c := e.contract(gone); !c.Removed() {
		t.Errorf("contract %s answered 404 and is still current", gone)
	}
}

func csvRows(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("CSV: %v", err)
	}
	return rows
}

// A user dropped from the sources file is out of the listing, not gone at
// Podero: a complete sync of what is left marks none of its contracts.
func TestDroppedFromSourcesIsNotRemoved(t *testing.T) {
	e := newHistoryEnv(t, "demo-podero")
	sim := e.f.up.Podero
	if r := e.sync(0); r.Err != nil {
		t.Fatal(r.Err)
	}
	kept := lastContractOf(sim)
	user := sim.UserOf(kept)
	b, err := os.ReadFile(e.f.config)
	if err != nil {
		t.Fatal(err)
	}
	line := "  \"" + user + "\",\n"
	if !strings.Contains(string(b), line) {
		t.Fatalf("no line %q in the sources file", line)
	}
	if err := os.WriteFile(e.f.config, []byte(strings.Replace(string(b), line, "", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	srcs, err := loadSources(e.f.config, "demo-podero")
	if err != nil {
		t.Fatal(err)
	}
	e.src = srcs[0]
	if r := e.sync(0); r.Err != nil || r.Resumed || r.Removed != 0 {
		t.Fatalf("complete sync without user %s: %v, resumed %v, %d removed", user, r.Err, r.Resumed, r.Removed)
	}
	if c := e.contract(kept); c.Removed() {
		t.Errorf("contract %s of the dropped user was marked removed", kept)
	}
}

// Syncing every simulated vendor again, with nothing changed upstream,
// keeps no version of any contract and marks none removed.
func TestUnchangedResyncKeepsNoHistory(t *testing.T) {
	f := newFixture(t, simulate.Options{EnneoContracts: 40})
	srcs, err := loadSources(f.config, "")
	if err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	eng := &engine.Engine{Store: store, Logger: slog.New(slog.DiscardHandler)}
	for i := range 2 {
		results, err := eng.SyncAll(context.Background(), srcs)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Removed != 0 {
				t.Errorf("sync %d of %s marked %d removed", i+1, r.Source, r.Removed)
			}
		}
	}
	n := 0
	err = store.EachContract(context.Background(), app.ContractFilter{Upstream: app.UpstreamAll}, func(c app.Contract) error {
		n++
		h, err := store.ContractHistory(context.Background(), c.ID)
		if len(h) > 0 {
			t.Errorf("%s contract %s has history after an unchanged re-sync: %+v", c.Source, c.ExternalID, h[0])
		}
		return err
	})
	if err != nil || n == 0 {
		t.Fatalf("%d contracts: %v", n, err)
	}
}
