//go:build e2e

// Package e2e drives Wattfolio as a person does. This file runs the desktop
// build (make desktop) under Xvfb against a cache synced from the simulated
// vendors, looks at the screen, clicks and types with xdotool, and checks
// the effects in the cache and on disk. Run it with `make e2e-desktop`
// (needs xvfb, xdotool and imagemagick; see README).
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db"
	"wattfolio/internal/simcust"
	"wattfolio/sync/simulate"
	"wattfolio/sync/vendors/podero/poderosim"
)

// probe is what the window reports about its page (desktop_shell.go).
type probe struct {
	URL       string                    `json:"url"`
	Lang      string                    `json:"lang"`
	Title     string                    `json:"title"`
	H1        string                    `json:"h1"`
	Lede      string                    `json:"lede"`
	Rows      int                       `json:"rows"`
	Notices   []string                  `json:"notices"`
	Focused   string                    `json:"focused"`
	FocusRow  int                       `json:"focusRow"`
	RowTitles []string                  `json:"rowTitles"`
	InnerW    int                       `json:"innerWidth"`
	InnerH    int                       `json:"innerHeight"`
	Targets   map[string]map[string]int `json:"targets"`
	Toast     string                    `json:"toast"`
	At        time.Time                 `json:"at"`
}

type run struct {
	t       *testing.T
	bin     string
	dir     string // scratch
	out     string // screenshots
	display string
	env     []string
	app     *exec.Cmd
	exited  chan error
	passed  int
	failed  int
}

// check records one user-visible check; the run continues after a failure
// so that the report says everything that is wrong.
func (r *run) check(name string, err error) bool {
	if err != nil {
		r.failed++
		r.t.Errorf("FAIL %s: %v", name, err)
		fmt.Printf("FAIL  %s: %v\n", name, err)
		return false
	}
	r.passed++
	fmt.Printf("ok    %s\n", name)
	return true
}

