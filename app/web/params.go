package web

import (
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
// interprets active_on. Empty values do not filter. An unusable value is a
// *paramError naming the parameter.
func parseQuery(v url.Values, loc *time.Location) (query, error) {
	var q query
	word := func(name string) (string, error) {
		s := strings.TrimSpace(v.Get(name))
		if len(s) > maxWordLen || !utf8.ValidString(s) {
			return "", badParam(name, clip(s), views.N("too long or not text"))
		}
		return s, nil
	}
	var err error
	if q.form.Source, err = word("source"); err != nil {
		return q, err
	}
	q.filter.Source = q.form.Source

	if q.form.Vendor, err = word("vendor"); err != nil {
		return q, err
	}
	if q.form.Vendor != "" {
		if !slices.Contains(views.Vendors(), app.Vendor(q.form.Vendor)) {
			return q, badParam("vendor", q.form.Vendor, views.N("not a known vendor"))
		}
		q.filter.Vendor = app.Vendor(q.form.Vendor)
	}

	if q.form.Kind, err = word("kind"); err != nil {
		return q, err
	}
	if q.form.Kind != "" {
		if !slices.Contains(app.Kinds, app.Kind(q.form.Kind)) {
			return q, badParam("kind", q.form.Kind, views.N("not a contract kind"))
		}
		q.filter.Kind = app.Kind(q.form.Kind)
	}

	if q.form.Commodity, err = word("commodity"); err != nil {
		return q, err
	}
	if q.form.Commodity != "" {
		if !slices.Contains(app.Commodities, app.Commodity(q.form.Commodity)) {
			return q, badParam("commodity", q.form.Commodity, views.N("not a commodity"))
		}
		q.filter.Commodity = app.Commodity(q.form.Commodity)
	}

	if q.form.Status, err = word("status"); err != nil {
		return q, err
	}
	q.form.Status = strings.ToLower(q.form.Status)
	q.filter.Status = q.form.Status

	switch s := strings.TrimSpace(v.Get("upstream")); app.Upstream(s) {
	case app.UpstreamCurrent, app.UpstreamRemoved, app.UpstreamAll:
		q.form.Upstream = s
		q.filter.Upstream = app.Upstream(s)
	default:
		return q, badParam("upstream", clip(s), views.N("not removed or all (empty: current contracts)"))
	}

	if s := strings.TrimSpace(v.Get("account")); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return q, badParam("account", clip(s), views.N("not a customer id"))
		}
		q.form.Account = n
		q.filter.Account = n
	}

	if s := strings.TrimSpace(v.Get("active_on")); s != "" {
		day, err := dayParam("active_on", s, loc)
		if err != nil {
			return q, err
		}
		q.form.ActiveOn = day.Format(time.DateOnly)
		q.filter.ActiveOn = day.UTC()
	}

	q.form.Q = strings.TrimSpace(v.Get("q"))
	if utf8.RuneCountInString(q.form.Q) > maxQueryLen || !utf8.ValidString(q.form.Q) {
		return q, badParamf("q", clip(q.form.Q), views.N("longer than %d characters"), maxQueryLen)
	}
	q.filter.Query = q.form.Q

	if s := strings.TrimSpace(v.Get("sort")); s != "" {
		if !slices.Contains(app.ContractSorts, app.ContractSort(s)) {
			return q, badParam("sort", clip(s), views.N("not a sortable column"))
		}
		q.form.Sort = s
		q.filter.Sort = app.ContractSort(s)
	}

	switch s := strings.TrimSpace(v.Get("desc")); s {
	case "", "0", "false":
	case "1", "true":
		q.form.Desc = true
		q.filter.Desc = true
	default:
		return q, badParam("desc", clip(s), views.N("not 1 or 0"))
	}

	q.page = 1
	if s := strings.TrimSpace(v.Get("page")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			return q, badParam("page", clip(s), views.N("not a page number"))
		}
		q.page = n
	}

	q.form.Per = defaultPer
	if s := strings.TrimSpace(v.Get("per")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || !slices.Contains(perChoices, n) {
			return q, badParam("per", clip(s), views.N("not 25, 50, 100 or 200"))
		}
		q.form.Per = n
	}
	q.filter.Limit = q.form.Per
	q.filter.Offset = (q.page - 1) * q.form.Per
	return q, nil
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
