package podero

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/internal/loopback"
	"wattfolio/internal/simfault"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/contractdiff"
	"wattfolio/sync/vendors/podero/poderosim"
)

// basePath is where the fake partner API lives, so that a client dropping
// the base URL's path gets 404s and fails the tests.
const basePath = "/partner/podero"

const (
	testClientID     = "wattfolio client"
	testClientSecret = "s3cr3t:with+odd&chars"
	testOrg          = "0b6f3a52-3c8f-4d55-9d0a-1f7c2b9e4a11"
)

var fixedNow = time.Date(2026, 1, 15, 13, 30, 45, 987, time.FixedZone("CET", 3600))

// answer is what the fake vendor does for one contracts request.
type answer struct {
	status     int    // default 200
	body       []byte // default "[]"
	delay      time.Duration
	cut        bool
	retryAfter string
}

// fakeVendor is a real HTTP server over loopback: a token endpoint that
// issues "tok-N", and a contracts collection whose answers a test scripts
// per user and try.
type fakeVendor struct {
	t      *testing.T
	url    string // server URL + basePath
	answer func(user string, try int) answer
	// tokenAnswer, when set, replaces the token endpoint's answer.
	tokenAnswer func(n int) answer

	mu     sync.Mutex
	tokens int
	valid  map[string]bool
	hits   map[string]int
}

func newFakeVendor(t *testing.T, fn func(user string, try int) answer) *fakeVendor {
	t.Helper()
	v := &fakeVendor{t: t, answer: fn, valid: map[string]bool{}, hits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token/", v.token)
	mux.HandleFunc("GET /api/partners/v2.0/org/{org}/users/{user}/energy-contracts", v.contracts)
	v.url = loopback.Serve(t, basePath, mux)
	return v
}

func (v *fakeVendor) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	id, _ = url.QueryUnescape(id)
	secret, _ = url.QueryUnescape(secret)
	if err := r.ParseForm(); err != nil {
		v.t.Error(err)
	}
	switch {
	case !ok || id != testClientID || secret != testClientSecret:
		v.t.Errorf("token request: Basic auth %v %q", ok, id)
	case r.Header.Get("Content-Type") != "application/x-www-form-urlencoded":
		v.t.Errorf("token request: Content-Type %q", r.Header.Get("Content-Type"))
	case r.PostForm.Get("grant_type") != "client_credentials" || len(r.PostForm) != 1:
		v.t.Errorf("token request: form %v", r.PostForm)
	}
	v.mu.Lock()
	v.tokens++
	n := v.tokens
	tok := "tok-" + strconv.Itoa(n)
	v.valid[tok] = true
	v.mu.Unlock()
	if v.tokenAnswer != nil {
		v.write(w, r, v.tokenAnswer(n))
		return
	}
	fmt.Fprintf(w, `{"access_token": %q, "expires_in": 36000, "token_type": "Bearer", "scope": "read write"}`, tok)
}

