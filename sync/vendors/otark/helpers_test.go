package otark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/internal/loopback"
	"wattfolio/internal/simfault"
	"wattfolio/sync/engine"
)

// basePath is where the fake vendor lives, so that a client dropping the
// base URL's path gets 404s and fails the tests.
const basePath = "/api/otark"

const testKey = "test-key"

// answer overrides what the fake vendor does for one request.
type answer struct {
	status int               // default 200
	body   []byte            // default the page the query asks for
	header map[string]string // extra headers
	delay  time.Duration     // sleep first, cut short if the client leaves
	cut    bool              // declare the full length, send half, drop the connection
}

// fakeVendor is a real HTTP server over loopback serving a list of
// contracts with otark's cursor pagination; a test scripts deviations per
// request number (1-based).
type fakeVendor struct {
	t         *testing.T
	contracts [][]byte // in list order; ids con_1, con_2, ...
	// nextCursor: send pagination.next_cursor when has_more.
	nextCursor bool
	script     func(n int, r *http.Request) *answer
	url        string

	mu      sync.Mutex
	queries []url.Values
}

func newFakeVendor(t *testing.T, n int, script func(n int, r *http.Request) *answer) *fakeVendor {
	t.Helper()
	v := &fakeVendor{t: t, script: script, nextCursor: true}
	for i := range n {
		v.contracts = append(v.contracts, contractBody(t, fmt.Sprintf("con_%d", i+1)))
	}
	v.url = loopback.Serve(t, basePath, http.HandlerFunc(v.serve))
	return v
}

func (v *fakeVendor) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/contracts" || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	if got := r.Header.Get("X-Api-Key"); got != testKey {
		v.t.Errorf("X-Api-Key = %q", got)
	}
	v.mu.Lock()
	v.queries = append(v.queries, r.URL.Query())
	n := len(v.queries)
	v.mu.Unlock()

	a := &answer{}
	if v.script != nil {
		if s := v.script(n, r); s != nil {
			a = s
		}
	}
	if !simfault.Wait(r, a.delay) {
		return
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	if a.body == nil && a.status == http.StatusOK {
		a.body = v.page(r.URL.Query())
	}
	for k, val := range a.header {
		w.Header().Set(k, val)
	}
	ct := w.Header().Get("Content-Type")
	if ct == "" {
		ct = "application/json"
	}
	simfault.Write(w, a.status, ct, a.body, a.cut)
}

// page answers a list query: the contracts after the after id, limit many.
func (v *fakeVendor) page(q url.Values) []byte {
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil {
		limit = 10
	}
	start := 0
	if after := q.Get("after"); after != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(after, "con_"))
		if err != nil {
			v.t.Errorf("after = %q", after)
		}
		start = n
	}
	end := min(start+limit, len(v.contracts))
	start = min(start, end)
	return pageBody(v.contracts[start:end], end < len(v.contracts), v.nextCursor)
}

func pageBody(contracts [][]byte, more, withCursor bool) []byte {
	var b bytes.Buffer
	b.WriteString(`{"contracts": [`)
	b.Write(bytes.Join(contracts, []byte(",")))
	b.WriteString(`], "pagination": {"limit": 10, "has_more": ` + strconv.FormatBool(more))
	if more && withCursor && len(contracts) > 0 {
		var c struct{ ID string }
		_ = json.Unmarshal(contracts[len(contracts)-1], &c)
		b.WriteString(`, "next_cursor": "` + c.ID + `"`)
	}
	b.WriteString("}}")
	return b.Bytes()
}

func (v *fakeVendor) requests() []url.Values {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]url.Values(nil), v.queries...)
}

func readSeed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/contracts_seed.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seedContract is the docs' sample contract, byte for byte as in the file.
func seedContract(t *testing.T) []byte {
	t.Helper()
	seed := readSeed(t)
	start := bytes.Index(seed, []byte("    {\n      \"id\""))
	end := bytes.Index(seed, []byte("\n    }\n  ]"))
	if start < 0 || end < 0 {
		t.Fatal("seed: no contract object found")
	}
	return seed[start+4 : end+6]
}

// contractBody is the sample contract with another id.
func contractBody(t *testing.T, id string) []byte {
	return bytes.Replace(seedContract(t), []byte(`"con_a1b2c3d4"`), []byte(strconv.Quote(id)), 1)
}

// patch replaces one field's value literal in a contract body.
func patch(t *testing.T, body []byte, field, literal string) []byte {
	t.Helper()
	i := bytes.Index(body, []byte(`"`+field+`": `))
	if i < 0 {
		t.Fatalf("no field %s", field)
	}
	start := i + len(field) + 4
	end := start + bytes.IndexAny(body[start:], ",\n")
	return append(body[:start:start], append([]byte(literal), body[end:]...)...)
}

var fixedNow = time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("CET", 3600))

// sleeper records the waits a client asked for instead of sleeping.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

var clockNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// newTestClient makes a client of v that records its waits in the
// returned sleeper and reads a frozen clock.
func newTestClient(t *testing.T, v *fakeVendor, cfg Config) (*Client, *sleeper) {
	t.Helper()
	cfg.Source = "test"
	cfg.BaseURL = v.url
	cfg.APIKey = testKey
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &sleeper{}
	c.api.Clock = frozen{s.sleep}
	c.api.Policy.Backoff = 100 * time.Millisecond
	c.api.Rand = func() float64 { return 0 } // no jitter: the waits are asserted
	return c, s
}

// frozen is a clock standing at clockNow that sleeps with sleep.
type frozen struct {
	sleep func(ctx context.Context, d time.Duration) error
}

func (frozen) Now() time.Time { return clockNow }

func (f frozen) Sleep(ctx context.Context, d time.Duration) error { return f.sleep(ctx, d) }

// collect runs a sync and gathers its pages.
func collect(ctx context.Context, c *Client, cursor string) ([]engine.Page, error) {
	var pages []engine.Page
	err := c.Contracts(ctx, cursor, func(p engine.Page) error {
		pages = append(pages, p)
		return nil
	})
	return pages, err
}

// synced lists the ids delivered, in order.
func synced(pages []engine.Page) []string {
	var ids []string
	for _, p := range pages {
		for _, c := range p.Contracts {
			ids = append(ids, c.ExternalID)
		}
	}
	return ids
}

func conIDs(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("con_%d", i))
	}
	return out
}

func problemAnswer(status int, problem string) *answer {
	return &answer{status: status, body: []byte(problem), header: map[string]string{"Content-Type": "application/problem+json"}}
}
