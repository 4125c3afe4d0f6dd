// Package views renders Wattfolio's pages with templ. Every value a vendor
// sent goes through templ's escaping; nothing here writes raw HTML.
package views

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/app/vendor"
)

// Chrome is what every page shares: its title, the active nav item, the
// number format and the link to the same page in the other format.
type Chrome struct {
	Title string
	Nav   string // "portfolio", "sync" or ""
	Fmt   Fmt
	// Path and Query are the current page, to build the number-format switch.
	Path  string
	Query url.Values
	// Refresh, when set, reloads this URL every two seconds.
	Refresh string
	// RefreshNoScript limits Refresh to a browser without JavaScript: the
	// page's script updates it in place instead.
	RefreshNoScript bool
	// Customers is true when the customer pages exist (nav item and links).
	Customers bool
	// Offers and Savings are true when those pages exist (nav items).
	Offers, Savings bool
	// Sources is true when the app can edit the sources file (nav item).
	Sources bool
	// Edits is true when offline edits exist (the Changes page); Pending
	// counts the changes waiting to be sent, Attention those the vendor
	// refused or that are in conflict.
	Edits              bool
	Pending, Attention int
	// DefaultLang is the language shown when the address names none (the
	// system locale's); "" is German.
	DefaultLang string
	// Refused is the filter values of the address the page could not use
	// (it answers 400 and shows itself with the rest): each field keeps its
	// typed value, marked, with the message beside it.
	Refused []Refusal
}

// CarryLang reports whether links and forms must name the display language:
// it is not the default, and should survive a browser without cookies.
func (c Chrome) CarryLang() bool {
	def := c.DefaultLang
	if def != LangEN {
		def = LangDE
	}
	return c.Fmt.Lang != def && (c.Fmt.Lang == LangDE || c.Fmt.Lang == LangEN)
}

