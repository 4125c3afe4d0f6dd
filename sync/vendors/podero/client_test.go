package podero

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wattfolio/internal/simfault"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/podero/poderosim"
)

// clock is a test clock both the simulator and the client read.
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

func TestTokenRenewal(t *testing.T) {
	simOpts := func(clk *clock) poderosim.Options {
		return poderosim.Options{Seed: 5, Users: 8, ClientID: "id", ClientSecret: "secret", TokenTTL: 10 * time.Minute, Now: clk.Now}
	}
	sync := func(t *testing.T, c *Client, want int) {
		t.Helper()
		pages, err := collect(t.Context(), c, "")
		if err != nil {
			t.Fatal(err)
		}
		cs, fs := flatten(pages)
		if len(cs) != want || len(fs) != 0 {
			t.Fatalf("%d contracts, failures %v", len(cs), fs)
		}
	}

	t.Run("cached within its lifetime, renewed before it expires", func(t *testing.T) {
		clk := &clock{now: time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)}
		o := simOpts(clk)
		sim := poderosim.New(o)
		c := simClient(t, sim, o, Config{Now: clk.Now})
		n := len(sim.ContractIDs())
		sync(t, c, n)
		clk.Advance(5 * time.Minute)
		sync(t, c, n)
		if got := sim.TokensIssued(); got != 1 {
			t.Fatalf("tokens issued %d, want 1 while the token lives", got)
		}
		// 9.5 minutes in: within the renewal margin (a tenth of the
		// lifetime), so the client renews before the server would refuse.
		clk.Advance(4*time.Minute + 30*time.Second)
		before := sim.Requests()
		sync(t, c, n)
		if got := sim.TokensIssued(); got != 2 {
			t.Fatalf("tokens issued %d, want 2", got)
		}
		// One token request and one per user: no 401 round trip.
		if got := sim.Requests() - before; got != int64(1+len(sim.UserIDs())) {
			t.Errorf("%d requests for the renewed sync, want %d", got, 1+len(sim.UserIDs()))
		}
	})

	t.Run("expired at the server: one 401, one new token", func(t *testing.T) {
		clk := &clock{now: time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)}
		o := simOpts(clk)
		sim := poderosim.New(o)
		c := simClient(t, sim, o, Config{Now: clk.Now, Concurrency: 4})
		n := len(sim.ContractIDs())
		sync(t, c, n)
		sim.ExpireTokens()
		sync(t, c, n)
		if got := sim.TokensIssued(); got != 2 {
			t.Fatalf("tokens issued %d, want 2", got)
		}
	})

	t.Run("server clock ahead: the expired token is refused and renewed", func(t *testing.T) {
		clk := &clock{now: time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)}
		server := &clock{now: clk.now}
		o := simOpts(server)
		sim := poderosim.New(o)
		c := simClient(t, sim, o, Config{Now: clk.Now, Concurrency: 1})
		n := len(sim.ContractIDs())
		sync(t, c, n)
		server.Advance(11 * time.Minute)
		sync(t, c, n)
		if got := sim.TokensIssued(); got != 2 {
			t.Fatalf("tokens issued %d, want 2", got)
		}
	})
}

