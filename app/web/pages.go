package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"

	"wattfolio/app"
	"wattfolio/frontend/views"
	"wattfolio/sync/engine"
)

// chrome is the shared page frame for r. A bad lang parameter is reported
// through err but still yields a usable frame for the error page.
func (h *handler) chrome(w http.ResponseWriter, r *http.Request, title, nav string) (views.Chrome, error) {
	lang, err := h.language(w, r)
	c := views.Chrome{
		Title:       title,
		Nav:         nav,
		Fmt:         views.Fmt{Lang: lang, Loc: h.o.Location, Now: h.o.Now()},
		DefaultLang: h.o.Lang,
		Path:        r.URL.Path,
		Query:       r.URL.Query(),
		// Customers is true when the customer pages exist.
		Customers: h.o.Accounts != nil,
		Offers:    h.o.OfferStore != nil,
		Savings:   h.o.Savings != nil,
		Edits:     h.o.Edits != nil,
		Sources:   h.o.Setup != nil,
	}
	h.refreshCounts(r.Context(), &c)
	return c, err
}

func (h *handler) portfolio(w http.ResponseWriter, r *http.Request) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Portfolio"), "portfolio")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q, err := parseQuery(r.URL.Query(), h.o.Location)
	status, ok := h.refuse(w, r, &c, err)
	if !ok {
		return
	}
	ctx := r.Context()
	page, err := h.o.Contracts.ListContracts(ctx, q.filter)
	if err != nil {
		h.fail(w, r, fmt.Errorf("list contracts: %w", err))
		return
	}
	if len(page.Contracts) == 0 && q.filter.Offset > 0 {
		// Past the last page the store cannot count; ask for the first row
		// to tell "no such page" from "no matches".
		first := q.filter
		first.Offset, first.Limit = 0, 1
		p1, err := h.o.Contracts.ListContracts(ctx, first)
		if err != nil {
			h.fail(w, r, fmt.Errorf("list contracts: %w", err))
			return
		}
		page.Total = max(page.Total, p1.Total)
	}
	opts, err := h.o.Contracts.FilterOptions(ctx)
	if err != nil {
		h.fail(w, r, fmt.Errorf("filter options: %w", err))
		return
	}
	facets, err := h.o.Contracts.ContractFacets(ctx, q.filter)
	if err != nil {
		h.fail(w, r, fmt.Errorf("facet counts: %w", err))
		return
	}
	var accounts []app.Account
	if h.o.Accounts != nil {
		if accounts, err = h.o.Accounts.Accounts(ctx); err != nil {
			h.fail(w, r, fmt.Errorf("accounts: %w", err))
			return
		}
	}
	slice, err := h.slice(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pages := max(1, (page.Total+q.form.Per-1)/q.form.Per)
	m := views.Portfolio{
		Slice:      slice,
		Chrome:     c,
		Filter:     q.form,
		Options:    opts,
		Page:       page,
		PageNo:     q.page,
		Pages:      pages,
		PerChoices: perChoices,
		DefaultPer: defaultPer,
		Empty:      page.Total == 0 && !q.form.Narrowed() && len(opts.Sources) == 0,
		CanSync:    h.o.Syncer != nil,
		CanSetup:   h.o.Setup != nil,
		CanDemo:    h.o.Demo != nil,
		Accounts:   accounts,
		Facets:     &facets,
	}
	// The store pages by our Limit/Offset; keep the page's own view of them
	// consistent with what was asked even if the store leaves them unset.
	m.Page.Offset, m.Page.Limit = q.filter.Offset, q.filter.Limit
	h.respond(w, r, status, views.PortfolioPage(m), func() any { return portfolioDocOf(m) })
}

func (h *handler) contract(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "contract")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.contractModel(w, r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, http.StatusOK, views.ContractPage(m), func() any { return contractPageDocOf(m) })
}

