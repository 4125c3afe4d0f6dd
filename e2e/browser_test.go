//go:build e2e

// This file is the browser end-to-end test: `wattfolio serve` on loopback
// over a cache synced from `wattfolio sim`, driven in Debian's chromium
// through the DevTools protocol (chromedp), so that it needs nothing but
// Debian's packages and Go modules. Run it with `make e2e`; screenshots go
// to out/e2e/. The browser is driven as a person does: the mouse clicks an
// element's centre (only once the element is there, visible and not
// covered), keys are pressed, and every read waits for its element, as
// Playwright's locators did; a locator that must name one element fails
// when it finds several.
package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browserContracts is how many enneo contracts the simulator serves.
const browserContracts = 300

// waitLimit is how long an action waits for its element or page, as
// Playwright's default timeout.
const waitLimit = 30 * time.Second

// failure is what a failed assertion panics with; check recovers it, so that
// a failed check ends only itself and the run reports every check.
type failure struct{ msg string }

func fail(format string, args ...any) { panic(failure{fmt.Sprintf(format, args...)}) }

func assert(ok bool, format string, args ...any) {
	if !ok {
		fail(format, args...)
	}
}

func noErr(err error) {
	if err != nil {
		fail("%v", err)
	}
}

// caught runs fn and returns the failure it panicked with.
func caught(fn func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			f, ok := v.(failure)
			if !ok {
				panic(v)
			}
			err = errors.New(f.msg)
		}
	}()
	fn()
	return nil
}

type browserRun struct {
	t      *testing.T
	passed int
	failed int
}

// check runs one user-visible check and prints its line.
func (r *browserRun) check(name string, fn func()) {
	if err := caught(fn); err != nil {
		r.failed++
		msg, _, _ := strings.Cut(err.Error(), "\n")
		r.t.Errorf("FAIL %s: %v", name, err)
		fmt.Printf("FAIL  %s: %s\n", name, msg)
		return
	}
	r.passed++
	fmt.Printf("ok    %s\n", name)
}