func TestTokenEndpointErrors(t *testing.T) {
	const secret = "s3cr3t:with+odd&chars"
	tests := []struct {
		name    string
		answer  answer
		wantIs  error
		wantErr string
	}{
		{"invalid_client 401", answer{status: 401, body: []byte(`{"error": "invalid_client"}`)}, ErrInvalidClient,
			`podero source "test": token endpoint answered 401 Unauthorized: the token endpoint rejected the client id or secret (invalid_client)`},
		{"invalid_client 400 with a description echoing the secret", answer{status: 400, body: []byte(`{"error": "invalid_client", "error_description": "bad secret ` + secret + `"}`)}, ErrInvalidClient,
			"token endpoint answered 400 Bad Request"},
		{"other 400", answer{status: 400, body: []byte(`{"error": "unsupported_grant_type"}`)}, ErrTokenEndpoint,
			"token endpoint answered 400 Bad Request (unsupported_grant_type)"},
		{"404: wrong token_url", answer{status: 404, body: []byte(`<html>`)}, ErrTokenEndpoint,
			"/oauth2/token/ answered 404 Not Found (check token_url)"},
		{"no access_token", answer{body: []byte(`{"token_type": "Bearer"}`)}, ErrTokenEndpoint, "no access_token"},
		{"other token type", answer{body: []byte(`{"access_token": "tok-1", "token_type": "mac"}`)}, ErrTokenEndpoint, `token_type string "mac": want Bearer`},
		{"always 503", answer{status: 503}, ErrUnavailable, "token endpoint: 503 Service Unavailable (3 tries)"},
		{"always cut", answer{body: []byte(`{"access_token": "tok-1", "expires_in": 36000, "token_type": "Bearer"}`), cut: true}, ErrUnavailable, "token endpoint: response body cut off (3 tries)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newFakeVendor(t, nil)
			v.tokenAnswer = func(int) answer { return tt.answer }
			pages, err := collect(t.Context(), newTestClient(t, v, Config{UserIDs: []string{"u1", "u2", "u3"}}), "")
			if !errors.Is(err, tt.wantIs) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.wantIs, tt.wantErr)
			}
			if len(pages) != 0 {
				t.Errorf("%d pages delivered", len(pages))
			}
			for _, leak := range []string{secret, "tok-1", testClientSecret} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error %q leaks %q", err, leak)
				}
			}
			if hits := v.hitsFor("u1"); hits != 0 {
				t.Errorf("%d contract requests without a token", hits)
			}
		})
	}
}

// Against the simulator: wrong credentials are a clear source error that
// never prints the secret; odd characters in the credentials are encoded
// as RFC 6749 §2.3.1 asks.
func TestInvalidClientAgainstSimulator(t *testing.T) {
	o := poderosim.Options{Seed: 1, Users: 3, ClientID: "partner:wattfolio", ClientSecret: "pä ss+w%rd:x"}
	sim := poderosim.New(o)
	if _, err := collect(t.Context(), simClient(t, sim, o, Config{}), ""); err != nil {
		t.Fatalf("right credentials: %v", err)
	}
	c := simClient(t, sim, o, Config{ClientID: o.ClientID, ClientSecret: "wrong-secret-4711"})
	_, err := collect(t.Context(), c, "")
	if !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-4711") || strings.Contains(err.Error(), o.ClientSecret) {
		t.Errorf("error leaks the secret: %v", err)
	}
}

