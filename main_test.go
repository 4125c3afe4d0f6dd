package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/sync/simulate"
	"wattfolio/sync/vendors/enneo/enneosim"
)

// The kill test runs the real command line in a child process: the test
// binary re-executes itself with WATTFOLIO_TEST_ARGS set.
func TestMain(m *testing.M) {
	if args := os.Getenv("WATTFOLIO_TEST_ARGS"); args != "" {
		os.Exit(run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

type fixture struct {
	up     *simulate.Upstream
	srv    *httptest.Server
	config string
	db     string
}

// newFixture serves the simulated vendors over loopback and writes a sources
// file for them.
func newFixture(t *testing.T, o simulate.Options) *fixture {
	t.Helper()
	return newFixtureWith(t, o, nil)
}

// newFixtureWith is newFixture with the simulated vendors' handler wrapped
// by wrap, when not nil.
func newFixtureWith(t *testing.T, o simulate.Options, wrap func(http.Handler) http.Handler) *fixture {
	t.Helper()
	// The other vendors are kept small: these tests are about the whole path,
	// their connectors have suites of their own.
	o.EpilotMeters = cmp.Or(o.EpilotMeters, 1)
	o.ProsumerCustomers = cmp.Or(o.ProsumerCustomers, 12)
	o.OtarkContracts = cmp.Or(o.OtarkContracts, 30)
	o.PoderoUsers = cmp.Or(o.PoderoUsers, 12)
	// Two weeks of epilot readings (DST-free) instead of a year.
	if o.EpilotTo.IsZero() {
		o.EpilotTo = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
		o.EpilotFrom = o.EpilotTo.AddDate(0, 0, -14)
	}
	up := simulate.New(o)
	var h http.Handler = up
	if wrap != nil {
		h = wrap(up)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	f := &fixture{up: up, srv: srv, config: filepath.Join(dir, "sources.toml"), db: filepath.Join(dir, "cache.db")}
	if err := os.WriteFile(f.config, []byte(up.SourcesTOML(srv.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range up.Env() {
		t.Setenv(k, v)
	}
	return f
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// wireContract is the part of a simulated payload the test checks, read
// independently of the connector.
type wireContract struct {
	ID            json.Number `json:"id"`
	CustomerID    string      `json:"customerId"`
	Status        string      `json:"status"`
	Energy        string      `json:"energy"`
	Firstname     string      `json:"firstname"`
	Lastname      string      `json:"lastname"`
	ProductName   *string     `json:"productName"`
	WorkingPrice  json.Number `json:"workingPrice"`
	BasePrice     json.Number `json:"basePrice"`
	CounterNumber *string     `json:"counterNumber"`
	Consumption   json.Number `json:"consumption"`
	StartDate     json.Number `json:"startDate"`
	GridOperator  *string     `json:"gridOperatorName"`
}

func payload(t *testing.T, sim *enneosim.Server, id string) wireContract {
	t.Helper()
	b, ok := sim.Payload(id)
	if !ok {
		t.Fatalf("simulator has no contract %s", id)
	}
	var w wireContract
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&w); err != nil {
		t.Fatal(err)
	}
	return w
}

// testToken is the launch token of the handlers the tests serve.
const testToken = "main-test-token"

// get fetches url as a browser that opened the printed address does: with
// the launch token's cookie.
func get(t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "wattfolio_token_" + req.URL.Port(), Value: testToken})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, b)
	}
	return string(b)
}

// pick chooses contracts that differ: an electricity one, a gas one, an ended one.
func pick(t *testing.T, sim *enneosim.Server) []wireContract {
	t.Helper()
	var elec, gas, ended *wireContract
	for _, id := range sim.IDs() {
		w := payload(t, sim, id)
		switch {
		case elec == nil && w.Energy == "electricity" && w.WorkingPrice != "" && w.ProductName != nil:
			elec = &w
		case gas == nil && w.Energy == "gas" && w.WorkingPrice != "" && w.ProductName != nil:
			gas = &w
		case ended == nil && w.Status != "active" && w.ProductName != nil:
			ended = &w
		}
	}
	if elec == nil || gas == nil || ended == nil {
		t.Fatal("simulator lacks an electricity, a gas or an ended contract")
	}
	return []wireContract{*elec, *gas, *ended}
}

func TestSyncViewExportEndToEnd(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 7, EnneoContracts: 120})
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db)
	if code != 0 {
		t.Fatalf("sync exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !summaryHas(stdout, "demo-enneo", "ok", "120") {
		t.Errorf("summary does not report 120 enneo contracts synced ok:\n%s", stdout)
	}

	store, err := db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(handler(context.Background(), store, sourcesFile{}, testToken))
	defer srv.Close()

	csvPath := filepath.Join(t.TempDir(), "contracts.csv")
	if code, _, stderr := runCLI(t, "export", "contracts", "--db", f.db, "--source", "demo-enneo", "-o", csvPath); code != 0 {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	rows := readCSV(t, csvPath)
	if len(rows) != 121 {
		t.Fatalf("CSV has %d lines, want header + 120", len(rows))
	}

	// The epilot portal user is linked to a customer: their page lists the
	// meters of their epilot contracts beside their other vendors'
	// contracts, and each meter links to its page.
	t.Run("customer with meters", func(t *testing.T) {
		accts, err := store.Accounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var acct app.Account
		for _, a := range accts {
			if a.Contracts[app.VendorEpilot] > 0 {
				acct = a
			}
		}
		if acct.ID == 0 || len(acct.Contracts) < 2 {
			t.Fatalf("no customer with epilot and other contracts: %+v", accts)
		}
		page := get(t, fmt.Sprintf("%s/customers/%d", srv.URL, acct.ID))
		meters, err := store.ListMeters(context.Background())
		if err != nil || len(meters) == 0 {
			t.Fatalf("meters: %v, %v", meters, err)
		}
		for _, m := range meters {
			if !strings.Contains(page, fmt.Sprintf(`href="/meters/%d"`, m.ID)) {
				t.Errorf("customer page of %s does not link meter %d (%s)", acct.Name, m.ID, m.Number)
			}
		}
		for _, a := range accts {
			if a.ID != acct.ID && strings.Contains(get(t, fmt.Sprintf("%s/customers/%d", srv.URL, a.ID)), `href="/meters/`) {
				t.Errorf("customer %s, with no epilot contract, links a meter", a.Name)
			}
		}
		if meter := get(t, fmt.Sprintf("%s/meters/%d", srv.URL, meters[0].ID)); !strings.Contains(meter, htmlEscape(meters[0].Number)) {
			t.Errorf("meter page does not show meter number %q", meters[0].Number)
		}
	})

	for _, w := range pick(t, f.up.Enneo) {
		id := w.ID.String()
		t.Run(id, func(t *testing.T) {
			customer := strings.TrimSpace(w.Firstname + " " + w.Lastname)
			working, err := app.MustDecimal(string(w.WorkingPrice)).MulInt(100) // ct/kWh
			if err != nil {
				t.Fatal(err)
			}

			// The portfolio finds it by id and shows the customer and product.
			list := get(t, srv.URL+"/contracts?q="+id)
			for _, want := range []string{customer, *w.ProductName} {
				if !strings.Contains(list, htmlEscape(want)) {
					t.Errorf("portfolio search for %s does not show %q", id, want)
				}
			}
			// The contract page shows its fields.
			c := findContract(t, store, id)
			page := get(t, fmt.Sprintf("%s/contracts/%d", srv.URL, c.ID))
			wants := []string{customer, *w.ProductName, id}
			if w.CounterNumber != nil {
				wants = append(wants, *w.CounterNumber)
			}
			for _, want := range wants {
				if !strings.Contains(page, htmlEscape(want)) {
					t.Errorf("contract page of %s does not show %q", id, want)
				}
			}
			// The CSV row carries the vendor's values, exactly.
			row := csvRow(t, rows, id)
			checks := map[string]string{
				"customer_id":              w.CustomerID,
				"customer_name":            customer,
				"status":                   w.Status,
				"commodity":                w.Energy,
				"product":                  *w.ProductName,
				"working_price_ct_per_kwh": working.String(),
				"valid_from":               unixUTC(t, w.StartDate),
			}
			if w.BasePrice != "" {
				checks["base_price_eur_per_year"] = app.MustDecimal(string(w.BasePrice)).String()
			}
			if w.Consumption != "" {
				checks["annual_consumption_kwh"] = app.MustDecimal(string(w.Consumption)).String()
			}
			for col, want := range checks {
				if got := row[col]; got != want {
					t.Errorf("CSV %s of %s = %q, want %q", col, id, got, want)
				}
			}
		})
	}
}

func TestSyncReportsFailedSourceAndKeepsCache(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 3, EnneoContracts: 40})
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("first sync: %s", stderr)
	}
	t.Setenv(simulate.TokenEnv, "revoked-token")
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db)
	if code != exitSourceFailed {
		t.Fatalf("sync with a revoked token exit %d, want %d (a source failed)", code, exitSourceFailed)
	}
	if !strings.Contains(stderr, "demo-enneo") || !strings.Contains(stderr, "401") {
		t.Errorf("error does not name the source and the 401:\n%s", stderr)
	}
	if strings.Contains(stdout+stderr, "revoked-token") {
		t.Error("the token was printed")
	}
	store, err := db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	page, _ := store.ListContracts(context.Background(), app.ContractFilter{Source: "demo-enneo"})
	if page.Total != 40 {
		t.Errorf("cache holds %d contracts after a failed sync, want the 40 of the last good one", page.Total)
	}
}

