package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/web"
	"wattfolio/db"
	"wattfolio/sync/simulate"
)

// desktopShell is the shell over a cache synced from the simulated vendors,
// with a save dialog that answers with the next of answers.
type desktopShell struct {
	sh      *shell
	store   *db.Store
	asked   []string // the default names the dialog was opened with
	answers []string
}

func newDesktopShell(t *testing.T) *desktopShell {
	t.Helper()
	f := newFixture(t, simulate.Options{Seed: 3, EnneoContracts: 80})
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, stderr)
	}
	store, err := db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	d := &desktopShell{store: store}
	d.sh = &shell{next: web.Window(handler(context.Background(), store, sourcesFile{}, "")), log: slog.New(slog.DiscardHandler)}
	d.sh.save = func(title, name string) (string, error) {
		d.asked = append(d.asked, name)
		if len(d.answers) == 0 {
			t.Fatal("the save dialog opened unexpectedly")
		}
		a := d.answers[0]
		d.answers = d.answers[1:]
		return a, nil
	}
	return d
}

// do sends a request as the desktop window does (Host wails).
func (d *desktopShell) do(method, target, host string, body io.Reader) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, body)
	req.Host = host
	rec := httptest.NewRecorder()
	d.sh.ServeHTTP(rec, req)
	return rec
}

func (d *desktopShell) export(t *testing.T, query string) (exportResult, int) {
	t.Helper()
	rec := d.do(http.MethodPost, "http://wails/desktop/export?"+query, "wails", nil)
	var res exportResult
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatalf("export answer is not JSON: %v\n%s", err, rec.Body)
	}
	return res, rec.Code
}

func TestDesktopExportSavesFilteredCSVWhereUserChooses(t *testing.T) {
	d := newDesktopShell(t)
	ctx := context.Background()
	want, err := d.store.ListContracts(ctx, app.ContractFilter{Status: "active", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := d.store.ListContracts(ctx, app.ContractFilter{Limit: 1})
	if want.Total == 0 || want.Total == all.Total {
		t.Fatalf("fixture: %d active of %d contracts; the filter would prove nothing", want.Total, all.Total)
	}

	dir := t.TempDir()
	target := filepath.Join(dir, "active.csv")
	d.answers = []string{target}
	res, code := d.export(t, "status=active&dialect=excel-de&lang=en")
	if code != http.StatusOK || res.Saved != target || res.Contracts != want.Total || res.Error != "" {
		t.Fatalf("export: %d %+v, want saved %s with %d contracts", code, res, target, want.Total)
	}
	if len(d.asked) != 1 || !strings.HasPrefix(d.asked[0], "wattfolio-contracts-") || !strings.HasSuffix(d.asked[0], ".csv") {
		t.Errorf("dialog offered %q, want the dated export name", d.asked)
	}

	b, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Error("excel-de export lacks the UTF-8 BOM")
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("saved file is not ;-separated CSV: %v", err)
	}
	if len(recs) != want.Total+1 {
		t.Fatalf("saved file has %d records, want header + %d", len(recs), want.Total)
	}
	status := -1
	for i, h := range recs[0] {
		if h == "status" {
			status = i
		}
	}
	for _, r := range recs[1:] {
		if !strings.EqualFold(r[status], "active") {
			t.Fatalf("saved file has a %q contract, want only active ones", r[status])
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}

	// The next export offers the folder the user chose last time.
	d.answers = []string{filepath.Join(dir, "all.csv")}
	res, _ = d.export(t, "")
	if res.Contracts != all.Total {
		t.Errorf("unfiltered export saved %d contracts, want %d", res.Contracts, all.Total)
	}
	if got := filepath.Dir(d.asked[1]); got != dir {
		t.Errorf("second dialog opened in %q, want the last folder %q", got, dir)
	}
}

func TestDesktopExportCancelledWritesNothing(t *testing.T) {
	d := newDesktopShell(t)
	d.answers = []string{""}
	res, code := d.export(t, "dialect=standard")
	if code != http.StatusOK || !res.Cancelled || res.Saved != "" {
		t.Fatalf("cancelled export: %d %+v", code, res)
	}
}

func TestDesktopExportByPath(t *testing.T) {
	d := newDesktopShell(t)
	target := filepath.Join(t.TempDir(), "active.csv")
	d.answers = []string{target}
	rec := d.do(http.MethodPost, "http://wails/desktop/export/contracts.csv?status=active", "wails", nil)
	var res exportResult
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != http.StatusOK || res.Saved != target || res.Rows != res.Contracts {
		t.Fatalf("export by path: %d %s", rec.Code, rec.Body)
	}
	if !strings.HasSuffix(res.What, " contracts") && res.What != "1 contract" {
		t.Errorf("what %q", res.What)
	}
	for _, path := range []string{"/etc/passwd", "/contracts", "/customers/1/compare.json", "/desktop/probe"} {
		rec := d.do(http.MethodPost, "http://wails/desktop/export"+path, "wails", nil)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("export %s: %d, want 400", path, rec.Code)
		}
	}
	if len(d.asked) != 1 {
		t.Errorf("the save dialog opened %d times, want once", len(d.asked))
	}
}

func TestDesktopExportBadFilterIsExplainedWithoutDialog(t *testing.T) {
	d := newDesktopShell(t)
	res, code := d.export(t, "kind=banana")
	if code != http.StatusBadRequest || !strings.Contains(res.Error, "kind") {
		t.Fatalf("bad filter: %d %+v, want 400 naming the parameter", code, res)
	}
	if len(d.asked) != 0 {
		t.Error("the save dialog opened for an export that cannot be made")
	}
}

func TestDesktopShellRoutes(t *testing.T) {
	d := newDesktopShell(t)
	// Everything else reaches the one handler, as the browser sees it.
	if rec := d.do(http.MethodGet, "http://wails/", "wails", nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<h1>Portfolio</h1>") {
		t.Errorf("GET / through the shell: %d", rec.Code)
	}
	// The shell's own routes answer only the window, and only to POST.
	if rec := d.do(http.MethodPost, "http://127.0.0.1:8080/desktop/export", "127.0.0.1:8080", nil); rec.Code != http.StatusNotFound {
		t.Errorf("export from a browser host: %d, want 404", rec.Code)
	}
	if rec := d.do(http.MethodGet, "http://wails/desktop/export", "wails", nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET export: %d, want 405", rec.Code)
	}
	// Without WATTFOLIO_DESKTOP_PROBE there is no probe.
	if rec := d.do(http.MethodPost, "http://wails/desktop/probe", "wails", strings.NewReader(`{}`)); rec.Code != http.StatusNotFound {
		t.Errorf("probe while off: %d, want 404", rec.Code)
	}
	d.sh.probeFile = filepath.Join(t.TempDir(), "probe.json")
	rec := d.do(http.MethodPost, "http://wails/desktop/probe", "wails", strings.NewReader(`{"url":"/sync","rows":3}`))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("probe: %d", rec.Code)
	}
	var rep probeReport
	b, _ := os.ReadFile(d.sh.probeFile)
	if err := json.Unmarshal(b, &rep); err != nil || rep.URL != "/sync" || rep.Rows != 3 || time.Since(rep.At) > time.Minute {
		t.Errorf("probe file: %s (%v)", b, err)
	}
}