func TestDesktop(t *testing.T) {
	r := newRun(t)
	defer func() { fmt.Printf("%d passed, %d failed\n", r.passed, r.failed) }()

	// The simulated vendors, and a cache synced from them.
	up := simulate.New(simulate.Options{Seed: 11, EnneoContracts: 300, EpilotMeters: 1, ProsumerCustomers: 12, OtarkContracts: 30, PoderoUsers: 12})
	sim := httptest.NewServer(up)
	defer sim.Close()
	r.startDisplay()
	config, cache := r.syncedCache(up, sim.URL)
	// Every vendor's contracts, as the cache counts them.
	contracts := cachedContracts(t, cache)

	// 1. The window opens on the cached portfolio.
	started := time.Now()
	r.launch("--db", cache, "--config", config)
	p, err := r.waitProbe(20*time.Second, func(p probe) bool { return p.URL == "/" && p.Rows > 0 })
	if r.check("the window opens on the portfolio", err) {
		fmt.Printf("      (on screen %.1fs after start)\n", time.Since(started).Seconds())
		r.check("the portfolio shows every cached contract", expect(p.H1 == "Portfolio" && p.Lede == fmt.Sprintf("%d contracts in the cache", contracts) && p.Rows == 50,
			"h1 %q, lede %q, %d rows", p.H1, p.Lede, p.Rows))
	}
	r.check("the screenshot shows the portfolio, not a blank window", r.screenshot("desktop-1-portfolio.png", true))

	// 2. Keyboard: j j moves to the second row, Enter opens its contract.
	r.key("j")
	r.key("j")
	r.key("Down") // X keysym of ↓
	r.key("k")
	p, err = r.waitProbe(5*time.Second, func(p probe) bool { return p.FocusRow == 1 })
	second := ""
	if len(p.RowTitles) > 1 {
		second = p.RowTitles[1]
	}
	if r.check("j/k and the arrow keys move the focus through the table rows", combine(err, expect(p.Focused == second, "focus on %q, second row %q", p.Focused, second))) {
		r.screenshot("desktop-2a-keyboard-focus.png", true)
		r.key("Return")
		p, err = r.waitProbe(10*time.Second, func(p probe) bool { return strings.HasPrefix(p.URL, "/contracts/") })
		r.check("Enter opens the focused contract", combine(err, expect(p.H1 == second, "opened %q, focused row was %q", p.H1, second)))
		time.Sleep(time.Second) // the report can come before the paint
		r.screenshot("desktop-2b-contract.png", true)
	}

	// 3. Click Sync in the navigation, then Sync now: a form POST in WebKitGTK.
	cacheDB, err := db.Open(context.Background(), cache)
	must(t, err)
	defer cacheDB.Close()
	before := lastRunID(t, cacheDB)
	if r.click("nav-sync") {
		_, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.URL == "/sync" })
		r.check("clicking Sync in the navigation opens the sync page", err)
	}
	clickedAt := time.Now()
	if r.click("sync-now") {
		p, err = r.waitProbe(10*time.Second, func(p probe) bool { return len(p.Notices) > 0 })
		r.check("Sync now answers in the window (no redirect after the POST)", combine(err,
			expect(len(p.Notices) > 0 && strings.Contains(p.Notices[0], "Sync started"), "notices %q", p.Notices)))
		var st string
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if id, status, at := lastRun(t, cacheDB); id > before && status != "running" {
				st = fmt.Sprintf("%s at %s", status, at.Format(time.RFC3339))
				if status != "ok" || at.Before(clickedAt.Add(-time.Second)) {
					err = fmt.Errorf("new run %d: %s", id, st)
				} else {
					err = nil
				}
				break
			}
			err = fmt.Errorf("no finished run after run %d in the cache", before)
			time.Sleep(200 * time.Millisecond)
		}
		r.check("the sync started in the window is recorded in the cache as ok", err)
		_, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.URL == "/sync" && len(p.Notices) == 0 })
		r.check("the sync page stops refreshing once the run is done", err)
		r.screenshot("desktop-3-synced.png", true)
	}

	// 4. File > Export current view… (Ctrl+E) opens the native save dialog;
	// the file lands where the user typed.
	if r.click("nav-portfolio") {
		_, err = r.waitProbe(10*time.Second, func(p probe) bool { return strings.HasPrefix(p.URL, "/contracts") && p.Rows > 0 })
		r.check("clicking Portfolio returns to the table", err)
	}
	target := filepath.Join(r.dir, "saved", "desktop-export.csv")
	must(t, os.MkdirAll(filepath.Dir(target), 0o755))
	r.key("ctrl+e")
	dialog, err := r.waitWindow("Export contracts", 10*time.Second)
	if r.check("Ctrl+E opens the native save dialog", err) {
		time.Sleep(500 * time.Millisecond)
		r.screenshot("desktop-4-save-dialog.png", false)
		r.xdo("windowfocus", "--sync", dialog)
		r.key("ctrl+a")
		r.xdo("type", "--delay", "8", target)
		r.screenshot("desktop-2a-keyboard-focus.png", true)
		r.key("Return")
		p, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.Toast != "" })
		r.check("the window says where the export was saved", combine(err,
			expect(p.Toast == fmt.Sprintf("Saved %d contracts to %s", contracts, target), "toast %q", p.Toast)))
		r.check("the saved CSV has every contract", csvRows(target, contracts))
		r.screenshot("desktop-5-exported.png", true)
	}

	// 5. Issue 10: an offer made in the window's form (a POST in the window),
	// compared with Anna Schneider's current enneo contract on her curve,
	// the curve scaled by +10 %, the comparison's CSV saved through the
	// native dialog, and the savings view.
	r.offersAndComparison()

	// 6. Issue 11: an offline edit of a Podero contract in the window, kept
	// while the vendor is down, sent by Sync now; then a conflict made
	// behind the app's back, resolved on the Changes page.
	r.offlineEdits(up, cacheDB)

	// 7. Ctrl+Q quits and remembers the window.
	r.check("Ctrl+Q quits cleanly", r.quit())
	statePath := filepath.Join(r.dir, "state", "wattfolio", "window.json") // XDG_STATE_HOME
	var ws struct{ Width, Height, X, Y int }
	b, err := os.ReadFile(statePath)
	if err == nil {
		err = json.Unmarshal(b, &ws)
	}
	r.check("the window size is remembered", combine(err, expect(ws.Width == 1280 && ws.Height == 800, "%s", b)))

	// 7. Offline start: the vendors are gone, the window comes back at the
	// remembered place and size and shows the cache at once.
	sim.Close()
	must(t, os.WriteFile(statePath, []byte(`{"width":1100,"height":700,"x":60,"y":40,"has_position":true}`), 0o600))
	must(t, os.Remove(filepath.Join(r.dir, "probe.json")))
	started = time.Now()
	r.launch("--db", cache, "--config", config)
	p, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.URL == "/" && p.Rows > 0 })
	r.check("offline, the window opens on the cached portfolio at once", combine(err,
		expect(time.Since(started) < 10*time.Second, "took %s", time.Since(started))))
	geo, err := r.geometry()
	r.check("the window reopens at the remembered position and size", combine(err, expect(geo == "60,40 1100x700", "geometry %s", geo)))
	r.screenshot("desktop-6-offline-reopened.png", true)
	r.quit()
}

