package main

import (
	"context"
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

// contractStreams declares each source's contracts only.
func contractStreams(srcs []engine.Source) []engine.Source {
	out := make([]engine.Source, len(srcs))
	for i, s := range srcs {
		st := s.Connector.Streams()
		s.Connector = engine.Streams{Contracts: st.Contracts, Scope: st.Scope}
		out[i] = s
	}
	return out
}

// contractsOnly declares each source's contracts only (contractStreams),
// its stream wrapped as cutStream says.
func contractsOnly(srcs []engine.Source, failAt int, drop string) []engine.Source {
	out := contractStreams(srcs)
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
