package poderosim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/internal/loopback"
	"wattfolio/internal/simfault"
)

const prefix = "/podero/base"

func serve(t *testing.T, s *Server) string {
	t.Helper()
	return loopback.Serve(t, prefix, s)
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, u, bearer, contentType string, body []byte) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// token asks for an access token with id and secret form-urlencoded.
func token(t *testing.T, base, id, secret string) (string, response) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+TokenPath, strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	_ = json.Unmarshal(b, &tok)
	return tok.AccessToken, response{resp.StatusCode, resp.Header, b}
}

func contractsURL(base, org, user string) string {
	return base + "/api/partners/v2.0/org/" + org + "/users/" + user + "/energy-contracts"
}

func TestSameSeedSameBytes(t *testing.T) {
	a, b, c := New(Options{Seed: 7}), New(Options{Seed: 7}), New(Options{Seed: 8})
	if !slices.Equal(a.UserIDs(), b.UserIDs()) || !slices.Equal(a.ContractIDs(), b.ContractIDs()) {
		t.Fatal("ids differ between servers of the same seed")
	}
	if len(a.UserIDs()) != 30 {
		t.Errorf("%d users by default", len(a.UserIDs()))
	}
	for _, u := range a.UserIDs() {
		pa, _ := a.Contracts(u)
		pb, _ := b.Contracts(u)
		if !bytes.Equal(pa, pb) {
			t.Fatalf("user %s: payloads differ", u)
		}
	}
	if slices.ContainsFunc(a.UserIDs(), func(u string) bool { return slices.Contains(c.UserIDs(), u) }) {
		t.Error("seeds 7 and 8 share a user id")
	}
	// What is served is exactly Contracts and Contract.
	base := serve(t, a)
	tok, _ := token(t, base, "any", "any")
	for _, u := range a.UserIDs()[:5] {
		r := do(t, "GET", contractsURL(base, DefaultOrgID, u), tok, "", nil)
		want, _ := a.Contracts(u)
		if r.status != 200 || !bytes.Equal(r.body, want) {
			t.Fatalf("user %s: %d %s", u, r.status, r.body)
		}
		var items []json.RawMessage
		if err := json.Unmarshal(r.body, &items); err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			var c struct{ ID string }
			_ = json.Unmarshal(it, &c)
			one := do(t, "GET", contractsURL(base, DefaultOrgID, u)+"/"+c.ID, tok, "", nil)
			want, _ := a.Contract(c.ID)
			if one.status != 200 || !bytes.Equal(one.body, want) || !bytes.Equal(one.body, it) {
				t.Errorf("contract %s: %d %s", c.ID, one.status, one.body)
			}
		}
	}
}

// Every contract has the seed's keys in the seed's order.
func TestWireShapeMatchesSeed(t *testing.T) {
	seed, err := os.ReadFile("../testdata/contract_seed.json")
	if err != nil {
		t.Fatal(err)
	}
	want := keys(t, seed)
	s := New(Options{Seed: 1})
	for _, id := range s.ContractIDs() {
		p, _ := s.Contract(id)
		if got := keys(t, p); !slices.Equal(got, want) {
			t.Fatalf("contract %s keys %v, want %v", id, got, want)
		}
	}
}

