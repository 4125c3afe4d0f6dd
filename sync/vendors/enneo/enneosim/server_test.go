package enneosim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/internal/loopback"
)

const (
	prefix = "/enneo/api/mind"
	token  = "sim-token"
)

func serve(t *testing.T, s *Server) string {
	t.Helper()
	return loopback.Serve(t, prefix, s)
}

type response struct {
	status int
	body   []byte
	err    error // reading the body
}

func get(t *testing.T, url, bearer string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return response{resp.StatusCode, body, err}
}

func TestSameSeedSameBytes(t *testing.T) {
	a := New(Options{Seed: 7, Token: token})
	b := New(Options{Seed: 7, Token: token})
	c := New(Options{Seed: 8, Token: token})
	if !slices.Equal(a.IDs(), b.IDs()) {
		t.Fatal("ids differ")
	}
	same := 0
	for _, id := range a.IDs() {
		pa, _ := a.Payload(id)
		pb, _ := b.Payload(id)
		pc, _ := c.Payload(id)
		if !bytes.Equal(pa, pb) {
			t.Fatalf("payload %s differs between servers of the same seed", id)
		}
		if bytes.Equal(pa, pc) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d payloads equal across seeds 7 and 8", same)
	}
	// What is served is exactly Payload.
	url := serve(t, a)
	for _, id := range a.IDs()[:20] {
		r := get(t, url+"/contract/"+id+"?includeRawData=true", token)
		want, _ := a.Payload(id)
		if r.status != http.StatusOK || !bytes.Equal(r.body, want) {
			t.Fatalf("contract %s: %d %s", id, r.status, r.body)
		}
	}
}

func TestIDs(t *testing.T) {
	ids := New(Options{}).IDs()
	if len(ids) != 300 || ids[0] != "700000" || ids[299] != "700299" {
		t.Errorf("default ids: %d from %s to %s", len(ids), ids[0], ids[len(ids)-1])
	}
	ids = New(Options{Contracts: 3, FirstID: 42}).IDs()
	if !slices.Equal(ids, []string{"42", "43", "44"}) {
		t.Errorf("ids = %q", ids)
	}
}

func TestAuthAndNotFound(t *testing.T) {
	s := New(Options{Seed: 1, Token: token, Contracts: 5})
	url := serve(t, s)
	open := serve(t, New(Options{Seed: 1, Contracts: 5}))
	tests := []struct {
		name, url, bearer string
		want              int
	}{
		{"no token", url + "/contract/700001", "", http.StatusUnauthorized},
		{"wrong token", url + "/contract/700001", "nope", http.StatusUnauthorized},
		{"right token", url + "/contract/700001", token, http.StatusOK},
		{"search without token", url + "/contract/search?q=700001", "", http.StatusUnauthorized},
		{"unknown id", url + "/contract/1", token, http.StatusNotFound},
		{"not a number", url + "/contract/abc", token, http.StatusNotFound},
		{"past the last", url + "/contract/700005", token, http.StatusNotFound},
		{"no token configured", open + "/contract/700001", "", http.StatusOK},
	}
	for _, tt := range tests {
		r := get(t, tt.url, tt.bearer)
		if r.status != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, r.status, tt.want)
		}
		if tt.want != http.StatusOK {
			var e struct{ Error, Message string }
			if err := json.Unmarshal(r.body, &e); err != nil || e.Error == "" || e.Message == "" {
				t.Errorf("%s: error body %s is not a JSON error", tt.name, r.body)
			}
		}
	}
}

