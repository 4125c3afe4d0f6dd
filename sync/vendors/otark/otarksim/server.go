// Package otarksim is a deterministic stand-in for otark's trading
// contracts API (GET /v1/contracts), for tests and for running Wattfolio
// without a vendor account. Its contracts follow the docs' sample field for
// field; it filters and paginates as documented, answers errors as RFC 9457
// problem documents and enforces the published rate limit.
package otarksim

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wattfolio/internal/simfault"
	"wattfolio/internal/simtoml"
)

// Options shape the simulated account. The same Options give byte-identical
// payloads.
type Options struct {
	Seed      uint64
	Contracts int    // default 250
	APIKey    string // the X-Api-Key required; empty accepts any non-empty key
	// RateLimit is the request budget per Window; default 300 per 60 s,
	// as otark publishes.
	RateLimit int
	Window    time.Duration
	// Clock is the time the budget's windows run on; nil is the wall
	// clock. A test passes its fake clock's Now, so that a sync spanning
	// many windows takes no time.
	Clock func() time.Time
}

// Server serves GET /v1/contracts relative to wherever it is mounted (use
// http.StripPrefix), plus /_sim/faults to steer faults from another process.
type Server struct {
	key      string
	ids      []string
	byID     map[string]*generated
	list     []*generated // in list order: by id
	mux      *http.ServeMux
	requests atomic.Int64
	faults   simfault.Injector

	limit  int
	window time.Duration
	clock  func() time.Time // replaceable in tests

	mu          sync.Mutex
	windowStart time.Time
	used        int
}

// New generates the account's contracts up front, so every request is a
// lookup.
func New(o Options) *Server {
	if o.Contracts <= 0 {
		o.Contracts = 250
	}
	if o.RateLimit <= 0 {
		o.RateLimit = 300
	}
	if o.Window <= 0 {
		o.Window = 60 * time.Second
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	s := &Server{
		key: o.APIKey, byID: make(map[string]*generated, o.Contracts), mux: http.NewServeMux(),
		limit: o.RateLimit, window: o.Window, clock: o.Clock,
	}
	for _, g := range generate(o) {
		s.ids = append(s.ids, g.id)
		s.byID[g.id] = &g
		s.list = append(s.list, &g)
	}
	s.mux.HandleFunc("/v1/contracts", s.contracts)
	s.mux.Handle("/_sim/faults", &s.faults)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, problem{Type: problemBase + "not-found", Title: "Not Found", Status: http.StatusNotFound,
			Detail: "no resource at " + r.URL.Path}, false)
	})
	return s
}

// IDs lists every contract id in list order.
func (s *Server) IDs() []string { return slices.Clone(s.ids) }

// Contract returns the exact bytes of contract id as it appears in a list.
func (s *Server) Contract(id string) ([]byte, bool) {
	g, ok := s.byID[id]
	if !ok {
		return nil, false
	}
	return slices.Clone(g.payload), true
}

// Buyers lists the distinct buyers of the account's contracts by name, for
// linking customers.
func (s *Server) Buyers() []struct{ EIC, Name string } {
	seen := map[string]bool{}
	var out []struct{ EIC, Name string }
	for _, g := range s.list {
		if !seen[g.buyer.EIC] {
			seen[g.buyer.EIC] = true
			out = append(out, struct{ EIC, Name string }{g.buyer.EIC, g.buyer.Name})
		}
	}
	slices.SortFunc(out, func(a, b struct{ EIC, Name string }) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// SourceTOML returns a [[source]] block for the sources file that syncs
// this simulator at baseURL with the key in environment variable tokenEnv.
func (s *Server) SourceTOML(name, baseURL, tokenEnv string) string {
	return fmt.Sprintf("[[source]]\nname = %s\nkind = \"otark\"\nbase_url = %s\ntoken_env = %s\n",
		simtoml.String(name), simtoml.String(baseURL), simtoml.String(tokenEnv))
}

// Requests counts every request received, faulted or not.
func (s *Server) Requests() int64 { return s.requests.Load() }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mux.ServeHTTP(w, r)
}

// Faults make the server misbehave; see simfault. The zero value is a healthy server.
type Faults = simfault.Faults

// SetFaults replaces the faults in force and restarts the EveryNth count.
func (s *Server) SetFaults(f Faults) { s.faults.Set(f) }

// problemBase prefixes the problem type URIs.
const problemBase = "https://api.otark.energy/problems/"

// problem is an RFC 9457 problem document with otark's errors[].
type problem struct {
	Type   string      `json:"type"`
	Title  string      `json:"title"`
	Status int         `json:"status"`
	Detail string      `json:"detail,omitempty"`
	Errors []itemError `json:"errors,omitempty"`
}

type itemError struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message,omitempty"`
}

func writeProblem(w http.ResponseWriter, p problem, cut bool) {
	simfault.Write(w, p.Status, "application/problem+json", problemBody(p), cut)
}

func problemBody(p problem) []byte {
	b, _ := json.Marshal(p)
	return b
}

// budget counts this request against the window and sets the rate-limit
// headers; ok is false when the budget was already spent.
func (s *Server) budget(w http.ResponseWriter) (ok bool, reset int) {
	s.mu.Lock()
	t := s.clock()
	if s.windowStart.IsZero() || !t.Before(s.windowStart.Add(s.window)) {
		s.windowStart, s.used = t, 0
	}
	s.used++
	used := s.used
	left := s.windowStart.Add(s.window).Sub(t)
	s.mu.Unlock()

	reset = int((left + time.Second - 1) / time.Second) // whole seconds, rounded up
	remaining := max(s.limit-used, 0)
	h := w.Header()
	for _, prefix := range []string{"RateLimit-", "X-RateLimit-"} {
		h.Set(prefix+"Limit", strconv.Itoa(s.limit))
		h.Set(prefix+"Remaining", strconv.Itoa(remaining))
		h.Set(prefix+"Reset", strconv.Itoa(reset))
	}
	h.Set("RateLimit-Policy", fmt.Sprintf("%d;w=%d", s.limit, int(s.window.Round(time.Second)/time.Second)))
	return used <= s.limit, reset
}

