package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/jsonfield"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// answer is one scripted reply of the fake vendor.
type answer struct {
	status int
	header map[string]string
	body   string
}

// script serves answers in order (the last one repeats) and records what
// it was asked.
type script struct {
	mu       sync.Mutex
	answers  []answer
	requests []*http.Request
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, r.Clone(context.Background()))
	a := s.answers[min(n, len(s.answers)-1)]
	s.mu.Unlock()
	for k, v := range a.header {
		w.Header().Set(k, v)
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	w.WriteHeader(a.status)
	fmt.Fprint(w, a.body)
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// newTest serves answers and returns a client of it on a fake clock
// without jitter, and the script.
func newTest(t *testing.T, p Policy, answers ...answer) (*Client, *script, *FakeClock) {
	t.Helper()
	s := &script{answers: answers}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	base, err := ParseURL("base URL", srv.URL+"/api", "https://x.example", "")
	if err != nil {
		t.Fatal(err)
	}
	c := New(base, srv.Client(), Bearer("tok"), p)
	clock := NewFakeClock(t0)
	c.Clock = clock
	c.Rand = func() float64 { return 0 }
	return c, s, clock
}

func TestDo(t *testing.T) {
	ok := answer{body: `{"ok":true}`}
	ms := time.Millisecond
	tests := []struct {
		name      string
		policy    Policy
		answers   []answer
		wantKind  error // nil: success
		wantText  string
		wantTries int
		wantWaits []time.Duration
	}{
		{name: "first answer", answers: []answer{ok}, wantTries: 1},
		{name: "5xx retried with doubling backoff", answers: []answer{{status: 503}, {status: 502}, ok},
			wantTries: 3, wantWaits: []time.Duration{200 * ms, 400 * ms}},
		{name: "5xx until the tries run out", answers: []answer{{status: 503}},
			wantKind: ErrUnavailable, wantText: "503 Service Unavailable (3 tries)", wantTries: 3, wantWaits: []time.Duration{200 * ms, 400 * ms}},
		{name: "no retries", policy: Policy{Retries: -1}, answers: []answer{{status: 500}},
			wantKind: ErrUnavailable, wantText: "500 Internal Server Error (1 try)", wantTries: 1},
		{name: "Retry-After in seconds", answers: []answer{{status: 429, header: map[string]string{"Retry-After": "2"}}, ok},
			wantTries: 2, wantWaits: []time.Duration{2 * time.Second}},
		{name: "Retry-After as a date", answers: []answer{{status: 503, header: map[string]string{"Retry-After": t0.Add(7 * time.Second).Format(http.TimeFormat)}}, ok},
			wantTries: 2, wantWaits: []time.Duration{7 * time.Second}},
		{name: "Retry-After capped", policy: Policy{MaxRetryAfter: 5 * time.Second},
			answers: []answer{{status: 429, header: map[string]string{"Retry-After": "3600"}}, ok}, wantTries: 2, wantWaits: []time.Duration{5 * time.Second}},
		{name: "a wait past MaxWait gives up", policy: Policy{MaxWait: time.Minute},
			answers: []answer{{status: 503, header: map[string]string{"Retry-After": "90"}}, ok}, wantKind: ErrUnavailable, wantTries: 1},
		{name: "401", answers: []answer{{status: 401}}, wantKind: ErrUnauthorized, wantText: "401 Unauthorized", wantTries: 1},
		{name: "403", answers: []answer{{status: 403}}, wantKind: ErrUnauthorized, wantTries: 1},
		{name: "404", answers: []answer{{status: 404}}, wantKind: ErrNotFound, wantTries: 1},
		{name: "rate limits waited out, not counted", policy: Policy{Retries: -1, WaitOutRateLimits: true},
			answers: []answer{{status: 429}, {status: 429}, {status: 429}, ok}, wantTries: 4, wantWaits: []time.Duration{200 * ms, 400 * ms, 800 * ms}},
		{name: "a rate limit past MaxWait", policy: Policy{MaxWait: time.Minute, WaitOutRateLimits: true},
			answers: []answer{{status: 429, header: map[string]string{"Retry-After": "120"}}}, wantKind: ErrRateLimited, wantTries: 1},
		{name: "rate limit waits out the spent budget's reset", policy: Policy{WaitOutRateLimits: true},
			answers:   []answer{{status: 429, header: map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": "12"}}, ok},
			wantTries: 2, wantWaits: []time.Duration{12 * time.Second}},
		{name: "unreadable answer", answers: []answer{{body: `{"ok":"yes"}`}}, wantKind: ErrBadData, wantTries: 1},
		{name: "cut-off answer retried", answers: []answer{{body: `{"ok":`}, ok}, wantTries: 2, wantWaits: []time.Duration{200 * ms}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s, clock := newTest(t, tt.policy, tt.answers...)
			c.Budget = NewBudget("test", "key")
			var got struct{ OK bool }
			_, err := c.Do(t.Context(), Request{Path: "/x"}, func(r *Response) error {
				err := jsonUnmarshal(r.Body, &got)
				if err != nil {
					return err
				}
				if !got.OK {
					return errors.New("ok is false")
				}
				return nil
			})
			switch {
			case tt.wantKind == nil && err != nil:
				t.Fatalf("err %v, want success", err)
			case tt.wantKind != nil && !errors.Is(err, tt.wantKind):
				t.Fatalf("err %v, want kind %v", err, tt.wantKind)
			case tt.wantText != "" && err.Error() != tt.wantText:
				t.Errorf("err %q, want %q", err, tt.wantText)
			}
			if n := s.count(); n != tt.wantTries {
				t.Errorf("%d requests, want %d", n, tt.wantTries)
			}
			if w := clock.Waits(); !slices.Equal(w, tt.wantWaits) {
				t.Errorf("waits %v, want %v", w, tt.wantWaits)
			}
			if s.requests[0].Header.Get("Authorization") != "Bearer tok" || s.requests[0].URL.Path != "/api/x" {
				t.Errorf("request %s with %q", s.requests[0].URL.Path, s.requests[0].Header.Get("Authorization"))
			}
		})
	}
}

// jsonUnmarshal reports a cut-off document as jsonfield.ErrTruncated, as
// the connectors' decoders do.
func jsonUnmarshal(body []byte, v any) error {
	if err := jsonDecode(body, v); err != nil {
		if cut := jsonfield.Truncation(body, err); cut != nil {
			return cut
		}
		return err
	}
	return nil
}

func TestKindsAreTheExitCodes(t *testing.T) {
	err := GaveUp(Unavailable("acme is unavailable"), "503 Service Unavailable", 3)
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, app.ErrNotFetched) {
		t.Errorf("%v: not ErrUnavailable and app.ErrNotFetched", err)
	}
	if err.Error() != "acme is unavailable: 503 Service Unavailable (3 tries)" {
		t.Errorf("text %q", err)
	}
	if k := Kind("the key was rejected", ErrUnauthorized); !errors.Is(k, ErrUnauthorized) || errors.Is(k, app.ErrNotFetched) {
		t.Errorf("Kind: %v", k)
	}
}

func TestJitterOnlyLengthens(t *testing.T) {
	p := Policy{Backoff: 100 * time.Millisecond, Jitter: 0.5}
	for _, tt := range []struct {
		try  int
		rnd  float64
		hint time.Duration
		want time.Duration
	}{
		{1, 0, 0, 100 * time.Millisecond},
		{1, 0.5, 0, 125 * time.Millisecond},
		{3, 0.99, 0, 400*time.Millisecond + 198*time.Millisecond},
		{2, 0.5, time.Second, time.Second},
	} {
		if got := p.delay(tt.try, tt.hint, func() float64 { return tt.rnd }); got != tt.want {
			t.Errorf("delay(%d, %v) with %v = %v, want %v", tt.try, tt.hint, tt.rnd, got, tt.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		h    string
		want time.Duration
	}{
		{"", -1}, {"0", 0}, {" 2 ", 2 * time.Second}, {"-1", -1}, {"1.5", -1}, {"soon", -1},
		{"99999999999999999", time.Duration(1<<63-1) / time.Second * time.Second},
		{t0.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{t0.Add(-30 * time.Second).Format(http.TimeFormat), 0},
	} {
		if got := retryAfter(tt.h, t0); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.h, got, tt.want)
		}
	}
}

// A spent budget holds the next request back until the window resets, and
// a budget spent for longer than MaxWait ends the request.
func TestBudget(t *testing.T) {
	spent := answer{body: `{"ok":true}`, header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30"}}
	for _, tt := range []struct {
		name      string
		maxWait   time.Duration
		wantWaits []time.Duration
		wantKind  error
	}{
		{"waited out", 0, []time.Duration{30 * time.Second}, nil},
		{"longer than allowed", 10 * time.Second, nil, ErrRateLimited},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _, clock := newTest(t, Policy{MaxWait: tt.maxWait}, spent)
			c.Budget = NewBudget("test", "key")
			for i := range 2 {
				_, err := c.Do(t.Context(), Request{Path: "/x"}, nil)
				if i == 1 && !errors.Is(err, tt.wantKind) || i == 1 && tt.wantKind == nil && err != nil {
					t.Fatalf("second request: %v, want %v", err, tt.wantKind)
				}
			}
			if w := clock.Waits(); !slices.Equal(w, tt.wantWaits) {
				t.Errorf("waits %v, want %v", w, tt.wantWaits)
			}
		})
	}
}

// Every wait is told to the hook the engine put in the context.
func TestWaitsAreReported(t *testing.T) {
	c, _, _ := newTest(t, Policy{Retries: 4},
		answer{status: 429, header: map[string]string{"Retry-After": "12"}}, answer{status: 503}, answer{body: "{}"})
	var mu sync.Mutex
	var lines []string
	ctx := engine.WithWaits(t.Context(), func(w engine.Wait) {
		mu.Lock()
		defer mu.Unlock()
		w.Source = "acme"
		lines = append(lines, w.String())
	})
	if _, err := c.Do(ctx, Request{Path: "/x"}, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"acme: 429, waiting 12 s (attempt 2 of 5)", "acme: 503, waiting 0.4 s (attempt 3 of 5)"}
	if !slices.Equal(lines, want) {
		t.Errorf("reported %q, want %q", lines, want)
	}
}

func TestClientCredentials(t *testing.T) {
	var tokens, calls atomic.Int32
	var rejectNext atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token/", func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		if id != "id%3A1" || secret != "s%26" || r.FormValue("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client"}`)
			return
		}
		n := tokens.Add(1)
		fmt.Fprintf(w, `{"access_token":"t%d","token_type":"Bearer","expires_in":3600}`, n)
	})
	mux.HandleFunc("GET /api/x", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if rejectNext.Swap(false) || r.Header.Get("Authorization") == "Bearer revoked" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, "{}")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL + "/api")
	errInvalid, errEndpoint := errors.New("invalid client"), errors.New("no token")
	newCC := func(secret string) (*Client, *FakeClock) {
		tokenAPI := New(base, srv.Client(), nil, Policy{})
		clock := NewFakeClock(t0)
		tokenAPI.Clock = clock
		cc := &ClientCredentials{TokenURL: srv.URL + "/token/", ClientID: "id:1", Secret: secret, Client: tokenAPI,
			DefaultLifetime: time.Hour, ErrInvalidClient: errInvalid, ErrEndpoint: errEndpoint,
			ErrUnavailable: Unavailable("down"), Wrap: func(err error) error { return fmt.Errorf("source: %w", err) }}
		c := New(base, srv.Client(), cc, Policy{})
		c.Clock = clock
		return c, clock
	}

	c, clock := newCC("s&")
	for range 3 {
		if _, err := c.Do(t.Context(), Request{Path: "/x"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if tokens.Load() != 1 {
		t.Errorf("%d tokens for three requests, want 1 while it lives", tokens.Load())
	}
	clock.Sleep(t.Context(), time.Hour)
	rejectNext.Store(false)
	if _, err := c.Do(t.Context(), Request{Path: "/x"}, nil); err != nil || tokens.Load() != 2 {
		t.Errorf("after expiry: %v, %d tokens, want a second", err, tokens.Load())
	}
	rejectNext.Store(true) // the cached token is revoked: renewed once, not counted as a try
	if _, err := c.Do(t.Context(), Request{Path: "/x"}, nil); err != nil || tokens.Load() != 3 {
		t.Errorf("after a 401: %v, %d tokens, want a third", err, tokens.Load())
	}
	if len(clock.Waits()) != 1 {
		t.Errorf("waits %v: a renewal is not a retry", clock.Waits())
	}

	bad, _ := newCC("wrong")
	_, err := bad.Do(t.Context(), Request{Path: "/x"}, nil)
	if !errors.Is(err, errInvalid) || !strings.HasPrefix(err.Error(), "source: ") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong secret: %v", err)
	}
}

// The first error of a fan-out cancels the calls beside it and no call
// starts after it; no more than limit run at once.
func TestEach(t *testing.T) {
	var running, peak, started atomic.Int32
	stop := errors.New("rejected")
	err := Each(t.Context(), 50, 4, func(ctx context.Context, i int) error {
		started.Add(1)
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		if i == 5 {
			return stop
		}
		if i > 5 {
			<-ctx.Done() // only the failure ends these
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Each = %v, want the first error", err)
	}
	if peak.Load() > 4 {
		t.Errorf("%d at once, want at most 4", peak.Load())
	}
	if started.Load() == 50 {
		t.Errorf("every call started after the failure")
	}
}

func jsonDecode(body []byte, v any) error { return json.Unmarshal(body, v) }

// Ordered delivers in order whatever order the fetches end in, never more
// than limit ahead, and a fetch's error wins over the pages not delivered.
func TestOrdered(t *testing.T) {
	stop := errors.New("rejected")
	for _, tt := range []struct {
		name    string
		failAt  int // -1: none
		want    []int
		wantErr error
	}{
		{"all", -1, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, nil},
		{"a fatal fetch", 6, nil, stop},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var inFlight, peak atomic.Int32
			var got []int
			err := Ordered(t.Context(), 10, 3, func(ctx context.Context, i int) (int, error) {
				n := inFlight.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				if i == tt.failAt {
					return 0, stop
				}
				return i * i, nil
			}, func(i, v int) error {
				inFlight.Add(-1)
				if v != i*i {
					t.Errorf("item %d delivered %d", i, v)
				}
				got = append(got, i)
				return nil
			})
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("Ordered = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && !slices.Equal(got, tt.want) {
				t.Errorf("delivered %v, want %v", got, tt.want)
			}
			if tt.wantErr != nil && slices.Contains(got, tt.failAt) {
				t.Errorf("delivered %v, past the failure", got)
			}
			if peak.Load() > 3 {
				t.Errorf("%d fetched ahead of delivery, want at most 3", peak.Load())
			}
		})
	}
}

// A vendor that cannot be reached at all before any answer (offline, a
// wrong host) ends the request at once and marks the source down, so that
// the requests beside it are not even tried; outside a sync, or after the
// vendor has answered in this run (an outage mid-sync), the same failure is
// retried as any other.
func TestUnreachable(t *testing.T) {
	live, _, _ := newTest(t, Policy{}, answer{body: "{}"})
	srv := httptest.NewServer(http.NotFoundHandler())
	refusedURL := srv.URL
	srv.Close() // its port now refuses connections
	for _, tc := range []struct {
		name      string
		inSync    bool
		answered  bool
		waits     int
		down      bool
		wantCause string
	}{
		{name: "in a sync, before any answer", inSync: true, waits: 0, down: true, wantCause: "connection refused"},
		{name: "outside a sync", waits: 2},
		{name: "in a sync, after an answer", inSync: true, answered: true, waits: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			if tc.inSync {
				ctx = engine.WithReach(ctx)
			}
			if tc.answered {
				if _, err := live.Do(ctx, Request{Path: "/x"}, nil); err != nil {
					t.Fatal(err)
				}
			}
			base, err := ParseURL("base URL", refusedURL+"/api", "https://x.example", "")
			if err != nil {
				t.Fatal(err)
			}
			c := New(base, nil, nil, Policy{})
			clock := NewFakeClock(t0)
			c.Clock = clock
			_, err = c.Do(ctx, Request{Path: "/x"}, nil)
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("err %v, want ErrUnavailable", err)
			}
			if n := len(clock.Waits()); n != tc.waits {
				t.Errorf("%d waits, want %d", n, tc.waits)
			}
			cause, down := engine.ReachOf(ctx).Down()
			if down != tc.down || cause != tc.wantCause {
				t.Errorf("down %v (%q), want %v (%q)", down, cause, tc.down, tc.wantCause)
			}
			if !tc.down {
				return
			}
			// The next request of the source is not sent at all.
			_, err = live.Do(ctx, Request{Path: "/x"}, nil)
			if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "not tried") {
				t.Errorf("a request after the source went down: %v, want it not tried", err)
			}
		})
	}
}