const desktopOffer = "E2E Desk"

// optionRE matches a chosen option (a contract or an offer) in a compare URL.
var optionRE = regexp.MustCompile(`[?&]o=[co]\d+`)

func (r *run) offersAndComparison() {
	kwh := 0 // Anna Schneider's annual consumption, as the simulated vendors have it
	for _, c := range simcust.Demo {
		if c.Name == "Anna Schneider" {
			kwh = c.AnnualKWh
		}
	}
	if kwh == 0 {
		r.check("Anna Schneider is a simulated customer", fmt.Errorf("not in simcust.Demo"))
		return
	}
	if r.click("nav-offers") {
		_, err := r.waitProbe(10*time.Second, func(p probe) bool { return p.URL == "/offers" && p.Targets["button:New offer"] != nil })
		r.check("clicking Offers in the navigation opens the offers", err)
	}
	if !r.click("button:New offer") {
		return
	}
	_, err := r.waitProbe(10*time.Second, func(p probe) bool { return p.URL == "/offers/new" && p.Targets["#o-name"] != nil })
	if !r.check("New offer opens the offer form", err) {
		return
	}
	// Name, supplier; Tab past commodity, model, gross (defaults: electricity,
	// fixed, gross) and VAT (19) to the working and base price.
	r.click("#o-name")
	r.typeText(desktopOffer)
	r.key("Tab")
	r.typeText("E2E Energie")
	for range 5 {
		r.key("Tab")
	}
	r.typeText("30")
	r.key("Tab")
	r.typeText("120")
	p, err := r.waitProbe(5*time.Second, func(p probe) bool { return p.Focused == "o-base-price-eur-per-year" })
	r.check("the offer form is filled from the keyboard", err)
	r.screenshot("desktop-offer-form.png", true)
	r.key("Return") // submits the form: a POST in the window, answered without a redirect
	p, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.URL == "/offers" && len(p.Notices) > 0 })
	if !r.check("the offer form's POST answers in the window with the new offer listed", combine(err,
		expect(len(p.Notices) > 0 && p.Notices[0] == "Added the offer “"+desktopOffer+"”." && p.Targets["row:"+desktopOffer] != nil,
			"notices %q, offer row listed: %v", p.Notices, p.Targets["row:"+desktopOffer] != nil))) {
		return
	}

	// The customer's page, its Compare button, then tick the current enneo
	// contract and the offer only.
	if r.click("nav-customers") {
		_, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.URL == "/customers" && p.Targets["row:Anna Schneider"] != nil })
		r.check("clicking Customers lists Anna Schneider", err)
	}
	if !r.click("row:Anna Schneider") {
		return
	}
	_, err = r.waitProbe(10*time.Second, func(p probe) bool {
		return strings.HasPrefix(p.URL, "/customers/") && p.Targets["button:Compare"] != nil
	})
	if !r.check("Anna Schneider's page has a Compare button", err) || !r.click("button:Compare") {
		return
	}
	p, err = r.waitProbe(10*time.Second, func(p probe) bool {
		return strings.Contains(p.URL, "/compare") && p.Targets["choice:"+desktopOffer+" | offer · Fixed"] != nil
	})
	if !r.check("Compare opens the comparison with the offer among the options", err) {
		return
	}
	contract := ""
	for name, t := range p.Targets {
		primary, secondary, ok := strings.Cut(strings.TrimPrefix(name, "choice:"), " | ")
		if !ok || !strings.HasPrefix(name, "choice:") {
			continue
		}
		want := primary == desktopOffer || (contract == "" && strings.HasPrefix(secondary, "current · demo-enneo") && strings.Contains(primary, "Anna Schneider"))
		if want && primary != desktopOffer {
			contract = primary
		}
		if t["y"]+t["h"] > p.InnerH {
			r.check("option "+primary+" is on screen", fmt.Errorf("at y=%d, the page is %d high", t["y"], p.InnerH))
			return
		}
		if want != (t["checked"] == 1) {
			r.click(name)
		}
	}
	if !r.check("Anna Schneider has a current enneo contract to compare", expect(contract != "", "options %v", p.Targets)) {
		return
	}
	p, err = r.waitProbe(5*time.Second, func(p probe) bool {
		n := 0
		for name, t := range p.Targets {
			if strings.HasPrefix(name, "choice:") && t["checked"] == 1 {
				n++
			}
		}
		return n == 2 && p.Targets["choice:"+desktopOffer+" | offer · Fixed"]["checked"] == 1
	})
	r.check("clicks tick the contract and the offer, nothing else", err)
	r.click("#c-scale")
	r.key("Return") // submits the curve form (GET)
	p, err = r.waitProbe(10*time.Second, func(p probe) bool {
		return strings.Contains(p.URL, "/compare?") && strings.Contains(p.URL, "o=o") && strings.Contains(p.URL, "o=c")
	})
	r.check("the window compares the contract with the offer", combine(err,
		expect(len(optionRE.FindAllString(p.URL, -1)) == 2 && strings.Contains(p.H1, "Anna Schneider"), "url %s, h1 %q", p.URL, p.H1)))
	r.click("#c-scale")
	r.typeText("10")
	r.key("Return")
	p, err = r.waitProbe(10*time.Second, func(p probe) bool { return strings.Contains(p.URL, "scale=10") })
	r.check("the curve scale +10 % is applied in the window", combine(err, expect(len(optionRE.FindAllString(p.URL, -1)) == 2, "url %s", p.URL)))
	time.Sleep(time.Second) // the report can come before the paint
	r.check("the comparison is on screen", r.screenshot("desktop-compare.png", true))

	// The comparison's CSV link goes through the native save dialog.
	target := filepath.Join(r.dir, "saved", "desktop-compare.csv")
	if r.click("button:CSV") {
		dialog, err := r.waitWindow("Export comparison", 10*time.Second)
		if r.check("the comparison's CSV link opens the native save dialog", err) {
			time.Sleep(500 * time.Millisecond)
			r.xdo("windowfocus", "--sync", dialog)
			r.key("ctrl+a")
			r.xdo("type", "--delay", "8", target)
			r.key("Return")
			p, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.Toast != "" })
			r.check("the window says where the comparison was saved", combine(err,
				expect(p.Toast == "Saved 2 options to "+target, "toast %q", p.Toast)))
			want := int64(math.Round(float64(kwh)*1.1*30)) + 12000 // cents: kWh × 1.1 × 0,30 € + 120 €
			r.check(fmt.Sprintf("the saved comparison has the offer at %d kWh × 1.1 × 0,30 € + 120 € = %.2f € (year 1)", kwh, float64(want)/100),
				csvFigure(target, desktopOffer, "gross_eur_year1", want))
		}
	}

	// The savings view, and Ctrl+E there saves its CSV.
	if r.click("nav-savings") {
		_, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.URL == "/savings" && p.Targets["row:Anna Schneider"] != nil })
		r.check("the savings view lists Anna Schneider", err)
		time.Sleep(time.Second)
		r.check("the savings view is on screen", r.screenshot("desktop-savings.png", true))
		r.key("ctrl+e")
		dialog, err := r.waitWindow("Export savings", 10*time.Second)
		if r.check("Ctrl+E on the savings view opens the save dialog for its CSV", err) {
			savings := filepath.Join(r.dir, "saved", "desktop-savings.csv")
			time.Sleep(500 * time.Millisecond)
			r.xdo("windowfocus", "--sync", dialog)
			r.key("ctrl+a")
			r.xdo("type", "--delay", "8", savings)
			r.key("Return")
			p, err = r.waitProbe(10*time.Second, func(p probe) bool { return strings.HasSuffix(p.Toast, savings) })
			r.check("the saved savings CSV has Anna Schneider saving with the offer", combine(err, savingsRow(savings, "Anna Schneider", desktopOffer)))
		}
	}
}

