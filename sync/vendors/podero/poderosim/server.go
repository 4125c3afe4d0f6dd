// Package poderosim is a deterministic stand-in for Podero's partner API:
// the OAuth 2.0 client-credentials token endpoint and a partner
// organisation's users' energy contracts, for tests and for running
// Wattfolio without a partner account. Contracts follow the API docs'
// sample response field for field (same keys, same order, same JSON types).
//
// The docs show only the PUT; the GETs on the same collection are assumed,
// answering either a bare JSON array or Django REST framework pages
// ({"count","next","previous","results"}) depending on Options.PageSize.
package poderosim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wattfolio/internal/simcust"
	"wattfolio/internal/simfault"
	"wattfolio/internal/simtoml"
)

// DefaultOrgID is the simulated partner organisation unless Options says
// otherwise.
const DefaultOrgID = "5d1c0f4e-8a3b-4c2d-9e6f-7a8b9c0d1e2f"

// DefaultTokenTTL is the access token lifetime Podero documents.
const DefaultTokenTTL = 36000 * time.Second

// TokenPath is where the token endpoint is served, relative to the mount.
const TokenPath = "/oauth2/token/"

// Options shape the simulated partner organisation. The same Options give
// byte-identical contract payloads.
type Options struct {
	Seed  uint64
	Users int    // default 30
	OrgID string // default DefaultOrgID
	// ClientID and ClientSecret are the credentials the token endpoint
	// accepts; when both are empty any non-empty pair is accepted.
	ClientID, ClientSecret string
	// TokenTTL is the access token lifetime; default DefaultTokenTTL.
	TokenTTL time.Duration
	Now      func() time.Time // default time.Now; decides token expiry
	// PageSize 0 answers a user's contracts as a bare JSON array; > 0
	// answers Django REST framework pages of that many contracts.
	PageSize int
	// Customers are the first users, each with one priced contract.
	Customers []simcust.Customer
}

// Server serves, relative to wherever it is mounted:
//
//	POST /oauth2/token/
//	GET  /api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts
//	GET  /api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts/{energy_contract_id}
//	PUT  /api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts/{energy_contract_id}
//	GET|POST /_sim/faults
//	POST /_sim/reject-next-write, /_sim/set-supplier (see simWrite)
//	POST /_sim/contracts/{id}/remove, /_sim/contracts/{id}/restore (see simRemoval)
//
// Faults apply with record id "token" on the token endpoint and the user
// id on the contract endpoints. Safe for concurrent use.
type Server struct {
	o        Options
	mux      *http.ServeMux
	requests atomic.Int64
	faults   simfault.Injector

	mu     sync.RWMutex // guards users' contracts and their payloads, and the write knobs
	users  []*user
	byUser map[string]*user
	// rejectNext, when set, answers the next PUT with a 400 on a field.
	rejectNext *rejection
	writes     int // PUTs that changed a contract
	// removed are contracts taken away by RemoveContract, by id.
	removed map[string]removal

	tmu    sync.Mutex
	tokens map[string]time.Time // access token → expiry
	issued int
}

// New generates the organisation's users and contracts up front.
func New(o Options) *Server {
	if o.Users <= 0 {
		o.Users = 30
	}
	if o.OrgID == "" {
		o.OrgID = DefaultOrgID
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{o: o, mux: http.NewServeMux(), byUser: map[string]*user{}, tokens: map[string]time.Time{}}
	s.users = generate(o)
	for _, u := range s.users {
		s.byUser[u.id] = u
	}
	const coll = "/api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts"
	s.mux.HandleFunc(TokenPath, s.token)
	s.mux.HandleFunc(coll, s.list)
	s.mux.HandleFunc(coll+"/", s.list)
	s.mux.HandleFunc(coll+"/{energy_contract_id}", s.one)
	s.mux.HandleFunc(coll+"/{energy_contract_id}/", s.one)
	s.mux.Handle("/_sim/faults", &s.faults)
	s.mux.HandleFunc("/_sim/{knob}", s.simWrite)
	s.mux.HandleFunc("POST /_sim/contracts/{id}/{action}", s.simRemoval)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeDetail(w, http.StatusNotFound, "Not found.", false)
	})
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mux.ServeHTTP(w, r)
}

// OrgID is the simulated organisation's id.
func (s *Server) OrgID() string { return s.o.OrgID }

// UserIDs lists the organisation's users in order.
func (s *Server) UserIDs() []string {
	out := make([]string, len(s.users))
	for i, u := range s.users {
		out[i] = u.id
	}
	return out
}

// ContractIDs lists every contract id, user by user.
func (s *Server) ContractIDs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for _, u := range s.users {
		for _, c := range u.contracts {
			out = append(out, c.wire.ID)
		}
	}
	return out
}