func TestBrowser(t *testing.T) {
	r := &browserRun{t: t}
	defer func() { fmt.Printf("%d passed, %d failed\n", r.passed, r.failed) }()
	root, _ := filepath.Abs("..")
	bin := os.Getenv("WATTFOLIO_BIN")
	if bin == "" {
		bin = filepath.Join(root, "wattfolio")
	}
	out := filepath.Join(root, "out", "e2e")
	must(t, os.MkdirAll(out, 0o755))
	work := t.TempDir()

	var (
		p            *tab
		simBase      string
		opened, base string
		sum          int
	)
	if err := caught(func() {
		if _, err := os.Stat(bin); err != nil {
			fail("no wattfolio binary at %s: run make build first", bin)
		}
		// Simulated vendors, a synced cache, and the app on a free loopback
		// port. sim prints the credentials to export (export NAME=VALUE lines),
		// then a line ending in "Ctrl-C stops it".
		config := filepath.Join(work, "sources.toml")
		cache := filepath.Join(work, "cache.db")
		simOut := startCommand(t, bin, nil, regexp.MustCompile(`(?s)^.*Ctrl-C stops it`),
			"sim", "--addr", "127.0.0.1:0", "--contracts", strconv.Itoa(browserContracts), "--seed", "5", "--write-config", config)
		m := regexp.MustCompile(`(http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(simOut[0])
		assert(m != nil, "no simulator address in: %s", simOut[0])
		simBase = m[1]
		env := os.Environ()
		for _, m := range regexp.MustCompile(`export (\w+)=(\S+)`).FindAllStringSubmatch(simOut[0], -1) {
			env = append(env, m[1]+"="+m[2])
		}
		// Every simulated source's contracts: the sum of the sync summary's
		// STORED column.
		syncCmd := exec.Command(bin, "sync", "--config", config, "--db", cache)
		syncCmd.Env = env
		var stderr bytes.Buffer
		syncCmd.Stderr = &stderr
		summary, err := syncCmd.Output()
		assert(err == nil, "sync: %v: %s", err, stderr.String())
		sum = storedTotal(string(summary))
		assert(sum > 0, "sync summary without stored counts:\n%s", summary)
		// serve prints the address to open with this launch's token; opening
		// it sets the cookie every later request carries.
		// An English system: the app opens in English; the German UI is
		// checked after the switch (and under a German locale below).
		serveEnv := append(append([]string(nil), env...), "LC_ALL=", "LC_MESSAGES=", "LANG=C")
		serveOut := startCommand(t, bin, serveEnv, regexp.MustCompile(`serving on ((http://127\.0\.0\.1:\d+/)\?token=\S+)\s`),
			"serve", "--db", cache, "--config", config, "--addr", "127.0.0.1:0")
		opened, base = serveOut[1], serveOut[2]
		p = openBrowser(t, base, out, work)
	}); err != nil {
		r.failed++
		r.t.Errorf("FAIL setup: %v", err)
		fmt.Printf("FAIL  setup: %v\n", err)
		return
	}
	r.check("without the printed token the app answers 401 and says how to open it", func() {
		status := p.openStatus(base)
		assert(status == 401, "status %d without the token", status)
		assert(strings.Contains(p.text(`q("body")`), "?token="), "the 401 page does not show how to open the app")
	})

	r.check("the portfolio lists every cached contract", func() {
		p.open(opened)
		assert(p.url() == base, "the printed address left the token in %s", p.url())
		assert(p.text(`q("h1")`) == "Portfolio", "no Portfolio heading")
		lede := p.text(`q(".lede")`)
		m := regexp.MustCompile(`^([\d,]+) contracts in the cache`).FindStringSubmatch(lede)
		assert(m != nil && wholeNumber(m[1]) == sum, "lede: %s, synced %d", lede, sum)
		assert(p.count(`all("table.grid tbody tr")`) == 50, "not 50 rows on the first page")
		p.shot("browser-1-portfolio.png")
	})

	germanPrice := regexp.MustCompile(`^\d{1,3}(\.\d{3})*,\d{2}$`)
	englishPrice := regexp.MustCompile(`^\d{1,3}(,\d{3})*\.\d{2}$`)
	basePrices := func() []string {
		var prices []string
		for _, s := range p.texts(`all("table.grid tbody tr td.num:nth-child(9)")`) {
			if s = strings.TrimSpace(s); s != "—" {
				prices = append(prices, s)
			}
		}
		return prices
	}
	r.check("numbers are right-aligned, in English under an English locale", func() {
		align := p.wait(`(all("table.grid tbody tr td.num")[2] || null) && getComputedStyle(all("table.grid tbody tr td.num")[2]).textAlign`)
		assert(align == "right", "working price not right-aligned")
		prices := basePrices()
		assert(len(prices) > 0 && allMatch(prices, englishPrice), "base prices %v are not English (1,234.56)", first3(prices))
		assert(p.js(`document.documentElement.lang`) == "en", "<html lang> is not en")
	})

	r.check("Deutsch switches words, numbers and dates together, and English brings them back", func() {
		p.clickNav(`role("link", "Deutsch")`, `lang=de`)
		prices := basePrices()
		assert(len(prices) > 0 && allMatch(prices, germanPrice), "base prices %v are not German (1.234,56)", first3(prices))
		assert(p.js(`document.documentElement.lang`) == "de", "<html lang> is not de")
		lede := p.text(`q(".lede")`)
		assert(strings.Contains(lede, "Verträge im Cache"), "German lede: %s", lede)
		p.open(base + "contracts?sort=base_price&desc=1")
		assert(strings.Contains(p.text(`q("thead")`), "Grundpreis"), "the cookie did not keep German")
		p.clickNav(`all("table.grid tbody .row-link")[0]`, ``)
		price := strings.TrimSpace(p.text(`dd("Grundpreis")`))
		assert(regexp.MustCompile(`^\d{1,3}(\.\d{3})*,\d{2}[\s\p{Zs}]€/Jahr$`).MatchString(price), "contract page base price %s", price)
		p.clickNav(`role("link", "English")`, `lang=en`)
		price = strings.TrimSpace(p.text(`dd("Base price")`))
		assert(regexp.MustCompile(`^€\d{1,3}(,\d{3})*\.\d{2}/year$`).MatchString(price), "contract page base price %s", price)
	})

	activeTotal := 0
	r.check("filtering by status narrows the table to that status", func() {
		p.open(base + "contracts")
		p.selectOption("#f-status", "active")
		p.clickNav(`role("button", "Apply")`, `status=active`)
		lede := p.text(`q(".lede")`)
		m := regexp.MustCompile(`([\d,]+) (?:contract matches|contracts match) the filters`).FindStringSubmatch(lede)
		assert(m != nil, "lede: %s", lede)
		activeTotal = wholeNumber(m[1])
		assert(activeTotal > 0 && activeTotal < sum, "%d active of %d", activeTotal, sum)
		badges := p.texts(`all("table.grid tbody .badge")`)
		assert(len(badges) > 0 && allEqual(badges, "Active"), "badges: %v", distinct(badges))
		p.shot("browser-2-filtered.png")
	})

	r.check("the keyboard walks the table and opens a contract", func() {
		p.click(`q("h1")`)
		p.press("j")
		p.press(kb.ArrowDown)
		focused := p.js(`document.activeElement ? document.activeElement.textContent.trim() : null`)
		second := strings.TrimSpace(p.text(`all("table.grid tbody .row-link")[1]`))
		assert(focused == second, "focus on %s, want the second row %s", focused, second)
		p.press("k")
		firstRow := strings.TrimSpace(p.text(`all("table.grid tbody .row-link")[0]`))
		assert(p.js(`document.activeElement.textContent.trim()`) == firstRow, "k did not go back up")
		p.press(kb.ArrowDown)
		p.markPage()
		p.press(kb.Enter)
		p.waitNewPage(urlMatches(`/contracts/\d+`), waitLimit)
		assert(strings.TrimSpace(p.text(`q("h1")`)) == second, "Enter opened another contract")
		p.back()
		p.press("/")
		assert(p.js(`String(document.activeElement.id === "f-q")`) == "true", "/ did not focus the search")
	})

	r.check("a contract page shows its fields and the vendor's data", func() {
		p.open(base + "contracts?status=active")
		title := strings.TrimSpace(p.text(`all("table.grid tbody .row-link")[0]`))
		p.clickNav(`all("table.grid tbody .row-link")[0]`, `/contracts/\d+`)
		assert(strings.TrimSpace(p.text(`q("h1")`)) == title, "wrong contract opened")
		assert(p.visible(`q("pre.json")`), "no vendor JSON")
		p.clickNav(`role("link", "‹ Portfolio")`, `status=active`)
		p.back()
		p.shot("browser-3-contract.png")
	})

	r.check("an enneo contract's record hides the e-mail address until Show personal data", func() {
		p.open(base + "contracts?vendor=enneo")
		p.clickNav(`all("table.grid tbody .row-link")[0]`, `/contracts/\d+`)
		masked := p.text(`q("pre.json")`)
		assert(strings.Contains(masked, `"email": "•••"`) && !strings.Contains(masked, "@"), "the e-mail address is shown unasked")
		p.clickNav(`role("link", "Show personal data")`, `personal=show`)
		assert(regexp.MustCompile(`"email": "[^"]+@[^"]+"`).MatchString(p.text(`q("pre.json")`)), "Show personal data did not show the e-mail address")
		p.clickNavTo(`role("link", "Hide personal data")`, `!new URL(location.href).searchParams.has("personal")`, waitLimit)
		assert(!strings.Contains(p.text(`q("pre.json")`), "@"), "Hide personal data left the e-mail address shown")
	})

	r.check("the CSV download has the filtered rows", func() {
		p.open(base + "contracts?status=active")
		name, rows := p.download(`role("link", "Export CSV")`, "browser-export.csv")
		assert(regexp.MustCompile(`^wattfolio-contracts-\d{4}-\d{2}-\d{2}\.csv$`).MatchString(name), "file name %s", name)
		assert(len(rows) > 0 && rows[0][0] == "source" && indexOf(rows[0], "status") >= 0, "header %v", rows[0])
		assert(len(rows)-1 == activeTotal, "%d rows, the page said %d", len(rows)-1, activeTotal)
		st := indexOf(rows[0], "status")
		for _, row := range rows[1:] {
			assert(row[st] == "active", "a non-active row in the export")
		}
	})

	// syncNow presses Sync now on the Sync page and waits until the page,
	// which refreshes itself every two seconds, shows the run done.
	syncNow := func() {
		p.clickNav(`role("button", "Sync now")`, ``)
		p.waitFor(`all(".notice").some(shown)`, 10*time.Second)
		p.waitFor(`!document.querySelector(".notice-info") && !document.querySelector("button[disabled]")`, 30*time.Second)
	}
	r.check("Sync now runs a sync and the page follows it to the end", func() {
		p.open(base + "sync")
		before := p.wait(`all("time")[0] && all("time")[0].getAttribute("datetime")`)
		syncNow()
		p.waitFor(`all(".badge-ok").some(shown)`, 10*time.Second)
		// The progress panel, followed in place while the sync ran, ends
		// with every source done.
		p.waitFor(`all("#sync-progress .progress-item").length > 0 && all("#sync-progress .progress-item").every(li => li.classList.contains("progress-done"))`, 10*time.Second)
		after := p.wait(`all("time")[0] && all("time")[0].getAttribute("datetime")`)
		assert(after != "" && after != before, "last run started %s, still %s", before, after)
		fetched := 0
		for _, s := range p.texts(`dds("Fetched")`) {
			fetched += wholeNumber(s)
		}
		assert(fetched == sum, "fetched %d in all, synced %d", fetched, sum)
		p.shot("browser-4-synced.png")
	})

	// Issue 10: offers, the comparison on one load curve, the savings view.
	// costCell is the cell of the row labelled label (year 1, the first such
	// row) in the column of the option named name.
	costCell := func(label, name string) string {
		return strings.TrimSpace(p.js(fmt.Sprintf(`(() => {
			const t = all("table.grid-compare:not(.grid-compare-terms)")[0];
			if (!t) throw new Error("no cost table");
			const heads = all("thead th", t).map((e) => e.innerText.trim());
			const col = heads.findIndex((h) => h.includes(%[2]s));
			if (!(col > 0)) throw new Error("no column " + %[2]s + " in " + heads);
			const row = all("tbody tr", t).find((tr) => all("th", tr).some((th) => new RegExp("^" + %[1]s).test(norm(th.textContent))));
			if (!row) throw new Error("no row " + %[1]s);
			const cell = all("th, td", row)[col];
			if (!cell) throw new Error("no cell " + col + " in the row " + %[1]s);
			return cell.innerText;
		})()`, jsq(label), jsq(name))))
	}
	const offer = "E2E Fix"
	kwh := 0
	compareURL := ""

	r.check("an offer made in the form is listed", func() {
		p.open(base + "offers")
		p.clickNav(`role("link", "New offer")`, `/offers/new$`)
		p.fill("#o-name", offer)
		p.fill("#o-supplier", "E2E Energie GmbH")
		p.selectOption("#o-commodity", "electricity")
		p.selectOption("#o-model", "fixed")
		p.selectOption("#o-gross", "true")
		p.fill("#o-working-price-ct-per-kwh", "30")
		p.fill("#o-base-price-eur-per-year", "120")
		p.shotOf("form.offer-form", "browser-offer-form.png")
		p.clickNav(`role("button", "Add offer")`, ``)
		notice := strings.TrimSpace(p.text(`all(".notice")[0]`))
		assert(notice == "Added the offer “"+offer+"”.", "notice %s", notice)
		offerRows := fmt.Sprintf(`all("table.grid-offers tbody tr").filter((e) => hasText(e, %s))`, jsq(offer))
		n := p.count(offerRows)
		assert(n == 1, "%d rows for %s", n, offer)
		cells := p.texts(fmt.Sprintf(`all("td", %s[0])`, offerRows))
		assert(len(cells) > 4 && strings.HasPrefix(strings.TrimSpace(cells[3]), "30.00") && strings.TrimSpace(cells[4]) == "120.00",
			"working and base price %v, want 30.00 and 120.00", cells)
		p.open(base + "offers")
		assert(p.count(offerRows) == 1, "the offer is gone after a reload")
	})

	r.check("Anna Schneider's enneo contract and the offer compare on her curve (year 1 = kWh × 0,30 € + 120 €)", func() {
		p.open(base + "customers")
		p.clickNav(`role("link", "Anna Schneider", true)`, `/customers/\d+$`)
		p.clickNav(`role("link", "Compare", true)`, `/customers/\d+/compare`)
		// Tick her enneo contract and the offer, nothing else.
		contract := ""
		n := p.count(`all(".compare-form label.choice")`)
		for i := 0; i < n; i++ {
			c := fmt.Sprintf(`all(".compare-form label.choice")[%d]`, i)
			primary := strings.TrimSpace(p.text(fmt.Sprintf(`q(".primary", %s)`, c)))
			secondary := strings.TrimSpace(p.text(fmt.Sprintf(`q(".secondary", %s)`, c)))
			want := primary == offer || (contract == "" && strings.HasPrefix(secondary, "current · demo-enneo") && strings.Contains(primary, "Anna Schneider"))
			if want && primary != offer {
				contract = primary
			}
			p.setChecked(fmt.Sprintf(`q("input[type=checkbox]", %s)`, c), want)
		}
		assert(contract != "", "no current enneo contract of Anna Schneider among the options")
		p.clickNav(`role("button", "Compare", true)`, `o=o\d+`)
		compareURL = p.url()
		heads := trimAll(p.texts(`all("table.grid-compare:not(.grid-compare-terms)").slice(0, 1).flatMap((t) => all("thead th.opt .opt-name", t))`))
		assert(len(heads) == 2 && indexOf(heads, contract) >= 0 && indexOf(heads, offer) >= 0, "options %v", heads)
		lede := p.text(`q(".lede")`)
		assert(strings.Contains(lede, "profile H25"), "lede %s", lede)
		kwh = wholeNumber(costCell("Consumption", offer))
		assert(kwh > 1000, "consumption %d", kwh)
		assert(wholeNumber(costCell("Consumption", contract)) == kwh, "the options are not on the same curve")
		gross := euroCents(costCell("Total gross", offer))
		want := kwh*30 + 12000
		assert(gross == want, "offer year 1 gross %s €, want %d kWh × 0,30 € + 120 € = %s €", euros(gross), kwh, euros(want))
		best := p.count(`all("table.grid-compare:not(.grid-compare-terms)").slice(0, 1).flatMap((t) => all("td.best", t))`)
		assert(best == 1, "%d cheapest cells", best)
		p.shot("browser-compare-unscaled.png")
	})

	// scaledGross is the offer's year-1 gross in cents on the curve scaled by +10 %.
	scaledGross := func() int { return int(math.Round(float64(kwh*110*30)/100)) + 12000 }
	r.check("scaling the curve by +10 % scales the offer's figure", func() {
		assert(compareURL != "" && kwh != 0, "no comparison open")
		p.fill("#c-scale", "10")
		p.clickNav(`role("button", "Compare", true)`, `scale=10`)
		scaled, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(costCell("Consumption", offer)), ",", ""), 64)
		noErr(err)
		assert(math.Round(scaled) == math.Round(float64(kwh)*1.1), "consumption %v, want %v", scaled, math.Round(float64(kwh)*1.1))
		gross := euroCents(costCell("Total gross", offer))
		assert(gross == scaledGross(), "offer year 1 gross %s €, want %s €", euros(gross), euros(scaledGross()))
		assert(p.count(`all("svg").filter((s) => s.querySelector("rect, path"))`) > 0, "no chart")
		p.fullShot("browser-compare.png")
	})

	r.check("the comparison CSV has the same figure in gross_eur_year1", func() {
		name, rows := p.download(`role("link", "CSV", true)`, "browser-compare.csv")
		assert(regexp.MustCompile(`^wattfolio-compare-anna-schneider-\d{4}-\d{2}-\d{2}\.csv$`).MatchString(name), "file name %s", name)
		col, scol := indexOf(rows[0], "gross_eur_year1"), indexOf(rows[0], "curve")
		assert(col >= 0, "header %v", rows[0])
		var row []string
		for _, r := range rows {
			if r[0] == offer {
				row = r
				break
			}
		}
		assert(row != nil, "no row %s", offer)
		assert(len(rows)-1 == 2, "%d options", len(rows)-1)
		v, err := strconv.ParseFloat(row[col], 64)
		assert(err == nil && int(math.Round(v*100)) == scaledGross(), "gross_eur_year1 %s, want %s", row[col], euros(scaledGross()))
		assert(scol >= 0 && strings.Contains(row[scol], "+10 %"), "curve %v", row)
	})

	r.check("the print layout shows the report without the controls", func() {
		u := p.url()
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		p.open(u + sep + "print=1")
		assert(p.count(`all(".compare.compare-print")`) == 1, "no print layout")
		assert(!p.visible(`q(".compare-form")`), "the curve form is shown in print")
		assert(!p.visible(`q("header.top")`), "the header is shown in print")
		gross := euroCents(costCell("Total gross", offer))
		assert(gross == scaledGross(), "print gross %s", euros(gross))
		p.fullShot("browser-compare-print.png")
	})

	r.check("the savings view has Anna Schneider with a saving and a deadline", func() {
		p.open(base + "savings")
		table := `all("table.grid").filter((t) => all("caption", t).some((c) => hasText(c, "Savings per customer")))`
		var heads []string
		for _, h := range p.texts(table + `.flatMap((t) => all("thead th", t))`) {
			h = strings.TrimSpace(strings.TrimLeft(jsSpaces.ReplaceAllString(h, " "), "▲▼ "))
			heads = append(heads, h)
		}
		dcol, scol := -1, -1
		for i, h := range heads {
			if dcol < 0 && strings.HasPrefix(h, "Next deadline") {
				dcol = i
			}
			if scol < 0 && strings.HasPrefix(h, "Saving") {
				scol = i
			}
		}
		assert(dcol >= 0 && scol >= 0, "columns %v", heads)
		rows := table + `.flatMap((t) => all("tbody tr", t)).filter((tr) => all("a.row-link", tr).some((a) => hasText(a, "Anna Schneider")))`
		n := p.count(rows)
		assert(n == 1, "%d rows for Anna Schneider", n)
		cells := p.texts(fmt.Sprintf(`all("th, td", %s[0])`, rows))
		assert(len(cells) > max(scol, dcol, 3), "cells %v", cells)
		saving := strings.TrimSpace(cells[scol])
		assert(regexp.MustCompile(`^€\d{1,3}(,\d{3})*\.\d{2}`).MatchString(saving) && euroCents(saving) > 0, "saving %s", saving)
		assert(strings.Contains(cells[3], offer), "best offer %s", cells[3])
		deadline := strings.TrimSpace(cells[dcol])
		assert(deadline == "none known" || regexp.MustCompile(`\d{2}\.\d{2}\.\d{4}`).MatchString(deadline), "deadline %s", deadline)
		p.shot("browser-savings.png")
	})

	// Issue 11: offline edits. The simulated Podero is "offline" (503) while
	// the edit is made and a send is tried; Sync now sends it once it is back.
	simKnob := func(path string, body any) {
		b, err := json.Marshal(body)
		noErr(err)
		res, err := http.Post(simBase+"/podero/_sim/"+path, "application/json", bytes.NewReader(b))
		noErr(err)
		res.Body.Close()
		assert(res.StatusCode >= 200 && res.StatusCode < 300, "sim knob %s: %d", path, res.StatusCode)
	}
	navChanges := func() string { return strings.TrimSpace(jsSpaces.ReplaceAllString(p.text(`q("#nav-changes")`), " ")) }
	pending := regexp.MustCompile(`pending`)
	onePending := regexp.MustCompile(`Changes 1 pending`)
	podURL, podID := "", ""
	r.check("an edit made while the vendor is unreachable is kept, pending, and sent by Sync now", func() {
		p.open(base + "contracts?source=demo-podero")
		p.clickNav(`all("a.row-link")[0]`, ``)
		p.waitVisible(`q("#e-supplier")`, waitLimit)
		podURL = p.url()
		podID = strings.TrimSpace(p.text(`dd("Vendor's ID")`))
		vendorSupplier := p.value("#e-supplier")
		simKnob("faults", map[string]any{"Status": 503})
		p.fill("#e-building_id", "not-a-uuid")
		p.clickNav(`q("#edit-save")`, ``)
		assert(strings.Contains(p.text(`q("#e-building_id-msg")`), "is not a UUID"), "no message beside the building")
		assert(p.value("#e-building_id") == "not-a-uuid", "the typed building was not kept")
		assert(!pending.MatchString(navChanges()), "an invalid form queued a change")
		p.open(podURL)
		p.fill("#e-supplier", "E2E Offline GmbH")
		p.clickNav(`q("#edit-save")`, ``)
		assert(strings.HasPrefix(p.text(`q("#edit-notice")`), "Saved on this laptop"), "no saved notice")
		assert(onePending.MatchString(navChanges()), "header: %s", navChanges())
		assert(strings.Contains(p.text(`all("#edit .vendor-value")[0]`), vendorSupplier), "the vendor's value is not shown beside the edit")
		p.shot("browser-edit-pending.png")
		p.open(base + "changes")
		// The connector retries; the page gives up after 20 s and keeps the change.
		p.clickNavTo(`q("#send-changes")`, urlMatches(``), 40*time.Second)
		notice := p.text(`q("#changes-notice")`)
		assert(regexp.MustCompile(`not sent yet|did not answer`).MatchString(notice), "send while offline: %s", notice)
		assert(onePending.MatchString(navChanges()), "after a failed send: %s", navChanges())
		simKnob("faults", map[string]any{})
		p.open(base + "sync")
		syncNow()
		p.open(podURL)
		parties := p.text(`q("#h-parties + dl")`)
		assert(strings.Contains(parties, "E2E Offline GmbH"), "the contract after the sync: %s", parties)
		assert(!pending.MatchString(navChanges()), "still pending: %s", navChanges())
		assert(strings.Contains(p.text(`all("#edit .note")[0]`), "was sent"), "the page does not say the change was sent")
	})

	r.check("a conflict made through the simulator's knob is resolved on the Changes page", func() {
		p.open(podURL)
		p.fill("#e-supplier", "E2E Mine GmbH")
		p.clickNav(`q("#edit-save")`, ``)
		simKnob("set-supplier", map[string]string{"contract": podID, "supplier": "E2E Theirs AG"})
		p.open(base + "changes")
		p.clickNav(`q("#send-changes")`, ``)
		assert(strings.Contains(p.text(`q("#changes-notice")`), "1 in conflict"), "no conflict reported")
		assert(regexp.MustCompile(`1 need attention`).MatchString(navChanges()), "header: %s", navChanges())
		card := `all("section.change").filter((s) => hasText(s, "E2E Theirs AG"))`
		assert(p.count(card) == 1, "the conflict does not show the vendor's value")
		p.shot("browser-edit-conflict.png")
		p.setChecked(fmt.Sprintf(`q("input[type=radio][value=mine]", %s[0])`, card), true)
		p.clickNav(fmt.Sprintf(`role("button", "Resolve", false, %s[0])`, card), ``)
		assert(strings.Contains(p.text(`q("#changes-notice")`), "pending again"), "not pending after keeping mine")
		p.clickNav(`q("#send-changes")`, ``)
		assert(strings.Contains(p.text(`q("#changes-notice")`), "1 change sent"), "the resolved change was not sent")
		p.open(podURL)
		assert(strings.Contains(p.text(`q("#h-parties + dl")`), "E2E Mine GmbH"), "the vendor does not hold mine")
	})

	r.check("notes, tags and a next contact stay on the contract", func() {
		p.open(podURL)
		p.fill("#n-notes", "Anrufen nach dem Audit <b>")
		p.fill("#n-tags", "VIP, Wärmepumpe")
		p.fill("#n-next", "15.01.2027") // a German day on the English page
		p.clickNav(`q("#notes-save")`, ``)
		p.open(podURL)
		assert(p.value("#n-notes") == "Anrufen nach dem Audit <b>", "notes lost")
		assert(p.value("#n-tags") == "VIP, Wärmepumpe", "tags lost")
		assert(p.value("#n-next") == "15 Jan 2027", "next contact %q, want it as the English page writes days", p.value("#n-next"))
	})

	r.check("no request leaves the machine (no fonts, no CDNs)", func() {
		external := p.externalRequests()
		assert(len(external) == 0, "external requests: %v", first3(external))
		sheets := p.strings(`[...document.styleSheets].map((s) => String(s.href))`)
		assert(len(sheets) == 1 && strings.HasSuffix(sheets[0], "/static/app.css"), "stylesheets: %v", sheets)
	})

	r.check("the portfolio fits a 13-inch laptop (1280×800) without sideways scrolling", func() {
		p.open(base + "contracts")
		over, err := strconv.Atoi(p.js(`String(document.documentElement.scrollWidth - window.innerWidth)`))
		noErr(err)
		assert(over <= 0, "%dpx wider than the window", over)
		p.viewport(1366, 768)
		p.shot("browser-5-laptop-1366.png")
	})

	// The German UI, as a German account manager sees it, and every screen
	// in both languages (out/e2e/screen-*-de.png and -en.png).
	p.viewport(1280, 800)
	meterURL := ""
	r.check("the German UI: portfolio, contract, meter and compare labels in German", func() {
		p.open(base + "contracts?lang=de")
		assert(p.js(`document.documentElement.lang`) == "de", "<html lang> is not de")
		heads := p.text(`q("thead")`)
		for _, w := range []string{"Kunde", "Vertrag / Produkt", "Gültig ab", "Arbeitspreis", "Grundpreis", "Jahresverbrauch", "Zähler"} {
			assert(strings.Contains(heads, w), "portfolio header lacks %q: %s", w, heads)
		}
		assert(strings.Contains(p.text(`q("form.filters")`), "Anwenden"), "filter button not German")
		p.open(base + "contracts?vendor=epilot")
		p.clickNav(`all("table.grid tbody .row-link")[0]`, `/contracts/\d+`)
		for _, w := range []string{"Produkt", "Laufzeit", "Preise", "Anbieterdaten", "Gültig ab"} {
			assert(strings.Contains(p.text(`q("main")`), w), "contract page lacks %q", w)
		}
		// The link carries ?lang=de (not this locale's default): keep its path only.
		path := p.js(`all("ul.meters a")[0] ? new URL(all("ul.meters a")[0].href).pathname : ""`)
		assert(path != "", "the epilot contract lists no meter")
		meterURL = strings.TrimSuffix(base, "/") + path
		if compareURL != "" {
			p.open(compareURL + "&lang=de")
			txt := p.text(`q("main")`)
			for _, w := range []string{"Vergleich", "Kosten auf demselben Lastgang", "Gesamt brutto", "Effektiver Preis", "Monatliche Kosten, brutto"} {
				assert(strings.Contains(txt, w), "compare page lacks %q", w)
			}
		}
	})

	// Date fields are text fields in the page's language, not the browser's
	// date input, which Chromium draws as mm/dd/yyyy under this LANG=C.
	r.check("in German, a day typed as 02.11.2026 filters the portfolio to the contracts in force that day", func() {
		matching := func(lede string) int {
			m := regexp.MustCompile(`([\d.,]+) (?:Vertrag entspricht|Verträge entsprechen|contract matches|contracts match)`).FindStringSubmatch(lede)
			assert(m != nil && m[1] != "", "lede: %s", lede)
			return wholeNumber(m[1])
		}
		p.open(base + "contracts?lang=de")
		kind := p.js(`q("#f-active").type + " " + q("#f-active").placeholder`)
		assert(kind == "text TT.MM.JJJJ", "the active-on field is %q, want a text field with TT.MM.JJJJ", kind)
		p.click(`q("#f-active")`)
		p.press("02.11.2026")
		p.markPage()
		p.press(kb.Enter)
		p.waitNewPage(urlMatches(`active_on=02\.11\.2026`), waitLimit)
		assert(p.value("#f-active") == "02.11.2026", "the field shows %q after filtering", p.value("#f-active"))
		typed := matching(p.text(`q(".lede")`))
		assert(typed > 0 && typed < sum, "%d of %d contracts in force on 02.11.2026", typed, sum)
		// Every row is in force that day: from on or before it, to on or after it.
		day := regexp.MustCompile(`(\d{2})\.(\d{2})\.(\d{4})`)
		iso := func(cell string) string {
			if m := day.FindStringSubmatch(cell); m != nil {
				return m[3] + "-" + m[2] + "-" + m[1]
			}
			return ""
		}
		from := p.texts(`all("table.grid tbody tr:not(.group-head) td:nth-child(6)")`)
		to := p.texts(`all("table.grid tbody tr:not(.group-head) td:nth-child(7)")`)
		assert(len(from) > 0 && len(from) == len(to), "%d from and %d to cells", len(from), len(to))
		for i := range from {
			f, t := iso(from[i]), iso(to[i])
			assert(f != "" && f <= "2026-11-02" && (t == "" || t >= "2026-11-02"), "row %d: %q – %q is not in force on 02.11.2026", i, from[i], to[i])
		}
		p.shot("browser-date-filter-de.png")
		// The same day as a link's ISO and as English typing: the same contracts.
		p.open(base + "contracts?lang=de&active_on=2026-11-02")
		assert(matching(p.text(`q(".lede")`)) == typed && p.value("#f-active") == "02.11.2026", "ISO: %s, field %q", p.text(`q(".lede")`), p.value("#f-active"))
		p.open(base + "contracts?lang=en")
		assert(p.js(`q("#f-active").placeholder`) == "D MMM YYYY", "English placeholder %q", p.js(`q("#f-active").placeholder`))
		p.click(`q("#f-active")`)
		p.press("2 Nov 2026")
		p.markPage()
		p.press(kb.Enter)
		p.waitNewPage(urlMatches(`active_on=2\+Nov\+2026`), waitLimit)
		assert(matching(p.text(`q(".lede")`)) == typed && p.value("#f-active") == "2 Nov 2026", "English: %s, field %q", p.text(`q(".lede")`), p.value("#f-active"))
		p.shot("browser-date-filter-en.png")
		// A day the calendar lacks is refused in the user's language, on the
		// portfolio itself: the other filter still applied, the typed day
		// kept in its field, which is marked and described by the reason.
		p.open(base + "contracts?lang=de&commodity=electricity")
		p.click(`q("#f-active")`)
		p.press("31.02.2026")
		p.markPage()
		p.press(kb.Enter)
		p.waitNewPage(urlMatches(`active_on=31\.02\.2026`), waitLimit)
		msg := p.js(`document.getElementById(q("#f-active").getAttribute("aria-describedby")).textContent`)
		assert(msg == `"31.02.2026" ist kein Tag des Kalenders: Feb. 2026 hat 28 Tage`, "refusal beside the field: %q", msg)
		assert(p.value("#f-active") == "31.02.2026" && p.js(`q("#f-active").getAttribute("aria-invalid")`) == "true", "the refused field: %q", p.value("#f-active"))
		assert(p.value("#f-commodity") == "electricity" && matching(p.text(`q(".lede")`)) > 0 && p.js(`String(all("table.grid tbody tr").length > 0)`) == "true",
			"the other filters are lost: %s", p.text(`q(".lede")`))
		p.shot("browser-date-refused-de.png")
	})

	germanTick := regexp.MustCompile(`^(\d{2}\.\d{2}\.|\d{2}:\d{2}|Jan\.|Feb\.|März|Apr\.|Mai|Juni|Juli|Aug\.|Sep\.|Okt\.|Nov\.|Dez\.)( \d{4})?$|^\d{4}$`)
	englishTick := regexp.MustCompile(`^(\d{1,2} [A-Z][a-z]{2}|\d{2}:\d{2}|[A-Z][a-z]{2})( \d{4})?$|^\d{4}$`)
	r.check("a meter chart's axes are labelled in German, and in English after the switch", func() {
		assert(meterURL != "", "no meter page")
		for _, tc := range []struct {
			lang, caption, month string
			tick                 *regexp.Regexp
		}{
			{"de", "Verbrauch (kWh)", "Monat", germanTick},
			{"en", "Consumption (kWh)", "Month", englishTick},
		} {
			p.open(meterURL + "?lang=" + tc.lang)
			assert(strings.Contains(p.text(`all("figure.chart figcaption")[0]`), tc.caption), "%s caption %q", tc.lang, p.text(`all("figure.chart figcaption")[0]`))
			// SVG text has no innerText: read textContent.
			ticks := func(anchor string) []string {
				return trimAll(p.strings(`all("svg.meter-chart")[0] ? [...all("svg.meter-chart")[0].querySelectorAll("text.tick[text-anchor=` + anchor + `]")].map((e) => e.textContent) : []`))
			}
			x, y := ticks("middle"), ticks("end")
			assert(len(x) > 1 && allMatch(x, tc.tick), "%s time axis %v", tc.lang, x)
			assert(len(y) > 2, "%s value axis %v", tc.lang, y)
			assert(strings.Contains(p.text(`q("#months thead")`), tc.month), "%s month table header", tc.lang)
			p.fullShot("screen-meter-" + tc.lang + ".png")
		}
	})

	r.check("every screen in both languages is kept as a screenshot", func() {
		screens := []struct{ name, path string }{
			{"portfolio", "contracts"}, {"customers", "customers"}, {"offers", "offers"}, {"new-offer", "offers/new"},
			{"savings", "savings"}, {"sync", "sync"}, {"changes", "changes"},
		}
		for _, lang := range []string{"de", "en"} {
			for _, sc := range screens {
				p.open(base + sc.path + "?lang=" + lang)
				assert(p.js(`document.documentElement.lang`) == lang, "%s: <html lang> is not %s", sc.path, lang)
				p.shot("screen-" + sc.name + "-" + lang + ".png")
			}
			if compareURL != "" {
				p.open(compareURL + "&lang=" + lang)
				p.fullShot("screen-compare-" + lang + ".png")
			}
			p.open(base + "contracts?vendor=epilot&lang=" + lang)
			p.clickNav(`all("table.grid tbody .row-link")[0]`, `/contracts/\d+`)
			p.fullShot("screen-contract-" + lang + ".png")
			res := p.openStatus(base + "customers/999999?lang=" + lang)
			assert(res == 404, "missing customer: %d", res)
			p.shot("screen-not-found-" + lang + ".png")
		}
		// German text never reaches the English pages.
		txt := p.text(`q("body")`)
		assert(!strings.Contains(txt, "Nicht gefunden") && strings.Contains(txt, "Not found"), "English 404: %s", txt)
	})
}