func (r *run) typeText(s string) {
	if _, err := r.xdo("type", "--delay", "8", s); err != nil {
		r.t.Log(err)
	}
	time.Sleep(150 * time.Millisecond)
}

// readCSV reads a CSV file into header-keyed rows.
func readCSV(path string) ([]map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil, fmt.Errorf("%s: %d records, %v", path, len(recs), err)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		rows = append(rows, m)
	}
	return rows, nil
}

// csvFigure checks the column of the row whose first column ("option") is
// name: want cents.
func csvFigure(path, name, column string, want int64) error {
	rows, err := readCSV(path)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if row["option"] != name {
			continue
		}
		f, err := strconv.ParseFloat(row[column], 64)
		if err != nil || int64(math.Round(f*100)) != want {
			return fmt.Errorf("%s %q, want %.2f", column, row[column], float64(want)/100)
		}
		if !strings.Contains(row["curve"], "+10 %") {
			return fmt.Errorf("curve %q, want scaled +10 %%", row["curve"])
		}
		return nil
	}
	return fmt.Errorf("no row %q in %s", name, path)
}

func savingsRow(path, customer, offer string) error {
	rows, err := readCSV(path)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if row["customer"] == customer {
			s, err := strconv.ParseFloat(row["saving_eur_year1"], 64)
			if row["best_offer"] != offer || err != nil || s <= 0 {
				return fmt.Errorf("best offer %q, saving %q", row["best_offer"], row["saving_eur_year1"])
			}
			return nil
		}
	}
	return fmt.Errorf("no row for %s", customer)
}

