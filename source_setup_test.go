package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/sync/simulate"
	"wattfolio/sync/sources"

	"wattfolio/sync/vendors/enneo"

	"wattfolio/sync/vendors/podero"
)

// setupApp is the app a first launch opens: an empty cache, no sources
// file yet, the Sources page writing to config.
type setupApp struct {
	t      *testing.T
	f      *fixture
	srv    *httptest.Server
	store  *db.Store
	config string
	sims   map[app.Vendor]sources.Entry // the simulated vendors, as the form would name them
}

func newSetupApp(t *testing.T) *setupApp {
	// A German system (the app's language comes from the locale): English
	// is chosen with ?lang=en and carried in every link.
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "de_DE.UTF-8")
	keyring.MockInit() // unit tests only; the desktop E2E uses a real Secret Service
	f := newFixture(t, simulate.Options{Seed: 3, EnneoContracts: 40})
	// The simulators' credentials come from the form, not the environment.
	for k := range f.up.Env() {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	store, err := db.Open(context.Background(), filepath.Join(dir, "portfolio.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a := &setupApp{t: t, f: f, store: store, config: filepath.Join(dir, "config", "sources.toml"), sims: map[app.Vendor]sources.Entry{}}
	srcs, err := sources.Parse("sim", []byte(f.up.SourcesTOML(f.srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		a.sims[s.Vendor] = sources.EntryOf(s)
	}
	a.srv = httptest.NewServer(appHandler(context.Background(), store, sourcesFile{}, testToken, appSetup{config: a.config}))
	t.Cleanup(a.srv.Close)
	return a
}

// form is the source form as the user fills it in for a simulated vendor.
func (a *setupApp) form(kind app.Vendor, name string) url.Values {
	e := a.sims[kind]
	v := url.Values{"kind": {string(kind)}, "name": {name}, "base_url": {e.BaseURL}, "ids": {strings.Join(e.IDs, ", ")},
		"org_id": {e.OrgID}, "token_url": {e.TokenURL}}
	if kind == app.VendorPodero {
		v.Set("client_id", "wattfolio-demo")
		v.Set("client_secret", a.f.up.Token())
	} else {
		v.Set("token", a.f.up.Token())
	}
	return v
}

func (a *setupApp) post(path string, v url.Values) (int, string) {
	a.t.Helper()
	return a.postLang(path, "en", v)
}

// postLang posts v to path with the page language lang.
func (a *setupApp) postLang(path, lang string, v url.Values) (int, string) {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+path+"?lang="+lang, strings.NewReader(v.Encode()))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "wattfolio_token_" + req.URL.Port(), Value: testToken})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFirstLaunchAddsTestsAndSyncsASource(t *testing.T) {
	a := newSetupApp(t)

	start := get(t, a.srv.URL+"/?lang=en")
	for _, want := range []string{"Add a source", `href="/sources/new?lang=en"`} {
		if !strings.Contains(start, want) {
			t.Errorf("the empty cache's start page lacks %q", want)
		}
	}
	if de := get(t, a.srv.URL+"/?lang=de"); !strings.Contains(de, "Willkommen bei Wattfolio") || !strings.Contains(de, "Quelle hinzufügen") {
		t.Error("the start page is not in German with lang=de")
	}
	if strings.Contains(start, "wattfolio sync") {
		t.Error("the start page still sends the user to a terminal")
	}
	if page := get(t, a.srv.URL+"/sources/new?kind=enneo&lang=en"); !strings.Contains(page, `id="s-base-url"`) || !strings.Contains(page, "Test connection") {
		t.Error("the enneo source form lacks its base URL field or the Test connection button")
	}

	if code, page := a.post("/sync", nil); code != http.StatusOK || !strings.Contains(page, "There are no sources yet") {
		t.Errorf("Sync now with no sources: %d\n%s", code, resultOf(page))
	}

	// Port 1 (tcpmux) has no listener and is never handed out to a test's
	// server; a port freed by this test could be, and then a simulator of a
	// test running beside it answers (seen: a 401, "refused the credential").
	deadURL := "http://127.0.0.1:1/api"

	tests := []struct {
		name string
		kind app.Vendor
		edit func(url.Values)
		want []string
	}{
		{"enneo ok", app.VendorEnneo, nil, []string{"Connected. The first answer held"}},
		{"otark ok", app.VendorOtark, nil, []string{"Connected."}},
		{"podero ok", app.VendorPodero, nil, []string{"Connected."}},
		{"enneo wrong token", app.VendorEnneo, func(v url.Values) { v.Set("token", "wrong") }, []string{"The vendor refused the credential (unauthorised)"}},
		{"otark wrong key", app.VendorOtark, func(v url.Values) { v.Set("token", "wrong") }, []string{"The vendor refused the credential (unauthorised)"}},
		{"podero wrong secret", app.VendorPodero, func(v url.Values) { v.Set("client_secret", "wrong") }, []string{"The vendor refused the credential (unauthorised)"}},
		{"unreachable", app.VendorOtark, func(v url.Values) { v.Set("base_url", deadURL) }, []string{"The vendor could not be reached"}},
		{"bad URL", app.VendorEnneo, func(v url.Values) { v.Set("base_url", "enneo.example/api") },
			[]string{"These settings cannot make a source yet.", `source &#34;t&#34;: base_url: must be an absolute http(s) URL`}},
		{"no credential", app.VendorOtark, func(v url.Values) { v.Del("token") },
			[]string{"These settings cannot make a source yet.", `source &#34;t&#34;: token_env: is required`}},
	}
	for _, tt := range tests {
		t.Run("test connection/"+tt.name, func(t *testing.T) {
			v := a.form(tt.kind, "t")
			if tt.edit != nil {
				tt.edit(v)
			}
			code, page := a.post("/sources/test", v)
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("the test result lacks %q:\n%s", w, resultOf(page))
				}
			}
			if fileExists(a.config) {
				t.Error("testing a connection wrote the sources file")
			}
		})
	}

	// Save two sources; the credentials go to the keyring, not the file.
	for _, s := range []struct {
		kind app.Vendor
		name string
	}{{app.VendorEnneo, "stadtwerke"}, {app.VendorPodero, "partner"}} {
		if code, page := a.post("/sources", a.form(s.kind, s.name)); code != http.StatusOK || !strings.Contains(page, "Saved source "+s.name) {
			t.Fatalf("saving %s: status %d\n%s", s.name, code, resultOf(page))
		}
	}
	data, err := os.ReadFile(a.config)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(a.config); fi.Mode().Perm() != 0o600 {
		t.Errorf("sources file mode %v, want 0600", fi.Mode().Perm())
	}
	if strings.Contains(string(data), a.f.up.Token()) {
		t.Errorf("the sources file holds the token:\n%s", data)
	}
	f, err := sources.ParseFile(a.config, data)
	if err != nil {
		t.Fatalf("the written file does not parse: %v\n%s", err, data)
	}
	if f.Sources[0].TokenKeyring != "stadtwerke/token" || f.Sources[1].Section.(*podero.Section).ClientSecretKeyring != "partner/client_secret" {
		t.Errorf("the file does not name the keyring entries:\n%s", data)
	}
	if got, err := keyring.Get(sources.KeyringService, "stadtwerke/token"); got != a.f.up.Token() || err != nil {
		t.Errorf("keyring entry stadtwerke/token = %q, %v", got, err)
	}
	if list := get(t, a.srv.URL+"/sources?lang=en"); !strings.Contains(list, "stadtwerke") || !strings.Contains(list, "system keyring") {
		t.Error("the Sources page does not list the saved source and where its credential is")
	}

	// Editing keeps the credential in the keyring when none is typed.
	if edit := get(t, a.srv.URL+"/sources/edit?lang=en&name=stadtwerke"); !strings.Contains(edit, "Stored in the keyring. Leave empty to keep it.") {
		t.Error("the edit form does not say where the token is")
	}
	edit := a.form(app.VendorEnneo, "stadtwerke")
	edit.Set("old", "stadtwerke")
	edit.Set("token_keyring", "stadtwerke/token")
	edit.Del("token")
	ids := a.sims[app.VendorEnneo].IDs
	edit.Set("ids", strings.Join(ids[:len(ids)-1], " "))
	if code, page := a.post("/sources", edit); code != http.StatusOK {
		t.Fatalf("editing stadtwerke: %d\n%s", code, resultOf(page))
	}
	if f, err := sources.LoadFile(a.config); err != nil || f.Sources[0].TokenKeyring != "stadtwerke/token" || len(f.Sources[0].Section.(*enneo.Section).ContractIDs) != len(ids)-1 {
		t.Fatalf("after the edit: %+v, %v", f.Sources[0], err)
	}

	// Switching a credential to a variable drops its keyring entry.
	t.Setenv("PARTNER_ID", "wattfolio-demo")
	sw := a.form(app.VendorPodero, "partner")
	sw.Set("old", "partner")
	sw.Del("client_id")
	sw.Set("client_id_env", "PARTNER_ID")
	sw.Set("client_secret_keyring", "partner/client_secret")
	sw.Del("client_secret")
	if code, page := a.post("/sources", sw); code != http.StatusOK {
		t.Fatalf("switching partner's client id to a variable: %d\n%s", code, resultOf(page))
	}
	if _, err := keyring.Get(sources.KeyringService, "partner/client_id"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the unused keyring entry partner/client_id is still there: %v", err)
	}
	if _, err := keyring.Get(sources.KeyringService, "partner/client_secret"); err != nil {
		t.Errorf("the keyring entry still named was dropped: %v", err)
	}

	// Link a customer's ids across the two sources.
	link := url.Values{"name": {"Bäckerei Test"}, "ids.stadtwerke": {"C-1"}, "ids.partner": {a.sims[app.VendorPodero].IDs[0]}}
	if code, page := a.post("/sources/customers", link); code != http.StatusOK || !strings.Contains(page, "Bäckerei Test") {
		t.Fatalf("linking a customer: %d\n%s", code, resultOf(page))
	}

	// Sync from the page, then the contracts are there.
	if code, page := a.post("/sync", nil); code != http.StatusOK || !strings.Contains(page, "Sync started") {
		t.Fatalf("sync: %d\n%s", code, resultOf(page))
	}
	waitSync(t, a.srv.URL)
	for _, src := range []string{"stadtwerke", "partner"} {
		page, err := a.store.ListContracts(context.Background(), app.ContractFilter{Source: src, Limit: 1})
		if err != nil || page.Total == 0 {
			t.Errorf("source %s: %d contracts after the sync, %v", src, page.Total, err)
		}
	}
	if portfolio := get(t, a.srv.URL+"/contracts?lang=en&source=stadtwerke"); !strings.Contains(portfolio, "39</strong> contracts") {
		t.Errorf("the portfolio does not show stadtwerke's 39 contracts:\n%s", resultOf(portfolio))
	}
	accts, err := a.store.Accounts(context.Background())
	if err != nil || len(accts) != 1 || accts[0].Name != "Bäckerei Test" {
		t.Errorf("customers after the sync: %+v, %v", accts, err)
	}

	// Removing a source keeps the other one and drops its keyring entry.
	if code, _ := a.post("/sources/remove", url.Values{"name": {"partner"}}); code != http.StatusOK {
		t.Fatalf("remove: %d", code)
	}
	f, err = sources.LoadFile(a.config)
	if err != nil || len(f.Sources) != 1 || f.Sources[0].Name != "stadtwerke" {
		t.Fatalf("after removing partner: %+v, %v", f, err)
	}
	if _, err := keyring.Get(sources.KeyringService, "partner/client_secret"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("partner's secret is still in the keyring: %v", err)
	}
}

