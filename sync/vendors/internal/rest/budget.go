package rest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"wattfolio/sync/engine"
)

// Budget follows a vendor's published rate limit through the RateLimit-*
// (or X-RateLimit-*) headers of its answers: when Remaining reaches 0 the
// next request waits until the window resets, in this process and, through
// Store, in every other one using the same key.
type Budget struct {
	Vendor string // the budget's name in Store, e.g. "otark"
	key    string // hex SHA-256 of the API key: never the key itself

	mu      sync.Mutex
	blocked time.Time   // the budget is spent until then (zero: not spent)
	store   BudgetStore // nil: this process only
}

// BudgetStore keeps budgets where every process syncing with a key sees
// them (the cache), so that a second process does not spend what the first
// has learnt is spent.
type BudgetStore interface {
	RateBudget(ctx context.Context, vendor, keyHash string) (time.Time, error)
	SetRateBudget(ctx context.Context, vendor, keyHash string, until time.Time) error
}

// NewBudget is the budget of one API key at vendor.
func NewBudget(vendor, apiKey string) *Budget {
	sum := sha256.Sum256([]byte(apiKey))
	return &Budget{Vendor: vendor, key: hex.EncodeToString(sum[:])}
}

// Share keeps the budget in s as well.
func (b *Budget) Share(s BudgetStore) {
	b.mu.Lock()
	b.store = s
	b.mu.Unlock()
}

// KeyHash names the key in a BudgetStore.
func (b *Budget) KeyHash() string { return b.key }

// resetEpoch: a Reset this large is a Unix time, as some APIs send in
// X-RateLimit-Reset, not a number of seconds.
const resetEpoch = 1_000_000_000

// read returns the time until the window resets (-1 when not announced)
// and whether the budget is spent.
func (b *Budget) read(h http.Header, now time.Time) (reset time.Duration, spent bool) {
	header := func(name string) string {
		if v := h.Get("RateLimit-" + name); v != "" {
			return v
		}
		return h.Get("X-RateLimit-" + name)
	}
	reset = -1
	if n, err := strconv.ParseInt(strings.TrimSpace(header("Reset")), 10, 64); err == nil && n >= 0 {
		if n >= resetEpoch {
			reset = max(time.Unix(n, 0).Sub(now), 0)
		} else {
			reset = seconds(n)
		}
	}
	remaining, err := strconv.ParseInt(strings.TrimSpace(header("Remaining")), 10, 64)
	return reset, err == nil && remaining <= 0
}

// note records a spent budget announced by an answer's headers.
func (b *Budget) note(ctx context.Context, h http.Header, now time.Time) {
	if reset, spent := b.read(h, now); spent && reset > 0 {
		b.set(ctx, now.Add(reset))
	}
}

// set records until when the budget is spent, zero for not spent. The
// shared budget is a help, not a must: when the store cannot record it,
// this process still keeps its own.
func (b *Budget) set(ctx context.Context, until time.Time) {
	b.mu.Lock()
	b.blocked = until
	store := b.store
	b.mu.Unlock()
	if store != nil {
		if err := store.SetRateBudget(ctx, b.Vendor, b.key, until); err != nil {
			slog.Warn("the request budget is kept in this process only", "vendor", b.Vendor, "err", err)
		}
	}
}

// until is when the budget, as this process or another with the key knows
// it, is no longer spent; zero when it is not. It forgets its own record:
// whoever asks waits it out.
func (b *Budget) until(ctx context.Context) time.Time {
	b.mu.Lock()
	until := b.blocked
	b.blocked = time.Time{}
	store := b.store
	b.mu.Unlock()
	if store != nil {
		if other, err := store.RateBudget(ctx, b.Vendor, b.key); err == nil && other.After(until) {
			until = other
		}
	}
	return until
}

// waitBudget waits until the window resets when the last answer, to this
// process or another with the same key, said the budget is spent.
func (c *Client) waitBudget(ctx context.Context) error {
	if c.Budget == nil {
		return nil
	}
	until := c.Budget.until(ctx)
	if until.IsZero() {
		return nil
	}
	d := until.Sub(c.now())
	if d <= 0 {
		return nil
	}
	if c.Policy.MaxWait > 0 && d > c.Policy.MaxWait {
		return &Error{Kind: ErrRateLimited, Last: "the request budget is spent", Wait: d}
	}
	engine.ReportWait(ctx, engine.Wait{Cause: "request budget spent", For: d})
	if err := c.clock().Sleep(ctx, d); err != nil {
		return fmt.Errorf("waiting for the rate-limit window to reset: %w", err)
	}
	return nil
}