// keys lists an object's top-level keys in order.
func keys(t *testing.T, obj []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", obj)
	}
	var out []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestTokenEndpoint(t *testing.T) {
	clk := &clock{now: time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)}
	s := New(Options{Seed: 1, Users: 2, ClientID: "partner id", ClientSecret: "sec:ret+ü%", TokenTTL: time.Hour, Now: clk.Now})
	base := serve(t, s)
	list := contractsURL(base, DefaultOrgID, s.UserIDs()[0])

	tok, r := token(t, base, "partner id", "sec:ret+ü%")
	if r.status != 200 || tok == "" || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	var body map[string]any
	_ = json.Unmarshal(r.body, &body)
	if body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) {
		t.Errorf("token answer %s", r.body)
	}
	if s.TokensIssued() != 1 {
		t.Errorf("TokensIssued %d", s.TokensIssued())
	}
	if r := do(t, "GET", list, tok, "", nil); r.status != 200 {
		t.Fatalf("with token: %d", r.status)
	}

	for _, tt := range []struct{ name, id, secret string }{
		{"wrong secret", "partner id", "nope"},
		{"wrong id", "other", "sec:ret+ü%"},
		{"empty", "", ""},
	} {
		_, r := token(t, base, tt.id, tt.secret)
		if r.status != 401 || !strings.Contains(string(r.body), `"invalid_client"`) {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body)
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", base+TokenPath, strings.NewReader("grant_type=password"))
	req.SetBasicAuth("partner+id", url.QueryEscape("sec:ret+ü%"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "unsupported_grant_type") {
		t.Errorf("password grant: %d %s", resp.StatusCode, b)
	}
	if r := do(t, "GET", base+TokenPath, "", "", nil); r.status != 405 {
		t.Errorf("GET token: %d", r.status)
	}
	if s.TokensIssued() != 1 {
		t.Errorf("TokensIssued %d after refusals", s.TokensIssued())
	}

	// Expiry by the clock.
	clk.Advance(59 * time.Minute)
	if r := do(t, "GET", list, tok, "", nil); r.status != 200 {
		t.Errorf("before expiry: %d", r.status)
	}
	clk.Advance(time.Minute)
	if r := do(t, "GET", list, tok, "", nil); r.status != 401 || !strings.Contains(string(r.body), `"detail"`) {
		t.Errorf("after expiry: %d %s", r.status, r.body)
	}
	// Expiry on demand.
	tok2, _ := token(t, base, "partner id", "sec:ret+ü%")
	if r := do(t, "GET", list, tok2, "", nil); r.status != 200 {
		t.Errorf("new token: %d", r.status)
	}
	s.ExpireTokens()
	if r := do(t, "GET", list, tok2, "", nil); r.status != 401 {
		t.Errorf("after ExpireTokens: %d", r.status)
	}
	for _, bad := range []string{"", "made-up"} {
		if r := do(t, "GET", list, bad, "", nil); r.status != 401 {
			t.Errorf("token %q: %d", bad, r.status)
		}
	}
	if s.TokensIssued() != 2 {
		t.Errorf("TokensIssued %d", s.TokensIssued())
	}
}

func TestRoutes(t *testing.T) {
	s := New(Options{Seed: 4, Users: 3})
	base := serve(t, s)
	tok, _ := token(t, base, "a", "b")
	u := s.UserIDs()[0]
	tests := []struct {
		name, method, url string
		want              int
	}{
		{"list", "GET", contractsURL(base, DefaultOrgID, u), 200},
		{"list, trailing slash", "GET", contractsURL(base, DefaultOrgID, u) + "/", 200},
		{"other org", "GET", contractsURL(base, "11111111-2222-4333-8444-555555555555", u), 403},
		{"unknown user", "GET", contractsURL(base, DefaultOrgID, "nobody"), 404},
		{"unknown contract", "GET", contractsURL(base, DefaultOrgID, u) + "/nothing", 404},
		{"another user's contract", "GET", contractsURL(base, DefaultOrgID, u) + "/" + lastContractOf(t, s, s.UserIDs()[1]), 404},
		{"POST on the list", "POST", contractsURL(base, DefaultOrgID, u), 405},
		{"DELETE a contract", "DELETE", contractsURL(base, DefaultOrgID, u) + "/x", 405},
		{"elsewhere", "GET", base + "/api/other", 404},
	}
	for _, tt := range tests {
		r := do(t, tt.method, tt.url, tok, "", nil)
		if r.status != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, r.status, r.body, tt.want)
		}
		if r.status != 200 && !strings.Contains(string(r.body), `"detail"`) {
			t.Errorf("%s: error body %s", tt.name, r.body)
		}
	}
}

func lastContractOf(t *testing.T, s *Server, user string) string {
	t.Helper()
	b, _ := s.Contracts(user)
	var cs []struct{ ID string }
	if err := json.Unmarshal(b, &cs); err != nil || len(cs) == 0 {
		t.Fatalf("user %s: %v", user, err)
	}
	return cs[len(cs)-1].ID
}

