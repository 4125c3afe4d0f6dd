package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/sync/simulate"
)

// faulter makes a share of the requests to the simulated vendors fail the
// ways real ones do: a 5xx, a 429 with Retry-After, a connection reset, a
// body cut off part-way. The choice is seeded, so a failure replays.
type faulter struct {
	next http.Handler
	rate float64

	mu       sync.Mutex
	rng      *rand.Rand
	requests int
	faults   map[string]int
}

func (f *faulter) pick() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if f.rng.Float64() >= f.rate {
		return ""
	}
	kind := []string{"503", "502", "429", "reset", "cut"}[f.rng.IntN(5)]
	f.faults[kind]++
	return kind
}

func (f *faulter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "/_sim/") {
		f.next.ServeHTTP(w, r)
		return
	}
	switch kind := f.pick(); kind {
	case "":
		f.next.ServeHTTP(w, r)
	case "503", "502":
		n, _ := strconv.Atoi(kind)
		w.WriteHeader(n)
	case "429":
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
	case "reset":
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	case "cut":
		rec := httptest.NewRecorder()
		f.next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		body := rec.Body.Bytes()
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		w.Write(body[:len(body)/2]) // the server closes the connection short of Content-Length
	}
}

// A sync through vendors failing a fifth of their requests ends, after the
// syncs it takes, with the same contracts and readings as a sync of
// healthy vendors, row for row; a fault is never taken for bad data.
func TestSyncUnderFaultsMatchesAFaultFreeSync(t *testing.T) {
	opts := simulate.Options{Seed: 8, EnneoContracts: 200, ProsumerCustomers: 30, OtarkContracts: 150, PoderoUsers: 20, EpilotMeters: 3}
	clean := newFixture(t, opts)
	if code, _, stderr := runCLI(t, "sync", "--config", clean.config, "--db", clean.db); code != 0 {
		t.Fatalf("fault-free sync: exit %d\n%s", code, stderr)
	}
	// Each export's rows, without the time of the fetch.
	exports := [][]string{{"export", "contracts"}, {"export", "readings"}}
	rows := func(t *testing.T, cache string) map[string][]string {
		out := map[string][]string{}
		for _, export := range exports {
			out[export[1]] = exportRows(t, cache, "fetched_at", export...)
		}
		return out
	}
	want := rows(t, clean.db)
	for what, w := range want {
		if len(w) < 2 {
			t.Fatalf("%s: the fault-free cache exports %d rows", what, len(w))
		}
	}
	for _, seed := range []uint64{1, 2} {
		t.Run("seed "+strconv.FormatUint(seed, 10), func(t *testing.T) {
			syncUnderFaults(t, opts, seed, func(f *fixture) string { return f.db }, rows, want)
		})
	}
}

// The same against the team's book on PostgreSQL: a server's sync through
// failing vendors comes to the book a sync of healthy vendors makes, every
// contract with its record, prices, terms and search text, and exits as a
// sync into a cache would (the time series, not on PostgreSQL yet, leave
// every sync at 5 at best).
func TestSyncIntoPostgresUnderFaultsMatchesAFaultFreeSync(t *testing.T) {
	opts := simulate.Options{Seed: 8, EnneoContracts: 200, ProsumerCustomers: 30, OtarkContracts: 150, PoderoUsers: 20, EpilotMeters: 3}
	clean := newFixture(t, opts)
	url := pgtest.URL(t)
	if code, _, stderr := runCLI(t, "sync", "--config", clean.config, "--db", url); code != 0 && code != exitMissing {
		t.Fatalf("fault-free sync: exit %d\n%s", code, stderr)
	}
	want := bookRows(t, url)
	if len(want["contracts"]) < 400 {
		t.Fatalf("the fault-free book holds %d contracts", len(want["contracts"]))
	}
	for _, seed := range []uint64{1, 2} {
		t.Run("seed "+strconv.FormatUint(seed, 10), func(t *testing.T) {
			book := pgtest.URL(t)
			syncUnderFaults(t, opts, seed, func(*fixture) string { return book }, bookRows, want)
		})
	}
}

