package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/export"
	"wattfolio/app/offer"
	"wattfolio/frontend/views"
)

// SavingsStore is what the portfolio savings view computes from and caches
// its rows in.
type SavingsStore interface {
	compare.Store
	// Accounts lists the user's customers.
	Accounts(ctx context.Context) ([]app.Account, error)
	// Offers lists every stored offer.
	Offers(ctx context.Context) ([]offer.Offer, error)
	// SaveSavings replaces the cached rows, computed at computedAt.
	SaveSavings(ctx context.Context, rows []compare.SavingsRow, computedAt time.Time) error
	// Savings returns the cached rows and when they were computed (zero:
	// never).
	Savings(ctx context.Context) ([]compare.SavingsRow, time.Time, error)
}

// savingsState is the one recompute of the savings view that runs at a
// time. A request while one runs sets again, so that a change made during
// a recompute (an offer saved, a sync finished) is never left out.
type savingsState struct {
	mu      sync.Mutex
	running bool
	again   bool
	failed  bool
	done    chan struct{}
}

// offersChanged recomputes the savings view after an offer was added,
// changed or deleted. In the background: saving an offer answers at once,
// and the savings page says it is recomputing until the figures are in
// (about a second at 500 customers).
func (h *handler) offersChanged() { h.recomputeSavings() }

// recomputeSavings starts a background recompute, or asks the running one
// to go again, and returns a channel closed when the figures are in.
func (h *handler) recomputeSavings() <-chan struct{} {
	if h.o.Savings == nil {
		return nil
	}
	h.savings.mu.Lock()
	defer h.savings.mu.Unlock()
	if h.savings.running {
		h.savings.again = true
		return h.savings.done
	}
	h.savings.running = true
	done := make(chan struct{})
	h.savings.done = done
	go h.runSavings(done)
	return done
}

func (h *handler) runSavings(done chan struct{}) {
	for {
		err := h.computeSavings()
		h.savings.mu.Lock()
		if h.savings.again {
			h.savings.again = false
			h.savings.mu.Unlock()
			continue
		}
		h.savings.running, h.savings.failed = false, err != nil
		h.savings.mu.Unlock()
		close(done)
		return
	}
}

// computeSavings prices every customer against the offers valid today and
// caches the rows.
func (h *handler) computeSavings() (err error) {
	ctx, cancel := context.WithTimeout(h.o.SyncContext, h.o.SyncTimeout)
	defer cancel()
	start := h.o.Now()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("savings panicked: %v", p)
		}
		if err != nil {
			h.log.Error("savings recompute failed", "err", err)
		} else {
			h.log.Info("savings recomputed", "took", h.o.Now().Sub(start))
		}
	}()
	st := h.o.Savings
	accounts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	all, err := st.Offers(ctx)
	if err != nil {
		return err
	}
	// Only offers that can be signed today are a customer's best offer.
	all = slices.DeleteFunc(all, func(o offer.Offer) bool { return !o.ValidOn(start) })
	rows, err := compare.Savings(ctx, st, accounts, compare.Alternatives(all, start), start)
	if err != nil {
		return err
	}
	return st.SaveSavings(ctx, rows, start)
}

// waitSavings blocks until no recompute runs. For tests.
func (h *handler) waitSavings() {
	h.savings.mu.Lock()
	done := h.savings.done
	h.savings.mu.Unlock()
	if done != nil {
		<-done
	}
}

func (h *handler) savingsPage(w http.ResponseWriter, r *http.Request) {
	if wantsJSON(r) {
		h.savingsJSON(w, r)
		return
	}
	h.renderSavings(w, r, "")
}

// recomputeSavingsNow recomputes and answers with the page once the
// figures are in: a few seconds at most, and the user asked for them.
func (h *handler) recomputeSavingsNow(w http.ResponseWriter, r *http.Request) {
	done := h.recomputeSavings()
	select {
	case <-done:
	case <-r.Context().Done():
		return
	}
	notice := views.T(r.Context(), "Recomputed.")
	h.savings.mu.Lock()
	if h.savings.failed {
		notice = views.T(r.Context(), "The recompute failed; the details are in the log. The figures below are the last ones computed.")
	}
	h.savings.mu.Unlock()
	h.renderSavings(w, r, notice)
}

