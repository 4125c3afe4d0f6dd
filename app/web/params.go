package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wattfolio/app"
	"wattfolio/frontend/views"
)

// paramError is a query parameter the handler cannot use; it answers 400.
// Reason is an English format of Args, translated when shown; or Msg, a
// domain package's reason, when it is set.
type paramError struct {
	Name, Value, Reason string
	Args                []any
	Msg                 app.Msg
}

func (e *paramError) Error() string {
	if !e.Msg.IsZero() {
		return fmt.Sprintf("parameter %s=%q: %s", e.Name, e.Value, e.Msg)
	}
	return fmt.Sprintf("parameter %s=%q: %s", e.Name, e.Value, fmt.Sprintf(e.Reason, e.Args...))
}

// refusals is every filter value of an address a page refused. The page
// shows itself with its other filters (status 400), each refused value kept
// in its field and marked (refuse); the JSON twin, a CSV and every other
// caller answer the first as a *paramError does.
type refusals []*paramError

func (rs refusals) Error() string {
	parts := make([]string, len(rs))
	for i, pe := range rs {
		parts[i] = pe.Error()
	}
	return strings.Join(parts, "; ")
}

func (rs refusals) Unwrap() []error {
	out := make([]error, len(rs))
	for i, pe := range rs {
		out[i] = pe
	}
	return out
}

// add keeps err when it is a *paramError and reports whether it was one.
func (rs *refusals) add(err error) bool {
	pe, ok := err.(*paramError)
	if ok {
		*rs = append(*rs, pe)
	}
	return ok
}

// err is rs as an error: nil when nothing was refused.
func (rs refusals) err() error {
	if len(rs) == 0 {
		return nil
	}
	return rs
}

// refuse decides how a page answers the error of reading its parameters:
// nothing refused is a 200; refusals on an HTML page put into c, and the
// page answers 400 with them beside their fields; anything else (or a JSON
// twin) answers through fail, and ok is false.
func (h *handler) refuse(w http.ResponseWriter, r *http.Request, c *views.Chrome, err error) (status int, ok bool) {
	var rs refusals
	switch {
	case err == nil:
		return http.StatusOK, true
	case errors.As(err, &rs) && !wantsJSON(r):
		for _, pe := range rs {
			c.Refused = append(c.Refused, views.Refusal{Name: pe.Name, Value: pe.Value, Msg: pe.fieldMsg(r.Context())})
		}
		return http.StatusBadRequest, true
	}
	h.fail(w, r, err)
	return 0, false
}

// fieldMsg is the sentence beside a refused field: "31.02.2026" is not a
// day of the calendar: ….
func (e *paramError) fieldMsg(ctx context.Context) string {
	if !e.Msg.IsZero() {
		return views.Msg(ctx, app.Msgf("%q is %s", e.Value, e.Msg))
	}
	return views.Tf(ctx, "%q is %s", e.Value, views.Tf(ctx, e.Reason, e.Args...))
}

// dayParam reads a day parameter as a date field sends it (in either
// language, or ISO: app.ParseDayIn) as the midnight starting it in loc.
func dayParam(name, s string, loc *time.Location) (time.Time, error) {
	d, err := app.ParseDayIn(s, loc)
	if de := (*app.DayError)(nil); errors.As(err, &de) {
		return d, &paramError{Name: name, Value: clip(s), Msg: de.Reason}
	}
	return d, err
}

// badParam reports a parameter; reason is marked with views.N so that the
// catalogue test finds it.
func badParam(name, value, reason string) error {
	return &paramError{Name: name, Value: value, Reason: reason}
}

func badParamf(name, value, reason string, args ...any) error {
	return &paramError{Name: name, Value: value, Reason: reason, Args: args}
}

// Paging.
const defaultPer = 50

var perChoices = []int{25, 50, 100, 200}

const (
	maxQueryLen = 200
	maxWordLen  = 200
	maxPage     = 1_000_000
)

// query is a request's portfolio parameters, parsed.
type query struct {
	filter app.ContractFilter // Limit/Offset set from page and per
	form   views.Filter
	page   int
}