func TestContractsErrors(t *testing.T) {
	five := []string{"u1", "u2", "u3", "u4", "u5"}
	ok := func(user string) answer {
		return answer{body: bodyOf(contractJSON("c-"+user, nil))}
	}
	tests := []struct {
		name       string
		users      []string
		cfg        Config
		answer     func(user string, try int) answer
		wantIs     error
		wantErr    string
		wantSynced []string
		wantFailed map[string]string // record → substring
		wantHits   map[string]int
	}{
		{
			name:  "404 is one user's failure",
			users: five,
			answer: func(u string, _ int) answer {
				if u == "u3" {
					return answer{status: 404, body: []byte(`{"detail": "Not found."}`)}
				}
				return ok(u)
			},
			wantSynced: []string{"c-u1", "c-u2", "c-u4", "c-u5"},
			wantFailed: map[string]string{"user u3": "test: user u3: 404 Not Found: user not found at podero"},
			wantHits:   map[string]int{"u3": 1},
		},
		{
			name:  "500 then success is retried",
			users: five,
			answer: func(u string, try int) answer {
				if u == "u2" && try < 3 {
					return answer{status: 500}
				}
				return ok(u)
			},
			wantSynced: []string{"c-u1", "c-u2", "c-u3", "c-u4", "c-u5"},
			wantHits:   map[string]int{"u2": 3},
		},
		{
			name:  "a cut body and a truncated document are retried",
			users: five,
			answer: func(u string, try int) answer {
				switch {
				case u == "u1" && try == 1:
					return answer{body: ok(u).body, cut: true}
				case u == "u4" && try == 1:
					return answer{body: []byte(`[{"id": "c-u4", "energy_pri`)}
				}
				return ok(u)
			},
			wantSynced: []string{"c-u1", "c-u2", "c-u3", "c-u4", "c-u5"},
			wantHits:   map[string]int{"u1": 2, "u4": 2},
		},
		{
			name:  "429 honours Retry-After",
			users: []string{"u1"},
			answer: func(u string, try int) answer {
				if try == 1 {
					return answer{status: 429, retryAfter: "1"}
				}
				return ok(u)
			},
			wantSynced: []string{"c-u1"},
			wantHits:   map[string]int{"u1": 2},
		},
		{
			name:  "one user always down is a record error",
			users: five,
			answer: func(u string, _ int) answer {
				if u == "u4" {
					return answer{status: 502}
				}
				return ok(u)
			},
			wantSynced: []string{"c-u1", "c-u2", "c-u3", "c-u5"},
			wantFailed: map[string]string{"user u4": "test: user u4: podero is unavailable: 502 Bad Gateway (3 tries)"},
			wantHits:   map[string]int{"u4": 3},
		},
		{
			name:  "timeouts are retried, then a record error",
			users: []string{"u1", "u2"},
			cfg:   Config{HTTPClient: &http.Client{Timeout: 50 * time.Millisecond}, Retries: 1},
			answer: func(u string, _ int) answer {
				if u == "u1" {
					return answer{delay: time.Second}
				}
				return ok(u)
			},
			wantSynced: []string{"c-u2"},
			wantFailed: map[string]string{"user u1": "podero is unavailable: request timed out (2 tries)"},
			wantHits:   map[string]int{"u1": 2},
		},
		{
			name:  "every user down is a source error, no page delivered",
			users: five,
			answer: func(string, int) answer {
				return answer{status: 503}
			},
			wantIs:  ErrUnavailable,
			wantErr: `podero source "test": podero is unavailable: all 5 users failed (last: user u5: 503 Service Unavailable (3 tries))`,
		},
		{
			name:  "403 stops the source",
			users: five,
			cfg:   Config{Concurrency: 1},
			answer: func(u string, _ int) answer {
				if u == "u2" {
					return answer{status: 403}
				}
				return ok(u)
			},
			wantIs:     ErrForbidden,
			wantErr:    `podero source "test": user u2: 403 Forbidden: the client may not read`,
			wantSynced: []string{"c-u1"},
			wantHits:   map[string]int{"u2": 1, "u3": 0},
		},
		{
			name:  "other 4xx is one user's failure",
			users: []string{"u1", "u2"},
			answer: func(u string, _ int) answer {
				if u == "u1" {
					return answer{status: 400}
				}
				return ok(u)
			},
			wantSynced: []string{"c-u2"},
			wantFailed: map[string]string{"user u1": "unexpected answer 400 Bad Request"},
		},
		{
			name:  "an answer of the wrong shape is one user's failure",
			users: []string{"u1", "u2"},
			answer: func(u string, _ int) answer {
				if u == "u1" {
					return answer{body: []byte(`{"detail": "ok"}`)}
				}
				return ok(u)
			},
			wantSynced: []string{"c-u2"},
			wantFailed: map[string]string{"user u1": "want a JSON array of contracts or a page with results"},
		},
		{
			name:  "a next link to another host is not followed",
			users: []string{"u1", "u2"},
			answer: func(u string, _ int) answer {
				if u == "u1" {
					return answer{body: []byte(`{"count": 2, "next": "https://evil.example/steal?page=2", "previous": null, "results": []}`)}
				}
				return ok(u)
			},
			wantSynced: []string{"c-u2"},
			wantFailed: map[string]string{"user u1": "next link https://evil.example/steal?page=2 leaves http://127.0.0.1"},
		},
		{
			name:  "a next link looping back is caught",
			users: []string{"u1"},
			answer: func(u string, _ int) answer {
				return answer{body: []byte(`{"count": 2, "next": "?page=2", "previous": null, "results": []}`)}
			},
			wantFailed: map[string]string{"user u1": "leads back to a page already read"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newFakeVendor(t, tt.answer)
			cfg := tt.cfg
			cfg.UserIDs = tt.users
			start := time.Now()
			pages, err := collect(t.Context(), newTestClient(t, v, cfg), "")
			switch {
			case tt.wantIs == nil && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantIs != nil && (!errors.Is(err, tt.wantIs) || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want %v containing %q", err, tt.wantIs, tt.wantErr)
			}
			cs, fs := flatten(pages)
			if got := ids(cs); !slices.Equal(got, tt.wantSynced) && len(got)+len(tt.wantSynced) > 0 {
				t.Errorf("synced %v, want %v", got, tt.wantSynced)
			}
			failed := map[string]string{}
			for _, f := range fs {
				failed[f.Record] = f.Error()
			}
			if len(failed) != len(tt.wantFailed) {
				t.Errorf("failures %v, want %v", failed, tt.wantFailed)
			}
			for rec, want := range tt.wantFailed {
				if !strings.Contains(failed[rec], want) {
					t.Errorf("failure of %s = %q, want %q", rec, failed[rec], want)
				}
			}
			for key, n := range tt.wantHits {
				if got := v.hitsFor(key); got != n {
					t.Errorf("%s asked %d times, want %d", key, got, n)
				}
			}
			if tt.name == "429 honours Retry-After" && time.Since(start) < time.Second {
				t.Errorf("retried after %v, before Retry-After", time.Since(start))
			}
		})
	}
}

// A 401 with a token fetched just now is not retried again: the API
// refuses what the token endpoint issues.
func TestUnauthorizedWithFreshToken(t *testing.T) {
	v := newFakeVendor(t, nil)
	v.tokenAnswer = func(int) answer {
		return answer{body: []byte(`{"access_token": "not-known-to-the-api", "expires_in": 36000, "token_type": "Bearer"}`)}
	}
	pages, err := collect(t.Context(), newTestClient(t, v, Config{UserIDs: []string{"u1", "u2"}, Concurrency: 1}), "")
	if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "user u1: 401 Unauthorized") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "not-known-to-the-api") {
		t.Errorf("error leaks the token: %v", err)
	}
	if len(pages) != 0 || v.tokensIssued() != 1 || v.hitsFor("u1") != 1 || v.hitsFor("u2") != 0 {
		t.Errorf("pages %d, tokens %d, hits %d/%d", len(pages), v.tokensIssued(), v.hitsFor("u1"), v.hitsFor("u2"))
	}
}