func TestSyncRejectsBadRecordButStoresTheRest(t *testing.T) {
	probe := simulate.New(simulate.Options{Seed: 5, EnneoContracts: 30})
	bad := probe.Enneo.IDs()[4]
	f := newFixture(t, simulate.Options{Seed: 5, EnneoContracts: 30, EnneoBroken: []string{bad}})
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db)
	if code != exitRejected {
		t.Fatalf("a single bad record: exit %d, want %d (records rejected)\n%s", code, exitRejected, stderr)
	}
	if !strings.Contains(stdout, "partial") {
		t.Errorf("summary does not say partial:\n%s", stdout)
	}
	store, err := db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	run, err := store.LastRun(context.Background(), "demo-enneo")
	if err != nil {
		t.Fatal(err)
	}
	if run.Fetched != 29 || run.Failed != 1 || len(run.Problems) != 1 || !strings.Contains(run.Problems[0], bad) || !strings.Contains(run.Problems[0], "consumption") {
		t.Errorf("run = %+v; want 29 stored and a problem naming contract %s and its field", run, bad)
	}
}

// A sync killed with SIGKILL half-way leaves a cache that opens, passes
// SQLite's integrity check and still holds the previous sync's contracts; the
// next sync completes.
func TestKilledSyncLeavesCacheConsistent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	f := newFixture(t, simulate.Options{Seed: 11, EnneoContracts: 300})
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("first sync: %s", stderr)
	}
	before := contractSnapshot(t, f.db)

	f.up.Enneo.SetFaults(enneosim.Faults{Delay: 40 * time.Millisecond})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WATTFOLIO_TEST_ARGS="+strings.Join([]string{"sync", "--config", f.config, "--db", f.db}, "\x1f"))
	var childErr bytes.Buffer
	cmd.Stderr = &childErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once it has committed at least one page of the new run.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if n := runningFetched(t, f.db); n >= 50 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("child never got going:\n%s", childErr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	raw, err := sql.Open("sqlite", f.db)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	raw.Close()
	after := contractSnapshot(t, f.db)
	for id := range before {
		if _, ok := after[id]; !ok {
			t.Errorf("contract %s of the last complete sync is gone", id)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d contracts after the kill, want %d", len(after), len(before))
	}

	f.up.Enneo.SetFaults(enneosim.Faults{})
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db)
	if code != 0 || !strings.Contains(stdout, "resumed") {
		t.Fatalf("sync after the kill: exit %d\n%s\n%s", code, stdout, stderr)
	}
	store, err := db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	last, _ := store.LastRun(context.Background(), "demo-enneo")
	if last.Status != app.RunOK {
		t.Errorf("sync after the kill: %s", last.Status)
	}
}