// parseQuery reads the portfolio's filters, sort and paging from v; loc
// interprets active_on. Empty values do not filter. Unusable values are
// refusals, one *paramError for each, and do not filter either: q holds
// the others.
func parseQuery(v url.Values, loc *time.Location) (query, error) {
	var q query
	var bad refusals
	word := func(name string) (string, error) {
		s := strings.TrimSpace(v.Get(name))
		if len(s) > maxWordLen || !utf8.ValidString(s) {
			return "", badParam(name, clip(s), views.N("too long or not text"))
		}
		return s, nil
	}
	var err error
	if q.form.Source, err = word("source"); bad.add(err) {
		q.form.Source = ""
	}
	q.filter.Source = q.form.Source

	if q.form.Vendor, err = word("vendor"); bad.add(err) {
		q.form.Vendor = ""
	}
	if q.form.Vendor != "" {
		if !slices.Contains(views.Vendors(), app.Vendor(q.form.Vendor)) {
			bad.add(badParam("vendor", clip(q.form.Vendor), views.N("not a known vendor")))
			q.form.Vendor = ""
		}
		q.filter.Vendor = app.Vendor(q.form.Vendor)
	}

	if q.form.Kind, err = word("kind"); bad.add(err) {
		q.form.Kind = ""
	}
	if q.form.Kind != "" {
		if !slices.Contains(app.Kinds, app.Kind(q.form.Kind)) {
			bad.add(badParam("kind", clip(q.form.Kind), views.N("not a contract kind")))
			q.form.Kind = ""
		}
		q.filter.Kind = app.Kind(q.form.Kind)
	}

	if q.form.Commodity, err = word("commodity"); bad.add(err) {
		q.form.Commodity = ""
	}
	if q.form.Commodity != "" {
		if !slices.Contains(app.Commodities, app.Commodity(q.form.Commodity)) {
			bad.add(badParam("commodity", clip(q.form.Commodity), views.N("not a commodity")))
			q.form.Commodity = ""
		}
		q.filter.Commodity = app.Commodity(q.form.Commodity)
	}

	if q.form.Status, err = word("status"); bad.add(err) {
		q.form.Status = ""
	}
	q.form.Status = strings.ToLower(q.form.Status)
	q.filter.Status = q.form.Status

	switch s := strings.TrimSpace(v.Get("upstream")); app.Upstream(s) {
	case app.UpstreamCurrent, app.UpstreamRemoved, app.UpstreamAll:
		q.form.Upstream = s
		q.filter.Upstream = app.Upstream(s)
	default:
		bad.add(badParam("upstream", clip(s), views.N("not removed or all (empty: current contracts)")))
	}

	if s := strings.TrimSpace(v.Get("account")); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			bad.add(badParam("account", clip(s), views.N("not a customer id")))
		} else {
			q.form.Account = n
			q.filter.Account = n
		}
	}

	if s := strings.TrimSpace(v.Get("active_on")); s != "" {
		if day, err := dayParam("active_on", s, loc); !bad.add(err) {
			q.form.ActiveOn = day.Format(time.DateOnly)
			q.filter.ActiveOn = day.UTC()
		}
	}

	q.form.Q = strings.TrimSpace(v.Get("q"))
	if utf8.RuneCountInString(q.form.Q) > maxQueryLen || !utf8.ValidString(q.form.Q) {
		bad.add(badParamf("q", clip(q.form.Q), views.N("longer than %d characters"), maxQueryLen))
		q.form.Q = ""
	}
	q.filter.Query = q.form.Q

	if s := strings.TrimSpace(v.Get("sort")); s != "" {
		if !slices.Contains(app.ContractSorts, app.ContractSort(s)) {
			bad.add(badParam("sort", clip(s), views.N("not a sortable column")))
		} else {
			q.form.Sort = s
			q.filter.Sort = app.ContractSort(s)
		}
	}

	switch s := strings.TrimSpace(v.Get("desc")); s {
	case "", "0", "false":
	case "1", "true":
		q.form.Desc = true
		q.filter.Desc = true
	default:
		bad.add(badParam("desc", clip(s), views.N("not 1 or 0")))
	}

	q.page = 1
	if s := strings.TrimSpace(v.Get("page")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			bad.add(badParam("page", clip(s), views.N("not a page number")))
		} else {
			q.page = n
		}
	}

	q.form.Per = defaultPer
	if s := strings.TrimSpace(v.Get("per")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || !slices.Contains(perChoices, n) {
			bad.add(badParam("per", clip(s), views.N("not 25, 50, 100 or 200")))
		} else {
			q.form.Per = n
		}
	}
	q.filter.Limit = q.form.Per
	q.filter.Offset = (q.page - 1) * q.form.Per
	return q, bad.err()
}

// clip shortens a value quoted back in an error page.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}

// langCookie remembers the chosen display language (words, numbers and
// dates together).
const langCookie = "wattfolio_lang"

// language picks the display language: the lang parameter (remembered in a
// cookie), else the cookie, else the handler's default (the system locale's).
func (h *handler) language(w http.ResponseWriter, r *http.Request) (string, error) {
	if s := r.URL.Query().Get("lang"); s != "" {
		if s != views.LangDE && s != views.LangEN {
			return h.o.Lang, badParam("lang", clip(s), views.N("not de or en"))
		}
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: s, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return s, nil
	}
	return h.requestLang(r), nil
}

// requestLang is the display language language would choose for r, without
// setting the cookie: the chain puts it into the request's context for
// views.T before any handler runs.
func (h *handler) requestLang(r *http.Request) string {
	if s := r.URL.Query().Get("lang"); s == views.LangDE || s == views.LangEN {
		return s
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == views.LangDE || c.Value == views.LangEN) {
		return c.Value
	}
	return h.o.Lang
}

// pathID reads the positive integer id of a /things/{id} route; what names
// the thing in the error ("contract", "customer", "meter").
func pathID(r *http.Request, what string) (int64, error) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		reasons := map[string]string{"contract": views.N("not a contract id"), "customer": views.N("not a customer id"),
			"meter": views.N("not a meter id"), "offer": views.N("not an offer id")}
		reason, ok := reasons[what]
		if !ok {
			reason = "not an id"
		}
		return 0, badParam("id", clip(raw), reason)
	}
	return id, nil
}
