//go:build e2e

package e2e

// Every screen of the desktop window in both languages, as the browser
// E2E keeps them: out/e2e/desktop-screen-<name>-de.png and -en.png. The
// window starts under a German system locale and opens in German; the
// header's English link switches it, and every later screen stays English.
// The portfolio's active-on field is typed in each language's format: the
// window's WebKitGTK would draw a date input in its own format, as Chromium
// does.

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/sync/simulate"
)

func TestDesktopScreens(t *testing.T) {
	r := newRun(t)
	defer func() { fmt.Printf("%d passed, %d failed\n", r.passed, r.failed) }()

	up := simulate.New(simulate.Options{Seed: 7, EnneoContracts: 60, EpilotMeters: 1, ProsumerCustomers: 4, OtarkContracts: 6, PoderoUsers: 4})
	sim := httptest.NewServer(up)
	defer sim.Close()
	r.startDisplay()
	// A German system: the last LANG wins over startDisplay's LANG=C.
	r.env = append(r.env, "LANG=de_DE.UTF-8")
	config, cache := r.syncedCache(up, sim.URL)
	// The epilot contract has a meter: its page and its meter's page.
	store, err := db.Open(context.Background(), cache)
	must(t, err)
	var ext, name string
	must(t, store.EachContract(context.Background(), app.ContractFilter{Source: "demo-epilot"}, func(c app.Contract) error {
		if ext == "" {
			ext, name = c.ExternalID, c.Name
		}
		return nil
	}))
	store.Close()

	r.launch("--db", cache, "--config", config)
	_, err = r.waitProbe(20*time.Second, func(p probe) bool { return p.URL == "/" && p.Rows > 0 })
	if !r.check("the window opens on the portfolio", err) {
		return
	}
	for _, lang := range []string{"de", "en"} {
		if lang == "en" {
			if !r.click("lang-en") {
				return
			}
			_, err = r.waitProbe(10*time.Second, func(p probe) bool { return p.Lang == "en" })
			if !r.check("the header's English link switches the window to English", err) {
				return
			}
		}
		r.screens(lang, ext, name)
	}
	r.check("Ctrl+Q quits cleanly", r.quit())
}

// desktopScreen is a screen reached by clicking target on the screen before.
type desktopScreen struct {
	name, target, url string
	h1                map[string]string // by language; "" when the heading is a name
}

// screens visits every screen in lang and photographs it.
func (r *run) screens(lang, ext, name string) {
	visit := func(s desktopScreen) bool {
		if !r.click(s.target) {
			return false
		}
		_, err := r.waitProbe(10*time.Second, func(p probe) bool {
			return strings.HasPrefix(p.URL, s.url) && p.Lang == lang && (s.h1[lang] == "" || p.H1 == s.h1[lang])
		})
		if !r.check(fmt.Sprintf("%s: the %s screen is in %s", lang, s.name, lang), err) {
			return false
		}
		// The pointer to the empty menu bar, so that no tooltip covers the page.
		r.xdo("mousemove", "--sync", "900", "12")
		time.Sleep(700 * time.Millisecond) // the report can come before the paint
		return r.check(fmt.Sprintf("%s: the %s screen is on the screenshot", lang, s.name),
			r.screenshot("desktop-screen-"+s.name+"-"+lang+".png", true))
	}
	h := func(de, en string) map[string]string { return map[string]string{"de": de, "en": en} }
	for _, s := range []desktopScreen{
		{"portfolio", "nav-portfolio", "/contracts", h("Portfolio", "Portfolio")},
		{"customers", "nav-customers", "/customers", h("Kunden", "Customers")},
		{"offers", "nav-offers", "/offers", h("Angebote", "Offers")},
		{"new-offer", "new-offer", "/offers/new", h("Neues Angebot", "New offer")},
		{"savings", "nav-savings", "/savings", h("Ersparnis", "Savings")},
		{"sync", "nav-sync", "/sync", h("Synchronisieren", "Sync")},
		{"changes", "nav-changes", "/changes", h("Änderungen", "Changes")},
	} {
		visit(s)
	}

	// The active-on filter, typed as the language writes days.
	typed := map[string]string{"de": "02.11.2026", "en": "2 Nov 2026"}[lang]
	if r.click("nav-portfolio") {
		if _, err := r.waitProbe(10*time.Second, func(p probe) bool { return p.Targets["#f-active"] != nil && p.Lang == lang }); err == nil && r.click("#f-active") {
			r.key("ctrl+a")
			r.typeText(typed)
			r.key("Return")
			p, err := r.waitProbe(10*time.Second, func(p probe) bool {
				return strings.Contains(p.URL, "active_on="+strings.ReplaceAll(typed, " ", "+")) && p.Rows > 0
			})
			if r.check(fmt.Sprintf("%s: %s typed into Active on filters the portfolio", lang, typed), err) {
				time.Sleep(700 * time.Millisecond)
				r.check(fmt.Sprintf("%s: the filtered portfolio is on the screenshot (%s)", lang, p.Lede),
					r.screenshot("desktop-screen-date-filter-"+lang+".png", true))
			}
		}
	}

	// The epilot contract, found by the search, and its meter.
	if !r.click("search") {
		return
	}
	r.key("ctrl+a")
	r.typeText(ext)
	r.key("Return")
	if _, err := r.waitProbe(10*time.Second, func(p probe) bool { return strings.Contains(p.URL, "q="+ext) && p.Targets["row:"+name] != nil }); !r.check(lang+": the search finds the epilot contract", err) {
		return
	}
	if !visit(desktopScreen{"contract", "row:" + name, "/contracts/", nil}) {
		return
	}
	// The meter's link is below the fold: the End key scrolls to it.
	r.key("End")
	_, err := r.waitProbe(5*time.Second, func(p probe) bool {
		m := p.Targets["meter"]
		return m != nil && m["y"] >= 0 && m["y"]+m["h"] <= p.InnerH
	})
	if r.check(lang+": End scrolls the contract's meter link into view", err) {
		time.Sleep(time.Second) // a report from after the scroll, not during it
		visit(desktopScreen{"meter", "meter", "/meters/", nil})
	}
}