// A lent buffer holds a 2xx body without new memory when it is large
// enough, grows when it is not, and is left alone by an error answer, whose
// body the error keeps.
func TestInto(t *testing.T) {
	big := strings.Repeat("x", 5000)
	c, _, _ := newTest(t, Policy{}, answer{body: `{"a":1}`}, answer{body: big}, answer{status: 404, body: `{"m":"gone"}`})
	lent := make([]byte, 0, 1024)
	ctx := context.Background()
	r, err := c.Do(ctx, Request{Path: "/one", Into: lent}, nil)
	if err != nil || string(r.Body) != `{"a":1}` {
		t.Fatalf("%q %v", r.Body, err)
	}
	if &r.Body[0] != &lent[:1][0] {
		t.Error("a body that fits was not read into the lent memory")
	}
	r, err = c.Do(ctx, Request{Path: "/two", Into: lent}, nil)
	if err != nil || string(r.Body) != big {
		t.Fatalf("%d bytes, %v", len(r.Body), err)
	}
	lent = append(lent[:0], "keep"...)
	_, err = c.Do(ctx, Request{Path: "/three", Into: lent[:0]}, nil)
	var e *Error
	if !errors.As(err, &e) || string(e.Body) != `{"m":"gone"}` {
		t.Fatalf("%v", err)
	}
	if string(lent) != "keep" {
		t.Errorf("an error answer was read into the lent memory: %q", lent)
	}
}