// contractSnapshot maps external id to fetched_at, read through the store.
func contractSnapshot(t *testing.T, path string) map[string]time.Time {
	t.Helper()
	store, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	out := map[string]time.Time{}
	err = store.EachContract(context.Background(), app.ContractFilter{}, func(c app.Contract) error {
		out[c.ExternalID] = c.FetchedAt
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runningFetched(t *testing.T, path string) int {
	t.Helper()
	store, err := db.Open(context.Background(), path)
	if err != nil {
		return 0
	}
	defer store.Close()
	run, err := store.LastRun(context.Background(), "demo-enneo")
	if err != nil || run == nil || run.Status != app.RunRunning {
		return 0
	}
	return run.Fetched
}

func findContract(t *testing.T, store *db.Store, externalID string) app.Contract {
	t.Helper()
	page, err := store.ListContracts(context.Background(), app.ContractFilter{Query: externalID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Contracts {
		if c.ExternalID == externalID {
			return c
		}
	}
	t.Fatalf("contract %s not in the cache", externalID)
	return app.Contract{}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func csvRow(t *testing.T, rows [][]string, externalID string) map[string]string {
	t.Helper()
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		if m["external_id"] == externalID {
			return m
		}
	}
	t.Fatalf("no CSV row for %s", externalID)
	return nil
}

func unixUTC(t *testing.T, n json.Number) string {
	t.Helper()
	s, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return time.Unix(s, 0).UTC().Format(time.RFC3339)
}

func htmlEscape(s string) string { return html.EscapeString(s) }

// summaryHas reports whether the sync summary has a row for source with
// all of the given cells.
func summaryHas(summary, source string, cells ...string) bool {
	for _, line := range strings.Split(summary, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != source {
			continue
		}
		for _, c := range cells {
			if !slices.Contains(f, c) {
				return false
			}
		}
		return true
	}
	return false
}