// Contracts returns the exact bytes of userID's contracts as a bare JSON
// array, as served with PageSize 0.
func (s *Server) Contracts(userID string) ([]byte, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.byUser[userID]
	if !ok {
		return nil, false
	}
	return s.array(u.contracts), true
}

// Contract returns the exact bytes of one contract.
func (s *Server) Contract(id string) ([]byte, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, u := range s.users {
		for _, c := range u.contracts {
			if c.wire.ID == id {
				return slices.Clone(c.payload), true
			}
		}
	}
	return nil, false
}

// Requests counts every request received, faulted or not.
func (s *Server) Requests() int64 { return s.requests.Load() }

// TokensIssued counts the access tokens issued so far.
func (s *Server) TokensIssued() int {
	s.tmu.Lock()
	defer s.tmu.Unlock()
	return s.issued
}

// ExpireTokens invalidates every access token issued so far, as if their
// lifetime had ended now.
func (s *Server) ExpireTokens() {
	s.tmu.Lock()
	clear(s.tokens)
	s.tmu.Unlock()
}

// Faults make the server misbehave; see simfault. The zero value is a healthy server.
type Faults = simfault.Faults

// SetFaults replaces the faults in force and restarts the EveryNth count.
func (s *Server) SetFaults(f Faults) { s.faults.Set(f) }

// SourceTOML is a [[source]] block for the sources file that syncs every
// user of this organisation with the simulator served at baseURL (server
// URL plus mount prefix); the client credentials are read from the
// environment variables named.
func (s *Server) SourceTOML(name, baseURL, clientIDEnv, clientSecretEnv string) string {
	var b strings.Builder
	b.WriteString("[[source]]\n")
	fmt.Fprintf(&b, "name = %s\n", simtoml.String(name))
	b.WriteString("kind = \"podero\"\n")
	fmt.Fprintf(&b, "base_url = %s\n", simtoml.String(baseURL))
	fmt.Fprintf(&b, "org_id = %s\n", simtoml.String(s.o.OrgID))
	b.WriteString("user_ids = [\n")
	for _, id := range s.UserIDs() {
		fmt.Fprintf(&b, "  %s,\n", simtoml.String(id))
	}
	b.WriteString("]\n")
	fmt.Fprintf(&b, "token_url = %s\n", simtoml.String(strings.TrimRight(baseURL, "/")+TokenPath))
	fmt.Fprintf(&b, "client_id_env = %s\n", simtoml.String(clientIDEnv))
	fmt.Fprintf(&b, "client_secret_env = %s\n", simtoml.String(clientSecretEnv))
	return b.String()
}

// token is the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) with
// the client authenticated by HTTP Basic, id and secret form-urlencoded
// (§2.3.1), the way django-oauth-toolkit answers it.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	// Read the form first: with the body consumed the server notices a
	// client that gives up during a simulated delay.
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	formErr := r.ParseForm()
	f, done := s.fault(w, r, "token")
	if done {
		return
	}
	cut := f.CutBody
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeDetail(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", r.Method), cut)
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		ok = err1 == nil && err2 == nil && s.clientOK(id, secret)
	}
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth2"`)
		writeJSON(w, http.StatusUnauthorized, oauthError("invalid_client"), cut)
		return
	}
	if formErr != nil {
		writeJSON(w, http.StatusBadRequest, oauthError("invalid_request"), cut)
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, oauthError("unsupported_grant_type"), cut)
		return
	}
	tok := rand.Text()
	s.tmu.Lock()
	s.tokens[tok] = s.o.Now().Add(s.o.TokenTTL)
	s.issued++
	s.tmu.Unlock()
	secs := int64((s.o.TokenTTL + time.Second - 1) / time.Second)
	body := fmt.Appendf(nil, `{"access_token":%q,"expires_in":%d,"token_type":"Bearer","scope":"read write"}`, tok, secs)
	writeJSON(w, http.StatusOK, simfault.Alter(f, body, "price"), cut)
}

func (s *Server) clientOK(id, secret string) bool {
	if s.o.ClientID == "" && s.o.ClientSecret == "" {
		return id != "" && secret != ""
	}
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(s.o.ClientID))
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(s.o.ClientSecret))
	return idOK&secretOK == 1
}

func oauthError(code string) []byte {
	return fmt.Appendf(nil, `{"error":%q}`, code)
}

// authorized checks the bearer token; expired and unknown tokens fail.
func (s *Server) authorized(r *http.Request) (ok bool, detail string) {
	h := r.Header.Get("Authorization")
	tok, found := strings.CutPrefix(h, "Bearer ")
	if !found || tok == "" {
		return false, "Authentication credentials were not provided."
	}
	s.tmu.Lock()
	exp, known := s.tokens[tok]
	s.tmu.Unlock()
	if !known || !s.o.Now().Before(exp) {
		return false, "Authentication credentials were not provided."
	}
	return true, ""
}