// Django REST pages: absolute links that keep the mount prefix, count,
// and all contracts across the pages.
func TestPages(t *testing.T) {
	s := New(Options{Seed: 4, Users: 40, PageSize: 1})
	base := serve(t, s)
	tok, _ := token(t, base, "a", "b")
	var user string
	for _, u := range s.UserIDs() {
		if b, _ := s.Contracts(u); bytes.Count(b, []byte(`"energy_contract_type"`)) == 3 {
			user = u
			break
		}
	}
	if user == "" {
		t.Fatal("no user with three contracts")
	}
	all, _ := s.Contracts(user)
	var want []json.RawMessage
	_ = json.Unmarshal(all, &want)

	type page struct {
		Count    int               `json:"count"`
		Next     *string           `json:"next"`
		Previous *string           `json:"previous"`
		Results  []json.RawMessage `json:"results"`
	}
	next := contractsURL(base, DefaultOrgID, user)
	var got []json.RawMessage
	var prevs []string
	for n := 0; next != ""; n++ {
		r := do(t, "GET", next, tok, "", nil)
		var p page
		if r.status != 200 || json.Unmarshal(r.body, &p) != nil {
			t.Fatalf("page %d: %d %s", n, r.status, r.body)
		}
		if !bytes.HasPrefix(r.body, []byte(`{"count":3,"next":`)) || p.Count != 3 || len(p.Results) != 1 {
			t.Errorf("page %d: %s", n, r.body)
		}
		got = append(got, p.Results...)
		prev := "null"
		if p.Previous != nil {
			prev = *p.Previous
		}
		prevs = append(prevs, prev)
		next = ""
		if p.Next != nil {
			next = *p.Next
			if !strings.HasPrefix(next, base+"/api/partners/") {
				t.Fatalf("next link %s is not absolute under %s", next, base)
			}
		}
	}
	if len(got) != 3 {
		t.Fatalf("%d contracts over the pages", len(got))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("contract %d differs from the bare array's", i)
		}
	}
	first := contractsURL(base, DefaultOrgID, user)
	if !slices.Equal(prevs, []string{"null", first, first + "?page=2"}) {
		t.Errorf("previous links %q", prevs)
	}
	for _, bad := range []string{"?page=4", "?page=0", "?page=x"} {
		if r := do(t, "GET", first+bad, tok, "", nil); r.status != 404 || !strings.Contains(string(r.body), "Invalid page.") {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}

func TestPut(t *testing.T) {
	s := New(Options{Seed: 5, Users: 3})
	base := serve(t, s)
	tok, _ := token(t, base, "a", "b")
	user := s.UserIDs()[1]
	id := lastContractOf(t, s, user)
	one := contractsURL(base, DefaultOrgID, user) + "/" + id

	// The docs' sample request body, with values that pass validation.
	body := `{
  "energy_contract_type": "spot_hourly",
  "energy_prices": [{"price": 0.31, "timestamp": "2026-01-15T01:00:00+01:00"}, {"price": -0.01234, "timestamp": "2026-01-15T00:00:00+01:00"}],
  "building_id": "3C90C3CC-0D44-4B50-8888-8DD25736052A",
  "meter_id": "1ESY1161234567",
  "supplier": "Tibber",
  "currency_energy_price": "EUR",
  "energy_price_includes_external_components": false,
  "id": "ignored-read-only",
  "unknown": 1
}`
	r := do(t, "PUT", one, tok, "application/json; charset=utf-8", []byte(body))
	want := `{"energy_contract_type":"spot_hourly","energy_prices":[{"price":-0.01234,"timestamp":"2026-01-15T00:00:00+01:00"},{"price":0.31,"timestamp":"2026-01-15T01:00:00+01:00"}],` +
		`"id":"` + id + `","building":"3c90c3cc-0d44-4b50-8888-8dd25736052a","meter_id":"1ESY1161234567","supplier":"Tibber","currency_energy_price":"EUR","energy_price_includes_external_components":false}`
	if r.status != 200 || string(r.body) != want {
		t.Fatalf("PUT: %d\n%s\nwant\n%s", r.status, r.body, want)
	}
	if got, _ := s.Contract(id); string(got) != want {
		t.Errorf("stored %s", got)
	}
	if list := do(t, "GET", contractsURL(base, DefaultOrgID, user), tok, "", nil); !bytes.Contains(list.body, []byte(want)) {
		t.Errorf("list does not show the update: %s", list.body)
	}
	// Fields left out keep their values; null clears a nullable one.
	r = do(t, "PUT", one, tok, "application/json", []byte(`{"supplier": null}`))
	if r.status != 200 || !strings.Contains(string(r.body), `"supplier":null`) || !strings.Contains(string(r.body), `"meter_id":"1ESY1161234567"`) {
		t.Errorf("partial PUT: %d %s", r.status, r.body)
	}

	bad := []struct {
		name, body, contentType string
		status                  int
		field                   string
	}{
		{"meter id too long", `{"meter_id": "12345678901234567890"}`, "", 400, "meter_id"},
		{"supplier too long", `{"supplier": "` + strings.Repeat("x", 101) + `"}`, "", 400, "supplier"},
		{"unknown type", `{"energy_contract_type": "weekly"}`, "", 400, "energy_contract_type"},
		{"building not a uuid", `{"building_id": "house"}`, "", 400, "building_id"},
		{"price a word", `{"energy_prices": [{"price": "cheap", "timestamp": "2026-01-15T00:00:00Z"}]}`, "", 400, "energy_prices"},
		{"timestamp without offset", `{"energy_prices": [{"price": 0.1, "timestamp": "2026-01-15T00:00:00"}]}`, "", 400, "energy_prices"},
		{"currency not ISO", `{"currency_energy_price": "Euro"}`, "", 400, "currency_energy_price"},
		{"spot prices without currency", `{"currency_energy_price": null}`, "", 400, "currency_energy_price"},
		{"includes a string", `{"energy_price_includes_external_components": "yes"}`, "", 400, "energy_price_includes_external_components"},
		{"not an object", `[1]`, "", 400, "detail"},
		{"form body", `supplier=x`, "application/x-www-form-urlencoded", 415, "detail"},
	}
	for _, tt := range bad {
		ct := tt.contentType
		if ct == "" {
			ct = "application/json"
		}
		r := do(t, "PUT", one, tok, ct, []byte(tt.body))
		var errs map[string]any
		_ = json.Unmarshal(r.body, &errs)
		if r.status != tt.status || errs[tt.field] == nil {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body)
		}
	}
	if got, _ := s.Contract(id); !strings.Contains(string(got), `"currency_energy_price":"EUR"`) {
		t.Errorf("a refused PUT changed the contract: %s", got)
	}
	if r := do(t, "PUT", one, "", "application/json", []byte(`{}`)); r.status != 401 {
		t.Errorf("PUT without token: %d", r.status)
	}
}