// Without a keyring a typed credential is refused plainly, with the way
// out, and nothing is written.
func TestNoKeyringWritesNothing(t *testing.T) {
	a := newSetupApp(t)
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)

	if page := get(t, a.srv.URL+"/sources/new?kind=otark&lang=en"); !strings.Contains(page, "This computer has no keyring Wattfolio can use") {
		t.Error("the form does not say up front that there is no keyring")
	}
	code, page := a.post("/sources", a.form(app.VendorOtark, "trading"))
	if code != http.StatusBadRequest || !strings.Contains(page, "enter the variable&#39;s name below") {
		t.Errorf("saving without a keyring: %d\n%s", code, resultOf(page))
	}
	if fileExists(a.config) {
		t.Fatal("the sources file was written without a keyring")
	}

	// The way out: the credential in an environment variable.
	t.Setenv("TRADING_KEY", a.f.up.Token())
	v := a.form(app.VendorOtark, "trading")
	v.Del("token")
	v.Set("token_env", "TRADING_KEY")
	if code, page := a.post("/sources", v); code != http.StatusOK {
		t.Fatalf("saving with token_env: %d\n%s", code, resultOf(page))
	}
	if f, err := sources.LoadFile(a.config); err != nil || f.Sources[0].TokenEnv != "TRADING_KEY" {
		t.Errorf("sources file: %+v, %v", f, err)
	}
}

