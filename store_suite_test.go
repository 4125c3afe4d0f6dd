package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/sync/engine"
	"wattfolio/sync/simulate"
)

// The shared store suite, as litestream runs one suite against every
// replica client: the same contract syncs of the simulated vendors run
// against the SQLite cache and the team's book on PostgreSQL, and both must
// end with the same contracts, checkpoints, runs and record problems. The
// PostgreSQL half needs WATTFOLIO_TEST_POSTGRES (.ci/postgres).

// suiteStore is a backend under the suite: the engine's store and what the
// suite reads back of it.
type suiteStore interface {
	engine.Store
	snapshot(t *testing.T, sources []string) bookState
}

// bookState is what a user of either backend would see of the contracts'
// side: every contract, each source's checkpoint and last run, and the
// records its last run had problems with.
type bookState struct {
	Contracts   []string          // "source/id customer status working-price-e6 [removed]"
	Checkpoints map[string]string // by source
	LastRuns    map[string]string // by source: "status fetched/failed/missing"
	Problems    map[string][]string
}

type sqliteSuite struct{ *db.Store }

func (s sqliteSuite) snapshot(t *testing.T, sources []string) bookState {
	t.Helper()
	ctx := context.Background()
	st := newBookState()
	err := s.EachContract(ctx, app.ContractFilter{Upstream: app.UpstreamAll}, func(c app.Contract) error {
		st.Contracts = append(st.Contracts, contractLine(c.Source, c.ExternalID, c.Customer.ExternalID, c.Status, (*int64)(c.Prices.WorkingPerKWh), c.Removed()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		st.Checkpoints[src] = checkpoint(t, s, src)
		run, err := s.LastRun(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		st.LastRuns[src] = fmt.Sprintf("%s %d/%d/%d", run.Status, run.Fetched, run.Failed, run.Missing)
		for _, p := range run.Problems {
			st.Problems[src] = append(st.Problems[src], strings.SplitN(p, ":", 2)[0])
		}
	}
	return st.sorted()
}

type postgresSuite struct{ *pgstore.Store }

func (s postgresSuite) snapshot(t *testing.T, sources []string) bookState {
	t.Helper()
	ctx := context.Background()
	st := newBookState()
	cs, err := s.Contracts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		st.Contracts = append(st.Contracts, contractLine(c.Source, c.ExternalID, c.Customer, c.Status, c.WorkingPerKWhE6, c.Removed))
	}
	runs, err := s.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	problems, err := s.Problems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		st.Checkpoints[src] = checkpoint(t, s, src)
		last := int64(0)
		for _, r := range runs {
			if r.SourceName == src {
				last = r.ID
				st.LastRuns[src] = fmt.Sprintf("%s %d/%d/%d", r.Status, r.Fetched, r.Failed, r.Missing)
			}
		}
		for _, p := range problems {
			if p.RunID == last {
				st.Problems[src] = append(st.Problems[src], p.Record)
			}
		}
	}
	return st.sorted()
}

func newBookState() bookState {
	return bookState{Checkpoints: map[string]string{}, LastRuns: map[string]string{}, Problems: map[string][]string{}}
}

func (b bookState) sorted() bookState {
	slices.Sort(b.Contracts)
	for _, p := range b.Problems {
		slices.Sort(p)
	}
	return b
}

func contractLine(source, id, customer, status string, working *int64, removed bool) string {
	price := "-"
	if working != nil {
		price = fmt.Sprint(*working)
	}
	line := source + "/" + id + " " + customer + " " + status + " " + price
	if removed {
		line += " removed"
	}
	return line
}

func checkpoint(t *testing.T, s engine.Store, source string) string {
	t.Helper()
	cur, err := s.Checkpoint(context.Background(), source, "contracts")
	if err != nil {
		t.Fatal(err)
	}
	return cur
}

// errCut is the failure a cut stream ends with part-way.
var errCut = errors.New("connection reset part-way through the listing")

// cutStream passes a source's contract pages on, but fails before page
// failAt (counted from 1; 0: never) and leaves the contract drop out of
// every page, as a vendor that no longer lists it.
type cutStream struct {
	inner  engine.ContractStream
	failAt int
	drop   string
}

func (c cutStream) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	n := 0
	return c.inner.Contracts(ctx, cursor, func(p engine.Page) error {
		if n++; n == c.failAt {
			return errCut
		}
		if c.drop != "" {
			p.Contracts = slices.DeleteFunc(slices.Clone(p.Contracts), func(k app.Contract) bool { return k.ExternalID == c.drop })
		}
		return page(p)
	})
}

// contractsOnly declares each source's contracts only, as 'sync --db
// postgres://…' does (contractStreams), its stream wrapped as cutStream says.
func contractsOnly(srcs []engine.Source, failAt int, drop string) []engine.Source {
	out, _ := contractStreams(srcs)
	for i, s := range out {
		st := s.Connector.Streams()
		st.Contracts = cutStream{inner: st.Contracts, failAt: failAt, drop: drop}
		out[i].Connector = st
	}
	return out
}

// suiteStep is one sync of the suite and what it ended with.
type suiteStep struct {
	Results []string // by source: "status fetched/failed/missing resumed removed"
	State   bookState
}

// runStoreSuite runs the suite's syncs against s and returns each step, for
// the caller to compare across backends; it checks what a user would
// notice of each by hand.
func runStoreSuite(t *testing.T, s suiteStore, f *fixture, broken []string) []suiteStep {
	t.Helper()
	ctx := context.Background()
	srcs, err := loadSources(f.config, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range srcs {
		names = append(names, s.Name)
	}
	runs := map[string]int64{} // each source's last run
	step := func(failAt int, drop string) suiteStep {
		e := &engine.Engine{Store: s}
		results, _ := e.SyncAll(ctx, contractsOnly(srcs, failAt, drop))
		var st suiteStep
		for _, r := range results {
			runs[r.Source] = r.RunID
			st.Results = append(st.Results, fmt.Sprintf("%s %s %d/%d/%d resumed=%v removed=%d", r.Source, r.Status, r.Fetched, r.Failed, r.Missing, r.Resumed, r.Removed))
		}
		st.State = s.snapshot(t, names)
		return st
	}
	var steps []suiteStep

	// 1. Cut off after enneo's first page (50 contracts): the run failed,
	// the page stays with its checkpoint.
	first := step(2, "")
	steps = append(steps, first)
	if got := first.State.Checkpoints["demo-enneo"]; got == "" {
		t.Errorf("after a cut-off sync enneo's checkpoint is empty; want the first page's cursor")
	}
	if got := first.State.LastRuns["demo-enneo"]; !strings.HasPrefix(got, "failed 50/") {
		t.Errorf("cut-off enneo run = %q, want failed after 50 contracts", got)
	}

	// 2. The next sync resumes after that page and completes; the broken
	// records are rejected and kept as problems.
	resumed := step(0, "")
	steps = append(steps, resumed)
	enneo := resumed.Results[slices.Index(names, "demo-enneo")]
	if want := fmt.Sprintf("demo-enneo partial %d/%d/0 resumed=true removed=0", 300-50-len(broken), len(broken)); enneo != want {
		t.Errorf("resumed enneo sync = %q, want %q", enneo, want)
	}
	if got := resumed.State.Problems["demo-enneo"]; len(got) != len(broken) {
		t.Errorf("problems of the resumed enneo run = %v, want one for each of %v", got, broken)
	}
	for _, src := range names {
		if cur := resumed.State.Checkpoints[src]; cur != "" {
			t.Errorf("%s's checkpoint after a completed sync = %q, want \"\" (start again)", src, cur)
		}
	}

	// 3. A full sync whose listing lacks one otark contract marks it
	// removed; the others stay current.
	otark := firstContract(t, resumed.State, "demo-otark")
	gone := step(0, otark)
	steps = append(steps, gone)
	if !slices.ContainsFunc(gone.State.Contracts, func(l string) bool {
		return strings.HasPrefix(l, "demo-otark/"+otark+" ") && strings.HasSuffix(l, " removed")
	}) {
		t.Errorf("otark contract %s, no longer listed, is not marked removed", otark)
	}
	if got := gone.Results[slices.Index(names, "demo-otark")]; !strings.HasSuffix(got, "removed=1") {
		t.Errorf("otark sync without %s = %q, want removed=1", otark, got)
	}

	// 4. Problems found outside any page (a meter that could not be
	// read) are kept with the run and counted in it.
	miss := &app.RecordError{Record: "meter M-7", Field: "readings", Err: fmt.Errorf("no answer: %w", app.ErrNotFetched)}
	if err := s.RecordFailures(ctx, runs["demo-otark"], []*app.RecordError{miss}); err != nil {
		t.Fatal(err)
	}
	kept := suiteStep{Results: gone.Results, State: s.snapshot(t, names)}
	steps = append(steps, kept)
	if got := kept.State.LastRuns["demo-otark"]; got != "ok 29/0/1" {
		t.Errorf("otark run after a recorded missing meter = %q, want \"ok 29/0/1\"", got)
	}
	if got := kept.State.Problems["demo-otark"]; !slices.Equal(got, []string{"meter M-7"}) {
		t.Errorf("otark run's problems = %v, want [meter M-7]", got)
	}
	return steps
}

func firstContract(t *testing.T, st bookState, source string) string {
	t.Helper()
	for _, l := range st.Contracts {
		if rest, ok := strings.CutPrefix(l, source+"/"); ok {
			return strings.Fields(rest)[0]
		}
	}
	t.Fatalf("no contract of %s in the book", source)
	return ""
}

func TestStoreSuiteSQLiteAndPostgres(t *testing.T) {
	// Two of enneo's records are bad data, past its first page.
	f := newFixture(t, simulate.Options{})
	ids := f.up.Enneo.IDs()
	broken := []string{ids[120], ids[250]}
	f = newFixture(t, simulate.Options{EnneoBroken: broken})
	ctx := context.Background()

	steps := map[string][]suiteStep{}
	t.Run("sqlite", func(t *testing.T) {
		s, err := db.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		steps["sqlite"] = runStoreSuite(t, sqliteSuite{s}, f, broken)
	})
	t.Run("postgres", func(t *testing.T) {
		s, err := pgstore.Open(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		steps["postgres"] = runStoreSuite(t, postgresSuite{s}, f, broken)
	})
	lite, pg := steps["sqlite"], steps["postgres"]
	if lite == nil || pg == nil {
		return // one half skipped or failed: said above
	}
	for i := range lite {
		if !reflect.DeepEqual(lite[i], pg[i]) {
			t.Errorf("step %d differs between the backends:\nsqlite   %+v\npostgres %+v", i+1, lite[i], pg[i])
		}
	}
}

// contractTerms is what a user sees of a contract's kind-specific terms
// (the Contract page's terms, the exports' columns) and what the
// portfolio's free-text search looks in.
type contractTerms struct {
	SearchText  string
	Flexibility *app.FlexibilityTerms
	PPA         *app.PPATerms
	Partner     *app.PartnerTerms
}

// termsOf reads every contract's terms back from one backend, by
// "source/external id".
type termsOf func(t *testing.T) map[string]contractTerms

func sqliteTerms(s *db.Store, path string) termsOf {
	return func(t *testing.T) map[string]contractTerms {
		t.Helper()
		ctx := context.Background()
		// The search text is no field of app.Contract: read it as it lies.
		raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		search := map[string]string{}
		rows, err := raw.QueryContext(ctx, `SELECT s.name || '/' || c.external_id, c.search_text FROM contracts c JOIN sources s ON s.id = c.source_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			search[k] = v
		}
		out := map[string]contractTerms{}
		err = s.EachContract(ctx, app.ContractFilter{Upstream: app.UpstreamAll}, func(c app.Contract) error {
			k := c.Source + "/" + c.ExternalID
			out[k] = contractTerms{SearchText: search[k], Flexibility: c.Flexibility, PPA: c.PPA, Partner: c.Partner}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
}

func postgresTerms(s *pgstore.Store) termsOf {
	return func(t *testing.T) map[string]contractTerms {
		t.Helper()
		cs, err := s.Terms(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]contractTerms{}
		for _, c := range cs {
			out[c.Source+"/"+c.ExternalID] = contractTerms{SearchText: c.SearchText, Flexibility: c.Flexibility, PPA: c.PPA, Partner: c.Partner}
		}
		return out
	}
}

// changedTerms are contracts the vendors changed after the first sync:
// the flexibility tolerance raised, the PPA terms dropped, the partner's
// price changing a month on, its flag false (not "not said").
func changedTerms(t *testing.T, s *db.Store) []app.Contract {
	t.Helper()
	var flex, ppa, partner *app.Contract
	err := s.EachContract(context.Background(), app.ContractFilter{Upstream: app.UpstreamAll}, func(c app.Contract) error {
		switch {
		case flex == nil && c.Flexibility != nil && c.Flexibility.Tolerance != nil:
			flex = &c
		case ppa == nil && c.PPA != nil && !c.PPA.CreatedAt.IsZero():
			ppa = &c
		case partner == nil && c.Partner != nil && len(c.Partner.Prices) > 0:
			partner = &c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if flex == nil || ppa == nil || partner == nil {
		t.Fatalf("the simulated vendors serve no contract with flexibility (%v), PPA (%v) or partner terms with price points (%v)", flex != nil, ppa != nil, partner != nil)
	}
	tol := *flex.Flexibility.Tolerance + app.Decimal(125_000)
	flex.Flexibility.Tolerance = &tol
	ppa.PPA = nil
	first := partner.Partner.Prices[0]
	partner.Partner.Prices = []app.PricePoint{first, {From: first.From.AddDate(0, 1, 0), PerKWh: first.PerKWh - app.Decimal(12_345)}}
	partner.Partner.IncludesExternalComponents = app.Ptr(false)
	out := []app.Contract{*flex, *ppa, *partner}
	for i := range out {
		// A changed record: an unchanged one is only marked fetched again.
		out[i].Raw = []byte(fmt.Sprintf(`{"changed": %q}`, out[i].ExternalID))
	}
	return out
}

// saveChanged stores the changed contracts as one page of a run of each
// contract's source.
func saveChanged(t *testing.T, s engine.Store, cs []app.Contract) {
	t.Helper()
	ctx := context.Background()
	for _, c := range cs {
		run, err := s.BeginRun(ctx, c.Source)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SavePage(ctx, run, c.Source, "contracts", []app.Contract{c}, nil, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRun(ctx, run, app.RunOK, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// The terms the vendors publish beside a contract (prosumer's flexibility,
// otark's PPA, Podero's partner terms and price points) and the search
// text read back the same from a cache file and a book, after a full sync
// and after the vendors changed or dropped some: a contract pulled from
// the book shows what the cache would have shown.
func TestStoreSuiteTermsSQLiteAndPostgres(t *testing.T) {
	f := newFixture(t, simulate.Options{})
	ctx := context.Background()
	srcs, err := loadSources(f.config, "")
	if err != nil {
		t.Fatal(err)
	}
	var changed []app.Contract
	read := map[string][2]map[string]contractTerms{} // by backend: after the sync, after the changes
	steps := func(t *testing.T, s engine.Store, terms termsOf) [2]map[string]contractTerms {
		t.Helper()
		results, err := (&engine.Engine{Store: s}).SyncAll(ctx, contractsOnly(srcs, 0, ""))
		if err != nil {
			t.Fatalf("sync: %v (%+v)", err, results)
		}
		synced := terms(t)
		saveChanged(t, s, changed)
		return [2]map[string]contractTerms{synced, terms(t)}
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cache.db")
		s, err := db.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// The changes are taken from what the cache holds after the sync.
		if _, err := (&engine.Engine{Store: s}).SyncAll(ctx, contractsOnly(srcs, 0, "")); err != nil {
			t.Fatal(err)
		}
		changed = changedTerms(t, s)
		read["sqlite"] = steps(t, s, sqliteTerms(s, path))
		after := read["sqlite"][1]
		for _, c := range changed {
			k := c.Source + "/" + c.ExternalID
			if got := after[k]; !reflect.DeepEqual(got.Flexibility, c.Flexibility) || !reflect.DeepEqual(got.PPA, c.PPA) || !reflect.DeepEqual(got.Partner, c.Partner) {
				t.Errorf("%s after the change: %s, want the changed terms %s", k, termsLine(got), termsLine(contractTerms{Flexibility: c.Flexibility, PPA: c.PPA, Partner: c.Partner}))
			}
		}
	})
	t.Run("postgres", func(t *testing.T) {
		if changed == nil {
			t.Skip("the SQLite half did not get as far as the changes")
		}
		s, err := pgstore.Open(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		read["postgres"] = steps(t, s, postgresTerms(s))
	})
	lite, pg := read["sqlite"], read["postgres"]
	if lite[0] == nil || pg[0] == nil {
		return // one half skipped or failed: said above
	}
	for i, step := range []string{"after the sync", "after the vendors' changes"} {
		if len(lite[i]) != len(pg[i]) {
			t.Errorf("%s: the cache holds %d contracts, the book %d", step, len(lite[i]), len(pg[i]))
		}
		kinds, differ := map[string]int{}, 0
		for k, want := range lite[i] {
			got, ok := pg[i][k]
			switch {
			case !ok:
				t.Errorf("%s: %s is in the cache, not in the book", step, k)
			case !reflect.DeepEqual(got, want):
				if differ++; differ <= 3 { // the first few say enough
					t.Errorf("%s: %s differs:\nsqlite   %s\npostgres %s", step, k, termsLine(want), termsLine(got))
				}
			}
			if want.SearchText == "" {
				t.Errorf("%s: %s has no search text", step, k)
			}
			if want.Flexibility != nil {
				kinds["flexibility"]++
			}
			if want.PPA != nil {
				kinds["ppa"]++
			}
			if want.Partner != nil {
				kinds["partner"]++
				kinds["price points"] += len(want.Partner.Prices)
			}
		}
		if differ > 3 {
			t.Errorf("%s: %d contracts differ in all", step, differ)
		}
		// Each kind of terms was compared, not only contracts without any.
		for _, kind := range []string{"flexibility", "ppa", "partner", "price points"} {
			if kinds[kind] == 0 {
				t.Errorf("%s: no contract with %s terms compared", step, kind)
			}
		}
	}
}

// termsLine prints terms with their pointers followed.
func termsLine(c contractTerms) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // plain structs of strings, numbers and times
	}
	return string(b)
}
