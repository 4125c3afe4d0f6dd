package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"wattfolio/db"
	"wattfolio/db/internal/pgq"
)

// The vendors' request budgets (rest.BudgetStore) on the team's book: a
// budget the server's sync learns is spent holds back every other process
// syncing with the same API key through the book, as the cache does for
// the processes sharing a cache file. A key is known by its hash only.

// RateBudget is when a vendor's request budget for an API key, known by
// the key's hash, is spent until (zero: not known to be spent).
func (s *Store) RateBudget(ctx context.Context, vendor, keyHash string) (time.Time, error) {
	until, err := s.q.RateBudget(ctx, pgq.RateBudgetParams{Vendor: vendor, KeyHash: keyHash})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("book: rate budget of %s: %w", vendor, err)
	}
	return db.BudgetTime(until), nil
}

// SetRateBudget records until when a vendor's request budget for a key is
// spent; the zero time clears it. Seconds are rounded up, never down.
func (s *Store) SetRateBudget(ctx context.Context, vendor, keyHash string, until time.Time) error {
	err := s.q.SetRateBudget(ctx, pgq.SetRateBudgetParams{Vendor: vendor, KeyHash: keyHash, BlockedUntil: db.BudgetSeconds(until), UpdatedAt: ts(s.now())})
	if err != nil {
		return fmt.Errorf("book: rate budget of %s: %w", vendor, err)
	}
	return nil
}
