package poderosim

import (
	"net/http"
	"slices"
)

// removal is where a removed contract was, so that restoring it puts it
// back in its place.
type removal struct {
	u   *user
	at  int
	con *contract
}

// RemoveContract deletes a contract as if someone removed it at Podero:
// its user's listing no longer has it and a GET or PUT of it answers 404.
// It reports whether there was such a contract.
func (s *Server) RemoveContract(contractID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		for i, c := range u.contracts {
			if c.wire.ID == contractID {
				if s.removed == nil {
					s.removed = map[string]removal{}
				}
				s.removed[contractID] = removal{u: u, at: i, con: c}
				u.contracts = slices.Delete(u.contracts, i, i+1)
				return true
			}
		}
	}
	return false
}

// RestoreContract brings a removed contract back, unchanged, where it was
// in its user's listing. It reports whether the contract had been removed.
func (s *Server) RestoreContract(contractID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.removed[contractID]
	if !ok {
		return false
	}
	delete(s.removed, contractID)
	r.u.contracts = slices.Insert(r.u.contracts, min(r.at, len(r.u.contracts)), r.con)
	return true
}

// simRemoval serves the removal knobs over HTTP, for the demo and for tests
// that drive the simulator from outside the process:
//
//	POST /_sim/contracts/{id}/remove
//	POST /_sim/contracts/{id}/restore
func (s *Server) simRemoval(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var ok bool
	switch r.PathValue("action") {
	case "remove":
		ok = s.RemoveContract(id)
	case "restore":
		ok = s.RestoreContract(id)
	}
	if !ok {
		writeDetail(w, http.StatusNotFound, "Not found.", false)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
