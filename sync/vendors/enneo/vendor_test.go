package enneo

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/internal/loopback"
	"wattfolio/internal/simfault"
	"wattfolio/sync/engine"
)

// basePath is where the fake tenant lives, so that a client dropping the
// base URL's path gets 404s and fails the tests.
const basePath = "/api/mind"

const testToken = "test-token"

// answer is what the fake vendor does for one request.
type answer struct {
	status int           // default 200
	body   []byte        // default the seed payload for the id
	delay  time.Duration // sleep first, cut short if the client leaves
	cut    bool          // declare the full length, send half, drop the connection
}

// fakeVendor is a real HTTP server over loopback whose answers a test
// scripts per contract id and try.
type fakeVendor struct {
	t      *testing.T
	answer func(id string, try int) answer
	url    string

	mu          sync.Mutex
	hits        map[string]int
	inflight    int
	maxInflight int
}

func newFakeVendor(t *testing.T, answer func(id string, try int) answer) *fakeVendor {
	t.Helper()
	v := &fakeVendor{t: t, answer: answer, hits: map[string]int{}}
	v.url = loopback.Serve(t, basePath, http.HandlerFunc(v.serve))
	return v
}

func (v *fakeVendor) serve(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/contract/")
	if !ok || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	switch {
	case r.Header.Get("Authorization") != "Bearer "+testToken:
		v.t.Errorf("contract %s: Authorization = %q", id, r.Header.Get("Authorization"))
	case r.Header.Get("Accept") != "application/json":
		v.t.Errorf("contract %s: Accept = %q", id, r.Header.Get("Accept"))
	case q.Get("includeRawData") != "true":
		v.t.Errorf("contract %s: includeRawData = %q", id, q.Get("includeRawData"))
	case q.Has("refresh"):
		v.t.Errorf("contract %s: refresh sent; it makes enneo call the ERP", id)
	}
	v.mu.Lock()
	v.hits[id]++
	try := v.hits[id]
	v.inflight++
	v.maxInflight = max(v.maxInflight, v.inflight)
	v.mu.Unlock()
	defer func() {
		v.mu.Lock()
		v.inflight--
		v.mu.Unlock()
	}()

	a := answer{}
	if v.answer != nil {
		a = v.answer(id, try)
	}
	if !simfault.Wait(r, a.delay) {
		return
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	if a.body == nil && a.status == http.StatusOK {
		a.body = seedFor(v.t, id)
	}
	simfault.Write(w, a.status, "application/json", a.body, a.cut)
}

func (v *fakeVendor) hitsFor(id string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hits[id]
}

func (v *fakeVendor) totalHits() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := 0
	for _, h := range v.hits {
		n += h
	}
	return n
}

func readSeed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/contract_746839.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seedFor is the seed payload answering for id.
func seedFor(t *testing.T, id string) []byte {
	return bytes.Replace(readSeed(t), []byte(`"id": 746839`), []byte(`"id": `+id), 1)
}

// patch replaces one field's literal in the seed payload for id.
func patch(t *testing.T, id, field, literal string) []byte {
	t.Helper()
	b := seedFor(t, id)
	i := bytes.Index(b, []byte(`"`+field+`": `))
	if i < 0 {
		t.Fatalf("seed has no field %s", field)
	}
	start := i + len(field) + 4
	end := start + bytes.IndexAny(b[start:], ",\n")
	return append(b[:start:start], append([]byte(literal), b[end:]...)...)
}

func ids(from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(from + i)
	}
	return out
}

var fixedNow = time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("CET", 3600))

func newTestClient(t *testing.T, v *fakeVendor, cfg Config) *Client {
	t.Helper()
	cfg.Source = "test"
	cfg.BaseURL = v.url
	cfg.Token = testToken
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
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

// outcomeOf flattens pages: ids synced in order, and failures by id.
func outcomeOf(pages []engine.Page) (synced []string, failed map[string]string) {
	failed = map[string]string{}
	for _, p := range pages {
		for _, c := range p.Contracts {
			synced = append(synced, c.ExternalID)
		}
		for _, f := range p.Failures {
			failed[strings.TrimPrefix(f.Record, "contract ")] = f.Error()
		}
	}
	return synced, failed
}

func without(all []string, drop ...string) []string {
	var out []string
	for _, s := range all {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}