// newRun checks the tools and the desktop binary a run needs.
func newRun(t *testing.T) *run {
	r := &run{t: t, dir: t.TempDir()}
	root, _ := filepath.Abs("..")
	r.bin = os.Getenv("WATTFOLIO_DESKTOP_BIN")
	if r.bin == "" {
		r.bin = filepath.Join(root, "build", "bin", "wattfolio")
	}
	r.out = filepath.Join(root, "out", "e2e")
	must(t, os.MkdirAll(r.out, 0o755))
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (apt-get install xvfb xdotool imagemagick)", tool)
		}
	}
	if _, err := os.Stat(r.bin); err != nil {
		t.Fatalf("no desktop binary at %s: run make desktop first", r.bin)
	}
	return r
}

// syncedCache writes the sources file of the simulated vendors at url,
// gives the app their credentials (after startDisplay) and syncs a cache.
func (r *run) syncedCache(up *simulate.Upstream, url string) (config, cache string) {
	r.t.Helper()
	config = filepath.Join(r.dir, "sources.toml")
	cache = filepath.Join(r.dir, "cache.db")
	must(r.t, os.WriteFile(config, []byte(up.SourcesTOML(url)), 0o600))
	for k, v := range up.Env() {
		r.env = append(r.env, k+"="+v)
	}
	sync := exec.Command(r.bin, "sync", "--config", config, "--db", cache)
	sync.Env = r.env
	if b, err := sync.CombinedOutput(); err != nil {
		r.t.Fatalf("sync: %v\n%s", err, b)
	}
	return config, cache
}

// startDisplay starts Xvfb and gives the app a home of its own in the
// scratch folder, with the page reports on.
func (r *run) startDisplay() {
	r.display = startXvfb(r.t)
	r.env = append(os.Environ(),
		"DISPLAY="+r.display,
		"XDG_CONFIG_HOME="+filepath.Join(r.dir, "config"),
		"XDG_DATA_HOME="+filepath.Join(r.dir, "data"),
		"XDG_STATE_HOME="+filepath.Join(r.dir, "state"),
		"HOME="+r.dir,
		"WATTFOLIO_DESKTOP_PROBE="+filepath.Join(r.dir, "probe.json"),
		"WATTFOLIO_LOG=info",
		// The assertions read the English UI: an English locale.
		"LC_ALL=", "LC_MESSAGES=", "LANG=C",
	)
}

func (r *run) launch(args ...string) {
	r.t.Helper()
	logf, err := os.Create(filepath.Join(r.out, "desktop-app.log"))
	must(r.t, err)
	r.app = exec.Command(r.bin, append([]string{"desktop"}, args...)...)
	r.app.Env = r.env
	r.app.Stdout, r.app.Stderr = logf, logf
	must(r.t, r.app.Start())
	r.exited = make(chan error, 1)
	go func() { r.exited <- r.app.Wait(); logf.Close() }()
	r.t.Cleanup(func() {
		if r.app.ProcessState == nil {
			r.app.Process.Kill()
		}
	})
}