// bookRows is what the book at url holds of each contract, but the time
// of the fetch: its line (source, id, customer, status, prices, validity,
// the vendor's record, removed or not) and its terms and search text.
func bookRows(t *testing.T, url string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	s, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs, err := s.Contracts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	terms, err := s.Terms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, c := range cs {
		out["contracts"] = append(out["contracts"], fmt.Sprintf("%s/%s %s %s %s %s %s %s %v",
			c.Source, c.ExternalID, c.Customer, c.Status, e6(c.WorkingPerKWhE6), e6(c.BasePerYearE6), c.ValidFrom.Format(time.RFC3339), c.Raw, c.Removed))
	}
	for _, c := range terms {
		out["terms"] = append(out["terms"], c.Source+"/"+c.ExternalID+" "+termsLine(contractTerms{SearchText: c.SearchText, Flexibility: c.Flexibility, PPA: c.PPA, Partner: c.Partner}))
	}
	return out
}

func e6(v *int64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatInt(*v, 10)
}

// syncUnderFaults syncs the target of a fixture whose vendors fail a fifth
// of their requests (seeded) until rows of it equal want, at most 8 times.
func syncUnderFaults(t *testing.T, opts simulate.Options, seed uint64, target func(*fixture) string, rows func(*testing.T, string) map[string][]string, want map[string][]string) {
	ft := &faulter{rate: 0.2, rng: rand.New(rand.NewPCG(seed, 20)), faults: map[string]int{}}
	faulty := newFixtureWith(t, opts, func(h http.Handler) http.Handler { ft.next = h; return ft })
	db := target(faulty)
	// Each sync reads everything again, and under these faults one seldom
	// gets every record (a record fails for good with 0.2³): what one
	// misses, the store keeps from the last sync that got it, so it must
	// come to equal the fault-free one.
	names := slices.Sorted(maps.Keys(want))
	var diff string
	for runs := 1; ; runs++ {
		code, _, stderr := runCLI(t, "sync", "--config", faulty.config, "--db", db)
		if code != 0 && code != exitMissing && code != exitSourceFailed {
			t.Fatalf("sync %d under faults: exit %d, want 0, 5 or 6 (a fault is no bad data)\n%s", runs, code, stderr)
		}
		diff = ""
		got := rows(t, db)
		for _, what := range names {
			if d := rowDiff(got[what], want[what]); d != "" && diff == "" {
				diff = what + ": " + d
			}
		}
		if diff == "" {
			t.Logf("%d requests, faults %v; the store equals the fault-free one after %d syncs (exit %d)", ft.requests, ft.faults, runs, code)
			return
		}
		if runs == 8 {
			t.Fatalf("after %d syncs under faults the store still differs: %s", runs, diff)
		}
	}
}

// rowDiff says where got and want differ first, "" when they do not.
func rowDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("row %d: %q, want %q", i, got[i], want[i])
		}
	}
	if len(got) != len(want) {
		return fmt.Sprintf("%d rows, want %d", len(got), len(want))
	}
	return ""
}

// exportRows runs an export of cache and returns its rows, sorted, without
// the column named drop.
func exportRows(t *testing.T, cache, drop string, export ...string) []string {
	t.Helper()
	code, stdout, stderr := runCLI(t, append(export, "--db", cache)...)
	if code != 0 {
		t.Fatalf("%s: exit %d\n%s", strings.Join(export, " "), code, stderr)
	}
	records, err := csv.NewReader(bytes.NewReader([]byte(stdout))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(records[0], drop)
	var rows []string
	for _, r := range records {
		if col >= 0 {
			r = slices.Delete(r, col, col+1)
		}
		rows = append(rows, strings.Join(r, "\x1f"))
	}
	slices.Sort(rows[1:])
	return rows
}