var (
	eicRE  = regexp.MustCompile(`^[0-9A-Z][0-9A-Z-]{14}[0-9A-Z]$`)
	enums  = map[string][]string{"status": {"pending", "in_progress", "completed"}, "type": {"ppa", "day_ahead", "intraday"}}
	params = []string{"status", "type", "eic", "delivery_start", "delivery_end", "active_on", "limit", "after"}
)

// query is a validated list request.
type query struct {
	status, typ, eic string
	start, end       time.Time
	activeOn         time.Time
	active           bool
	limit            int
	after            string
}

func parseQuery(r *http.Request) (query, []itemError) {
	v := r.URL.Query()
	q := query{limit: 10}
	var errs []itemError
	bad := func(code, field, msg string) { errs = append(errs, itemError{code, field, msg}) }
	for _, p := range params {
		// An empty after means from the start; other empty values are
		// mistakes worth saying so.
		if vals, ok := v[p]; ok && p != "after" && strings.TrimSpace(vals[0]) == "" {
			bad("required", p, "must not be empty when given")
		}
	}
	for _, p := range []string{"status", "type"} {
		got := v.Get(p)
		if got != "" && !slices.Contains(enums[p], got) {
			bad("invalid_enum_value", p, "must be one of "+strings.Join(enums[p], ", "))
		}
	}
	q.status, q.typ = v.Get("status"), v.Get("type")
	if q.eic = v.Get("eic"); q.eic != "" && !eicRE.MatchString(q.eic) {
		bad("invalid_format", "eic", "must be a 16-character EIC code")
	}
	instant := func(p string) time.Time {
		s := v.Get(p)
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			bad("invalid_format", p, "must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z")
		}
		return t
	}
	q.start, q.end = instant("delivery_start"), instant("delivery_end")
	if s := v.Get("active_on"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			bad("invalid_format", "active_on", "must be a date such as 2026-01-15")
		}
		q.activeOn, q.active = t, err == nil
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			bad("invalid_type", "limit", "must be an integer")
		case n < 1 || n > 100:
			bad("out_of_range", "limit", "must be between 1 and 100")
		default:
			q.limit = n
		}
	}
	q.after = v.Get("after")
	return q, errs
}

func (q query) match(g *generated) bool {
	switch {
	case g.id <= q.after && q.after != "":
		return false
	case q.status != "" && g.status != q.status:
		return false
	case q.typ != "" && g.typ != q.typ:
		return false
	case q.eic != "" && g.buyer.EIC != q.eic && g.seller != q.eic:
		return false
	case !q.start.IsZero() && g.start.Before(q.start):
		return false
	case !q.end.IsZero() && g.end.After(q.end):
		return false
	case q.active && (!g.start.Before(q.activeOn.AddDate(0, 0, 1)) || g.end.Before(q.activeOn)):
		return false
	}
	return true
}

type pagination struct {
	Limit      int    `json:"limit"`
	HasMore    bool   `json:"has_more"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func (s *Server) contracts(w http.ResponseWriter, r *http.Request) {
	within, reset := s.budget(w)
	f, done := s.faults.Intercept(w, r, "", func(status int) []byte {
		return problemBody(problem{Type: problemBase + "simulated", Title: http.StatusText(status), Status: status, Detail: "a simulated fault"})
	})
	if done {
		return
	}
	cut := f.CutBody
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		writeProblem(w, problem{Type: problemBase + "method-not-allowed", Title: "Method Not Allowed", Status: http.StatusMethodNotAllowed}, cut)
		return
	}
	got := r.Header.Get("X-Api-Key")
	if got == "" || s.key != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.key)) != 1 {
		writeProblem(w, problem{Type: problemBase + "unauthorized", Title: "Unauthorized", Status: http.StatusUnauthorized,
			Detail: "missing or invalid API key in X-Api-Key"}, cut)
		return
	}
	if !within {
		w.Header().Set("Retry-After", strconv.Itoa(reset))
		writeProblem(w, problem{Type: problemBase + "rate-limited", Title: "Too Many Requests", Status: http.StatusTooManyRequests,
			Detail: fmt.Sprintf("rate limit of %d requests per %v exceeded; retry in %d s", s.limit, s.window, reset),
			Errors: []itemError{{Code: "rate_limited"}}}, cut)
		return
	}
	q, errs := parseQuery(r)
	if len(errs) > 0 {
		writeProblem(w, problem{Type: problemBase + "validation-error", Title: "Bad Request", Status: http.StatusBadRequest,
			Detail: "invalid query parameters", Errors: errs}, cut)
		return
	}
	var page []*generated
	more := false
	for _, g := range s.list {
		if !q.match(g) {
			continue
		}
		if len(page) == q.limit {
			more = true
			break
		}
		page = append(page, g)
	}
	p := pagination{Limit: q.limit, HasMore: more}
	if more {
		p.NextCursor = page[len(page)-1].id
	}
	var b bytes.Buffer
	b.WriteString(`{"contracts":[`)
	for i, g := range page {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(g.payload)
	}
	pj, _ := json.Marshal(p)
	b.WriteString(`],"pagination":`)
	b.Write(pj)
	b.WriteByte('}')
	simfault.Write(w, http.StatusOK, "application/json", simfault.Alter(f, b.Bytes(), "nominal_power"), cut)
}
