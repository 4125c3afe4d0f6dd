package db

import (
	"context"
	"fmt"
	"time"

	"wattfolio/app/compare"
	"wattfolio/db/internal/dbq"
)

// SaveSavings replaces the cached savings view with rows, computed at
// computedAt, in one transaction: readers see the old rows or the new ones,
// never a mix.
func (s *Store) SaveSavings(ctx context.Context, rows []compare.SavingsRow, computedAt time.Time) error {
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		if err := q.DeleteSavings(ctx); err != nil {
			return err
		}
		for _, r := range rows {
			err := q.InsertSavings(ctx, dbq.InsertSavingsParams{
				AccountID: r.AccountID, AccountName: r.Account, Profile: r.Profile,
				CurrentContractID: idOrNil(r.CurrentContractID), CurrentName: r.Current, CurrentGrossE6: decimalOrNil(r.CurrentCost),
				OfferID: idOrNil(r.OfferID), OfferName: r.Offer, OfferGrossE6: decimalOrNil(r.OfferCost),
				Saving1E6: decimalOrNil(r.Saving1), Saving2E6: decimalOrNil(r.Saving2), SavingPct1E6: decimalOrNil(r.SavingPct1),
				Deadline: unixOrNil(r.Deadline), DeadlineKind: string(r.DeadlineKind), AtStakeE6: decimalOrNil(r.AtStake),
				Note: r.Note, ComputedAt: computedAt.Unix(),
			})
			if err != nil {
				return fmt.Errorf("account %d: %w", r.AccountID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: save savings: %w", err)
	}
	return nil
}

// Savings returns the cached savings view by customer name and when it was
// computed (the oldest row's time); no rows and the zero time when it never
// was.
func (s *Store) Savings(ctx context.Context) ([]compare.SavingsRow, time.Time, error) {
	rows, err := s.rq.ListSavings(ctx)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("cache: savings: %w", err)
	}
	out := make([]compare.SavingsRow, len(rows))
	var at int64
	for i, r := range rows {
		out[i] = compare.SavingsRow{
			AccountID: r.AccountID, Account: r.AccountName, Profile: r.Profile,
			CurrentContractID: deref(r.CurrentContractID), Current: r.CurrentName, CurrentCost: decimalOrNilPtr(r.CurrentGrossE6),
			OfferID: deref(r.OfferID), Offer: r.OfferName, OfferCost: decimalOrNilPtr(r.OfferGrossE6),
			Saving1: decimalOrNilPtr(r.Saving1E6), Saving2: decimalOrNilPtr(r.Saving2E6), SavingPct1: decimalOrNilPtr(r.SavingPct1E6),
			Deadline: timeOrZero(r.Deadline), DeadlineKind: compare.DeadlineKind(r.DeadlineKind), AtStake: decimalOrNilPtr(r.AtStakeE6),
			Note: r.Note,
		}
		if at == 0 || r.ComputedAt < at {
			at = r.ComputedAt
		}
	}
	if at == 0 {
		return out, time.Time{}, nil
	}
	return out, time.Unix(at, 0).UTC(), nil
}

func idOrNil(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