// A token revoked mid-sync is renewed once, and the page fetched again.
func TestRevokedTokenRenewedOnce(t *testing.T) {
	var v *fakeVendor
	v = newFakeVendor(t, func(u string, try int) answer {
		return answer{body: bodyOf(contractJSON("c-"+u, nil))}
	})
	c := newTestClient(t, v, Config{UserIDs: []string{"u1", "u2", "u3"}, Concurrency: 1})
	n := 0
	err := c.Contracts(t.Context(), "", func(p engine.Page) error {
		if n++; n == 1 {
			v.revoke()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.tokensIssued() != 2 || v.hitsFor("u2") != 2 || v.hitsFor("u3") != 1 {
		t.Errorf("tokens %d, hits u2 %d u3 %d", v.tokensIssued(), v.hitsFor("u2"), v.hitsFor("u3"))
	}
}

func TestBareArrayAndPages(t *testing.T) {
	var want []string
	raws := map[string]string{}
	for _, size := range []int{0, 1, 2, 50} {
		t.Run(fmt.Sprintf("page size %d", size), func(t *testing.T) {
			o := poderosim.Options{Seed: 11, Users: 12, PageSize: size}
			sim := poderosim.New(o)
			before := sim.Requests()
			pages, err := collect(t.Context(), simClient(t, sim, o, Config{}), "")
			if err != nil {
				t.Fatal(err)
			}
			cs, fs := flatten(pages)
			if len(fs) > 0 || len(pages) != 12 {
				t.Fatalf("%d pages, failures %v", len(pages), fs)
			}
			got := ids(cs)
			if !slices.Equal(got, sim.ContractIDs()) {
				t.Errorf("contracts %v, want %v", got, sim.ContractIDs())
			}
			if want == nil {
				want = got
			} else if !slices.Equal(got, want) {
				t.Errorf("contracts differ from the bare array's")
			}
			for _, c := range cs {
				served, _ := sim.Contract(c.ExternalID)
				if string(c.Raw) != string(served) {
					t.Errorf("contract %s: Raw %s, want %s", c.ExternalID, c.Raw, served)
				}
				if r, ok := raws[c.ExternalID]; ok && r != string(c.Raw) {
					t.Errorf("contract %s: Raw differs across page sizes", c.ExternalID)
				}
				raws[c.ExternalID] = string(c.Raw)
			}
			requests := sim.Requests() - before
			if size == 1 && requests != int64(1+len(cs)) {
				t.Errorf("page size 1: %d requests for %d contracts, want one per contract plus the token", requests, len(cs))
			}
		})
	}
}

func TestCursorResume(t *testing.T) {
	o := poderosim.Options{Seed: 3, Users: 5}
	sim := poderosim.New(o)
	c := simClient(t, sim, o, Config{})
	all, err := collect(t.Context(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := collect(t.Context(), c, "2")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 {
		t.Fatalf("%d pages from cursor 2", len(pages))
	}
	for i, p := range pages {
		if p.Cursor != fmt.Sprint(3+i) || !slices.Equal(ids(p.Contracts), ids(all[2+i].Contracts)) {
			t.Errorf("page %d: cursor %s, contracts %v", i, p.Cursor, ids(p.Contracts))
		}
		for _, ct := range p.Contracts {
			if ct.Customer.ExternalID != sim.UserIDs()[2+i] || ct.Partner.UserID != sim.UserIDs()[2+i] {
				t.Errorf("contract %s of user %s on page %d", ct.ExternalID, ct.Customer.ExternalID, i)
			}
		}
	}
	if pages, err := collect(t.Context(), c, "5"); err != nil || len(pages) != 0 {
		t.Errorf("cursor at the end: %d pages, %v", len(pages), err)
	}
	if pages, err := collect(t.Context(), c, "9"); err != nil || len(pages) != 0 {
		t.Errorf("cursor past the end: %d pages, %v", len(pages), err)
	}
	for _, bad := range []string{"x", "-1"} {
		if _, err := collect(t.Context(), c, bad); err == nil || !strings.Contains(err.Error(), "bad cursor") {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

func TestPageErrorStops(t *testing.T) {
	o := poderosim.Options{Seed: 3, Users: 6}
	sim := poderosim.New(o)
	stop := errors.New("store full")
	n := 0
	err := simClient(t, sim, o, Config{}).Contracts(t.Context(), "", func(engine.Page) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("err = %v after %d pages", err, n)
	}
}

func TestContextCancel(t *testing.T) {
	t.Run("while requests hang", func(t *testing.T) {
		o := poderosim.Options{Seed: 3, Users: 6}
		sim := poderosim.New(o)
		sim.SetFaults(simfault.Faults{Delay: 10 * time.Second, IDs: sim.UserIDs()[1:]})
		ctx, cancel := context.WithCancel(t.Context())
		var pages atomic.Int32
		go func() {
			time.Sleep(100 * time.Millisecond)
			cancel()
		}()
		start := time.Now()
		err := simClient(t, sim, o, Config{}).Contracts(ctx, "", func(engine.Page) error {
			pages.Add(1)
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
		if time.Since(start) > 3*time.Second {
			t.Errorf("took %v to notice the cancel", time.Since(start))
		}
		if pages.Load() != 1 {
			t.Errorf("%d pages delivered, want the first user's only", pages.Load())
		}
	})
	t.Run("before the start", func(t *testing.T) {
		o := poderosim.Options{Seed: 3, Users: 2}
		sim := poderosim.New(o)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		pages, err := collect(ctx, simClient(t, sim, o, Config{}), "")
		if !errors.Is(err, context.Canceled) || len(pages) != 0 {
			t.Errorf("err = %v, %d pages", err, len(pages))
		}
	})
}

// One client used by several syncs at once shares one token.
func TestConcurrentUse(t *testing.T) {
	o := poderosim.Options{Seed: 9, Users: 10, ClientID: "id", ClientSecret: "secret"}
	sim := poderosim.New(o)
	c := simClient(t, sim, o, Config{Concurrency: 3})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			pages, err := collect(t.Context(), c, "")
			if err != nil {
				t.Error(err)
				return
			}
			if cs, _ := flatten(pages); len(cs) != len(sim.ContractIDs()) {
				t.Errorf("%d contracts", len(cs))
			}
		})
	}
	wg.Wait()
	if sim.TokensIssued() != 1 {
		t.Errorf("%d tokens issued, want 1", sim.TokensIssued())
	}
}

func TestForbiddenOrg(t *testing.T) {
	o := poderosim.Options{Seed: 1, Users: 3}
	sim := poderosim.New(o)
	_, err := collect(t.Context(), simClient(t, sim, o, Config{OrgID: "11111111-2222-4333-8444-555555555555"}), "")
	if !errors.Is(err, ErrForbidden) {
		t.Errorf("err = %v", err)
	}
}

func TestNewValidates(t *testing.T) {
	good := Config{Source: "p", BaseURL: "https://api.example/podero/", ClientID: "id", ClientSecret: "s", OrgID: "org", UserIDs: []string{"u1"}}
	c, err := New(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.api.Base.String() != "https://api.example/podero" || c.tokens.TokenURL != "https://api.example/podero/oauth2/token/" {
		t.Errorf("base %s, token URL %s", c.api.Base, c.tokens.TokenURL)
	}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"relative base", func(c *Config) { c.BaseURL = "api.example" }, "base URL"},
		{"base with query", func(c *Config) { c.BaseURL = "https://api.example/?x=1" }, "query"},
		{"credentials in the URL", func(c *Config) { c.BaseURL = "https://id:secret@api.example" }, "credentials"},
		{"bad token URL", func(c *Config) { c.TokenURL = "ftp://x/oauth2/token/" }, "token URL"},
		{"no client id", func(c *Config) { c.ClientID = " " }, "no client id"},
		{"no secret", func(c *Config) { c.ClientSecret = "" }, "no client secret"},
		{"no org", func(c *Config) { c.OrgID = "" }, "no org_id"},
		{"no users", func(c *Config) { c.UserIDs = nil }, "no user ids"},
		{"empty user", func(c *Config) { c.UserIDs = []string{"u1", " "} }, "user id #2 is empty"},
		{"duplicate user", func(c *Config) { c.UserIDs = []string{"u1", "u1"} }, "user id u1 is listed twice"},
	}
	for _, tt := range tests {
		cfg := good
		tt.edit(&cfg)
		_, err := New(cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), `podero source "p": `) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret@") {
			t.Errorf("%s: error shows credentials: %v", tt.name, err)
		}
	}
}