// route checks auth, organisation and user for a contract request. It
// answers and returns nil when the request cannot go on.
func (s *Server) route(w http.ResponseWriter, r *http.Request, cut bool) *user {
	if ok, detail := s.authorized(r); !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		writeDetail(w, http.StatusUnauthorized, detail, cut)
		return nil
	}
	if r.PathValue("org_id") != s.o.OrgID {
		writeDetail(w, http.StatusForbidden, "You do not have permission to perform this action.", cut)
		return nil
	}
	u, ok := s.byUser[r.PathValue("user_id")]
	if !ok {
		writeDetail(w, http.StatusNotFound, "Not found.", cut)
		return nil
	}
	return u
}

// list answers a user's contracts: a bare array, or with PageSize a Django
// REST framework page whose next and previous links are absolute URLs.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	f, done := s.fault(w, r, r.PathValue("user_id"))
	if done {
		return
	}
	cut := f.CutBody
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD, OPTIONS")
		writeDetail(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", r.Method), cut)
		return
	}
	u := s.route(w, r, cut)
	if u == nil {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.o.PageSize <= 0 {
		writeJSON(w, http.StatusOK, simfault.Alter(f, s.array(u.contracts), "price"), cut)
		return
	}
	page := 1
	if p := r.URL.Query().Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			writeDetail(w, http.StatusNotFound, "Invalid page.", cut)
			return
		}
		page = n
	}
	size := s.o.PageSize
	pages := max(1, (len(u.contracts)+size-1)/size)
	if page > pages {
		writeDetail(w, http.StatusNotFound, "Invalid page.", cut)
		return
	}
	from, to := (page-1)*size, min(page*size, len(u.contracts))
	self := selfURL(r)
	link := func(n int) string {
		q := self.Query()
		if n == 1 {
			q.Del("page")
		} else {
			q.Set("page", strconv.Itoa(n))
		}
		l := *self
		l.RawQuery = q.Encode()
		return strconv.Quote(l.String())
	}
	next, prev := "null", "null"
	if page < pages {
		next = link(page + 1)
	}
	if page > 1 {
		prev = link(page - 1)
	}
	body := fmt.Appendf(nil, `{"count":%d,"next":%s,"previous":%s,"results":`, len(u.contracts), next, prev)
	body = append(body, s.array(u.contracts[from:to])...)
	body = append(body, '}')
	writeJSON(w, http.StatusOK, simfault.Alter(f, body, "price"), cut)
}

// selfURL is the absolute URL the client asked for, before any
// http.StripPrefix: RequestURI keeps the full path.
func selfURL(r *http.Request) *url.URL {
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		u = &url.URL{Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	}
	u.Scheme, u.Host = "http", r.Host
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u
}

// array joins payloads into a JSON array, compact as Django REST
// framework renders it; callers hold s.mu.
func (s *Server) array(cs []*contract) []byte {
	b := []byte{'['}
	for i, c := range cs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, c.payload...)
	}
	return append(b, ']')
}

// one answers GET and PUT on a single contract.
func (s *Server) one(w http.ResponseWriter, r *http.Request) {
	f, done := s.fault(w, r, r.PathValue("user_id"))
	if done {
		return
	}
	cut := f.CutBody
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPut {
		w.Header().Set("Allow", "GET, PUT, HEAD, OPTIONS")
		writeDetail(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", r.Method), cut)
		return
	}
	u := s.route(w, r, cut)
	if u == nil {
		return
	}
	if r.Method == http.MethodPut {
		s.put(w, r, u, f)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := find(u, r.PathValue("energy_contract_id"))
	if c == nil {
		writeDetail(w, http.StatusNotFound, "Not found.", cut)
		return
	}
	writeJSON(w, http.StatusOK, simfault.Alter(f, c.payload, "price"), cut)
}

func find(u *user, id string) *contract {
	for _, c := range u.contracts {
		if c.wire.ID == id {
			return c
		}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, body []byte, cut bool) {
	simfault.Write(w, status, "application/json", body, cut)
}

// writeDetail answers an error the way Django REST framework does.
func writeDetail(w http.ResponseWriter, status int, detail string, cut bool) {
	body, _ := json.Marshal(map[string]string{"detail": detail})
	writeJSON(w, status, body, cut)
}

// fault applies the faults in force to a request for record id. done
// means the answer has been given; otherwise f says how to alter it.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, id string) (f Faults, done bool) {
	return s.faults.Intercept(w, r, id, func(status int) []byte {
		body, _ := json.Marshal(map[string]string{"detail": "Simulated " + http.StatusText(status) + "."})
		return body
	})
}