// contractModel reads what the contract page shows.
func (h *handler) contractModel(w http.ResponseWriter, r *http.Request, id int64) (views.Contract, error) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Contract"), "portfolio")
	if err != nil {
		return views.Contract{}, err
	}
	ct, err := h.o.Contracts.GetContract(r.Context(), id)
	if err != nil {
		return views.Contract{}, fmt.Errorf("get contract %d: %w", id, err)
	}
	c.Title = c.Fmt.ContractTitle(ct)
	m := views.Contract{Chrome: c, C: ct, BackURL: c.Link("/contracts", nil)}
	m.Raw, m.Personal = h.vendorJSON(w, r, c, fmt.Sprintf("/contracts/%d", id), ct.Raw)
	if m.History, err = h.o.Contracts.ContractHistory(r.Context(), id); err != nil {
		return m, fmt.Errorf("history of contract %d: %w", id, err)
	}
	if !m.Personal.Shown {
		m.History = maskHistory(m.History)
	}
	if h.o.Meters != nil {
		if m.Meters, err = h.o.Meters.MetersOfContract(r.Context(), id); err != nil {
			return m, fmt.Errorf("meters of contract %d: %w", id, err)
		}
	}
	if h.o.Edits != nil {
		if m.Edits, err = h.contractEdits(r.Context(), ct); err != nil {
			return m, fmt.Errorf("edits of contract %d: %w", id, err)
		}
	}
	if ref := r.Referer(); ref != "" {
		// Back to the same filters when the user came from the portfolio.
		if u, err := parseLocalURL(ref); err == nil && (u.Path == "/contracts" || u.Path == "/") {
			m.BackURL = c.Link("/contracts", u.Query())
		}
	}
	return m, nil
}

