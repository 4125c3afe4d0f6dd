package pgstore

import (
	"context"
	"time"

	"wattfolio/db/internal/pgq"
)

// The book as the shared store suite and a pull read it: every contract,
// run, checkpoint and record problem, in a stable order.

// BookContract is a contract of the book, reduced to what a slice needs to
// tell it from another.
type BookContract struct {
	Source, ExternalID, Customer, Status string
	WorkingPerKWhE6, BasePerYearE6       *int64
	ValidFrom                            time.Time
	Raw                                  string // as jsonb prints it
	Removed                              bool
}

// Contracts lists the book's contracts by source and external id.
func (s *Store) Contracts(ctx context.Context) ([]BookContract, error) {
	rows, err := s.q.BookContracts(ctx)
	out := make([]BookContract, len(rows))
	for i, r := range rows {
		out[i] = BookContract{
			Source: r.SourceName, ExternalID: r.ExternalID, Customer: r.CustomerRef, Status: r.Status,
			WorkingPerKWhE6: r.WorkingPerKwhE6, BasePerYearE6: r.BasePerYearE6, Raw: r.RawJson, Removed: r.Removed,
		}
		if r.ValidFrom.Valid {
			out[i].ValidFrom = r.ValidFrom.Time.UTC()
		}
	}
	return out, err
}

// Runs lists the book's sync runs, oldest first.
func (s *Store) Runs(ctx context.Context) ([]pgq.BookRunsRow, error) { return s.q.BookRuns(ctx) }

// Checkpoints lists the book's checkpoints by source and stream.
func (s *Store) Checkpoints(ctx context.Context) ([]pgq.BookCheckpointsRow, error) {
	return s.q.BookCheckpoints(ctx)
}

// Problems lists the book's record problems, oldest first.
func (s *Store) Problems(ctx context.Context) ([]pgq.BookProblemsRow, error) {
	return s.q.BookProblems(ctx)
}