func TestWindowStateRemembered(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wattfolio", "window.json")
	if st := loadWindowState(path); st != (windowState{Width: defaultWidth, Height: defaultHeight}) {
		t.Errorf("first run: %+v, want the default size and no position", st)
	}
	want := windowState{Width: 1100, Height: 700, X: 40, Y: 30, HasPosition: true}
	if err := saveWindowState(path, want); err != nil {
		t.Fatal(err)
	}
	if got := loadWindowState(path); got != want {
		t.Errorf("after saving %+v, loaded %+v", want, got)
	}

	// A window cannot come back smaller than its minimum or off screen,
	// and a damaged file gives the defaults.
	os.WriteFile(path, []byte(`{"width":200,"height":100,"x":-5000,"y":20,"has_position":true}`), 0o600)
	if got := loadWindowState(path); got.Width != minWidth || got.Height != minHeight || got.HasPosition {
		t.Errorf("tiny, off-screen state loaded as %+v", got)
	}
	os.WriteFile(path, []byte(`{"width":`), 0o600)
	if got := loadWindowState(path); got.Width != defaultWidth || got.HasPosition {
		t.Errorf("damaged file loaded as %+v", got)
	}
}

// In the window too, a contract's record hides the customer's e-mail address
// until the page is asked to show it, and the saved export leaves personal
// data out unless its link asks for it.
func TestDesktopPersonalDataOnlyWhenAsked(t *testing.T) {
	d := newDesktopShell(t)
	page, err := d.store.ListContracts(context.Background(), app.ContractFilter{Vendor: app.VendorEnneo, Limit: 1})
	if err != nil || len(page.Contracts) == 0 {
		t.Fatalf("no enneo contract: %v", err)
	}
	path := fmt.Sprintf("http://wails/contracts/%d", page.Contracts[0].ID)
	email := regexp.MustCompile(`[a-z0-9.]+@([a-z0-9-]+\.)*example\.(com|org|net)`)
	if rec := d.do(http.MethodGet, path, "wails", nil); rec.Code != http.StatusOK || email.MatchString(rec.Body.String()) || !strings.Contains(rec.Body.String(), "Show personal data") {
		t.Errorf("contract page in the window: %d, e-mail shown %v", rec.Code, email.MatchString(rec.Body.String()))
	}
	if rec := d.do(http.MethodGet, path+"?personal=show", "wails", nil); !email.MatchString(rec.Body.String()) {
		t.Errorf("Show personal data in the window shows no e-mail address")
	}

	dir := t.TempDir()
	d.answers = []string{filepath.Join(dir, "plain.csv"), filepath.Join(dir, "personal.csv")}
	for _, q := range []string{"vendor=enneo", "vendor=enneo&personal=include"} {
		if res, code := d.export(t, q); code != http.StatusOK || res.Saved == "" {
			t.Fatalf("export %s: %d %+v", q, code, res)
		}
	}
	plain, _ := os.ReadFile(filepath.Join(dir, "plain.csv"))
	withPersonal, _ := os.ReadFile(filepath.Join(dir, "personal.csv"))
	if email.Match(plain) {
		t.Errorf("the saved export carries e-mail addresses unasked")
	}
	if !email.Match(withPersonal) || !bytes.Contains(withPersonal, []byte("personal_email")) {
		t.Errorf("the export asked for personal data has none")
	}
}
