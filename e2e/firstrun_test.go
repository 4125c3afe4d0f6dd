//go:build e2e

package e2e

// The first launch, as a field manager meets it: the menu entry's window
// on an empty cache, no sources file and no terminal. They add a source
// from the form against a simulated vendor, test the connection, save it
// (the token goes to a real Secret Service: D-Bus and gnome-keyring), sync
// and see its contracts.

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wattfolio/db"
	"wattfolio/sync/simulate"
)

func TestDesktopFirstLaunch(t *testing.T) {
	r := newRun(t)
	defer func() { fmt.Printf("%d passed, %d failed\n", r.passed, r.failed) }()

	const contracts = 6
	up := simulate.New(simulate.Options{Seed: 5, EnneoContracts: 40, EpilotMeters: 1, ProsumerCustomers: 2, OtarkContracts: 2, PoderoUsers: 2})
	sim := httptest.NewServer(up)
	defer sim.Close()
	ids := up.Enneo.IDs()[:contracts]

	r.startDisplay()
	// The simulators' token is typed into the form, never set here; the
	// no-keyring path names a variable that holds it instead.
	keyringErr := r.startSecretService()
	withKeyring := r.check("a Secret Service runs for the window (D-Bus, gnome-keyring)", keyringErr)
	if !withKeyring {
		r.env = append(r.env, "WATTFOLIO_E2E_TOKEN="+up.Token())
	}

	// 1. The menu entry's window: no --db, no --config, nothing on disk.
	r.launch()
	p, err := r.waitProbe(20*time.Second, func(p probe) bool { return p.URL == "/" && r.target(p, "Add a source", "Quelle hinzufügen") != "" })
	r.check("the first launch offers to add a source (and the demo)", combine(err,
		expect(r.target(p, "Open the demo", "Demo öffnen") != "", "no demo button: %+v", p.Targets)))
	r.screenshot("desktop-7-first-launch.png", true)

	// 2. Add a source: the vendor, then its form.
	r.click(r.target(p, "Add a source", "Quelle hinzufügen"))
	p, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.URL == "/sources/new" && p.Targets["button:enneo"] != nil })
	if !r.check("Add a source asks for the vendor", err) {
		return
	}
	r.click("button:enneo")
	p, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.Targets["#s-base-url"] != nil && p.Targets["#s-token"] != nil })
	if !r.check("the enneo form has its fields", err) {
		return
	}
	r.fill("#s-name", "stadtwerke")
	r.fill("#s-base-url", sim.URL+simulate.EnneoPrefix)
	r.fill("#s-ids", strings.Join(ids, ", "))
	if withKeyring {
		r.fill("#s-token", up.Token())
	} else {
		r.fill("#s-token-env", "WATTFOLIO_E2E_TOKEN")
	}
	r.screenshot("desktop-8-source-form.png", true)

	// 3. Test connection: one request through the connector.
	p, _ = r.waitProbe(5*time.Second, func(p probe) bool { return true })
	r.click(r.target(p, "Test connection", "Verbindung testen"))
	p, err = r.waitProbe(20*time.Second, func(p probe) bool { return anyNotice(p, "Connected", "Verbunden") })
	r.check("Test connection says it connected and what it found", combine(err,
		expect(anyNotice(p, fmt.Sprintf("held %d contracts", contracts), fmt.Sprintf("enthielt %d Verträge", contracts)), "notices %q", p.Notices)))
	r.screenshot("desktop-9-test-connection.png", true)

	// 4. Save: the file names the keyring entry; the token is nowhere on disk.
	r.click(r.target(p, "Save", "Speichern"))
	p, err = r.waitProbe(10*time.Second, func(p probe) bool { return anyNotice(p, "Saved source stadtwerke", "Quelle stadtwerke gespeichert") })
	r.check("Save lists the new source", err)
	config := filepath.Join(r.dir, "config", "wattfolio", "sources.toml")
	b, err := os.ReadFile(config)
	wantKey := `token_keyring = "stadtwerke/token"`
	if !withKeyring {
		wantKey = `token_env = "WATTFOLIO_E2E_TOKEN"`
	}
	r.check("the sources file is written where the app reads it, naming the credential, not holding it", combine(err,
		expect(strings.Contains(string(b), wantKey) && !strings.Contains(string(b), up.Token()), "%s", b)))
	r.check("nothing else on disk holds the token", noFileHolds(r.dir, up.Token()))
	r.screenshot("desktop-10-sources.png", true)

	// 5. Sync now from the Sources page; the sync page follows it.
	r.click(r.target(p, "Sync now", "Jetzt synchronisieren"))
	_, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.URL == "/sync" })
	r.check("Sync now opens the sync page with its progress", err)
	cache := filepath.Join(r.dir, "data", "wattfolio", "portfolio.db")
	store, err := db.Open(context.Background(), cache)
	must(t, err)
	defer store.Close()
	var status string
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if _, st, _ := lastRun(t, store); st != "" && st != "running" {
			status = st
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	r.check("the sync of the new source finishes ok", expect(status == "ok", "last run %q", status))
	_, err = r.waitProbe(15*time.Second, func(p probe) bool { return p.URL == "/sync" && len(p.Notices) == 0 })
	r.check("the sync page stops refreshing once the run is done", err)
	r.screenshot("desktop-11-first-sync.png", true)

	// 6. Its contracts in the portfolio.
	// The click is tried again if the page was still settling after its
	// last refresh.
	for range 3 {
		if !r.click("nav-portfolio") {
			break
		}
		if p, err = r.waitProbe(5*time.Second, func(p probe) bool { return strings.HasPrefix(p.URL, "/contracts") && p.Rows > 0 }); err == nil {
			break
		}
	}
	r.check("the portfolio shows the new source's contracts", combine(err, expect(p.Rows == contracts, "%d rows, lede %q", p.Rows, p.Lede)))
	r.screenshot("desktop-12-first-portfolio.png", true)

	r.check("Ctrl+Q quits cleanly", r.quit())

	// 7. Another first launch (a fresh data folder) opens the demo from the
	// window: the simulated vendors start inside the app.
	must(t, os.Remove(filepath.Join(r.dir, "probe.json")))
	r.env = append(r.env, "XDG_DATA_HOME="+filepath.Join(r.dir, "data2"), "XDG_CONFIG_HOME="+filepath.Join(r.dir, "config2"))
	r.launch()
	p, err = r.waitProbe(20*time.Second, func(p probe) bool { return p.URL == "/" && r.target(p, "Open the demo", "Demo öffnen") != "" })
	if r.check("a second first launch offers the demo", err) {
		r.click(r.target(p, "Open the demo", "Demo öffnen"))
		started := time.Now()
		p, err = r.waitProbe(120*time.Second, func(p probe) bool { return strings.HasPrefix(p.URL, "/contracts") && p.Rows > 0 })
		r.check("Open the demo shows the demo's portfolio in the window", err)
		fmt.Printf("      (the demo was ready %.1fs after the click)\n", time.Since(started).Seconds())
		r.screenshot("desktop-13-demo-from-first-launch.png", true)
	}
	r.quit()
}