// waitSync follows the Sync page until the sync it started has finished,
// as the page itself does.
func waitSync(t *testing.T, base string) {
	t.Helper()
	for {
		page := get(t, base+"/sync?lang=en")
		if !strings.Contains(page, "A sync is running") {
			if strings.Contains(page, "did not finish cleanly") {
				t.Fatalf("the sync failed:\n%s", resultOf(page))
			}
			return
		}
		if t.Context().Err() != nil {
			t.Fatal("the test ended before the sync did")
		}
		time.Sleep(100 * time.Millisecond) // a poll's pace, not an assertion
	}
}

// resultOf is the page's main part, for failure messages.
func resultOf(page string) string {
	if i := strings.Index(page, `<main`); i >= 0 {
		page = page[i:]
	}
	return page[:min(len(page), 3000)]
}

// The first launch's "Open the demo" works inside the window: the
// simulated vendors start in the app, sync into the demo cache, and the
// window shows the demo.
func TestOpenDemoFromTheFirstLaunch(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	for k := range simulate.New(simulate.Options{}).Env() {
		t.Setenv(k, "") // the demo sets them for its own sources
	}
	store, err := db.Open(context.Background(), filepath.Join(dir, "portfolio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := newDemoSwitch(ctx, testToken, func(d *demoSwitch) http.Handler {
		return appHandler(ctx, store, sourcesFile{}, testToken, appSetup{config: filepath.Join(dir, "sources.toml"), demo: d})
	})
	d.sim = simulate.Options{Seed: 1, EnneoContracts: 30, EpilotMeters: 1, ProsumerCustomers: 4, OtarkContracts: 5, PoderoUsers: 4,
		EpilotTo: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), EpilotFrom: time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)}
	srv := httptest.NewServer(d)
	defer srv.Close()
	a := &setupApp{t: t, srv: srv}

	if !strings.Contains(get(t, srv.URL+"/?lang=en"), "Open the demo") {
		t.Fatal("the first launch does not offer the demo")
	}
	if code, page := a.post("/demo", nil); code != http.StatusOK || !strings.Contains(page, "Starting the simulated vendors") {
		t.Fatalf("open the demo: %d\n%s", code, resultOf(page))
	}
	for {
		page := get(t, srv.URL+"/demo?lang=en")
		if strings.Contains(page, "could not be prepared") {
			t.Fatalf("the demo failed:\n%s", resultOf(page))
		}
		if strings.Contains(page, "The demo is ready") {
			break
		}
		time.Sleep(100 * time.Millisecond) // a poll's pace, not an assertion
	}
	portfolio := get(t, srv.URL+"/contracts?lang=en&source=demo-enneo")
	if !strings.Contains(portfolio, "30</strong> contracts") {
		t.Errorf("the window does not show the demo's 30 enneo contracts:\n%s", resultOf(portfolio))
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "wattfolio", "demo", "demo.db")); err != nil {
		t.Errorf("the demo cache is not in the user's data folder: %v", err)
	}
}