func TestSearch(t *testing.T) {
	s := New(Options{Seed: 3, Token: token, Contracts: 50})
	url := serve(t, s)
	var hits []struct {
		ID         json.Number
		Similarity json.Number
		Contract   json.RawMessage
	}
	decode := func(r response) {
		t.Helper()
		hits = nil
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if err := json.Unmarshal(r.body, &hits); err != nil {
			t.Fatal(err)
		}
	}
	decode(get(t, url+"/contract/search?q=700007", token))
	want, _ := s.Payload("700007")
	if len(hits) == 0 {
		t.Fatal("no hits for an id")
	}
	if hits[0].ID != "700007" || hits[0].Similarity != "1" || !bytes.Equal(hits[0].Contract, want) {
		t.Errorf("search by id: %d hits, first %s (%s): %s", len(hits), hits[0].ID, hits[0].Similarity, hits[0].Contract)
	}

	var c struct{ Lastname string }
	_ = json.Unmarshal(want, &c)
	decode(get(t, url+"/contract/search?q="+strings.ToUpper(c.Lastname), token))
	if len(hits) == 0 {
		t.Fatalf("no hits for %s", c.Lastname)
	}
	for _, h := range hits {
		if !bytes.Contains(bytes.ToLower(h.Contract), bytes.ToLower([]byte(c.Lastname))) {
			t.Errorf("hit %s does not mention %s", h.ID, c.Lastname)
		}
	}

	decode(get(t, url+"/contract/search?q=zzzzzz", token))
	if len(hits) != 0 {
		t.Errorf("hits for nonsense: %d", len(hits))
	}
	if r := get(t, url+"/contract/search?q=", token); r.status != http.StatusBadRequest {
		t.Errorf("empty q: status %d", r.status)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults Faults
		ids    []string // requested in order
		want   []int    // status per request; -1: body cut off
		// minTook is the least time the requests must take together.
		minTook time.Duration
	}{
		{"none", Faults{}, []string{"700000"}, []int{200}, 0},
		{"status", Faults{Status: 503}, []string{"700000", "700001"}, []int{503, 503}, 0},
		{"delay", Faults{Delay: 150 * time.Millisecond}, []string{"700000"}, []int{200}, 150 * time.Millisecond},
		{"cut body", Faults{CutBody: true}, []string{"700000"}, []int{-1}, 0},
		{"cut error body", Faults{CutBody: true, Status: 500}, []string{"700000"}, []int{-1}, 0},
		{"every third", Faults{Status: 500, EveryNth: 3}, []string{"700000", "700001", "700002", "700003", "700004", "700005"},
			[]int{200, 200, 500, 200, 200, 500}, 0},
		{"only some ids", Faults{Status: 502, IDs: []string{"700001"}}, []string{"700000", "700001", "700002", "700001"},
			[]int{200, 502, 200, 502}, 0},
		{"every second of some ids", Faults{Status: 502, IDs: []string{"700001"}, EveryNth: 2},
			[]string{"700001", "700000", "700001", "700001"}, []int{200, 200, 502, 200}, 0},
	}
	s := New(Options{Seed: 5, Token: token, Contracts: 10})
	url := serve(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetFaults(tt.faults)
			defer s.SetFaults(Faults{})
			start := time.Now()
			for i, id := range tt.ids {
				r := get(t, url+"/contract/"+id, token)
				got := r.status
				if r.err != nil {
					if !errors.Is(r.err, io.ErrUnexpectedEOF) {
						t.Fatalf("request %d: %v", i, r.err)
					}
					got = -1
				}
				if got != tt.want[i] {
					t.Errorf("request %d (%s): status %d, want %d", i, id, got, tt.want[i])
				}
			}
			if took := time.Since(start); took < tt.minTook {
				t.Errorf("took %v, want at least %v", took, tt.minTook)
			}
		})
	}
}

// A delayed answer ends when the client leaves, not when the delay does:
// closing the server waits for its handlers.
func TestDelayRespectsClientLeaving(t *testing.T) {
	s := New(Options{Contracts: 1})
	s.SetFaults(Faults{Delay: time.Minute})
	srv := httptest.NewServer(s)
	client := &http.Client{Timeout: 50 * time.Millisecond}
	if _, err := client.Get(srv.URL + "/contract/700000"); err == nil {
		t.Fatal("answered despite a minute's delay")
	}
	start := time.Now()
	srv.Close()
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("handler lingered %v after the client left", took)
	}
}

