package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wattfolio/db"
	"wattfolio/internal/fakevendor"
	"wattfolio/sync/registry"
	"wattfolio/sync/sources"
)

// TestSixthVendor adds a vendor the way the registry promises: its own
// package (internal/fakevendor) and one registration line, nothing else.
// The sources file then accepts its kind and reports its keys by line, the
// sync command stores its contracts in a real cache, and the portfolio
// page shows them under its label.
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
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
