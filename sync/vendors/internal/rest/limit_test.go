package rest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"wattfolio/sync/engine"
)

// A budget of N a minute spaces requests a little over 60 s / N apart, so
// that N+1 requests never fit in one minute; a retry waits its turn like any
// request; and a wait of a second or more is told in the words a person
// reads.
func TestLimiterSpacesRequests(t *testing.T) {
	for _, tt := range []struct {
		perMinute int
		answers   []answer
		waits     []time.Duration // the fake clock's sleeps, backoff included
		lines     []string
	}{
		{perMinute: 300, answers: []answer{{body: "{}"}}, waits: []time.Duration{202 * time.Millisecond, 202 * time.Millisecond}},
		{perMinute: 20, answers: []answer{{body: "{}"}},
			waits: []time.Duration{3030 * time.Millisecond, 3030 * time.Millisecond},
			lines: []string{"acme: request budget of 20 a minute, waiting 3.0 s", "acme: request budget of 20 a minute, waiting 3.0 s"}},
		// The 503's backoff (0.2 s) counts towards the spacing: the
		// retry waits only for what is left of it.
		{perMinute: 20, answers: []answer{{status: 503}, {body: "{}"}},
			waits: []time.Duration{200 * time.Millisecond, 2830 * time.Millisecond, 3030 * time.Millisecond, 3030 * time.Millisecond},
			lines: []string{"acme: 503, waiting 0.2 s (attempt 2 of 3)", "acme: request budget of 20 a minute, waiting 2.8 s",
				"acme: request budget of 20 a minute, waiting 3.0 s", "acme: request budget of 20 a minute, waiting 3.0 s"}},
	} {
		c, s, clock := newTest(t, Policy{RequestsPerMinute: tt.perMinute}, tt.answers...)
		var mu sync.Mutex
		var lines []string
		ctx := engine.WithWaits(t.Context(), func(w engine.Wait) {
			mu.Lock()
			defer mu.Unlock()
			w.Source = "acme"
			lines = append(lines, w.String())
		})
		for range 3 {
			if _, err := c.Do(ctx, Request{Path: "/x"}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if got := clock.Waits(); !slices.Equal(got, tt.waits) {
			t.Errorf("%d a minute, %d requests: waits %v, want %v", tt.perMinute, s.count(), got, tt.waits)
		}
		if !slices.Equal(lines, tt.lines) {
			t.Errorf("%d a minute: reported %q, want %q", tt.perMinute, lines, tt.lines)
		}
	}
}

// A source stopped while its requests queue for their turn stops them at
// once, without sending.
func TestLimiterStopsWithTheSource(t *testing.T) {
	c, s, _ := newTest(t, Policy{RequestsPerMinute: 1}, answer{body: "{}"})
	if _, err := c.Do(t.Context(), Request{Path: "/x"}, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Do(ctx, Request{Path: "/x"}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := s.count(); n != 1 {
		t.Errorf("%d requests sent, want 1", n)
	}
}
