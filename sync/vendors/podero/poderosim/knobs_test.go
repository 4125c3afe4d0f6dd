package poderosim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWriteKnobsOverHTTP(t *testing.T) {
	s := New(Options{Seed: 3, Users: 2})
	id := s.ContractIDs()[0]
	user := s.UserOf(id)
	post := func(path, body string) int {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader(body)))
		return rec.Code
	}
	if code := post("/_sim/set-supplier", `{"user":"`+user+`","contract":"`+id+`","supplier":"Behind your back"}`); code != http.StatusNoContent {
		t.Fatalf("set-supplier: %d", code)
	}
	if raw, _ := s.Contract(id); !strings.Contains(string(raw), `"supplier":"Behind your back"`) {
		t.Errorf("contract %s", raw)
	}
	// Without the user, the knob finds it (a demo user knows only the contract).
	if code := post("/_sim/set-supplier", `{"contract":"`+id+`","supplier":"Again"}`); code != http.StatusNoContent {
		t.Fatalf("set-supplier without user: %d", code)
	}
	if raw, _ := s.Contract(id); !strings.Contains(string(raw), `"supplier":"Again"`) {
		t.Errorf("contract %s", raw)
	}
	if code := post("/_sim/set-supplier", `{"user":"`+user+`","contract":"nope","supplier":"x"}`); code != http.StatusNotFound {
		t.Errorf("set-supplier of an unknown contract: %d", code)
	}
	if code := post("/_sim/reject-next-write", `{"field":"meter_id","message":"Nope."}`); code != http.StatusNoContent {
		t.Fatalf("reject-next-write: %d", code)
	}
	s.mu.RLock()
	rj := s.rejectNext
	s.mu.RUnlock()
	if rj == nil || rj.field != "meter_id" || rj.msg != "Nope." {
		t.Errorf("rejectNext = %+v", rj)
	}
}