// prettyJSON indents the vendor's JSON; what does not parse is shown as sent.
func prettyJSON(raw []byte) string {
	if len(bytes.TrimSpace(raw)) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

// slice is the cache's slice of a team's book, nil when it is none.
func (h *handler) slice(ctx context.Context) (*app.Slice, error) {
	if h.o.Slice == nil {
		return nil, nil
	}
	sl, err := h.o.Slice.PulledSlice(ctx)
	if err != nil {
		return nil, fmt.Errorf("slice: %w", err)
	}
	return sl, nil
}

func (h *handler) syncPage(w http.ResponseWriter, r *http.Request) {
	h.renderSync(w, r, "")
}

func (h *handler) renderSync(w http.ResponseWriter, r *http.Request, notice string) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Sync"), "sync")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sources, err := h.o.Sources.SourceStatuses(r.Context())
	if err != nil {
		h.fail(w, r, fmt.Errorf("source statuses: %w", err))
		return
	}
	slice, err := h.slice(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.sync.mu.Lock()
	running, failed, wait := h.sync.running, h.sync.failed, h.sync.wait
	h.sync.mu.Unlock()
	if running && notice == "" {
		notice = wait
	}
	m := views.Sync{
		Chrome:      c,
		Slice:       slice,
		Sources:     sources,
		CanSync:     h.o.Syncer != nil,
		Running:     running,
		Notice:      notice,
		LastFailed:  failed,
		StaleAfter:  StaleAfter,
		Progress:    progressOf(h.sync.board.Statuses(), time.Now()),
		ProgressURL: c.Link("/sync/progress", nil),
	}
	if m.AnyRunning() {
		m.Refresh = c.Link("/sync", nil)
		// This process's sync is followed in place by the page's script;
		// one in another process only by reloading.
		m.RefreshNoScript = running
	}
	h.respond(w, r, http.StatusOK, views.SyncPage(m), func() any { return syncDocOf(m) })
}

// syncProgress serves the progress panel of the sync page alone (or its
// JSON), which the page's script fetches every second while a sync runs.
func (h *handler) syncProgress(w http.ResponseWriter, r *http.Request) {
	lang, err := h.language(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.sync.mu.Lock()
	running := h.sync.running
	h.sync.mu.Unlock()
	c := views.Chrome{Fmt: views.Fmt{Lang: lang, Loc: h.o.Location, Now: h.o.Now()}, DefaultLang: h.o.Lang, Path: "/sync", Query: r.URL.Query()}
	m := views.Sync{Chrome: c, Running: running, Progress: progressOf(h.sync.board.Statuses(), time.Now()), ProgressURL: c.Link("/sync/progress", nil)}
	h.respond(w, r, http.StatusOK, views.SyncProgressPanel(m), func() any {
		return progressDoc{Running: running, Sources: m.Progress}
	})
}

// progressDoc is /sync/progress as JSON.
type progressDoc struct {
	Running bool                 `json:"running"`
	Sources []views.SyncProgress `json:"sources"`
}

// progressOf turns the engine's statuses into the page's, with a wait shown
// only while it lasts (now is the wall clock the engine's waits end by).
func progressOf(sts []engine.Status, now time.Time) []views.SyncProgress {
	out := make([]views.SyncProgress, 0, len(sts))
	for _, s := range sts {
		p := views.SyncProgress{
			Source: s.Source, Phase: string(s.Phase), Pages: s.Pages, Contracts: s.Contracts,
			Rejected: s.Rejected, Missing: s.Missing, Meters: s.Meters, MetersOf: s.MetersOf,
			Readings: s.Readings, Err: s.Err,
		}
		if w, ok := s.Waiting(now); ok {
			cause := w.Cause
			if w.Status != 0 {
				cause = strconv.Itoa(w.Status)
			}
			p.Wait = &views.SyncWait{Cause: cause, For: w.For, Seconds: w.For.Seconds(), Attempt: w.Attempt, Of: w.Of}
		}
		out = append(out, p)
	}
	return out
}

// startSync starts SyncAll in the background, unless one is running, and
// answers with the sync page itself: the Wails window does not follow a
// redirect after a POST.
func (h *handler) startSync(w http.ResponseWriter, r *http.Request) {
	notice := views.T(r.Context(), "Sync started. Sources update below as they finish.")
	if other, ok := h.o.Syncer.(interface{ RunningElsewhere() (string, bool) }); ok {
		if who, running := other.RunningElsewhere(); running {
			h.renderSync(w, r, views.Tf(r.Context(), "Another Wattfolio is syncing this cache (%s). Try again when it has finished.", who))
			return
		}
	}
	if h.o.Setup != nil {
		if cfg, err := h.o.Setup.SourceConfig(r.Context()); err == nil && len(cfg.Sources) == 0 {
			h.renderSync(w, r, views.T(r.Context(), "There are no sources yet: add one on the Sources page, then sync."))
			return
		}
	}
	if !h.beginSync() {
		notice = views.T(r.Context(), "A sync is already running.")
	}
	h.renderSync(w, r, notice)
}

// beginSync starts a background sync and reports whether it did; false means
// one was running already.
func (h *handler) beginSync() bool {
	h.sync.mu.Lock()
	defer h.sync.mu.Unlock()
	if h.sync.running {
		return false
	}
	h.sync.running = true
	done := make(chan struct{})
	h.sync.done = done
	go h.runSync(done)
	return true
}

func (h *handler) runSync(done chan struct{}) {
	ctx, cancel := context.WithTimeout(h.o.SyncContext, h.o.SyncTimeout)
	start := h.o.Now()
	var err error
	defer func() {
		cancel()
		if p := recover(); p != nil {
			err = fmt.Errorf("sync panicked: %v", p)
		}
		if err != nil {
			// The error comes from the sync engine, which names sources and
			// keeps tokens out of its messages.
			h.log.Error("sync failed", "err", err, "took", h.o.Now().Sub(start))
		} else {
			h.log.Info("sync finished", "took", h.o.Now().Sub(start))
		}
		h.sync.mu.Lock()
		h.sync.running = false
		h.sync.failed = err != nil
		h.sync.wait = ""
		h.sync.mu.Unlock()
		// Even a failed sync may have brought new contracts from the
		// sources that worked.
		h.recomputeSavings()
		close(done)
	}()
	h.log.Info("sync started")
	h.sync.board.Reset()
	ctx = engine.WithReporter(ctx, &h.sync.board)
	ctx = engine.WithWaits(ctx, func(w engine.Wait) {
		h.sync.mu.Lock()
		h.sync.wait = w.String()
		h.sync.mu.Unlock()
	})
	err = h.o.Syncer.SyncAll(ctx)
}

// wait blocks until the background sync, if any, has finished. For tests.
func (h *handler) wait() {
	h.sync.mu.Lock()
	done := h.sync.done
	h.sync.mu.Unlock()
	if done != nil {
		<-done
	}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a whole page: rendered into a buffer first, so that a
// failure half-way becomes an error page rather than half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		// A 93-day hourly meter page is half a megabyte, and its buffer
		// grows past a megabyte: kept, it is not grown again on every load.
		if buf.Cap() < 4<<20 {
			bufPool.Put(buf)
		}
	}()
	if err := c.Render(r.Context(), buf); err != nil {
		if status >= 500 { // rendering the error page failed: last resort
			h.log.Error("render error page", "err", err)
			http.Error(w, "Internal error", http.StatusInternalServerError)
			return
		}
		h.fail(w, r, fmt.Errorf("render: %w", err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail answers err with an error page: 400 for a bad parameter, 404 for
// app.ErrNotFound, 500 (with the detail only in the log) for the rest.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, heading, msg := h.classify(r, err)
	if status == 0 {
		return
	}
	h.renderError(w, r, status, heading, msg)
}

// classify maps err to a status and what the user is told; status 0 when
// nobody is listening any more.
func (h *handler) classify(r *http.Request, err error) (status int, heading, msg string) {
	ctx := r.Context()
	var pe *paramError
	var re *requestError
	switch {
	case errors.As(err, &pe):
		reason := views.Tf(ctx, pe.Reason, pe.Args...)
		if !pe.Msg.IsZero() {
			reason = views.Msg(ctx, pe.Msg)
		}
		return http.StatusBadRequest, views.T(ctx, "This address has a value Wattfolio cannot use"),
			views.Tf(ctx, "The parameter %q has the value %q, which is %s.", pe.Name, pe.Value, reason)
	case errors.As(err, &re):
		return http.StatusBadRequest, views.T(ctx, "This request cannot be carried out"), views.Tf(ctx, re.Msg, re.Args...)
	case errors.Is(err, app.ErrNotFound):
		return http.StatusNotFound, views.T(ctx, "Not found"), notFoundMessage(ctx, r.URL.Path)
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The user went away; nobody reads the answer.
		h.log.Debug("request cancelled", "path", r.URL.Path)
		return 0, "", ""
	}
	h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	return http.StatusInternalServerError, views.T(ctx, "Something went wrong"),
		views.T(ctx, "Wattfolio could not show this page. The details are in the log; please try again.")
}

// notFoundMessage says what is missing at path and where it would come from.
func notFoundMessage(ctx context.Context, path string) string {
	switch {
	case strings.HasPrefix(path, "/meters/"):
		return views.T(ctx, "There is no meter at this address. Meters come with their contracts at a sync; the link may be from another cache.")
	case strings.HasPrefix(path, "/customers/"):
		return views.T(ctx, "There is no customer at this address. Your customers are the [[customer]] blocks of the sources file; this one may have been renamed or removed there.")
	case strings.HasPrefix(path, "/offers/"):
		return views.T(ctx, "There is no offer at this address. It may have been deleted.")
	case strings.HasPrefix(path, "/contracts/"):
		return views.T(ctx, "There is no contract at this address. It may not be in this cache, or its source may have been removed from the sources file.")
	}
	return views.T(ctx, "There is nothing at this address.")
}

func (h *handler) renderError(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	if wantsJSON(r) {
		writeJSON(w, status, errorDoc{Status: status, Error: heading, Message: msg})
		return
	}
	lang := h.requestLang(r)
	m := views.Error{
		Chrome: views.Chrome{
			Title:       heading,
			Fmt:         views.Fmt{Lang: lang, Loc: h.o.Location, Now: h.o.Now()},
			DefaultLang: h.o.Lang,
			Path:        "/contracts",
			Customers:   h.o.Accounts != nil,
			Offers:      h.o.OfferStore != nil,
			Savings:     h.o.Savings != nil,
			Edits:       h.o.Edits != nil,
			Sources:     h.o.Setup != nil,
		},
		Status:  status,
		Heading: heading,
		Message: msg,
	}
	h.render(w, r, status, views.ErrorPage(m))
}

// parseLocalURL parses a Referer, accepting only this app's own pages, on
// loopback or in the desktop window (only its path and query are used).
func parseLocalURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Host != "" && !allowedHost(u.Host) && !windowHost(u.Host) {
		return nil, errors.New("foreign referer")
	}
	return u, nil
}