func (v *fakeVendor) contracts(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("org") != testOrg {
		v.t.Errorf("org %q", r.PathValue("org"))
	}
	user := r.PathValue("user")
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	v.mu.Lock()
	valid := v.valid[tok]
	key := user
	if p := r.URL.Query().Get("page"); p != "" {
		key += "?page=" + p
	}
	v.hits[key]++
	try := v.hits[key]
	v.mu.Unlock()
	if !valid {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Header.Get("Accept") != "application/json" {
		v.t.Errorf("Accept %q", r.Header.Get("Accept"))
	}
	a := answer{}
	if v.answer != nil {
		a = v.answer(key, try)
	}
	v.write(w, r, a)
}

func (v *fakeVendor) write(w http.ResponseWriter, r *http.Request, a answer) {
	if !simfault.Wait(r, a.delay) {
		return
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	if a.body == nil {
		a.body = []byte("[]")
	}
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	simfault.Write(w, a.status, "application/json", a.body, a.cut)
}

func (v *fakeVendor) hitsFor(key string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hits[key]
}

func (v *fakeVendor) tokensIssued() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.tokens
}

// revoke makes every token issued so far invalid.
func (v *fakeVendor) revoke() {
	v.mu.Lock()
	clear(v.valid)
	v.mu.Unlock()
}

func newTestClient(t *testing.T, v *fakeVendor, cfg Config) *Client {
	t.Helper()
	cfg.Source = "test"
	cfg.BaseURL = v.url
	if cfg.TokenURL == "" {
		cfg.TokenURL = v.url + "/oauth2/token/"
	}
	cfg.ClientID, cfg.ClientSecret, cfg.OrgID = testClientID, testClientSecret, testOrg
	if cfg.UserIDs == nil {
		cfg.UserIDs = []string{"u1"}
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Millisecond
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// simClient is a client against a poderosim server mounted under a prefix.
func simClient(t *testing.T, sim *poderosim.Server, o poderosim.Options, cfg Config) *Client {
	t.Helper()
	const prefix = "/podero-sim"
	base := loopback.Serve(t, prefix, sim)
	cfg.Source = "sim"
	cfg.BaseURL = base
	cfg.TokenURL = base + "/oauth2/token/"
	if cfg.ClientID == "" {
		cfg.ClientID, cfg.ClientSecret = o.ClientID, o.ClientSecret
		if o.ClientID == "" && o.ClientSecret == "" {
			cfg.ClientID, cfg.ClientSecret = "any-id", "any-secret" // the simulator takes any
		}
	}
	if cfg.OrgID == "" {
		cfg.OrgID = sim.OrgID()
	}
	if cfg.UserIDs == nil {
		cfg.UserIDs = sim.UserIDs()
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Millisecond
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readSeed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/contract_seed.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// collect runs a sync and gathers its pages.
func collect(ctx context.Context, c *Client, cursor string) ([]engine.Page, error) {
	var pages []engine.Page
	err := c.Contracts(ctx, cursor, func(p engine.Page) error {
		pages = append(pages, p)
		return nil
	})
	return pages, err
}

// flatten gathers contracts and failures of all pages.
func flatten(pages []engine.Page) ([]app.Contract, []*app.RecordError) {
	var cs []app.Contract
	var fs []*app.RecordError
	for _, p := range pages {
		cs = append(cs, p.Contracts...)
		fs = append(fs, p.Failures...)
	}
	return cs, fs
}

func ids(cs []app.Contract) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ExternalID
	}
	return out
}

func dec(s string) *app.Decimal { return app.Ptr(app.MustDecimal(s)) }

// diffContract compares every field, showing values rather than addresses.
func diffContract(t *testing.T, got, want app.Contract) {
	t.Helper()
	for _, d := range contractdiff.Diff(got, want) {
		t.Error(d)
	}
}

// bodyOf wraps contract objects in a bare JSON array.
func bodyOf(objs ...string) []byte {
	return []byte("[" + strings.Join(objs, ",") + "]")
}

// contractJSON is a valid contract object with some fields overridden by
// raw JSON literals; a nil literal leaves the field out.
func contractJSON(id string, override map[string]*string) string {
	fields := []struct{ k, v string }{
		{"energy_contract_type", `"yearly"`},
		{"energy_prices", `[{"price": 0.2873, "timestamp": "2025-01-01T00:00:00+01:00"}]`},
		{"id", strconv.Quote(id)},
		{"building", `null`},
		{"meter_id", `"1ESY1161234567"`},
		{"supplier", `"EWE"`},
		{"currency_energy_price", `"EUR"`},
		{"energy_price_includes_external_components", `true`},
	}
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for _, f := range fields {
		v := f.v
		if o, ok := override[f.k]; ok {
			if o == nil {
				continue
			}
			v = *o
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(&b, "%q: %s", f.k, v)
	}
	b.WriteByte('}')
	return b.String()
}

func lit(s string) *string { return &s }
