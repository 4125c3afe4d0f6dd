// Package web is Wattfolio's user interface: one http.Handler serving the
// portfolio, contract pages, the CSV export, the sync page and the static
// assets. The same handler runs in the Wails window and on loopback in a
// browser, so it renders plain HTML, answers POSTs with a page (WebKitGTK does
// not follow redirects after a POST) and refuses requests for other hosts.
package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/frontend"
	"wattfolio/frontend/views"
	"wattfolio/sync/engine"
)

// ContractReader reads contracts from the cache.
type ContractReader interface {
	ListContracts(ctx context.Context, f app.ContractFilter) (app.ContractPage, error)
	// EachContract calls fn for every contract matching f (Limit and Offset
	// ignored), streaming in constant memory; it stops at fn's first error.
	EachContract(ctx context.Context, f app.ContractFilter, fn func(app.Contract) error) error
	// GetContract returns app.ErrNotFound when there is no contract id.
	GetContract(ctx context.Context, id int64) (app.Contract, error)
	FilterOptions(ctx context.Context) (app.FilterOptions, error)
	// ContractFacets counts the contracts matching f per status, vendor
	// and commodity, each under f's other filters.
	ContractFacets(ctx context.Context, f app.ContractFilter) (app.Facets, error)
	// ContractHistory lists what the syncs changed in contract id, newest first.
	ContractHistory(ctx context.Context, id int64) ([]app.Change, error)
}

// SourceReader reports the configured sources and their last runs.
type SourceReader interface {
	SourceStatuses(ctx context.Context) ([]app.SourceStatus, error)
}

// AccountReader reads the user's customers (accounts): the ids one customer
// has at several sources, linked in the sources file.
type AccountReader interface {
	// Accounts lists every account with its contract counts per vendor.
	Accounts(ctx context.Context) ([]app.Account, error)
	// Account returns one account with its links, or app.ErrNotFound.
	Account(ctx context.Context, id int64) (app.Account, error)
}

// Syncer syncs every configured source; it can take a minute. A Syncer
// that also has RunningElsewhere() (who string, running bool) is asked
// first, so that "Sync now" can say a sync in another process is running.
type Syncer interface {
	SyncAll(ctx context.Context) error
}

// SliceReader says whether the cache is a slice of a team's book and how
// fresh.
type SliceReader interface {
	// PulledSlice returns nil for a cache that is not a slice.
	PulledSlice(ctx context.Context) (*app.Slice, error)
}

// Options configure New.
type Options struct {
	Contracts ContractReader
	Sources   SourceReader
	// Slice says how fresh a cache pulled from a team's book is, on the
	// portfolio and the sync page; nil: never said.
	Slice SliceReader
	// Meters serves the meter pages and their CSV; nil: no meter pages.
	Meters MeterReader
	// Accounts serves the customer pages and the portfolio's Customer
	// filter; nil: neither.
	Accounts AccountReader
	// Compare reads what comparisons are priced from (the cache's curves,
	// prices and contracts); with Accounts it serves the compare pages and
	// the customer page's annual costs. nil: neither.
	Compare compare.Store
	// Offers lists the stored offers a comparison can choose from; nil: none.
	Offers OfferLister
	// OfferStore serves the offers pages (list, add, edit, duplicate,
	// delete); nil: none.
	OfferStore OfferStore
	// Savings serves the portfolio savings view, its CSV and JSON, and
	// recomputes it after a sync and an offer change; nil: none.
	Savings SavingsStore
	// Edits serves offline edits (the contract page's edit form and notes,
	// the Changes page and the header's count); nil: none.
	Edits EditStore
	// Sender sends pending edits now ("Send changes"); nil: only a sync
	// run elsewhere sends them.
	Sender Sender
	// Token is this launch's secret: a request over TCP needs it, in the
	// address serve prints (?token=) or in the cookie that address sets;
	// empty refuses every request but the desktop window's (see Window).
	Token string
	// Syncer runs "Sync now"; nil shows no sync button.
	Syncer Syncer
	// Setup serves the Sources page and the first launch's "Add a
	// source"; nil: neither (the sources file is edited by hand).
	Setup SourceSetup
	// Demo lets the first launch open the demo; nil: it does not offer to.
	Demo DemoOpener
	// Lang is the display language (views.LangDE or views.LangEN) of a
	// browser that has not chosen one with the switch; main sets it from
	// the system locale. Default German, the language of the users.
	Lang string
	// Location is where dates are shown and read (active_on); default Europe/Berlin.
	Location *time.Location
	// Logger gets errors and sync outcomes; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// SyncContext is the parent of background syncs, which outlive the request
	// that started them; cancel it on shutdown to stop a running sync.
	// Default context.Background().
	SyncContext context.Context
	// SyncTimeout bounds one background sync; default 30 minutes.
	SyncTimeout time.Duration
}