// quit presses Ctrl+Q and waits for the app to end; it is killed after 15s.
func (r *run) quit() error {
	r.key("ctrl+q")
	select {
	case err := <-r.exited:
		return err
	case <-time.After(15 * time.Second):
		r.app.Process.Kill()
		<-r.exited
		return fmt.Errorf("still running 15s after Ctrl+Q")
	}
}

// waitProbe waits until the page's latest report satisfies ok.
func (r *run) waitProbe(d time.Duration, ok func(probe) bool) (probe, error) {
	var p probe
	deadline := time.Now().Add(d)
	for {
		b, err := os.ReadFile(filepath.Join(r.dir, "probe.json"))
		if err == nil && json.Unmarshal(b, &p) == nil && ok(p) {
			return p, nil
		}
		if time.Now().After(deadline) {
			return p, fmt.Errorf("after %s the page reports %+v", d, p)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

func (r *run) xdo(args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = r.env
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("xdotool %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(b)), nil
}

func (r *run) key(k string) {
	if _, err := r.xdo("key", "--clearmodifiers", k); err != nil {
		r.t.Log(err)
	}
	time.Sleep(150 * time.Millisecond)
}

// mainWindow is the Wattfolio window's X id.
func (r *run) mainWindow() (string, error) {
	out, err := r.xdo("search", "--onlyvisible", "--name", "^Wattfolio$")
	if err != nil {
		return "", err
	}
	return strings.Fields(out)[0], nil
}

func (r *run) waitWindow(name string, d time.Duration) (string, error) {
	deadline := time.Now().Add(d)
	for {
		out, err := r.xdo("search", "--onlyvisible", "--name", name)
		if err == nil && out != "" {
			return strings.Fields(out)[0], nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no window %q after %s", name, d)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

var geoRE = regexp.MustCompile(`Position: (-?\d+),(-?\d+).*\n\s*Geometry: (\d+)x(\d+)`)

// geometry is the main window's "x,y wxh" on the screen.
func (r *run) geometry() (string, error) {
	w, err := r.mainWindow()
	if err != nil {
		return "", err
	}
	out, err := r.xdo("getwindowgeometry", w)
	if err != nil {
		return "", err
	}
	m := geoRE.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("unreadable geometry %q", out)
	}
	return fmt.Sprintf("%s,%s %sx%s", m[1], m[2], m[3], m[4]), nil
}

// click clicks the middle of a target the page reported (see probeJS): the
// web view fills the window below the menu bar.
func (r *run) click(target string) bool {
	p, err := r.waitProbe(5*time.Second, func(p probe) bool { return p.Targets[target] != nil })
	if err != nil {
		return r.check("find "+target+" on screen", err)
	}
	w, err := r.mainWindow()
	if err != nil {
		return r.check("find the window", err)
	}
	out, err := r.xdo("getwindowgeometry", w)
	m := geoRE.FindStringSubmatch(out)
	if err != nil || m == nil {
		return r.check("read the window geometry", fmt.Errorf("%v %q", err, out))
	}
	wx, _ := strconv.Atoi(m[1])
	wy, _ := strconv.Atoi(m[2])
	wh, _ := strconv.Atoi(m[4])
	t := p.Targets[target]
	x := wx + t["x"] + t["w"]/2
	y := wy + (wh - p.InnerH) + t["y"] + t["h"]/2
	if _, err := r.xdo("mousemove", "--sync", strconv.Itoa(x), strconv.Itoa(y), "click", "1"); err != nil {
		return r.check("click "+target, err)
	}
	return true
}

// screenshot captures the screen into out/e2e; with page set it checks
// that the picture is the app (many colours, the header's teal band),
// retrying for a few seconds while the window paints.
func (r *run) screenshot(name string, page bool) error {
	deadline := time.Now().Add(8 * time.Second)
	for {
		err := r.screenshotOnce(name, page)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func (r *run) screenshotOnce(name string, page bool) error {
	path := filepath.Join(r.out, name)
	cmd := exec.Command("import", "-window", "root", path)
	cmd.Env = r.env
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("import: %v: %s", err, b)
	}
	if !page {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return lookedLikeApp(img)
}

func lookedLikeApp(img image.Image) error {
	b := img.Bounds()
	colours := map[color.RGBA]int{}
	teal := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			colours[c]++
			if c.R == 0x0f && c.G == 0x4c && c.B == 0x5c {
				teal++
			}
		}
	}
	samples := (b.Dx() / 2) * (b.Dy() / 2)
	top := 0
	for _, n := range colours {
		top = max(top, n)
	}
	switch {
	case len(colours) < 50:
		return fmt.Errorf("only %d colours on screen: blank or unstyled", len(colours))
	case top > samples*97/100:
		return fmt.Errorf("one colour covers %d%% of the screen", top*100/samples)
	case teal < samples/100:
		return fmt.Errorf("the header's teal covers %d of %d samples: not the Wattfolio page", teal, samples)
	}
	return nil
}

func startXvfb(t *testing.T) string {
	t.Helper()
	rd, wr, err := os.Pipe()
	must(t, err)
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{wr}
	must(t, x.Start())
	wr.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(rd).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatal("Xvfb did not start")
		}
		return ":" + n
	case <-time.After(15 * time.Second):
		t.Fatal("Xvfb did not report its display")
	}
	return ""
}

func lastRunID(t *testing.T, s *db.Store) int64 {
	id, _, _ := lastRun(t, s)
	return id
}

// lastRun is the newest sync run of the only source.
func lastRun(t *testing.T, s *db.Store) (int64, string, time.Time) {
	t.Helper()
	st, err := s.SourceStatuses(context.Background())
	if err != nil || len(st) == 0 || st[0].LastRun == nil {
		return 0, "", time.Time{}
	}
	r := st[0].LastRun
	return r.ID, string(r.Status), r.StartedAt
}

func csvRows(path string, want int) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) != want+1 || len(recs[0]) < 10 || recs[0][0] != "source" {
		return fmt.Errorf("%s: %d records (want header + %d), header %q", path, len(recs), want, recs[0])
	}
	return nil
}

func expect(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

func combine(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// cachedContracts counts the contracts in the cache at path.
func cachedContracts(t *testing.T, path string) int {
	t.Helper()
	store, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	page, err := store.ListContracts(context.Background(), app.ContractFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

// openContract finds a contract through the portfolio's search (its vendor
// id) and opens it.
func (r *run) openContract(ext, name string) bool {
	if !r.click("nav-portfolio") {
		return false
	}
	if _, err := r.waitProbe(10*time.Second, func(p probe) bool { return p.Targets["search"] != nil }); err != nil {
		return r.check("the portfolio has its search field", err)
	}
	// The search is typed, and typed again if the page was still settling.
	var err error
	for range 3 {
		r.click("search")
		r.key("ctrl+a")
		r.typeText(ext)
		r.key("Return")
		if _, err = r.waitProbe(5*time.Second, func(p probe) bool { return strings.Contains(p.URL, "q="+ext) && p.Targets["row:"+name] != nil }); err == nil {
			break
		}
	}
	if !r.check("the portfolio's search finds the contract by its vendor id", err) || !r.click("row:"+name) {
		return false
	}
	_, err = r.waitProbe(10*time.Second, func(p probe) bool { return strings.HasPrefix(p.URL, "/contracts/") && p.Targets["button:Edit"] != nil })
	if !r.check("the search finds the Podero contract and opens it", err) || !r.click("button:Edit") {
		return false
	}
	// The Edit button scrolls the form into view.
	_, err = r.waitProbe(10*time.Second, func(p probe) bool {
		t := p.Targets["#e-supplier"]
		return t != nil && t["y"] >= 0 && t["y"]+t["h"] <= p.InnerH
	})
	return r.check("Edit brings the contract's edit form into view", err)
}

// setSupplier types a supplier into the open contract's edit form and saves it.
func (r *run) setSupplier(supplier string) (probe, error) {
	r.click("#e-supplier")
	r.key("ctrl+a")
	r.typeText(supplier)
	r.key("Return") // submits the form: a POST answered in the window
	return r.waitProbe(10*time.Second, func(p probe) bool {
		return len(p.Notices) > 0 && strings.HasPrefix(p.Notices[0], "Saved on this laptop")
	})
}

// outboxState is the one change's state for contract ext, "" when none.
func outboxState(t *testing.T, s *db.Store, ext string) string {
	cs, err := s.Outbox(context.Background())
	must(t, err)
	for _, c := range cs {
		if c.ContractID == ext {
			return c.State
		}
	}
	return ""
}

func (r *run) offlineEdits(up *simulate.Upstream, cacheDB *db.Store) {
	var ext, name string
	err := cacheDB.EachContract(context.Background(), app.ContractFilter{Source: "demo-podero"}, func(c app.Contract) error {
		if ext == "" {
			ext, name = c.ExternalID, c.Name
		}
		return nil
	})
	if !r.check("the cache has a Podero contract to edit", combine(err, expect(ext != "", "none found"))) {
		return
	}
	if !r.openContract(ext, name) {
		return
	}
	up.Podero.SetFaults(poderosim.Faults{Status: 503}) // the vendor is unreachable
	p, err := r.setSupplier("Desktop Offline GmbH")
	r.check("an edit saved in the window is kept on the laptop as pending", combine(err,
		expect(outboxState(r.t, cacheDB, ext) == outbox.Pending, "outbox state %q", outboxState(r.t, cacheDB, ext))))
	r.screenshot("desktop-edit-pending.png", true)
	r.check("the window shows the edit as saved on the laptop", expect(len(p.Notices) > 0, "no notice"))

	up.Podero.SetFaults(poderosim.Faults{})
	before := lastRunID(r.t, cacheDB)
	if r.click("nav-sync") && r.click("sync-now") {
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			if id, status, _ := lastRun(r.t, cacheDB); id > before && status != "running" && outboxState(r.t, cacheDB, ext) != outbox.Pending {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		raw, _ := up.Podero.Contract(ext)
		r.check("Sync now in the window sends the edit: the vendor and the cache hold it", combine(
			expect(outboxState(r.t, cacheDB, ext) == outbox.Sent, "outbox state %q", outboxState(r.t, cacheDB, ext)),
			expect(strings.Contains(string(raw), `"supplier":"Desktop Offline GmbH"`), "the vendor holds %s", raw)))
	}

	// A conflict: someone changes the supplier at Podero after the edit.
	// The contract's name follows its supplier.
	c, err := cacheDB.GetContract(context.Background(), contractRef(r.t, cacheDB, ext))
	must(r.t, err)
	if !r.openContract(ext, c.Name) {
		return
	}
	if _, err := r.setSupplier("Desktop Mine"); !r.check("a second edit is saved", err) {
		return
	}
	up.Podero.SetSupplier(up.Podero.UserOf(ext), ext, "Desktop Theirs")
	if !r.click("nav-changes") || !r.click("button:Send 1 change") {
		return
	}
	p, err = r.waitProbe(20*time.Second, func(p probe) bool { return len(p.Notices) > 0 && p.URL == "/changes/send" })
	raw, _ := up.Podero.Contract(ext)
	r.check("Send changes reports the conflict and writes nothing over the vendor's value", combine(err,
		expect(len(p.Notices) > 0 && strings.Contains(p.Notices[0], "1 in conflict"), "notices %q", p.Notices),
		expect(strings.Contains(string(raw), `"supplier":"Desktop Theirs"`), "the vendor holds %s", raw)))
	r.screenshot("desktop-edit-conflict.png", true)
	if !r.click("button:Resolve") { // "mine" is chosen by default
		return
	}
	p, err = r.waitProbe(10*time.Second, func(p probe) bool { return len(p.Notices) > 0 && strings.Contains(p.Notices[0], "Resolved") })
	r.check("keeping mine on the conflicts screen makes the change pending again", combine(err,
		expect(outboxState(r.t, cacheDB, ext) == outbox.Pending, "outbox state %q", outboxState(r.t, cacheDB, ext))))
	if !r.click("button:Send 1 change") {
		return
	}
	p, err = r.waitProbe(20*time.Second, func(p probe) bool { return len(p.Notices) > 0 && strings.Contains(p.Notices[0], "sent") })
	raw, _ = up.Podero.Contract(ext)
	r.check("the resolved change goes out: the vendor holds mine", combine(err,
		expect(strings.Contains(string(raw), `"supplier":"Desktop Mine"`), "the vendor holds %s", raw)))
}

// contractRef is the cache's number of contract ext.
func contractRef(t *testing.T, s *db.Store, ext string) int64 {
	var id int64
	must(t, s.EachContract(context.Background(), app.ContractFilter{}, func(c app.Contract) error {
		if c.ExternalID == ext {
			id = c.ID
		}
		return nil
	}))
	return id
}
