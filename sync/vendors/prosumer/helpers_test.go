package prosumer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/internal/simfault"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/contractdiff"
)

// basePath is where the fake vendor lives, so that a client dropping the
// base URL's path gets 404s and fails the tests.
const basePath = "/portal/v2"

// answer is what the fake vendor does for one request.
type answer struct {
	status      int           // default 200
	body        []byte        // default a small healthy portfolio for the customer
	contentType string        // default application/json; charset=utf-8; "-" sends none
	retryAfter  string        // a Retry-After header
	delay       time.Duration // sleep first, cut short if the client leaves
	cut         bool          // declare the full length, send half, drop the connection
}

// fakeVendor is a real HTTP server over loopback whose answers a test
// scripts per customer and try.
type fakeVendor struct {
	t      *testing.T
	token  string // the Authorization the client must send; "" wants none
	answer func(customer string, try int) answer
	url    string

	mu   sync.Mutex
	hits map[string]int
	log  []string // customers in request order
}

func newFakeVendor(t *testing.T, answer func(customer string, try int) answer) *fakeVendor {
	t.Helper()
	v := &fakeVendor{t: t, answer: answer, hits: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(v.serve))
	t.Cleanup(srv.Close)
	v.url = srv.URL + basePath
	return v
}

func (v *fakeVendor) serve(w http.ResponseWriter, r *http.Request) {
	// The escaped path, so that a customer id is checked as sent.
	p := r.URL.EscapedPath()
	rest, ok := strings.CutPrefix(p, basePath+"/api/customers/")
	esc, ok2 := strings.CutSuffix(rest, "/prosumercontracts")
	if !ok || !ok2 || strings.Contains(esc, "/") || r.Method != http.MethodGet {
		v.t.Errorf("unexpected request %s %s", r.Method, p)
		http.NotFound(w, r)
		return
	}
	customer, err := url.PathUnescape(esc)
	if err != nil {
		v.t.Errorf("bad escape in %s", p)
	}
	if got, want := r.Header.Get("Authorization"), v.token; got != want {
		v.t.Errorf("customer %s: Authorization = %q, want %q", customer, got, want)
	}
	if a := r.Header.Get("Accept"); !strings.Contains(a, "application/json") {
		v.t.Errorf("customer %s: Accept = %q", customer, a)
	}
	v.mu.Lock()
	v.hits[customer]++
	try := v.hits[customer]
	v.log = append(v.log, customer)
	v.mu.Unlock()

	a := answer{}
	if v.answer != nil {
		a = v.answer(customer, try)
	}
	if !simfault.Wait(r, a.delay) {
		return
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	if a.body == nil && a.status == http.StatusOK {
		a.body = portfolioFor(customer)
	}
	ct := a.contentType
	switch ct {
	case "":
		ct = "application/json; charset=utf-8"
	case "-":
		ct = "" // none, and no sniffing either
	}
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	simfault.Write(w, a.status, ct, a.body, a.cut)
}

func (v *fakeVendor) hitsFor(customer string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hits[customer]
}

// portfolioFor is a healthy answer: one energy contract with id "<customer>-e".
func portfolioFor(customer string) []byte {
	return []byte(fmt.Sprintf(`{"EnergyContracts":[%s],"ServiceContracts":[],"FlexibilityContracts":null}`, energyJSON(customer+"-e")))
}

func energyJSON(id string) string {
	return fmt.Sprintf(`{"Id":%q,"AssetId":1,"Created":"2025-01-02T10:00:00.1234567+00:00","ContractType":"Einspeisung","Description":"d","Name":"PV %s","OwnerContractId":"36cd0c7c-05ae-418e-bc49-54377efefe51","PartnerLegalEntityId":6,"ValidFrom":"2025-02-01T00:00:00.0000000+01:00","ValidTo":null,"SignedTime":"2025-01-02T10:00:00.1234567+00:00","CancelTime":null}`, id, id)
}

func readSeed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/portfolio_seed.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixedNow is after the seed's timestamps, in a zone that is not UTC.
var fixedNow = time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("CET", 3600))

func newTestClient(t *testing.T, v *fakeVendor, cfg Config) *Client {
	t.Helper()
	cfg.Source = "test"
	cfg.BaseURL = v.url
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.api.Policy.Backoff = 5 * time.Millisecond
	return c
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

// outcomeOf flattens pages: ids synced in order, and failures by record.
func outcomeOf(pages []engine.Page) (synced []string, failed map[string]*app.RecordError) {
	failed = map[string]*app.RecordError{}
	for _, p := range pages {
		for _, c := range p.Contracts {
			synced = append(synced, c.ExternalID)
		}
		for _, f := range p.Failures {
			failed[f.Record] = f
		}
	}
	return synced, failed
}

func dec(s string) *app.Decimal { return app.Ptr(app.MustDecimal(s)) }

func i64(n int64) *int64 { return &n }

// diffContract compares every field, showing values rather than addresses.
func diffContract(t *testing.T, got, want app.Contract) {
	t.Helper()
	for _, d := range contractdiff.Diff(got, want) {
		t.Error(d)
	}
}
