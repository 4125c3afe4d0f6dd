package main

// The desktop shell's HTTP side, kept free of Wails and cgo so that plain
// `go test ./...` covers it: the window's requests go through shell.ServeHTTP
// before they reach the one handler. The shell adds what only a desktop
// window needs: saving a CSV export where the user picks (a browser does that
// itself with its download bar) and, for the end-to-end test, a report of
// what the page on screen shows.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Paths the shell answers itself; the browser build has no such routes.
const (
	shellExportPath = "/desktop/export" // POST [<export path>]?<the export link's query>
	shellProbePath  = "/desktop/probe"  // POST a JSON report of the page (tests)
)

// saveDialog asks the user where to save a file, under the dialog title
// title: the chosen path, "" when the user cancelled.
type saveDialog func(title, defaultName string) (string, error)

// exportKind is one CSV export the window saves through the save dialog.
type exportKind struct {
	title    string // the dialog's title
	one      string // a data row, in the toast: "contract"
	many     string // data rows: "contracts"
	fallback string // the file name when the handler suggests none
}

// exportKinds are the handler's CSV exports the window may save: the export
// link's path (after shellExportPath) must match one of them.
var exportKinds = []struct {
	path *regexp.Regexp
	kind exportKind
}{
	{regexp.MustCompile(`^/contracts\.csv$`), exportKind{"Export contracts as CSV", "contract", "contracts", "wattfolio-contracts.csv"}},
	{regexp.MustCompile(`^/customers/\d+/compare\.csv$`), exportKind{"Export comparison as CSV", "option", "options", "wattfolio-compare.csv"}},
	{regexp.MustCompile(`^/savings\.csv$`), exportKind{"Export savings as CSV", "customer", "customers", "wattfolio-savings.csv"}},
	{regexp.MustCompile(`^/meters/\d+/readings\.csv$`), exportKind{"Export meter readings as CSV", "reading", "readings", "wattfolio-meter-readings.csv"}},
}

// exportKindOf is the export behind path ("" is the portfolio's).
func exportKindOf(path string) (exportKind, bool) {
	if path == "" {
		path = "/contracts.csv"
	}
	for _, k := range exportKinds {
		if k.path.MatchString(path) {
			return k.kind, true
		}
	}
	return exportKind{}, false
}

// shell wraps the one handler for the desktop window.
type shell struct {
	next   http.Handler
	save   saveDialog
	log    *slog.Logger
	mu     sync.Mutex // one save dialog at a time
	lastTo string     // the folder of the last export, offered next time

	// probeFile, when set (WATTFOLIO_DESKTOP_PROBE), receives the page
	// reports the window posts to shellProbePath, newest wins.
	probeFile string
}

func (s *shell) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if strings.HasPrefix(path, shellExportPath+"/") {
		path = shellExportPath // /desktop/export/customers/3/compare.csv
	}
	switch path {
	case shellExportPath, shellProbePath:
		// Only the window itself may use these: it asks with Host wails
		// (Linux, macOS) or wails.localhost (Windows).
		if h := strings.ToLower(r.Host); h != "wails" && h != "wails.localhost" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if path == shellExportPath {
			s.export(w, r)
		} else {
			s.probe(w, r)
		}
		return
	}
	s.next.ServeHTTP(w, r)
}

// exportResult is the answer to the page's export request; app.js shows it.
type exportResult struct {
	Saved     string `json:"saved,omitempty"` // the file written
	Contracts int    `json:"contracts"`       // data rows in a portfolio export
	Rows      int    `json:"rows"`            // data rows in it
	What      string `json:"what,omitempty"`  // what the rows are: "3 options"
	Cancelled bool   `json:"cancelled,omitempty"`
	Error     string `json:"error,omitempty"`
}

// export asks where to save, then writes the same CSV that the export link
// serves to that file: POST /desktop/export/customers/3/compare.csv?o=c1&o=o2
// saves GET /customers/3/compare.csv?o=c1&o=o2; POST /desktop/export?query
// (no path) is the portfolio's /contracts.csv with its filters and dialect.
func (s *shell) export(w http.ResponseWriter, r *http.Request) {
	res, status := s.exportPath(r, strings.TrimPrefix(r.URL.Path, shellExportPath), r.URL.RawQuery)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(res)
}

