package poderosim

import (
	"encoding/json"
	"fmt"
	"net/http"

	"wattfolio/sync/vendors/internal/simgen"
)

// rejection is a 400 the next PUT gets, whatever it carries.
type rejection struct{ field, msg string }

// SetSupplier changes a contract's supplier as if someone edited it at
// Podero behind the client's back. It reports whether the contract exists.
func (s *Server) SetSupplier(userID, contractID, supplier string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.byUser[userID]
	if !ok {
		return false
	}
	c := find(u, contractID)
	if c == nil {
		return false
	}
	c.wire.Supplier = &supplier
	c.payload = simgen.Marshal(&c.wire)
	return true
}

// RejectNextWrite makes the next PUT answer 400 with msg as the error of
// field, the way Django REST framework reports a field error. The contract
// is left as it is.
func (s *Server) RejectNextWrite(field, msg string) {
	s.mu.Lock()
	s.rejectNext = &rejection{field, msg}
	s.mu.Unlock()
}

// Writes counts the PUTs that changed a contract so far.
func (s *Server) Writes() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.writes
}

// UserOf is the user a contract belongs to, "" when there is no such contract.
func (s *Server) UserOf(contractID string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, u := range s.users {
		if find(u, contractID) != nil {
			return u.id
		}
	}
	return ""
}

// simWrite serves the write knobs over HTTP, for demos and for tests that
// drive the simulator from outside the process:
//
//	POST /_sim/reject-next-write {"field": "supplier", "message": "..."}
//	POST /_sim/set-supplier      {"user": "...", "contract": "...", "supplier": "..."}
//
// set-supplier finds the contract's user when "user" is left out.
func (s *Server) simWrite(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeDetail(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", r.Method), false)
		return
	}
	var in struct {
		Field, Message           string
		User, Contract, Supplier string
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil {
		writeDetail(w, http.StatusBadRequest, "JSON parse error - expected an object.", false)
		return
	}
	switch r.PathValue("knob") {
	case "reject-next-write":
		if in.Field == "" || in.Message == "" {
			writeDetail(w, http.StatusBadRequest, "field and message are required.", false)
			return
		}
		s.RejectNextWrite(in.Field, in.Message)
	case "set-supplier":
		if in.User == "" {
			in.User = s.UserOf(in.Contract)
		}
		if !s.SetSupplier(in.User, in.Contract, in.Supplier) {
			writeDetail(w, http.StatusNotFound, "Not found.", false)
			return
		}
	default:
		writeDetail(w, http.StatusNotFound, "Not found.", false)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