func (h *handler) renderSavings(w http.ResponseWriter, r *http.Request, notice string) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Savings"), "savings")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c.Path = "/savings"
	f, err := parseSavingsQuery(r.URL.Query())
	status, ok := h.refuse(w, r, &c, err)
	if !ok {
		return
	}
	rows, at, err := h.o.Savings.Savings(r.Context())
	if err != nil {
		h.fail(w, r, fmt.Errorf("savings: %w", err))
		return
	}
	if at.IsZero() && r.Method == http.MethodGet {
		// Never computed (a new cache, or one from before this view):
		// start now rather than wait for the next sync.
		h.recomputeSavings()
	}
	h.savings.mu.Lock()
	running, failed := h.savings.running, h.savings.failed
	h.savings.mu.Unlock()
	m := views.Savings{Chrome: c, Filter: f, Total: len(rows), ComputedAt: at, Running: running, Failed: failed, Notice: notice,
		Segments: segments(rows)}
	m.Rows = filterSavings(rows, f)
	if running {
		m.Refresh = c.Link("/savings", f.Values())
	}
	h.render(w, r, status, views.SavingsPage(m))
}

// parseSavingsQuery reads the view's sort and filters; unusable values are
// refusals, left out of f.
func parseSavingsQuery(v url.Values) (views.SavingsFilter, error) {
	f := views.SavingsFilter{Sort: views.SortSaving, Desc: true}
	var bad refusals
	if s := strings.TrimSpace(v.Get("sort")); s != "" {
		if !slices.Contains(views.SavingsSorts, s) {
			bad.add(badParam("sort", clip(s), views.N("not a sortable column (saving, pct, deadline, name)")))
		} else {
			f.Sort, f.Desc = s, false
		}
	}
	switch s := strings.TrimSpace(v.Get("desc")); s {
	case "":
	case "0", "false":
		f.Desc = false
	case "1", "true":
		f.Desc = true
	default:
		bad.add(badParam("desc", clip(s), views.N("not 1 or 0")))
	}
	switch s := strings.TrimSpace(v.Get("positive")); s {
	case "", "0", "false":
	case "1", "true", "on":
		f.Positive = true
	default:
		bad.add(badParam("positive", clip(s), views.N("not 1 or 0")))
	}
	f.Segment = strings.TrimSpace(v.Get("segment"))
	f.Q = strings.TrimSpace(v.Get("q"))
	for _, p := range []struct {
		name string
		s    *string
	}{{"segment", &f.Segment}, {"q", &f.Q}} {
		if utf8.RuneCountInString(*p.s) > maxQueryLen || !utf8.ValidString(*p.s) {
			bad.add(badParamf(p.name, clip(*p.s), views.N("longer than %d characters"), maxQueryLen))
			*p.s = ""
		}
	}
	return f, bad.err()
}

// filterSavings returns the rows f keeps, in f's order. Rows without the
// figure sorted by come last in either direction.
func filterSavings(rows []compare.SavingsRow, f views.SavingsFilter) []compare.SavingsRow {
	q := strings.ToLower(f.Q)
	var out []compare.SavingsRow
	for _, r := range rows {
		switch {
		case f.Segment != "" && !strings.EqualFold(r.Profile, f.Segment):
		case f.Positive && (r.Saving1 == nil || *r.Saving1 <= 0):
		case q != "" && !strings.Contains(strings.ToLower(r.Account+"\x00"+r.Current+"\x00"+r.Offer), q):
		default:
			out = append(out, r)
		}
	}
	dec := func(d *app.Decimal) (int64, bool) {
		if d == nil {
			return 0, false
		}
		return int64(*d), true
	}
	key := func(r compare.SavingsRow) (int64, bool) {
		switch f.Sort {
		case views.SortPct:
			return dec(r.SavingPct1)
		case views.SortDeadline:
			return r.Deadline.Unix(), !r.Deadline.IsZero()
		}
		return dec(r.Saving1)
	}
	slices.SortStableFunc(out, func(a, b compare.SavingsRow) int {
		var c int
		if f.Sort == views.SortName {
			c = cmp.Compare(strings.ToLower(a.Account), strings.ToLower(b.Account))
		} else {
			ka, oka := key(a)
			kb, okb := key(b)
			if oka != okb {
				if oka {
					return -1
				}
				return 1
			}
			c = cmp.Compare(ka, kb)
		}
		if f.Desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(strings.ToLower(a.Account), strings.ToLower(b.Account))
		}
		return c
	})
	return out
}

