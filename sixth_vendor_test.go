package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wattfolio/db"
	"wattfolio/internal/fakevendor"
	"wattfolio/sync/registry"
	"wattfolio/sync/simulate"
	"wattfolio/sync/sources"
)

// TestSixthVendor adds a vendor the way the registry promises: its own
// package (internal/fakevendor) and one registration line, nothing else.
// The sources file then accepts its kind and reports its keys by line, the
// sync command stores its contracts in a real cache, and the portfolio
// page shows them under its label. wattfolio sim and demo start its
// simulator from its descriptor: its table is in the generated sources
// file, its contracts in the demo cache, linked to the demo customers.
func TestSixthVendor(t *testing.T) {
	registry.Register(fakevendor.Descriptor) // the one registration line
	t.Cleanup(func() { registry.Unregister(fakevendor.Name) })

	// Mounted under a path, as every vendor is tested, so that a URL built
	// from the host alone would show.
	up := httptest.NewServer(http.StripPrefix("/api", fakevendor.Upstream("volt-token",
		fakevendor.Wire{ID: "v-1", Customer: "Mühle Nord", Name: "Nordstrom Basis", Status: "active", Region: "nord"},
		fakevendor.Wire{ID: "v-2", Customer: "Hof Sonnenschein", Name: "Nordstrom Öko", Status: "pending", Region: "nord"},
		fakevendor.Wire{ID: "v-3", Customer: "Südhof", Name: "Südstrom", Status: "active", Region: "sued"},
	)))
	t.Cleanup(up.Close)
	t.Setenv("FAKEVOLT_TOKEN", "volt-token")
	dir := t.TempDir()
	config, cache := filepath.Join(dir, "sources.toml"), filepath.Join(dir, "cache.db")
	source := "[[source]]\nname = \"volt\"\nkind = \"fakevolt\"\nbase_url = \"" + up.URL + "/api\"\ntoken_env = \"FAKEVOLT_TOKEN\"\n"

	// The kind's keys are its own: a misspelt one is reported on its line,
	// and a bad value of a known one names the allowed values.
	_, err := sources.ParseFile("sources.toml", []byte(source+"regoin = \"nord\"\nregion = \"west\"\n"))
	for _, want := range []string{`sources.toml:6: source "volt": regoin: unknown key`, `sources.toml:7: source "volt": region: "west" is not one of nord, sued`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parse error does not say %q:\n%v", want, err)
		}
	}

	write(t, config, source+"region = \"nord\"\n")
	code, stdout, stderr := runCLI(t, "sync", "--config", config, "--db", cache)
	if code != 0 || !summaryHas(stdout, "volt", "ok", "2") {
		t.Fatalf("sync exit %d; want volt ok with 2 contracts\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	store, err := db.Open(context.Background(), cache)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(handler(context.Background(), store, sourcesFile{}, testToken))
	defer srv.Close()
	page := get(t, srv.URL+"/")
	for _, want := range []string{"FakeVolt", "Nordstrom Basis", "Nordstrom Öko", `<option value="fakevolt"`} {
		if !strings.Contains(page, htmlEscape(want)) && !strings.Contains(page, want) {
			t.Errorf("portfolio page does not show %q", want)
		}
	}
	if strings.Contains(page, "Südstrom") {
		t.Error("portfolio page shows the other region's contract")
	}
	if filtered := get(t, srv.URL+"/?vendor=fakevolt"); !strings.Contains(filtered, "Nordstrom Basis") {
		t.Error("the vendor filter does not offer fakevolt's contracts")
	}
	if _, err := store.SourceVendor(context.Background(), "volt"); err != nil {
		t.Errorf("the cache does not know source volt: %v", err)
	}

	t.Run("sim", func(t *testing.T) { simulatedSixthVendor(t) })
	t.Run("demo", func(t *testing.T) { demoSixthVendor(t) })
}

// simulatedSixthVendor runs wattfolio sim: its sources file has fakevolt's
// table beside the five vendors', its households carry their fakevolt ids,
// and the address it names serves fakevolt's contracts.
func simulatedSixthVendor(t *testing.T) {
	config := filepath.Join(t.TempDir(), "sim.toml")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sim", "--addr", "127.0.0.1:0", "--contracts", "5", "--write-config", config}, pw, io.Discard)
		pw.Close()
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("sim exit %d", code)
		}
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() || lines.Text() != "wrote "+config {
		t.Fatalf("sim says %q first", lines.Text())
	}
	go io.Copy(io.Discard, pr)
	data, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	f, err := sources.ParseFile(config, data)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	var volt sources.Source
	for _, s := range f.Sources {
		kinds = append(kinds, string(s.Vendor))
		if s.Vendor == fakevendor.Name {
			volt = s
		}
	}
	if want := "enneo epilot prosumer otark podero fakevolt"; strings.Join(kinds, " ") != want {
		t.Errorf("the sources file lists %v, want %s", kinds, want)
	}
	if volt.Name != "demo-fakevolt" || !strings.HasSuffix(volt.BaseURL, fakevendor.SimPrefix) || volt.Section.(*fakevendor.Section).Region != "nord" {
		t.Errorf("fakevolt's table: %+v", volt)
	}
	linked := map[string]string{}
	for _, c := range f.Customers {
		for _, id := range c.IDs {
			if id.Source == "demo-fakevolt" {
				linked[c.Name] = id.ExternalID
			}
		}
	}
	if len(linked) != 5 || linked["Anna Schneider"] != "Anna Schneider" {
		t.Errorf("customers linked at fakevolt: %v; want the five households", linked)
	}
	req, _ := http.NewRequest(http.MethodGet, volt.BaseURL+"/contracts?region=nord", nil)
	req.Header.Set("Authorization", "Bearer "+simulate.DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var wires []fakevendor.Wire
	if err := json.NewDecoder(resp.Body).Decode(&wires); err != nil || len(wires) != 5 || wires[0].Customer != "Anna Schneider" {
		t.Errorf("the simulator at %s serves %+v, %v", volt.BaseURL, wires, err)
	}
}

// demoSixthVendor prepares the demo: fakevolt's source syncs with the
// others, and the demo cache shows its households' contracts.
func demoSixthVendor(t *testing.T) {
	for k := range simulate.New(simulate.Options{}).Env() {
		t.Setenv(k, "") // the demo sets them for its own sources
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr strings.Builder
	store, srcs, _, stop, err := prepareDemo(ctx, t.TempDir(), simulate.Options{Seed: 1, EnneoContracts: 30, EpilotMeters: 1, ProsumerCustomers: 4, OtarkContracts: 5, PoderoUsers: 4,
		EpilotTo: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), EpilotFrom: time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	defer stop()
	defer store.Close()
	if !summaryHas(stdout.String(), "demo-fakevolt", "ok", "5") {
		t.Errorf("the demo's sync does not report fakevolt's 5 contracts:\n%s", stdout.String())
	}
	srv := httptest.NewServer(handler(ctx, store, srcs, testToken))
	defer srv.Close()
	page := get(t, srv.URL+"/contracts?lang=en&source=demo-fakevolt")
	for _, want := range []string{"5</strong> contracts", "Nordstrom Haushalt", "Anna Schneider"} {
		if !strings.Contains(page, want) {
			t.Errorf("the demo's fakevolt contracts do not show %q", want)
		}
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
