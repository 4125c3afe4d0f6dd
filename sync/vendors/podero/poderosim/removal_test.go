package poderosim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A removed contract leaves its user's listing and answers 404; restored,
// it is back in its place with the same bytes.
func TestRemoveAndRestoreOverHTTP(t *testing.T) {
	s := New(Options{Seed: 3, Users: 2, PageSize: 0})
	id := s.ContractIDs()[0]
	user := s.UserOf(id)
	before, _ := s.Contracts(user)
	payload, _ := s.Contract(id)
	post := func(path string) int {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, nil))
		return rec.Code
	}
	if code := post("/_sim/contracts/" + id + "/remove"); code != http.StatusNoContent {
		t.Fatalf("remove: %d", code)
	}
	if list, _ := s.Contracts(user); strings.Contains(string(list), id) {
		t.Errorf("user %s still lists %s after remove", user, id)
	}
	if _, ok := s.Contract(id); ok || s.UserOf(id) != "" {
		t.Errorf("contract %s still served after remove", id)
	}
	for _, tc := range []struct{ path string }{{"/_sim/contracts/" + id + "/remove"}, {"/_sim/contracts/nope/restore"}, {"/_sim/contracts/" + id + "/explode"}} {
		if code := post(tc.path); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", tc.path, code)
		}
	}
	if code := post("/_sim/contracts/" + id + "/restore"); code != http.StatusNoContent {
		t.Fatalf("restore: %d", code)
	}
	after, _ := s.Contracts(user)
	again, _ := s.Contract(id)
	if string(after) != string(before) || string(again) != string(payload) {
		t.Errorf("restored listing or contract differs from the original")
	}
}