// startSecretService runs a D-Bus session bus and gnome-keyring's Secret
// Service on it, with a login keyring unlocked by a throwaway password,
// and points the window at them.
func (r *run) startSecretService() error {
	for _, tool := range []string{"dbus-daemon", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (apt-get install dbus gnome-keyring): the window will use token_env", tool)
		}
	}
	runtime := filepath.Join(r.dir, "run")
	if err := os.MkdirAll(runtime, 0o700); err != nil {
		return err
	}
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, err := bus.StdoutPipe()
	if err != nil {
		return err
	}
	if err := bus.Start(); err != nil {
		return err
	}
	r.t.Cleanup(func() { bus.Process.Kill(); bus.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("dbus-daemon printed no address: %v", err)
	}
	r.env = append(r.env, "DBUS_SESSION_BUS_ADDRESS="+strings.TrimSpace(addr), "XDG_RUNTIME_DIR="+runtime)
	kr := exec.Command("gnome-keyring-daemon", "--unlock", "--components=secrets")
	kr.Env = r.env
	kr.Stdin = strings.NewReader("e2e-only")
	if b, err := kr.CombinedOutput(); err != nil {
		return fmt.Errorf("gnome-keyring-daemon: %v: %s", err, b)
	}
	return nil
}

// fill clicks a form field and types text into it, slower than typeText:
// under load WebKitGTK dropped keys of a long value typed at 8 ms.
func (r *run) fill(target, text string) {
	if r.click(target) {
		r.key("ctrl+a")
		if _, err := r.xdo("type", "--delay", "40", text); err != nil {
			r.t.Log(err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// target is the first of the buttons named (English, German) on the page.
func (r *run) target(p probe, names ...string) string {
	for _, n := range names {
		if p.Targets["button:"+n] != nil {
			return "button:" + n
		}
	}
	return ""
}

func anyNotice(p probe, subs ...string) bool {
	for _, n := range p.Notices {
		for _, s := range subs {
			if strings.Contains(n, s) {
				return true
			}
		}
	}
	return false
}

// noFileHolds checks that no file under dir holds secret: the keyring's
// own files are encrypted.
func noFileHolds(dir, secret string) error {
	var found []string
	err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > 64<<20 {
			return nil
		}
		b, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(b), secret) {
			found = append(found, path)
		}
		return nil
	})
	return combine(err, expect(len(found) == 0, "the token is in %v", found))
}