func TestFaultsOverHTTP(t *testing.T) {
	s := New(Options{Seed: 5, Token: token, Contracts: 10})
	url := serve(t, s)
	post := func(body string) int {
		resp, err := http.Post(url+"/_sim/faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(`{"Status": 500, "Delay": "20ms", "EveryNth": 1, "IDs": ["700003"]}`); got != http.StatusNoContent {
		t.Fatalf("POST faults: %d", got)
	}
	f := s.faults.Get()
	if f.Status != 500 || f.Delay != 20*time.Millisecond || f.EveryNth != 1 || !slices.Equal(f.IDs, []string{"700003"}) {
		t.Errorf("faults = %+v", f)
	}
	if r := get(t, url+"/contract/700003", token); r.status != 500 {
		t.Errorf("faulted id: %d", r.status)
	}
	if r := get(t, url+"/contract/700004", token); r.status != 200 {
		t.Errorf("other id: %d", r.status)
	}
	if r := get(t, url+"/_sim/faults", ""); !bytes.Contains(r.body, []byte(`"delay":"20ms"`)) {
		t.Errorf("GET faults: %s", r.body)
	}
	for _, bad := range []string{`{"delay": "soon"}`, `{"status": 42}`, `{"colour": "red"}`, `nope`} {
		if got := post(bad); got != http.StatusBadRequest {
			t.Errorf("POST %s: %d, want 400", bad, got)
		}
	}
	if got := post(`{}`); got != http.StatusNoContent {
		t.Errorf("clearing faults: %d", got)
	}
	if r := get(t, url+"/contract/700003", token); r.status != 200 {
		t.Errorf("after clearing: %d", r.status)
	}
}

func TestRequestsCounted(t *testing.T) {
	s := New(Options{Token: token, Contracts: 2})
	url := serve(t, s)
	get(t, url+"/contract/700000", token)
	get(t, url+"/contract/700000", "")
	get(t, url+"/contract/9", token)
	if got := s.Requests(); got != 3 {
		t.Errorf("Requests() = %d, want 3", got)
	}
}

// seedKeys are the top-level keys of the API docs' sample, in order.
func seedKeys(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../testdata/contract_746839.json")
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := topLevel(t, b)
	return keys
}

// topLevel lists an object's keys in order with their raw values.
func topLevel(t *testing.T, b []byte) ([]string, map[string]json.RawMessage) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var keys []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		default:
			if k, ok := tok.(string); ok && depth == 1 && dec.More() {
				keys = append(keys, k)
				// Skip the value, whatever it is.
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return keys, m
}

func TestWireShapeMatchesSeed(t *testing.T) {
	want := seedKeys(t)
	s := New(Options{Seed: 11})
	for _, id := range s.IDs() {
		p, _ := s.Payload(id)
		keys, m := topLevel(t, p)
		if !slices.Equal(keys, want) {
			t.Fatalf("contract %s keys %q, want %q", id, keys, want)
		}
		for _, k := range []string{"id", "orderId", "signupDate", "statusCode", "energyTypeId", "energySubTypeId"} {
			if !isNumber(m[k]) {
				t.Errorf("contract %s: %s = %s, want a number", id, k, m[k])
			}
		}
		for _, k := range []string{"phone", "gridOperatorCode", "startDate", "endDate", "consumption", "basePrice", "workingPrice", "vatRate", "monthlyDeposit", "unpaidDebt"} {
			if !isNumber(m[k]) && string(m[k]) != "null" {
				t.Errorf("contract %s: %s = %s, want a number or null", id, k, m[k])
			}
		}
		for _, k := range []string{"customerId", "status", "energy", "email", "firstname", "lastname", "deliveryAddress"} {
			if m[k][0] != '"' {
				t.Errorf("contract %s: %s = %s, want a string", id, k, m[k])
			}
		}
	}
}

func isNumber(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}

func TestBrokenIDs(t *testing.T) {
	s := New(Options{Seed: 2, Broken: []string{"700004", "nope"}})
	p, _ := s.Payload("700004")
	if !bytes.Contains(p, []byte(`"consumption":"lots"`)) {
		t.Errorf("broken payload: %s", p)
	}
	ok, _ := s.Payload("700005")
	if bytes.Contains(ok, []byte(`"lots"`)) {
		t.Errorf("healthy payload is broken: %s", ok)
	}
	// Breaking one contract changes no other.
	plain := New(Options{Seed: 2})
	for _, id := range s.IDs() {
		a, _ := s.Payload(id)
		b, _ := plain.Payload(id)
		if id != "700004" && !bytes.Equal(a, b) {
			t.Fatalf("contract %s changed", id)
		}
	}
}