func (s *shell) exportPath(r *http.Request, path, rawQuery string) (exportResult, int) {
	kind, ok := exportKindOf(path)
	if !ok {
		s.log.Warn("desktop export: not an export", "path", path)
		return exportResult{Error: "Wattfolio has no CSV export at " + path + "."}, http.StatusBadRequest
	}
	if path == "" {
		path = "/contracts.csv"
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	// Render first, so that a bad filter is reported before a dialog opens
	// and the dialog can offer the handler's own file name.
	req := httptest.NewRequestWithContext(r.Context(), http.MethodGet, "http://wails"+path+"?"+rawQuery, nil)
	req.Host = r.Host
	for _, c := range r.Cookies() {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	s.next.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		s.log.Warn("desktop export: the handler refused", "status", rec.Code)
		return exportResult{Error: "Wattfolio could not make this export: " + pageMessage(rec.Body.String())}, http.StatusBadRequest
	}
	name := attachmentName(rec.Header().Get("Content-Disposition"), kind.fallback)
	if s.lastTo != "" {
		name = filepath.Join(s.lastTo, name)
	}
	path, err := s.save(kind.title, name)
	if err != nil {
		s.log.Error("desktop export: save dialog", "err", err)
		return exportResult{Error: "The save dialog failed: " + err.Error()}, http.StatusInternalServerError
	}
	if path == "" {
		return exportResult{Cancelled: true}, http.StatusOK
	}
	if filepath.Ext(path) == "" {
		path += ".csv" // GTK's dialog does not add the filter's extension
	}
	body := rec.Body.Bytes()
	rows, err := countCSVRows(body, rawQuery)
	if err != nil {
		return exportResult{Error: "The export is not valid CSV: " + err.Error()}, http.StatusInternalServerError
	}
	if err := writeBytes(path, body); err != nil {
		s.log.Error("desktop export: write", "err", err)
		return exportResult{Error: err.Error()}, http.StatusInternalServerError
	}
	s.lastTo = filepath.Dir(path)
	s.log.Info("desktop export saved", "rows", rows, "export", kind.many)
	res := exportResult{Saved: path, Rows: rows, What: fmt.Sprintf("%d %s", rows, kind.many)}
	if rows == 1 {
		res.What = "1 " + kind.one
	}
	if kind.many == "contracts" {
		res.Contracts = rows
	}
	return res, http.StatusOK
}

// attachmentName is the file name from a Content-Disposition header, or
// fallback.
func attachmentName(cd, fallback string) string {
	const key = `filename="`
	if i := strings.Index(cd, key); i >= 0 {
		rest := cd[i+len(key):]
		if j := strings.IndexByte(rest, '"'); j > 0 {
			if name := filepath.Base(rest[:j]); name != "." && name != "/" {
				return name
			}
		}
	}
	return fallback
}

// countCSVRows counts the data rows (all records but the header) of a CSV
// export in the query's dialect.
func countCSVRows(body []byte, rawQuery string) (int, error) {
	v, _ := url.ParseQuery(rawQuery)
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	if v.Get("dialect") == "excel-de" {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	n := -1 // the header
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return max(n, 0), nil
		}
		if err != nil {
			return 0, err
		}
		n++
	}
}

// writeBytes writes data to path through a temporary file in the same
// folder (writeFileAtomic), so that a failed write never leaves half a report
// under the name the user chose.
func writeBytes(path string, data []byte) error {
	err := writeFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// pageMessage pulls the first paragraph of the handler's error page, which
// says in plain words what was wrong.
func pageMessage(html string) string {
	if i := strings.Index(html, "<h1>"); i >= 0 {
		html = html[i:]
	}
	if i := strings.Index(html, "<p>"); i >= 0 {
		rest := html[i+3:]
		if j := strings.Index(rest, "</p>"); j >= 0 {
			return strings.TrimSpace(rest[:j])
		}
	}
	return "the request was refused."
}

// probeReport is what the window reports about the page it shows; the
// desktop end-to-end test reads it (see e2e/desktop_test.go).
type probeReport struct {
	URL       string                    `json:"url"`
	Lang      string                    `json:"lang"` // <html lang>
	Title     string                    `json:"title"`
	H1        string                    `json:"h1"`
	Lede      string                    `json:"lede"`
	Rows      int                       `json:"rows"`
	Notices   []string                  `json:"notices"`
	Focused   string                    `json:"focused"`
	FocusRow  int                       `json:"focusRow"`  // index of the focused table row, -1 for none
	RowTitles []string                  `json:"rowTitles"` // the first rows' contract titles
	InnerW    int                       `json:"innerWidth"`
	InnerH    int                       `json:"innerHeight"`
	Targets   map[string]map[string]int `json:"targets"` // name -> x, y, w, h (CSS pixels)
	Toast     string                    `json:"toast"`
	At        time.Time                 `json:"at"`
}

func (s *shell) probe(w http.ResponseWriter, r *http.Request) {
	if s.probeFile == "" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	var rep probeReport
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&rep); err != nil {
		http.Error(w, "bad report", http.StatusBadRequest)
		return
	}
	rep.At = time.Now().UTC()
	b, _ := json.MarshalIndent(rep, "", "  ")
	if err := writeBytes(s.probeFile, b); err != nil {
		s.log.Warn("desktop probe", "err", err)
	}
	w.WriteHeader(http.StatusNoContent)
}