// The Sources pages have JSON twins like every page: the file as the app
// reads it, credentials named by their keyring entry, never given.
func TestSourcesPagesJSONTwins(t *testing.T) {
	a := newSetupApp(t)
	if code, page := a.post("/sources", a.form(app.VendorEnneo, "stadtwerke")); code != http.StatusOK {
		t.Fatalf("saving: %d\n%s", code, resultOf(page))
	}
	var list struct {
		Sources []struct {
			Name         string   `json:"name"`
			Vendor       string   `json:"vendor"`
			IDs          []string `json:"ids"`
			TokenKeyring string   `json:"token_keyring"`
		} `json:"sources"`
		Customers []any `json:"customers"`
	}
	body := get(t, a.srv.URL+"/sources.json")
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Sources) != 1 || list.Sources[0].Name != "stadtwerke" || list.Sources[0].Vendor != "enneo" ||
		list.Sources[0].TokenKeyring != "stadtwerke/token" || len(list.Sources[0].IDs) == 0 || list.Customers == nil {
		t.Errorf("sources twin %s", body)
	}
	for _, path := range []string{"/sources.json", "/sources/new.json", "/sources/new.json?kind=enneo", "/sources/edit.json?name=stadtwerke", "/sources/customers/edit.json"} {
		body := get(t, a.srv.URL+path)
		if !json.Valid([]byte(body)) || strings.Contains(body, a.f.up.Token()) {
			t.Errorf("%s: not JSON, or holds the token:\n%s", path, body)
		}
	}
	var form struct {
		Vendor string            `json:"vendor"`
		Values map[string]string `json:"values"`
	}
	if err := json.Unmarshal([]byte(get(t, a.srv.URL+"/sources/edit.json?name=stadtwerke")), &form); err != nil {
		t.Fatal(err)
	}
	if form.Vendor != "enneo" || form.Values["name"] != "stadtwerke" || form.Values["token_keyring"] != "stadtwerke/token" {
		t.Errorf("edit form twin %+v", form)
	}
}