// startCommand runs a wattfolio command until the test ends and returns the
// submatches of re in what it printed on stdout, as soon as they appear.
func startCommand(t *testing.T, bin string, env []string, re *regexp.Regexp, args ...string) []string {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	noErr(err)
	var stderr bytes.Buffer // read only once the command has ended
	cmd.Stderr = &stderr
	noErr(cmd.Start())
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-done
	})
	found := make(chan []string, 1)
	go func() {
		var seen []byte
		buf := make([]byte, 4096)
		matched := false
		for {
			n, err := stdout.Read(buf)
			seen = append(seen, buf[:n]...)
			if m := re.FindSubmatch(seen); m != nil && !matched {
				matched = true
				s := make([]string, len(m))
				for i := range m {
					s[i] = string(m[i])
				}
				found <- s
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case m := <-found:
		return m
	case <-done:
		fail("%s exited (%v): %s", args[0], waitErr, stderr.String())
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		fail("%s did not start: %s", args[0], stderr.String())
	}
	return nil
}

// storedTotal sums the STORED column of a sync summary; 0 without one.
func storedTotal(summary string) int {
	lines := strings.Split(summary, "\n")
	head := -1
	for i, l := range lines {
		if regexp.MustCompile(`^SOURCE\s+STATUS\s+STORED`).MatchString(l) {
			head = i
			break
		}
	}
	if head < 0 {
		return 0
	}
	n := 0
	for _, l := range lines[head+1:] {
		if f := strings.Fields(l); len(f) > 2 {
			v, err := strconv.Atoi(f[2])
			if err != nil {
				return 0
			}
			n += v
		}
	}
	return n
}

// tab is the browser's one tab, on the app at base.
type tab struct {
	ctx       context.Context
	base      string
	out       string // screenshots
	downloads string

	mu       sync.Mutex
	external []string
}

// openBrowser starts chromium headless at 1280×800 for the app at base, and
// records every request that is not to the app.
func openBrowser(t *testing.T, base, out, work string) *tab {
	exe := os.Getenv("CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-back-forward-cache", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	noErr(chromedp.Do(ctx)) // starts the browser, with no timeout
	p := &tab{ctx: ctx, base: base, out: out, downloads: filepath.Join(work, "downloads")}
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			if u := ev.Request.URL; !strings.HasPrefix(u, p.base) && !strings.HasPrefix(u, "data:") {
				p.mu.Lock()
				p.external = append(p.external, u)
				p.mu.Unlock()
			}
		}
	}()
	noErr(os.MkdirAll(p.downloads, 0o755))
	_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:      browser.SetDownloadBehaviorBehaviorAllowAndName,
		DownloadPath:  p.downloads,
		EventsEnabled: new(true),
	})
	noErr(err)
	p.viewport(1280, 800)
	return p
}