// Faults apply by record id: "token" for the token endpoint, the user id
// for contracts.
func TestFaultsByRecord(t *testing.T) {
	s := New(Options{Seed: 6, Users: 3})
	base := serve(t, s)
	tok, _ := token(t, base, "a", "b")
	users := s.UserIDs()

	s.SetFaults(simfault.Faults{Status: 503, IDs: []string{"token"}})
	if _, r := token(t, base, "a", "b"); r.status != 503 {
		t.Errorf("token with fault: %d", r.status)
	}
	if r := do(t, "GET", contractsURL(base, DefaultOrgID, users[0]), tok, "", nil); r.status != 200 {
		t.Errorf("contracts under a token fault: %d", r.status)
	}

	s.SetFaults(simfault.Faults{Status: 500, IDs: []string{users[1]}})
	if r := do(t, "GET", contractsURL(base, DefaultOrgID, users[1]), tok, "", nil); r.status != 500 {
		t.Errorf("faulted user: %d", r.status)
	}
	if r := do(t, "GET", contractsURL(base, DefaultOrgID, users[2]), tok, "", nil); r.status != 200 {
		t.Errorf("other user: %d", r.status)
	}

	s.SetFaults(simfault.Faults{WrongTypes: true})
	r := do(t, "GET", contractsURL(base, DefaultOrgID, users[0]), tok, "", nil)
	if !strings.Contains(string(r.body), `"price":"not-what-you-expect"`) {
		t.Errorf("wrong types: %s", r.body)
	}

	// Steered over HTTP, as from another process.
	if r := do(t, "POST", base+"/_sim/faults", "", "application/json", []byte(`{"status":429,"retryAfter":"2s","ids":["token"]}`)); r.status != 204 {
		t.Fatalf("POST faults: %d %s", r.status, r.body)
	}
	if _, r := token(t, base, "a", "b"); r.status != 429 || r.header.Get("Retry-After") != "2" {
		t.Errorf("token under 429: %d %q", r.status, r.header.Get("Retry-After"))
	}
	before := s.Requests()
	do(t, "GET", base+"/_sim/faults", "", "", nil)
	if s.Requests() != before+1 {
		t.Errorf("Requests does not count")
	}
}