// probeJS reports the page to shellProbePath; the shell runs it in the
// window every few hundred milliseconds when WATTFOLIO_DESKTOP_PROBE is set.
const probeJS = `(function () {
  try {
    var q = function (s) { return document.querySelector(s); };
    var text = function (s) { var e = q(s); return e ? e.textContent.replace(/\s+/g, " ").trim() : ""; };
    var targets = {};
    var markEl = function (name, e) {
      var r = e.getBoundingClientRect();
      if (!r.width || !r.height) return null;
      return (targets[name] = { x: Math.round(r.left), y: Math.round(r.top), w: Math.round(r.width), h: Math.round(r.height) });
    };
    var mark = function (name, sel) { var e = q(sel); if (e) markEl(name, e); };
    var words = function (e) { return e ? e.textContent.replace(/\s+/g, " ").trim() : ""; };
    mark("nav-portfolio", 'nav a[href^="/contracts"]');
    mark("nav-sync", 'nav a[href^="/sync"]');
    mark("sync-now", 'form[action^="/sync"] button');
    mark("export", 'a[href^="/contracts.csv"]');
    mark("first-row", "tbody .row-link");
    mark("search", "#f-q");
    mark("nav-customers", 'nav a[href^="/customers"]');
    mark("nav-offers", 'nav a[href^="/offers"]');
    mark("nav-savings", 'nav a[href^="/savings"]');
    mark("nav-changes", 'nav a[href^="/changes"]');
    mark("lang-de", 'a[hreflang="de"]');
    mark("lang-en", 'a[hreflang="en"]');
    mark("new-offer", 'a[href^="/offers/new"]');
    mark("meter", 'a[href^="/meters/"]');
    // Generic targets: table rows by title, buttons by text, form fields by
    // id, option checkboxes by label ("checked" 1 when ticked).
    Array.prototype.slice.call(document.querySelectorAll("a.row-link[title]"), 0, 60).forEach(function (a) { markEl("row:" + a.getAttribute("title"), a); });
    document.querySelectorAll("a.button, button.button").forEach(function (b) { if (!targets["button:" + words(b)]) markEl("button:" + words(b), b); });
    document.querySelectorAll("form input[id], form select[id], form textarea[id]").forEach(function (e) { markEl("#" + e.id, e); });
    document.querySelectorAll("label.choice").forEach(function (l) {
      var i = l.querySelector("input"); if (!i) return;
      var t = markEl("choice:" + words(l.querySelector(".primary")) + " | " + words(l.querySelector(".secondary")), i);
      if (t) t.checked = i.checked ? 1 : 0;
    });
    var notices = [];
    document.querySelectorAll(".notice").forEach(function (n) { notices.push(n.textContent.replace(/\s+/g, " ").trim()); });
    var f = document.activeElement;
    var links = Array.prototype.slice.call(document.querySelectorAll("table.grid tbody .row-link"));
    var titles = links.slice(0, 3).map(function (a) { return a.textContent.replace(/\s+/g, " ").trim(); });
    fetch("/desktop/probe", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({
      url: location.pathname + location.search, lang: document.documentElement.lang, title: document.title, h1: text("h1"), lede: text(".lede"),
      rows: document.querySelectorAll("table.grid tbody tr").length, notices: notices,
      focused: f && f !== document.body ? (f.textContent || f.id || f.tagName).replace(/\s+/g, " ").trim().slice(0, 80) : "",
      focusRow: links.indexOf(f), rowTitles: titles,
      innerWidth: window.innerWidth, innerHeight: window.innerHeight, targets: targets, toast: text(".toast")
    }) });
  } catch (e) {}
})();`
