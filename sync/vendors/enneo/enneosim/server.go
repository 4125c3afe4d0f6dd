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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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

	mu      sync.Mutex
	faults  Faults
	matched int64 // requests the current faults' filter matched
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
	s.mux.HandleFunc("GET /_sim/faults", s.getFaults)
	s.mux.HandleFunc("POST /_sim/faults", s.postFaults)
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
	cut, done := s.fault(w, r, id)
	if done {
		return
	}
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, "unauthorized", "missing or invalid bearer token", cut)
		return
	}
	g, ok := s.byID[id]
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "contract "+id+" not found", cut)
		return
	}
	write(w, http.StatusOK, g.payload, cut)
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
	cut, done := s.fault(w, r, "")
	if done {
		return
	}
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
	body, _ := json.Marshal(map[string]string{"error": code, "message": msg})
	write(w, status, body, cut)
}

// write sends body; with cut it declares the full length, sends half and
// drops the connection, as a proxy dying mid-response does.
func write(w http.ResponseWriter, status int, body []byte, cut bool) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if !cut {
		_, _ = w.Write(body)
		return
	}
	_, _ = w.Write(body[:len(body)/2])
	_ = http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler) // net/http closes the connection without logging
}

// Faults make the server misbehave. The zero value is a healthy server.
type Faults struct {
	Status   int           // answer this status instead
	Delay    time.Duration // sleep before answering (cut short if the client leaves)
	CutBody  bool          // declare the full Content-Length, send half, abort
	EveryNth int           // apply only to every n-th matching request; 0 = all
	IDs      []string      // apply only to these contract ids; empty = all
}

// SetFaults replaces the faults in force and restarts the EveryNth count.
func (s *Server) SetFaults(f Faults) {
	f.IDs = slices.Clone(f.IDs)
	s.mu.Lock()
	s.faults, s.matched = f, 0
	s.mu.Unlock()
}

// fault applies the faults in force to a request for id ("" for search).
// done means the answer has been given; cut means the body must be cut.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, id string) (cut, done bool) {
	s.mu.Lock()
	f := s.faults
	apply := f.Status != 0 || f.Delay > 0 || f.CutBody
	if apply && len(f.IDs) > 0 {
		apply = slices.Contains(f.IDs, id)
	}
	if apply && f.EveryNth > 0 {
		s.matched++
		apply = s.matched%int64(f.EveryNth) == 0
	}
	s.mu.Unlock()
	if !apply {
		return false, false
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false, true
		}
	}
	if f.Status != 0 {
		writeError(w, f.Status, "simulated", http.StatusText(f.Status), f.CutBody)
		return false, true
	}
	return f.CutBody, false
}

// faultsJSON is Faults on the wire, with Delay as a Go duration ("250ms").
type faultsJSON struct {
	Status   int      `json:"status"`
	Delay    string   `json:"delay"`
	CutBody  bool     `json:"cutBody"`
	EveryNth int      `json:"everyNth"`
	IDs      []string `json:"ids"`
}

func (s *Server) postFaults(w http.ResponseWriter, r *http.Request) {
	var in faultsJSON
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error(), false)
		return
	}
	f := Faults{Status: in.Status, CutBody: in.CutBody, EveryNth: in.EveryNth, IDs: in.IDs}
	if in.Delay != "" {
		d, err := time.ParseDuration(in.Delay)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "delay: "+err.Error(), false)
			return
		}
		f.Delay = d
	}
	if f.Status != 0 && (f.Status < 100 || f.Status > 999) {
		writeError(w, http.StatusBadRequest, "bad_request", "status: want an HTTP status code", false)
		return
	}
	s.SetFaults(f)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getFaults(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	f := s.faults
	s.mu.Unlock()
	body, _ := json.Marshal(faultsJSON{f.Status, f.Delay.String(), f.CutBody, f.EveryNth, f.IDs})
	write(w, http.StatusOK, body, false)
}