// segments are the profiles among the rows, for the filter.
func segments(rows []compare.SavingsRow) []string {
	var out []string
	for _, r := range rows {
		if p := strings.ToUpper(r.Profile); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// savingsCSV downloads the view, with its filters and order, as CSV.
func (h *handler) savingsCSV(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	dialect, err := dialectOf(v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows, at, err := h.savingsRows(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="wattfolio-savings-`+h.o.Now().In(h.o.Location).Format(time.DateOnly)+`.csv"`)
	hd.Set("Cache-Control", "no-store")
	cw := export.NewSavingsWriter(w, dialect)
	for _, row := range rows {
		if err := cw.Write(export.SavingsLine{Row: row, ComputedAt: at}); err != nil {
			break
		}
	}
	if err := cw.Flush(); err != nil && r.Context().Err() == nil {
		h.log.Error("savings export failed", "err", err)
	}
}

func (h *handler) savingsRows(r *http.Request) ([]compare.SavingsRow, time.Time, error) {
	f, err := parseSavingsQuery(r.URL.Query())
	if err != nil {
		return nil, time.Time{}, err
	}
	rows, at, err := h.o.Savings.Savings(r.Context())
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("savings: %w", err)
	}
	return filterSavings(rows, f), at, nil
}

// savingsJSON is the view as JSON: exact decimals as strings, instants in
// RFC 3339 UTC, null where a figure is missing.
func (h *handler) savingsJSON(w http.ResponseWriter, r *http.Request) {
	rows, at, err := h.savingsRows(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.savings.mu.Lock()
	running := h.savings.running
	h.savings.mu.Unlock()
	doc := savingsDoc{Recomputing: running, Rows: make([]savingsJSONRow, len(rows))}
	if !at.IsZero() {
		doc.ComputedAt = &at
	}
	for i, row := range rows {
		j := savingsJSONRow{AccountID: row.AccountID, Account: row.Account, Profile: row.Profile, Current: row.Current,
			CurrentCost: (*jsonDecimal)(row.CurrentCost), Offer: row.Offer, OfferCost: (*jsonDecimal)(row.OfferCost),
			Saving1: (*jsonDecimal)(row.Saving1), Saving2: (*jsonDecimal)(row.Saving2), SavingPct1: (*jsonDecimal)(row.SavingPct1),
			DeadlineKind: string(row.DeadlineKind), AtStake: (*jsonDecimal)(row.AtStake), Note: row.Note}
		if row.OfferID != 0 {
			j.OfferID = &row.OfferID
		}
		if !row.Deadline.IsZero() {
			d := row.Deadline.UTC()
			j.Deadline = &d
		}
		doc.Rows[i] = j
	}
	w.Header().Set("Vary", "Accept")
	writeJSON(w, http.StatusOK, doc)
}

type savingsDoc struct {
	ComputedAt  *time.Time       `json:"computed_at"`
	Recomputing bool             `json:"recomputing"`
	Rows        []savingsJSONRow `json:"rows"`
}

type savingsJSONRow struct {
	AccountID    int64        `json:"account_id"`
	Account      string       `json:"account"`
	Profile      string       `json:"profile"`
	Current      string       `json:"current_contract"`
	CurrentCost  *jsonDecimal `json:"current_eur_year1"`
	OfferID      *int64       `json:"best_offer_id"`
	Offer        string       `json:"best_offer"`
	OfferCost    *jsonDecimal `json:"best_offer_eur_year1"`
	Saving1      *jsonDecimal `json:"saving_eur_year1"`
	Saving2      *jsonDecimal `json:"saving_eur_year2"`
	SavingPct1   *jsonDecimal `json:"saving_pct_year1"`
	Deadline     *time.Time   `json:"deadline"`
	DeadlineKind string       `json:"deadline_kind"`
	AtStake      *jsonDecimal `json:"at_stake_eur"`
	Note         string       `json:"note"`
}

// jsonDecimal is a decimal in JSON as its exact string, "175.5": a JSON
// number would be read as a binary float by most clients.
type jsonDecimal app.Decimal

func (d jsonDecimal) MarshalText() ([]byte, error) { return []byte(app.Decimal(d).String()), nil }