func (p *tab) externalRequests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.external...)
}

// do runs browser actions, each page load or wait at most limit.
func (p *tab) do(limit time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	ctx, cancel := context.WithTimeout(p.ctx, limit)
	defer cancel()
	noErr(chromedp.Do(ctx, actions...))
}

func (p *tab) open(url string) { p.do(waitLimit, chromedp.Navigate(url)) }

// openStatus opens url and returns the HTTP status of the page.
func (p *tab) openStatus(url string) int {
	ctx, cancel := context.WithTimeout(p.ctx, waitLimit)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	noErr(err)
	return int(res.Status)
}
func (p *tab) back() { p.do(waitLimit, chromedp.NavigateBack()) }

func (p *tab) viewport(w, h int64) { p.do(waitLimit, chromedp.EmulateViewport(w, h)) }

func (p *tab) url() string { return p.js(`location.href`) }

// pageJS is evaluated before every expression: the locators the checks
// use. all and q select by CSS (q must find at most one element, as a
// Playwright locator), role finds a visible link or button by its
// accessible name (a substring ignoring case, or the exact text), dd the
// value beside a dt with the exact text.
const pageJS = `
const norm = (s) => String(s == null ? "" : s).replace(/\s+/g, " ").trim();
const all = (sel, root) => [...(root || document).querySelectorAll(sel)];
const one = (list, what) => {
  if (list.length > 1) throw new Error("strict mode violation: " + what + " matches " + list.length + " elements");
  return list[0] || null;
};
const q = (sel, root) => one(all(sel, root), sel);
const shown = (e) => !!e && e.checkVisibility({ visibilityProperty: true });
const hasText = (e, text) => norm(e.textContent).toLowerCase().includes(text.toLowerCase());
const accName = (e) => norm(e.getAttribute("aria-label") || (e.matches("input") ? e.value : e.textContent));
const ROLES = { link: "a[href]", button: "button, input[type=submit], input[type=button], input[type=reset], [role=button]" };
const role = (r, name, exact, root) => one(all(ROLES[r], root).filter((e) => shown(e) &&
  (exact ? accName(e) === name : accName(e).toLowerCase().includes(name.toLowerCase()))), r + " named " + JSON.stringify(name));
const dds = (label) => all("dt").filter((d) => norm(d.textContent) === label).map((d) => d.nextElementSibling).filter((e) => e && e.matches("dd"));
const dd = (label) => one(dds(label), "dt " + JSON.stringify(label) + " + dd");
`

