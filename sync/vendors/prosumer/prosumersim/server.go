// Package prosumersim is a deterministic stand-in for the prosumer portfolio
// API (an ASP.NET Web API), for tests and for running Wattfolio without a
// vendor account. Its payloads follow the help page's sample field for
// field: the same keys in the same order, the vendor's spellings
// (MininumTimeBetweenActivation, MinRamDownTemperature), .NET timestamps with
// seven fractional digits, and null where .NET writes null.
package prosumersim

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"

	"wattfolio/internal/simfault"
	"wattfolio/internal/simtoml"
)

// Options shape the simulated vendor. The same Options give byte-identical
// payloads.
type Options struct {
	Seed      uint64
	Customers int    // default 40
	Token     string // the bearer token required; "" accepts any request, as the API documents no auth
}

// Server serves GET /api/customers/{customerId}/prosumercontracts relative
// to wherever it is mounted, plus GET and POST /_sim/faults to steer faults
// from another process.
type Server struct {
	token     string
	customers []customer
	byID      map[string]*customer
	mux       *http.ServeMux
	requests  atomic.Int64

	faults simfault.Injector
}

// WrongTypeField is the field the WrongTypes fault turns into a string.
const WrongTypeField = "ReservationFee"

// New generates every customer's portfolio up front, so every request is a
// lookup.
func New(o Options) *Server {
	if o.Customers <= 0 {
		o.Customers = 40
	}
	s := &Server{token: o.Token, mux: http.NewServeMux()}
	s.customers = generate(o)
	s.byID = make(map[string]*customer, len(s.customers))
	for i := range s.customers {
		s.byID[s.customers[i].id] = &s.customers[i]
	}
	s.mux.HandleFunc("GET /api/customers/{customerId}/prosumercontracts", s.portfolio)
	s.mux.Handle("/_sim/faults", &s.faults)
	return s
}

// CustomerIDs lists every customer id in order.
func (s *Server) CustomerIDs() []string {
	out := make([]string, len(s.customers))
	for i, c := range s.customers {
		out[i] = c.id
	}
	return out
}

// Business says whether customer id is a business rather than a household.
func (s *Server) Business(id string) bool {
	c, ok := s.byID[id]
	return ok && c.business
}

// ContractIDs lists every contract id in the order a connector syncing
// CustomerIDs delivers them: customer by customer, energy, service, then
// flexibility contracts.
func (s *Server) ContractIDs() []string {
	var out []string
	for _, c := range s.customers {
		out = append(out, c.contracts...)
	}
	return out
}

// Payload returns the exact bytes served for a customer, without faults.
func (s *Server) Payload(customerID string) ([]byte, bool) {
	c, ok := s.byID[customerID]
	if !ok {
		return nil, false
	}
	return slices.Clone(c.payload), true
}

// ContentType returns the Content-Type served for a customer.
func (s *Server) ContentType(customerID string) (string, bool) {
	c, ok := s.byID[customerID]
	if !ok {
		return "", false
	}
	return c.contentType, true
}

// Requests counts every request received, faulted or not.
func (s *Server) Requests() int64 { return s.requests.Load() }

// SetFaults replaces the faults in force and restarts the EveryNth count.
// A fault's IDs are customer ids.
func (s *Server) SetFaults(f simfault.Faults) { s.faults.Set(f) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mux.ServeHTTP(w, r)
}

func (s *Server) portfolio(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("customerId")
	f, done := s.faults.Intercept(w, r, id, func(int) []byte {
		return message("An error has occurred.")
	})
	if done {
		return
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="prosumer"`)
		simfault.Write(w, http.StatusUnauthorized, "application/json; charset=utf-8",
			message("Authorization has been denied for this request."), f.CutBody)
		return
	}
	c, ok := s.byID[id]
	if !ok {
		simfault.Write(w, http.StatusNotFound, "application/json; charset=utf-8",
			message(fmt.Sprintf("No customer found with id '%s'.", id)), f.CutBody)
		return
	}
	simfault.Write(w, http.StatusOK, c.contentType, simfault.Alter(f, c.payload, WrongTypeField), f.CutBody)
}

func (s *Server) authorized(r *http.Request) bool {
	if s.token == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1
}

// message is an ASP.NET Web API error body.
func message(msg string) []byte {
	b, _ := json.Marshal(map[string]string{"Message": msg})
	return b
}

// SourceTOML returns a [[source]] block for the sources file that syncs
// every simulated customer from baseURL (where the server is mounted, e.g.
// http://127.0.0.1:8091/prosumer). tokenEnv names the environment variable
// holding the token; "" leaves token_env out, for a server without a token.
func (s *Server) SourceTOML(name, baseURL, tokenEnv string) string {
	var b strings.Builder
	b.WriteString("[[source]]\n")
	fmt.Fprintf(&b, "name = %s\n", simtoml.String(name))
	b.WriteString("kind = \"prosumer\"\n")
	fmt.Fprintf(&b, "base_url = %s\n", simtoml.String(strings.TrimRight(baseURL, "/")))
	if tokenEnv != "" {
		fmt.Fprintf(&b, "token_env = %s\n", simtoml.String(tokenEnv))
	}
	b.WriteString("customer_ids = [\n")
	for _, c := range s.customers {
		fmt.Fprintf(&b, "  %s,\n", simtoml.String(c.id))
	}
	b.WriteString("]\n")
	return b.String()
}
