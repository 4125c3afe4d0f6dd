// Package enneosim is a deterministic stand-in for an enneo tenant's contract
// API, for tests and for running Wattfolio without a vendor account. Its
// payloads follow the API docs' sample field for field, including the
// quirks (dates as Unix seconds, phone and gridOperatorCode as numbers).
package enneosim

import (
	"bytes"
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"wattfolio/internal/simcust"
	"wattfolio/internal/simfault"
)

// Options shape the simulated tenant. The same Options give byte-identical
// payloads.
type Options struct {
	Seed      uint64
	Contracts int    // default 300
	FirstID   int    // default 700000
	Token     string // the bearer token required; empty accepts any request
	// Broken lists ids whose payload carries a wrong JSON type
	// ("consumption": "lots").
	Broken []string
	// Customers open the book: each gets an active, priced electricity
	// contract (and a gas one where it uses gas) before the random ones.
	Customers []simcust.Customer
}

// Server serves GET /contract/{id} and GET /contract/search?q= relative to
// wherever it is mounted (use http.StripPrefix for /api/mind), plus
// POST /_sim/faults to steer faults from another process.
type Server struct {
	token    string
	ids      []string
	byID     map[string]*generated
	mux      *http.ServeMux
	requests atomic.Int64

	faults simfault.Injector
}

// New generates the tenant's contracts up front, so every request is a
// lookup.
func New(o Options) *Server {
	if o.Contracts <= 0 {
		o.Contracts = 300
	}
	if o.FirstID <= 0 {
		o.FirstID = 700000
	}
	s := &Server{token: o.Token, byID: make(map[string]*generated, o.Contracts), mux: http.NewServeMux()}
	for _, g := range generate(o) {
		s.ids = append(s.ids, g.id)
		s.byID[g.id] = &g
	}
	s.mux.HandleFunc("GET /contract/search", s.search)
	s.mux.HandleFunc("GET /contract/{id}", s.contract)
	s.mux.Handle("/_sim/faults", &s.faults)
	return s
}

// IDs lists every contract id in order.
func (s *Server) IDs() []string { return slices.Clone(s.ids) }

// Payload returns the exact bytes served for id.
func (s *Server) Payload(id string) ([]byte, bool) {
	g, ok := s.byID[id]
	if !ok {
		return nil, false
	}
	return slices.Clone(g.payload), true
}

// Requests counts every request received, faulted or not.
func (s *Server) Requests() int64 { return s.requests.Load() }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mux.ServeHTTP(w, r)
}

func (s *Server) contract(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f, done := s.fault(w, r, id)
	if done {
		return
	}
	cut := f.CutBody
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, "unauthorized", "missing or invalid bearer token", cut)
		return
	}
	g, ok := s.byID[id]
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "contract "+id+" not found", cut)
		return
	}
	write(w, http.StatusOK, simfault.Alter(f, g.payload, "consumption"), cut)
}

type hit struct {
	ID         json.Number     `json:"id"`
	Similarity json.Number     `json:"similarity"`
	Contract   json.RawMessage `json:"contract"`
}

// search matches q case-insensitively against id, customer id, name,
// e-mail, meter number and addresses: whole-term matches score 1, partial
// ones the share of the term they cover.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	f, done := s.fault(w, r, "")
	if done {
		return
	}
	cut := f.CutBody
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, "unauthorized", "missing or invalid bearer token", cut)
		return
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	if q == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "q is required", cut)
		return
	}
	type scored struct {
		g     *generated
		score int // in hundredths
	}
	var found []scored
	for _, id := range s.ids {
		g := s.byID[id]
		best := 0
		for _, t := range g.search {
			switch {
			case t == q:
				best = 100
			case strings.Contains(t, q):
				best = max(best, len(q)*100/len(t))
			}
		}
		if best > 0 {
			found = append(found, scored{g, best})
		}
	}
	slices.SortStableFunc(found, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	hits := make([]hit, len(found))
	for i, f := range found {
		hits[i] = hit{json.Number(f.g.id), json.Number(scaled(int64(f.score), 2)), f.g.payload}
	}
	// Escaping off, so each embedded contract is byte for byte its payload.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(hits)
	write(w, http.StatusOK, bytes.TrimSuffix(b.Bytes(), []byte("\n")), cut)
}

func (s *Server) authorized(r *http.Request) bool {
	if s.token == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1
}

func writeError(w http.ResponseWriter, status int, code, msg string, cut bool) {
	simfault.Write(w, status, "application/json", errorBody(code, msg), cut)
}

func errorBody(code, msg string) []byte {
	body, _ := json.Marshal(map[string]string{"error": code, "message": msg})
	return body
}

func write(w http.ResponseWriter, status int, body []byte, cut bool) {
	simfault.Write(w, status, "application/json", body, cut)
}

// Faults make the server misbehave; see simfault. The zero value is a healthy server.
type Faults = simfault.Faults

// SetFaults replaces the faults in force and restarts the EveryNth count.
func (s *Server) SetFaults(f Faults) { s.faults.Set(f) }

// fault applies the faults in force to a request for id ("" for search).
// done means the answer has been given; otherwise f says how to alter it.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, id string) (f Faults, done bool) {
	return s.faults.Intercept(w, r, id, func(status int) []byte {
		return errorBody("simulated", http.StatusText(status))
	})
}