// evalRaw evaluates expr, with pageJS, and returns its value as JSON. It
// never reads a page half parsed (a page that refreshes itself, as the Sync
// page does, would show only part of its rows): while the page is loading
// it waits.
func (p *tab) evalRaw(expr string) (string, error) {
	const loading = "\x00loading"
	deadline := time.Now().Add(waitLimit)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, waitLimit)
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte]("(() => {"+pageJS+`
if (document.readyState === "loading") return "\0loading";
return JSON.stringify((`+expr+") ?? null);\n})()"))
		cancel()
		if err != nil {
			return "", err
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		if s != loading {
			return s, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the page at %s is still loading after %s", p.base, waitLimit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// poll evaluates expr until it gives something other than null, undefined
// or false, and decodes that into v. A page that is loading, an element
// not there yet, are waited for; a strict-mode violation fails at once.
func (p *tab) poll(expr string, limit time.Duration, v any) {
	deadline := time.Now().Add(limit)
	var last error
	for {
		s, err := p.evalRaw(expr)
		if err == nil {
			if s != "null" && s != "false" {
				noErr(json.Unmarshal([]byte(s), v))
				return
			}
			last = errors.New("not there yet")
		} else {
			if strings.Contains(err.Error(), "strict mode violation") {
				fail("%v", err)
			}
			last = err
		}
		if time.Now().After(deadline) {
			fail("waited %s for %s: %v", limit, expr, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// js evaluates expr once and returns it as text.
func (p *tab) js(expr string) string {
	s, err := p.evalRaw(expr)
	noErr(err)
	var v any
	noErr(json.Unmarshal([]byte(s), &v))
	if v == nil {
		return ""
	}
	if str, ok := v.(string); ok {
		return str
	}
	return s
}

// wait waits until expr gives a value and returns it as text.
func (p *tab) wait(expr string) string {
	var v any
	p.poll(expr, waitLimit, &v)
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// waitFor waits until expr is true.
func (p *tab) waitFor(expr string, limit time.Duration) {
	var v any
	p.poll(expr, limit, &v)
}

// waitVisible waits until the element expr finds is there and visible.
func (p *tab) waitVisible(elem string, limit time.Duration) {
	p.waitFor("((e) => shown(e))("+elem+")", limit)
}

// text waits for the element and returns its innerText.
func (p *tab) text(elem string) string {
	// Without soft hyphens: a reader sees them only where a word breaks.
	return strings.ReplaceAll(p.wait("((e) => e ? e.innerText : null)("+elem+")"), "\u00ad", "")
}

// texts returns the innerText of every element the list expression finds
// (without waiting, as allInnerTexts).
func (p *tab) texts(list string) []string {
	return p.strings("(" + list + ").map((e) => e.innerText)")
}

// strings evaluates expr, an array of strings, once.
func (p *tab) strings(expr string) []string {
	raw := p.js("JSON.stringify(" + expr + ")")
	var s []string
	noErr(json.Unmarshal([]byte(raw), &s))
	return s
}

func (p *tab) count(list string) int {
	n, err := strconv.Atoi(p.js("String((" + list + ").length)"))
	noErr(err)
	return n
}

// visible says whether the element is there and visible, without waiting.
func (p *tab) visible(elem string) bool { return p.js("String(shown("+elem+"))") == "true" }

// value waits for the form field and returns its value.
func (p *tab) value(sel string) string {
	return p.wait("((e) => e ? e.value : null)(q(" + jsq(sel) + "))")
}

// fill types value into the field as Playwright's fill: it replaces what is
// there, and the page sees input and change events.
func (p *tab) fill(sel, value string) {
	p.wait(fmt.Sprintf(`((e) => {
		if (!shown(e) || e.disabled || e.readOnly) return null;
		e.focus();
		e.value = %s;
		e.dispatchEvent(new Event("input", { bubbles: true }));
		e.dispatchEvent(new Event("change", { bubbles: true }));
		return true;
	})(q(%s))`, jsq(value), jsq(sel)))
}

// selectOption picks the option with value in the select.
func (p *tab) selectOption(sel, value string) {
	p.wait(fmt.Sprintf(`((e) => {
		if (!shown(e) || e.disabled || ![...e.options].some((o) => o.value === %[1]s)) return null;
		e.value = %[1]s;
		e.dispatchEvent(new Event("input", { bubbles: true }));
		e.dispatchEvent(new Event("change", { bubbles: true }));
		return true;
	})(q(%[2]s))`, jsq(value), jsq(sel)))
}

// click clicks the middle of the element with the mouse, once it is there,
// visible, enabled and not covered by another element.
func (p *tab) click(elem string) {
	var at struct{ X, Y float64 }
	p.poll(`((e) => {
		if (!shown(e) || e.disabled) return null;
		e.scrollIntoViewIfNeeded(true);
		const r = e.getBoundingClientRect();
		if (!r.width || !r.height) return null;
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		const hit = document.elementFromPoint(x, y);
		return hit && (hit === e || e.contains(hit)) ? { X: x, Y: y } : null;
	})(`+elem+`)`, waitLimit, &at)
	p.do(waitLimit, chromedp.MouseClickXY(at.X, at.Y))
}

// setChecked clicks the checkbox or radio button when it is not as wanted.
func (p *tab) setChecked(elem string, want bool) {
	if p.wait("((e) => e ? String(e.checked) : null)("+elem+")") != strconv.FormatBool(want) {
		p.click(elem)
	}
	assert(p.js("String(("+elem+").checked)") == strconv.FormatBool(want), "%s did not become checked=%v", elem, want)
}

// markPage marks the page on screen, so that waitNewPage knows it from the
// next one.
func (p *tab) markPage() { p.js(`(window.__e2eOld = true) && null`) }

// waitNewPage waits until another page than the marked one has loaded,
// at an address for which the JavaScript condition is true.
func (p *tab) waitNewPage(cond string, limit time.Duration) {
	p.waitFor(`!window.__e2eOld && document.readyState === "complete" && (`+cond+`)`, limit)
}

// urlMatches is the condition that the page's address matches re (a
// JavaScript regular expression; empty for any).
func urlMatches(re string) string { return fmt.Sprintf(`new RegExp(%s).test(location.href)`, jsq(re)) }

// clickNav clicks the element and waits for the page it opens, at an
// address that matches urlRE.
func (p *tab) clickNav(elem, urlRE string) { p.clickNavTo(elem, urlMatches(urlRE), waitLimit) }

// clickNavTo clicks the element and waits for the page it opens, at an
// address for which the JavaScript condition is true.
func (p *tab) clickNavTo(elem, cond string, limit time.Duration) {
	p.markPage()
	p.click(elem)
	p.waitNewPage(cond, limit)
}

func (p *tab) press(key string) { p.do(waitLimit, chromedp.KeyEvent(key)) }

// download clicks the link, saves what it downloads to out/e2e/saveAs and
// returns the file name the app suggested and the CSV's rows.
func (p *tab) download(link, saveAs string) (string, [][]string) {
	ctx, cancel := context.WithTimeout(p.ctx, waitLimit)
	defer cancel()
	begun := chromedp.Events(ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	p.click(link)
	var guid, name string
	for ev, err := range begun {
		noErr(err)
		guid, name = ev.GUID, ev.SuggestedFilename
		break
	}
	for ev, err := range progress {
		noErr(err)
		if ev.GUID != guid {
			continue
		}
		assert(ev.State != browser.DownloadProgressStateCanceled, "the download of %s was cancelled", name)
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	data, err := os.ReadFile(filepath.Join(p.downloads, guid))
	noErr(err)
	noErr(os.WriteFile(filepath.Join(p.out, saveAs), data, 0o644))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var rows [][]string
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		noErr(err)
		rows = append(rows, row)
	}
	assert(len(rows) > 0, "%s is empty", name)
	return name, rows
}

// shot saves what the window shows.
func (p *tab) shot(name string) {
	ctx, cancel := context.WithTimeout(p.ctx, waitLimit)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	noErr(err)
	noErr(os.WriteFile(filepath.Join(p.out, name), b, 0o644))
}

// fullShot saves the whole page, beyond the window.
func (p *tab) fullShot(name string) {
	ctx, cancel := context.WithTimeout(p.ctx, waitLimit)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	noErr(err)
	noErr(os.WriteFile(filepath.Join(p.out, name), b, 0o644))
}

// shotOf saves the element sel.
func (p *tab) shotOf(sel, name string) {
	ctx, cancel := context.WithTimeout(p.ctx, waitLimit)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	noErr(err)
	noErr(os.WriteFile(filepath.Join(p.out, name), b, 0o644))
}

// jsq quotes s as a JavaScript string.
func jsq(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// jsSpaces is JavaScript's \s+: Unicode spaces, not only ASCII ones.
var jsSpaces = regexp.MustCompile(`[\s\p{Zs}\x{FEFF}]+`)

// wholeNumber reads "1,234" (English) or "1.234" (German) as 1234;
// anything else is a failure.
func wholeNumber(s string) int {
	n, err := strconv.Atoi(strings.NewReplacer(".", "", ",", "").Replace(strings.TrimSpace(s)))
	assert(err == nil, "not a whole number: %q", s)
	return n
}

// euroCents reads an amount in cents: English ("1,140.00", "€1,140.00") or
// German ("1.140,00", maybe followed by " €").
func euroCents(s string) int {
	s = strings.Replace(strings.TrimSpace(s), "€", "", 1)
	m := regexp.MustCompile(`^(-?[\d,]+)\.(\d{2})\b`).FindStringSubmatch(s)
	sep := ","
	if m == nil {
		m, sep = regexp.MustCompile(`^(-?[\d.]+),(\d{2})`).FindStringSubmatch(s), "."
	}
	assert(m != nil, "not an amount: %s", s)
	whole, err := strconv.Atoi(strings.ReplaceAll(m[1], sep, ""))
	noErr(err)
	cents, _ := strconv.Atoi(m[2])
	if strings.HasPrefix(m[1], "-") {
		cents = -cents
	}
	return whole*100 + cents
}

func euros(cents int) string { return fmt.Sprintf("%.2f", float64(cents)/100) }

func allMatch(ss []string, re *regexp.Regexp) bool {
	for _, s := range ss {
		if !re.MatchString(s) {
			return false
		}
	}
	return true
}

func allEqual(ss []string, want string) bool {
	for _, s := range ss {
		if s != want {
			return false
		}
	}
	return true
}

func distinct(ss []string) []string {
	var d []string
	for _, s := range ss {
		if indexOf(d, s) < 0 {
			d = append(d, s)
		}
	}
	return d
}

func indexOf(ss []string, s string) int {
	for i, v := range ss {
		if v == s {
			return i
		}
	}
	return -1
}

func trimAll(ss []string) []string {
	for i := range ss {
		ss[i] = strings.TrimSpace(ss[i])
	}
	return ss
}

func first3(ss []string) []string { return ss[:min(3, len(ss))] }