// StaleAfter is the data age from which the sync page highlights a source.
const StaleAfter = 24 * time.Hour

type handler struct {
	o      Options
	log    *slog.Logger
	mux    *http.ServeMux
	static http.Handler
	sync   syncState
	series seriesCache
	// savings is the background recompute of the savings view.
	savings savingsState
	// routes are the patterns of the pages and actions, in the order
	// registered: the test of the JSON twins walks the GET ones.
	routes []string
}

// handle registers a page or an action.
func (h *handler) handle(pattern string, fn http.HandlerFunc) {
	h.routes = append(h.routes, pattern)
	h.mux.HandleFunc(pattern, fn)
}

// syncState is the one background sync this handler may run at a time.
type syncState struct {
	mu      sync.Mutex
	running bool
	failed  bool // the last sync returned an error
	done    chan struct{}
	// wait is the latest wait between tries of the running sync, e.g.
	// "otark: 429, waiting 12 s (attempt 2 of 5)": the page shows it, so
	// that a stalled vendor does not look like a hung sync.
	wait string
	// board keeps each source's progress in the running (or last) sync.
	board engine.Board
}

// New returns the handler. Options.Contracts and Options.Sources are required.
func New(o Options) http.Handler { return newHandler(o).chain() }

func newHandler(o Options) *handler {
	if o.Contracts == nil || o.Sources == nil {
		panic("web: Options.Contracts and Options.Sources are required")
	}
	if o.Location == nil {
		o.Location = berlin()
	}
	if o.Lang != views.LangEN {
		o.Lang = views.LangDE
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SyncContext == nil {
		o.SyncContext = context.Background()
	}
	if o.SyncTimeout <= 0 {
		o.SyncTimeout = 30 * time.Minute
	}
	h := &handler{o: o, log: o.Logger.With("component", "web"), mux: http.NewServeMux()}
	h.static = staticHandler(frontend.Static)

	h.handle("GET /{$}", h.portfolio)
	h.handle("GET /contracts", h.portfolio)
	h.handle("GET /contracts.csv", h.exportCSV)
	h.handle("GET /contracts/{id}", h.contract)
	h.handle("GET /sync", h.syncPage)
	h.handle("GET /sync/progress", h.syncProgress)
	h.routeEdits()
	h.routeSources()
	if o.Meters != nil {
		h.handle("GET /meters/{id}", h.meter)
		h.handle("GET /meters/{id}/readings.csv", h.meterCSV)
	}
	if o.Accounts != nil {
		h.handle("GET /customers", h.customers)
		h.handle("GET /customers/{id}", h.customer)
		if o.Compare != nil {
			h.handle("GET /customers/{id}/compare", h.comparePage)
			h.handle("GET /customers/{id}/compare.csv", h.compareCSV)
			h.handle("GET /customers/{id}/compare.json", h.compareJSON)
		}
	}
	if o.Syncer != nil {
		h.handle("POST /sync", h.startSync)
	}
	if o.OfferStore != nil {
		h.handle("GET /offers", h.offers)
		h.handle("GET /offers/new", h.newOffer)
		h.handle("GET /offers/{id}/edit", h.editOffer)
		h.handle("POST /offers", h.createOffer)
		h.handle("POST /offers/{id}", h.updateOffer)
		h.handle("POST /offers/{id}/duplicate", h.duplicateOffer)
		h.handle("POST /offers/{id}/delete", h.deleteOffer)
	}
	if o.Savings != nil {
		h.handle("GET /savings", h.savingsPage)
		h.handle("GET /savings.csv", h.savingsCSV)
		h.handle("GET /savings.json", h.savingsJSON)
		h.handle("POST /savings/recompute", h.recomputeSavingsNow)
	}
	h.mux.Handle("GET /static/", http.StripPrefix("/static", h.static))
	h.mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, app.ErrNotFound)
	})

	return h
}

// chain wraps the routes in the loopback guard, the launch token,
// cross-origin protection for the POSTs and the security headers. The
// desktop window's requests (marked by Window) skip the first three: they
// never travel over TCP.
func (h *handler) chain() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		h.renderError(w, r, http.StatusForbidden, views.T(r.Context(), "Request refused"), views.T(r.Context(), "This request came from another site and was not carried out."))
	}))
	routes := h.twins(h.mux)
	protected := cop.Handler(routes)
	return loopbackOnly(h.log, securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(views.WithLang(r.Context(), h.requestLang(r)))
		if fromWindow(r) {
			// WebKitGTK may send no Sec-Fetch-Site and an opaque Origin
			// from its custom scheme.
			routes.ServeHTTP(w, r)
			return
		}
		if h.authorised(w, r) {
			protected.ServeHTTP(w, r)
		}
	})))
}

func berlin() *time.Location { return app.DefaultZone() }

// staticHandler serves the embedded assets with a day's cache: they change
// only with the binary.
func staticHandler(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" || r.URL.Path == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