// Link returns an internal link to path with values, carrying the display
// language when it is not the default so that it survives without cookies.
func (c Chrome) Link(path string, values url.Values) string {
	v := url.Values{}
	for k, vs := range values {
		if k == "lang" {
			continue
		}
		for _, s := range vs {
			if s != "" {
				v.Add(k, s)
			}
		}
	}
	if c.CarryLang() {
		v.Set("lang", c.Fmt.Lang)
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// LangLink is the current page in display language lang.
func (c Chrome) LangLink(lang string) string {
	v := url.Values{}
	for k, vs := range c.Query {
		if k != "lang" {
			v[k] = vs
		}
	}
	v.Set("lang", lang)
	return c.Path + "?" + v.Encode()
}

// Filter is the portfolio's filter form as the user entered it.
type Filter struct {
	Source, Vendor, Kind, Commodity, Status string
	Upstream                                string // "" current, "removed" or "all" (app.Upstream)
	Account                                 int64  // one of the user's customers; 0: any
	ActiveOn                                string // YYYY-MM-DD
	Q                                       string
	Sort                                    string
	Desc                                    bool
	Per                                     int
}

// Values are the filter's query parameters, without paging.
func (f Filter) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("source", f.Source)
	set("vendor", f.Vendor)
	set("kind", f.Kind)
	set("commodity", f.Commodity)
	set("status", f.Status)
	set("upstream", f.Upstream)
	if f.Account > 0 {
		v.Set("account", strconv.FormatInt(f.Account, 10))
	}
	set("active_on", f.ActiveOn)
	set("q", f.Q)
	set("sort", f.Sort)
	if f.Desc {
		v.Set("desc", "1")
	}
	return v
}

// Narrowed reports whether any filter (not sort or paging) is set.
func (f Filter) Narrowed() bool {
	return f.Source != "" || f.Vendor != "" || f.Kind != "" || f.Commodity != "" || f.Status != "" || f.Upstream != "" || f.Account != 0 || f.ActiveOn != "" || f.Q != ""
}

// Portfolio is the contract list.
type Portfolio struct {
	Chrome
	// Slice is the team's book the cache is a slice of; nil: none.
	Slice   *app.Slice
	Filter  Filter
	Options app.FilterOptions
	Page    app.ContractPage
	// PageNo is 1-based; Pages is at least 1.
	PageNo, Pages int
	PerChoices    []int
	DefaultPer    int
	// Empty is true when the cache holds no contracts at all.
	Empty   bool
	CanSync bool
	// CanSetup and CanDemo: the empty cache's start page offers to add a
	// source (the Sources page) and to open the demo (FirstLaunch).
	CanSetup, CanDemo bool
	// Accounts are the user's customers for the Customer filter; nil: no filter.
	Accounts []app.Account
	// Facets count the contracts per status, vendor and commodity under
	// the other filters; nil: no counts.
	Facets *app.Facets
}

func (m Portfolio) values() url.Values {
	v := m.Filter.Values()
	if m.Filter.Per != m.DefaultPer {
		v.Set("per", strconv.Itoa(m.Filter.Per))
	}
	return v
}

// sortedBy is the column the list is in order of: the store sorts by name
// when no sort is given.
func (m Portfolio) sortedBy() string {
	if m.Filter.Sort == "" {
		return string(app.SortName)
	}
	return m.Filter.Sort
}

// SortLink sorts by col, flipping the direction when it already sorts by col.
func (m Portfolio) SortLink(col app.ContractSort) string {
	v := m.values()
	v.Del("desc")
	v.Set("sort", string(col))
	if m.sortedBy() == string(col) && !m.Filter.Desc {
		v.Set("desc", "1")
	}
	return m.Link("/contracts", v)
}

// AriaSort is the aria-sort value of col's header.
func (m Portfolio) AriaSort(col app.ContractSort) string {
	switch {
	case m.sortedBy() != string(col):
		return "none"
	case m.Filter.Desc:
		return "descending"
	}
	return "ascending"
}

// SortMark is the arrow after a sorted column's title.
func (m Portfolio) SortMark(col app.ContractSort) string { return sortArrow(m.AriaSort(col)) }

// sortArrow is the arrow for an aria-sort value.
func sortArrow(ariaSort string) string {
	switch ariaSort {
	case "ascending":
		return "▲"
	case "descending":
		return "▼"
	}
	return ""
}

// PageLink is page n of the same filters.
func (m Portfolio) PageLink(n int) string {
	v := m.values()
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return m.Link("/contracts", v)
}

// PerLink shows per rows a page, from the first page.
func (m Portfolio) PerLink(per int) string {
	v := m.Filter.Values()
	if per != m.DefaultPer {
		v.Set("per", strconv.Itoa(per))
	}
	return m.Link("/contracts", v)
}

// ExportLink downloads the filtered contracts as CSV in dialect.
func (m Portfolio) ExportLink(dialect string) string {
	v := m.Filter.Values()
	v.Set("dialect", dialect)
	return m.Link("/contracts.csv", v)
}

// RemovedLink is the portfolio's contracts the vendors no longer have,
// within the same filters, from the first page.
func (m Portfolio) RemovedLink() string {
	v := m.Filter.Values()
	v.Set("upstream", string(app.UpstreamRemoved))
	return m.Link("/contracts", v)
}

// ClearLink is the portfolio without filters.
func (m Portfolio) ClearLink() string { return m.Link("/contracts", nil) }

// ContractLink is a contract's page.
func (m Chrome) ContractLink(id int64) string {
	return m.Link("/contracts/"+strconv.FormatInt(id, 10), nil)
}

// First and Last are the 1-based positions of the rows shown.
func (m Portfolio) First() int {
	if len(m.Page.Contracts) == 0 {
		return 0
	}
	return m.Page.Offset + 1
}

func (m Portfolio) Last() int { return m.Page.Offset + len(m.Page.Contracts) }

// PageNumbers are the pages offered as links around the current one; 0 marks a gap.
func (m Portfolio) PageNumbers() []int {
	var out []int
	last := 0
	for n := 1; n <= m.Pages; n++ {
		if n == 1 || n == m.Pages || (n >= m.PageNo-2 && n <= m.PageNo+2) {
			if last != 0 && n != last+1 {
				out = append(out, 0)
			}
			out = append(out, n)
			last = n
		}
	}
	return out
}

// Contract is one contract's page.
type Contract struct {
	Chrome
	C app.Contract
	// Raw is the vendor's JSON, indented, personal data masked unless
	// Personal.Shown.
	Raw      string
	Personal Personal
	BackURL  string
	// Meters are the contract's meters with time series (epilot); may be empty.
	Meters []series.Meter
	// Edits are the offline edits and notes; nil when the app has none.
	Edits *ContractEdits
	// History is what the syncs changed in the contract, newest first.
	History []app.Change
}

// Sync is the sync page.
type Sync struct {
	Chrome
	// Slice is the team's book the cache is a slice of; nil: none.
	Slice   *app.Slice
	Sources []app.SourceStatus
	CanSync bool
	// Running is true while this process runs a sync.
	Running bool
	// Notice is a one-line message after pressing "Sync now".
	Notice string
	// LastFailed is true when this process's last sync ended with an error.
	LastFailed bool
	// StaleAfter is the age from which data is highlighted as stale.
	StaleAfter time.Duration
	// Progress is each source's progress in this process's running (or
	// last) sync; ProgressURL serves it as a fragment, polled while
	// Running.
	Progress    []SyncProgress
	ProgressURL string
}

// SyncProgress is one source's progress in a sync, as the page shows it.
type SyncProgress struct {
	Source string `json:"source"`
	// Phase is queued, contracts, meters, readings, done or failed.
	Phase     string `json:"phase"`
	Pages     int    `json:"pages"`
	Contracts int    `json:"contracts"`
	Rejected  int    `json:"rejected"`
	Missing   int    `json:"missing"`
	Meters    int    `json:"meters"`
	MetersOf  int    `json:"meters_of"` // 0 until the meters are listed
	Readings  int    `json:"readings"`
	// Wait is the wait under way, nil when none.
	Wait *SyncWait `json:"wait,omitempty"`
	Err  string    `json:"error,omitempty"`
}

// SyncWait is a source waiting before it asks its vendor again.
type SyncWait struct {
	Cause   string        `json:"cause"` // the status ("429") or what failed ("request timed out")
	For     time.Duration `json:"-"`
	Seconds float64       `json:"seconds"`
	Attempt int           `json:"attempt,omitempty"`
	Of      int           `json:"of,omitempty"`
}

// AnyRunning reports whether a sync runs here or a source's last run is still running.
func (m Sync) AnyRunning() bool {
	if m.Running {
		return true
	}
	for _, s := range m.Sources {
		if s.LastRun != nil && s.LastRun.Status == app.RunRunning {
			return true
		}
	}
	return false
}

// Problems returns at most five of the run's record problems.
func Problems(r *app.SyncRun) []string {
	if r == nil {
		return nil
	}
	if len(r.Problems) > 5 {
		return r.Problems[:5]
	}
	return r.Problems
}

// Error is an error page.
type Error struct {
	Chrome
	Status  int
	Heading string
	Message string
}

// Vendors lists the vendor platforms in the order the filter offers them:
// by name.
func Vendors() []app.Vendor { return slices.Sorted(slices.Values(vendor.Names())) }

// ContractTitle is a contract's display name, falling back to its ids.
func (f Fmt) ContractTitle(c app.Contract) string {
	switch {
	case c.Name != "":
		return c.Name
	case c.Product.Name != "":
		return c.Product.Name
	case c.ExternalID != "":
		return f.Tf("Contract %s", c.ExternalID)
	}
	return f.Tf("Contract #%s", strconv.FormatInt(c.ID, 10))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// withCurrent returns list, with cur appended when it is set and missing, so
// that the form shows a filter given in the address.
func withCurrent(list []string, cur string) []string {
	if cur == "" || slices.Contains(list, cur) {
		return list
	}
	return append(slices.Clip(list), cur)
}
